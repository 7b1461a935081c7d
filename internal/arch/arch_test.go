package arch

import (
	"encoding/json"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const mod = "github.com/kansa-audit/kansa"

// rule says which of our packages a package may import (directly or not),
// and which third-party modules are forbidden to it.
type rule struct {
	pkg       string   // package path below the module, or a prefix ending in "/"
	mayImport []string // our packages allowed ("*" = any); prefixes end in "/"
	forbid    []string // third-party import prefixes not allowed
}

var rules = []rule{
	{pkg: "internal/audit", mayImport: nil, forbid: []string{"."}},
	{pkg: "internal/change", mayImport: nil, forbid: []string{"."}},
	{pkg: "internal/vault", mayImport: nil},
	{pkg: "internal/jpcal", mayImport: nil, forbid: []string{"."}},
	{pkg: "internal/bolt", mayImport: []string{"internal/change", "internal/vault", "internal/audit"}},
	{pkg: "internal/blob", mayImport: []string{"internal/vault", "internal/audit"}},
	{pkg: "internal/exchange", mayImport: []string{"internal/change", "internal/vault", "internal/audit"}},
	{pkg: "internal/report", mayImport: []string{"internal/audit", "internal/jpcal"}},
	{pkg: "internal/pdf", mayImport: []string{"internal/report", "internal/audit", "internal/jpcal"}},
	{pkg: "internal/docx", mayImport: []string{"internal/report", "internal/audit", "internal/jpcal"}},
	{pkg: "internal/xlsx", mayImport: []string{"internal/report", "internal/audit", "internal/jpcal"}},
	{pkg: "internal/workspace", mayImport: []string{"internal/", "assets"}, forbid: []string{"fyne.io/"}},
	{pkg: "ui", mayImport: []string{"internal/workspace", "internal/audit", "internal/change", "internal/jpcal", "internal/report", "internal/vault", "assets", "fixtures", "ui/"},
		forbid: []string{"go.etcd.io/bbolt", "github.com/xuri/excelize", "github.com/signintech/gopdf"}},
	{pkg: "ui/", mayImport: []string{"internal/workspace", "internal/audit", "internal/change", "internal/jpcal", "internal/report", "internal/vault", "assets", "fixtures", "ui"},
		forbid: []string{"go.etcd.io/bbolt", "github.com/xuri/excelize", "github.com/signintech/gopdf"}},
	{pkg: "cmd/kansactl", mayImport: []string{"internal/", "assets"}, forbid: []string{"fyne.io/"}},
	{pkg: "assets", mayImport: nil, forbid: []string{"."}},
}

type pkgInfo struct {
	ImportPath string
	Imports    []string
	Standard   bool
}

func listPackages(t *testing.T) []pkgInfo {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps=false", "-json", mod+"/...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	var pkgs []pkgInfo
	for {
		var p pkgInfo
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func matches(pattern, rel string) bool {
	if strings.HasSuffix(pattern, "/") {
		return strings.HasPrefix(rel, pattern)
	}
	return rel == pattern
}

// violations returns the rule breaks of one package given its deps.
func violations(rel string, deps []string) []string {
	var out []string
	for _, r := range rules {
		if !matches(r.pkg, rel) {
			continue
		}
		for _, d := range deps {
			if ours, ok := strings.CutPrefix(d, mod+"/"); ok {
				allowed := ours == rel
				for _, m := range r.mayImport {
					allowed = allowed || matches(m, ours)
				}
				if !allowed {
					out = append(out, fmt.Sprintf("%s imports %s", rel, ours))
				}
				continue
			}
			isStd := !strings.Contains(strings.Split(d, "/")[0], ".")
			for _, f := range r.forbid {
				if (f == "." && !isStd) || (f != "." && strings.HasPrefix(d, f)) {
					out = append(out, fmt.Sprintf("%s imports %s (forbidden: %s)", rel, d, f))
				}
			}
		}
	}
	return out
}

func TestImportDirection(t *testing.T) {
	for _, p := range listPackages(t) {
		rel := strings.TrimPrefix(p.ImportPath, mod+"/")
		for _, v := range violations(rel, p.Imports) {
			t.Error(v)
		}
	}
}

// TestRulesCatchViolations proves the checker can fail.
func TestRulesCatchViolations(t *testing.T) {
	tests := []struct {
		rel  string
		deps []string
		bad  bool
	}{
		{"internal/audit", []string{"fmt", "time"}, false},
		{"internal/audit", []string{mod + "/internal/bolt"}, true},
		{"internal/audit", []string{"golang.org/x/text"}, true},
		{"internal/change", []string{mod + "/internal/audit"}, true},
		{"internal/bolt", []string{mod + "/internal/blob"}, true},
		{"internal/bolt", []string{mod + "/internal/vault", "go.etcd.io/bbolt"}, false},
		{"ui", []string{"go.etcd.io/bbolt"}, true},
		{"ui/widgets", []string{mod + "/internal/bolt"}, true},
		{"ui", []string{mod + "/internal/workspace", "fyne.io/fyne/v2"}, false},
		{"ui", []string{mod + "/internal/pdf"}, true},
		{"cmd/kansactl", []string{"fyne.io/fyne/v2/app"}, true},
		{"internal/workspace", []string{mod + "/ui"}, true},
	}
	for _, tt := range tests {
		if got := len(violations(tt.rel, tt.deps)) > 0; got != tt.bad {
			t.Errorf("violations(%s, %v) found=%v; want %v", tt.rel, tt.deps, got, tt.bad)
		}
	}
}
