package ui

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/report"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// exportScreen exports one audit's plan or report as PDF or Word. It shows
// the pre-export lints, read when the screen opens; a click on one opens
// the item it names. 出力 asks where to save, then writes the document off
// the UI goroutine with a progress bar and Cancel; afterwards the folder
// can be opened.
type exportScreen struct {
	app   *App
	ws    Workspace
	route Route

	ctx    context.Context // cancelled when the screen leaves the window
	cancel context.CancelFunc

	state *workspace.AuditState // nil until loaded
	lints []report.Finding
	// defaultIssuer is what the documents print as issuer when the form
	// leaves it blank: the chief auditor's organisation. Without one the
	// issuer must be given.
	defaultIssuer string
	loadSeq       int    // drops loads overtaken by a newer one
	saved         string // the last document written

	target     *widget.Label
	doc        *widget.RadioGroup
	format     *widget.RadioGroup
	variant    *widget.RadioGroup
	variantRow []fyne.CanvasObject // label, radio and note: common-platform only
	names      *widget.Check
	issuer     *widget.Entry
	hint       *messageLabel // what the form still needs
	count      *widget.Label
	lintList   *widget.List
	noLints    *widget.Label
	recheck    *widget.Button
	export     *widget.Button
	back       *widget.Button
	openFolder *widget.Button
	message    *messageLabel
	busy       *busyIndicator
	progress   *progressDialog // the last export's, kept for tests
}

// The choices of the form, parallel to their option labels.
var (
	docKinds   = []workspace.DocKind{workspace.DocPlan, workspace.DocReport}
	docFormats = []workspace.DocFormat{workspace.FormatPDF, workspace.FormatDOCX}
	variants   = []report.Variant{report.VariantWard, report.VariantJLIS}
)

// lintRules are the lint rules with a short label (lint.<rule>).
var lintRules = []string{
	report.RuleProposalShort, report.RuleNoEvidence, report.RuleNoObservation, report.RuleUnrated,
	report.RuleAssurance, report.RuleOpenNote, report.RuleNoStatus, report.RulePlanDefault, report.RulePhotoDamaged,
}

func newExportScreen(app *App, r Route) *exportScreen {
	ctx, cancel := context.WithCancel(context.Background())
	return &exportScreen{app: app, ws: app.ws, route: r, ctx: ctx, cancel: cancel}
}

