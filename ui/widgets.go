package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"
)

// busyIndicator is an activity spinner that is visible while at least one
// piece of work is running. Put its widget field in the layout; use it on
// the UI goroutine only.
type busyIndicator struct {
	widget  *widget.Activity
	running int
}

func newBusyIndicator() *busyIndicator {
	b := &busyIndicator{widget: widget.NewActivity()}
	b.widget.Hide()
	return b
}

func (b *busyIndicator) start() {
	b.running++
	if b.running == 1 {
		b.widget.Show()
		b.widget.Start()
	}
}

func (b *busyIndicator) stop() {
	if b.running == 0 {
		return
	}
	b.running--
	if b.running == 0 {
		b.widget.Stop()
		b.widget.Hide()
	}
}

// busy reports whether any work is running.
func (b *busyIndicator) busy() bool { return b.running > 0 }

// messageLabel is a wrapping label for a status or error line, hidden
// while empty. Put its widget field in the layout.
type messageLabel struct {
	widget *widget.Label
}

func newMessageLabel() *messageLabel {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Hide()
	return &messageLabel{widget: l}
}

func (m *messageLabel) show(text string, imp widget.Importance) {
	m.widget.Importance = imp
	m.widget.SetText(text)
	m.widget.Show()
}

func (m *messageLabel) clear() {
	m.widget.SetText("")
	m.widget.Hide()
}

// text and visible are for tests and callers that need to read it back.
func (m *messageLabel) text() string  { return m.widget.Text }
func (m *messageLabel) visible() bool { return m.widget.Visible() }

// fixedWidth lays out one object at least width wide, as tall as it wants.
type fixedWidth float32

func (w fixedWidth) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return fyne.NewSize(max(s.Width, float32(w)), s.Height)
}

func (w fixedWidth) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

// upperCentre places one object centred across and a sixth of the way
// down, so that when it grows (a hint or an error line appears) it grows
// downward instead of jumping, as a vertically centred one would.
type upperCentre struct{}

func (upperCentre) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

func (upperCentre) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		m := o.MinSize()
		w := min(m.Width, size.Width)
		y := max(0, min(size.Height/6, size.Height-m.Height))
		o.Move(fyne.NewPos((size.Width-w)/2, y))
		o.Resize(fyne.NewSize(w, m.Height))
	}
}

// screenCard is the frame of the unlock and create screens: a titled card
// of the given width with a wrapped explanation above the content.
func screenCard(width float32, title, explanation string, content fyne.CanvasObject) fyne.CanvasObject {
	text := widget.NewLabel(explanation)
	text.Wrapping = fyne.TextWrapWord
	card := widget.NewCard(title, "", container.NewVBox(text, content))
	return container.New(upperCentre{}, container.New(fixedWidth(width), card))
}

// toolbarButton puts a labelled button in a widget.Toolbar, whose own
// actions are icon-only.
type toolbarButton struct {
	*widget.Button
}

func newToolbarButton(label string, icon fyne.Resource, tapped func()) toolbarButton {
	b := widget.NewButtonWithIcon(label, icon, tapped)
	b.Importance = widget.LowImportance
	return toolbarButton{b}
}

func (t toolbarButton) ToolbarObject() fyne.CanvasObject { return t.Button }

// toolbarObject puts any object (a label, a spinner) in a widget.Toolbar.
type toolbarObject struct {
	fyne.CanvasObject
}

func (t toolbarObject) ToolbarObject() fyne.CanvasObject { return t.CanvasObject }

// progressDialog shows that slow work is running, how far it has got when
// that is known, and a Cancel button.
type progressDialog struct {
	dialog   *dialog.CustomDialog
	text     *widget.Label
	bar      *widget.ProgressBar         // nil for work of unknown length
	infinite *widget.ProgressBarInfinite // nil for work of known length
	cancel   *widget.Button
}

// newProgressDialog makes the dialog; onCancel runs when Cancel is tapped,
// after the button has been disabled and the text changed to say so.
func newProgressDialog(title, text string, determinate bool, onCancel func(), parent fyne.Window) *progressDialog {
	d := &progressDialog{text: widget.NewLabel(text)}
	d.text.Wrapping = fyne.TextWrapWord
	var bar fyne.CanvasObject
	if determinate {
		d.bar = widget.NewProgressBar()
		bar = d.bar
	} else {
		d.infinite = widget.NewProgressBarInfinite()
		bar = d.infinite
	}
	d.dialog = dialog.NewCustomWithoutButtons(title, container.New(fixedWidth(420), container.NewVBox(d.text, bar)), parent)
	d.cancel = widget.NewButton(lang.L("form.cancel"), func() {
		d.cancel.Disable()
		d.text.SetText(lang.L("progress.cancelling"))
		onCancel()
	})
	d.dialog.SetButtons([]fyne.CanvasObject{d.cancel})
	return d
}

// setProgress shows done of total; a zero total is ignored.
func (d *progressDialog) setProgress(done, total int) {
	if d.bar == nil || total <= 0 {
		return
	}
	d.bar.Max = float64(total)
	d.bar.SetValue(float64(min(done, total)))
}

func (d *progressDialog) show() { d.dialog.Show() }

func (d *progressDialog) hide() {
	if d.infinite != nil {
		d.infinite.Stop()
	}
	d.dialog.Hide()
}

// tapRow is a list row that can be double-clicked. It takes the single
// tap too (the list would not see it), and hands both on with the row's
// index, which the list's update function sets.
type tapRow struct {
	widget.BaseWidget
	content  fyne.CanvasObject
	index    int
	onTap    func(index int)
	onDouble func(index int)
}

func newTapRow(content fyne.CanvasObject, onTap, onDouble func(int)) *tapRow {
	r := &tapRow{content: content, onTap: onTap, onDouble: onDouble}
	r.ExtendBaseWidget(r)
	return r
}

func (r *tapRow) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.content) }

// Tapped selects the row.
func (r *tapRow) Tapped(*fyne.PointEvent) { r.onTap(r.index) }

// DoubleTapped opens what the row shows.
func (r *tapRow) DoubleTapped(*fyne.PointEvent) { r.onDouble(r.index) }
