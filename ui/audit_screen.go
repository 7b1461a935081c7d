package ui

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/jpcal"
	"github.com/kansa-audit/kansa/internal/report"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// The result fields the workspace screen edits (Workspace.SetField).
const (
	fieldRating       = "rating"
	fieldObservation  = "observation"
	fieldEvidenceSeen = "evidence_seen"
	fieldFinding      = "finding"
	fieldProposal     = "proposal"
)

// resultFields lists them in the order the detail pane shows them.
var resultFields = []string{fieldRating, fieldObservation, fieldEvidenceSeen, fieldFinding, fieldProposal}

// auditScreen is the on-site workspace of one audit: the checksheet items
// on the left, grouped by section and filtered, and the selected item on
// the right with its checksheet columns, its result (edited in place and
// saved automatically), its evidence and its hearings.
type auditScreen struct {
	app   *App
	ws    Workspace
	route Route
	// back is where 戻る goes: home with the audit selected, or the screen
	// that opened this one (the export's lints).
	back Route
	// lints are the pre-export checks that sent the user here, shown on
	// the items they name.
	lints []report.Finding

	state   *workspace.AuditState // nil until loaded
	groups  []sectionGroup        // items by section, in first-appearance order
	rows    []listRow             // what the list shows: the filtered groups
	current int                   // index into state.Items; -1 for none
	filling bool                  // widgets are being set by code, not the user
	hay     []string              // lower-cased search text per item; "" = stale

	saver *autosaver
	// thumbs caches evidence thumbnails by evidence id; nil for evidence
	// without one (not a photo).
	thumbs  map[string]image.Image
	loading map[string]bool

	// The left pane.
	list          *widget.List
	search        *widget.Entry
	ratingFilter  *widget.Select
	sectionFilter *widget.Select
	findingOnly   *widget.Check
	noEvidence    *widget.Check
	count         *widget.Label

	// The top bar.
	title     *widget.Label
	saveLabel *widget.Label
	message   *messageLabel
	busy      *busyIndicator
	backBtn   *widget.Button

	// The detail pane.
	detail       *fyne.Container // hidden while no item is selected
	noItem       *widget.Label
	heading      *widget.Label
	section      *widget.Label
	status       *widget.Label // follow-up audits: the auditee's progress
	lockedNote   *widget.Label
	lintBox      *fyne.Container
	columns      []columnRow
	rating       *widget.RadioGroup
	finding      *widget.RadioGroup
	observation  *autoEntry
	evidenceSeen *autoEntry
	proposal     *autoEntry
	conflicts    map[string]*fyne.Container // per field: the competing values
	evidenceBox  *fyne.Container
	evidenceHead *widget.Label
	hearingBox   *fyne.Container
	hearingHead  *widget.Label
	attach       *widget.Button // 証跡を添付: a file dialog; drops work too
	linkBtn      *widget.Button // 既存の証跡をリンク: evidence already in the audit
	newHearing   *widget.Button // 新しいヒアリング: the hearing form
	detailScroll *container.Scroll

	help *helpOverlay // the last shortcut overlay shown; for tests

	hearing *hearingForm // the last hearing form opened; for tests
	// statementText is the text of the hearing statements linked to each
	// item, by item id, for the search; nil = stale.
	statementText map[string]string

	attaching *attachJob // the evidence import running; nil when none

	// Sync and conflicts (unsynced_badge.go, conflict_view.go).
	unsynced     *unsyncedBadge // what this device has not synced yet
	conflictView *conflictView  // the last conflict view opened; for tests
	review       *reviewPanel   // the item's sign-offs and review notes (review.go)

	viewer  *evidenceViewer // the evidence viewer open; nil when none
	linking *linkPicker     // the link picker open; nil when none
	strip   evidenceStrip   // the evidence rows shown (evidence_strip.go)
	// hearingView is the hearing record open; nil when none.
	hearingView *hearingView
}

// sectionGroup is the items of one section, in checksheet order.
type sectionGroup struct {
	name  string
	items []int // indexes into state.Items
}

// listRow is one row of the item list: a section header, or an item.
type listRow struct {
	header  bool
	section string
	item    int // index into state.Items
}

// columnRow shows one checksheet column of the item.
type columnRow struct {
	col   audit.Column
	box   *fyne.Container
	value *widget.Label
}

func newAuditScreen(app *App, r Route) *auditScreen {
	s := &auditScreen{app: app, ws: app.ws, route: r, current: -1,
		back:   Route{Page: PageHome, EngagementID: r.EngagementID, AuditID: r.AuditID},
		thumbs: map[string]image.Image{}, loading: map[string]bool{}}
	ws, auditID := app.ws, r.AuditID
	s.saver = newAutosaver(app.cfg.Run, app.cfg.Do, app.cfg.After, func(k fieldKey, v any) error {
		return ws.SetField(auditID, k.entityID, k.field, v)
	})
	s.saver.saved = s.onSaved
	s.saver.changed = s.showSaveState
	return s
}

