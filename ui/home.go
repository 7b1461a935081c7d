package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// homeScreen lists the engagements and, for the selected one, its audits
// with their progress and its team.
type homeScreen struct {
	app *App
	ws  Workspace
	// want names the engagement and audit to select once loaded.
	want Route

	engagements   []audit.Engagement
	audits        []workspace.AuditSummary
	selected      int // index into engagements, -1 for none
	selectedAudit int // index into audits, -1 for none

	engList   *widget.List
	auditList *widget.List
	teamList  *widget.List
	title     *widget.Label
	subtitle  *widget.Label
	noAudits  *widget.Label
	detail    *fyne.Container // the selected engagement
	empty     *fyne.Container // shown while there is no engagement
	newAudit  toolbarButton
	message   *messageLabel
	busy      *busyIndicator

	// Excel actions on the selected audit (excel.go).
	importChecksheet, exportChecksheet, exportResults toolbarButton
	// exportDocuments opens the plan and report export of the selected audit.
	exportDocuments toolbarButton
	// openAudit opens the workspace screen of the selected audit; so does
	// a double click on it.
	openAudit toolbarButton
	// review opens the selected audit's review queue; it sits in the
	// audits' heading, not the toolbar.
	review toolbarButton
	// sync opens the sync screen; unsynced counts what it has to send
	// (sync_screen.go, unsynced_badge.go).
	sync     toolbarButton
	unsynced *unsyncedBadge

	// Open dialogs, kept so that tests can drive them.
	demoOffer      *confirmDialog
	engagementForm *engagementForm
	auditForm      *auditForm
	progress       *progressDialog
}

func (s *homeScreen) buildUI() fyne.CanvasObject {
	s.selected, s.selectedAudit = -1, -1
	s.busy = newBusyIndicator()
	s.message = newMessageLabel()
	left := container.NewBorder(heading(lang.L("home.engagements")), nil, nil, nil, s.buildEngagementList())
	main := container.NewHSplit(left, container.NewStack(s.buildDetail(), s.buildEmptyState()))
	main.Offset = 0.32
	return container.NewBorder(container.NewVBox(s.buildToolbar(), s.message.widget), nil, nil, nil, main)
}

func (s *homeScreen) buildToolbar() *widget.Toolbar {
	me := s.ws.Me()
	s.newAudit = newToolbarButton(lang.L("home.new_audit"), theme.ContentAddIcon(), s.onNewAudit)
	s.newAudit.Disable()
	s.importChecksheet = newToolbarButton(lang.L("home.import_checksheet"), theme.FolderOpenIcon(), s.onImportChecksheet)
	s.exportChecksheet = newToolbarButton(lang.L("home.export_checksheet"), theme.DocumentSaveIcon(),
		func() { s.onExport(workspace.ExportChecksheet) })
	s.exportResults = newToolbarButton(lang.L("home.export_results"), theme.DocumentSaveIcon(),
		func() { s.onExport(workspace.ExportResults) })
	s.exportDocuments = newToolbarButton(lang.L("home.export_documents"), theme.DocumentIcon(), s.onExportDocuments)
	s.openAudit = newToolbarButton(lang.L("home.open_audit"), theme.FolderOpenIcon(), s.onOpenAudit)
	s.updateAuditActions()
	s.unsynced = newUnsyncedBadge(s.app)
	return widget.NewToolbar(
		newToolbarButton(lang.L("home.new_engagement"), theme.FolderNewIcon(), s.onNewEngagement),
		s.newAudit,
		widget.NewToolbarSeparator(),
		s.openAudit,
		s.importChecksheet,
		s.exportChecksheet,
		s.exportResults,
		s.exportDocuments,
		widget.NewToolbarSpacer(),
		toolbarObject{s.unsynced.widget},
		toolbarObject{s.busy.widget},
		toolbarObject{widget.NewLabel(lang.L("home.me", map[string]any{"Name": me.Name, "Role": roleLabel(audit.Role(me.Role))}))},
		newToolbarButton(lang.L("home.lock"), theme.LogoutIcon(), s.onLock),
	)
}

func (s *homeScreen) buildEngagementList() *widget.List {
	s.engList = widget.NewList(
		func() int { return len(s.engagements) },
		func() fyne.CanvasObject {
			return container.NewVBox(widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), caption())
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			e := s.engagements[i]
			rows := o.(*fyne.Container).Objects
			rows[0].(*widget.Label).SetText(e.Title)
			rows[1].(*widget.Label).SetText(engagementSubtitle(e))
		},
	)
	s.engList.OnSelected = s.onEngagementSelected
	return s.engList
}

