package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/kansa-audit/kansa/fixtures"
	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/workspace"
)

func TestCreateFlowCreatesStore(t *testing.T) {
	store := DirStore{Dir: filepath.Join(t.TempDir(), "store"), Options: fastOptions}
	u, q := newTestApp(t, store)
	s := screenOf[*createScreen](t, u)

	if !s.create.Disabled() {
		t.Fatal("create button enabled on an empty form")
	}
	test.Type(s.name, "田中 一郎")
	s.role.SetSelectedIndex(2) // 監査人
	if got, want := s.role.Selected, "監査人"; got != want {
		t.Errorf("role option = %q, want %q", got, want)
	}
	test.Type(s.pass, "short")
	if got, want := s.strength.text(), "短すぎます（12文字以上を推奨）"; got != want || !s.strength.visible() {
		t.Errorf("strength hint = %q (visible %v), want %q", got, s.strength.visible(), want)
	}
	test.Type(s.confirm, "shirt")
	if !s.create.Disabled() {
		t.Error("create button enabled while the passphrases differ")
	}
	assertShows(t, u, "確認用のパスフレーズが一致しません。")

	s.pass.SetText(testPassphrase)
	if got, want := s.strength.text(), "十分な長さです"; got != want {
		t.Errorf("strength hint = %q, want %q", got, want)
	}
	s.confirm.SetText(testPassphrase)
	if s.create.Disabled() {
		t.Fatal("create button disabled on a complete form")
	}
	test.Tap(s.create)
	if !s.busy.busy() || !s.pass.Disabled() {
		t.Error("no busy state while the store is being created")
	}
	q.settle(t)

	home := screenOf[*homeScreen](t, u)
	if !workspace.Exists(store.Dir) {
		t.Fatal("no store on disk after create")
	}
	if got := u.ws.Me(); got.Name != "田中 一郎" || got.Role != string(audit.RoleAuditor) {
		t.Errorf("Me() = %+v, want 田中 一郎 / auditor", got)
	}
	// First start: the store is empty, so the demo is offered.
	if home.demoOffer == nil || !home.empty.Visible() {
		t.Fatal("empty store: no demo offer or empty state")
	}
	assertShows(t, u, "架空の区の監査データで、画面の操作を試すことができます。")

	// The passphrase opens the store once the app has let go of it.
	u.lock()
	ws, err := workspace.Open(store.Dir, []byte(testPassphrase), fastOptions)
	if err != nil {
		t.Fatalf("open the created store: %v", err)
	}
	ws.Close()
}

func TestFirstStartDemoOffer(t *testing.T) {
	store := DirStore{Dir: filepath.Join(t.TempDir(), "store"), Options: fastOptions}
	ws, err := store.Create([]byte(testPassphrase), "田中 一郎", audit.RoleChief)
	if err != nil {
		t.Fatal(err)
	}
	ws.Close()
	u, q := newTestApp(t, store)
	unlock := screenOf[*unlockScreen](t, u)
	test.Type(unlock.pass, testPassphrase)
	typeEnter(unlock.pass)
	q.settle(t)

	home := screenOf[*homeScreen](t, u)
	if home.demoOffer == nil {
		t.Fatal("no demo offer on an empty store")
	}
	test.Tap(home.demoOffer.confirm)
	q.settle(t)
	if len(home.engagements) != 1 || home.engagements[0].Title != fixtures.DemoTitle {
		t.Fatalf("engagements after the demo = %+v, want the demo", home.engagements)
	}
	if home.empty.Visible() || !home.detail.Visible() {
		t.Error("empty state still shown after the demo was made")
	}
	// The user was chief, so the fictional chief stays out of the team.
	var roles []string
	for _, m := range home.engagements[0].Members {
		roles = append(roles, string(m.Role))
	}
	if got, want := strings.Join(roles, ","), "chief,assistant,auditor"; got != want {
		t.Errorf("team roles = %s, want %s", got, want)
	}
}

func TestWrongPassphraseKeepsUnlockScreen(t *testing.T) {
	store := newDemoStore(t)
	u, q := newTestApp(t, store)
	s := screenOf[*unlockScreen](t, u)

	test.Type(s.pass, "wrong passphrase")
	typeEnter(s.pass)
	if !s.busy.busy() {
		t.Error("no activity shown while unlocking")
	}
	q.settle(t)

	if u.screen != s || u.route.Page != PageUnlock {
		t.Fatalf("screen changed to %T after a wrong passphrase", u.screen)
	}
	if u.ws != nil {
		t.Fatal("a workspace is open after a wrong passphrase")
	}
	if got, want := s.message.text(), "パスフレーズが違います。"; got != want || !s.message.visible() {
		t.Errorf("message = %q (visible %v), want %q", got, s.message.visible(), want)
	}
	if s.pass.Text != "" {
		t.Errorf("passphrase field = %q, want it cleared", s.pass.Text)
	}
	if s.pass.Disabled() || s.busy.busy() {
		t.Error("unlock screen left disabled or busy")
	}
	assertShows(t, u, "パスフレーズが違います。")
}