func (s *auditScreen) buildUI() fyne.CanvasObject {
	s.busy = newBusyIndicator()
	s.message = newMessageLabel()
	s.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.title.Truncation = fyne.TextTruncateEllipsis
	s.saveLabel = widget.NewLabel("")
	s.backBtn = widget.NewButtonWithIcon(lang.L("workspace.back"), theme.NavigateBackIcon(), s.onBack)
	helpBtn := widget.NewButtonWithIcon(lang.L("workspace.shortcuts"), theme.HelpIcon(), s.onHelp)
	helpBtn.Importance = widget.LowImportance
	s.unsynced = newUnsyncedBadge(s.app)
	top := container.NewVBox(
		container.NewBorder(nil, nil, s.backBtn, container.NewHBox(s.busy.widget, s.unsynced.widget, s.saveLabel, s.openReviewButton(), helpBtn), s.title),
		s.message.widget)

	split := container.NewHSplit(s.buildListPane(), s.buildDetailPane())
	split.Offset = 0.34
	s.showSaveState(saveSaved, nil)
	return container.NewBorder(top, nil, nil, nil, split)
}

// buildListPane makes the left side: search, filters, count and the list.
func (s *auditScreen) buildListPane() fyne.CanvasObject {
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(lang.L("workspace.search_placeholder"))
	s.search.OnChanged = func(string) {
		s.app.touch()
		s.applyFilter()
	}
	s.ratingFilter = widget.NewSelect(nil, func(string) { s.applyFilter() })
	s.sectionFilter = widget.NewSelect(nil, func(string) { s.applyFilter() })
	s.findingOnly = widget.NewCheck(lang.L("workspace.filter_finding"), func(bool) { s.applyFilter() })
	s.noEvidence = widget.NewCheck(lang.L("workspace.filter_no_evidence"), func(bool) { s.applyFilter() })
	s.count = caption()
	filters := container.NewVBox(
		s.search,
		container.NewGridWithColumns(2, s.ratingFilter, s.sectionFilter),
		container.NewHBox(s.findingOnly, s.noEvidence),
		s.count,
	)
	s.list = widget.NewList(func() int { return len(s.rows) }, s.newListRow, s.updateListRow)
	s.list.OnSelected = s.onRowSelected
	return container.NewBorder(filters, nil, nil, nil, s.list)
}

// newListRow is the template of a list row: a section header and an item
// line stacked, one of them visible.
func (s *auditScreen) newListRow() fyne.CanvasObject {
	header := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	header.Importance = widget.HighImportance
	header.Truncation = fyne.TextTruncateEllipsis
	no := widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	title := widget.NewLabel("")
	title.Truncation = fyne.TextTruncateEllipsis
	conflict := widget.NewLabel(lang.L("workspace.conflict_badge"))
	conflict.Importance = widget.WarningImportance
	badge := widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	item := container.NewBorder(nil, nil, container.New(fixedWidth(64), no), container.NewHBox(conflict, badge), title)
	return container.NewStack(header, item)
}

func (s *auditScreen) updateListRow(i widget.ListItemID, o fyne.CanvasObject) {
	if i < 0 || i >= len(s.rows) {
		return
	}
	r := s.rows[i]
	objs := o.(*fyne.Container).Objects
	header, item := objs[0].(*widget.Label), objs[1].(*fyne.Container)
	if r.header {
		setLabel(header, sectionName(r.section), header.Importance)
		header.Show()
		item.Hide()
		return
	}
	header.Hide()
	it := s.state.Items[r.item]
	parts := item.Objects
	title := parts[0].(*widget.Label)
	no := parts[1].(*fyne.Container).Objects[0].(*widget.Label)
	right := parts[2].(*fyne.Container).Objects
	conflict, badge := right[0].(*widget.Label), right[1].(*widget.Label)
	setLabel(no, it.No, no.Importance)
	setLabel(title, oneLine(it.Title), title.Importance)
	relayout := false
	if hide := len(it.Conflicts) == 0; conflict.Hidden != hide {
		conflict.Hidden = hide
		relayout = true
	}
	rating := ratingName(s.state.Audit.Scale, it.Result.Rating)
	relayout = relayout || badge.Text != rating
	setLabel(badge, rating, ratingImportance(s.state.Audit.Scale, it.Result.Rating))
	item.Show()
	if relayout {
		// The right-hand box changed width: lay the row out again, or the
		// badge is drawn over the rating (a recycled row keeps its sizes).
		parts[2].Refresh()
		item.Refresh()
	}
}

// setLabel changes a label only when its text or colour differ: the list
// refreshes every visible row on each selection, and measuring a
// truncated label again is the slow part of moving between items.
func setLabel(l *widget.Label, text string, imp widget.Importance) {
	if l.Text == text && l.Importance == imp {
		return
	}
	l.Text, l.Importance = text, imp
	l.Refresh()
}

// sectionName is a section's header; items without one are grouped under
// 区分なし.
func sectionName(section string) string {
	if s := oneLine(section); s != "" {
		return s
	}
	return lang.L("workspace.no_section")
}

// ratingImportance colours a rating badge: unrated and unchecked grey,
// nonconformity red, partial orange, the rest green.
func ratingImportance(sc audit.Scale, code string) widget.Importance {
	r, ok := sc.Lookup(code)
	switch {
	case !ok || !r.Rated:
		return widget.LowImportance
	case r.Code == "nonconform":
		return widget.DangerImportance
	case r.Code == "partial":
		return widget.WarningImportance
	}
	return widget.SuccessImportance
}

