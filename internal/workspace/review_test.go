package workspace

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/bolt"
)

func mustState(t *testing.T, w *Workspace, aud string) *AuditState {
	t.Helper()
	st, err := w.AuditState(aud)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

func mustSet(t *testing.T, w *Workspace, aud, no string, p ResultPatch) {
	t.Helper()
	if err := w.SetResult(aud, no, p); err != nil {
		t.Fatalf("%s: set result of %s: %v", w.Me().Name, no, err)
	}
}

func mustSignOff(t *testing.T, w *Workspace, aud, target string, kind audit.SignOffKind) audit.SignOff {
	t.Helper()
	so, err := w.SignOff(aud, target, kind)
	if err != nil {
		t.Fatalf("%s: %s sign-off of %s: %v", w.Me().Name, kind, target, err)
	}
	return so
}

// signOffState finds a sign-off in the state by id.
func signOffState(t *testing.T, st *AuditState, id string) SignOffState {
	t.Helper()
	for _, s := range st.SignOffs {
		if s.ID == id {
			return s
		}
	}
	t.Fatalf("sign-off %s not in the state (%d sign-offs)", id, len(st.SignOffs))
	return SignOffState{}
}

func TestReviewNoteLifecycle(t *testing.T) {
	w := mustWorkspace(t)
	_, aud := mustAudit(t, w, "datacenter")
	id, err := w.AddNote(aud, "１", "入退室記録の確認範囲を明記してください")
	if err != nil {
		t.Fatal(err)
	}
	sec, err := w.AddNote(aud, "report/summary", "総括の表現を再検討")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddNote(aud, "1", "  "); !errors.Is(err, ErrInvalid) {
		t.Fatalf("AddNote(empty text) = %v; want ErrInvalid", err)
	}
	st := mustState(t, w, aud)
	it, _ := st.Item("1")
	byID := map[string]audit.ReviewNote{}
	for _, n := range st.Notes {
		byID[n.ID] = n
	}
	if n := byID[id]; n.Target != it.ID || n.Status != audit.NoteOpen || n.Author != w.Me().Member {
		t.Fatalf("note on item 1 = %+v; want target %s, open, by %s", n, it.ID, w.Me().Member)
	}
	if n := byID[sec]; n.Target != "report/summary" {
		t.Fatalf("note on a section: target %q", n.Target)
	}
	if err := w.AnswerNote(id, ""); !errors.Is(err, ErrInvalid) {
		t.Fatalf("AnswerNote(empty) = %v; want ErrInvalid", err)
	}
	if err := w.AnswerNote(id, "9月分のみ確認した旨を追記しました"); err != nil {
		t.Fatal(err)
	}
	q, err := w.ReviewQueue(aud)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.OpenNotes) != 2 {
		t.Fatalf("queue: %d open notes; want 2 (one answered, one open)", len(q.OpenNotes))
	}
	for _, n := range q.OpenNotes {
		if n.ID == id && (n.Status != audit.NoteAnswered || n.Response == "" || n.Responder != w.Me().Member) {
			t.Fatalf("answered note = %+v", n)
		}
	}
	if err := w.CloseNote(id); err != nil {
		t.Fatal(err)
	}
	if err := w.AnswerNote(id, "again"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("answering a closed note = %v; want ErrInvalid", err)
	}
	if q, _ = w.ReviewQueue(aud); len(q.OpenNotes) != 1 || q.OpenNotes[0].ID != sec {
		t.Fatalf("after close, open notes = %+v; want only the section note", q.OpenNotes)
	}
	if err := w.ReopenNote(id); err != nil {
		t.Fatal(err)
	}
	if q, _ = w.ReviewQueue(aud); len(q.OpenNotes) != 2 {
		t.Fatalf("after reopen: %d open notes; want 2", len(q.OpenNotes))
	}
	if s := mustState(t, w, aud).Summary(); s.OpenNotes != 2 {
		t.Fatalf("summary open notes = %d; want 2", s.OpenNotes)
	}
	doc := mustState(t, w, aud).Show()
	if len(doc.Review.Notes) != 2 || doc.Review.Notes[0].Target != "1" {
		t.Fatalf("show review notes = %+v; want 2, the first on item 1 by number", doc.Review.Notes)
	}
}