func TestUnlockShowsDemoEngagement(t *testing.T) {
	store := newDemoStore(t)
	u, q := newTestApp(t, store)
	s := screenOf[*unlockScreen](t, u)
	test.Type(s.pass, testPassphrase)
	test.Tap(s.unlock)
	q.settle(t)

	home := screenOf[*homeScreen](t, u)
	if home.demoOffer != nil {
		t.Error("demo offered although the store has an engagement")
	}
	assertShows(t, u, fixtures.DemoTitle)
	assertShows(t, u, "世田谷区 ・ 令和8年度")
	assertShows(t, u, "基幹システム外部データセンター監査")
	assertShows(t, u, "評価済 12/50 ・ 指摘 1 ・ 証跡 3 ・ 未完了のレビューノート 0")
	assertShows(t, u, "内部監査")
	assertShows(t, u, "評価済 3/20 ・ 指摘 0 ・ 証跡 0 ・ 未完了のレビューノート 0")
	assertShows(t, u, "田中 一郎")
	assertShows(t, u, "主監査人、公認情報システム監査人（CISA）、ISMS主任審査員、システム監査技術者")
	assertShows(t, u, "田中 一郎（監査人）")
}

func TestLockShortcutReturnsToUnlock(t *testing.T) {
	store := newDemoStore(t)
	u, q := newTestApp(t, store)
	s := screenOf[*unlockScreen](t, u)
	test.Type(s.pass, testPassphrase)
	typeEnter(s.pass)
	q.settle(t)
	screenOf[*homeScreen](t, u)

	u.win.Canvas().(fyne.Shortcutable).TypedShortcut(lockShortcut)
	screenOf[*unlockScreen](t, u)
	if u.ws != nil {
		t.Fatal("workspace still open after Ctrl+L")
	}
	// The store is released: another process could open it now.
	ws, err := workspace.Open(store.Dir, []byte(testPassphrase), fastOptions)
	if err != nil {
		t.Fatalf("open after lock: %v", err)
	}
	ws.Close()
	// And Ctrl+L does nothing more on the unlock screen.
	before := u.screen
	u.win.Canvas().(fyne.Shortcutable).TypedShortcut(lockShortcut)
	if u.screen != before {
		t.Error("Ctrl+L rebuilt the unlock screen")
	}
}

func TestUnlockErrors(t *testing.T) {
	t.Run("already open", func(t *testing.T) {
		store := newDemoStore(t)
		held, err := workspace.Open(store.Dir, []byte(testPassphrase), fastOptions)
		if err != nil {
			t.Fatal(err)
		}
		defer held.Close()
		u, q := newTestApp(t, store)
		s := screenOf[*unlockScreen](t, u)
		test.Type(s.pass, testPassphrase)
		typeEnter(s.pass)
		q.settle(t)
		if got, want := s.message.text(), "このストアは別のKansaで開かれています。"; got != want {
			t.Errorf("message = %q, want %q", got, want)
		}
		screenOf[*unlockScreen](t, u)
	})
	t.Run("damaged", func(t *testing.T) {
		store := newDemoStore(t)
		entries, err := os.ReadDir(store.Dir)
		if err != nil {
			t.Fatal(err)
		}
		truncated := false
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".db") {
				if err := os.Truncate(filepath.Join(store.Dir, e.Name()), 4096*3); err != nil {
					t.Fatal(err)
				}
				truncated = true
			}
		}
		if !truncated {
			t.Fatalf("no .db file in %s", store.Dir)
		}
		u, q := newTestApp(t, store)
		s := screenOf[*unlockScreen](t, u)
		test.Type(s.pass, testPassphrase)
		typeEnter(s.pass)
		q.settle(t)
		if got := s.message.text(); !strings.Contains(got, "破損") || !strings.Contains(got, "kansactl check") {
			t.Errorf("message = %q, want it to say the store is damaged and to run kansactl check", got)
		}
	})
}

