// Package assets embeds Kansa's data files: built-in checksheet templates
// and UI translations. It holds data only and imports nothing of Kansa's.
package assets

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
)

// Templates holds the built-in checksheet templates, one JSON file each.
//
//go:embed templates/*.json
var Templates embed.FS

// Translations holds the UI strings, one JSON file per language, in the
// format of fyne.io/fyne/v2/lang.
//
//go:embed translations/*.json
var Translations embed.FS

// TemplateNames lists the built-in templates.
func TemplateNames() []string {
	entries, _ := fs.ReadDir(Templates, "templates")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".json"))
	}
	sort.Strings(out)
	return out
}

// Template returns the JSON of a built-in template.
func Template(name string) ([]byte, error) {
	b, err := Templates.ReadFile(path.Join("templates", name+".json"))
	if err != nil {
		return nil, fmt.Errorf("no built-in template %q (have %s)", name, strings.Join(TemplateNames(), ", "))
	}
	return b, nil
}