func TestSelfReviewRefused(t *testing.T) {
	w := mustWorkspace(t) // a chief: may review, but not their own work
	_, aud := mustAudit(t, w, "datacenter")
	mustSet(t, w, aud, "1", ResultPatch{Rating: str("conform")})
	if _, err := w.SignOff(aud, "1", audit.SignReviewer); !errors.Is(err, ErrSelfReview) {
		t.Fatalf("review of own edit = %v; want ErrSelfReview", err)
	}
	if _, err := w.SignOff(aud, aud, audit.SignReviewer); !errors.Is(err, ErrSelfReview) {
		t.Fatalf("review of the whole audit holding own edits = %v; want ErrSelfReview", err)
	}
	if _, err := w.SignOff(aud, "2", audit.SignPreparer); !errors.Is(err, ErrInvalid) {
		t.Fatalf("sign-off of an item with no result = %v; want ErrInvalid", err)
	}
	if _, err := w.SignOff(aud, "999", audit.SignPreparer); !errors.Is(err, ErrNotFound) {
		t.Fatalf("sign-off of a missing item = %v; want ErrNotFound", err)
	}
	if _, err := w.SignOff(aud, "1", audit.SignApproval); !errors.Is(err, ErrInvalid) {
		t.Fatalf("SignOff(approval) = %v; want ErrInvalid (use Approve)", err)
	}
}

func TestNonChiefCannotApproveOrReview(t *testing.T) {
	for _, role := range []audit.Role{audit.RoleAuditor, audit.RoleAssistant, audit.RoleProjectManager} {
		w := newReplica(t, string(role), role, nil)
		_, aud := mustAudit(t, w, "datacenter")
		mustSet(t, w, aud, "1", ResultPatch{Rating: str("conform")})
		if _, err := w.Approve(aud); !errors.Is(err, ErrRole) {
			t.Fatalf("%s: Approve = %v; want ErrRole", role, err)
		}
		_, err := w.SignOff(aud, "1", audit.SignReviewer)
		want := ErrRole
		if role == audit.RoleAssistant {
			want = ErrSelfReview // may review, but this is their own work
		}
		if !errors.Is(err, want) {
			t.Fatalf("%s: reviewer sign-off = %v; want %v", role, err, want)
		}
		mustSignOff(t, w, aud, "1", audit.SignPreparer) // anyone prepares
		if st := mustState(t, w, aud); st.Audit.Locked {
			t.Fatalf("%s: audit locked without an approval", role)
		}
	}
}

