package ui

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// Speed targets of the workspace screen (issue 3), re-runnable with
//
//	go test -run '^$' -bench 'OpenAudit1000|SwitchItem|TypeIntoLongProposal' ./ui/
//
// Opening an audit of 1,000 items to a usable list: <= 300 ms. Moving
// between items: <= 30 ms. Typing into a 3,000-character Japanese
// improvement proposal: <= 50 ms per keystroke. They run on the Fyne test
// driver: layout and text measuring are real, painting is not.

// syncRun runs work and its completion at once, on the calling goroutine:
// the benchmarks time the whole path, store read included.
func syncRun(work, done func()) { work(); done() }

// noTimers never fire: the debounce is not what is measured.
func noTimers(time.Duration, func()) func() bool { return func() bool { return true } }

// benchWorkspace makes a store with one audit of n items in sections of 20
// and returns the app on it, unlocked.
func benchWorkspace(b *testing.B, n int) (*App, *workspace.Workspace, string) {
	b.Helper()
	return benchWorkspaceOn(b, n, syncRun, func(f func()) { f() })
}

// benchWorkspaceOn is benchWorkspace with the given Runner and Do.
func benchWorkspaceOn(b *testing.B, n int, run Runner, do func(func())) (*App, *workspace.Workspace, string) {
	b.Helper()
	b.Setenv(LanguageEnv, "")
	dir := filepath.Join(b.TempDir(), "store")
	ws, err := workspace.Create(dir, []byte(testPassphrase), "田中 一郎", audit.RoleAuditor, fastOptions)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { ws.Close() })
	eng, err := ws.CreateEngagement(audit.Engagement{Title: "ベンチマーク", Client: "区", FiscalYear: 2026})
	if err != nil {
		b.Fatal(err)
	}
	id, err := ws.CreateAudit(workspace.NewAudit{EngagementID: eng, Kind: audit.KindDatacenter, Title: "1,000項目の監査"})
	if err != nil {
		b.Fatal(err)
	}
	items := make([]audit.Item, n)
	for i := range items {
		items[i] = audit.Item{
			No:       fmt.Sprint(i + 1),
			Section:  fmt.Sprintf("%d. 区分%d（物理的セキュリティ）", i/20+1, i/20+1),
			Title:    fmt.Sprintf("サーバ室への入退室は記録され、定期的に確認されているか（%d）", i+1),
			Criteria: "情報セキュリティポリシー 第5章 物理的セキュリティ",
			Points:   "入退室記録簿の記載内容と承認の有無、監視カメラの設置状況と録画の保存期間を確認する。",
			Examples: "入退室記録簿、入館申請書、監視カメラ映像の保存設定画面",
			Notes:    "",
		}
	}
	if _, err := ws.ApplyChecksheet(id, items); err != nil {
		b.Fatal(err)
	}
	a := test.NewTempApp(b)
	u := New(a, Config{Store: DirStore{Dir: dir, Options: fastOptions}, Run: run, Do: do, After: noTimers,
		Every: func(time.Duration, func()) func() { return func() {} }})
	u.win.Resize(fyne.NewSize(1280, 800))
	u.ws = ws
	return u, ws, id
}