// buildDetail makes the panel of the selected engagement: its audits with
// their progress above, its team below.
func (s *homeScreen) buildDetail() fyne.CanvasObject {
	s.auditList = widget.NewList(
		func() int { return len(s.audits) },
		func() fyne.CanvasObject {
			return newTapRow(container.NewVBox(
				widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
				caption(), caption()),
				func(i int) { s.auditList.Select(i) },
				func(i int) { s.auditList.Select(i); s.onOpenAudit() })
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			a := s.audits[i]
			row := o.(*tapRow)
			row.index = i
			rows := row.content.(*fyne.Container).Objects
			rows[0].(*widget.Label).SetText(a.Title)
			rows[1].(*widget.Label).SetText(kindLabel(a.Kind))
			rows[2].(*widget.Label).SetText(progressLabel(a))
		},
	)
	s.auditList.OnSelected = s.onAuditSelected
	s.auditList.OnUnselected = func(widget.ListItemID) { s.onAuditSelected(-1) }
	s.teamList = widget.NewList(
		func() int { return s.teamLen() },
		func() fyne.CanvasObject {
			return container.NewHBox(widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), widget.NewLabel(""))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			m := s.engagements[s.selected].Members[i]
			cols := o.(*fyne.Container).Objects
			cols[0].(*widget.Label).SetText(m.Name)
			cols[1].(*widget.Label).SetText(memberDetail(m))
			o.(*fyne.Container).Refresh() // lay the row out again for the name's width
		},
	)
	s.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.title.SizeName = theme.SizeNameSubHeadingText
	s.subtitle = widget.NewLabel("")
	s.noAudits = widget.NewLabel(lang.L("home.no_audits"))
	s.noAudits.Hide()
	// Outside a toolbar the button itself goes in the container (the
	// toolbarButton wrapper would get a renderer its refreshes never reach).
	s.review = newToolbarButton(lang.L("home.review"), theme.ListIcon(), s.onOpenReview)
	s.review.Disable()
	audits := container.NewBorder(
		container.NewVBox(container.NewBorder(nil, nil, nil, s.review.Button, heading(lang.L("home.audits"))), s.noAudits), nil, nil, nil, s.auditList)
	s.sync = newToolbarButton(lang.L("home.sync"), theme.ViewRefreshIcon(), s.onSync)
	team := container.NewBorder(container.NewBorder(nil, nil, nil, s.sync.Button, heading(lang.L("home.team"))), nil, nil, nil, s.teamList)
	split := container.NewVSplit(audits, team)
	split.Offset = 0.62
	s.detail = container.NewBorder(container.NewVBox(s.title, s.subtitle, widget.NewSeparator()), nil, nil, nil, split)
	s.detail.Hide()
	return s.detail
}

// buildEmptyState makes what a store without engagements shows: the ways
// to make the first one.
func (s *homeScreen) buildEmptyState() fyne.CanvasObject {
	buttons := container.NewHBox()
	if s.app.cfg.Demo != nil {
		demo := widget.NewButton(lang.L("home.create_demo"), s.onCreateDemo)
		demo.Importance = widget.HighImportance
		buttons.Add(demo)
	}
	buttons.Add(widget.NewButton(lang.L("home.create_empty"), s.onNewEngagement))
	buttons.Add(widget.NewButtonWithIcon(lang.L("home.join"), theme.ViewRefreshIcon(), s.onSync))
	s.empty = container.NewCenter(container.NewVBox(
		widget.NewLabelWithStyle(lang.L("home.no_engagements"), fyne.TextAlignCenter, fyne.TextStyle{}),
		container.NewCenter(buttons)))
	s.empty.Hide()
	return s.empty
}

func (s *homeScreen) onShown() {
	s.loadEngagements(s.want.EngagementID)
	s.unsynced.refresh()
}

// heading is a section title. It is coloured as well as bold because the
// Japanese system fonts usually have no bold face.
func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.Importance = widget.HighImportance
	return l
}

// caption is a label for secondary lines in list rows.
func caption() *widget.Label {
	l := widget.NewLabel("")
	l.SizeName = theme.SizeNameCaptionText
	return l
}

func engagementSubtitle(e audit.Engagement) string {
	return lang.L("home.engagement_subtitle", map[string]any{"Client": e.Client, "FiscalYear": fiscalYearLabel(e.FiscalYear)})
}

