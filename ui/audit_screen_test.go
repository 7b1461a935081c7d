package ui

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// fakeTimers are the autosave's debounce timers in tests: they never go
// off by themselves; fire sets off the ones still running.
type fakeTimers struct {
	mu      sync.Mutex
	pending []*fakeTimer
}

type fakeTimer struct {
	f       func()
	stopped bool
}

func (ft *fakeTimers) after(_ time.Duration, f func()) func() bool {
	ft.mu.Lock()
	defer ft.mu.Unlock()
	t := &fakeTimer{f: f}
	ft.pending = append(ft.pending, t)
	return func() bool {
		ft.mu.Lock()
		defer ft.mu.Unlock()
		was := !t.stopped
		t.stopped = true
		return was
	}
}

// fire sets off the running timers and reports how many there were.
func (ft *fakeTimers) fire() int {
	ft.mu.Lock()
	list := ft.pending
	ft.pending = nil
	ft.mu.Unlock()
	n := 0
	for _, t := range list {
		if !t.stopped {
			t.stopped = true
			t.f()
			n++
		}
	}
	return n
}

// newWorkspaceApp is newTestApp with hand-fired autosave timers, unlocked
// at home.
func newWorkspaceApp(t *testing.T, store Store) (*App, *queueRunner, *fakeTimers) {
	t.Helper()
	u, q := newTestApp(t, store)
	ft := &fakeTimers{}
	u.cfg.After = ft.after
	unlockHome(t, u, q)
	return u, q, ft
}

// openAuditAt opens the workspace screen of audit id at item no.
func openAuditAt(t *testing.T, u *App, q *queueRunner, id, no string) *auditScreen {
	t.Helper()
	u.navigate(Route{Page: PageAudit, AuditID: id, ItemNo: no})
	q.settle(t)
	s := screenOf[*auditScreen](t, u)
	if s.state == nil {
		t.Fatalf("audit not loaded: %s", s.message.text())
	}
	if no != "" && (s.current < 0 || s.state.Items[s.current].No != no) {
		t.Fatalf("workspace opened at item %d, want No.%s", s.current, no)
	}
	return s
}

// triggerShortcut does what the desktop driver does with a key press
// that has a modifier: it runs the main menu item with that shortcut,
// wherever the focus is. It fails when no enabled item has it.
func triggerShortcut(t *testing.T, u *App, sc fyne.Shortcut) {
	t.Helper()
	var find func(items []*fyne.MenuItem) *fyne.MenuItem
	find = func(items []*fyne.MenuItem) *fyne.MenuItem {
		for _, it := range items {
			if it.Shortcut != nil && it.Shortcut.ShortcutName() == sc.ShortcutName() {
				return it
			}
			if it.ChildMenu != nil {
				if f := find(it.ChildMenu.Items); f != nil {
					return f
				}
			}
		}
		return nil
	}
	for _, m := range u.win.MainMenu().Items {
		if it := find(m.Items); it != nil {
			if it.Disabled || it.Action == nil {
				t.Fatalf("menu item %q for %s is disabled", it.Label, sc.ShortcutName())
			}
			it.Action()
			return
		}
	}
	t.Fatalf("no main menu item has the shortcut %s", sc.ShortcutName())
}

// stored reads item no of audit id back from the store.
func stored(t *testing.T, ws Workspace, id, no string) workspace.ItemState {
	t.Helper()
	st, err := ws.AuditState(id)
	if err != nil {
		t.Fatal(err)
	}
	it, ok := st.Item(no)
	if !ok {
		t.Fatalf("item %s not in the store", no)
	}
	return it
}

// listedNos lists the item numbers the list shows, in order.
func listedNos(s *auditScreen) []string {
	var out []string
	for _, r := range s.rows {
		if !r.header {
			out = append(out, s.state.Items[r.item].No)
		}
	}
	return out
}

func demoDatacenterID(t *testing.T, u *App) string {
	t.Helper()
	return demoDatacenter(t, screenOf[*homeScreen](t, u)).ID
}

