package ui

import (
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/workspace"
)

func TestHearingLinkedToTwoItems(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newDemoStore(t))
	id := demoDatacenterID(t, u)
	s := openAuditAt(t, u, q, id, "")
	first, second := s.state.Items[0], s.state.Items[len(s.state.Items)-1]
	before := len(s.state.Hearings)

	triggerShortcut(t, u, hearingShortcut)
	f := s.hearing
	if f == nil {
		t.Fatal("Ctrl+H opened no hearing form")
	}
	if got := f.statements[0].items.Text; got != first.No {
		t.Errorf("statement pre-linked to %q, want %q", got, first.No)
	}
	if got := f.auditors.Text; got != u.ws.Me().Name {
		t.Errorf("auditors = %q, want the current user %q", got, u.ws.Me().Name)
	}
	if _, ok := parseHearingTime(f.date.Text, f.clock.Text); !ok {
		t.Errorf("default date/time %q %q does not parse", f.date.Text, f.clock.Text)
	}
	f.date.SetText("2025/07/01")
	f.clock.SetText("14:30")
	test.Type(f.place, "本館 会議室")
	test.Type(f.people[0].name, "山田 花子")
	f.people[0].division.SetText("情報政策課")
	f.people[0].role.SetText("係長")
	test.Tap(f.addPerson)
	f.people[1].role.SetText("担当者")
	text := "バックアップ媒体はすいとう庫に保管している。\n月次で点検している。"
	f.statements[0].text.SetText(text)
	f.statements[0].items.SetText(f.statements[0].items.Text + ", " + second.No)
	f.followUps.SetText("点検記録の保存期間は？\n\n鍵の管理者は？")
	test.Tap(f.save)
	q.settle(t)

	if f.message.visible() {
		t.Fatalf("form says %q", f.message.text())
	}
	st, err := u.ws.AuditState(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Hearings) != before+1 {
		t.Fatalf("%d hearings stored, want %d", len(st.Hearings), before+1)
	}
	var h audit.Hearing
	for _, x := range st.Hearings {
		if len(x.Statements) == 1 && x.Statements[0].Text == text {
			h = x
		}
	}
	if h.ID == "" {
		t.Fatalf("no stored hearing has the statement %q", text)
	}
	for _, no := range []string{first.No, second.No} {
		it, _ := st.Item(no)
		if !slices.Contains(it.Hearings, h.ID) {
			t.Errorf("item %s lists hearings %v, not %s", no, it.Hearings, h.ID)
		}
	}
	want := time.Date(2025, 7, 1, 14, 30, 0, 0, hearingJST)
	if !h.At.Equal(want) || h.Place != "本館 会議室" || len(h.Interviewees) != 2 ||
		h.Interviewees[0] != (audit.Interviewee{Name: "山田 花子", Division: "情報政策課", Role: "係長"}) ||
		!slices.Equal(h.Auditors, []string{u.ws.Me().Name}) ||
		!slices.Equal(h.FollowUps, []string{"点検記録の保存期間は？", "鍵の管理者は？"}) {
		t.Errorf("stored %+v", h)
	}

	// The detail pane lists it at once, and the search finds both items
	// by a word of the statement.
	found := false
	for _, txt := range visibleTexts(u) {
		if strings.Contains(txt, "すいとう庫") {
			found = true
		}
	}
	if !found {
		t.Error("the new hearing is not shown in the detail pane")
	}
	test.Type(s.search, "すいとう庫")
	if got := listedNos(s); !slices.Equal(got, []string{first.No, second.No}) {
		t.Errorf("search lists %v, want [%s %s]", got, first.No, second.No)
	}
}

