package xlsx

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/pdftest"
)

// TestExportLibreOffice converts exported workbooks to PDF with LibreOffice
// (package libreoffice-calc) and checks that every page is A4 landscape and
// that the header row repeats on page 2. It is skipped when LibreOffice is
// not installed; the page checks need poppler-utils (pdfinfo, pdftotext).
// Set KANSA_EXPORT_PDF_DIR to keep the workbooks and PDFs for a look.
func TestExportLibreOffice(t *testing.T) {
	lo := pdftest.LibreOffice(t, "libreoffice-calc")
	dir := t.TempDir()
	a := exportTestAudit(audit.KindExternal, 200, 2)
	files := map[string]exportWriter{"checksheet.xlsx": WriteChecksheet, "results.xlsx": WriteResultList}
	var paths []string
	for name, write := range files {
		p := filepath.Join(dir, name)
		out, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := write(context.Background(), out, a, nil); err != nil {
			t.Fatal(err)
		}
		if err := out.Close(); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}

	pdfs := pdftest.ToPDF(t, lo, dir, 120*time.Second, paths...)
	for i, pdf := range pdfs {
		pdftest.Keep(t, "KANSA_EXPORT_PDF_DIR", paths[i], pdf)
		t.Run(filepath.Base(paths[i]), func(t *testing.T) { exportTestCheckPDF(t, pdf) })
	}
}

// exportTestCheckPDF checks page sizes and the repeated header of a PDF.
func exportTestCheckPDF(t *testing.T, pdf string) {
	pages := pdftest.Pages(t, pdf, pdftest.A4Long, pdftest.A4Short) // A4 landscape
	if pages < 2 {
		t.Fatalf("%d pages; want the 200 items to span several", pages)
	}
	t.Logf("%s: %d pages, A4 landscape", filepath.Base(pdf), pages)

	text := pdftest.LookPath("pdftotext")
	if text == "" {
		t.Skip("pdftotext not on PATH (poppler-utils)")
	}
	for _, p := range []int{1, 2} {
		out, err := exec.Command(text, "-f", fmt.Sprint(p), "-l", fmt.Sprint(p), "-layout", pdf, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		for _, h := range []string{"監査項目", "評価", "監査実施内容"} {
			if !bytes.Contains(out, []byte(h)) {
				t.Errorf("page %d lacks the header %s; text begins:\n%.600s", p, h, out)
			}
		}
		if p == 1 && !bytes.Contains(out, []byte("令和8年度")) {
			t.Errorf("page 1 lacks the title; text begins:\n%.600s", out)
		}
	}
}
