package pdf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/signintech/gopdf"
)

// makeTTC wraps TrueType fonts into a 'ttcf' collection: the header, each
// font's table directory, then all table data, offsets counted from the
// start of the collection.
func makeTTC(t *testing.T, fonts ...[]byte) []byte {
	t.Helper()
	type font struct {
		recs []tableRecord
		data []byte
	}
	var fs []font
	dirsLen := 0
	for _, f := range fonts {
		recs, err := tableDirectory(f, 0)
		if err != nil {
			t.Fatal(err)
		}
		fs = append(fs, font{recs, f})
		dirsLen += 12 + 16*len(recs)
	}
	head := 12 + 4*len(fonts)
	out := make([]byte, head+dirsLen)
	copy(out, "ttcf")
	binary.BigEndian.PutUint32(out[4:], 0x00010000)
	binary.BigEndian.PutUint32(out[8:], uint32(len(fonts)))
	dir := head
	for i, f := range fs {
		binary.BigEndian.PutUint32(out[12+4*i:], uint32(dir))
		copy(out[dir:], f.data[:12]) // sfnt version, numTables, search fields
		for k, r := range f.recs {
			for len(out)%4 != 0 {
				out = append(out, 0)
			}
			p := out[dir+12+16*k:]
			copy(p, r.tag)
			binary.BigEndian.PutUint32(p[4:], r.checksum)
			binary.BigEndian.PutUint32(p[8:], uint32(len(out)))
			binary.BigEndian.PutUint32(p[12:], r.length)
			out = append(out, f.data[r.offset:r.offset+r.length]...)
		}
		dir += 12 + 16*len(f.recs)
	}
	return out
}

func TestExtractFaceFromCollection(t *testing.T) {
	gothic, err := os.ReadFile(systemFontFile(t, "ipaexg.ttf"))
	if err != nil {
		t.Fatal(err)
	}
	second := gothic
	if p, ok := scanFonts(fontDirs())["ipaexm.ttf"]; ok {
		if second, err = os.ReadFile(p); err != nil {
			t.Fatal(err)
		}
	}
	ttc := makeTTC(t, gothic, second)
	if n, err := faceCount(ttc); err != nil || n != 2 {
		t.Fatalf("faceCount = %d, %v; want 2", n, err)
	}
	for i, orig := range [][]byte{gothic, second} {
		ttf, err := extractFace(ttc, i)
		if err != nil {
			t.Fatalf("extractFace(%d): %v", i, err)
		}
		if got := sfntChecksum(ttf); got != 0xB1B0AFBA {
			t.Errorf("face %d: file checksum %#x; want 0xB1B0AFBA", i, got)
		}
		recs, err := tableDirectory(ttf, 0)
		if err != nil {
			t.Fatalf("face %d: %v", i, err)
		}
		if !sort.SliceIsSorted(recs, func(a, b int) bool { return recs[a].tag < recs[b].tag }) {
			t.Errorf("face %d: tables not sorted by tag", i)
		}
		origRecs, _ := tableDirectory(orig, 0)
		if len(recs) != len(origRecs) {
			t.Fatalf("face %d: %d tables; want %d", i, len(recs), len(origRecs))
		}
		for _, r := range recs {
			if r.offset%4 != 0 {
				t.Errorf("face %d: table %s at unaligned offset %d", i, r.tag, r.offset)
			}
			got := ttf[r.offset : r.offset+r.length]
			want := tableData(orig, origRecs, r.tag)
			if r.tag == "head" {
				// head's checksum is taken with checkSumAdjustment zero
				got, want = append([]byte(nil), got...), append([]byte(nil), want...)
				copy(got[8:12], make([]byte, 4))
				copy(want[8:12], make([]byte, 4))
			}
			if sfntChecksum(got) != r.checksum {
				t.Errorf("face %d: table %s checksum mismatch", i, r.tag)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("face %d: table %s differs from the original", i, r.tag)
			}
		}
		if name := faceName(ttf, recs); !strings.Contains(name, "IPAex") {
			t.Errorf("face %d: name %q", i, name)
		}

		// gopdf loads the extracted face and the text comes back out.
		var gp gopdf.GoPdf
		gp.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4, Unit: gopdf.UnitPT})
		if err := gp.AddTTFFontData("ttc", ttf); err != nil {
			t.Fatalf("face %d: gopdf: %v", i, err)
		}
		gp.AddPage()
		if err := gp.SetFont("ttc", "", 14); err != nil {
			t.Fatal(err)
		}
		gp.SetXY(72, 100)
		const text = "コレクションから取り出した書体ISMS"
		if err := gp.Text(text); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "ttc.pdf")
		if err := gp.WritePdf(path); err != nil {
			t.Fatal(err)
		}
		t.Run("pdftotext", func(t *testing.T) {
			if got := squash(tool(t, "pdftotext", path, "-")); got != text {
				t.Errorf("pdftotext = %q; want %q", got, text)
			}
		})
	}
	if _, err := extractFace(ttc, 2); err == nil {
		t.Error("extractFace(2) of a two-face collection succeeded")
	}
}

