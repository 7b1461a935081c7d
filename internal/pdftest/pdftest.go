// Package pdftest helps tests look at documents the way a user would:
// converted to PDF by LibreOffice, measured with pdfinfo. Only tests
// import it; a missing tool skips the test with the package to install.
package pdftest

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// LookPath returns the first of the commands found on PATH, or "".
func LookPath(names ...string) string {
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	return ""
}

// LibreOffice returns the LibreOffice command, or skips the test (always
// under -short: a conversion takes many seconds). pkg names the Debian
// package to install (libreoffice-writer, libreoffice-calc).
func LibreOffice(t testing.TB, pkg string) string {
	t.Helper()
	lo := LookPath("libreoffice", "soffice")
	if lo == "" {
		t.Skipf("libreoffice/soffice not on PATH (apt-get install %s)", pkg)
	}
	if testing.Short() {
		t.Skip("LibreOffice conversion is slow")
	}
	return lo
}

// ToPDF converts srcs with headless LibreOffice (a private profile in dir,
// so runs do not share state) and returns the PDF paths, written into dir
// next to nothing else. A file LibreOffice cannot load gives no PDF:
// headless, it cannot show a repair prompt, so that fails the test.
func ToPDF(t testing.TB, lo, dir string, timeout time.Duration, srcs ...string) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	args := append([]string{
		"-env:UserInstallation=file://" + filepath.ToSlash(filepath.Join(dir, "profile")),
		"--headless", "--convert-to", "pdf", "--outdir", dir,
	}, srcs...)
	cmd := exec.CommandContext(ctx, lo, args...)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", lo, strings.Join(args, " "), err, out)
	}
	var pdfs []string
	for _, src := range srcs {
		pdf := filepath.Join(dir, strings.TrimSuffix(filepath.Base(src), filepath.Ext(src))+".pdf")
		if st, err := os.Stat(pdf); err != nil || st.Size() < 1000 {
			t.Fatalf("LibreOffice made no PDF of %s (%v); it said:\n%s", filepath.Base(src), err, out)
		}
		pdfs = append(pdfs, pdf)
	}
	return pdfs
}

// Keep copies files into the folder named by the environment variable env,
// when it is set, for a look after the test.
func Keep(t testing.TB, env string, files ...string) {
	t.Helper()
	dir := os.Getenv(env)
	if dir == "" {
		return
	}
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, filepath.Base(p)), b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

var (
	pagesLine = regexp.MustCompile(`(?m)^Pages:\s+(\d+)`)
	sizeLine  = regexp.MustCompile(`(?m)^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts`)
)

// Pages checks with pdfinfo that every page of pdf measures w × h points
// (within 2 pt) and returns the page count. It skips the test without
// poppler-utils.
func Pages(t testing.TB, pdf string, w, h float64) int {
	t.Helper()
	info := LookPath("pdfinfo")
	if info == "" {
		t.Skip("pdfinfo not on PATH (poppler-utils)")
	}
	out, err := exec.Command(info, pdf).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	m := pagesLine.FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo gave no page count:\n%s", out)
	}
	pages, _ := strconv.Atoi(string(m[1]))
	out, err = exec.Command(info, "-f", "1", "-l", strconv.Itoa(pages), pdf).Output()
	if err != nil {
		t.Fatalf("pdfinfo: %v", err)
	}
	sizes := sizeLine.FindAllSubmatch(out, -1)
	if len(sizes) != pages {
		t.Fatalf("pdfinfo listed %d page sizes for %d pages", len(sizes), pages)
	}
	for _, s := range sizes {
		pw, _ := strconv.ParseFloat(string(s[2]), 64)
		ph, _ := strconv.ParseFloat(string(s[3]), 64)
		if math.Abs(pw-w) > 2 || math.Abs(ph-h) > 2 {
			t.Errorf("page %s is %.1f x %.1f pts; want %.0f x %.0f", s[1], pw, ph, w, h)
		}
	}
	return pages
}

// A4 sizes in points.
const (
	A4Short = 595.3
	A4Long  = 841.9
)
