package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/jpcal"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// recordTeam is a sync team whose hearing (on the team's item) and
// review note were edited on both laptops offline: the hearing's notes
// and the note's text are in conflict in the member's store (the GUI's).
type recordTeam struct {
	*syncTeam
	hearing, note                     string // ids
	chiefNotes, memberNotes           string // the hearing's notes
	chiefNoteText, memberNoteText     string // the review note's text
	hearingAt                         time.Time
	statementText, memberStatementAdd string
}

func newRecordTeam(t *testing.T) *recordTeam {
	t.Helper()
	st := newSyncTeam(t)
	rt := &recordTeam{syncTeam: st,
		chiefNotes:     "課長の説明は資料と一致していた。",
		memberNotes:    "課長の説明のうち、棚卸しの時期は資料で確認できなかった。",
		chiefNoteText:  "窓口端末の台数を資産台帳の写しで確認してください。",
		memberNoteText: "窓口端末の台数と設置場所を、資産台帳の写しで確認してください。",
		hearingAt:      time.Date(2026, 5, 1, 14, 0, 0, 0, jpcal.JST),
		statementText:  "窓口端末は次回の棚卸しで台帳に登録する予定である。",
	}
	var err error
	if rt.hearing, err = st.chief.AddHearing(st.auditID, workspace.NewHearing{At: rt.hearingAt, Place: "区民課",
		Interviewees: []audit.Interviewee{{Division: "区民課", Role: "課長"}},
		Statements:   []workspace.NewStatement{{Text: rt.statementText, ItemNos: []string{st.item.No}}},
		Notes:        "録音なし"}); err != nil {
		t.Fatal(err)
	}
	if rt.note, err = st.chief.AddNote(st.auditID, st.item.No, "窓口端末の台数を確認してください。"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.chief.Sync(t.Context(), st.folder, nil); err != nil {
		t.Fatal(err)
	}
	member, err := workspace.Open(st.member.Dir, []byte(testPassphrase), st.member.Options)
	if err != nil {
		t.Fatal(err)
	}
	defer member.Close()
	if _, err := member.Sync(t.Context(), st.folder, nil); err != nil {
		t.Fatal(err)
	}
	for _, e := range []struct {
		w           *workspace.Workspace
		notes, text string
	}{{member, rt.memberNotes, rt.memberNoteText}, {st.chief, rt.chiefNotes, rt.chiefNoteText}} {
		if err := e.w.SetField(st.auditID, rt.hearing, "notes", e.notes); err != nil {
			t.Fatal(err)
		}
		if err := e.w.SetField(st.auditID, rt.note, "text", e.text); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range []*workspace.Workspace{st.chief, member} {
		if _, err := w.Sync(t.Context(), st.folder, nil); err != nil {
			t.Fatal(err)
		}
	}
	state, err := member.AuditState(st.auditID)
	if err != nil {
		t.Fatal(err)
	}
	if len(state.RecordConflicts[rt.hearing]["notes"]) != 2 || len(state.RecordConflicts[rt.note]["text"]) != 2 {
		t.Fatalf("record conflicts = %+v, want the hearing's notes and the note's text", state.RecordConflicts)
	}
	return rt
}

func storedRecords(t *testing.T, ws Workspace, auditID string) *workspace.AuditState {
	t.Helper()
	st, err := ws.AuditState(auditID)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func TestRecordConflictHearingKeepsTheChosenValue(t *testing.T) {
	rt := newRecordTeam(t)
	u, q, _ := newWorkspaceApp(t, rt.member)
	s := openAuditAt(t, u, q, rt.auditID, rt.item.No)
	assertShows(t, u, "競合：「備考」が他の端末の編集と食い違っています（値が2つ）。")
	assertShows(t, u, "競合：「レビューノート」が他の端末の編集と食い違っています（値が2つ）。")

	s.openRecordConflictView(rt.hearing, "notes")
	v := s.conflictView
	if v == nil || len(v.choices) != 2 || len(v.keep) != 2 || v.merged == nil {
		t.Fatalf("conflict view = %+v, want two values and a hand merge", v)
	}
	if !strings.Contains(v.merged.Text, rt.chiefNotes) || !strings.Contains(v.merged.Text, rt.memberNotes) {
		t.Errorf("merge draft = %q, want both values", v.merged.Text)
	}
	keep := -1
	for i, c := range v.choices {
		if c.value == rt.chiefNotes {
			keep = i
			if c.author != chiefName || c.at.IsZero() {
				t.Errorf("the chief's value reads as by %q at %v", c.author, c.at)
			}
		}
	}
	if keep < 0 {
		t.Fatalf("the chief's value is not among %+v", v.choices)
	}
	test.Tap(v.keep[keep])
	q.settle(t)

	st := storedRecords(t, u.ws, rt.auditID)
	for _, h := range st.Hearings {
		if h.ID == rt.hearing && h.Notes != rt.chiefNotes {
			t.Errorf("stored hearing notes = %q, want the kept %q", h.Notes, rt.chiefNotes)
		}
	}
	if c := st.RecordConflicts[rt.hearing]; len(c) != 0 {
		t.Errorf("hearing still in conflict in the store: %+v", c)
	}
	if len(st.RecordConflicts[rt.note]["text"]) != 2 {
		t.Error("the note's conflict was resolved too; only the hearing's was chosen")
	}
	assertShows(t, u, "競合を解決しました。")
	for _, txt := range visibleTexts(u) {
		if strings.HasPrefix(txt, "競合：「備考」") {
			t.Error("the hearing's conflict is still shown")
		}
	}
}

func TestRecordConflictNoteMergedByHandInTheQueue(t *testing.T) {
	rt := newRecordTeam(t)
	u, q, _ := newWorkspaceApp(t, rt.member)
	u.navigate(Route{Page: PageReview, AuditID: rt.auditID})
	q.settle(t)
	r := screenOf[*reviewScreen](t, u)
	assertShows(t, u, "競合：「レビューノート」が他の端末の編集と食い違っています（値が2つ）。")

	r.openNoteConflict(rt.note, "text")
	v := r.conflictView
	if v == nil || v.merged == nil {
		t.Fatal("no hand merge for the note's text")
	}
	if !strings.Contains(v.merged.Text, rt.chiefNoteText) || !strings.Contains(v.merged.Text, rt.memberNoteText) {
		t.Errorf("merge draft = %q, want both values", v.merged.Text)
	}
	merged := "窓口端末の台数と設置場所を、資産台帳の写しと現物で確認してください。"
	v.merged.SetText(merged)
	test.Tap(v.save)
	q.settle(t)

	st := storedRecords(t, u.ws, rt.auditID)
	for _, n := range st.Notes {
		if n.ID == rt.note && n.Text != merged {
			t.Errorf("stored note text = %q, want the merged %q", n.Text, merged)
		}
	}
	if c := st.RecordConflicts[rt.note]; len(c) != 0 {
		t.Errorf("note still in conflict in the store: %+v", c)
	}
	// The queue was read again and shows the merged text.
	assertShows(t, u, "【未回答】"+merged)
}

func TestReviewNoteOnADocumentSection(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newReviewDemoStore(t))
	auditID := demoDatacenterID(t, u)
	u.navigate(Route{Page: PageReview, AuditID: auditID})
	q.settle(t)
	r := screenOf[*reviewScreen](t, u)
	assertShows(t, u, "文書へのレビューノート")

	// Without a section nothing is written.
	test.Type(r.docNote, "総評の表現が強すぎます。")
	test.Tap(r.addDocNote)
	q.settle(t)
	assertShows(t, u, "節を選び、レビューノートを入力してください。")

	r.docSection.SetSelected("監査報告書：総評")
	test.Tap(r.addDocNote)
	q.settle(t)
	st := storedRecords(t, u.ws, auditID)
	var note audit.ReviewNote
	for _, n := range st.Notes {
		if n.Target == "report/summary" {
			note = n
		}
	}
	if note.Text != "総評の表現が強すぎます。" || note.Status != audit.NoteOpen {
		t.Fatalf("stored notes = %+v, want the open note on report/summary", st.Notes)
	}
	assertShows(t, u, "レビューノートを追加しました。")
	assertShows(t, u, "監査報告書：総評")
	assertShows(t, u, "【未回答】総評の表現が強すぎます。")
	if r.docNote.Text != "" {
		t.Errorf("note field still holds %q", r.docNote.Text)
	}

	// Answered, then closed, from the queue.
	test.Type(r.answers[note.ID], "「重大な」を削除しました。")
	test.Tap(r.answerBtns[note.ID])
	q.settle(t)
	assertShows(t, u, "【回答済】総評の表現が強すぎます。")
	test.Tap(r.closeBtns[note.ID])
	q.settle(t)
	for _, n := range storedRecords(t, u.ws, auditID).Notes {
		if n.ID == note.ID && (n.Status != audit.NoteClosed || n.Response != "「重大な」を削除しました。") {
			t.Errorf("stored note = %+v, want closed with the response", n)
		}
	}
	if _, ok := r.answers[note.ID]; ok {
		t.Error("the closed note is still listed")
	}
}

func TestReviewQueueFromHomeAndTheAuditMenu(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newReviewDemoStore(t))
	home := screenOf[*homeScreen](t, u)
	if !home.review.Disabled() {
		t.Error("レビュー一覧 enabled with no audit selected")
	}
	dc := demoDatacenter(t, home)
	for i, a := range home.audits {
		if a.ID == dc.ID {
			home.auditList.Select(i)
		}
	}
	test.Tap(home.review.Button)
	q.settle(t)
	r := screenOf[*reviewScreen](t, u)
	if r.route.AuditID != dc.ID || r.queue == nil {
		t.Fatalf("review queue of %q (loaded %v), want %s", r.route.AuditID, r.queue != nil, dc.ID)
	}

	// From the workspace, the 監査 menu opens it too.
	openAuditAt(t, u, q, dc.ID, "")
	if u.audit.review.Disabled {
		t.Fatal("レビュー一覧 disabled in the 監査 menu on the workspace")
	}
	u.audit.review.Action()
	q.settle(t)
	if r := screenOf[*reviewScreen](t, u); r.route.AuditID != dc.ID {
		t.Errorf("menu opened the queue of %q, want %s", r.route.AuditID, dc.ID)
	}
	if !u.audit.review.Disabled {
		t.Error("レビュー一覧 enabled in the 監査 menu off the workspace")
	}
}

func TestRecordConflictStatementsMergedByTicking(t *testing.T) {
	rt := newRecordTeam(t)
	// Both add a statement to the hearing offline.
	member, err := workspace.Open(rt.member.Dir, []byte(testPassphrase), rt.member.Options)
	if err != nil {
		t.Fatal(err)
	}
	chiefStmt, memberStmt := "台帳の更新は年1回である。", "廃棄した端末は台帳から削除していない。"
	for _, e := range []struct {
		w    *workspace.Workspace
		text string
	}{{member, memberStmt}, {rt.chief, chiefStmt}} {
		sts := []audit.Statement{{Text: rt.statementText, Items: []string{rt.item.ID}}, {Text: e.text, Items: []string{rt.item.ID}}}
		if err := e.w.SetField(rt.auditID, rt.hearing, "statements", sts); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range []*workspace.Workspace{rt.chief, member} {
		if _, err := w.Sync(t.Context(), rt.folder, nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := member.Close(); err != nil {
		t.Fatal(err)
	}

	u, q, _ := newWorkspaceApp(t, rt.member)
	s := openAuditAt(t, u, q, rt.auditID, rt.item.No)
	assertShows(t, u, "競合：「発言」が他の端末の編集と食い違っています（値が2つ）。")
	s.openRecordConflictView(rt.hearing, "statements")
	v := s.conflictView
	if v == nil || len(v.unitChecks) != 3 || v.save == nil {
		t.Fatalf("conflict view = %+v, want the three distinct statements to tick", v)
	}
	for i, c := range v.unitChecks {
		if !c.Checked {
			t.Errorf("statement %d not ticked at first", i)
		}
		if !strings.Contains(c.Text, "（No."+rt.item.No+"）") {
			t.Errorf("statement %q does not name its item", c.Text)
		}
	}
	// Keep the common statement and the member's, drop the chief's.
	for i, c := range v.unitChecks {
		if strings.Contains(c.Text, chiefStmt) {
			v.unitChecks[i].SetChecked(false)
		}
	}
	test.Tap(v.save)
	q.settle(t)

	st := storedRecords(t, u.ws, rt.auditID)
	for _, h := range st.Hearings {
		if h.ID != rt.hearing {
			continue
		}
		if len(h.Statements) != 2 || h.Statements[0].Text != rt.statementText || h.Statements[1].Text != memberStmt ||
			len(h.Statements[1].Items) != 1 || h.Statements[1].Items[0] != rt.item.ID {
			t.Errorf("stored statements = %+v, want the common one and the member's, linked to the item", h.Statements)
		}
	}
	if c := st.RecordConflicts[rt.hearing]["statements"]; len(c) != 0 {
		t.Errorf("statements still in conflict: %+v", c)
	}
}