func TestFindFontFromCollectionPath(t *testing.T) {
	gothic, err := os.ReadFile(systemFontFile(t, "ipaexg.ttf"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "YuGothM.ttc")
	if err := os.WriteFile(path, makeTTC(t, gothic, gothic), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := FindFont(path)
	if err != nil {
		t.Fatal(err)
	}
	if f.Body.Path != path || f.Body.Index != 0 || f.Heading != f.Body || !strings.Contains(f.Body.Name, "IPAex") {
		t.Errorf("FindFont(%s) = %+v", path, f)
	}
	// discovery picks a collection by its Windows name, too
	f, err = findFont("", "", []string{filepath.Dir(path)})
	if err != nil || f.Body.Path != path {
		t.Errorf("findFont in %s = %+v, %v", filepath.Dir(path), f, err)
	}
}

// cffFont is the start of an OpenType font with CFF outlines.
func cffFont() []byte {
	b := make([]byte, 12+16)
	copy(b, "OTTO")
	binary.BigEndian.PutUint16(b[4:], 1)
	copy(b[12:], "CFF ")
	return b
}

func TestFindFontOrder(t *testing.T) {
	gothic := systemFontFile(t, "ipaexg.ttf")
	link := func(t *testing.T, dir, name, target string) string {
		t.Helper()
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
		return p
	}
	t.Run("none", func(t *testing.T) {
		_, err := findFont("", "", []string{t.TempDir()})
		if !errors.Is(err, ErrNoFont) {
			t.Errorf("err = %v; want ErrNoFont", err)
		}
		if !strings.Contains(err.Error(), "fonts-ipaexfont-gothic") || !strings.Contains(err.Error(), EnvFont) {
			t.Errorf("ErrNoFont does not say what to do: %v", err)
		}
	})
	t.Run("gothic only", func(t *testing.T) {
		dir := t.TempDir()
		p := link(t, dir, "opentype/ipaexfont-gothic/ipaexg.ttf", gothic)
		f, err := findFont("", "", []string{dir})
		if err != nil || f.Body.Path != p || f.Heading.Path != p {
			t.Errorf("findFont = %+v, %v", f, err)
		}
	})
	t.Run("mincho body, gothic headings", func(t *testing.T) {
		mincho := systemFontFile(t, "ipaexm.ttf")
		dir := t.TempDir()
		g := link(t, dir, "a/ipaexg.ttf", gothic)
		m := link(t, dir, "b/ipaexm.ttf", mincho)
		link(t, dir, "c/ipag.ttf", gothic) // a later family is not mixed in
		f, err := findFont("", "", []string{dir})
		if err != nil || f.Body.Path != m || f.Heading.Path != g {
			t.Errorf("findFont = %+v, %v", f, err)
		}
	})
	t.Run("family order", func(t *testing.T) {
		dir := t.TempDir()
		link(t, dir, "meiryo.ttc", gothic)
		ipa := link(t, dir, "ipag.ttf", gothic)
		f, err := findFont("", "", []string{dir})
		if err != nil || f.Body.Path != ipa {
			t.Errorf("findFont = %+v, %v; want IPA before Meiryo", f, err)
		}
	})
	t.Run("CFF skipped", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "ipaexg.ttf"), cffFont(), 0o644); err != nil {
			t.Fatal(err)
		}
		ipa := link(t, dir, "x/ipag.ttf", gothic)
		f, err := findFont("", "", []string{dir})
		if err != nil || f.Body.Path != ipa {
			t.Errorf("findFont = %+v, %v; want the CFF font skipped", f, err)
		}
	})
	t.Run("configured first", func(t *testing.T) {
		dir := t.TempDir()
		link(t, dir, "ipaexm.ttf", gothic)
		conf := link(t, t.TempDir(), "my.ttf", gothic)
		env := link(t, t.TempDir(), "env.ttf", gothic)
		f, err := findFont(conf, env, []string{dir})
		if err != nil || f.Body.Path != conf {
			t.Errorf("findFont(configured) = %+v, %v", f, err)
		}
		f, err = findFont("", env, []string{dir})
		if err != nil || f.Body.Path != env {
			t.Errorf("findFont(env) = %+v, %v", f, err)
		}
	})
	t.Run("configured unusable", func(t *testing.T) {
		p := filepath.Join(t.TempDir(), "NotoSansCJKjp-Regular.otf")
		if err := os.WriteFile(p, cffFont(), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := findFont(p, "", []string{filepath.Dir(gothic)})
		if !errors.Is(err, errNotTrueType) {
			t.Errorf("err = %v; want errNotTrueType", err)
		}
		if _, err := findFont(filepath.Join(t.TempDir(), "missing.ttf"), "", nil); err == nil {
			t.Error("a missing configured font is not an error")
		}
	})
}

// FuzzFontParsing feeds damaged font files to the sfnt reader, the TTC
// extractor and the metrics loader: errors, never panics.
func FuzzFontParsing(f *testing.F) {
	f.Add(cffFont())
	f.Add([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x02\x00\x00\x00\x14\x00\x00\x00\x20"))
	f.Add(append([]byte{0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0}, []byte("headxxxx\x00\x00\x00\x1c\x00\x00\x00\x40")...))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := faceCount(data)
		if err != nil {
			return
		}
		for i := 0; i < min(n, 4); i++ {
			if recs, err := tableDirectory(data, i); err == nil {
				faceName(data, recs)
				postScriptName(data, recs)
			}
			if ttf, err := extractFace(data, i); err == nil {
				_, _ = newFace("fuzz", ttf)
			}
		}
	})
}
