package ui

import (
	"strings"

	"fyne.io/fyne/v2/lang"

	"github.com/kansa-audit/kansa/internal/report"
)

// Review notes on a section of the audit plan or report: the sections are
// report.NoteSections (their keys are what a note stores as its target,
// the form kansactl review note --section takes); their labels here are
// translated, docsection.<key with _ for />.

// docSectionLabel names a section key; ok is false for a key not listed
// (written by another tool, say).
func docSectionLabel(key string) (string, bool) {
	if _, ok := report.SectionTitle(key); !ok {
		return "", false
	}
	return lang.L(docSectionLangKey(key)), true
}

func docSectionLangKey(key string) string {
	return "docsection." + strings.ReplaceAll(key, "/", "_")
}

// docSectionOptions are the labels of the sections, in document order,
// for a Select.
func docSectionOptions() []string {
	out := make([]string, len(report.NoteSections))
	for i, s := range report.NoteSections {
		out[i] = lang.L(docSectionLangKey(s.Key))
	}
	return out
}

// docSectionKey is the key of the section labelled label, "" if none.
func docSectionKey(label string) string {
	for _, s := range report.NoteSections {
		if lang.L(docSectionLangKey(s.Key)) == label {
			return s.Key
		}
	}
	return ""
}
