package pdf

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// needFonts skips (or, under CI, fails) when no Japanese font is installed.
func needFonts(t testing.TB) Font {
	t.Helper()
	f, err := FindFont("")
	if errors.Is(err, ErrNoFont) {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI needs a Japanese font: %v", err)
		}
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// systemFontFile returns the path of a font file by name, or skips.
func systemFontFile(t testing.TB, name string) string {
	t.Helper()
	if p, ok := scanFonts(fontDirs())[strings.ToLower(name)]; ok {
		return p
	}
	if os.Getenv("CI") != "" && name == "ipaexg.ttf" {
		t.Fatalf("CI needs %s (fonts-ipaexfont-gothic)", name)
	}
	t.Skipf("%s not installed", name)
	return ""
}

// tool runs a poppler/qpdf tool, skipping the check when it is missing.
func tool(t *testing.T, name string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		t.Skipf("%s not installed", name)
	}
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// squash removes all white space: pdftotext breaks lines where the layout
// did and shows the 和欧間 and justification gaps as spaces.
func squash(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\f' || r == '\u3000' {
			return -1
		}
		return r
	}, s)
}
