package ui

import "fyne.io/fyne/v2/lang"

// docSection is a section of the audit plan or report that a review note
// can be written on. The key is what the note stores as its target (the
// form kansactl review note --section takes); the label is translated.
type docSection struct {
	key, label string
}

// docSections are the sections offered, in document order: the plan's,
// then the report's, as the report builder titles them.
var docSections = []docSection{
	{"plan/purpose", "docsection.plan_purpose"},
	{"plan/criteria", "docsection.plan_criteria"},
	{"plan/scope", "docsection.plan_scope"},
	{"plan/team", "docsection.plan_team"},
	{"plan/method", "docsection.plan_method"},
	{"plan/evidence", "docsection.plan_evidence"},
	{"plan/schedule", "docsection.plan_schedule"},
	{"report/overview", "docsection.report_overview"},
	{"report/summary", "docsection.report_summary"},
	{"report/results", "docsection.report_results"},
	{"report/findings", "docsection.report_findings"},
	{"report/followup", "docsection.report_followup"},
	{"report/notable", "docsection.report_notable"},
}

// docSectionLabel names a section key; ok is false for a key not listed
// (written by another tool, say).
func docSectionLabel(key string) (string, bool) {
	for _, s := range docSections {
		if s.key == key {
			return lang.L(s.label), true
		}
	}
	return "", false
}

// docSectionOptions are the labels of docSections, for a Select.
func docSectionOptions() []string {
	out := make([]string, len(docSections))
	for i, s := range docSections {
		out[i] = lang.L(s.label)
	}
	return out
}

// docSectionKey is the key of the section labelled label, "" if none.
func docSectionKey(label string) string {
	for _, s := range docSections {
		if lang.L(s.label) == label {
			return s.key
		}
	}
	return ""
}