func memberDetail(m audit.Member) string {
	parts := []string{roleLabel(m.Role)}
	for _, q := range m.Qualifications {
		parts = append(parts, q.Name)
	}
	return strings.Join(parts, lang.L("list.separator"))
}

func (s *homeScreen) teamLen() int {
	if s.selected < 0 || s.selected >= len(s.engagements) {
		return 0
	}
	return len(s.engagements[s.selected].Members)
}

// loadEngagements reads the engagements and then selects selectID, or the
// first one.
func (s *homeScreen) loadEngagements(selectID string) {
	s.busy.start()
	background(s.app.cfg.Run, s.ws.Engagements, func(list []audit.Engagement, err error) {
		s.onEngagementsLoaded(list, err, selectID)
	})
}

func (s *homeScreen) onEngagementsLoaded(list []audit.Engagement, err error, selectID string) {
	if !s.app.isCurrent(s) {
		return
	}
	s.busy.stop()
	if err != nil {
		s.showError(lang.L("home.load_failed"), err)
		return
	}
	s.engagements = list
	s.selected = -1
	s.engList.UnselectAll()
	s.engList.Refresh()
	if len(list) == 0 {
		s.detail.Hide()
		s.empty.Show()
		s.newAudit.Disable()
		s.offerDemo()
		return
	}
	s.empty.Hide()
	index := 0
	for i, e := range list {
		if e.ID == selectID {
			index = i
		}
	}
	s.engList.Select(index) // calls onEngagementSelected
}

// offerDemo asks once per run, on an empty store, whether to make the demo.
func (s *homeScreen) offerDemo() {
	if s.app.cfg.Demo == nil || s.app.demoOffered {
		return
	}
	s.app.demoOffered = true
	s.demoOffer = newConfirmDialog(lang.L("demo.question"), lang.L("demo.detail"),
		lang.L("demo.create"), lang.L("demo.skip"), s.onCreateDemo, s.app.win)
	s.demoOffer.dialog.Show()
}

func (s *homeScreen) onCreateDemo() {
	if s.busy.busy() {
		return
	}
	s.message.clear()
	s.busy.start()
	ws, demo := s.ws, s.app.cfg.Demo
	background(s.app.cfg.Run, func() (string, error) { return demo(ws) }, s.onDemoCreated)
}

func (s *homeScreen) onDemoCreated(id string, err error) {
	if !s.app.isCurrent(s) {
		return
	}
	s.busy.stop()
	if err != nil {
		s.showError(lang.L("demo.failed"), err)
	}
	s.loadEngagements(id) // even after a failure part of it may be there
}

func (s *homeScreen) onEngagementSelected(i widget.ListItemID) {
	if i < 0 || i >= len(s.engagements) {
		return
	}
	s.selected = i
	e := s.engagements[i]
	s.title.SetText(e.Title)
	s.subtitle.SetText(engagementSubtitle(e))
	s.audits = nil
	s.auditList.UnselectAll()
	s.onAuditSelected(-1)
	s.auditList.Refresh()
	s.teamList.Refresh()
	s.noAudits.Hide()
	s.detail.Show()
	s.newAudit.Enable()
	s.loadAudits(e.ID)
}

func (s *homeScreen) selectedID() string {
	if s.selected < 0 || s.selected >= len(s.engagements) {
		return ""
	}
	return s.engagements[s.selected].ID
}

func (s *homeScreen) loadAudits(engagementID string) {
	s.busy.start()
	ws := s.ws
	background(s.app.cfg.Run, func() ([]workspace.AuditSummary, error) { return ws.Audits(engagementID) },
		func(list []workspace.AuditSummary, err error) { s.onAuditsLoaded(engagementID, list, err) })
}

func (s *homeScreen) onAuditsLoaded(engagementID string, list []workspace.AuditSummary, err error) {
	if !s.app.isCurrent(s) {
		return
	}
	s.busy.stop()
	if engagementID != s.selectedID() {
		return // the user has moved on to another engagement
	}
	if err != nil {
		s.showError(lang.L("home.load_failed"), err)
		return
	}
	s.audits = list
	s.auditList.UnselectAll()
	s.onAuditSelected(-1)
	s.noAudits.Hidden = len(list) > 0
	s.noAudits.Refresh()
	s.auditList.Refresh()
	if id := s.want.AuditID; id != "" {
		s.want.AuditID = "" // once: later reloads start unselected
		for i, a := range list {
			if a.ID == id {
				s.auditList.Select(i) // calls onAuditSelected
			}
		}
	}
}

