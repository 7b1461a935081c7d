package ui

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/kansa-audit/kansa/fixtures"
	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/jpcal"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// syncTeam is a chief and an auditor, each with a real store, sharing a
// folder in a temp dir. The chief made the demo engagement and the
// folder, added the auditor and synced; the auditor synced once and so
// holds the engagement. Then both edited the same item offline: the
// chief has synced those edits, the auditor (the GUI's store) has not.
type syncTeam struct {
	folder  string
	chief   *workspace.Workspace
	member  DirStore // the store the GUI opens
	engID   string
	auditID string
	item    workspace.ItemState // the item edited on both sides
	// The competing observations and proposals, chief's then member's.
	chiefObs, memberObs   string
	chiefProp, memberProp string
	// unsynced is how many edits the member's store has not synced.
	unsynced int
}

const (
	chiefName  = "高橋 美咲"
	memberName = "鈴木 花子"
)

func newSyncTeam(t *testing.T) *syncTeam {
	t.Helper()
	return newSyncTeamIn(t, filepath.Join(t.TempDir(), "共有フォルダ"))
}

// newSyncTeamIn is newSyncTeam with the shared folder at folder.
func newSyncTeamIn(t *testing.T, folder string) *syncTeam {
	t.Helper()
	memberOpts, chiefOpts := fastOptions, fastOptions
	// Clocks that tick on each reading, so that the conflict view shows
	// times of the audit day: the chief wrote at 10:12, the member at 11:05.
	memberOpts.Now = tickingClock(time.Date(2026, 5, 1, 11, 5, 0, 0, jpcal.JST))
	chiefOpts.Now = tickingClock(time.Date(2026, 5, 1, 10, 12, 0, 0, jpcal.JST))
	st := &syncTeam{folder: folder, unsynced: 2,
		member: DirStore{Dir: filepath.Join(t.TempDir(), "member"), Options: memberOpts},
		chiefObs: "情報資産台帳を閲覧した。戸籍システム関連の資産は登録されている。\n" +
			"重要性分類は全資産に付与されている。",
		memberObs: "情報資産台帳を閲覧した。戸籍システム関連の資産は登録されている。\n" +
			"窓口端末3台が台帳に未登録であり、重要性分類も付与されていない。\n" +
			"課長への聴取では、次回の棚卸しで登録する予定とのこと。",
		chiefProp:  "窓口端末を含め、情報資産台帳を最新の状態に保つこと。",
		memberProp: "年1回の棚卸しに加え、機器の導入・廃棄の都度、台帳を更新する手順を定めること。",
	}
	chief, err := workspace.Create(filepath.Join(t.TempDir(), "chief"), []byte(testPassphrase), chiefName, audit.RoleChief, chiefOpts)
	if err != nil {
		t.Fatal(err)
	}
	st.chief = chief
	t.Cleanup(func() { chief.Close() })
	if st.engID, err = fixtures.Demo(chief); err != nil {
		t.Fatal(err)
	}
	audits, err := chief.Audits(st.engID)
	if err != nil || len(audits) == 0 {
		t.Fatalf("demo audits: %v, %v", audits, err)
	}
	st.auditID = audits[0].ID
	if _, err := chief.CreateFolder(st.engID, st.folder); err != nil {
		t.Fatal(err)
	}
	member, err := workspace.Create(st.member.Dir, []byte(testPassphrase), memberName, audit.RoleAuditor, memberOpts)
	if err != nil {
		t.Fatal(err)
	}
	req, _, err := member.JoinRequest()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chief.AddTeamMember(st.folder, req, audit.RoleAuditor); err != nil {
		t.Fatal(err)
	}
	for _, w := range []*workspace.Workspace{chief, member} {
		if _, err := w.Sync(t.Context(), st.folder, nil); err != nil {
			t.Fatalf("first sync of %s: %v", w.Me().Name, err)
		}
	}
	state, err := member.AuditState(st.auditID)
	if err != nil {
		t.Fatal(err)
	}
	st.item = state.Items[2]
	for _, e := range []struct {
		w         *workspace.Workspace
		obs, prop string
	}{{chief, st.chiefObs, st.chiefProp}, {member, st.memberObs, st.memberProp}} {
		if err := e.w.SetResult(st.auditID, st.item.No, workspace.ResultPatch{Observation: &e.obs, Proposal: &e.prop}); err != nil {
			t.Fatal(err)
		}
	}
	// And the chief photographed the ledger.
	photo := filepath.Join(t.TempDir(), "資産台帳.jpg")
	writeTestJPEG(t, photo)
	if _, err := chief.AddEvidence(t.Context(), st.auditID, []string{st.item.No}, photo, "情報資産台帳（窓口端末の頁）"); err != nil {
		t.Fatal(err)
	}
	if _, err := chief.Sync(t.Context(), st.folder, nil); err != nil {
		t.Fatal(err)
	}
	if err := member.Close(); err != nil {
		t.Fatal(err)
	}
	return st
}