func TestEditAfterSignOffMakesItStale(t *testing.T) {
	w := mustWorkspace(t)
	_, aud := mustAudit(t, w, "datacenter")
	mustSet(t, w, aud, "1", ResultPatch{Rating: str("conform"), Observation: str("確認した")})
	mustSet(t, w, aud, "2", ResultPatch{Rating: str("partial")})
	so := mustSignOff(t, w, aud, "1", audit.SignPreparer)
	whole := mustSignOff(t, w, aud, aud, audit.SignPreparer)
	// The item's sign-off covers its 2 result values and its checksheet
	// definition; the audit's covers every item.
	if len(so.Covers) <= 2 || len(whole.Covers) <= len(so.Covers) {
		t.Fatalf("covers: item %v, audit %v; want the result and definition op ids", so.Covers, whole.Covers)
	}
	for _, id := range so.Covers {
		if !slices.Contains(whole.Covers, id) {
			t.Fatalf("the audit's sign-off does not cover %s, which item 1's covers", id)
		}
	}
	st := mustState(t, w, aud)
	if s := signOffState(t, st, so.ID); s.Stale || !s.Valid {
		t.Fatalf("fresh sign-off: %+v; want valid, not stale", s)
	}
	// An edit of another item leaves the item's sign-off alone, but not the audit's.
	mustSet(t, w, aud, "2", ResultPatch{Proposal: str("手順書を整備すること")})
	st = mustState(t, w, aud)
	if signOffState(t, st, so.ID).Stale {
		t.Fatal("an edit of item 2 made item 1's sign-off stale")
	}
	if s := signOffState(t, st, whole.ID); !s.Stale || len(s.Changes) != 1 || s.Changes[0].ItemNo != "2" || s.Changes[0].Field != "proposal" {
		t.Fatalf("audit sign-off after an edit of item 2: %+v; want stale by item 2 proposal", s)
	}
	mustSet(t, w, aud, "1", ResultPatch{Observation: str("再確認した")})
	st = mustState(t, w, aud)
	s := signOffState(t, st, so.ID)
	if !s.Stale || len(s.Changes) != 1 || s.Changes[0].Field != "observation" || s.Changes[0].Op == "" || s.Changes[0].Author != "山田 太郎" {
		t.Fatalf("after an edit of item 1: %+v; want stale by the observation op, by 山田 太郎", s)
	}
	q := st.ReviewQueue()
	if len(q.Stale) != 2 || !strings.Contains(q.Stale[0].Reason+q.Stale[1].Reason, "item 1 observation edited by 山田 太郎") {
		t.Fatalf("queue stale = %+v; want both sign-offs, naming item 1 observation", q.Stale)
	}
	if len(q.AwaitingReview) != 2 {
		t.Fatalf("awaiting review = %+v; want the audit and item 1", q.AwaitingReview)
	}
	// Signing again: the new sign-off is current, the old one leaves the queue.
	mustSignOff(t, w, aud, "1", audit.SignPreparer)
	q = mustState(t, w, aud).ReviewQueue()
	if len(q.Stale) != 1 || q.Stale[0].ID != whole.ID {
		t.Fatalf("after signing again, stale = %+v; want only the audit's", q.Stale)
	}
	// A deleted item makes the audit sign-off stale too.
	w2 := mustWorkspace(t)
	_, aud2 := mustAudit(t, w2, "datacenter")
	mustSet(t, w2, aud2, "3", ResultPatch{Rating: str("conform")})
	all := mustSignOff(t, w2, aud2, aud2, audit.SignPreparer)
	if err := w2.DeleteItem(aud2, "3"); err != nil {
		t.Fatal(err)
	}
	if s := signOffState(t, mustState(t, w2, aud2), all.ID); !s.Stale || !s.Changes[0].Gone {
		t.Fatalf("after deleting the signed item: %+v; want stale, value gone", s)
	}
}

