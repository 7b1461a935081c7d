package ui

import (
	"testing"

	"github.com/kansa-audit/kansa/internal/report"
)

// Every section a review note can be written on has a label in both
// languages, the Japanese one the title the lints use.
func TestDocSectionLabels(t *testing.T) {
	t.Cleanup(func() { _ = UseLanguage(Japanese) })
	if err := UseLanguage(Japanese); err != nil {
		t.Fatal(err)
	}
	for _, s := range report.NoteSections {
		if got, _ := docSectionLabel(s.Key); got != s.Title {
			t.Errorf("label of %s = %q, want %q", s.Key, got, s.Title)
		}
	}
	if err := UseLanguage(English); err != nil {
		t.Fatal(err)
	}
	for _, s := range report.NoteSections {
		if got, _ := docSectionLabel(s.Key); got == docSectionLangKey(s.Key) || got == s.Title {
			t.Errorf("no English label for %s: %q", s.Key, got)
		}
	}
}