// buildDetailPane makes the right side: the selected item.
func (s *auditScreen) buildDetailPane() fyne.CanvasObject {
	s.heading = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.heading.Wrapping = fyne.TextWrapWord
	s.heading.SizeName = theme.SizeNameSubHeadingText
	s.section = caption()
	s.section.Wrapping = fyne.TextWrapWord
	s.status = caption()
	s.status.Hide()
	s.lockedNote = widget.NewLabel(lang.L("workspace.locked"))
	s.lockedNote.Importance = widget.WarningImportance
	s.lockedNote.Wrapping = fyne.TextWrapWord
	s.lockedNote.Hide()
	s.lintBox = container.NewVBox()
	s.conflicts = map[string]*fyne.Container{}
	for _, f := range resultFields {
		s.conflicts[f] = container.NewVBox()
		s.conflicts[f].Hide()
	}

	columns := container.NewVBox()
	s.rating = widget.NewRadioGroup(nil, s.onRatingChosen)
	s.rating.Horizontal = true
	s.finding = widget.NewRadioGroup(findingOptions(), s.onFindingChosen)
	s.finding.Horizontal = true
	s.finding.Required = true
	s.observation = s.newResultEntry(fieldObservation, 5)
	s.evidenceSeen = s.newResultEntry(fieldEvidenceSeen, 3)
	s.proposal = s.newResultEntry(fieldProposal, 8)

	s.evidenceHead = heading("")
	s.evidenceBox = container.NewVBox()
	s.attach = widget.NewButtonWithIcon(lang.L("workspace.attach"), theme.ContentAddIcon(), s.onAttach)
	s.attach.Disable() // enabled with an item of an editable audit
	s.linkBtn = widget.NewButtonWithIcon(lang.L("workspace.link_evidence"), theme.ContentCopyIcon(), s.onLinkEvidence)
	s.linkBtn.Disable()
	s.hearingHead = heading("")
	s.hearingBox = container.NewVBox()
	s.newHearing = widget.NewButtonWithIcon(lang.L("workspace.new_hearing"), theme.ContentAddIcon(), s.onNewHearing)
	s.newHearing.Disable() // enabled with an item of an editable audit

	body := container.NewVBox(
		s.heading, s.section, s.status, s.lockedNote, s.lintBox,
		columns,
		widget.NewSeparator(),
		fieldLabel(lang.L("workspace.rating")), s.conflicts[fieldRating], s.rating,
		fieldLabel(lang.L("workspace.observation")), s.conflicts[fieldObservation], s.observation,
		fieldLabel(lang.L("workspace.evidence_seen")), s.conflicts[fieldEvidenceSeen], s.evidenceSeen,
		fieldLabel(lang.L("workspace.finding")), s.conflicts[fieldFinding], s.finding,
		fieldLabel(lang.L("workspace.proposal")), s.conflicts[fieldProposal], s.proposal,
		widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, container.NewHBox(s.linkBtn, s.attach), s.evidenceHead), s.evidenceBox,
		widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, s.newHearing, s.hearingHead), s.hearingBox,
		s.buildReviewPanel(),
	)
	s.columnsBox(columns)
	s.detailScroll = container.NewVScroll(container.NewPadded(body))
	s.detail = container.NewStack(s.detailScroll)
	s.detail.Hide()
	s.noItem = widget.NewLabelWithStyle(lang.L("workspace.loading"), fyne.TextAlignCenter, fyne.TextStyle{})
	return container.NewStack(container.NewCenter(s.noItem), s.detail)
}

// columnsBox fills box with a row per checksheet column that the heading
// does not already show; which ones depends on the audit kind, so they are
// made for every column and hidden as needed.
func (s *auditScreen) columnsBox(box *fyne.Container) {
	for _, c := range []audit.Column{audit.ColCriteria, audit.ColPoints, audit.ColExamples,
		audit.ColHearingPurpose, audit.ColGuidelineRef, audit.ColNotes} {
		v := widget.NewLabel("")
		v.Wrapping = fyne.TextWrapWord
		row := container.NewVBox(fieldLabel(columnLabel(c)), v)
		row.Hide()
		s.columns = append(s.columns, columnRow{col: c, box: row, value: v})
		box.Add(row)
	}
}

// fieldLabel titles a field of the detail pane.
func fieldLabel(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Importance = widget.HighImportance
	return l
}

// newResultEntry makes the multi-line entry of a result text field. It
// wraps by word (fast enough: see BenchmarkTypeIntoLongProposal) and grows
// with its text inside the pane's scroll.
func (s *auditScreen) newResultEntry(field string, rows int) *autoEntry {
	e := newAutoEntry()
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.Scroll = fyne.ScrollNone
	e.SetMinRowsVisible(rows)
	e.OnChanged = func(text string) { s.onTextChanged(field, text) }
	e.onFocusLost = func() { s.onFieldLeft(field) }
	return e
}

// findingOptions are the finding classes as the radio group shows them,
// なし first.
func findingOptions() []string {
	out := []string{lang.L("workspace.finding_none")}
	for _, f := range audit.FindingClasses {
		out = append(out, findingLabel(f))
	}
	return out
}

