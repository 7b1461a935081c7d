package assets

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strconv"
	"strings"
	"testing"
)

// templateFile mirrors the JSON layout of a built-in checksheet template.
// It is local to the test on purpose: decoding with DisallowUnknownFields
// catches a misspelt or extra key in the data.
type templateFile struct {
	Name        string         `json:"name"`
	Kind        string         `json:"kind"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	Items       []templateItem `json:"items"`
}

type templateItem struct {
	No             string `json:"no"`
	Section        string `json:"section"`
	Title          string `json:"title"`
	Criteria       string `json:"criteria"`
	Points         string `json:"points"`
	Examples       string `json:"examples"`
	HearingPurpose string `json:"hearing_purpose"`
	GuidelineRef   string `json:"guideline_ref"`
}

// templateSpec is what one template file must satisfy beyond the common rules.
type templateSpec struct {
	name     string
	kind     string
	minItems int
	maxItems int
	// extra checks the kind-specific rules and returns the problems found.
	extra func(t templateFile) []string
}

var templateSpecs = []templateSpec{
	{name: "datacenter", kind: "datacenter", minItems: 50, maxItems: 50, extra: checkDatacenter},
	{name: "internal", kind: "internal", minItems: 18, maxItems: 22, extra: checkInternal},
}

func TestTemplates(t *testing.T) {
	for _, spec := range templateSpecs {
		t.Run(spec.name, func(t *testing.T) {
			file := "templates/" + spec.name + ".json"
			data, err := fs.ReadFile(Templates, file)
			if err != nil {
				t.Fatalf("ReadFile(%q): %v", file, err)
			}
			for _, p := range checkTemplate(spec, data) {
				t.Errorf("%s: %s", file, p)
			}
		})
	}
}

// TestTemplatesCommonRules applies the rules shared by every template to
// every file embedded under templates/, including ones not in templateSpecs.
func TestTemplatesCommonRules(t *testing.T) {
	files, err := fs.Glob(Templates, "templates/*.json")
	if err != nil {
		t.Fatalf("Glob: %v", err)
	}
	if len(files) == 0 {
		t.Fatal("no templates embedded under templates/")
	}
	for _, file := range files {
		t.Run(path.Base(file), func(t *testing.T) {
			data, err := fs.ReadFile(Templates, file)
			if err != nil {
				t.Fatalf("ReadFile(%q): %v", file, err)
			}
			name := strings.TrimSuffix(path.Base(file), ".json")
			for _, p := range checkTemplate(templateSpec{name: name}, data) {
				t.Errorf("%s: %s", file, p)
			}
		})
	}
}

// checkTemplate decodes data strictly and returns every rule it breaks.
// Fields of spec left at their zero value are not checked.
func checkTemplate(spec templateSpec, data []byte) []string {
	var probs []string
	addf := func(format string, args ...any) { probs = append(probs, fmt.Sprintf(format, args...)) }

	if bytes.IndexByte(data, '\t') >= 0 {
		addf("file contains a tab character")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var tpl templateFile
	if err := dec.Decode(&tpl); err != nil {
		return append(probs, fmt.Sprintf("decode: %v", err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		addf("trailing data after the template object")
	}

	if tpl.Name != spec.name {
		addf("name = %q; want %q (the file name)", tpl.Name, spec.name)
	}
	if spec.kind != "" && tpl.Kind != spec.kind {
		addf("kind = %q; want %q", tpl.Kind, spec.kind)
	}
	for field, v := range map[string]string{"kind": tpl.Kind, "title": tpl.Title, "description": tpl.Description} {
		if strings.TrimSpace(v) == "" {
			addf("%s is empty", field)
		}
		if strings.Contains(v, "\t") {
			addf("%s contains a tab", field)
		}
	}
	if len(tpl.Items) == 0 {
		addf("no items")
	}
	if spec.minItems > 0 && len(tpl.Items) < spec.minItems {
		addf("len(items) = %d; want at least %d", len(tpl.Items), spec.minItems)
	}
	if spec.maxItems > 0 && len(tpl.Items) > spec.maxItems {
		addf("len(items) = %d; want at most %d", len(tpl.Items), spec.maxItems)
	}

	seen := make(map[string]bool)
	for i, it := range tpl.Items {
		id := fmt.Sprintf("item[%d] no=%q", i, it.No)
		required := []struct{ field, v string }{
			{"no", it.No}, {"section", it.Section}, {"title", it.Title},
			{"criteria", it.Criteria}, {"points", it.Points}, {"examples", it.Examples},
		}
		for _, r := range required {
			if strings.TrimSpace(r.v) == "" {
				addf("%s: %s is empty", id, r.field)
			}
		}
		all := append(required,
			struct{ field, v string }{"hearing_purpose", it.HearingPurpose},
			struct{ field, v string }{"guideline_ref", it.GuidelineRef})
		for _, r := range all {
			if strings.Contains(r.v, "\t") {
				addf("%s: %s contains a tab", id, r.field)
			}
		}
		for _, r := range []struct{ field, v string }{{"points", it.Points}, {"examples", it.Examples}} {
			if r.v == "" {
				continue
			}
			for n, line := range strings.Split(r.v, "\n") {
				if !strings.HasPrefix(line, "・") {
					addf("%s: %s line %d does not start with ・: %q", id, r.field, n+1, line)
				}
			}
		}
		if seen[it.No] {
			addf("%s: duplicate no", id)
		}
		seen[it.No] = true
	}

	if spec.extra != nil {
		probs = append(probs, spec.extra(tpl)...)
	}
	return probs
}

// checkDatacenter requires items "1".."38", one per clause of the ward's
// 特記事項 and each citing its own clause, then "DC-01".."DC-12" for the
// data-center operations requirements.
func checkDatacenter(tpl templateFile) []string {
	var probs []string
	for i, it := range tpl.Items {
		switch {
		case i < 38:
			n := i + 1
			if want := strconv.Itoa(n); it.No != want {
				probs = append(probs, fmt.Sprintf("item[%d]: no = %q; want %q", i, it.No, want))
			}
			if cite := fmt.Sprintf("特記事項 第%d項", n); !strings.Contains(it.Criteria, cite) {
				probs = append(probs, fmt.Sprintf("item[%d]: criteria = %q; want it to cite %q", i, it.Criteria, cite))
			}
		case i < 50:
			n := i - 37
			if want := fmt.Sprintf("DC-%02d", n); it.No != want {
				probs = append(probs, fmt.Sprintf("item[%d]: no = %q; want %q", i, it.No, want))
			}
			if cite := fmt.Sprintf("データセンター運用要件 第%d項", n); !strings.Contains(it.Criteria, cite) {
				probs = append(probs, fmt.Sprintf("item[%d]: criteria = %q; want it to cite %q", i, it.Criteria, cite))
			}
		}
	}
	return probs
}

// checkInternal requires every item to say why the auditor asks (ヒアリング目的).
func checkInternal(tpl templateFile) []string {
	var probs []string
	for i, it := range tpl.Items {
		if strings.TrimSpace(it.HearingPurpose) == "" {
			probs = append(probs, fmt.Sprintf("item[%d] no=%q: hearing_purpose is empty", i, it.No))
		}
	}
	return probs
}

// TestCheckTemplateRejects makes sure the checks above can fail: each case
// breaks one rule in a copy of a real template and expects a problem report.
func TestCheckTemplateRejects(t *testing.T) {
	load := func(t *testing.T, name string) map[string]any {
		t.Helper()
		data, err := fs.ReadFile(Templates, "templates/"+name+".json")
		if err != nil {
			t.Fatalf("ReadFile(%q): %v", name, err)
		}
		var m map[string]any
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("unmarshal %s: %v", name, err)
		}
		return m
	}
	item := func(m map[string]any, i int) map[string]any {
		return m["items"].([]any)[i].(map[string]any)
	}
	cases := []struct {
		name   string
		spec   int // index into templateSpecs
		mutate func(m map[string]any)
	}{
		{"unknown field", 0, func(m map[string]any) { m["version"] = 1 }},
		{"unknown item field", 0, func(m map[string]any) { item(m, 0)["note"] = "x" }},
		{"wrong name", 0, func(m map[string]any) { m["name"] = "external" }},
		{"wrong kind", 1, func(m map[string]any) { m["kind"] = "external" }},
		{"empty examples", 0, func(m map[string]any) { item(m, 3)["examples"] = "" }},
		{"duplicate no", 1, func(m map[string]any) { item(m, 1)["no"] = item(m, 0)["no"] }},
		{"tab in title", 1, func(m map[string]any) { item(m, 2)["title"] = "a\tb" }},
		{"point without bullet", 0, func(m map[string]any) { item(m, 4)["points"] = "・a\nb" }},
		{"wrong clause cited", 0, func(m map[string]any) { item(m, 6)["criteria"] = "特記事項 第8項" }},
		{"clause out of order", 0, func(m map[string]any) { item(m, 9)["no"] = "DC-99" }},
		{"dc requirement miscited", 0, func(m map[string]any) { item(m, 40)["criteria"] = "データセンター運用要件 第1項" }},
		{"item missing", 0, func(m map[string]any) { m["items"] = m["items"].([]any)[:49] }},
		{"no hearing purpose", 1, func(m map[string]any) { item(m, 5)["hearing_purpose"] = " " }},
		{"too few items", 1, func(m map[string]any) { m["items"] = m["items"].([]any)[:10] }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			spec := templateSpecs[tc.spec]
			m := load(t, spec.name)
			tc.mutate(m)
			data, err := json.Marshal(m)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			probs := checkTemplate(spec, data)
			if len(probs) == 0 {
				t.Errorf("checkTemplate(%s with %s) reported no problems; want at least one", spec.name, tc.name)
			}
			t.Logf("problems: %q", probs)
		})
	}
	t.Run("raw tab", func(t *testing.T) {
		spec := templateSpecs[1]
		data, err := fs.ReadFile(Templates, "templates/"+spec.name+".json")
		if err != nil {
			t.Fatal(err)
		}
		data = bytes.Replace(data, []byte("  \"kind\""), []byte("\t\"kind\""), 1)
		if probs := checkTemplate(spec, data); len(probs) == 0 {
			t.Error("checkTemplate with a tab-indented line reported no problems; want at least one")
		}
	})
}
