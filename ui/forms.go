package ui

import (
	"log"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// confirmDialog asks a yes/no question with explicit button labels.
type confirmDialog struct {
	dialog           *dialog.CustomDialog
	confirm, dismiss *widget.Button
}

func newConfirmDialog(title, message, confirmLabel, dismissLabel string, onConfirm func(), parent fyne.Window) *confirmDialog {
	text := widget.NewLabel(message)
	text.Wrapping = fyne.TextWrapWord
	d := &confirmDialog{dialog: dialog.NewCustomWithoutButtons(title, container.New(fixedWidth(460), text), parent)}
	d.dismiss = widget.NewButton(dismissLabel, d.dialog.Hide)
	d.confirm = widget.NewButton(confirmLabel, func() {
		d.dialog.Hide()
		onConfirm()
	})
	d.confirm.Importance = widget.HighImportance
	d.dialog.SetButtons([]fyne.CanvasObject{d.dismiss, d.confirm})
	return d
}

// formDialog is the frame shared by the create-something dialogs: a form,
// a message line, a spinner, and cancel/create buttons. The create button
// is enabled only while ready() holds.
type formDialog struct {
	dialog         *dialog.CustomDialog
	create, cancel *widget.Button
	message        *messageLabel
	busy           *busyIndicator
	ready          func() bool
}

func newFormDialog(title string, form *widget.Form, ready func() bool, submit func(), parent fyne.Window) *formDialog {
	d := &formDialog{message: newMessageLabel(), busy: newBusyIndicator(), ready: ready}
	content := container.New(fixedWidth(520), container.NewVBox(form, d.message.widget))
	d.dialog = dialog.NewCustomWithoutButtons(title, content, parent)
	d.cancel = widget.NewButton(lang.L("form.cancel"), d.dialog.Hide)
	d.create = widget.NewButton(lang.L("form.create"), func() {
		if d.ready() && !d.busy.busy() {
			submit()
		}
	})
	d.create.Importance = widget.HighImportance
	d.create.Disable()
	d.dialog.SetButtons([]fyne.CanvasObject{d.busy.widget, d.cancel, d.create})
	return d
}

// refresh enables the create button when the form is ready.
func (d *formDialog) refresh() {
	if d.ready() && !d.busy.busy() {
		d.create.Enable()
	} else {
		d.create.Disable()
	}
}

func (d *formDialog) setBusy(on bool) {
	if on {
		d.message.clear()
		d.busy.start()
	} else {
		d.busy.stop()
	}
	d.refresh()
}

// failed shows a user message for err and logs the cause.
func (d *formDialog) failed(text string, err error) {
	log.Printf("ui: %s: %v", text, err)
	d.setBusy(false)
	d.message.show(text, widget.DangerImportance)
}

// engagementForm collects a new engagement: title, client, fiscal year.
type engagementForm struct {
	*formDialog
	title, client *widget.Entry
	year          *widget.Select
	years         []int // in the order of year.Options
}

func newEngagementForm(currentFY int, submit func(*engagementForm, audit.Engagement), parent fyne.Window) *engagementForm {
	f := &engagementForm{}
	changed := func(string) { f.refresh() }
	f.title = widget.NewEntry()
	f.title.SetPlaceHolder(lang.L("engagement.title_placeholder"))
	f.title.OnChanged = changed
	f.client = widget.NewEntry()
	f.client.SetPlaceHolder(lang.L("engagement.client_placeholder"))
	f.client.OnChanged = changed
	var options []string
	for y := max(currentFY-1, 2019); y <= currentFY+2; y++ {
		f.years = append(f.years, y)
		options = append(options, fiscalYearOption(y))
	}
	f.year = widget.NewSelect(options, changed)
	form := widget.NewForm(
		widget.NewFormItem(lang.L("engagement.title"), f.title),
		widget.NewFormItem(lang.L("engagement.client"), f.client),
		widget.NewFormItem(lang.L("engagement.fiscal_year"), f.year),
	)
	f.formDialog = newFormDialog(lang.L("engagement.form_title"), form, f.ready, func() { submit(f, f.value()) }, parent)
	for i, y := range f.years {
		if y == currentFY {
			f.year.SetSelectedIndex(i)
		}
	}
	return f
}

func (f *engagementForm) ready() bool {
	return strings.TrimSpace(f.title.Text) != "" && strings.TrimSpace(f.client.Text) != "" && f.year.SelectedIndex() >= 0
}

func (f *engagementForm) value() audit.Engagement {
	return audit.Engagement{
		Title:      strings.TrimSpace(f.title.Text),
		Client:     strings.TrimSpace(f.client.Text),
		FiscalYear: f.years[f.year.SelectedIndex()],
	}
}

// templateInfo describes a built-in checksheet template for pickers.
type templateInfo struct {
	name, title string
	kind        audit.Kind
}

var (
	templatesOnce sync.Once
	templateList  []templateInfo
)

// builtinTemplates reads the built-in templates once. They are embedded
// data, so this needs no workspace.
func builtinTemplates() []templateInfo {
	templatesOnce.Do(func() {
		for _, name := range workspace.Templates() {
			t, err := workspace.LoadTemplate(name)
			if err != nil {
				log.Printf("ui: template %s: %v", name, err)
				continue
			}
			templateList = append(templateList, templateInfo{name: name, title: t.Title, kind: t.Kind})
		}
	})
	return templateList
}

// templateFits mirrors the workspace rule: a template seeds audits of its
// own kind, and the data-centre and operations-centre audits share one.
// The workspace still checks; this only keeps the picker honest.
func templateFits(t, a audit.Kind) bool {
	dc := func(k audit.Kind) bool { return k == audit.KindDatacenter || k == audit.KindOpscenter }
	return t == a || (dc(t) && dc(a))
}

// auditForm collects a new audit: kind, title, checksheet template.
type auditForm struct {
	*formDialog
	kind      *widget.Select
	kinds     []audit.Kind // in the order of kind.Options
	title     *widget.Entry
	template  *widget.Select
	templates []string // names in the order of template.Options; "" is none
}

func newAuditForm(engagementID string, submit func(*auditForm, workspace.NewAudit), parent fyne.Window) *auditForm {
	f := &auditForm{kinds: append([]audit.Kind(nil), audit.Kinds...)}
	labels := make([]string, len(f.kinds))
	for i, k := range f.kinds {
		labels[i] = kindLabel(k)
	}
	f.template = widget.NewSelect(nil, func(string) {
		if f.formDialog != nil { // SetSelectedIndex fires this during construction
			f.refresh()
		}
	})
	f.kind = widget.NewSelect(labels, func(string) { f.onKindChanged() })
	f.kind.PlaceHolder = lang.L("audit.kind_placeholder")
	f.title = widget.NewEntry()
	f.title.SetPlaceHolder(lang.L("audit.title_placeholder"))
	f.title.OnChanged = func(string) { f.refresh() }
	form := widget.NewForm(
		widget.NewFormItem(lang.L("audit.kind"), f.kind),
		widget.NewFormItem(lang.L("audit.title"), f.title),
		widget.NewFormItem(lang.L("audit.template"), f.template),
	)
	f.formDialog = newFormDialog(lang.L("audit.form_title"), form, f.ready, func() { submit(f, f.value(engagementID)) }, parent)
	f.onKindChanged()
	return f
}

// onKindChanged offers the templates that fit the kind, the first of them
// selected, and always "none".
func (f *auditForm) onKindChanged() {
	f.templates = []string{""}
	options := []string{lang.L("audit.template_none")}
	if i := f.kind.SelectedIndex(); i >= 0 {
		for _, t := range builtinTemplates() {
			if templateFits(t.kind, f.kinds[i]) {
				f.templates = append(f.templates, t.name)
				options = append(options, t.title)
			}
		}
	}
	f.template.SetOptions(options)
	f.template.SetSelectedIndex(min(1, len(options)-1))
	if f.formDialog != nil {
		f.refresh()
	}
}

func (f *auditForm) ready() bool {
	return f.kind.SelectedIndex() >= 0 && f.template.SelectedIndex() >= 0 &&
		(strings.TrimSpace(f.title.Text) != "" || f.templates[f.template.SelectedIndex()] != "")
}

func (f *auditForm) value(engagementID string) workspace.NewAudit {
	return workspace.NewAudit{
		EngagementID: engagementID,
		Kind:         f.kinds[f.kind.SelectedIndex()],
		Title:        strings.TrimSpace(f.title.Text),
		Template:     f.templates[f.template.SelectedIndex()],
	}
}