// openSyncScreen unlocks the member's store in the GUI and opens the sync
// screen from home.
func openSyncScreen(t *testing.T, st *syncTeam) (*App, *queueRunner, *syncScreen) {
	t.Helper()
	u, q := newTestApp(t, st.member)
	unlock := screenOf[*unlockScreen](t, u)
	test.Type(unlock.pass, testPassphrase)
	typeEnter(unlock.pass)
	q.settle(t)
	home := screenOf[*homeScreen](t, u)
	if home.unsynced.count != st.unsynced || !home.unsynced.widget.Visible() {
		t.Errorf("home unsynced badge = %d (visible %v), want the member's %d edits", home.unsynced.count, home.unsynced.widget.Visible(), st.unsynced)
	}
	assertShows(t, u, "未同期 "+strconv.Itoa(st.unsynced)+"件")
	test.Tap(home.sync.Button)
	q.settle(t)
	return u, q, screenOf[*syncScreen](t, u)
}

// syncNow runs 同期 on the sync screen and waits for it.
func syncNow(t *testing.T, u *App, q *queueRunner, s *syncScreen) {
	t.Helper()
	test.Tap(s.syncBtn)
	if s.progress == nil || !s.busy.busy() || !s.syncBtn.Disabled() {
		t.Error("no progress dialog or busy state while syncing")
	}
	q.settle(t)
	if s.summary == nil {
		t.Fatalf("no summary after the sync; message: %s", s.message.text())
	}
}

func TestSyncScreenSyncsTwoStoresAndShowsTheSummary(t *testing.T) {
	st := newSyncTeam(t)
	u, q, s := openSyncScreen(t, st)

	// The folder is remembered from the last sync, the team read from it.
	if got := s.folder.Text; got != st.folder {
		t.Errorf("folder = %q, want the one synced last %q", got, st.folder)
	}
	if s.team == nil || len(s.team.Members) != 2 {
		t.Fatalf("team = %+v, want the chief and the member", s.team)
	}
	fp, err := u.ws.Fingerprint()
	if err != nil {
		t.Fatal(err)
	}
	assertShows(t, u, fp)
	assertShows(t, u, "未同期の変更が 2 件あります。")
	for _, m := range s.team.Members {
		assertShows(t, u, m.Fingerprint)
	}
	if !s.addMember.Hidden || !s.create.Hidden {
		t.Error("an auditor is offered the chief's team actions")
	}

	syncNow(t, u, q, s)
	rep := s.summary.report
	if rep.Published != 2 {
		t.Errorf("published %d ops, want the member's 2", rep.Published)
	}
	if rep.NewOps[chiefName] == 0 {
		t.Errorf("new ops = %v, want some from %s", rep.NewOps, chiefName)
	}
	assertShows(t, u, "同期しました。")
	assertShows(t, u, "送信：この端末の変更 2 件、証跡ファイル 0 件を書き込みました。")
	assertShows(t, u, "受信："+chiefName+"さんの変更 "+strconv.Itoa(rep.NewOps[chiefName])+" 件")
	if rep.Imported == 0 {
		t.Error("the chief's photo was not imported")
	}
	assertShows(t, u, "証跡ファイル "+strconv.Itoa(rep.Imported)+" 件を取り込みました。")
	assertShows(t, u, "競合（2件）")
	assertShows(t, u, "No."+st.item.No+" "+oneLine(st.item.Title)+" ・ 監査実施内容")
	assertShows(t, u, "No."+st.item.No+" "+oneLine(st.item.Title)+" ・ 改善提案")
	assertShows(t, u, "保留（0件）")
	assertShows(t, u, "この端末の変更はすべて同期済みです。")
	if n, err := u.ws.Unsynced(); err != nil || n != 0 {
		t.Errorf("Unsynced after the sync = %d, %v; want 0", n, err)
	}

	// The store has both values as a conflict.
	state, err := u.ws.AuditState(st.auditID)
	if err != nil {
		t.Fatal(err)
	}
	it, _ := state.Item(st.item.No)
	if got := it.Conflicts[fieldObservation]; len(got) != 2 {
		t.Fatalf("observation conflict in the store = %q, want both values", got)
	}

	// A conflict's 開く opens the item in the workspace.
	if len(s.summary.links) != 2 {
		t.Fatalf("conflict links = %d, want 2", len(s.summary.links))
	}
	test.Tap(s.summary.links[0])
	q.settle(t)
	a := screenOf[*auditScreen](t, u)
	if a.current < 0 || a.state.Items[a.current].ID != st.item.ID {
		t.Fatalf("audit screen shows item %d, want %s", a.current, st.item.No)
	}
	assertShows(t, u, "競合：他の端末の編集と食い違っています（値が2つ）。採用する値を選ぶか、書き直してください。")
}