func TestApprovalLocksAndReopenUnlocks(t *testing.T) {
	w := mustWorkspace(t)
	_, aud := mustAudit(t, w, "datacenter")
	mustSet(t, w, aud, "1", ResultPatch{Rating: str("conform")})
	note, err := w.AddNote(aud, "1", "確認")
	if err != nil {
		t.Fatal(err)
	}
	ap, err := w.Approve(aud)
	if err != nil {
		t.Fatal(err)
	}
	if ap.Kind != audit.SignApproval || ap.Role != audit.RoleChief || len(ap.Sig) == 0 {
		t.Fatalf("approval = %+v", ap)
	}
	_, pub := mustKeys(t, w)
	if !ap.Verify(pub) {
		t.Fatal("the approval does not verify with this member's key")
	}
	edits := map[string]error{
		"SetResult": w.SetResult(aud, "1", ResultPatch{Rating: str("partial")}),
		"AddItem": func() error {
			_, err := w.AddItem(aud, audit.Item{No: "99", Title: "追加"})
			return err
		}(),
		"AddNote":    func() error { _, err := w.AddNote(aud, "1", "x"); return err }(),
		"AnswerNote": w.AnswerNote(note, "回答"),
		"SignOff":    func() error { _, err := w.SignOff(aud, "1", audit.SignPreparer); return err }(),
		"Approve":    func() error { _, err := w.Approve(aud); return err }(),
		"DeleteItem": w.DeleteItem(aud, "2"),
		"SetField": func() error {
			st := mustState(t, w, aud)
			it, _ := st.Item("1")
			return w.SetField(aud, it.ID, "observation", "x")
		}(),
	}
	for name, err := range edits {
		if !errors.Is(err, ErrLocked) {
			t.Errorf("%s on an approved audit = %v; want ErrLocked", name, err)
		}
	}
	st := mustState(t, w, aud)
	if !st.Audit.Locked || !signOffState(t, st, ap.ID).Locks {
		t.Fatal("state does not show the audit locked by the approval")
	}
	if doc := st.Show(); !doc.Audit.Locked || !doc.Review.Locked || len(doc.Review.SignOffs) != 1 || doc.Review.SignOffs[0].Kind != audit.SignApproval {
		t.Fatalf("show: locked %v/%v, sign-offs %+v", doc.Audit.Locked, doc.Review.Locked, doc.Review.SignOffs)
	}
	if err := w.Reopen(aud, " "); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Reopen without a reason = %v; want ErrInvalid", err)
	}
	if err := w.Reopen(aud, "指摘事項の追記のため"); err != nil {
		t.Fatal(err)
	}
	mustSet(t, w, aud, "1", ResultPatch{Rating: str("partial")})
	st = mustState(t, w, aud)
	s := signOffState(t, st, ap.ID)
	if st.Audit.Locked || !s.Reopened || s.ReopenReason != "指摘事項の追記のため" || s.Locks {
		t.Fatalf("after reopen: locked %v, approval %+v", st.Audit.Locked, s)
	}
	if err := w.Reopen(aud, "again"); !errors.Is(err, ErrNotApproved) {
		t.Fatalf("Reopen of an open audit = %v; want ErrNotApproved", err)
	}
	if q := st.ReviewQueue(); len(q.Stale) != 0 {
		t.Fatalf("a reopened approval is listed as stale: %+v", q.Stale)
	}
	// Approve again: locked again.
	if _, err := w.Approve(aud); err != nil {
		t.Fatal(err)
	}
	if err := w.SetResult(aud, "1", ResultPatch{Rating: str("conform")}); !errors.Is(err, ErrLocked) {
		t.Fatalf("edit after the second approval = %v; want ErrLocked", err)
	}
	// A remote-style write of the replicated "locked" field changes nothing:
	// the lock is the verified approval.
	if err := w.st.Update(func(tx *bolt.Tx) error { _, _, err := tx.Write(aud, "locked", false); return err }); err != nil {
		t.Fatal(err)
	}
	if err := w.SetResult(aud, "1", ResultPatch{Rating: str("conform")}); !errors.Is(err, ErrLocked) {
		t.Fatalf("after writing locked=false directly: %v; want ErrLocked", err)
	}
}

func mustKeys(t *testing.T, w *Workspace) (ed25519.PrivateKey, ed25519.PublicKey) {
	t.Helper()
	k, err := w.teamKeys()
	if err != nil {
		t.Fatal(err)
	}
	return k.Sign, k.Sign.Public().(ed25519.PublicKey)
}

// reviewTeam is a chief, an assistant (reviewer) and an auditor, on one
// folder, synced once. The auditor's own store claims the role chief; the
// roster gives them auditor.
type reviewTeam struct {
	fsys                      *memFolder
	chief, assistant, auditor *Workspace
	aud                       string
}

