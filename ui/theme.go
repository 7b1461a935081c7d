package ui

import (
	"bytes"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// FontEnv names a TTF or OTF file to use for UI text, overriding the search.
const FontEnv = "KANSA_FONT"

// kansaTheme is Fyne's default theme with a text font that has Japanese
// glyphs. Fyne's bundled Noto Sans has none, and no font file is shipped in
// the repository, so one is found on the system at start-up.
type kansaTheme struct {
	fyne.Theme
	regular, bold fyne.Resource // nil: Fyne's own
}

// NewTheme returns the Kansa theme. It looks for a Japanese TTF/OTF font
// ($KANSA_FONT, then known system fonts) and uses it for regular and bold
// text. When none is found it keeps Fyne's font; Fyne then falls back per
// glyph to system fonts it scans itself, which does read .ttc collections
// but mixes faces and scans the font folders on first use.
func NewTheme() fyne.Theme {
	t := &kansaTheme{Theme: theme.DefaultTheme()}
	regular, bold := findJapaneseFonts(fontDirs(), os.Getenv(FontEnv))
	if regular == "" {
		log.Printf("ui: no Japanese TTF/OTF font found; set %s to one (Fyne's per-glyph fallback will be used)", FontEnv)
		return t
	}
	t.regular = loadFont(regular)
	t.bold = t.regular
	if bold != "" {
		if r := loadFont(bold); r != nil {
			t.bold = r
		}
	}
	return t
}

// Font returns the Japanese face for text; monospace and symbols stay Fyne's.
// The regular face stands in for bold when there is no bold face: Japanese
// legibility matters more than weight.
func (t *kansaTheme) Font(s fyne.TextStyle) fyne.Resource {
	switch {
	case t.regular == nil || s.Monospace || s.Symbol:
		return t.Theme.Font(s)
	case s.Bold:
		return t.bold
	}
	return t.regular
}

func loadFont(path string) fyne.Resource {
	data, err := os.ReadFile(path)
	if err != nil {
		log.Printf("ui: cannot use font: %v", err)
		return nil
	}
	if !isSingleFont(data) {
		log.Printf("ui: cannot use font %s: not a single TrueType/OpenType font", path)
		return nil
	}
	return fyne.NewStaticResource(filepath.Base(path), data)
}

// japaneseFonts are the candidate fonts by file name, best first, each with
// the bold face of the same family when there is one. Fyne parses single
// TrueType/OpenType fonts only, so collections (.ttc) are not listed: on
// Windows every bundled Japanese font (Yu Gothic, Meiryo, MS Gothic,
// BIZ UDGothic) is a .ttc, so there Kansa uses an installed IPAex/Noto
// font, $KANSA_FONT, or Fyne's own fallback (see NewTheme).
var japaneseFonts = []struct{ regular, bold string }{
	{"ipaexg.ttf", ""}, // IPAexGothic (Debian/Ubuntu fonts-ipaexfont-gothic)
	{"notosansjp-regular.otf", "notosansjp-bold.otf"},       // Noto Sans JP (Google Fonts)
	{"notosansjp-regular.ttf", "notosansjp-bold.ttf"},       //
	{"notosanscjkjp-regular.otf", "notosanscjkjp-bold.otf"}, // Noto Sans CJK JP, single-font release
	{"sourcehansansjp-regular.otf", "sourcehansansjp-bold.otf"},
	{"ipag.ttf", ""},                  // IPAGothic
	{"fonts-japanese-gothic.ttf", ""}, // Debian alternatives link
	{"takaopgothic.ttf", ""},
	{"vl-pgothic-regular.ttf", ""},
	{"arial unicode.ttf", ""}, // macOS supplemental font with CJK
}

// fontDirs lists where this OS keeps fonts.
func fontDirs() []string {
	home, _ := os.UserHomeDir()
	switch runtime.GOOS {
	case "windows":
		win := os.Getenv("WINDIR")
		if win == "" {
			win = `C:\Windows`
		}
		return []string{filepath.Join(win, "Fonts"), filepath.Join(os.Getenv("LOCALAPPDATA"), "Microsoft", "Windows", "Fonts")}
	case "darwin":
		return []string{"/System/Library/Fonts", "/Library/Fonts", filepath.Join(home, "Library", "Fonts")}
	}
	return []string{"/usr/share/fonts", "/usr/local/share/fonts", filepath.Join(home, ".local", "share", "fonts"), filepath.Join(home, ".fonts")}
}

// findJapaneseFonts returns the paths of the best regular and bold fonts in
// dirs (searched a few levels deep). A usable override path wins for both.
func findJapaneseFonts(dirs []string, override string) (regular, bold string) {
	if override != "" {
		if fontFileOK(override) {
			return override, ""
		}
		log.Printf("ui: %s=%s is not a readable TTF/OTF file; searching the system fonts", FontEnv, override)
	}
	found := map[string]string{} // lower-case base name -> first path
	for _, dir := range dirs {
		if dir == "" {
			continue
		}
		depth := strings.Count(filepath.Clean(dir), string(filepath.Separator))
		_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // unreadable entries are skipped, not fatal
			}
			if d.IsDir() {
				if strings.Count(path, string(filepath.Separator))-depth > 3 {
					return filepath.SkipDir
				}
				return nil
			}
			name := strings.ToLower(d.Name())
			if _, seen := found[name]; !seen {
				found[name] = path
			}
			return nil
		})
	}
	for _, f := range japaneseFonts {
		p, ok := found[f.regular]
		if !ok || !fontFileOK(p) {
			continue
		}
		if b, ok := found[f.bold]; ok && fontFileOK(b) {
			return p, b
		}
		return p, ""
	}
	return "", ""
}

// fontFileOK reports whether path starts like a single TrueType or OpenType
// font, the only kind Fyne can load.
func fontFileOK(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4)
	if _, err := f.Read(head); err != nil {
		return false
	}
	return isSingleFont(head)
}

func isSingleFont(data []byte) bool {
	for _, magic := range [][]byte{{0, 1, 0, 0}, []byte("OTTO"), []byte("true")} {
		if bytes.HasPrefix(data, magic) {
			return true
		}
	}
	return false // includes "ttcf", a collection
}
