package ui

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// maxDiffRows bounds the change list of the preview; the counts above it
// are always complete.
const maxDiffRows = 200

// importScreen previews a checksheet workbook against one audit: the sheet,
// the column that holds each of the audit kind's columns (detected, and
// correctable), and what importing would change (a dry run). 取り込む then
// stores the items; results are never touched.
type importScreen struct {
	app   *App
	ws    Workspace
	audit workspace.AuditSummary
	path  string
	cands []workspace.SheetCandidate
	skips []workspace.SheetSkip

	ctx    context.Context // cancelled when the screen leaves the window
	cancel context.CancelFunc

	cols    []audit.Column // the audit kind's columns, one Select each
	sheetIx int            // index into cands; -1 until one is chosen
	optCol  []int          // column index of each mapping option; -1 for none
	filling bool           // the Selects are being set by code

	plan     *workspace.ChecksheetImport // the last dry run
	planFor  workspace.ColumnMap         // the mapping it was made with
	planSeq  int                         // drops dry runs overtaken by a newer one
	failed   workspace.ColumnMap         // the mapping of the last dry run, if it failed
	rows     []diffRow
	warnings []string

	sheet      *widget.Select // when there are several candidate sheets
	sheetName  *widget.Label  // when there is one
	skipped    *widget.Label
	title      *widget.Label
	header     *widget.Label
	mapping    []*widget.Select // parallel to cols
	form       *widget.Form     // of mapping; its labels grey out with them
	hint       *messageLabel
	refresh    *widget.Button
	counts     *widget.Label
	orphanNote *widget.Label
	changes    *widget.List
	noChanges  *widget.Label
	more       *widget.Label
	warnList   *widget.List
	tabs       *container.AppTabs
	apply      *widget.Button
	back       *widget.Button
	message    *messageLabel
	busy       *busyIndicator
}

// diffRow is one line of the change list.
type diffRow struct {
	tag    string
	imp    widget.Importance
	title  string
	detail string
}

func newImportScreen(app *App, a workspace.AuditSummary, path string, cands []workspace.SheetCandidate, skips []workspace.SheetSkip) *importScreen {
	ctx, cancel := context.WithCancel(context.Background())
	return &importScreen{app: app, ws: app.ws, audit: a, path: path, cands: cands, skips: skips,
		ctx: ctx, cancel: cancel, cols: a.Kind.Columns(), sheetIx: -1}
}