// BenchmarkOpenAudit1000 times opening the workspace screen of a
// 1,000-item audit: reading it from the store, building the screen, the
// grouped list laid out and the first item shown.
func BenchmarkOpenAudit1000(b *testing.B) {
	u, _, id := benchWorkspace(b, 1000)
	for b.Loop() {
		u.navigate(Route{Page: PageAudit, AuditID: id})
		s := u.screen.(*auditScreen)
		if s.state == nil || len(s.state.Items) != 1000 || s.current != 0 || s.list.Length() != 1050 {
			b.Fatalf("not usable: %d items, current %d, %d rows", len(s.state.Items), s.current, s.list.Length())
		}
		u.win.Content().Refresh() // lay out and measure what is shown
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/open")
}

// BenchmarkSwitchItem times moving to the next item (Ctrl+↓) in a
// 1,000-item audit whose items carry results of realistic length.
func BenchmarkSwitchItem(b *testing.B) {
	u, ws, id := benchWorkspace(b, 1000)
	st, err := ws.AuditState(id)
	if err != nil {
		b.Fatal(err)
	}
	obs := strings.Repeat("入退室記録簿（令和8年4月〜9月分）を閲覧し、記載漏れがないこと及び月次で承認されていることを確認した。", 4)
	prop := strings.Repeat("鍵の貸出記録と入退室記録を突合する手順を定め、月次の確認結果を記録として残すことが望ましい。", 12)
	for i := 0; i < 100; i++ {
		iid := st.Items[i].ID
		if err := ws.SetField(id, iid, fieldObservation, obs); err != nil {
			b.Fatal(err)
		}
		if err := ws.SetField(id, iid, fieldProposal, prop); err != nil {
			b.Fatal(err)
		}
		if err := ws.SetField(id, iid, fieldRating, "partial"); err != nil {
			b.Fatal(err)
		}
	}
	u.navigate(Route{Page: PageAudit, AuditID: id})
	s := u.screen.(*auditScreen)
	i := 0
	for b.Loop() {
		i = (i + 1) % 100
		s.selectItem(i)
		u.win.Content().Refresh()
	}
	if s.proposal.Text == "" && i < 100 {
		b.Fatal("the proposal was not shown")
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/switch")
}

// frame does what the desktop driver does before it paints a frame
// (common.Canvas.EnsureMinSize): it asks every visible object for its
// minimum size, and lays out again the container of any object whose
// minimum size changed since the last frame (the proposal grows by a
// line as it wraps).
func frame(root fyne.CanvasObject) {
	var walk func(o fyne.CanvasObject) bool
	walk = func(o fyne.CanvasObject) (changed bool) {
		if o == nil || !o.Visible() {
			return false
		}
		relayout := false
		for _, k := range children(o) {
			relayout = walk(k) || relayout
		}
		if relayout {
			switch v := o.(type) {
			case *fyne.Container:
				if v.Layout != nil {
					v.Layout.Layout(v.Objects, v.Size())
				}
			case fyne.Widget:
				test.WidgetRenderer(v).Layout(v.Size())
			}
		}
		m := o.MinSize()
		old, seen := frameMin[o]
		frameMin[o] = m
		return seen && old != m
	}
	walk(root)
}

// frameMin is what frame saw of each object's minimum size.
var frameMin = map[fyne.CanvasObject]fyne.Size{}

// BenchmarkTypeIntoLongProposal times one keystroke into the workspace
// screen's proposal field holding 3,000 Japanese characters in paragraphs:
// the multi-line Entry as the screen makes it (word wrap, growing inside
// the pane's scroll), plus the autosave's bookkeeping, plus the layout pass
// the driver runs before it paints the next frame (frame).
func BenchmarkTypeIntoLongProposal(b *testing.B) {
	u, ws, id := benchWorkspace(b, 3)
	st, err := ws.AuditState(id)
	if err != nil {
		b.Fatal(err)
	}
	para := "サーバ室の入退室管理について、入退室記録簿の記載と鍵の貸出記録を月次で突合し、その結果を情報セキュリティ責任者が確認する手順を定めることが望ましい。"
	var text []rune
	for len(text) < 3000 {
		text = append(text, []rune(para+para+para+"\n")...)
	}
	text = text[:3000]
	if err := ws.SetField(id, st.Items[0].ID, fieldProposal, string(text)); err != nil {
		b.Fatal(err)
	}
	u.navigate(Route{Page: PageAudit, AuditID: id})
	s := u.screen.(*auditScreen)
	if n := len([]rune(s.proposal.Text)); n != 3000 {
		b.Fatalf("proposal holds %d characters, want 3000", n)
	}
	u.win.Canvas().Focus(s.proposal)
	s.proposal.CursorRow = strings.Count(string(text), "\n") / 2 // in the middle
	s.proposal.CursorColumn = 10
	for b.Loop() {
		s.proposal.TypedRune('あ')
		frame(u.win.Canvas().Content())
	}
	if !strings.Contains(s.proposal.Text, "あ") || !s.saver.busy() {
		b.Fatal("the keystrokes did not reach the proposal and its autosave")
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/key")
}