// TestSyncScreenCancel: Cancel stops the sync; the screen says so and
// stays usable.
// holdingSync holds a sync at its first progress report until the sync's
// context is cancelled, so Cancel is pressed while the sync runs.
type holdingSync struct {
	Workspace
	started chan struct{}
}

func (h *holdingSync) SyncWithProgress(ctx context.Context, dir string, progress func(workspace.SyncProgress)) (*workspace.SyncReport, error) {
	var once sync.Once
	return h.Workspace.SyncWithProgress(ctx, dir, func(p workspace.SyncProgress) {
		once.Do(func() {
			close(h.started)
			<-ctx.Done()
		})
		progress(p)
	})
}

func TestSyncScreenCancel(t *testing.T) {
	st := newSyncTeam(t)
	u, q, s := openSyncScreen(t, st)
	h := &holdingSync{Workspace: s.ws, started: make(chan struct{})}
	s.ws = h
	test.Tap(s.syncBtn)
	select {
	case <-h.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the sync never reported progress")
	}
	if !s.busy.busy() || !s.syncBtn.Disabled() {
		t.Error("screen not busy while the sync runs")
	}
	test.Tap(s.progress.cancel)
	q.settle(t)
	if s.busy.busy() || s.syncBtn.Disabled() {
		t.Error("screen still busy after the sync was cancelled")
	}
	if got := s.message.text(); !strings.HasPrefix(got, "同期を中止しました。") {
		t.Errorf("message = %q, want the cancellation", got)
	}
	if s.summary != nil {
		t.Error("a summary is shown for a cancelled sync")
	}
	// The member's edits were published before the cancel reached the
	// sync: they stay published.
	if n, err := u.ws.Unsynced(); err != nil || n != 0 {
		t.Errorf("Unsynced after the cancelled sync = %d, %v; want 0 (published before the cancel)", n, err)
	}
	// A later sync completes.
	s.ws = u.ws
	syncNow(t, u, q, s)
}

func TestSyncScreenNotAFolder(t *testing.T) {
	st := newSyncTeam(t)
	u, q, s := openSyncScreen(t, st)
	s.folder.SetText(t.TempDir())
	s.onFolderChosen()
	q.settle(t)
	assertShows(t, u, "このフォルダはまだ共有フォルダではありません。主監査人が作成したフォルダを選んでください。")
	test.Tap(s.syncBtn)
	q.settle(t)
	if !strings.HasPrefix(s.message.text(), "このフォルダは共有フォルダではありません。") {
		t.Errorf("message = %q, want the not-a-folder explanation", s.message.text())
	}
	if n, err := u.ws.Unsynced(); err != nil || n != 2 {
		t.Errorf("Unsynced after a failed sync = %d, %v; want the 2 edits still", n, err)
	}
}

// conflictOnScreen syncs through the GUI and opens the conflicting item.
func conflictOnScreen(t *testing.T) (*syncTeam, *App, *queueRunner, *auditScreen) {
	t.Helper()
	st := newSyncTeam(t)
	u, q, s := openSyncScreen(t, st)
	syncNow(t, u, q, s)
	test.Tap(s.summary.links[0])
	q.settle(t)
	return st, u, q, screenOf[*auditScreen](t, u)
}

