package ui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// TestChiefCreatesTheFolderAndAddsAMember: the chief makes the shared
// folder and adds a member from their join request on the sync screen,
// seeing the fingerprint first; the member's store then receives the
// engagement by syncing.
func TestChiefCreatesTheFolderAndAddsAMember(t *testing.T) {
	member, err := workspace.Create(filepath.Join(t.TempDir(), "member"), []byte(testPassphrase), memberName, audit.RoleAuditor, fastOptions)
	if err != nil {
		t.Fatal(err)
	}
	defer member.Close()
	req, fp, err := member.JoinRequest()
	if err != nil {
		t.Fatal(err)
	}
	reqPath := filepath.Join(t.TempDir(), "参加申請.json")
	if err := os.WriteFile(reqPath, req, 0o600); err != nil {
		t.Fatal(err)
	}

	u, q, _ := newWorkspaceApp(t, newReviewDemoStore(t))
	if b := screenOf[*homeScreen](t, u).unsynced; b.widget.Visible() {
		t.Errorf("a store that never synced shows %q", b.widget.Text)
	}
	picker := &fakePicker{openPath: reqPath}
	u.files = picker
	u.navigate(Route{Page: PageSync})
	q.settle(t)
	s := screenOf[*syncScreen](t, u)
	if s.engagement == nil {
		t.Fatal("the store's only engagement is not chosen")
	}
	folder := filepath.Join(t.TempDir(), "共有")
	s.folder.SetText(folder)
	s.onFolderChosen()
	q.settle(t)
	assertShows(t, u, "このフォルダはまだ共有フォルダではありません。「共有フォルダを作成」で、この監査業務の共有フォルダにできます。")
	if s.create.Hidden || s.create.Disabled() {
		t.Fatal("the chief is not offered to create the folder")
	}
	test.Tap(s.create)
	test.Tap(s.creating.confirm)
	q.settle(t)
	if s.team == nil || len(s.team.Members) != 1 {
		t.Fatalf("team after create = %+v, want the chief alone", s.team)
	}
	if s.addMember.Hidden {
		t.Fatal("no 「メンバーを追加」 once the folder exists")
	}

	test.Tap(s.addMember)
	q.settle(t)
	if s.adding == nil {
		t.Fatal("no confirmation with the fingerprint before adding")
	}
	assertShows(t, u, fp)
	test.Tap(s.adding.add)
	q.settle(t)
	if s.team == nil || len(s.team.Members) != 2 {
		t.Fatalf("team after adding = %+v, want 2", s.team)
	}
	if !strings.Contains(s.message.text(), fp) {
		t.Errorf("message = %q, want the fingerprint to compare", s.message.text())
	}
	syncNow(t, u, q, s)
	if s.summary.report.Published == 0 {
		t.Error("the chief's first sync published nothing")
	}

	// The member's store receives the engagement.
	if _, err := member.Sync(t.Context(), folder, nil); err != nil {
		t.Fatal(err)
	}
	engs, err := member.Engagements()
	if err != nil || len(engs) != 1 || engs[0].ID != s.engagement.ID {
		t.Fatalf("member's engagements = %+v, %v; want the chief's", engs, err)
	}
}

// TestJoinRequestFromTheSyncScreen: a new member with an empty store
// writes a join request that names their fingerprint.
func TestJoinRequestFromTheSyncScreen(t *testing.T) {
	store := DirStore{Dir: filepath.Join(t.TempDir(), "store"), Options: fastOptions}
	ws, err := store.Create([]byte(testPassphrase), memberName, audit.RoleAuditor)
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
	path := filepath.Join(t.TempDir(), "join.json")
	u.files = &fakePicker{savePath: path}
	triggerShortcut(t, u, syncShortcut)
	q.settle(t)
	s := screenOf[*syncScreen](t, u)
	assertShows(t, u, "この端末にはまだ監査業務がありません。主監査人から共有フォルダを受け取り、参加申請を渡して登録してもらってから同期してください。")
	test.Tap(s.joinRequest)
	q.settle(t)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := workspace.ReadJoinRequest(b)
	if err != nil {
		t.Fatal(err)
	}
	fp, _ := u.ws.Fingerprint()
	if m.Fingerprint != fp || m.Name != memberName {
		t.Errorf("join request names %s %s, want %s %s", m.Name, m.Fingerprint, memberName, fp)
	}
	assertShows(t, u, fp)
}

// TestLockDuringSyncWaitsForIt: locking while a sync runs cancels it and
// waits, so the store is never closed under it.
func TestLockDuringSyncWaitsForIt(t *testing.T) {
	st := newSyncTeam(t)
	u, q, s := openSyncScreen(t, st)
	test.Tap(s.syncBtn)
	if !s.workRunning() {
		t.Fatal("no running sync for the idle lock to wait for")
	}
	running := s.syncing
	u.lock()
	select {
	case <-running:
	default:
		t.Fatal("the store was closed while the sync still ran")
	}
	q.settle(t)
	screenOf[*unlockScreen](t, u)
}