func (s *exportScreen) buildUI() fyne.CanvasObject {
	s.busy = newBusyIndicator()
	s.message = newMessageLabel()
	title := widget.NewLabelWithStyle(lang.L("docexport.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameSubHeadingText
	s.target = widget.NewLabel("")
	s.target.Wrapping = fyne.TextWrapWord
	s.openFolder = widget.NewButtonWithIcon(lang.L("docexport.open_folder"), theme.FolderOpenIcon(), s.onOpenFolder)
	s.openFolder.Hide()
	result := container.NewBorder(nil, nil, nil, container.NewVBox(s.openFolder), s.message.widget)
	top := container.NewVBox(title, s.target, result, widget.NewSeparator())

	s.back = widget.NewButtonWithIcon(lang.L("docexport.back"), theme.NavigateBackIcon(), s.onBack)
	s.export = widget.NewButtonWithIcon(lang.L("docexport.export"), theme.DocumentSaveIcon(), s.onExport)
	s.export.Importance = widget.HighImportance
	bottom := container.NewVBox(widget.NewSeparator(),
		container.NewHBox(layout.NewSpacer(), s.busy.widget, s.back, s.export))

	split := container.NewHSplit(container.NewVScroll(s.buildForm()), s.buildLintPanel())
	split.Offset = 0.42
	s.updateState()
	return container.NewPadded(container.NewBorder(top, bottom, nil, nil, split))
}

// buildForm makes the left side: which document, in which format and
// version, and what goes on it.
func (s *exportScreen) buildForm() fyne.CanvasObject {
	s.doc = newChoice([]string{lang.L("docexport.doc_plan"), lang.L("docexport.doc_report")}, 1, func(string) { s.updateState() })
	s.format = newChoice([]string{lang.L("docexport.format_pdf"), lang.L("docexport.format_docx")}, 0, nil)
	s.variant = newChoice([]string{lang.L("docexport.variant_ward"), lang.L("docexport.variant_jlis")}, 0, nil)
	s.names = widget.NewCheck(lang.L("docexport.names"), nil)
	s.issuer = widget.NewEntry()
	s.issuer.SetPlaceHolder(lang.L("docexport.issuer_placeholder"))
	s.issuer.OnChanged = func(string) { s.updateState() }
	s.hint = newMessageLabel()

	variantLabel := formLabel(lang.L("docexport.variant"))
	variantNote := caption()
	variantNote.Wrapping = fyne.TextWrapWord
	variantNote.SetText(lang.L("docexport.variant_note"))
	s.variantRow = []fyne.CanvasObject{variantLabel, s.variant, variantNote}
	for _, o := range s.variantRow {
		o.Hide() // until the audit is known to be common-platform
	}
	form := container.New(layout.NewFormLayout(),
		formLabel(lang.L("docexport.doc")), s.doc,
		formLabel(lang.L("docexport.format")), s.format,
		variantLabel, s.variant,
		formLabel(lang.L("docexport.issuer")), s.issuer,
		layout.NewSpacer(), s.names,
	)
	return container.NewVBox(heading(lang.L("docexport.document")), form, variantNote, s.hint.widget)
}

// newChoice is a horizontal radio group that always has one option chosen.
func newChoice(options []string, selected int, changed func(string)) *widget.RadioGroup {
	r := widget.NewRadioGroup(options, nil)
	r.Horizontal = true
	r.Required = true
	r.SetSelected(options[selected])
	r.OnChanged = changed
	return r
}

// formLabel is the label of a row of a form layout.
func formLabel(text string) *widget.Label {
	return widget.NewLabelWithStyle(text, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
}

// chosen is the index of the selected option of r; 0 when none is.
func chosen(r *widget.RadioGroup) int {
	for i, o := range r.Options {
		if o == r.Selected {
			return i
		}
	}
	return 0
}

// buildLintPanel makes the right side: the count of lints and their list.
func (s *exportScreen) buildLintPanel() fyne.CanvasObject {
	s.count = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.count.Importance = widget.HighImportance
	s.recheck = widget.NewButtonWithIcon(lang.L("docexport.recheck"), theme.ViewRefreshIcon(), s.onRecheck)
	s.recheck.Importance = widget.LowImportance
	hint := caption()
	hint.Wrapping = fyne.TextWrapWord
	hint.SetText(lang.L("docexport.lint_hint"))
	s.noLints = widget.NewLabel(lang.L("docexport.no_lints"))
	s.noLints.Wrapping = fyne.TextWrapWord
	s.noLints.Hide()
	s.lintList = widget.NewList(
		func() int { return len(s.lints) },
		func() fyne.CanvasObject {
			no := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			rule := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
			rule.Importance = widget.WarningImportance
			msg := caption()
			msg.Truncation = fyne.TextTruncateEllipsis
			return container.NewBorder(nil, nil, container.New(fixedWidth(72), no), nil, container.NewVBox(rule, msg))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			f := s.lints[i]
			c := o.(*fyne.Container).Objects
			lines := c[0].(*fyne.Container).Objects
			no := c[1].(*fyne.Container).Objects[0].(*widget.Label)
			no.SetText(lintItemLabel(f.Item))
			lines[0].(*widget.Label).SetText(ruleLabel(f.Rule))
			lines[1].(*widget.Label).SetText(oneLine(f.Message))
		},
	)
	s.lintList.OnSelected = func(i widget.ListItemID) {
		s.lintList.Unselect(i)
		s.onLintSelected(i)
	}
	header := container.NewBorder(nil, nil, nil, s.recheck, s.count)
	return container.NewBorder(container.NewVBox(header, hint, s.noLints),
		nil, nil, nil, s.lintList)
}

func (s *exportScreen) onShown() { s.load() }

func (s *exportScreen) onHidden() { s.cancel() }

// load reads the audit and runs the lints off the UI goroutine.
func (s *exportScreen) load() {
	s.loadSeq++
	seq := s.loadSeq
	s.busy.start()
	s.count.SetText(lang.L("docexport.checking"))
	s.updateState()
	ws, id := s.ws, s.route.AuditID
	type loaded struct {
		state  *workspace.AuditState
		lints  []report.Finding
		issuer string
	}
	background(s.app.cfg.Run, func() (loaded, error) {
		st, err := ws.AuditState(id)
		if err != nil {
			return loaded{}, err
		}
		engs, err := ws.Engagements()
		if err != nil {
			return loaded{}, err
		}
		issuer := ""
		for _, e := range engs {
			if e.ID == st.Audit.EngagementID {
				issuer = chiefOrganisation(e)
			}
		}
		lints, err := ws.Lint(id)
		return loaded{st, lints, issuer}, err
	}, func(l loaded, err error) {
		if !s.app.isCurrent(s) {
			return
		}
		s.busy.stop()
		if seq != s.loadSeq {
			return
		}
		if err != nil {
			s.count.SetText("")
			s.showError(lang.L("docexport.load_failed"), err)
		} else {
			s.onLoaded(l.state, l.lints, l.issuer)
		}
		s.updateState()
	})
}

func (s *exportScreen) onLoaded(st *workspace.AuditState, lints []report.Finding, issuer string) {
	s.state, s.lints, s.defaultIssuer = st, lints, issuer
	if issuer != "" {
		s.issuer.SetPlaceHolder(lang.L("docexport.issuer_default", map[string]any{"Issuer": issuer}))
	} else {
		s.issuer.SetPlaceHolder(lang.L("docexport.issuer_required"))
	}
	s.target.SetText(lang.L("docexport.target", map[string]any{"Audit": st.Audit.Title, "Kind": kindLabel(st.Audit.Kind)}))
	for _, o := range s.variantRow {
		if st.Audit.Kind == audit.KindCommonPlatform {
			o.Show()
		} else {
			o.Hide()
		}
	}
	s.count.SetText(lang.L("docexport.lint_count", map[string]any{"Count": len(lints)}))
	s.noLints.Hidden = len(lints) > 0
	s.noLints.Refresh()
	s.lintList.Refresh()
	s.lintList.ScrollToTop()
}

// chiefOrganisation is the issuer the documents print when none is given:
// the organisation of the engagement's chief auditor (as package report
// decides it), or "".
func chiefOrganisation(e audit.Engagement) string {
	for _, m := range e.Members {
		if m.Role == audit.RoleChief && strings.TrimSpace(m.Organisation) != "" {
			return strings.TrimSpace(m.Organisation)
		}
	}
	return ""
}

// needsIssuer reports whether the form must name the issuer: the
// documents need one, and the chief auditor has no organisation to stand
// in for it.
func (s *exportScreen) needsIssuer() bool {
	return s.state != nil && s.defaultIssuer == "" && strings.TrimSpace(s.issuer.Text) == ""
}

// updateState enables what can be used: nothing while work runs, the
// variant and the hearing names only for the report, 出力 once the form
// is complete.
func (s *exportScreen) updateState() {
	idle := !s.busy.busy()
	ready := idle && s.state != nil
	isReport := docKinds[chosen(s.doc)] == workspace.DocReport
	setEnabled(s.doc, ready)
	setEnabled(s.format, ready)
	setEnabled(s.variant, ready && isReport)
	setEnabled(s.names, ready && isReport)
	setEnabled(s.issuer, ready)
	if s.needsIssuer() {
		s.hint.show(lang.L("docexport.issuer_needed"), widget.WarningImportance)
	} else {
		s.hint.clear()
	}
	setEnabled(s.export, ready && !s.needsIssuer())
	setEnabled(s.recheck, idle)
	setEnabled(s.back, idle)
}

func (s *exportScreen) onRecheck() {
	if s.busy.busy() {
		return
	}
	s.message.clear()
	s.openFolder.Hide()
	s.load()
}

// onLintSelected opens the item lint i names, with every lint about it.
func (s *exportScreen) onLintSelected(i widget.ListItemID) {
	if i < 0 || i >= len(s.lints) {
		return
	}
	item := s.lints[i].Item
	var about []report.Finding
	for _, f := range s.lints {
		if f.Item == item {
			about = append(about, f)
		}
	}
	s.app.openItem(s.route.AuditID, item, about)
}

// lintItemLabel names the item of a lint in the list: No.3, or 全体.
func lintItemLabel(no string) string {
	if no == "" {
		return lang.L("docexport.audit_level")
	}
	return lang.L("docexport.item_no", map[string]any{"No": no})
}

// ruleLabel is the short Japanese name of a lint rule; an unknown rule
// shows its id.
func ruleLabel(rule string) string {
	for _, r := range lintRules {
		if r == rule {
			return lang.L("lint." + rule)
		}
	}
	return rule
}

// request is the export the form describes, without the file.
func (s *exportScreen) request() workspace.DocRequest {
	req := workspace.DocRequest{
		AuditID: s.route.AuditID,
		Doc:     docKinds[chosen(s.doc)],
		Format:  docFormats[chosen(s.format)],
		Variant: report.VariantWard,
		Issuer:  strings.TrimSpace(s.issuer.Text),
	}
	if req.Doc == workspace.DocReport {
		req.NamesInHearings = s.names.Checked
		if s.state != nil && s.state.Audit.Kind == audit.KindCommonPlatform {
			req.Variant = variants[chosen(s.variant)]
		}
	}
	return req
}

// docName is the name of the document req writes: 監査報告書.
func docName(req workspace.DocRequest) string {
	if req.Doc == workspace.DocPlan {
		return lang.L("docexport.doc_plan")
	}
	return lang.L("docexport.doc_report")
}

// fileExt is the extension of req's format.
func fileExt(req workspace.DocRequest) string {
	if req.Format == workspace.FormatDOCX {
		return ".docx"
	}
	return ".pdf"
}

func formatName(req workspace.DocRequest) string {
	if req.Format == workspace.FormatDOCX {
		return lang.L("docexport.format_docx")
	}
	return lang.L("docexport.format_pdf")
}

// fileName suggests a file name for req: 「<audit>_監査報告書.pdf」.
func (s *exportScreen) fileName(req workspace.DocRequest) string {
	key := "docexport.file"
	if req.Variant == report.VariantJLIS {
		key = "docexport.file_jlis"
	}
	return safeFileName(lang.L(key, map[string]any{"Title": s.state.Audit.Title, "Doc": docName(req)})) + fileExt(req)
}

func (s *exportScreen) onExport() {
	if s.state == nil || s.busy.busy() || s.needsIssuer() {
		return
	}
	req := s.request()
	title := lang.L("docexport.save_title", map[string]any{"Doc": docName(req)})
	s.app.files.save(title, s.fileName(req), fileExt(req), func(path string) { s.onExportTo(req, path) })
}

// onExportTo writes the document off the UI goroutine with a progress bar.
// Cancel stops it; the file is then left as it was (the export replaces it
// only once complete), and what the save dialog made for it is removed.
func (s *exportScreen) onExportTo(req workspace.DocRequest, path string) {
	if !s.app.isCurrent(s) || s.busy.busy() {
		removeIfEmpty(path)
		return
	}
	req.Path = path
	ctx, cancel := context.WithCancel(s.ctx)
	s.message.clear()
	s.openFolder.Hide()
	s.busy.start()
	s.updateState()
	d := newProgressDialog(lang.L("docexport.progress_title", map[string]any{"Doc": docName(req)}),
		lang.L("export.writing", map[string]any{"File": filepath.Base(path)}), true, cancel, s.app.win)
	s.progress = d
	d.show()
	ws := s.ws
	progress := progressTo(s.app.cfg.Do, d.setProgress)
	background(s.app.cfg.Run, func() (struct{}, error) {
		return struct{}{}, ws.ExportDocument(ctx, req, progress)
	}, func(_ struct{}, err error) {
		cancel()
		if err != nil {
			removeIfEmpty(path) // what the save dialog made for the export
		}
		if !s.app.isCurrent(s) {
			return
		}
		s.busy.stop()
		d.hide()
		s.updateState()
		switch {
		case errors.Is(err, context.Canceled):
			s.message.show(lang.L("export.cancelled"), widget.MediumImportance)
		case err != nil:
			s.showError(documentErrorText(req, err), err)
		default:
			s.saved = path
			s.message.show(lang.L("docexport.done", map[string]any{
				"Doc": docName(req), "Format": formatName(req), "Path": path}), widget.SuccessImportance)
			s.openFolder.Show()
		}
	})
}

// documentErrorText is what the user reads about a failed export. A PDF
// needs a Japanese TrueType font; without one the user is told how to get
// one. The workspace does not export the PDF renderer's ErrNoFont, and ui
// may not import the renderer, so this one case goes by the error text.
func documentErrorText(req workspace.DocRequest, err error) string {
	if req.Format == workspace.FormatPDF && strings.Contains(strings.ToLower(err.Error()), "font") {
		return lang.L("docexport.no_font")
	}
	return lang.L("docexport.failed", map[string]any{"Doc": docName(req)})
}

// onOpenFolder shows the folder of the document written last in the file
// manager.
func (s *exportScreen) onOpenFolder() {
	if s.saved == "" {
		return
	}
	dir := filepath.Dir(s.saved)
	if err := s.app.openURL(folderURL(dir)); err != nil {
		s.showError(lang.L("docexport.open_folder_failed", map[string]any{"Folder": dir}), err)
	}
}

// folderURL is the file:// URL of the folder dir, on Windows too
// (file:///C:/...).
func folderURL(dir string) *url.URL {
	if abs, err := filepath.Abs(dir); err == nil {
		dir = abs
	}
	p := filepath.ToSlash(dir)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return &url.URL{Scheme: "file", Path: p}
}

func (s *exportScreen) onBack() {
	r := Route{Page: PageHome, EngagementID: s.route.EngagementID, AuditID: s.route.AuditID}
	if s.state != nil {
		r.EngagementID = s.state.Audit.EngagementID
	}
	s.app.navigate(r)
}

// showError shows text with the cause on a details line and logs it.
func (s *exportScreen) showError(text string, err error) {
	logError(text, err)
	s.message.show(withDetails(text, err), widget.DangerImportance)
}
