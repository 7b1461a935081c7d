package blob

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	_ "image/png" // photos arrive as PNG too (screenshots of system screens)
	"time"

	"golang.org/x/image/draw"
)

// Derived images are made once, when a photo is imported: a report-size
// JPEG (EXIF orientation applied, so renderers pass it through untouched)
// and a thumbnail for lists. The original is never altered.

// Limits and sizes of derived images.
const (
	MaxPixels      = 100_000_000 // more is refused as a decompression bomb
	ReportLongEdge = 1600        // report copy, in pixels: sharp at 16 cm on paper
	ThumbLongEdge  = 320
	reportQuality  = 80
	thumbQuality   = 80
)

// Errors of Derive; each names one cause.
var (
	ErrNotImage  = errors.New("not a JPEG or PNG image")
	ErrBadImage  = errors.New("the image is truncated or damaged")
	ErrHugeImage = errors.New("the image is too large (over 100 megapixels)")
)

// Derived holds the images made from one photo.
type Derived struct {
	Report      []byte // JPEG, long edge at most ReportLongEdge
	Thumb       []byte // JPEG, long edge at most ThumbLongEdge
	Width       int    // of the report copy, after orientation
	Height      int
	OrigWidth   int // of the original, as displayed (after orientation)
	OrigHeight  int
	Orientation int       // EXIF orientation of the original (1 when absent)
	TakenAt     time.Time // EXIF DateTimeOriginal, zero when absent
}

// Derive decodes a photo once and makes its derived images. It checks the
// pixel count before decoding, so a decompression bomb costs nothing.
func Derive(data []byte) (*Derived, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		if errors.Is(err, image.ErrFormat) {
			return nil, ErrNotImage
		}
		return nil, fmt.Errorf("%w (%v)", ErrBadImage, err)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, fmt.Errorf("%w: %d×%d pixels", ErrHugeImage, cfg.Width, cfg.Height)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrBadImage, err)
	}
	d := &Derived{Orientation: 1}
	if format == "jpeg" {
		if ex, ok := readExif(data); ok {
			if ex.orientation >= 1 && ex.orientation <= 8 {
				d.Orientation = ex.orientation
			}
			d.TakenAt = ex.taken
		}
	}
	report := orient(scale(img, ReportLongEdge), d.Orientation)
	thumb := scale(report, ThumbLongEdge)
	d.Width, d.Height = report.Bounds().Dx(), report.Bounds().Dy()
	d.OrigWidth, d.OrigHeight = cfg.Width, cfg.Height
	if d.Orientation >= 5 {
		d.OrigWidth, d.OrigHeight = cfg.Height, cfg.Width
	}
	if d.Report, err = encode(report, reportQuality); err != nil {
		return nil, err
	}
	if d.Thumb, err = encode(thumb, thumbQuality); err != nil {
		return nil, err
	}
	return d, nil
}

func encode(img image.Image, q int) ([]byte, error) {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: q}); err != nil {
		return nil, fmt.Errorf("encode derived image: %w", err)
	}
	return b.Bytes(), nil
}

// scale shrinks img so its long edge is at most edge pixels.
func scale(img image.Image, edge int) *image.RGBA {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	if long := max(w, h); long > edge {
		w, h = max(1, w*edge/long), max(1, h*edge/long)
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.ApproxBiLinear.Scale(dst, dst.Bounds(), img, b, draw.Src, nil)
	return dst
}

// orient applies an EXIF orientation (1–8) so the image displays upright.
func orient(src *image.RGBA, o int) *image.RGBA {
	if o <= 1 || o > 8 {
		return src
	}
	w, h := src.Bounds().Dx(), src.Bounds().Dy()
	dw, dh := w, h
	if o >= 5 {
		dw, dh = h, w
	}
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for y := range h {
		for x := range w {
			var dx, dy int
			switch o {
			case 2: // mirrored horizontally
				dx, dy = w-1-x, y
			case 3: // rotated 180
				dx, dy = w-1-x, h-1-y
			case 4: // mirrored vertically
				dx, dy = x, h-1-y
			case 5: // transposed
				dx, dy = y, x
			case 6: // rotated 90 clockwise to display
				dx, dy = h-1-y, x
			case 7: // transverse
				dx, dy = h-1-y, w-1-x
			case 8: // rotated 270 clockwise to display
				dx, dy = y, w-1-x
			}
			si := src.PixOffset(x, y)
			di := dst.PixOffset(dx, dy)
			copy(dst.Pix[di:di+4], src.Pix[si:si+4])
		}
	}
	return dst
}

type exif struct {
	orientation int
	taken       time.Time
}

// readExif finds the APP1 Exif segment of a JPEG and reads the orientation
// and the original capture time. Anything malformed is ignored: EXIF is a
// hint, never a reason to refuse a photo.
func readExif(data []byte) (ex exif, ok bool) {
	if len(data) < 4 || data[0] != 0xFF || data[1] != 0xD8 {
		return ex, false
	}
	for i := 2; i+4 <= len(data); {
		if data[i] != 0xFF {
			return ex, false
		}
		marker := data[i+1]
		if marker == 0xD9 || marker == 0xDA { // end of image, start of scan
			return ex, false
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return ex, false
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xE1 && len(seg) > 14 && string(seg[:6]) == "Exif\x00\x00" {
			return parseTIFF(seg[6:])
		}
		i += 2 + n
	}
	return ex, false
}

func parseTIFF(t []byte) (ex exif, ok bool) {
	if len(t) < 8 {
		return ex, false
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return ex, false
	}
	entries := func(off uint32) [][]byte {
		if off < 8 || int(off)+2 > len(t) {
			return nil
		}
		n := int(bo.Uint16(t[off:]))
		var out [][]byte
		for k := range min(n, 512) {
			p := int(off) + 2 + 12*k
			if p+12 > len(t) {
				break
			}
			out = append(out, t[p:p+12])
		}
		return out
	}
	ex.orientation = 1
	var exifIFD uint32
	for _, e := range entries(bo.Uint32(t[4:])) {
		switch bo.Uint16(e) {
		case 0x0112: // Orientation, SHORT
			ex.orientation = int(bo.Uint16(e[8:]))
		case 0x8769: // Exif IFD pointer
			exifIFD = bo.Uint32(e[8:])
		}
	}
	for _, e := range entries(exifIFD) {
		if bo.Uint16(e) != 0x9003 { // DateTimeOriginal, ASCII[20]
			continue
		}
		cnt, off := bo.Uint32(e[4:]), bo.Uint32(e[8:])
		if cnt < 19 || int(off)+19 > len(t) {
			continue
		}
		if ts, err := time.ParseInLocation("2006:01:02 15:04:05", string(t[off:off+19]), jst); err == nil {
			ex.taken = ts
		}
	}
	return ex, true
}

// jst is where the ward's photos are taken; EXIF times carry no zone.
var jst = time.FixedZone("JST", 9*60*60)