func TestWorkspaceOpensFromHomeAndReturns(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newDemoStore(t))
	home := screenOf[*homeScreen](t, u)
	dc := demoDatacenter(t, home)
	if !home.openAudit.Disabled() {
		t.Error("開く enabled with no audit selected")
	}
	// A double click on the audit's row opens it.
	var rows []*tapRow
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *tapRow:
			rows = append(rows, v)
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(v).Objects() {
				walk(c)
			}
		}
	}
	walk(home.auditList)
	var row *tapRow
	for _, r := range rows {
		if r.Visible() && r.index < len(home.audits) && home.audits[r.index].ID == dc.ID {
			row = r
		}
	}
	if row == nil {
		t.Fatal("no row for the data-centre audit")
	}
	test.DoubleTap(row)
	q.settle(t)
	s := screenOf[*auditScreen](t, u)
	if u.route.Page != PageAudit || u.route.AuditID != dc.ID {
		t.Errorf("route = %+v, want PageAudit of %s", u.route, dc.ID)
	}
	st, err := u.ws.AuditState(dc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(listedNos(s)); got != len(st.Items) {
		t.Errorf("list shows %d items, want %d", got, len(st.Items))
	}
	if s.current != 0 {
		t.Errorf("selected item %d, want the first", s.current)
	}
	if !s.rows[0].header || s.list.Length() <= len(st.Items) {
		t.Errorf("list is not grouped by section: first row %+v, %d rows", s.rows[0], s.list.Length())
	}
	assertShows(t, u, sectionName(st.Items[0].Section))
	assertShows(t, u, "保存済み")

	// Item 15: its evidence with thumbnail and short hash, its hearing.
	it15, _ := st.Item("15")
	for i, it := range s.state.Items {
		if it.No == "15" {
			s.selectItem(i)
		}
	}
	q.settle(t)
	if len(it15.Evidence) == 0 || len(it15.Hearings) == 0 {
		t.Fatal("the demo's No.15 has no evidence or hearing")
	}
	ev := it15.Evidence[0]
	assertShows(t, u, ev.FileName)
	assertShows(t, u, ev.Caption)
	found := false
	for _, text := range visibleTexts(u) {
		if strings.Contains(text, ev.ShortHash()) {
			found = true
		}
	}
	if !found {
		t.Errorf("short hash %s not shown", ev.ShortHash())
	}
	var images int
	var countImages func(o fyne.CanvasObject)
	countImages = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *canvas.Image:
			images++
		case *fyne.Container:
			for _, c := range v.Objects {
				countImages(c)
			}
		}
	}
	countImages(s.evidenceBox)
	if images != len(it15.Evidence) {
		t.Errorf("%d thumbnails shown, want %d", images, len(it15.Evidence))
	}
	assertShows(t, u, "「パスワードは運用課長が管理しているが、夜間の交代時に備えてキャビネット内にメモを置いていた。」")
	if s.attach.Disabled() {
		t.Error("証跡を添付 disabled on an editable item")
	}
	if s.newHearing.Disabled() {
		t.Error("新しいヒアリング disabled on an editable item")
	}

	test.Tap(s.backBtn)
	q.settle(t)
	home = screenOf[*homeScreen](t, u)
	if a, ok := home.currentAudit(); !ok || a.ID != dc.ID {
		t.Errorf("home selects %+v after 戻る, want %s", a, dc.ID)
	}
}

func TestRatingByKeyboardIsStored(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newDemoStore(t))
	id := demoDatacenterID(t, u)
	s := openAuditAt(t, u, q, id, "12")
	scale := s.state.Audit.Scale
	// The focus is in a text field, as when typing notes.
	u.win.Canvas().Focus(s.observation)

	triggerShortcut(t, u, ratingShortcut(3))
	q.settle(t)
	want := scale.Ratings[2]
	if got := stored(t, u.ws, id, "12").Result.Rating; got != want.Code {
		t.Errorf("stored rating = %q after Ctrl+3, want %q", got, want.Code)
	}
	if got := s.rating.Selected; got != ratingOption(2, want) {
		t.Errorf("rating shown = %q, want %q", got, ratingOption(2, want))
	}
	assertShows(t, u, want.Label) // the list badge
	if got := s.saveLabel.Text; got != "保存済み" {
		t.Errorf("indicator = %q, want 保存済み", got)
	}

	triggerShortcut(t, u, unrateShortcut)
	q.settle(t)
	if got := stored(t, u.ws, id, "12").Result.Rating; got != "" {
		t.Errorf("stored rating = %q after Ctrl+0, want unrated", got)
	}

	// Ctrl+↓ and Ctrl+↑ move through the items.
	next := s.state.Items[s.current+1].No
	triggerShortcut(t, u, nextItemShortcut)
	if got := s.state.Items[s.current].No; got != next {
		t.Errorf("Ctrl+↓ went to No.%s, want No.%s", got, next)
	}
	triggerShortcut(t, u, prevItemShortcut)
	if got := s.state.Items[s.current].No; got != "12" {
		t.Errorf("Ctrl+↑ went to No.%s, want No.12", got)
	}
	// Ctrl+F focuses the search field.
	triggerShortcut(t, u, searchShortcut)
	if u.win.Canvas().Focused() != s.search {
		t.Errorf("focus after Ctrl+F is %T, want the search field", u.win.Canvas().Focused())
	}
}

