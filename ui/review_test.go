package ui

import (
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/kansa-audit/kansa/fixtures"
	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// newReviewDemoStore makes a store of a chief auditor holding the demo.
func newReviewDemoStore(t *testing.T) DirStore {
	t.Helper()
	store := DirStore{Dir: filepath.Join(t.TempDir(), "store"), Options: fastOptions}
	ws, err := workspace.Create(store.Dir, []byte(testPassphrase), chiefName, audit.RoleChief, fastOptions)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fixtures.Demo(ws); err != nil {
		t.Fatal(err)
	}
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	return store
}

// openRatedItem opens the datacenter audit of the demo at its first
// rated item (a sign-off needs a result).
func openRatedItem(t *testing.T, u *App, q *queueRunner) (*auditScreen, string) {
	t.Helper()
	id := demoDatacenterID(t, u)
	st, err := u.ws.AuditState(id)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range st.Items {
		if it.Result.Rating != "" {
			return openAuditAt(t, u, q, id, it.No), id
		}
	}
	t.Fatal("no rated item in the demo")
	return nil, ""
}

func TestReviewNoteFromTheItemShowsInTheQueue(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newReviewDemoStore(t))
	s, auditID := openRatedItem(t, u, q)
	it := s.state.Items[s.current]
	p := s.review
	test.Type(p.noteText, "証跡の撮影日時を確認してください。")
	test.Tap(p.addNote)
	q.settle(t)

	st, err := u.ws.AuditState(auditID)
	if err != nil {
		t.Fatal(err)
	}
	var note audit.ReviewNote
	for _, n := range st.Notes {
		if n.Target == it.ID {
			note = n
		}
	}
	if note.Text != "証跡の撮影日時を確認してください。" || note.Status != audit.NoteOpen {
		t.Fatalf("stored note = %+v, want the open note on %s", note, it.No)
	}
	assertShows(t, u, "証跡の撮影日時を確認してください。")
	assertShows(t, u, "レビューノートを追加しました。")

	// The preparer answers it from the item.
	test.Type(s.review.answers[note.ID], "撮影日時は令和8年9月10日です。")
	test.Tap(s.review.answerBtns[note.ID])
	q.settle(t)

	u.navigate(Route{Page: PageReview, AuditID: auditID})
	q.settle(t)
	r := screenOf[*reviewScreen](t, u)
	if r.queue == nil || len(r.queue.OpenNotes) != 1 || r.queue.OpenNotes[0].ID != note.ID {
		t.Fatalf("queue = %+v, want the note", r.queue)
	}
	if got := r.queue.OpenNotes[0].Status; got != audit.NoteAnswered {
		t.Errorf("note status = %s, want answered", got)
	}
	assertShows(t, u, "未完了のレビューノート（1件）")
	assertShows(t, u, "No."+it.No+" "+oneLine(it.Title))
	assertShows(t, u, "【回答済】証跡の撮影日時を確認してください。")
	if len(r.links) != 1 {
		t.Fatalf("open links = %d, want 1", len(r.links))
	}
	test.Tap(r.links[0])
	q.settle(t)
	back := screenOf[*auditScreen](t, u)
	if back.state.Items[back.current].ID != it.ID {
		t.Errorf("開く opened item %s, want %s", back.state.Items[back.current].No, it.No)
	}

	// Closing it empties the queue.
	test.Tap(back.review.closeBtns[note.ID])
	q.settle(t)
	queue, err := u.ws.ReviewQueue(auditID)
	if err != nil {
		t.Fatal(err)
	}
	if len(queue.OpenNotes) != 0 {
		t.Errorf("open notes after closing = %+v", queue.OpenNotes)
	}
}