// onAuditSelected makes audit i, or none for -1, the one the Excel and
// document actions work on.
func (s *homeScreen) onAuditSelected(i widget.ListItemID) {
	s.selectedAudit = -1
	if i >= 0 && i < len(s.audits) {
		s.selectedAudit = i
	}
	s.updateAuditActions()
}

// currentAudit is the selected audit.
func (s *homeScreen) currentAudit() (workspace.AuditSummary, bool) {
	if s.selectedAudit < 0 || s.selectedAudit >= len(s.audits) {
		return workspace.AuditSummary{}, false
	}
	return s.audits[s.selectedAudit], true
}

// updateAuditActions enables the Excel and document actions for the
// selected audit; an approved (locked) audit can be exported but not
// imported into.
func (s *homeScreen) updateAuditActions() {
	a, ok := s.currentAudit()
	enable := func(b toolbarButton, on bool) {
		if on {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	enable(s.importChecksheet, ok && !a.Locked)
	enable(s.exportChecksheet, ok)
	enable(s.exportResults, ok)
	enable(s.exportDocuments, ok)
	enable(s.openAudit, ok)
	enable(s.review, ok)
}

// onOpenReview opens the review queue of the selected audit.
func (s *homeScreen) onOpenReview() {
	a, ok := s.currentAudit()
	if !ok || s.busy.busy() {
		return
	}
	s.app.navigate(Route{Page: PageReview, EngagementID: a.EngagementID, AuditID: a.ID})
}

// onOpenAudit opens the workspace screen of the selected audit.
func (s *homeScreen) onOpenAudit() {
	a, ok := s.currentAudit()
	if !ok || s.busy.busy() {
		return
	}
	s.app.navigate(Route{Page: PageAudit, EngagementID: a.EngagementID, AuditID: a.ID})
}

// onExportDocuments opens the plan and report export of the selected audit.
func (s *homeScreen) onExportDocuments() {
	a, ok := s.currentAudit()
	if !ok || s.busy.busy() {
		return
	}
	s.app.navigate(Route{Page: PageExport, EngagementID: a.EngagementID, AuditID: a.ID})
}

func (s *homeScreen) onNewEngagement() {
	s.engagementForm = newEngagementForm(fiscalYearOf(s.app.cfg.Now()), s.onSubmitEngagement, s.app.win)
	s.engagementForm.dialog.Show()
	s.app.win.Canvas().Focus(s.engagementForm.title)
}

func (s *homeScreen) onSubmitEngagement(f *engagementForm, e audit.Engagement) {
	f.setBusy(true)
	ws := s.ws
	background(s.app.cfg.Run, func() (string, error) { return ws.CreateEngagement(e) }, func(id string, err error) {
		if !s.app.isCurrent(s) {
			return
		}
		if err != nil {
			f.failed(lang.L("engagement.create_failed"), err)
			return
		}
		f.setBusy(false)
		f.dialog.Hide()
		s.loadEngagements(id)
	})
}

func (s *homeScreen) onNewAudit() {
	id := s.selectedID()
	if id == "" {
		return
	}
	s.auditForm = newAuditForm(id, s.onSubmitAudit, s.app.win)
	s.auditForm.dialog.Show()
}

func (s *homeScreen) onSubmitAudit(f *auditForm, n workspace.NewAudit) {
	f.setBusy(true)
	ws := s.ws
	background(s.app.cfg.Run, func() (string, error) { return ws.CreateAudit(n) }, func(_ string, err error) {
		if !s.app.isCurrent(s) {
			return
		}
		if err != nil {
			f.failed(lang.L("audit.create_failed"), err)
			return
		}
		f.setBusy(false)
		f.dialog.Hide()
		if n.EngagementID == s.selectedID() {
			s.loadAudits(n.EngagementID)
		}
	})
}

func (s *homeScreen) onLock() { s.app.lock() }

func (s *homeScreen) showError(text string, err error) {
	logError(text, err)
	s.message.show(text, widget.DangerImportance)
}

// showErrorDetail is showError with the cause on a details line, for
// failures whose cause the user can act on (a damaged workbook, a full
// disk).
func (s *homeScreen) showErrorDetail(text string, err error) {
	logError(text, err)
	s.message.show(withDetails(text, err), widget.DangerImportance)
}
