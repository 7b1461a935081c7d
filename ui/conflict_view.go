package ui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/jpcal"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// conflictChoice is one competing value of a field in conflict, with who
// wrote it and when (empty when the store does not say).
type conflictChoice struct {
	value  string
	author string
	at     time.Time
}

// conflictChoices lists the competing values of field of an item, with
// author and time when the store gives them.
func conflictChoices(it *workspace.ItemState, field string) []conflictChoice {
	var out []conflictChoice
	if d := it.ConflictDetails[field]; len(d) > 0 {
		for _, v := range d {
			out = append(out, conflictChoice{value: v.Value, author: v.Author, at: v.At})
		}
		return out
	}
	for _, v := range it.Conflicts[field] {
		out = append(out, conflictChoice{value: v})
	}
	return out
}

// conflictView compares the competing values of one field side by side,
// each with its author and time: a field of the current item, or of a
// hearing or review note (record_conflict.go). The user keeps one, or
// (for text) merges them by hand in an editable text prefilled with all
// of them. Either way the result is written as a new value of the field,
// which supersedes every competing value: the conflict is resolved and
// the values stay in the history.
type conflictView struct {
	screen  *auditScreen // nil when opened from the review queue
	app     *App
	field   string
	itemID  string // the item, or the hearing or note
	choices []conflictChoice

	title    string
	editable bool
	// text: merged by hand as text; lines: as text too, each line one
	// element of a list of strings (a hearing's follow-ups).
	text, lines bool
	// units: a JSON list merged by hand by ticking, among the elements of
	// every value, those to keep (a hearing's statements).
	units      bool
	unitValues []string        // the distinct elements, compact JSON, in order
	unitChecks []*widget.Check // one per element
	// show is how a value reads when it is not text.
	show func(string) string
	// apply writes the value kept or merged.
	apply func(string)

	dialog *dialog.CustomDialog
	keep   []*widget.Button // one per choice
	merged *widget.Entry    // nil for the rating and the finding class
	save   *widget.Button   // saves merged; nil with it
}

// conflictViewButton opens the conflict view of field of the current item.
func (s *auditScreen) conflictViewButton(field string) fyne.CanvasObject {
	b := widget.NewButtonWithIcon(lang.L("conflict.compare"), theme.ViewRestoreIcon(), func() { s.openConflictView(field) })
	b.Importance = widget.WarningImportance
	return container.NewVBox(b)
}

// openConflictView shows the conflict view of field of the current item.
func (s *auditScreen) openConflictView(field string) {
	if s.state == nil || s.current < 0 {
		return
	}
	it := &s.state.Items[s.current]
	choices := conflictChoices(it, field)
	if len(choices) == 0 {
		return
	}
	if s.review != nil {
		for i, c := range choices {
			if n := s.review.names[c.author]; n != "" {
				choices[i].author = n // a member id the store could not name
			}
		}
	}
	itemID := it.ID
	v := &conflictView{screen: s, app: s.app, field: field, itemID: itemID, choices: choices, editable: s.editable(),
		text:  textField(field),
		title: lang.L("conflict.title", map[string]any{"No": it.No, "Title": oneLine(it.Title), "Field": resultFieldName(field)}),
		show:  func(val string) string { return s.conflictChoiceText(field, val) },
		apply: func(val string) {
			if !s.editable() || s.current < 0 || s.state.Items[s.current].ID != itemID {
				return
			}
			s.onConflictChosen(field, val)
		}}
	v.build()
	s.conflictView = v
	v.dialog.Show()
}

// textField reports whether field is free text, which can be merged by hand.
func textField(field string) bool {
	return field == fieldObservation || field == fieldEvidenceSeen || field == fieldProposal
}

func (v *conflictView) build() {
	editable := v.editable
	intro := widget.NewLabel(lang.L("conflict.intro", map[string]any{"Count": len(v.choices)}))
	intro.Wrapping = fyne.TextWrapWord
	if !editable {
		intro.SetText(lang.L("conflict.locked"))
		intro.Importance = widget.WarningImportance
	}

	columns := container.NewGridWithColumns(min(len(v.choices), 3))
	for i, c := range v.choices {
		columns.Add(v.column(i, c, editable))
	}
	var body fyne.CanvasObject = columns
	if len(v.choices) > 3 {
		body = container.NewVScroll(columns)
	}

	var bottom fyne.CanvasObject
	if v.text || v.lines {
		v.merged = widget.NewMultiLineEntry()
		v.merged.Wrapping = fyne.TextWrapWord
		v.merged.SetMinRowsVisible(6)
		v.merged.SetText(mergeDraft(v.draftChoices()))
		v.save = widget.NewButtonWithIcon(lang.L("conflict.save_merged"), theme.DocumentSaveIcon(), v.onSaveMerged)
		v.save.Importance = widget.HighImportance
		setEnabled(v.merged, editable)
		setEnabled(v.save, editable)
		hint := caption()
		hint.Wrapping = fyne.TextWrapWord
		hint.SetText(lang.L("conflict.merge_hint"))
		if v.text { // only text has its own lines coloured
			intro.SetText(intro.Text + lang.L("conflict.diff_hint"))
		}
		bottom = container.NewVBox(widget.NewSeparator(), heading(lang.L("conflict.merge")), hint, v.merged,
			container.NewHBox(layout.NewSpacer(), v.save))
	} else if v.units {
		bottom = v.buildUnits(editable) // record_conflict.go
	}
	content := container.NewBorder(intro, bottom, nil, nil, body)
	v.dialog = dialog.NewCustom(v.title, lang.L("conflict.close"), content, v.app.win)
	v.dialog.Resize(conflictViewSize(v.app.win))
}

