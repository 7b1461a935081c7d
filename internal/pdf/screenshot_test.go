package pdf

import (
	"bytes"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestScreenshots renders the sample report and writes the pages the
// issue asks to look at to docs/screenshots (run with
// KANSA_SCREENSHOTS=1; needs pdftoppm):
//
//	report-cover.png     the cover
//	report-finding.png   a finding and its improvement proposal, side by side
//	report-appendix.png  the evidence index and the hearing log, side by side
//
// KANSA_SCREENSHOTS_PDF=path keeps the PDF too.
func TestScreenshots(t *testing.T) {
	if os.Getenv("KANSA_SCREENSHOTS") == "" {
		t.Skip("set KANSA_SCREENSHOTS=1 to refresh docs/screenshots")
	}
	needFonts(t)
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed")
	}
	j := [][]byte{sampleJPEG(t, 1600, 1200, 4), sampleJPEG(t, 1200, 1600, 5), sampleJPEG(t, 1600, 1200, 6)}
	doc := sampleReport(sampleSpec{findings: 3, photos: 4, hearings: 8, indexRows: 40, jpegs: j})
	path := renderFile(t, doc, Options{})
	if keep := os.Getenv("KANSA_SCREENSHOTS_PDF"); keep != "" {
		b, _ := os.ReadFile(path)
		if err := os.WriteFile(keep, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	l := layoutOf(t, doc, Options{})
	find := func(title string) int {
		for _, h := range l.headings {
			if strings.HasPrefix(h.title, title) {
				return h.page + 1
			}
		}
		t.Fatalf("no heading %q", title)
		return 0
	}
	proposal := pageOf(l, "【改善提案】") + 1
	out := filepath.Join("..", "..", "docs", "screenshots")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	shots := map[string][]int{
		"report-cover.png":    {1},
		"report-finding.png":  {find("4.1"), proposal},
		"report-appendix.png": {find("付録1"), find("付録2")},
	}
	for name, pages := range shots {
		var imgs []image.Image
		for _, p := range pages {
			cmd := exec.Command("pdftoppm", "-png", "-r", "70", "-f", strconv.Itoa(p), "-l", strconv.Itoa(p), path)
			b, err := cmd.Output()
			if err != nil {
				t.Fatalf("pdftoppm page %d: %v", p, err)
			}
			img, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			imgs = append(imgs, img)
		}
		if err := os.WriteFile(filepath.Join(out, name), sideBySide(imgs), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("%s: pages %v", name, pages)
	}
}

// sideBySide puts pages next to each other on a grey desk.
func sideBySide(pages []image.Image) []byte {
	const gap = 16
	w, h := gap, 0
	for _, p := range pages {
		w += p.Bounds().Dx() + gap
		h = max(h, p.Bounds().Dy())
	}
	if len(pages) == 1 {
		var buf bytes.Buffer
		_ = png.Encode(&buf, pages[0])
		return buf.Bytes()
	}
	out := image.NewRGBA(image.Rect(0, 0, w, h+2*gap))
	draw.Draw(out, out.Bounds(), image.NewUniform(color.Gray{Y: 0x9a}), image.Point{}, draw.Src)
	x := gap
	for _, p := range pages {
		draw.Draw(out, image.Rect(x, gap, x+p.Bounds().Dx(), gap+p.Bounds().Dy()), p, p.Bounds().Min, draw.Src)
		x += p.Bounds().Dx() + gap
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, out)
	return buf.Bytes()
}
