package blob

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
	"time"
)

// halves makes a w×h JPEG whose left half is red and right half blue.
func halves(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{255, 0, 0, 255}
			if x >= w/2 {
				c = color.RGBA{0, 0, 255, 255}
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// withExif inserts an APP1 Exif segment (big-endian TIFF) carrying an
// orientation and a DateTimeOriginal right after the JPEG's SOI marker.
func withExif(jpg []byte, orientation uint16, taken string) []byte {
	var t bytes.Buffer
	be := binary.BigEndian
	t.WriteString("MM")
	binary.Write(&t, be, uint16(42))
	binary.Write(&t, be, uint32(8)) // IFD0 at 8
	// IFD0: 2 entries
	binary.Write(&t, be, uint16(2))
	binary.Write(&t, be, []uint16{0x0112, 3})
	binary.Write(&t, be, uint32(1))
	binary.Write(&t, be, []uint16{orientation, 0})
	exifIFD := uint32(8 + 2 + 2*12 + 4)
	binary.Write(&t, be, []uint16{0x8769, 4})
	binary.Write(&t, be, uint32(1))
	binary.Write(&t, be, exifIFD)
	binary.Write(&t, be, uint32(0)) // no next IFD
	// Exif IFD: 1 entry, DateTimeOriginal pointing just after it.
	binary.Write(&t, be, uint16(1))
	binary.Write(&t, be, []uint16{0x9003, 2})
	binary.Write(&t, be, uint32(20))
	binary.Write(&t, be, exifIFD+2+12+4)
	binary.Write(&t, be, uint32(0))
	t.WriteString(taken + "\x00")
	seg := append([]byte("Exif\x00\x00"), t.Bytes()...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	be.PutUint16(app1[2:], uint16(len(seg)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

func colourAt(t *testing.T, jpg []byte, x, y int) string {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(jpg))
	if err != nil {
		t.Fatal(err)
	}
	r, _, b, _ := img.At(x, y).RGBA()
	switch {
	case r > 0xA000 && b < 0x6000:
		return "red"
	case b > 0xA000 && r < 0x6000:
		return "blue"
	}
	return "?"
}

func TestDeriveAppliesOrientation(t *testing.T) {
	src := halves(t, 400, 200)
	tests := []struct {
		o            uint16
		w, h         int
		topLeft, far string // colour at top-left and at the far corner (bottom-right)
	}{
		{1, 400, 200, "red", "blue"},
		{3, 400, 200, "blue", "red"},
		{6, 200, 400, "red", "blue"}, // rotate 90° clockwise: left half becomes the top
		{8, 200, 400, "blue", "red"},
	}
	for _, tt := range tests {
		d, err := Derive(withExif(src, tt.o, "2026:09:10 10:15:30"))
		if err != nil {
			t.Fatalf("orientation %d: %v", tt.o, err)
		}
		if d.Width != tt.w || d.Height != tt.h || d.Orientation != int(tt.o) {
			t.Fatalf("orientation %d: %d×%d (o=%d); want %d×%d", tt.o, d.Width, d.Height, d.Orientation, tt.w, tt.h)
		}
		if got := colourAt(t, d.Report, 5, 5); got != tt.topLeft {
			t.Errorf("orientation %d: top-left is %s; want %s", tt.o, got, tt.topLeft)
		}
		if got := colourAt(t, d.Report, d.Width-5, d.Height-5); got != tt.far {
			t.Errorf("orientation %d: bottom-right is %s; want %s", tt.o, got, tt.far)
		}
		want := time.Date(2026, 9, 10, 10, 15, 30, 0, jst)
		if !d.TakenAt.Equal(want) {
			t.Errorf("orientation %d: taken %v; want %v", tt.o, d.TakenAt, want)
		}
	}
}

func TestDeriveSizes(t *testing.T) {
	d, err := Derive(halves(t, 4000, 3000))
	if err != nil {
		t.Fatal(err)
	}
	if d.Width != ReportLongEdge || d.Height != 1200 || d.OrigWidth != 4000 {
		t.Fatalf("report %d×%d from %d×%d", d.Width, d.Height, d.OrigWidth, d.OrigHeight)
	}
	th, _, err := image.DecodeConfig(bytes.NewReader(d.Thumb))
	if err != nil || th.Width != ThumbLongEdge {
		t.Fatalf("thumb %+v, %v", th, err)
	}
	if !d.TakenAt.IsZero() || d.Orientation != 1 {
		t.Fatalf("no EXIF: taken %v, orientation %d", d.TakenAt, d.Orientation)
	}
}

func TestDeriveRefusesBadInput(t *testing.T) {
	good := halves(t, 64, 64)
	bomb := append([]byte(nil), good...)
	// Patch the SOF0 frame size to 20000×20000 (400 megapixels).
	for i := 2; i+9 < len(bomb); i++ {
		if bomb[i] == 0xFF && bomb[i+1] == 0xC0 {
			binary.BigEndian.PutUint16(bomb[i+5:], 20000)
			binary.BigEndian.PutUint16(bomb[i+7:], 20000)
			break
		}
	}
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"text file", []byte("監査メモ: これは画像ではない"), ErrNotImage},
		{"truncated JPEG", good[:len(good)/2], ErrBadImage},
		{"decompression bomb", bomb, ErrHugeImage},
		{"empty", nil, ErrNotImage},
	}
	for _, tt := range tests {
		if _, err := Derive(tt.data); !errors.Is(err, tt.want) {
			t.Errorf("%s: Derive = %v; want %v", tt.name, err, tt.want)
		}
	}
}

func FuzzReadExif(f *testing.F) {
	f.Add(withExif(halves(f, 8, 8), 6, "2026:09:10 10:15:30"))
	f.Fuzz(func(t *testing.T, data []byte) {
		readExif(data) // must not panic
	})
}

func BenchmarkDerive12MP(b *testing.B) {
	src := halves(b, 4000, 3000)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Derive(src); err != nil {
			b.Fatal(err)
		}
	}
}
