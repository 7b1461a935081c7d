package docx

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/kansa-audit/kansa/internal/pdftest"
	"github.com/kansa-audit/kansa/internal/report"
)

// squeeze drops all white space, so text compares across the line breaks
// and justification spaces of a laid-out page.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// TestLibreOffice converts the sample report with LibreOffice Writer
// (package libreoffice-writer) and checks that the conversion succeeds
// (headless LibreOffice cannot show a repair prompt: a file it cannot
// load gives no PDF), that every page is A4 portrait, and that pdftotext
// gives back every observation and proposal. It is skipped without
// LibreOffice; the PDF checks need poppler-utils. Set KANSA_DOCX_KEEP_DIR
// to keep the .docx and .pdf for a look, and KANSA_DOCX_LARGE=1 to convert
// the benchmark's 60-finding, 300-photo report too (about a minute).
func TestLibreOffice(t *testing.T) {
	lo := pdftest.LibreOffice(t, "libreoffice-writer")
	t.Run("sample", func(t *testing.T) {
		got, pages := convert(t, lo, sampleDocument(t), "report", 120*time.Second)
		for _, s := range []string{"監査報告書", "世田谷区御中", "目次", "表2監査結果一覧", "監査項目80：", "付録B ヒアリング記録"} {
			if !strings.Contains(got, squeeze(s)) {
				t.Errorf("the PDF lacks %q", s)
			}
		}
		t.Logf("%d A4 pages", pages)
	})
	t.Run("large", func(t *testing.T) {
		if os.Getenv("KANSA_DOCX_LARGE") == "" {
			t.Skip("set KANSA_DOCX_LARGE=1 to convert the 60-finding report")
		}
		photos := make([][]byte, 20)
		for i := range photos {
			photos[i] = testJPEG(t, 1600, 1200, i+1)
		}
		doc := buildDocument(docSpec{findings: 60, photosPerFinding: 5, hearings: 40, summaryRows: 60, photos: photos})
		start := time.Now()
		_, pages := convert(t, lo, doc, "large", 600*time.Second)
		t.Logf("%d A4 pages, converted in %s", pages, time.Since(start).Round(time.Second))
	})
}

// convert renders doc, converts it to PDF with LibreOffice and checks the
// PDF: A4 pages, every observation and proposal in the text, the cover
// without a page number and the next page numbered 1. It returns the
// PDF's text without white space and the page count.
func convert(t *testing.T, lo string, doc *report.Document, name string, timeout time.Duration) (string, int) {
	dir := t.TempDir()
	src := filepath.Join(dir, name+".docx")
	f, err := os.Create(src)
	if err != nil {
		t.Fatal(err)
	}
	if err := (Renderer{Now: fixedNow}).Render(context.Background(), f, doc, nil); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	pdf := pdftest.ToPDF(t, lo, dir, timeout, src)[0]
	pdftest.Keep(t, "KANSA_DOCX_KEEP_DIR", src, pdf)
	text := pdftest.LookPath("pdftotext")
	if text == "" {
		t.Skip("pdftotext not on PATH (poppler-utils)")
	}
	pages := pdftest.Pages(t, pdf, pdftest.A4Short, pdftest.A4Long) // A4 portrait
	if pages < 5 {
		t.Fatalf("%d pages; a report has a cover, contents and body", pages)
	}

	b, err := exec.Command(text, pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	got := squeeze(string(b))
	n, findings := 0, 0
	for _, bl := range doc.Blocks {
		if h, ok := bl.(report.Heading); ok && h.Level == 2 && strings.HasPrefix(h.Text, "指摘事項") {
			findings++
		}
		p, ok := bl.(report.Paragraph)
		if !ok {
			continue
		}
		s := runsText(p.Runs)
		if strings.HasPrefix(s, "指摘事項") || strings.HasPrefix(s, "所見") {
			n++
			if !strings.Contains(got, squeeze(s)) {
				t.Errorf("the PDF lacks the paragraph %.60q…", s)
			}
		}
	}
	if n != 2*findings || n == 0 {
		t.Fatalf("checked %d observations and proposals; want %d", n, 2*findings)
	}
	// The cover has no page number; the body starts at - 1 -.
	first, err := exec.Command(text, "-f", "1", "-l", "2", "-layout", pdf, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	cover, second, _ := strings.Cut(string(first), "\f")
	if strings.Contains(squeeze(cover), "-1-") || !strings.Contains(squeeze(second), "-1-") {
		t.Errorf("page numbers: cover %q…, page 2 %q…", trimTo(cover, 200), trimTo(second, 400))
	}
	return got, pages
}

func trimTo(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