func (s *auditScreen) onShown() {
	s.load()
	s.unsynced.refresh()
}

// onHidden sends what is still waiting; the writes finish even though
// the screen has gone. An evidence import stops after its current file.
func (s *auditScreen) onHidden() {
	s.saver.flush()
	if s.review != nil {
		s.review.texts.flush() // the next screen may read the draft
	}
	s.cancelAttach()
}

// flushSaves writes every change now and waits: the workspace is about to
// be closed (lock, quit).
func (s *auditScreen) flushSaves() {
	s.stopAttach()
	if s.hearing != nil {
		s.hearing.flushDraft() // hearing_draft.go
	}
	if s.review != nil {
		s.review.texts.flush() // review_draft.go
	}
	if err := s.saver.flushNow(); err != nil {
		logError("final autosave", err)
	}
}

// load reads the audit off the UI goroutine.
func (s *auditScreen) load() {
	s.busy.start()
	ws, id := s.ws, s.route.AuditID
	background(s.app.cfg.Run, func() (*workspace.AuditState, error) { return ws.AuditState(id) }, s.onLoaded)
}

func (s *auditScreen) onLoaded(st *workspace.AuditState, err error) {
	if !s.app.isCurrent(s) {
		return
	}
	s.busy.stop()
	if err != nil {
		s.noItem.SetText("")
		s.showError(lang.L("workspace.load_failed"), err)
		return
	}
	s.state = st
	s.back.EngagementID = st.Audit.EngagementID
	s.hay = make([]string, len(st.Items))
	s.statementText = nil
	s.title.SetText(lang.L("workspace.title", map[string]any{"Audit": st.Audit.Title, "Kind": kindLabel(st.Audit.Kind)}))
	s.groupItems()
	s.fillFilters()
	s.app.setRatingMenu(st.Audit.Scale)
	s.rating.Options = s.ratingOptions()
	s.rating.Refresh()
	s.lockedNote.Hidden = !st.Audit.Locked
	s.applyFilter()
	if len(st.Items) == 0 {
		s.noItem.SetText(lang.L("workspace.no_items"))
		return
	}
	s.noItem.SetText(lang.L("workspace.no_selection"))
	want := 0
	for i, it := range st.Items {
		if (s.route.ItemID != "" && it.ID == s.route.ItemID) ||
			(s.route.ItemNo != "" && audit.NormalizeNo(it.No) == audit.NormalizeNo(s.route.ItemNo)) {
			want = i
		}
	}
	s.selectItem(want)
	s.reopenHearingDraft() // a hearing form left unsaved: hearing_draft.go
	s.reopenReviewDraft()  // review notes and answers left unsent: review_draft.go
}

// groupItems groups the items by section, sections in the order they
// first appear in the checksheet.
func (s *auditScreen) groupItems() {
	s.groups = nil
	at := map[string]int{}
	for i, it := range s.state.Items {
		sec := strings.TrimSpace(it.Section)
		g, ok := at[sec]
		if !ok {
			g = len(s.groups)
			at[sec] = g
			s.groups = append(s.groups, sectionGroup{name: sec})
		}
		s.groups[g].items = append(s.groups[g].items, i)
	}
}

// fillFilters sets the options of the rating and section filters.
func (s *auditScreen) fillFilters() {
	s.filling = true
	defer func() { s.filling = false }()
	ratings := []string{lang.L("workspace.all_ratings"), lang.L("item.unrated")}
	for _, r := range s.state.Audit.Scale.Ratings {
		ratings = append(ratings, r.Label)
	}
	s.ratingFilter.Options = ratings
	s.ratingFilter.SetSelectedIndex(0)
	sections := []string{lang.L("workspace.all_sections")}
	for _, g := range s.groups {
		sections = append(sections, sectionName(g.name))
	}
	s.sectionFilter.Options = sections
	s.sectionFilter.SetSelectedIndex(0)
}

// ratingOptions are the rating radio's options: the scale's labels
// numbered as their shortcuts.
func (s *auditScreen) ratingOptions() []string {
	out := make([]string, len(s.state.Audit.Scale.Ratings))
	for i, r := range s.state.Audit.Scale.Ratings {
		out[i] = ratingOption(i, r)
	}
	return out
}

func ratingOption(i int, r audit.Rating) string {
	if i < 9 {
		return fmt.Sprintf("%d %s", i+1, r.Label)
	}
	return r.Label
}

// itemFilter is what the filters ask for.
type itemFilter struct {
	rating     string // "" any, unratedFilter, or a scale code
	section    int    // index into groups; -1 for any
	finding    bool
	noEvidence bool
	words      []string // lower-cased; every one must occur
}

const unratedFilter = "\x00unrated"

func (s *auditScreen) currentFilter() itemFilter {
	f := itemFilter{section: -1, finding: s.findingOnly.Checked, noEvidence: s.noEvidence.Checked,
		words: strings.Fields(strings.ToLower(s.search.Text))}
	switch i := s.ratingFilter.SelectedIndex(); {
	case i == 1:
		f.rating = unratedFilter
	case i >= 2 && s.state != nil && i-2 < len(s.state.Audit.Scale.Ratings):
		f.rating = s.state.Audit.Scale.Ratings[i-2].Code
	}
	if i := s.sectionFilter.SelectedIndex(); i >= 1 {
		f.section = i - 1
	}
	return f
}

