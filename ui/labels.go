package ui

import (
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// Display names for domain values. The Japanese ones equal the domain's
// Label methods (a test keeps them equal); English comes from en.json.

func roleLabel(r audit.Role) string {
	if !r.Valid() {
		return string(r)
	}
	return lang.L("role." + string(r))
}

func kindLabel(k audit.Kind) string {
	if !k.Valid() {
		return string(k)
	}
	return lang.L("kind." + string(k))
}

// fiscalYearLabel is the short name of a fiscal year: 令和8年度 or FY2026.
func fiscalYearLabel(year int) string {
	return lang.L("fiscal_year.short", map[string]any{"Year": year, "Wareki": audit.FiscalYearLabel(year)})
}

// fiscalYearOption is the longer name used in pickers: 令和8年度（2026年度）.
func fiscalYearOption(year int) string {
	return lang.L("fiscal_year.option", map[string]any{"Year": year, "Wareki": audit.FiscalYearLabel(year)})
}

// fiscalYearOf returns the fiscal year (April to March) that t falls in.
func fiscalYearOf(t time.Time) int {
	if t.Month() < time.April {
		return t.Year() - 1
	}
	return t.Year()
}

// progressLabel summarises an audit's progress on one line.
func progressLabel(s workspace.AuditSummary) string {
	text := lang.L("audit.progress", map[string]any{
		"Rated": s.Rated, "Items": s.Items, "Findings": s.Findings, "Evidence": s.Evidence, "OpenNotes": s.OpenNotes,
	})
	if s.Conflicts > 0 {
		text += lang.L("audit.conflicts", map[string]any{"Conflicts": s.Conflicts})
	}
	return text
}

// columnLabel is the display name of a checksheet column: 監査項目.
func columnLabel(c audit.Column) string { return lang.L("column." + string(c)) }

// columnLetter is the spreadsheet name of a 0-based column index: A, B, …,
// Z, AA.
func columnLetter(i int) string {
	if i < 0 {
		return "?"
	}
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}