func TestCreateEngagementAndAudit(t *testing.T) {
	store := DirStore{Dir: filepath.Join(t.TempDir(), "store"), Options: fastOptions}
	ws, err := store.Create([]byte(testPassphrase), "田中 一郎", audit.RoleChief)
	if err != nil {
		t.Fatal(err)
	}
	ws.Close()
	u, q := newTestApp(t, store)
	unlock := screenOf[*unlockScreen](t, u)
	test.Type(unlock.pass, testPassphrase)
	typeEnter(unlock.pass)
	q.settle(t)
	home := screenOf[*homeScreen](t, u)
	home.demoOffer.dialog.Hide()

	home.onNewEngagement()
	f := home.engagementForm
	if got, want := f.year.Selected, "令和8年度（2026年度）"; got != want {
		t.Errorf("default fiscal year = %q, want %q (clock is May 2026)", got, want)
	}
	test.Type(f.title, "令和8年度 情報セキュリティ監査業務")
	if !f.create.Disabled() {
		t.Error("engagement create enabled without a client")
	}
	test.Type(f.client, "世田谷区")
	test.Tap(f.create)
	q.settle(t)
	if len(home.engagements) != 1 || home.selected != 0 {
		t.Fatalf("engagements = %+v, selected %d; want the new one selected", home.engagements, home.selected)
	}
	if e := home.engagements[0]; e.Client != "世田谷区" || e.FiscalYear != 2026 || len(e.Members) != 1 {
		t.Errorf("engagement = %+v", e)
	}
	assertShows(t, u, "この監査業務にはまだ監査がありません。")

	home.onNewAudit()
	a := home.auditForm
	if got := a.template.Options; len(got) != 1 || got[0] != "なし（空のチェックシート）" {
		t.Errorf("templates before a kind is chosen = %q, want only none", got)
	}
	a.kind.SetSelected("オペレーションセンター監査")
	if got, want := a.template.Selected, "基幹システム外部データセンター監査チェックシート"; got != want {
		t.Errorf("template for opscenter = %q, want %q (shared with datacenter)", got, want)
	}
	a.kind.SetSelected("内部監査")
	if got := a.templates; len(got) != 2 || got[1] != "internal" {
		t.Errorf("templates for internal = %q, want none and internal", got)
	}
	test.Tap(a.create)
	q.settle(t)
	if a.dialog != nil && a.message.visible() {
		t.Fatalf("audit create failed: %s", a.message.text())
	}
	if len(home.audits) != 1 {
		t.Fatalf("audits = %d, want 1", len(home.audits))
	}
	if got := home.audits[0]; got.Items != 20 || got.Kind != audit.KindInternal || got.Title == "" {
		t.Errorf("audit = %s %q with %d items, want an internal audit of 20 items named after its template", got.Kind, got.Title, got.Items)
	}

	// An empty checksheet needs a title.
	home.onNewAudit()
	a = home.auditForm
	a.kind.SetSelected("外部監査")
	a.template.SetSelectedIndex(0)
	if !a.create.Disabled() {
		t.Error("audit create enabled with neither title nor template")
	}
	test.Type(a.title, "外部監査（区民部）")
	test.Tap(a.create)
	q.settle(t)
	if len(home.audits) != 2 {
		t.Fatalf("audits = %d, want 2", len(home.audits))
	}
}

func TestQuitShortcutClosesWorkspace(t *testing.T) {
	store := newDemoStore(t)
	u, q := newTestApp(t, store)
	s := screenOf[*unlockScreen](t, u)
	test.Type(s.pass, testPassphrase)
	typeEnter(s.pass)
	q.settle(t)
	screenOf[*homeScreen](t, u)

	u.win.Canvas().(fyne.Shortcutable).TypedShortcut(quitShortcut)
	if u.ws != nil {
		t.Fatal("workspace still open after Ctrl+Q")
	}
	ws, err := workspace.Open(store.Dir, []byte(testPassphrase), fastOptions)
	if err != nil {
		t.Fatalf("open after quit: %v", err)
	}
	ws.Close()
}

func TestMainMenuLocks(t *testing.T) {
	store := newDemoStore(t)
	u, q := newTestApp(t, store)
	if !u.lockItem.Disabled {
		t.Fatal("lock menu item enabled while locked")
	}
	s := screenOf[*unlockScreen](t, u)
	test.Type(s.pass, testPassphrase)
	typeEnter(s.pass)
	q.settle(t)
	screenOf[*homeScreen](t, u)
	if u.lockItem.Disabled || u.lockItem.Shortcut != lockShortcut {
		t.Fatal("lock menu item not enabled with its shortcut on the home screen")
	}
	u.lockItem.Action()
	screenOf[*unlockScreen](t, u)
	if u.ws != nil {
		t.Fatal("workspace still open after the lock menu item")
	}
}