func TestTypedObservationIsStoredAfterDebounce(t *testing.T) {
	u, q, ft := newWorkspaceApp(t, newDemoStore(t))
	id := demoDatacenterID(t, u)
	s := openAuditAt(t, u, q, id, "12")
	before := stored(t, u.ws, id, "12").Result.Observation

	s.observation.CursorRow = strings.Count(before, "\n") + 1
	test.Type(s.observation, "空調の温度記録を確認した。")
	q.settle(t)
	want := s.observation.Text
	if !strings.Contains(want, "空調の温度記録を確認した。") {
		t.Fatalf("entry = %q", want)
	}
	if got := s.saveLabel.Text; got != "保存中…" {
		t.Errorf("indicator while waiting = %q, want 保存中…", got)
	}
	if got := stored(t, u.ws, id, "12").Result.Observation; got != before {
		t.Errorf("stored before the debounce: %q", got)
	}
	if n := ft.fire(); n != 1 {
		t.Errorf("%d debounce timers running, want 1 (one per field, restarted per keystroke)", n)
	}
	q.settle(t)
	if got := stored(t, u.ws, id, "12").Result.Observation; got != want {
		t.Errorf("stored observation = %q, want %q", got, want)
	}
	if got := s.saveLabel.Text; got != "保存済み" {
		t.Errorf("indicator = %q, want 保存済み", got)
	}

	// Leaving a field saves it without waiting.
	u.win.Canvas().Focus(s.evidenceSeen)
	test.Type(s.evidenceSeen, "温度記録（10月分）")
	u.win.Canvas().Unfocus()
	q.settle(t)
	if got := stored(t, u.ws, id, "12").Result.EvidenceSeen; got != s.evidenceSeen.Text {
		t.Errorf("stored evidence seen = %q after focus loss, want %q", got, s.evidenceSeen.Text)
	}
}

func TestSwitchingItemsFlushesEdits(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newDemoStore(t))
	id := demoDatacenterID(t, u)
	s := openAuditAt(t, u, q, id, "12")
	test.Type(s.proposal, "鍵の管理台帳を整備することが望ましい。")
	s.onFindingChosen(findingLabel(audit.FindingAdvice))
	text := s.proposal.Text
	triggerShortcut(t, u, nextItemShortcut) // no timer fires
	q.settle(t)
	got := stored(t, u.ws, id, "12").Result
	if got.Proposal != text {
		t.Errorf("stored proposal = %q after switching, want %q", got.Proposal, text)
	}
	if got.Finding != audit.FindingAdvice {
		t.Errorf("stored finding = %q, want advice", got.Finding)
	}
	// Back on No.12 the text is there.
	triggerShortcut(t, u, prevItemShortcut)
	if s.proposal.Text != text {
		t.Errorf("proposal shown = %q, want %q", s.proposal.Text, text)
	}
}