// matches reports whether item i passes the filter.
func (s *auditScreen) matches(i int, f itemFilter) bool {
	it := &s.state.Items[i]
	switch f.rating {
	case "":
	case unratedFilter:
		if strings.TrimSpace(it.Result.Rating) != "" {
			return false
		}
	default:
		if it.Result.Rating != f.rating {
			return false
		}
	}
	if f.finding && it.Result.Finding == audit.FindingNone {
		return false
	}
	if f.noEvidence && len(it.Evidence) > 0 {
		return false
	}
	if len(f.words) > 0 {
		hay := s.haystack(i)
		for _, w := range f.words {
			if !strings.Contains(hay, w) {
				return false
			}
		}
	}
	return true
}

// haystack is the lower-cased text search looks in: the item's columns,
// its result and the hearing statements linked to it.
func (s *auditScreen) haystack(i int) string {
	if s.hay[i] == "" {
		it := s.state.Items[i]
		r := it.Result
		s.hay[i] = strings.ToLower(strings.Join([]string{"no." + it.No, it.Section, it.Title, it.Criteria, it.Points,
			it.Examples, it.HearingPurpose, it.GuidelineRef, it.Notes,
			r.Observation, r.EvidenceSeen, r.Proposal, findingLabel(r.Finding), s.hearingText(it.ID)}, "\n"))
	}
	return s.hay[i]
}

// applyFilter rebuilds the list rows from the filters and keeps the
// selected item selected when it is still listed.
func (s *auditScreen) applyFilter() {
	if s.filling || s.state == nil {
		return
	}
	f := s.currentFilter()
	s.rows = s.rows[:0]
	shown := 0
	for gi, g := range s.groups {
		if f.section >= 0 && f.section != gi {
			continue
		}
		headerAt := -1
		for _, i := range g.items {
			if !s.matches(i, f) {
				continue
			}
			if headerAt < 0 {
				headerAt = len(s.rows)
				s.rows = append(s.rows, listRow{header: true, section: g.name})
			}
			s.rows = append(s.rows, listRow{section: g.name, item: i})
			shown++
		}
	}
	s.count.SetText(lang.L("workspace.count", map[string]any{"Shown": shown, "Items": len(s.state.Items)}))
	s.list.Refresh()
	s.syncListSelection()
}

// rowOf is the list row of item i, or -1 when the filters hide it.
func (s *auditScreen) rowOf(i int) int {
	for r, row := range s.rows {
		if !row.header && row.item == i {
			return r
		}
	}
	return -1
}

// syncListSelection selects the current item's row, if listed.
func (s *auditScreen) syncListSelection() {
	s.filling = true
	defer func() { s.filling = false }()
	if r := s.rowOf(s.current); r >= 0 {
		s.list.Select(r) // scrolls to it too
	} else {
		s.list.UnselectAll()
	}
}

func (s *auditScreen) onRowSelected(r widget.ListItemID) {
	if s.filling || r < 0 || r >= len(s.rows) {
		return
	}
	row := s.rows[r]
	if row.header {
		// A header is not an item: keep the selection where it was.
		s.syncListSelection()
		return
	}
	s.selectItem(row.item)
}

// selectItem shows item i in the detail pane. Edits of the item being
// left are sent first.
func (s *auditScreen) selectItem(i int) {
	if s.state == nil || i < 0 || i >= len(s.state.Items) {
		return
	}
	s.app.touch()
	s.saver.flush()
	s.current = i
	s.app.route.ItemID = s.state.Items[i].ID
	s.route.ItemID = s.state.Items[i].ID
	s.fillDetail()
	s.syncListSelection()
}

// fillDetail shows the current item.
func (s *auditScreen) fillDetail() {
	it := &s.state.Items[s.current]
	s.filling = true
	defer func() { s.filling = false }()
	s.heading.SetText(lang.L("item.heading", map[string]any{"No": it.No, "Title": oneLine(it.Title)}))
	s.section.SetText(sectionName(it.Section))
	s.fillLints(it.No)
	if s.state.Audit.Kind == audit.KindFollowup {
		s.status.SetText(lang.L("workspace.status", map[string]any{"Status": statusLabel(it.Result.Status)}))
		s.status.Show()
	}
	for _, c := range s.columns {
		v := strings.TrimSpace(it.Item.Text(c.col))
		if v == "" || !s.kindShows(c.col) {
			c.box.Hide()
			continue
		}
		c.value.SetText(v)
		c.box.Show()
	}
	r := it.Result
	s.rating.SetSelected(s.ratingOptionOf(r.Rating))
	s.finding.SetSelected(findingOptions()[findingIndex(r.Finding)])
	s.observation.SetText(r.Observation)
	s.evidenceSeen.SetText(r.EvidenceSeen)
	s.proposal.SetText(r.Proposal)
	s.setEditable(!s.state.Audit.Locked)
	s.fillConflicts()
	s.fillEvidence()
	s.fillHearings()
	s.fillReview()
	s.noItem.Hide()
	s.detail.Show()
	s.detailScroll.ScrollToTop()
}