func (s *importScreen) buildUI() fyne.CanvasObject {
	s.busy = newBusyIndicator()
	s.message = newMessageLabel()
	s.hint = newMessageLabel()

	target := widget.NewLabel(lang.L("import.target", map[string]any{"Audit": s.audit.Title, "Kind": kindLabel(s.audit.Kind)}))
	target.Wrapping = fyne.TextWrapWord
	file := widget.NewLabel(lang.L("import.file", map[string]any{"File": filepath.Base(s.path)}))
	file.Wrapping = fyne.TextWrapWord
	title := widget.NewLabelWithStyle(lang.L("import.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	top := container.NewVBox(title, target, file, s.message.widget, widget.NewSeparator())

	s.back = widget.NewButtonWithIcon(lang.L("form.cancel"), theme.NavigateBackIcon(), s.onBack)
	s.apply = widget.NewButtonWithIcon(lang.L("import.apply"), theme.ConfirmIcon(), s.onApply)
	s.apply.Importance = widget.HighImportance
	s.apply.Disable()
	bottom := container.NewVBox(widget.NewSeparator(),
		container.NewHBox(layout.NewSpacer(), s.busy.widget, s.back, s.apply))

	split := container.NewHSplit(container.NewVScroll(s.buildMappingPanel()), s.buildDiffPanel())
	split.Offset = 0.42
	return container.NewPadded(container.NewBorder(top, bottom, nil, nil, split))
}

// buildMappingPanel makes the left side: the sheet, its title and header,
// and a Select for each column of the audit kind.
func (s *importScreen) buildMappingPanel() fyne.CanvasObject {
	names := make([]string, len(s.cands))
	for i, c := range s.cands {
		names[i] = sheetOption(c)
	}
	s.sheet = widget.NewSelect(names, func(string) {
		if !s.filling {
			s.onSheetSelected(s.sheet.SelectedIndex())
		}
	})
	s.sheet.PlaceHolder = lang.L("import.sheet_placeholder")
	s.sheetName = widget.NewLabel("")
	if len(s.cands) > 1 {
		s.sheetName.Hide()
	} else {
		s.sheet.Hide()
	}
	s.skipped = caption()
	s.skipped.Wrapping = fyne.TextWrapWord
	if text := strings.TrimPrefix(skippedText(s.skips), "\n"); text != "" {
		s.skipped.SetText(text)
	} else {
		s.skipped.Hide()
	}
	s.title = widget.NewLabel("")
	s.title.Wrapping = fyne.TextWrapWord
	s.header = caption()

	form := widget.NewForm()
	s.form = form
	s.mapping = make([]*widget.Select, len(s.cols))
	for i, c := range s.cols {
		sel := widget.NewSelect(nil, func(string) {
			if !s.filling {
				s.onMappingChanged()
			}
		})
		sel.Disable()
		s.mapping[i] = sel
		label := columnLabel(c)
		if c == audit.ColTitle {
			label = lang.L("import.required", map[string]any{"Label": label})
		}
		form.Append(label, sel)
	}
	s.refresh = widget.NewButtonWithIcon(lang.L("import.refresh"), theme.ViewRefreshIcon(), s.onRefresh)
	s.refresh.Disable()

	return container.NewVBox(
		heading(lang.L("import.sheet")), s.sheet, s.sheetName, s.skipped,
		heading(lang.L("import.sheet_title")), s.title, s.header,
		heading(lang.L("import.mapping")), form, s.hint.widget,
		container.NewHBox(s.refresh),
	)
}

// buildDiffPanel makes the right side: the counts of the dry run, and the
// changes and warnings in virtualised lists.
func (s *importScreen) buildDiffPanel() fyne.CanvasObject {
	s.counts = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.orphanNote = caption()
	s.orphanNote.Wrapping = fyne.TextWrapWord
	s.orphanNote.SetText(lang.L("import.orphans_kept"))
	s.orphanNote.Hide()
	s.changes = widget.NewList(
		func() int { return len(s.rows) },
		func() fyne.CanvasObject {
			tag := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			title := widget.NewLabel("")
			title.Truncation = fyne.TextTruncateEllipsis
			detail := caption()
			detail.Truncation = fyne.TextTruncateEllipsis
			return container.NewVBox(container.NewBorder(nil, nil, tag, nil, title), detail)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := s.rows[i]
			rows := o.(*fyne.Container).Objects
			line := rows[0].(*fyne.Container).Objects
			tag, title := line[1].(*widget.Label), line[0].(*widget.Label)
			tag.Importance = r.imp
			tag.SetText(r.tag)
			title.SetText(r.title)
			rows[1].(*widget.Label).SetText(r.detail)
		},
	)
	s.noChanges = widget.NewLabel(lang.L("import.no_changes"))
	s.noChanges.Hide()
	s.more = caption()
	s.more.Hide()
	s.warnList = widget.NewList(
		func() int { return len(s.warnings) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Wrapping = fyne.TextWrapWord
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(s.warnings[i]) },
	)
	changes := container.NewBorder(container.NewVBox(s.noChanges), s.more, nil, nil, s.changes)
	s.tabs = container.NewAppTabs(
		container.NewTabItem(lang.L("import.changes_tab"), changes),
		container.NewTabItem(lang.L("import.warnings_tab", map[string]any{"Count": 0}), s.warnList),
	)
	return container.NewBorder(
		container.NewVBox(heading(lang.L("import.preview")), s.counts, s.orphanNote), nil, nil, nil, s.tabs)
}

// onShown picks the only candidate sheet; with several the user chooses.
func (s *importScreen) onShown() {
	if len(s.cands) == 1 {
		s.onSheetSelected(0)
		return
	}
	s.updateState()
}

func (s *importScreen) onHidden() { s.cancel() }

// sheetOption names a candidate sheet in the sheet Select.
func sheetOption(c workspace.SheetCandidate) string {
	if c.Rows < 0 {
		return c.Name
	}
	return lang.L("import.sheet_option", map[string]any{"Sheet": c.Name, "Rows": c.Rows})
}

// headerOption names a column of the sheet in the mapping Selects:
// "C: 監査項目", the first line of its header cell.
func headerOption(i int, header string) string {
	header, _, _ = strings.Cut(strings.TrimSpace(header), "\n")
	header = strings.TrimSpace(header)
	if r := []rune(header); len(r) > 30 {
		header = string(r[:30]) + "…"
	}
	if header == "" {
		return columnLetter(i)
	}
	return columnLetter(i) + ": " + header
}

// onSheetSelected shows sheet i: its title, its header row, the detected
// mapping in the Selects; then it runs the dry run.
func (s *importScreen) onSheetSelected(i int) {
	if i < 0 || i >= len(s.cands) {
		return
	}
	s.sheetIx = i
	c := s.cands[i]
	s.filling = true
	defer func() { s.filling = false }()
	s.sheet.SetSelectedIndex(i)
	s.sheetName.SetText(sheetOption(c))
	if strings.TrimSpace(c.Title) == "" {
		s.title.SetText(lang.L("import.no_title"))
	} else {
		s.title.SetText(c.Title)
	}
	if c.Rows >= 0 {
		s.header.SetText(lang.L("import.header_rows", map[string]any{"Row": c.HeaderRow, "Rows": c.Rows}))
	} else {
		s.header.SetText(lang.L("import.header_row", map[string]any{"Row": c.HeaderRow}))
	}

	options := []string{lang.L("import.column_none")}
	s.optCol = []int{-1}
	for col, h := range c.Headers {
		options = append(options, headerOption(col, h))
		s.optCol = append(s.optCol, col)
	}
	for k, sel := range s.mapping {
		sel.SetOptions(options)
		sel.SetSelectedIndex(0)
		if col, ok := c.Columns[s.cols[k]]; ok {
			for j, oc := range s.optCol {
				if oc == col {
					sel.SetSelectedIndex(j)
				}
			}
		}
	}
	s.plan, s.planFor = nil, nil
	s.showPlan()
	s.filling = false
	if s.problem() == "" {
		s.runPlan()
	} else {
		s.updateState()
	}
}

// columns is the mapping the Selects show: the audit kind's columns that
// are assigned to a column of the sheet.
func (s *importScreen) columns() workspace.ColumnMap {
	m := workspace.ColumnMap{}
	for k, sel := range s.mapping {
		if j := sel.SelectedIndex(); j > 0 && j < len(s.optCol) {
			m[s.cols[k]] = s.optCol[j]
		}
	}
	return m
}

// problem says what keeps the mapping from being used, or "".
func (s *importScreen) problem() string {
	if s.sheetIx < 0 {
		return lang.L("import.choose_sheet")
	}
	m := s.columns()
	if _, ok := m[audit.ColTitle]; !ok {
		return lang.L("import.need_title")
	}
	owner := map[int]audit.Column{}
	for _, c := range s.cols {
		i, ok := m[c]
		if !ok {
			continue
		}
		if prev, dup := owner[i]; dup {
			return lang.L("import.duplicate_column", map[string]any{
				"First": columnLabel(prev), "Second": columnLabel(c), "Column": columnLetter(i)})
		}
		owner[i] = c
	}
	return ""
}

// stale reports whether the shown dry run was made with another mapping.
func (s *importScreen) stale() bool {
	return s.plan == nil || !maps.Equal(s.planFor, s.columns())
}

// updateState sets the hint and what can be tapped from the mapping, the
// dry run and whether work is running.
func (s *importScreen) updateState() {
	busy := s.busy.busy()
	setEnabled(s.sheet, !busy)
	for _, sel := range s.mapping {
		setEnabled(sel, !busy && s.sheetIx >= 0)
	}
	s.form.Refresh()
	if p := s.problem(); p != "" {
		s.hint.show(p, widget.WarningImportance)
		s.refresh.Disable()
		s.apply.Disable()
		return
	}
	setEnabled(s.refresh, !busy)
	switch {
	case s.plan == nil && (busy || s.failed != nil && maps.Equal(s.failed, s.columns())):
		s.hint.clear() // the dry run is running, or its error is shown
	case s.stale():
		s.hint.show(lang.L("import.stale"), widget.WarningImportance)
	case s.plan.Diff.Empty():
		s.hint.show(lang.L("import.nothing_to_import"), widget.MediumImportance)
	default:
		s.hint.clear()
	}
	setEnabled(s.apply, !busy && !s.stale() && !s.plan.Diff.Empty())
}

// setEnabled enables or disables w.
func setEnabled(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

func (s *importScreen) onMappingChanged() {
	s.message.clear()
	s.updateState()
}

func (s *importScreen) onRefresh() {
	if s.problem() == "" && !s.busy.busy() {
		s.runPlan()
	}
}

// options is what ImportChecksheet gets for the current sheet and mapping.
func (s *importScreen) options(m workspace.ColumnMap) workspace.ImportOptions {
	return workspace.ImportOptions{Sheet: s.cands[s.sheetIx].Name, Columns: m}
}

// runPlan runs the dry run with the current mapping off the UI goroutine.
func (s *importScreen) runPlan() {
	m := s.columns()
	opt := s.options(m)
	s.planSeq++
	seq := s.planSeq
	s.message.clear()
	s.busy.start()
	s.updateState()
	ws, ctx, id, path := s.ws, s.ctx, s.audit.ID, s.path
	background(s.app.cfg.Run, func() (*workspace.ChecksheetImport, error) {
		return ws.ImportChecksheet(ctx, id, path, opt, true)
	}, func(res *workspace.ChecksheetImport, err error) {
		if !s.app.isCurrent(s) {
			return
		}
		s.busy.stop()
		if seq == s.planSeq {
			if err != nil {
				s.plan, s.planFor, s.failed = nil, nil, m
				s.showError(importErrorText(err), err)
			} else {
				s.plan, s.planFor, s.failed = res, m, nil
			}
			s.showPlan()
		}
		s.updateState()
	})
}

// showPlan fills the counts and the lists from the dry run.
func (s *importScreen) showPlan() {
	s.rows, s.warnings = nil, nil
	if s.plan == nil || s.plan.Diff == nil {
		s.counts.SetText("")
		s.orphanNote.Hide()
		s.noChanges.Hide()
		s.more.Hide()
	} else {
		d := s.plan.Diff
		s.counts.SetText(lang.L("import.counts", map[string]any{
			"Added": len(d.Added), "Changed": len(d.Changed), "Unchanged": d.Unchanged, "Orphaned": len(d.Orphaned)}))
		s.orphanNote.Hidden = len(d.Orphaned) == 0
		s.orphanNote.Refresh()
		s.rows = diffRows(d)
		total := len(d.Added) + len(d.Changed) + len(d.Orphaned)
		s.noChanges.Hidden = total > 0
		s.noChanges.Refresh()
		if total > len(s.rows) {
			s.more.SetText(lang.L("import.more", map[string]any{"Shown": len(s.rows), "Total": total}))
			s.more.Show()
		} else {
			s.more.Hide()
		}
		if s.plan.Report != nil {
			s.warnings = s.plan.Report.Warnings
		}
	}
	s.changes.UnselectAll()
	s.changes.Refresh()
	s.changes.ScrollToTop()
	s.warnList.Refresh()
	s.tabs.Items[1].Text = lang.L("import.warnings_tab", map[string]any{"Count": len(s.warnings)})
	s.tabs.Refresh()
}

// diffRows lists the first maxDiffRows changes: added, changed, then the
// items the sheet no longer has.
func diffRows(d *workspace.ChecksheetDiff) []diffRow {
	var rows []diffRow
	add := func(r diffRow) bool {
		if len(rows) >= maxDiffRows {
			return false
		}
		rows = append(rows, r)
		return true
	}
	for _, it := range d.Added {
		detail := ""
		if it.Section != "" {
			detail = lang.L("import.section", map[string]any{"Section": oneLine(it.Section)})
		}
		if !add(diffRow{lang.L("import.added"), widget.SuccessImportance, itemLine(it), detail}) {
			return rows
		}
	}
	for _, c := range d.Changed {
		labels := make([]string, len(c.Fields))
		for i, f := range c.Fields {
			labels[i] = columnLabel(audit.Column(f))
		}
		detail := lang.L("import.changed_fields", map[string]any{"Fields": strings.Join(labels, lang.L("list.separator"))})
		if !add(diffRow{lang.L("import.changed"), widget.WarningImportance, itemLine(c.New), detail}) {
			return rows
		}
	}
	for _, o := range d.Orphaned {
		detail := lang.L("import.kept")
		if o.HasResult {
			detail = lang.L("import.kept_with_result")
		}
		if !add(diffRow{lang.L("import.orphaned"), widget.DangerImportance, itemLine(o.Item), detail}) {
			return rows
		}
	}
	return rows
}

// itemLine is an item's number and title on one line.
func itemLine(it audit.Item) string {
	return strings.TrimSpace(fmt.Sprintf("%s %s", it.No, oneLine(it.Title)))
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// onApply imports with the mapping of the dry run shown, off the UI
// goroutine, and goes back home to the audit with its new progress.
func (s *importScreen) onApply() {
	if s.busy.busy() || s.problem() != "" || s.stale() || s.plan.Diff.Empty() {
		return
	}
	opt := s.options(s.planFor)
	s.message.clear()
	s.busy.start()
	s.updateState()
	s.back.Disable()
	ws, ctx, id, path := s.ws, s.ctx, s.audit.ID, s.path
	background(s.app.cfg.Run, func() (*workspace.ChecksheetImport, error) {
		return ws.ImportChecksheet(ctx, id, path, opt, false)
	}, func(res *workspace.ChecksheetImport, err error) {
		if !s.app.isCurrent(s) {
			return
		}
		s.busy.stop()
		s.back.Enable()
		if err != nil {
			s.showError(importErrorText(err), err)
			s.updateState()
			return
		}
		s.app.navigate(Route{Page: PageHome, EngagementID: s.audit.EngagementID, AuditID: s.audit.ID})
		if home, ok := s.app.screen.(*homeScreen); ok {
			home.message.show(lang.L("import.done", map[string]any{
				"Audit": s.audit.Title, "Added": len(res.Diff.Added), "Changed": len(res.Diff.Changed),
				"Orphaned": len(res.Diff.Orphaned)}), widget.SuccessImportance)
		}
	})
}

func (s *importScreen) onBack() {
	s.app.navigate(Route{Page: PageHome, EngagementID: s.audit.EngagementID, AuditID: s.audit.ID})
}

func (s *importScreen) showError(text string, err error) {
	logError(text, err)
	s.message.show(withDetails(text, err), widget.DangerImportance)
}