// TestSyncWarningsAreWorded: the warnings package workspace writes read
// in Japanese on the summary; an unknown one shows as it is.
func TestSyncWarningsAreWorded(t *testing.T) {
	if err := UseLanguage(Japanese); err != nil {
		t.Fatal(err)
	}
	s := &syncScreen{summary: &syncSummary{
		items:  map[string]itemRef{"it1": {auditID: "a1", no: "3", title: "情報資産台帳"}},
		audits: map[string]string{"a1": "内部監査"},
	}}
	for in, want := range map[string]string{
		"it1 was deleted by one member and edited by another; the edit wins and it is back":                                                                                                      "No.3 情報資産台帳 は、あるメンバーが削除し、別のメンバーが編集していました。編集を優先して復元しています。",
		"鈴木 花子's clock runs 72h0m0s ahead of this one; the merge is unaffected, but check the laptop's date":                                                                                     "鈴木 花子さんの端末の時計が約3日進んでいます（この端末の時計との比較）。同期の結果には影響しませんが、その端末の日付を確認してください。",
		"佐藤 一郎's clock runs 8760h0m0s behind this one; the merge is unaffected, but check the laptop's date":                                                                                     "佐藤 一郎さんの端末の時計が約1年遅れています（この端末の時計との比較）。同期の結果には影響しませんが、その端末の日付を確認してください。",
		"rejected the approval s1 of audit a1 published by 鈴木 花子: signoff.role: only the chief auditor approves; it is ignored":                                                                  "鈴木 花子さんが公開した「内部監査」の承認は、検証に失敗したため無視しました（signoff.role: only the chief auditor approves）。",
		"2 edits by 鈴木 花子 to approved audit a1 arrived, made before they saw the approval; they are applied, and the approval is now stale: the chief should review and reopen or approve again": "承認済みの「内部監査」に、鈴木 花子さんが承認を知る前に行った編集 2 件が届きました。編集は取り込みました。承認後に変更があったため、承認のやり直しが必要です。主監査人は内容を確認し、再開するか承認し直してください。",
		"an evidence object named in a bundle of 鈴木 花子 was refused: object m/x/o/ab/ab12: rejected: content differs from its recorded SHA-256 (5 bytes)":                                         "鈴木 花子さんの変更に含まれる証跡ファイルを取り込みませんでした。署名された記録（SHA-256・サイズ）と中身が一致しません。端末の不具合か改ざんの可能性があるため、主監査人に連絡してください。この端末の証跡は変わっていません（object m/x/o/ab/ab12: rejected: content differs from its recorded SHA-256 (5 bytes)）。",
		"something new": "something new",
	} {
		if got := s.warningText(in); got != want {
			t.Errorf("warningText(%q)\n = %q\nwant %q", in, got, want)
		}
	}
}

// TestLineMergedTextIsExplained: edits of different lines of one long text
// merge line by line; the workspace says so under the field, naming whose
// edits it combines.
func TestLineMergedTextIsExplained(t *testing.T) {
	st := newSyncTeam(t)
	member, err := workspace.Open(st.member.Dir, []byte(testPassphrase), st.member.Options)
	if err != nil {
		t.Fatal(err)
	}
	state, err := member.AuditState(st.auditID)
	if err != nil {
		t.Fatal(err)
	}
	no := state.Items[5].No
	set := func(w *workspace.Workspace, text string) {
		t.Helper()
		if err := w.SetResult(st.auditID, no, workspace.ResultPatch{Proposal: &text}); err != nil {
			t.Fatal(err)
		}
	}
	syncBoth := func() {
		t.Helper()
		for _, w := range []*workspace.Workspace{st.chief, member} {
			if _, err := w.Sync(t.Context(), st.folder, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	set(st.chief, "一、規程を改定すること。\n二、\n三、\n四、\n五、研修を行うこと。")
	syncBoth()
	set(st.chief, "一、規程を年度内に改定すること。\n二、\n三、\n四、\n五、研修を行うこと。")
	set(member, "一、規程を改定すること。\n二、\n三、\n四、\n五、全職員に研修を行うこと。")
	if _, err := st.chief.Sync(t.Context(), st.folder, nil); err != nil {
		t.Fatal(err)
	}
	if err := member.Close(); err != nil {
		t.Fatal(err)
	}
	st.unsynced = 1

	u, q, s := openSyncScreen(t, st)
	syncNow(t, u, q, s)
	a := openAuditAt(t, u, q, st.auditID, no)
	it := a.state.Items[a.current]
	if len(it.Merged[fieldProposal]) != 2 {
		t.Fatalf("merged values = %+v, want the two edits", it.Merged)
	}
	if got, want := a.proposal.Text, "一、規程を年度内に改定すること。\n二、\n三、\n四、\n五、全職員に研修を行うこと。"; got != want {
		t.Errorf("proposal = %q, want the merged %q", got, want)
	}
	if !a.conflicts[fieldProposal].Visible() {
		t.Fatal("no note under the merged field")
	}
	found := false
	for _, txt := range visibleTexts(u) {
		if strings.Contains(txt, "行単位で自動統合しました") && strings.Contains(txt, chiefName) && strings.Contains(txt, memberName) {
			found = true
		}
	}
	if !found {
		t.Errorf("the merge is not explained with both authors; the window shows:\n%s", strings.Join(visibleTexts(u), "\n"))
	}

	// Once the auditor edits the text, it is one value again.
	a.proposal.CursorRow = 4
	test.Type(a.proposal, "（確認済）")
	a.flushSaves()
	q.settle(t)
	if a.conflicts[fieldProposal].Visible() {
		t.Error("the merge note stays after the text was written again")
	}
	if got := stored(t, u.ws, st.auditID, no); len(got.Merged[fieldProposal]) != 0 || !strings.Contains(got.Result.Proposal, "（確認済）") {
		t.Errorf("stored proposal %q, merged %+v; want the edit, no longer merged", got.Result.Proposal, got.Merged)
	}
}