// kindShows reports whether the audit's kind has column c.
func (s *auditScreen) kindShows(c audit.Column) bool {
	for _, k := range s.state.Audit.Kind.Columns() {
		if k == c {
			return true
		}
	}
	return false
}

// fillLints shows the pre-export checks that sent the user here about
// item no, and those about the audit as a whole.
func (s *auditScreen) fillLints(no string) {
	s.lintBox.RemoveAll()
	for _, f := range s.lints {
		if f.Item != "" && audit.NormalizeNo(f.Item) != audit.NormalizeNo(no) {
			continue // audit-level lints show on every item
		}
		l := widget.NewLabel(lang.L("item.lint_line", map[string]any{"Rule": ruleLabel(f.Rule), "Message": f.Message}))
		l.Wrapping = fyne.TextWrapWord
		l.Importance = widget.WarningImportance
		s.lintBox.Add(l)
	}
}

func (s *auditScreen) setEditable(on bool) {
	for _, w := range []fyne.Disableable{s.rating, s.finding, s.observation, s.evidenceSeen, s.proposal, s.attach, s.linkBtn, s.newHearing} {
		setEnabled(w, on)
	}
}

// ratingOptionOf is the radio option of a rating code; "" when unrated.
func (s *auditScreen) ratingOptionOf(code string) string {
	for i, r := range s.state.Audit.Scale.Ratings {
		if r.Code == code {
			return ratingOption(i, r)
		}
	}
	return ""
}

func findingIndex(f audit.FindingClass) int {
	for i, c := range audit.FindingClasses {
		if c == f {
			return i + 1
		}
	}
	return 0
}

// editable reports whether the current item can be changed now.
func (s *auditScreen) editable() bool {
	return s.state != nil && s.current >= 0 && !s.state.Audit.Locked
}

// onTextChanged is a keystroke in one of the result's text fields.
func (s *auditScreen) onTextChanged(field, text string) {
	s.app.touch()
	if s.filling || !s.editable() {
		return
	}
	it := &s.state.Items[s.current]
	switch field {
	case fieldObservation:
		it.Result.Observation = text
	case fieldEvidenceSeen:
		it.Result.EvidenceSeen = text
	case fieldProposal:
		it.Result.Proposal = text
	}
	s.hay[s.current] = ""
	s.saver.edit(fieldKey{it.ID, field}, text)
}

// onFieldLeft is a text field losing the focus: its edit is sent now.
func (s *auditScreen) onFieldLeft(field string) {
	if s.state != nil && s.current >= 0 {
		s.saver.flushField(fieldKey{s.state.Items[s.current].ID, field})
	}
}

func (s *auditScreen) onRatingChosen(option string) {
	if s.filling || !s.editable() {
		return
	}
	code := ""
	for i, r := range s.state.Audit.Scale.Ratings {
		if ratingOption(i, r) == option {
			code = r.Code
		}
	}
	s.setRating(code)
}

// setRating rates the current item: a scale code, or "" for unrated.
func (s *auditScreen) setRating(code string) {
	if !s.editable() {
		return
	}
	it := &s.state.Items[s.current]
	it.Result.Rating = code
	s.saver.set(fieldKey{it.ID, fieldRating}, code)
	s.filling = true
	s.rating.SetSelected(s.ratingOptionOf(code))
	s.filling = false
	s.refreshRow(s.current)
}

func (s *auditScreen) onFindingChosen(option string) {
	if s.filling || !s.editable() {
		return
	}
	f := audit.FindingNone
	for i, o := range findingOptions() {
		if o == option && i > 0 {
			f = audit.FindingClasses[i-1]
		}
	}
	it := &s.state.Items[s.current]
	it.Result.Finding = f
	s.hay[s.current] = ""
	s.saver.set(fieldKey{it.ID, fieldFinding}, f)
}

// refreshRow redraws the list row of item i (its badge).
func (s *auditScreen) refreshRow(i int) {
	if r := s.rowOf(i); r >= 0 {
		s.list.RefreshItem(r)
	}
}

// onSaved is a write that reached the store: a conflict on that field is
// resolved by it.
func (s *auditScreen) onSaved(k fieldKey, _ any) {
	if s.state == nil {
		return
	}
	if s.app.isCurrent(s) {
		s.afterSave(k) // unsynced_badge.go, review.go
	}
	for i := range s.state.Items {
		it := &s.state.Items[i]
		if it.ID != k.entityID {
			continue
		}
		if _, ok := it.Conflicts[k.field]; ok {
			delete(it.Conflicts, k.field)
			if s.app.isCurrent(s) {
				s.refreshRow(i)
				if i == s.current {
					s.fillConflicts()
				}
			}
		}
	}
}