func TestSignOffGoesStaleOnEditAndTheQueueSaysSo(t *testing.T) {
	u, q, ft := newWorkspaceApp(t, newReviewDemoStore(t))
	s, auditID := openRatedItem(t, u, q)
	it := s.state.Items[s.current]

	test.Tap(s.review.prepare)
	q.settle(t)
	assertShows(t, u, "作成者としてサインオフしました。")
	queue, err := u.ws.ReviewQueue(auditID)
	if err != nil {
		t.Fatal(err)
	}
	if len(queue.AwaitingReview) != 1 || queue.AwaitingReview[0].Target != it.ID {
		t.Fatalf("awaiting review = %+v, want item %s", queue.AwaitingReview, it.No)
	}

	// Nobody reviews their own work.
	test.Tap(s.review.review)
	q.settle(t)
	if got := s.message.text(); !strings.HasPrefix(got, "自分が作成した内容を") {
		t.Errorf("message = %q, want the self-review refusal", got)
	}

	// An edit after the sign-off makes it stale, on the item and in the queue.
	test.Type(s.observation, "（追記）")
	q.settle(t)
	ft.fire()
	q.settle(t)
	if got := stored(t, u.ws, auditID, it.No).Result.Observation; !strings.Contains(got, "（追記）") {
		t.Fatalf("stored observation = %q, want the edit", got)
	}
	var stale bool
	for _, so := range s.state.SignOffs {
		if so.Target == it.ID && so.Kind == audit.SignPreparer && so.Stale {
			stale = true
		}
	}
	if !stale {
		t.Fatalf("sign-offs after the edit = %+v, want the preparer's stale", s.state.SignOffs)
	}
	found := false
	for _, txt := range visibleTexts(u) {
		if strings.HasPrefix(txt, "作成者サインオフ：") && strings.HasSuffix(txt, "要再サインオフ（サインオフ後に変更あり）") {
			found = true
		}
	}
	if !found {
		t.Errorf("no stale marker on the item; it shows:\n%s", strings.Join(visibleTexts(u), "\n"))
	}

	u.navigate(Route{Page: PageReview, AuditID: auditID})
	q.settle(t)
	r := screenOf[*reviewScreen](t, u)
	if len(r.queue.Stale) != 1 {
		t.Fatalf("stale sign-offs = %+v, want 1", r.queue.Stale)
	}
	assertShows(t, u, "要再サインオフ：サインオフ後に変更あり（1件）")

	// The chief approves; the audit is locked.
	test.Tap(r.approve)
	if r.approving == nil {
		t.Fatal("no confirmation before approving")
	}
	test.Tap(r.approving.confirm)
	q.settle(t)
	if !r.queue.Locked {
		t.Error("queue not locked after the approval")
	}
	assertShows(t, u, "この監査は承認済みで、編集できないようロックされています。")
	if err := u.ws.SetField(auditID, it.ID, fieldObservation, "承認後の編集"); err == nil {
		t.Error("an approved audit accepted an edit")
	}

	// Reopening needs a reason; then the audit can be edited again.
	test.Tap(r.reopen)
	q.settle(t)
	if !r.queue.Locked {
		t.Fatal("reopened without a reason")
	}
	assertShows(t, u, "再開の理由を入力してください。")
	test.Type(r.reason, "受検部門から追加資料の提出があったため")
	test.Tap(r.reopen)
	q.settle(t)
	if r.queue.Locked {
		t.Fatal("still locked after reopening")
	}
	if err := u.ws.SetField(auditID, it.ID, fieldObservation, "再開後の編集"); err != nil {
		t.Errorf("edit after reopening: %v", err)
	}
}

