package ui

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

func writeFont(t *testing.T, path string, magic string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, append([]byte(magic), make([]byte, 60)...), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestFindJapaneseFonts(t *testing.T) {
	ttf, otf, ttc := "\x00\x01\x00\x00", "OTTO", "ttcf"
	t.Run("collections are skipped", func(t *testing.T) {
		dir := t.TempDir()
		writeFont(t, filepath.Join(dir, "opentype", "noto", "NotoSansCJK-Regular.ttc"), ttc)
		writeFont(t, filepath.Join(dir, "truetype", "dejavu", "DejaVuSans.ttf"), ttf)
		if r, b := findJapaneseFonts([]string{dir}, ""); r != "" || b != "" {
			t.Errorf("findJapaneseFonts = %q, %q; want nothing", r, b)
		}
	})
	t.Run("preference order and bold of the same family", func(t *testing.T) {
		dir := t.TempDir()
		noto := filepath.Join(dir, "noto", "NotoSansJP-Regular.otf")
		notoBold := filepath.Join(dir, "noto", "NotoSansJP-Bold.otf")
		ipaex := filepath.Join(dir, "opentype", "ipaexfont-gothic", "ipaexg.ttf")
		writeFont(t, noto, otf)
		writeFont(t, notoBold, otf)
		if r, b := findJapaneseFonts([]string{dir}, ""); r != noto || b != notoBold {
			t.Errorf("findJapaneseFonts = %q, %q; want %q, %q", r, b, noto, notoBold)
		}
		writeFont(t, ipaex, ttf)
		if r, b := findJapaneseFonts([]string{"", filepath.Join(dir, "missing"), dir}, ""); r != ipaex || b != "" {
			t.Errorf("findJapaneseFonts = %q, %q; want %q and no bold", r, b, ipaex)
		}
	})
	t.Run("a disguised collection is refused", func(t *testing.T) {
		dir := t.TempDir()
		writeFont(t, filepath.Join(dir, "ipaexg.ttf"), ttc)
		if r, _ := findJapaneseFonts([]string{dir}, ""); r != "" {
			t.Errorf("findJapaneseFonts = %q; want nothing", r)
		}
	})
	t.Run("override", func(t *testing.T) {
		dir := t.TempDir()
		mine := filepath.Join(dir, "elsewhere", "mine.otf")
		writeFont(t, mine, otf)
		writeFont(t, filepath.Join(dir, "ipaexg.ttf"), ttf)
		if r, _ := findJapaneseFonts([]string{dir}, mine); r != mine {
			t.Errorf("findJapaneseFonts with override = %q; want %q", r, mine)
		}
		if r, _ := findJapaneseFonts([]string{dir}, filepath.Join(dir, "nope.ttf")); r != filepath.Join(dir, "ipaexg.ttf") {
			t.Errorf("findJapaneseFonts with a missing override = %q; want the search result", r)
		}
	})
}

func TestThemeUsesSystemJapaneseFont(t *testing.T) {
	t.Setenv(FontEnv, "")
	regular, _ := findJapaneseFonts(fontDirs(), "")
	if regular == "" {
		t.Skip("no Japanese TTF/OTF font installed")
	}
	th := NewTheme()
	if got := th.Font(fyne.TextStyle{}); got == nil || got.Name() != filepath.Base(regular) {
		t.Errorf("Font(regular) = %v; want %s", got, regular)
	}
	if got := th.Font(fyne.TextStyle{Bold: true}); got == nil || got.Name() == theme.DefaultTextBoldFont().Name() {
		t.Errorf("Font(bold) = %v; want a Japanese face", got)
	}
	if got := th.Font(fyne.TextStyle{Monospace: true}); got == nil || got.Name() == filepath.Base(regular) {
		t.Errorf("Font(monospace) = %v; want Fyne's", got)
	}
}

func TestFiscalYearOf(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want int
	}{
		{time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), 2026},
		{time.Date(2027, 3, 31, 23, 0, 0, 0, time.UTC), 2026},
		{time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), 2026},
	} {
		if got := fiscalYearOf(tc.t); got != tc.want {
			t.Errorf("fiscalYearOf(%s) = %d; want %d", tc.t.Format(time.DateOnly), got, tc.want)
		}
	}
}