func TestConflictViewKeepsTheChosenValue(t *testing.T) {
	st, u, q, a := conflictOnScreen(t)
	a.openConflictView(fieldObservation)
	v := a.conflictView
	if v == nil || len(v.choices) != 2 || len(v.keep) != 2 {
		t.Fatalf("conflict view = %+v, want two values side by side", v)
	}
	assertShows(t, u, st.chiefObs)
	assertShows(t, u, st.memberObs)
	authors := map[string]bool{}
	for _, c := range v.choices {
		authors[c.author] = true
		if c.at.IsZero() {
			t.Errorf("value %q has no time", c.value)
		}
	}
	if !authors[chiefName] || !authors[memberName] {
		t.Errorf("authors = %v, want %s and %s", authors, chiefName, memberName)
	}
	keep := -1
	for i, c := range v.choices {
		if c.value == st.memberObs {
			keep = i
		}
	}
	if keep < 0 {
		t.Fatalf("the member's value is not among %+v", v.choices)
	}
	test.Tap(v.keep[keep])
	q.settle(t)
	a.flushSaves()

	state, err := u.ws.AuditState(st.auditID)
	if err != nil {
		t.Fatal(err)
	}
	it, _ := state.Item(st.item.No)
	if got := it.Result.Observation; got != st.memberObs {
		t.Errorf("stored observation = %q, want the kept %q", got, st.memberObs)
	}
	if c, ok := it.Conflicts[fieldObservation]; ok {
		t.Errorf("observation still in conflict in the store: %q", c)
	}
	if _, ok := it.Conflicts[fieldProposal]; !ok {
		t.Error("the proposal's conflict was resolved too; only the observation was chosen")
	}
	if got := a.observation.Text; got != st.memberObs {
		t.Errorf("observation field shows %q, want the kept value", got)
	}
}

func TestConflictViewHandMerge(t *testing.T) {
	st, u, q, a := conflictOnScreen(t)
	a.openConflictView(fieldProposal)
	v := a.conflictView
	if v == nil || v.merged == nil {
		t.Fatal("no hand-merge text for a text field")
	}
	// The draft holds both values for the user to edit.
	if !strings.Contains(v.merged.Text, st.chiefProp) || !strings.Contains(v.merged.Text, st.memberProp) {
		t.Errorf("merge draft = %q, want both values", v.merged.Text)
	}
	merged := st.chiefProp + "\nなお、" + st.memberProp
	v.merged.SetText(merged)
	test.Tap(v.save)
	q.settle(t)
	a.flushSaves()

	state, err := u.ws.AuditState(st.auditID)
	if err != nil {
		t.Fatal(err)
	}
	it, _ := state.Item(st.item.No)
	if got := it.Result.Proposal; got != merged {
		t.Errorf("stored proposal = %q, want the merged %q", got, merged)
	}
	if c, ok := it.Conflicts[fieldProposal]; ok {
		t.Errorf("proposal still in conflict in the store: %q", c)
	}
	if a.conflicts[fieldProposal].Visible() {
		t.Error("the proposal's conflict note is still shown")
	}
}

// writeTestJPEG writes a small photo-like JPEG to path.
func writeTestJPEG(t *testing.T, path string) {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 640, 480))
	for y := 0; y < 480; y++ {
		for x := 0; x < 640; x++ {
			img.Set(x, y, color.RGBA{uint8(x / 3), uint8(y / 2), 160, 255})
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := jpeg.Encode(f, img, nil); err != nil {
		t.Fatal(err)
	}
}

// tickingClock reads start, then a second later on each call.
func tickingClock(start time.Time) func() time.Time {
	var n atomic.Int64
	return func() time.Time { return start.Add(time.Duration(n.Add(1)) * time.Second) }
}

// TestSyncErrorTextFullDisk: a full disk is named, and which one: the
// folder's (this device's changes were not published) or this device's.
func TestSyncErrorTextFullDisk(t *testing.T) {
	if err := UseLanguage(Japanese); err != nil {
		t.Fatal(err)
	}
	full := &os.PathError{Op: "write", Path: "m/a/b/x.bdl", Err: syscall.ENOSPC}
	folder := fmt.Errorf("sync: %w: %w", workspace.ErrPublish, full)
	store := fmt.Errorf("sync: apply: %w", full)
	if got := syncErrorText(folder); !strings.Contains(got, "共有フォルダのディスク") {
		t.Errorf("folder full: %q", got)
	}
	if got := syncErrorText(store); !strings.Contains(got, "この端末のディスク") {
		t.Errorf("store full: %q", got)
	}
	if got := syncErrorText(errors.New("boom")); got != lang.L("sync.failed") {
		t.Errorf("other error: %q", got)
	}
}