func newReviewTeam(t *testing.T) *reviewTeam {
	t.Helper()
	rt := &reviewTeam{fsys: newMemFolder(7)}
	rt.chief = newReplica(t, "主査", audit.RoleChief, nil)
	eng, err := rt.chief.CreateEngagement(audit.Engagement{Title: "監査", Client: "区", FiscalYear: 2026})
	if err != nil {
		t.Fatal(err)
	}
	if rt.aud, err = rt.chief.CreateAudit(NewAudit{EngagementID: eng, Kind: audit.KindInternal, Template: "internal"}); err != nil {
		t.Fatal(err)
	}
	if _, err := rt.chief.createFolder(eng, "mem", rt.fsys); err != nil {
		t.Fatal(err)
	}
	rt.assistant = newReplica(t, "補佐", audit.RoleAuditor, nil) // the roster makes them assistant
	rt.auditor = newReplica(t, "監査人", audit.RoleChief, nil)    // claims chief in their own store
	for _, m := range []struct {
		w    *Workspace
		role audit.Role
	}{{rt.assistant, audit.RoleAssistant}, {rt.auditor, audit.RoleAuditor}} {
		req, _, err := m.w.JoinRequest()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rt.chief.addTeamMember(rt.fsys, req, m.role); err != nil {
			t.Fatal(err)
		}
	}
	rt.syncAll(t)
	return rt
}

// syncAll syncs everyone twice and returns every report.
func (rt *reviewTeam) syncAll(t *testing.T) (reps []*SyncReport) {
	t.Helper()
	for range 2 {
		for _, w := range []*Workspace{rt.chief, rt.assistant, rt.auditor} {
			reps = append(reps, mustSync(t, w, rt.fsys))
		}
	}
	return reps
}

func TestReviewWorkflowAcrossTheTeam(t *testing.T) {
	rt := newReviewTeam(t)
	aud := rt.aud
	mustSet(t, rt.auditor, aud, "1", ResultPatch{Rating: str("conform"), Observation: str("規程を確認")})
	mustSet(t, rt.auditor, aud, "2", ResultPatch{Rating: str("partial")})
	p1 := mustSignOff(t, rt.auditor, aud, "1", audit.SignPreparer)
	mustSignOff(t, rt.auditor, aud, "2", audit.SignPreparer)
	// The roster, learnt at sync, overrides the role the auditor's store claims.
	if _, err := rt.auditor.Approve(aud); !errors.Is(err, ErrRole) {
		t.Fatalf("approval by a member the roster makes auditor = %v; want ErrRole", err)
	}
	if _, err := rt.auditor.SignOff(aud, "1", audit.SignReviewer); !errors.Is(err, ErrRole) {
		t.Fatalf("review by an auditor = %v; want ErrRole", err)
	}
	rt.syncAll(t)
	q, err := rt.chief.ReviewQueue(aud)
	if err != nil {
		t.Fatal(err)
	}
	if len(q.AwaitingReview) != 2 || q.AwaitingReview[0].ItemNo != "1" || q.AwaitingReview[0].Name != "監査人" || q.AwaitingReview[0].SignOff != p1.ID {
		t.Fatalf("chief's queue awaiting review = %+v; want items 1 and 2 prepared by 監査人", q.AwaitingReview)
	}
	st := mustState(t, rt.chief, aud)
	names, err := rt.chief.MemberNames(st.Audit.EngagementID)
	if err != nil || names[rt.auditor.Me().Member] != "監査人" || names[rt.chief.Me().Member] != "主査" {
		t.Fatalf("MemberNames = %v, %v; want the roster's names", names, err)
	}
	r1 := mustSignOff(t, rt.chief, aud, "1", audit.SignReviewer)
	if r1.Preparer == "" || r1.Preparer == r1.Signer {
		t.Fatalf("reviewer sign-off names preparer %q", r1.Preparer)
	}
	r2 := mustSignOff(t, rt.assistant, aud, "2", audit.SignReviewer) // the roster made them assistant
	rt.syncAll(t)
	for _, w := range []*Workspace{rt.chief, rt.assistant, rt.auditor} {
		st := mustState(t, w, aud)
		for _, id := range []string{p1.ID, r1.ID, r2.ID} {
			if s := signOffState(t, st, id); !s.Valid || s.Stale {
				t.Fatalf("%s sees %s: %+v; want valid and current", w.Me().Name, id, s)
			}
		}
		if q := st.ReviewQueue(); len(q.AwaitingReview) != 0 {
			t.Fatalf("%s: still awaiting review: %+v", w.Me().Name, q.AwaitingReview)
		}
	}
	// The chief approves; after sync the audit is locked everywhere.
	if _, err := rt.chief.Approve(aud); err != nil {
		t.Fatal(err)
	}
	rt.syncAll(t)
	for _, w := range []*Workspace{rt.assistant, rt.auditor} {
		if err := w.SetResult(aud, "1", ResultPatch{Rating: str("nonconform")}); !errors.Is(err, ErrLocked) {
			t.Fatalf("%s edits an approved audit: %v; want ErrLocked", w.Me().Name, err)
		}
	}
	if a, b := showJSON(t, rt.chief, aud), showJSON(t, rt.auditor, aud); a != b {
		t.Fatalf("show differs between chief and auditor:\n%s\n---\n%s", a, b)
	}
	// Reopen travels too.
	if err := rt.chief.Reopen(aud, "追記"); err != nil {
		t.Fatal(err)
	}
	rt.syncAll(t)
	mustSet(t, rt.auditor, aud, "1", ResultPatch{Rating: str("nonconform")})
}