func TestHearingNeedsInterviewee(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newDemoStore(t))
	id := demoDatacenterID(t, u)
	s := openAuditAt(t, u, q, id, "")
	before := len(s.state.Hearings)

	test.Tap(s.newHearing)
	f := s.hearing
	if f == nil {
		t.Fatal("新しいヒアリング opened no form")
	}
	test.Tap(f.people[0].remove)
	if len(f.people) != 0 {
		t.Fatalf("%d interviewee rows left", len(f.people))
	}
	f.statements[0].text.SetText("発言だけある。")
	test.Tap(f.save)
	q.settle(t)

	if !f.message.visible() || !strings.Contains(f.message.text(), "必須項目を入力してください") {
		t.Errorf("form message = %q, want the required-fields hint", f.message.text())
	}
	st, err := u.ws.AuditState(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Hearings) != before {
		t.Errorf("%d hearings stored, want %d", len(st.Hearings), before)
	}
	// The workspace's own refusal reads the same.
	if got := hearingErrorText(workspace.ErrInvalid); !strings.Contains(got, "必須項目") {
		t.Errorf("ErrInvalid reads %q", got)
	}
}

func TestSearchFindsHearingStatement(t *testing.T) {
	store := newDemoStore(t)
	u, q, _ := newWorkspaceApp(t, store)
	id := demoDatacenterID(t, u)
	st, err := u.ws.AuditState(id)
	if err != nil {
		t.Fatal(err)
	}
	target := st.Items[1]
	if _, err := u.ws.AddHearing(id, workspace.NewHearing{At: time.Now(),
		Interviewees: []audit.Interviewee{{Name: "佐藤", Role: "課長"}},
		Statements:   []workspace.NewStatement{{Text: "入館証はかんりぼに記帳して貸し出す。", ItemNos: []string{target.No}}}}); err != nil {
		t.Fatal(err)
	}
	s := openAuditAt(t, u, q, id, "")
	test.Type(s.search, "かんりぼ")
	if got := listedNos(s); !slices.Equal(got, []string{target.No}) {
		t.Errorf("search lists %v, want [%s]", got, target.No)
	}
}

// TestHearingFormSurvivesTheIdleLock types a hearing, walks away until the
// idle lock strikes, unlocks, and expects the form back, filled in, to be
// saved; then no draft is left.
func TestHearingFormSurvivesTheIdleLock(t *testing.T) {
	u, q, timers := newWorkspaceApp(t, newDemoStore(t))
	id := demoDatacenterID(t, u)
	s := openAuditAt(t, u, q, id, "")
	now := time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)
	u.cfg.Now = func() time.Time { return now }
	u.touch()

	triggerShortcut(t, u, hearingShortcut)
	f := s.hearing
	test.Type(f.people[0].name, "山田 花子")
	// Typing in the form counts as activity.
	now = now.Add(4 * time.Minute)
	text := "入退室記録簿は課長が月次で確認している。"
	test.Type(f.statements[0].text, text)
	now = now.Add(4 * time.Minute)
	u.checkIdle()
	if u.ws == nil {
		t.Fatal("locked although the user typed into the hearing form 4 minutes ago")
	}
	timers.fire() // the draft write
	q.settle(t)
	test.Type(f.place, "会議室A") // typed after the last draft write
	now = now.Add(6 * time.Minute)
	u.checkIdle()
	if u.ws != nil {
		t.Fatal("not locked after 6 idle minutes")
	}

	unlockHome(t, u, q)
	s = openAuditAt(t, u, q, id, "")
	g := s.hearing
	if g == nil || g == f {
		t.Fatal("the unsaved hearing form did not come back after unlocking")
	}
	if g.people[0].name.Text != "山田 花子" || g.statements[0].text.Text != text || g.place.Text != "会議室A" {
		t.Fatalf("restored form: name %q, statement %q, place %q", g.people[0].name.Text, g.statements[0].text.Text, g.place.Text)
	}
	if !strings.Contains(g.message.text(), "復元") {
		t.Errorf("form message %q does not say it was restored", g.message.text())
	}
	// Ctrl+H while the restored form is open shows it, not a second form
	// writing over the same draft.
	triggerShortcut(t, u, hearingShortcut)
	if s.hearing != g {
		t.Error("Ctrl+H opened a second hearing form over the restored one")
	}
	test.Tap(g.save)
	q.settle(t)
	st, err := u.ws.AuditState(id)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, h := range st.Hearings {
		found = found || len(h.Statements) == 1 && h.Statements[0].Text == text && h.Place == "会議室A"
	}
	if !found {
		t.Error("the restored hearing was not stored")
	}
	var d hearingDraft
	if ok, err := u.ws.Draft(hearingDraftKey(id), &d); ok || err != nil {
		t.Errorf("draft left after saving: %v, %v", ok, err)
	}
}

