package pdf

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// ErrNoFont means no usable Japanese TrueType font was found. The GUI and
// the CLI show it with what to do about it.
var ErrNoFont = errors.New("no Japanese TrueType font found: install fonts-ipaexfont-gothic " +
	"(and fonts-ipaexfont-mincho for Mincho body text), or set the PDF font path " +
	"(setting or KANSA_PDF_FONT) to a .ttf or .ttc file")

// EnvFont names the environment variable consulted after Options.FontPath.
const EnvFont = "KANSA_PDF_FONT"

// Face is one TrueType face: a .ttf file, or one face of a .ttc collection.
type Face struct {
	Path  string // the font file
	Index int    // face within a .ttc collection; 0 for a .ttf
	Name  string // the face's full name, e.g. IPAex明朝
}

func (f Face) String() string {
	s := f.Name
	if s == "" {
		s = filepath.Base(f.Path)
	}
	if f.Index > 0 {
		return fmt.Sprintf("%s (%s #%d)", s, f.Path, f.Index)
	}
	return fmt.Sprintf("%s (%s)", s, f.Path)
}

// Font is the pair of faces a PDF is set in: Body for body text (Mincho
// when the family has one) and Heading for headings, labels and bold runs
// (Gothic). When only one face is found both are the same.
type Font struct {
	Body    Face
	Heading Face
}

func (f Font) String() string {
	if f.Body == f.Heading {
		return f.Body.String()
	}
	return "本文 " + f.Body.String() + "、見出し " + f.Heading.String()
}

// family is a typeface family the discovery knows, by file names.
type family struct {
	mincho  []string // body faces, best first
	gothic  []string // regular Gothic faces, best first
	heading []string // bold Gothic faces for headings, best first
}

// knownFamilies in order of preference. Only TrueType-outline files are
// listed: gopdf cannot embed CFF (.otf, Noto CJK .ttc) fonts.
var knownFamilies = []family{
	{mincho: []string{"ipaexm.ttf"}, gothic: []string{"ipaexg.ttf"}},
	{mincho: []string{"ipam.ttf"}, gothic: []string{"ipag.ttf"}},
	{mincho: []string{"NotoSerifJP-Regular.ttf"}, gothic: []string{"NotoSansJP-Regular.ttf"},
		heading: []string{"NotoSansJP-Bold.ttf", "NotoSansJP-Medium.ttf"}},
	{mincho: []string{"yumin.ttf"}, gothic: []string{"YuGothM.ttc", "YuGothR.ttc"},
		heading: []string{"YuGothB.ttc"}},
	{gothic: []string{"meiryo.ttc"}, heading: []string{"meiryob.ttc"}},
	{mincho: []string{"msmincho.ttc"}, gothic: []string{"msgothic.ttc"}},
	{mincho: []string{"BIZ-UDMinchoM.ttc"}, gothic: []string{"BIZ-UDGothicR.ttc"},
		heading: []string{"BIZ-UDGothicB.ttc"}},
}

// fontDirs lists the directories searched (recursively) for known fonts.
func fontDirs() []string {
	home, _ := os.UserHomeDir()
	var dirs []string
	switch runtime.GOOS {
	case "windows":
		win := os.Getenv("WINDIR")
		if win == "" {
			win = `C:\Windows`
		}
		dirs = append(dirs, filepath.Join(win, "Fonts"))
		if la := os.Getenv("LOCALAPPDATA"); la != "" {
			dirs = append(dirs, filepath.Join(la, "Microsoft", "Windows", "Fonts"))
		}
	case "darwin":
		dirs = append(dirs, "/Library/Fonts", "/System/Library/Fonts")
		if home != "" {
			dirs = append(dirs, filepath.Join(home, "Library", "Fonts"))
		}
	default:
		dirs = append(dirs, "/usr/share/fonts", "/usr/local/share/fonts")
		if home != "" {
			dirs = append(dirs, filepath.Join(home, ".local", "share", "fonts"), filepath.Join(home, ".fonts"))
		}
	}
	return dirs
}

// scanFonts maps lower-case file names of .ttf and .ttc files under dirs
// to their paths (the first found wins).
func scanFonts(dirs []string) map[string]string {
	found := map[string]string{}
	for _, dir := range dirs {
		_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			name := strings.ToLower(d.Name())
			if strings.HasSuffix(name, ".ttf") || strings.HasSuffix(name, ".ttc") {
				if _, ok := found[name]; !ok {
					found[name] = p
				}
			}
			return nil
		})
	}
	return found
}

// FindFont finds the font a PDF is set in: the configured path first (a
// .ttf, or a .ttc whose first face is used), then the file named by
// $KANSA_PDF_FONT, then the known system fonts: IPAex, IPA and Noto JP
// TrueType on Linux, Yu, Meiryo, MS and BIZ UD on Windows. Within the first
// family found, the Mincho face sets the body and the Gothic face the
// headings; a configured or environment font is used for both. A font that
// is configured but unusable is an error, not a reason to fall back.
func FindFont(configured string) (Font, error) {
	return findFont(configured, os.Getenv(EnvFont), fontDirs())
}

func findFont(configured, env string, dirs []string) (Font, error) {
	for _, p := range []string{configured, env} {
		if p == "" {
			continue
		}
		f, err := openFace(p, 0)
		if err != nil {
			return Font{}, fmt.Errorf("pdf font %s: %w", p, err)
		}
		return Font{Body: f, Heading: f}, nil
	}
	found := scanFonts(dirs)
	first := func(names []string) (Face, bool) {
		for _, n := range names {
			p, ok := found[strings.ToLower(n)]
			if !ok {
				continue
			}
			if f, err := openFace(p, 0); err == nil {
				return f, true
			}
		}
		return Face{}, false
	}
	for _, fam := range knownFamilies {
		body, okBody := first(fam.mincho)
		gothic, okGothic := first(fam.gothic)
		if !okBody && !okGothic {
			continue
		}
		if !okBody {
			body = gothic
		}
		head, okHead := first(fam.heading)
		if !okHead {
			head = gothic
			if !okGothic {
				head = body
			}
		}
		return Font{Body: body, Heading: head}, nil
	}
	return Font{}, ErrNoFont
}

// openFace checks that face index of the file at path is a TrueType face
// gopdf can embed, and names it.
func openFace(path string, index int) (Face, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Face{}, err
	}
	recs, err := tableDirectory(data, index)
	if err != nil {
		return Face{}, err
	}
	return Face{Path: path, Index: index, Name: faceName(data, recs)}, nil
}

// loadFace reads the face as standalone TrueType data for gopdf.
func loadFace(f Face) ([]byte, error) {
	data, err := os.ReadFile(f.Path)
	if err != nil {
		return nil, err
	}
	ttf, err := extractFace(data, f.Index)
	if err != nil {
		return nil, fmt.Errorf("pdf font %s: %w", f.Path, err)
	}
	return ttf, nil
}