// TestReviewTextSurvivesRefillAndLock: a review note and an answer being
// typed stay in their fields when the panel is rebuilt (another review
// action, the team's names arriving), are kept a second after the last
// keystroke and on lock, come back after unlocking, and leave the draft
// once sent.
func TestReviewTextSurvivesRefillAndLock(t *testing.T) {
	u, q, timers := newWorkspaceApp(t, newReviewDemoStore(t))
	s, auditID := openRatedItem(t, u, q)
	it := s.state.Items[s.current]
	// A note to answer later.
	test.Type(s.review.noteText, "承認記録の範囲を確認してください。")
	test.Tap(s.review.addNote)
	q.settle(t)
	if s.review.noteText.Text != "" {
		t.Fatalf("the note field still holds %q after adding it", s.review.noteText.Text)
	}
	var noteID string
	for _, n := range s.state.Notes {
		if n.Target == it.ID {
			noteID = n.ID
		}
	}

	note, answer := "月次の確認者も記載してください。", "課長が月次で確認しています。"
	test.Type(s.review.noteText, note)
	test.Type(s.review.answers[noteID], answer)
	s.fillReview() // what a sign-off, a sync or the names arriving do
	if s.review.noteText.Text != note || s.review.answers[noteID].Text != answer {
		t.Fatalf("after a refill: note %q, answer %q; want what was typed", s.review.noteText.Text, s.review.answers[noteID].Text)
	}
	timers.fire() // the draft write, a second after the last keystroke
	q.settle(t)
	d := map[string]string{}
	if ok, err := u.ws.Draft(reviewDraftKey(auditID), &d); !ok || err != nil || d[newNoteKey(it.ID)] != note || d[answerKey(noteID)] != answer {
		t.Fatalf("draft = %v (%v, %v); want the note and the answer", d, ok, err)
	}

	// More typing, then the lock: the draft is flushed as the store closes.
	test.Type(s.review.noteText, "（至急）")
	u.lock()
	q.settle(t)
	unlockHome(t, u, q)
	s = openAuditAt(t, u, q, auditID, it.No)
	q.settle(t)
	if got := s.review.noteText.Text; got != note+"（至急）" {
		t.Fatalf("note after unlocking = %q; want %q", got, note+"（至急）")
	}
	if got := s.review.answers[noteID].Text; got != answer {
		t.Fatalf("answer after unlocking = %q; want %q", got, answer)
	}

	// Sent, they leave the draft.
	test.Tap(s.review.answerBtns[noteID])
	q.settle(t)
	test.Tap(s.review.addNote)
	q.settle(t)
	d = map[string]string{}
	if ok, err := u.ws.Draft(reviewDraftKey(auditID), &d); ok || err != nil {
		t.Errorf("draft after sending both = %v (%v, %v); want none", d, ok, err)
	}
	if s.review.noteText.Text != "" {
		t.Errorf("note field after adding = %q", s.review.noteText.Text)
	}
}

// TestReviewQueueAnswerSurvivesReload: on the review queue, an answer
// being typed to one note stays when another note's answer reloads the
// queue, and when the user leaves and comes back.
func TestReviewQueueAnswerSurvivesReload(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newReviewDemoStore(t))
	auditID := demoDatacenterID(t, u)
	// Notes on document sections: the queue is where they are answered.
	for _, text := range []string{"総括の表現を確認してください。", "実施体制の記載を確認してください。"} {
		if _, err := u.ws.AddNote(auditID, "report/summary", text); err != nil {
			t.Fatal(err)
		}
	}
	u.navigate(Route{Page: PageReview, AuditID: auditID})
	q.settle(t)
	r := screenOf[*reviewScreen](t, u)
	if len(r.queue.OpenNotes) != 2 {
		t.Fatalf("open notes = %d; want 2", len(r.queue.OpenNotes))
	}
	first, second := r.queue.OpenNotes[0].ID, r.queue.OpenNotes[1].ID
	half := "途中まで書いた回答"
	test.Type(r.answers[first], half)
	test.Type(r.answers[second], "回答します。")
	test.Tap(r.answerBtns[second])
	q.settle(t)
	if got := r.answers[first].Text; got != half {
		t.Fatalf("the first note's answer after the queue reloaded = %q; want %q", got, half)
	}
	u.navigate(Route{Page: PageHome})
	q.settle(t)
	u.navigate(Route{Page: PageReview, AuditID: auditID})
	q.settle(t)
	r = screenOf[*reviewScreen](t, u)
	if got := r.answers[first].Text; got != half {
		t.Fatalf("the first note's answer after leaving and coming back = %q; want %q", got, half)
	}
	if got := r.answers[second]; got != nil && got.Text != "" {
		t.Errorf("the sent answer is still in its field: %q", got.Text)
	}
}