// forge writes a sign-off record into w's store as its own op, bypassing
// every check, signed with key.
func forge(t *testing.T, w *Workspace, so audit.SignOff, key ed25519.PrivateKey) {
	t.Helper()
	so.Sign(key)
	err := w.st.Update(func(tx *bolt.Tx) error {
		if err := tx.Create(so.ID, TypeSignOff, so.AuditID); err != nil {
			return err
		}
		_, _, err := tx.Write(so.ID, fieldSignOff, so)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSyncRejectsForgedApprovals(t *testing.T) {
	rt := newReviewTeam(t)
	aud := rt.aud
	mustSet(t, rt.auditor, aud, "1", ResultPatch{Rating: str("conform")})
	st := mustState(t, rt.auditor, aud)
	it, _ := st.Item("1")
	var covers []string
	if err := rt.auditor.st.View(func(tx *bolt.Tx) error {
		e, err := tx.Entity(it.ID)
		if err == nil {
			for _, id := range e.Get("rating").IDs() {
				covers = append(covers, id.String())
			}
		}
		return err
	}); err != nil || len(covers) != 1 {
		t.Fatalf("covers %v, %v", covers, err)
	}
	me := rt.auditor.Me()
	key, _ := mustKeys(t, rt.auditor)
	_, stranger, _ := ed25519.GenerateKey(rand.Reader)
	base := audit.SignOff{Engagement: st.Audit.EngagementID, AuditID: aud, Kind: audit.SignApproval, Target: aud,
		Signer: me.Member, Name: me.Name, Role: audit.RoleChief, At: time.Now().UTC(), Covers: covers}
	cases := []struct {
		id, signer string
		key        ed25519.PrivateKey
		kind       audit.SignOffKind
		want       string
	}{
		{"f0000000000000a1", me.Member, key, audit.SignApproval, "role auditor"},                     // own key, but the roster says auditor
		{"f0000000000000a2", me.Member, stranger, audit.SignApproval, "does not verify"},             // a key outside the roster
		{"f0000000000000a3", rt.chief.Me().Member, stranger, audit.SignApproval, "signed as member"}, // posing as the chief
		{"f0000000000000a4", me.Member, key, audit.SignReviewer, "role auditor"},                     // a review by an auditor
	}
	for _, c := range cases {
		so := base
		so.ID, so.Signer, so.Kind = c.id, c.signer, c.kind
		if c.kind == audit.SignReviewer {
			so.Target, so.Preparer = it.ID, "someone-else"
		}
		forge(t, rt.auditor, so, c.key)
	}
	reps := rt.syncAll(t)
	var warnings []string
	for _, r := range reps {
		warnings = append(warnings, r.Warnings...)
	}
	log := strings.Join(warnings, "\n")
	for _, c := range cases {
		// Each forgery is logged by both the chief and the assistant, once.
		if n := strings.Count(log, c.id); n != 2 {
			t.Errorf("forged %s logged %d times; want 2 (chief and assistant):\n%s", c.id, n, log)
		}
	}
	if !strings.Contains(log, "rejected the approval f0000000000000a1") {
		t.Errorf("warnings do not name the rejected approval:\n%s", log)
	}
	for _, w := range []*Workspace{rt.chief, rt.assistant} {
		st := mustState(t, w, aud)
		if st.Audit.Locked {
			t.Fatalf("%s: a forged approval locked the audit", w.Me().Name)
		}
		if err := w.SetResult(aud, "2", ResultPatch{Rating: str("conform")}); err != nil {
			t.Fatalf("%s: edit after a forged approval: %v", w.Me().Name, err)
		}
		for _, c := range cases {
			s := signOffState(t, st, c.id)
			if s.Valid || !strings.Contains(s.Invalid, c.want) {
				t.Errorf("%s sees forged %s: valid %v, %q; want invalid, %q", w.Me().Name, c.id, s.Valid, s.Invalid, c.want)
			}
		}
		q := st.ReviewQueue()
		if len(q.Invalid) != len(cases) || len(q.Stale) != 0 || len(q.AwaitingReview) != 0 {
			t.Fatalf("%s: queue %+v; want the forgeries listed as invalid only", w.Me().Name, q)
		}
	}
}

// TestConcurrentEditMakesApprovalStale: an edit made on another laptop
// before it saw the approval is applied when it arrives (nothing is
// lost); the audit stays locked, the approval turns stale naming the op,
// and the sync report warns.
func TestConcurrentEditMakesApprovalStale(t *testing.T) {
	rt := newReviewTeam(t)
	aud := rt.aud
	mustSet(t, rt.chief, aud, "1", ResultPatch{Rating: str("conform")})
	rt.syncAll(t)
	ap, err := rt.chief.Approve(aud)
	if err != nil {
		t.Fatal(err)
	}
	mustSet(t, rt.auditor, aud, "1", ResultPatch{Observation: str("承認と同時の追記")}) // not yet synced: concurrent
	reps := rt.syncAll(t)
	var log []string
	for _, r := range reps {
		log = append(log, r.Warnings...)
	}
	if !strings.Contains(strings.Join(log, "\n"), "to approved audit") {
		t.Errorf("no warning about edits to an approved audit: %q", log)
	}
	for _, w := range []*Workspace{rt.chief, rt.assistant, rt.auditor} {
		st := mustState(t, w, aud)
		it, _ := st.Item("1")
		if it.Result.Observation != "承認と同時の追記" {
			t.Fatalf("%s lost the concurrent edit: %q", w.Me().Name, it.Result.Observation)
		}
		if !st.Audit.Locked {
			t.Fatalf("%s: the audit is no longer locked", w.Me().Name)
		}
		q := st.ReviewQueue()
		if len(q.Stale) != 1 || q.Stale[0].ID != ap.ID || q.Stale[0].Changes[0].Field != "observation" || q.Stale[0].Changes[0].Author != "監査人" {
			t.Fatalf("%s: stale = %+v; want the approval, stale by 監査人's observation", w.Me().Name, q.Stale)
		}
		if err := w.SetResult(aud, "1", ResultPatch{Rating: str("partial")}); !errors.Is(err, ErrLocked) {
			t.Fatalf("%s: edit = %v; want ErrLocked", w.Me().Name, err)
		}
	}
	if a, b := showJSON(t, rt.chief, aud), showJSON(t, rt.auditor, aud); a != b {
		t.Fatalf("show differs:\n%s\n---\n%s", a, b)
	}
}

// TestSignOffStaleOnAnyEditOfTheWork: a sign-off covers the whole work on
// an item, not only its result fields: evidence attached, linked or
// unlinked, a hearing linking to it added or edited, and its checksheet
// definition. An edit of another item's evidence leaves it alone; the
// whole audit's sign-off covers all of it.
func TestSignOffStaleOnAnyEditOfTheWork(t *testing.T) {
	w := mustWorkspace(t)
	_, aud := mustAudit(t, w, "datacenter")
	mustSet(t, w, aud, "1", ResultPatch{Rating: str("conform")})
	mustSet(t, w, aud, "2", ResultPatch{Rating: str("partial")})
	path := filepath.Join(t.TempDir(), "rack.jpg")
	if err := os.WriteFile(path, testJPEG(t, 64, 48), 0o600); err != nil {
		t.Fatal(err)
	}
	onTwo, err := w.AddEvidence(context.Background(), aud, []string{"2"}, path, "ラック")
	if err != nil {
		t.Fatal(err)
	}
	var hearing string
	steps := []struct {
		name      string
		edit      func() error
		itemStale bool   // item 1's sign-off goes stale
		field     string // the field its change names
	}{
		{"evidence attached to item 1", func() error {
			_, err := w.AddEvidence(context.Background(), aud, []string{"1"}, path, "")
			return err
		}, true, CoverEvidence},
		{"item 2's evidence linked to item 3", func() error { return w.LinkEvidence(aud, onTwo.ID, "3") }, false, ""},
		{"item 2's evidence linked to item 1", func() error { return w.LinkEvidence(aud, onTwo.ID, "1") }, true, CoverEvidence},
		{"that evidence unlinked from item 1", func() error { return w.UnlinkEvidence(aud, onTwo.ID, "1") }, true, CoverEvidence},
		{"hearing on item 1 added", func() error {
			var err error
			hearing, err = w.AddHearing(aud, NewHearing{At: time.Date(2026, 6, 1, 1, 0, 0, 0, time.UTC),
				Interviewees: []audit.Interviewee{{Name: "佐藤"}},
				Statements:   []NewStatement{{Text: "毎日確認している", ItemNos: []string{"1"}}}})
			return err
		}, true, CoverHearing},
		{"that hearing edited", func() error {
			return w.st.Update(func(tx *bolt.Tx) error { _, _, err := tx.Write(hearing, "notes", "追記"); return err })
		}, true, CoverHearing},
		{"hearing on item 2 only added", func() error {
			_, err := w.AddHearing(aud, NewHearing{At: time.Date(2026, 6, 2, 1, 0, 0, 0, time.UTC),
				Interviewees: []audit.Interviewee{{Name: "高橋"}},
				Statements:   []NewStatement{{Text: "手順書がある", ItemNos: []string{"2"}}}})
			return err
		}, false, ""},
		{"item 1's checksheet definition reworded", func() error {
			st := mustState(t, w, aud)
			var items []audit.Item
			for _, it := range st.Items {
				if it.No == "1" {
					it.Criteria += "（改訂）"
				}
				items = append(items, it.Item)
			}
			_, err := w.ApplyChecksheet(aud, items)
			return err
		}, true, "criteria"},
	}
	for _, step := range steps {
		item := mustSignOff(t, w, aud, "1", audit.SignPreparer)
		whole := mustSignOff(t, w, aud, aud, audit.SignPreparer)
		if err := step.edit(); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		st := mustState(t, w, aud)
		if s := signOffState(t, st, whole.ID); !s.Stale {
			t.Errorf("%s: the whole audit's sign-off is not stale", step.name)
		}
		s := signOffState(t, st, item.ID)
		if s.Stale != step.itemStale {
			t.Errorf("%s: item 1's sign-off stale = %v (%+v); want %v", step.name, s.Stale, s.Changes, step.itemStale)
			continue
		}
		if step.itemStale && (len(s.Changes) == 0 || s.Changes[0].ItemNo != "1" || s.Changes[0].Field != step.field) {
			t.Errorf("%s: changes %+v; want item 1 %s", step.name, s.Changes, step.field)
		}
	}
}