// showSaveState updates the indicator: 保存済み, 保存中…, or the error.
func (s *auditScreen) showSaveState(st saveState, err error) {
	if s.saveLabel == nil {
		return
	}
	switch st {
	case saveSaving:
		s.saveLabel.Importance = widget.MediumImportance
		s.saveLabel.SetText(lang.L("workspace.saving"))
	case saveFailed:
		s.saveLabel.Importance = widget.DangerImportance
		s.saveLabel.SetText(lang.L("workspace.save_failed"))
		text := lang.L("workspace.save_failed_detail")
		if errors.Is(err, workspace.ErrLocked) {
			text = lang.L("workspace.save_failed_locked")
		}
		s.message.show(withDetails(text, err), widget.DangerImportance)
		return
	default:
		s.saveLabel.Importance = widget.SuccessImportance
		s.saveLabel.SetText(lang.L("workspace.saved"))
	}
	if s.message.visible() && s.message.widget.Importance == widget.DangerImportance && s.state != nil {
		s.message.clear() // the failure has been made good
	}
}

// fillConflicts shows, for each field of the current item in conflict,
// the competing values with a button to keep one.
func (s *auditScreen) fillConflicts() {
	it := &s.state.Items[s.current]
	for _, f := range resultFields {
		box := s.conflicts[f]
		box.RemoveAll()
		values := it.Conflicts[f]
		if len(values) == 0 {
			s.fillMerged(box, f) // conflict_view.go: text merged line by line, or hidden
			continue
		}
		note := widget.NewLabel(lang.L("workspace.conflict", map[string]any{"Count": len(values)}))
		note.Importance = widget.WarningImportance
		note.Wrapping = fyne.TextWrapWord
		box.Add(container.NewBorder(nil, nil, nil, s.conflictViewButton(f), note)) // conflict_view.go
		for _, v := range values {
			v := v
			field := f
			text := widget.NewLabel(s.conflictValueText(f, v))
			text.Wrapping = fyne.TextWrapWord
			keep := widget.NewButton(lang.L("workspace.conflict_keep"), func() { s.onConflictChosen(field, v) })
			keep.Importance = widget.WarningImportance
			setEnabled(keep, s.editable())
			box.Add(container.NewBorder(nil, nil, nil, container.NewVBox(keep), text))
		}
		box.Show()
	}
}

// conflictValueText is how a competing value reads: a rating or class by
// its label, text as an excerpt.
func (s *auditScreen) conflictValueText(field, v string) string {
	switch field {
	case fieldRating:
		return ratingName(s.state.Audit.Scale, v)
	case fieldFinding:
		if f, err := audit.ParseFindingClass(v); err == nil {
			if f == audit.FindingNone {
				return lang.L("workspace.finding_none")
			}
			return findingLabel(f)
		}
	}
	return excerpt(v)
}

// onConflictChosen keeps value v of a field in conflict: it is written at
// once, which resolves the conflict.
func (s *auditScreen) onConflictChosen(field, v string) {
	if !s.editable() {
		return
	}
	it := &s.state.Items[s.current]
	s.filling = true
	switch field {
	case fieldRating:
		it.Result.Rating = v
		s.rating.SetSelected(s.ratingOptionOf(v))
	case fieldFinding:
		f, _ := audit.ParseFindingClass(v)
		it.Result.Finding = f
		s.finding.SetSelected(findingOptions()[findingIndex(f)])
		s.saver.set(fieldKey{it.ID, field}, f)
		s.filling = false
		return
	case fieldObservation:
		it.Result.Observation = v
		s.observation.SetText(v)
	case fieldEvidenceSeen:
		it.Result.EvidenceSeen = v
		s.evidenceSeen.SetText(v)
	case fieldProposal:
		it.Result.Proposal = v
		s.proposal.SetText(v)
	}
	s.filling = false
	s.hay[s.current] = ""
	s.saver.set(fieldKey{it.ID, field}, v)
	s.refreshRow(s.current)
}

// thumbSize is the edge of the square a thumbnail is fitted into.
const thumbSize = 72