func TestFiltersAndSearchNarrowTheList(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newDemoStore(t))
	id := demoDatacenterID(t, u)
	s := openAuditAt(t, u, q, id, "")
	st, err := u.ws.AuditState(id)
	if err != nil {
		t.Fatal(err)
	}
	want := func(keep func(workspace.ItemState) bool) []string {
		var out []string
		for _, it := range st.Items {
			if keep(it) {
				out = append(out, it.No)
			}
		}
		return out
	}
	check := func(what string, keep func(workspace.ItemState) bool) {
		t.Helper()
		w := want(keep)
		if len(w) == 0 || len(w) == len(st.Items) {
			t.Fatalf("%s: the demo gives %d of %d items; the test needs a proper subset", what, len(w), len(st.Items))
		}
		if got := listedNos(s); !slices.Equal(got, w) {
			t.Errorf("%s lists %v, want %v", what, got, w)
		}
	}

	s.ratingFilter.SetSelectedIndex(1) // 未評価
	check("未評価", func(it workspace.ItemState) bool { return it.Result.Rating == "" })
	s.ratingFilter.SetSelected("不適合")
	check("不適合", func(it workspace.ItemState) bool { return it.Result.Rating == "nonconform" })
	s.ratingFilter.SetSelectedIndex(0)

	s.findingOnly.SetChecked(true)
	check("指摘あり", func(it workspace.ItemState) bool { return it.Result.Finding != audit.FindingNone })
	s.findingOnly.SetChecked(false)

	s.noEvidence.SetChecked(true)
	check("証跡なし", func(it workspace.ItemState) bool { return len(it.Evidence) == 0 })
	s.noEvidence.SetChecked(false)

	sec := st.Items[len(st.Items)-1].Section
	s.sectionFilter.SetSelected(sectionName(sec))
	check("区分", func(it workspace.ItemState) bool { return strings.TrimSpace(it.Section) == strings.TrimSpace(sec) })
	s.sectionFilter.SetSelectedIndex(0)

	// Search finds result text (a hearing remark was written into No.15's
	// observation) and item text, case-insensitively; words narrow.
	it15, _ := st.Item("15")
	word := []rune(strings.TrimSpace(it15.Result.Observation))[:6]
	test.Type(s.search, string(word))
	check("search "+string(word), func(it workspace.ItemState) bool {
		return strings.Contains(it.Result.Observation+it.Result.EvidenceSeen+it.Result.Proposal+it.Title+it.Points+it.Criteria+it.Examples+it.Notes+it.Section, string(word))
	})
	s.search.SetText("")
	if got := len(listedNos(s)); got != len(st.Items) {
		t.Errorf("cleared search lists %d items, want all %d", got, len(st.Items))
	}
	s.search.SetText("NO." + it15.No + " " + string([]rune(it15.Title)[:3]))
	if got := listedNos(s); !slices.Contains(got, "15") {
		t.Errorf("search by number and title lists %v, want No.15 in it", got)
	}
	s.search.SetText("存在しない語句")
	if got := listedNos(s); len(got) != 0 {
		t.Errorf("search for nothing lists %v", got)
	}
	assertShows(t, u, "0 / "+strings.TrimSpace(strings.Fields(s.count.Text)[2])+" 項目")
}

// conflictFake is the real workspace with a conflict on one item's
// observation, as a second device's edit would leave it; writing the field
// resolves it, as the real store does.
type conflictFake struct {
	Workspace
	mu       sync.Mutex
	itemNo   string
	values   []string
	resolved bool
}

func (f *conflictFake) AuditState(id string) (*workspace.AuditState, error) {
	st, err := f.Workspace.AuditState(id)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range st.Items {
		if st.Items[i].No == f.itemNo && !f.resolved {
			st.Items[i].Conflicts = map[string][]string{fieldObservation: f.values}
		}
	}
	return st, nil
}

func (f *conflictFake) SetField(auditID, entityID, field string, value any) error {
	if err := f.Workspace.SetField(auditID, entityID, field, value); err != nil {
		return err
	}
	if field == fieldObservation {
		f.mu.Lock()
		f.resolved = true
		f.mu.Unlock()
	}
	return nil
}

func TestConflictIsShownAndChoosingResolvesIt(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newDemoStore(t))
	id := demoDatacenterID(t, u)
	fake := &conflictFake{Workspace: u.ws, itemNo: "12",
		values: []string{"端末Aの記録：入退室記録を確認した。", "端末Bの記録：入退室記録と監視カメラ映像を確認した。"}}
	u.ws = fake
	s := openAuditAt(t, u, q, id, "12")

	assertShows(t, u, "競合") // the list badge
	box := s.conflicts[fieldObservation]
	if !box.Visible() {
		t.Fatal("no conflict shown on 監査実施内容")
	}
	assertShows(t, u, fake.values[1])
	var keep []*widget.Button
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Button:
			if v.Text == "この値を採用" { // not 比較・統合…
				keep = append(keep, v)
			}
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		}
	}
	walk(box)
	if len(keep) != 2 {
		t.Fatalf("%d 採用 buttons, want 2", len(keep))
	}
	test.Tap(keep[1])
	q.settle(t)
	if got := stored(t, fake.Workspace, id, "12").Result.Observation; got != fake.values[1] {
		t.Errorf("stored observation = %q, want the chosen %q", got, fake.values[1])
	}
	if !fake.resolved {
		t.Error("the conflict was not written")
	}
	if s.observation.Text != fake.values[1] {
		t.Errorf("entry = %q, want the chosen value", s.observation.Text)
	}
	if box.Visible() {
		t.Error("conflict still shown after choosing")
	}
	if len(s.state.Items[s.current].Conflicts) != 0 {
		t.Errorf("item still has conflicts %v", s.state.Items[s.current].Conflicts)
	}
}