// conflictViewSize fits the view into the window, leaving a margin.
func conflictViewSize(w fyne.Window) fyne.Size {
	c := w.Canvas().Size()
	return fyne.NewSize(max(640, c.Width-80), max(480, c.Height-60))
}

// column shows competing value i: who wrote it and when, the value, and
// the button that keeps it.
func (v *conflictView) column(i int, c conflictChoice, editable bool) fyne.CanvasObject {
	head := widget.NewLabelWithStyle(lang.L("conflict.value", map[string]any{"N": i + 1}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Importance = widget.WarningImportance
	who := caption()
	who.Wrapping = fyne.TextWrapWord
	who.SetText(choiceMeta(c))
	text := v.valueText(i, c)
	keep := widget.NewButtonWithIcon(lang.L("conflict.keep"), theme.ConfirmIcon(), func() { v.onKeep(i) })
	keep.Importance = widget.WarningImportance
	setEnabled(keep, editable)
	v.keep = append(v.keep, keep)
	card := container.NewBorder(container.NewVBox(head, who, widget.NewSeparator()), keep, nil, nil,
		container.NewVScroll(text))
	return container.NewPadded(card)
}

// valueText shows competing value i; for text, the lines no other value
// has are coloured, so the difference shows at a glance.
func (v *conflictView) valueText(i int, c conflictChoice) fyne.CanvasObject {
	if !v.text {
		l := widget.NewLabel(v.show(c.value))
		l.Wrapping = fyne.TextWrapWord
		return l
	}
	if strings.TrimSpace(c.value) == "" {
		return widget.NewLabel(lang.L("item.blank"))
	}
	others := map[string]bool{}
	for j, o := range v.choices {
		if j != i {
			for _, line := range strings.Split(o.value, "\n") {
				others[strings.TrimSpace(line)] = true
			}
		}
	}
	var segs []widget.RichTextSegment
	for _, line := range strings.Split(c.value, "\n") {
		seg := &widget.TextSegment{Text: line, Style: widget.RichTextStyleParagraph}
		if t := strings.TrimSpace(line); t != "" && !others[t] {
			seg.Style.ColorName = theme.ColorNameWarning
			seg.Style.TextStyle.Bold = true
		}
		segs = append(segs, seg)
	}
	r := widget.NewRichText(segs...)
	r.Wrapping = fyne.TextWrapWord
	return r
}

// choiceMeta says who wrote a value and when, as far as known.
func choiceMeta(c conflictChoice) string {
	author := c.author
	if author == "" {
		author = lang.L("conflict.unknown_author")
	}
	if c.at.IsZero() {
		return author
	}
	return lang.L("conflict.meta", map[string]any{"Author": author, "At": c.at.In(jpcal.JST).Format("2006/01/02 15:04")})
}

// conflictChoiceText is how a competing value reads in the view: a rating
// or a class by its label, text in full.
func (s *auditScreen) conflictChoiceText(field, v string) string {
	if textField(field) {
		if strings.TrimSpace(v) == "" {
			return lang.L("item.blank")
		}
		return v
	}
	return s.conflictValueText(field, v)
}

// mergeDraft is the text the hand merge starts from: the lines of every
// competing value, in order, each line once; the user then edits out
// what does not belong.
func mergeDraft(choices []conflictChoice) string {
	var lines []string
	seen := map[string]bool{}
	for _, c := range choices {
		for _, line := range strings.Split(strings.TrimSpace(c.value), "\n") {
			t := strings.TrimSpace(line)
			if t == "" || seen[t] {
				continue
			}
			seen[t] = true
			lines = append(lines, line)
		}
	}
	return strings.Join(lines, "\n")
}

// onKeep keeps competing value i.
func (v *conflictView) onKeep(i int) {
	if i < 0 || i >= len(v.choices) {
		return
	}
	v.resolve(v.choices[i].value)
}

// onSaveMerged keeps the hand-merged text.
func (v *conflictView) onSaveMerged() {
	if v.merged == nil {
		return
	}
	if v.lines {
		v.resolve(linesJSON(v.merged.Text))
		return
	}
	v.resolve(v.merged.Text)
}

// resolve writes value as the field's new value (apply checks that what
// the view was opened on can still be edited), and closes.
func (v *conflictView) resolve(value string) {
	v.dialog.Hide()
	v.apply(value)
}

// draftChoices are the values the hand merge starts from, as text.
func (v *conflictView) draftChoices() []conflictChoice {
	if !v.lines {
		return v.choices
	}
	out := make([]conflictChoice, len(v.choices))
	for i, c := range v.choices {
		out[i] = c
		out[i].value = v.show(c.value)
	}
	return out
}

// fillMerged shows, under a long text whose concurrent edits touched
// different lines and were merged line by line, whose edits the text
// combines, so that the auditor reads it again; otherwise box is hidden.
func (s *auditScreen) fillMerged(box *fyne.Container, field string) {
	vals := s.state.Items[s.current].Merged[field]
	if len(vals) == 0 {
		box.Hide()
		return
	}
	var who []string
	for _, v := range vals {
		c := conflictChoice{author: v.Author, at: v.At}
		if s.review != nil && s.review.names[c.author] != "" {
			c.author = s.review.names[c.author]
		}
		who = append(who, choiceMeta(c))
	}
	l := widget.NewLabel(lang.L("conflict.merged", map[string]any{"Who": strings.Join(who, lang.L("conflict.merged_separator"))}))
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.HighImportance
	box.Add(l)
	box.Show()
}
