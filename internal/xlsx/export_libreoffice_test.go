package xlsx

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
)

// exportTestLookPath returns the first of the commands found on PATH.
func exportTestLookPath(names ...string) string {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// TestExportLibreOffice converts exported workbooks to PDF with LibreOffice
// (package libreoffice-calc) and checks that every page is A4 landscape and
// that the header row repeats on page 2. It is skipped when LibreOffice is
// not installed; the page checks need poppler-utils (pdfinfo, pdftotext).
// Set KANSA_EXPORT_PDF_DIR to keep the workbooks and PDFs for a look.
func TestExportLibreOffice(t *testing.T) {
	lo := exportTestLookPath("libreoffice", "soffice")
	if lo == "" {
		t.Skip("libreoffice/soffice not on PATH (apt-get install libreoffice-calc)")
	}
	if testing.Short() {
		t.Skip("LibreOffice conversion is slow")
	}
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

	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	args := append([]string{
		"-env:UserInstallation=file://" + filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--convert-to", "pdf", "--outdir", dir,
	}, paths...)
	cmd := exec.CommandContext(ctx, lo, args...)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", lo, strings.Join(args, " "), err, out)
	}
	keep := os.Getenv("KANSA_EXPORT_PDF_DIR")
	for name := range files {
		pdf := filepath.Join(dir, strings.TrimSuffix(name, ".xlsx")+".pdf")
		st, err := os.Stat(pdf)
		if err != nil || st.Size() < 1000 {
			t.Fatalf("LibreOffice made no PDF of %s: %v", name, err)
		}
		if keep != "" {
			for _, p := range []string{pdf, filepath.Join(dir, name)} {
				b, _ := os.ReadFile(p)
				if err := os.WriteFile(filepath.Join(keep, filepath.Base(p)), b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
		t.Run(name, func(t *testing.T) { exportTestCheckPDF(t, pdf) })
	}
}

var exportTestPageSize = regexp.MustCompile(`(?m)^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts`)

// exportTestCheckPDF checks page sizes and the repeated header of a PDF.
func exportTestCheckPDF(t *testing.T, pdf string) {
	info := exportTestLookPath("pdfinfo")
	if info == "" {
		t.Skip("pdfinfo not on PATH (poppler-utils)")
	}
	out, err := exec.Command(info, pdf).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo gave no page count:\n%s", out)
	}
	pages, _ := strconv.Atoi(string(m[1]))
	if pages < 2 {
		t.Fatalf("%d pages; want the 200 items to span several", pages)
	}
	out, err = exec.Command(info, "-f", "1", "-l", strconv.Itoa(pages), pdf).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	sizes := exportTestPageSize.FindAllSubmatch(out, -1)
	if len(sizes) != pages {
		t.Fatalf("pdfinfo listed %d page sizes for %d pages", len(sizes), pages)
	}
	for _, s := range sizes {
		w, _ := strconv.ParseFloat(string(s[2]), 64)
		h, _ := strconv.ParseFloat(string(s[3]), 64)
		if math.Abs(w-842) > 2 || math.Abs(h-595) > 2 {
			t.Errorf("page %s is %.1f x %.1f pts; want A4 landscape 842 x 595", s[1], w, h)
		}
	}
	t.Logf("%s: %d pages, A4 landscape", filepath.Base(pdf), pages)

	text := exportTestLookPath("pdftotext")
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