func TestLockFlushesPendingEdits(t *testing.T) {
	store := newDemoStore(t)
	u, q, _ := newWorkspaceApp(t, store)
	id := demoDatacenterID(t, u)
	s := openAuditAt(t, u, q, id, "12")
	test.Type(s.proposal, "ロック直前の入力")
	want := s.proposal.Text
	triggerShortcut(t, u, lockShortcut) // no timer fires, nothing settles
	screenOf[*unlockScreen](t, u)
	if u.ws != nil {
		t.Fatal("workspace still open after Ctrl+L")
	}
	ws, err := workspace.Open(store.Dir, []byte(testPassphrase), fastOptions)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if got := stored(t, ws, id, "12").Result.Proposal; got != want {
		t.Errorf("stored proposal after lock = %q, want %q", got, want)
	}
	q.settle(t) // the abandoned write's completion is harmless
}

// failingFake is the real workspace whose SetField fails while fail is set.
type failingFake struct {
	Workspace
	mu   sync.Mutex
	fail bool
}

func (f *failingFake) SetField(auditID, entityID, field string, value any) error {
	f.mu.Lock()
	fail := f.fail
	f.mu.Unlock()
	if fail {
		return errors.New("disk full")
	}
	return f.Workspace.SetField(auditID, entityID, field, value)
}

func TestSaveFailureKeepsTextAndRetries(t *testing.T) {
	u, q, ft := newWorkspaceApp(t, newDemoStore(t))
	id := demoDatacenterID(t, u)
	fake := &failingFake{Workspace: u.ws, fail: true}
	u.ws = fake
	s := openAuditAt(t, u, q, id, "12")
	test.Type(s.observation, "保存に失敗する入力")
	want := s.observation.Text
	ft.fire()
	q.settle(t)
	if got := s.saveLabel.Text; got != "保存エラー" {
		t.Errorf("indicator = %q, want 保存エラー", got)
	}
	if !s.message.visible() || !strings.Contains(s.message.text(), "disk full") {
		t.Errorf("message = %q, want the cause", s.message.text())
	}
	if s.observation.Text != want {
		t.Errorf("entry = %q after the failure, want %q", s.observation.Text, want)
	}
	fake.mu.Lock()
	fake.fail = false
	fake.mu.Unlock()
	triggerShortcut(t, u, nextItemShortcut) // flushes, and retries
	q.settle(t)
	if got := stored(t, fake.Workspace, id, "12").Result.Observation; got != want {
		t.Errorf("stored after retry = %q, want %q", got, want)
	}
	if got := s.saveLabel.Text; got != "保存済み" {
		t.Errorf("indicator = %q after the retry, want 保存済み", got)
	}
}

func TestHelpOverlayListsShortcuts(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newDemoStore(t))
	id := demoDatacenterID(t, u)
	s := openAuditAt(t, u, q, id, "12")
	triggerShortcut(t, u, helpShortcut)
	if s.help == nil || !s.help.dialog.MinSize().IsZero() && len(u.win.Canvas().Overlays().List()) == 0 {
		t.Fatal("no help overlay after Ctrl+/")
	}
	for _, want := range []string{"Ctrl+↓: 次の項目", "Ctrl+↑: 前の項目", "Ctrl+1: 評価：適合", "Ctrl+0: 評価を外す（未評価）",
		"Ctrl+F: 検索", "Ctrl+L: ロック"} {
		if !slices.Contains(s.help.lines, want) {
			t.Errorf("help lacks %q; it lists %q", want, s.help.lines)
		}
	}
	assertShows(t, u, "次の項目")
	// The menu's commands are off on other screens.
	test.Tap(s.backBtn)
	q.settle(t)
	if !u.audit.next.Disabled {
		t.Error("次の項目 enabled on the home screen")
	}
}