// TestHearingFormCancelDiscardsTheDraft: cancelling is deliberate, so the
// form does not come back.
func TestHearingFormCancelDiscardsTheDraft(t *testing.T) {
	u, q, timers := newWorkspaceApp(t, newDemoStore(t))
	id := demoDatacenterID(t, u)
	s := openAuditAt(t, u, q, id, "")
	triggerShortcut(t, u, hearingShortcut)
	f := s.hearing
	test.Type(f.statements[0].text, "取り消す発言")
	timers.fire()
	q.settle(t)
	var d hearingDraft
	if ok, _ := u.ws.Draft(hearingDraftKey(id), &d); !ok || d.Statements[0].Text != "取り消す発言" {
		t.Fatalf("no draft written a second after typing: %v %+v", ok, d)
	}
	test.Tap(f.cancel)
	q.settle(t)
	if ok, _ := u.ws.Draft(hearingDraftKey(id), &d); ok {
		t.Error("cancel left the draft")
	}
	s = openAuditAt(t, u, q, id, "")
	if s.hearing != nil {
		t.Error("a cancelled hearing form came back")
	}
}

// TestHearingRecordViewShowsTheWholeRecord opens a demo hearing from the
// item it concerns: the record shows every statement, the people heard and
// the follow-ups, and an item link moves the workspace to that item.
func TestHearingRecordViewShowsTheWholeRecord(t *testing.T) {
	u, q, _ := newWorkspaceApp(t, newDemoStore(t))
	id := demoDatacenterID(t, u)
	s := openAuditAt(t, u, q, id, "")
	var h audit.Hearing
	for _, x := range s.state.Hearings {
		if len(x.Statements) > len(h.Statements) {
			h = x
		}
	}
	if h.ID == "" || len(h.Statements) == 0 {
		t.Fatal("the demo has no hearing with statements")
	}
	first := h.Statements[0].Items[0]
	var firstNo string
	for _, it := range s.state.Items {
		if it.ID == first {
			firstNo = it.No
		}
	}
	s = openAuditAt(t, u, q, id, firstNo)
	s.openHearing(h.ID)
	v := s.hearingView
	if v == nil {
		t.Fatal("the hearing record did not open")
	}
	texts := strings.Join(visibleTexts(u), "\n")
	for _, st := range h.Statements {
		if !strings.Contains(texts, st.Text) {
			t.Errorf("record lacks statement %q", st.Text)
		}
	}
	for _, p := range h.Interviewees {
		if !strings.Contains(texts, p.Name) || !strings.Contains(texts, p.Role) {
			t.Errorf("record lacks interviewee %+v", p)
		}
	}
	for _, f := range h.FollowUps {
		if !strings.Contains(texts, f) {
			t.Errorf("record lacks follow-up %q", f)
		}
	}
	// The last statement's last item link selects that item.
	last := h.Statements[len(h.Statements)-1]
	target := last.Items[len(last.Items)-1]
	test.Tap(v.items[len(v.items)-1])
	if got := s.state.Items[s.current].ID; got != target {
		t.Errorf("item link selected %s, want %s", got, target)
	}
	if s.hearingView != nil {
		t.Error("the record stayed open after going to the item")
	}
}