// evidenceRow is one evidence row, and the holder of its thumbnail.
func (s *auditScreen) evidenceRow(ev audit.Evidence) (fyne.CanvasObject, *fyne.Container) {
	var icon fyne.CanvasObject
	if img := s.thumbs[ev.ID]; img != nil {
		icon = thumbImage(img)
	} else if ev.Kind == audit.EvidencePhoto {
		icon = widget.NewIcon(theme.FileImageIcon())
	} else {
		icon = widget.NewIcon(theme.FileIcon())
	}
	name := widget.NewLabelWithStyle(ev.FileName, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	name.Truncation = fyne.TextTruncateEllipsis
	lines := container.NewVBox(name)
	if c := strings.TrimSpace(ev.Caption); c != "" {
		l := widget.NewLabel(c)
		l.Wrapping = fyne.TextWrapWord
		lines.Add(l)
	}
	meta := caption()
	meta.SetText(lang.L("workspace.evidence_meta", map[string]any{
		"Hash": ev.ShortHash(), "At": ev.CapturedAt.In(jpcal.JST).Format("2006/01/02 15:04"), "By": ev.CapturedBy}))
	lines.Add(meta)
	holder := container.New(layout.NewGridWrapLayout(fyne.NewSquareSize(thumbSize)), icon)
	return container.NewBorder(nil, nil, holder, nil, lines), holder
}

// loadThumbs reads the thumbnails of evidence ids, then redraws the
// evidence of item itemID if it is still shown.
func (s *auditScreen) loadThumbs(ids []string, itemID string) {
	ws := s.ws
	type thumb struct {
		id  string
		img image.Image
	}
	// Decoding happens here, off the UI goroutine: a JPEG resource would
	// be decoded by the painter on the UI goroutine, 1–3 ms a thumbnail.
	background(s.app.cfg.Run, func() ([]thumb, error) {
		var out []thumb
		for _, id := range ids {
			var img image.Image
			jpg, _, _, ok, err := ws.EvidenceImage(id, true)
			if err == nil && ok {
				img, err = jpeg.Decode(bytes.NewReader(jpg))
			}
			if err != nil {
				logError("thumbnail "+id, err)
				img = nil
			}
			out = append(out, thumb{id, img})
		}
		return out, nil
	}, func(list []thumb, _ error) {
		for _, t := range list {
			delete(s.loading, t.id)
			s.thumbs[t.id] = t.img // nil: shown as an icon
		}
		s.thumbsArrived(ids, itemID) // evidence_strip.go
	})
}

// fillHearings lists the hearings linked to the current item, with the
// statements that link it.
func (s *auditScreen) fillHearings() {
	it := &s.state.Items[s.current]
	s.hearingHead.SetText(lang.L("workspace.hearings", map[string]any{"Count": len(it.Hearings)}))
	s.hearingBox.RemoveAll()
	if len(it.Hearings) == 0 {
		l := caption()
		l.SetText(lang.L("workspace.no_hearings"))
		s.hearingBox.Add(l)
	}
	for _, id := range it.Hearings {
		for _, h := range s.state.Hearings {
			if h.ID == id {
				hid := h.ID
				// A tap opens the whole record (hearing_view.go).
				tap := newTapRow(canvas.NewRectangle(color.Transparent), func(int) { s.openHearing(hid) }, func(int) { s.openHearing(hid) })
				s.hearingBox.Add(container.NewStack(hearingRow(h, it.ID), tap))
				if c := recordConflictLines(s.state, hid, func(f string) { s.openRecordConflictView(hid, f) }); c != nil {
					s.hearingBox.Add(c) // record_conflict.go
				}
			}
		}
	}
	s.hearingBox.Refresh()
}

func hearingRow(h audit.Hearing, itemID string) fyne.CanvasObject {
	var people []string
	for _, p := range h.Interviewees {
		who := strings.TrimSpace(strings.Join([]string{p.Division, p.Role}, " "))
		if p.Name != "" {
			who = strings.TrimSpace(who + " " + p.Name)
		}
		people = append(people, who)
	}
	head := widget.NewLabelWithStyle(lang.L("workspace.hearing_line", map[string]any{
		"At": h.At.In(jpcal.JST).Format("2006/01/02 15:04"), "Place": h.Place,
		"People": strings.Join(people, lang.L("list.separator"))}), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(head)
	for _, st := range h.Statements {
		for _, id := range st.Items {
			if id == itemID {
				l := widget.NewLabel(lang.L("workspace.statement", map[string]any{"Text": st.Text}))
				l.Wrapping = fyne.TextWrapWord
				box.Add(l)
				break
			}
		}
	}
	return box
}

// move selects the next (+1) or previous (-1) listed item.
func (s *auditScreen) move(step int) {
	if s.state == nil {
		return
	}
	var listed []int
	for _, r := range s.rows {
		if !r.header {
			listed = append(listed, r.item)
		}
	}
	if len(listed) == 0 {
		return
	}
	pos := -1
	for p, i := range listed {
		if i == s.current {
			pos = p
		}
	}
	switch {
	case pos < 0 && step > 0:
		pos = 0
		for p, i := range listed {
			if i > s.current {
				pos = p
				break
			}
		}
	case pos < 0:
		pos = len(listed) - 1
	default:
		pos = min(max(pos+step, 0), len(listed)-1)
	}
	if listed[pos] != s.current {
		s.selectItem(listed[pos])
	}
}

// rateByShortcut gives the current item the n-th rating of the scale
// (1-based); 0 clears it.
func (s *auditScreen) rateByShortcut(n int) {
	if !s.editable() {
		return
	}
	if n == 0 {
		s.setRating("")
		return
	}
	if n <= len(s.state.Audit.Scale.Ratings) {
		s.setRating(s.state.Audit.Scale.Ratings[n-1].Code)
	}
}

// focusSearch puts the cursor in the search field.
func (s *auditScreen) focusSearch() { s.app.win.Canvas().Focus(s.search) }

func (s *auditScreen) onHelp() {
	scale := audit.DefaultScale()
	if s.state != nil {
		scale = s.state.Audit.Scale
	}
	s.help = newHelpOverlay(scale, s.app.win)
	s.help.show()
}

func (s *auditScreen) onBack() {
	s.saver.flush()
	s.app.navigate(s.back)
}

func (s *auditScreen) showError(text string, err error) {
	logError(text, err)
	s.message.show(withDetails(text, err), widget.DangerImportance)
}

// autoEntry is an Entry that reports losing the focus, so that its edit
// can be saved at once.
type autoEntry struct {
	widget.Entry
	onFocusLost func()
}

func newAutoEntry() *autoEntry {
	e := &autoEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// FocusLost saves the field's edit.
func (e *autoEntry) FocusLost() {
	e.Entry.FocusLost()
	if e.onFocusLost != nil {
		e.onFocusLost()
	}
}
