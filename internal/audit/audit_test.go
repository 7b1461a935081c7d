package audit

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// check runs a validation table: want "" means valid, otherwise the error
// must wrap ErrInvalid and mention want.
func check(t *testing.T, name string, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Errorf("%s: Validate() = %v; want nil", name, err)
		}
		return
	}
	if err == nil {
		t.Errorf("%s: Validate() = nil; want error mentioning %q", name, want)
		return
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("%s: Validate() = %v; does not wrap ErrInvalid", name, err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("%s: Validate() = %q; want it to mention %q", name, err, want)
	}
}

func TestEngagementValidate(t *testing.T) {
	ok := Engagement{Title: "情報セキュリティ監査", Client: "世田谷区", FiscalYear: 2026,
		Members: []Member{{Name: "山田", Role: RoleChief, Qualifications: []Qualification{{Name: "CISA", Obtained: "2015-04-01"}}}}}
	tests := []struct {
		name string
		mut  func(*Engagement)
		want string
	}{
		{"ok", func(*Engagement) {}, ""},
		{"no title", func(e *Engagement) { e.Title = "  " }, "engagement.title"},
		{"no client", func(e *Engagement) { e.Client = "" }, "engagement.client"},
		{"year too early", func(e *Engagement) { e.FiscalYear = 1999 }, "fiscal_year"},
		{"year too late", func(e *Engagement) { e.FiscalYear = 3000 }, "fiscal_year"},
		{"member without name", func(e *Engagement) { e.Members[0].Name = "" }, "member.name"},
		{"member bad role", func(e *Engagement) { e.Members[0].Role = "boss" }, "member.role"},
		{"qualification date", func(e *Engagement) { e.Members[0].Qualifications[0].Obtained = "2015/04/01" }, "obtained"},
		{"qualification name", func(e *Engagement) { e.Members[0].Qualifications[0].Name = "" }, "qualifications[0].name"},
	}
	for _, tt := range tests {
		e := ok
		e.Members = []Member{ok.Members[0]}
		e.Members[0].Qualifications = append([]Qualification(nil), ok.Members[0].Qualifications...)
		tt.mut(&e)
		check(t, tt.name, e.Validate(), tt.want)
	}
}

func TestAuditValidate(t *testing.T) {
	base := Audit{Kind: KindDatacenter, Title: "DC監査", Scale: DefaultScale(),
		Targets: []Target{{Division: "情報政策課", System: "基幹系"}},
		Plan:    Plan{PeriodStart: "2026-07-01", PeriodEnd: "2026-12-25", Schedule: []ScheduleEntry{{Date: "2026-09-10", Activity: "現地監査"}}}}
	tests := []struct {
		name string
		mut  func(*Audit)
		want string
	}{
		{"ok", func(*Audit) {}, ""},
		{"bad kind", func(a *Audit) { a.Kind = "annual" }, "audit.kind"},
		{"no title", func(a *Audit) { a.Title = "" }, "audit.title"},
		{"target without division", func(a *Audit) { a.Targets[0].Division = "" }, "targets[0].division"},
		{"bad start", func(a *Audit) { a.Plan.PeriodStart = "R8.7.1" }, "period_start"},
		{"end before start", func(a *Audit) { a.Plan.PeriodEnd = "2026-06-01" }, "before the start"},
		{"schedule date", func(a *Audit) { a.Plan.Schedule[0].Date = "" }, "schedule[0].date"},
		{"schedule activity", func(a *Audit) { a.Plan.Schedule[0].Activity = " " }, "schedule[0].activity"},
		{"empty scale", func(a *Audit) { a.Scale = Scale{} }, "no ratings"},
		{"duplicate code", func(a *Audit) { a.Scale.Ratings[1].Code = "conform" }, "appears twice"},
		{"code with space", func(a *Audit) { a.Scale.Ratings[0].Code = "a b" }, "non-empty word"},
		{"rating without label", func(a *Audit) { a.Scale.Ratings[0].Label = "" }, "label"},
	}
	for _, tt := range tests {
		a := base
		a.Targets = append([]Target(nil), base.Targets...)
		a.Plan.Schedule = append([]ScheduleEntry(nil), base.Plan.Schedule...)
		a.Scale = Scale{Ratings: append([]Rating(nil), base.Scale.Ratings...)}
		tt.mut(&a)
		check(t, tt.name, a.Validate(), tt.want)
	}
}

func TestItemAndResultValidate(t *testing.T) {
	items := []struct {
		name string
		it   Item
		want string
	}{
		{"ok", Item{No: "１２", Title: "入退館管理"}, ""},
		{"no number", Item{No: " 　", Title: "x"}, "item.no"},
		{"newline in number", Item{No: "1\n2", Title: "x"}, "line break"},
		{"no title", Item{No: "3", Title: ""}, "item.title"},
	}
	for _, tt := range items {
		check(t, tt.name, tt.it.Validate(), tt.want)
	}
	results := []struct {
		name string
		r    Result
		want string
	}{
		{"empty", Result{}, ""},
		{"by code", Result{Rating: "partial", Finding: FindingMajor}, ""},
		{"by label", Result{Rating: "不適合"}, ""},
		{"unknown rating", Result{Rating: "great"}, "result.rating"},
		{"unknown finding", Result{Finding: "critical"}, "finding"},
	}
	for _, tt := range results {
		check(t, tt.name, tt.r.Validate(DefaultScale()), tt.want)
	}
}

func TestEvidenceHearingValidate(t *testing.T) {
	at := time.Date(2026, 9, 10, 10, 0, 0, 0, time.UTC)
	sum := strings.Repeat("ab", 32)
	ev := []struct {
		name string
		e    Evidence
		want string
	}{
		{"ok", Evidence{Kind: EvidencePhoto, FileName: "IMG_0001.JPG", SHA256: sum, CapturedAt: at, CapturedBy: "山田"}, ""},
		{"bad kind", Evidence{Kind: "video", FileName: "a", SHA256: sum, CapturedAt: at, CapturedBy: "x"}, "evidence.kind"},
		{"path not name", Evidence{Kind: EvidencePhoto, FileName: "C:\\x\\a.jpg", SHA256: sum, CapturedAt: at, CapturedBy: "x"}, "plain file name"},
		{"short hash", Evidence{Kind: EvidencePhoto, FileName: "a", SHA256: "abcd", CapturedAt: at, CapturedBy: "x"}, "sha256"},
		{"no time", Evidence{Kind: EvidencePhoto, FileName: "a", SHA256: sum, CapturedBy: "x"}, "captured_at"},
		{"no author", Evidence{Kind: EvidencePhoto, FileName: "a", SHA256: sum, CapturedAt: at}, "captured_by"},
		{"negative size", Evidence{Kind: EvidencePhoto, FileName: "a", SHA256: sum, CapturedAt: at, CapturedBy: "x", Size: -1}, "size"},
	}
	for _, tt := range ev {
		check(t, tt.name, tt.e.Validate(), tt.want)
	}
	hs := []struct {
		name string
		h    Hearing
		want string
	}{
		{"ok", Hearing{At: at, Interviewees: []Interviewee{{Role: "課長"}}, Statements: []Statement{{Text: "施錠している", Items: []string{"i1"}}}}, ""},
		{"no time", Hearing{Interviewees: []Interviewee{{Name: "a"}}}, "hearing.at"},
		{"nobody", Hearing{At: at}, "names nobody"},
		{"anonymous", Hearing{At: at, Interviewees: []Interviewee{{Division: "x"}}}, "neither name nor role"},
		{"empty statement", Hearing{At: at, Interviewees: []Interviewee{{Name: "a"}}, Statements: []Statement{{Text: " "}}}, "statements[0].text"},
	}
	for _, tt := range hs {
		check(t, tt.name, tt.h.Validate(), tt.want)
	}
}

func TestReviewValidate(t *testing.T) {
	at := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	notes := []struct {
		name string
		n    ReviewNote
		want string
	}{
		{"open", ReviewNote{Target: "i1", Author: "m1", Text: "根拠は？", Status: NoteOpen}, ""},
		{"answered without response", ReviewNote{Target: "i1", Author: "m1", Text: "根拠は？", Status: NoteAnswered}, "needs a response"},
		{"bad status", ReviewNote{Target: "i1", Author: "m1", Text: "x", Status: "done"}, "status"},
		{"no target", ReviewNote{Author: "m1", Text: "x", Status: NoteOpen}, "target"},
		{"no text", ReviewNote{Target: "i1", Author: "m1", Status: NoteOpen}, "text"},
	}
	for _, tt := range notes {
		check(t, tt.name, tt.n.Validate(), tt.want)
	}
	signs := []struct {
		name string
		s    SignOff
		want string
	}{
		{"preparer", SignOff{Kind: SignPreparer, Target: "i1", Signer: "m2", At: at, Covers: []string{"d:1"}}, ""},
		{"reviewer", SignOff{Kind: SignReviewer, Target: "i1", Signer: "m1", Preparer: "m2", At: at, Covers: []string{"d:1"}}, ""},
		{"self review", SignOff{Kind: SignReviewer, Target: "i1", Signer: "m2", Preparer: "m2", At: at, Covers: []string{"d:1"}}, "own work"},
		{"approval by auditor", SignOff{Kind: SignApproval, Target: "a1", Signer: "m2", Role: RoleAuditor, At: at, Covers: []string{"d:1"}}, "only the chief"},
		{"approval by chief", SignOff{Kind: SignApproval, Target: "a1", Signer: "m1", Role: RoleChief, At: at, Covers: []string{"d:1"}}, ""},
		{"covers nothing", SignOff{Kind: SignPreparer, Target: "i1", Signer: "m2", At: at}, "covers"},
		{"bad kind", SignOff{Kind: "stamp", Target: "i1", Signer: "m2", At: at, Covers: []string{"d:1"}}, "signoff.kind"},
	}
	for _, tt := range signs {
		check(t, tt.name, tt.s.Validate(), tt.want)
	}
	s := SignOff{Covers: []string{"a:1", "b:2"}}
	if s.Stale([]string{"b:2", "a:1"}) {
		t.Error("Stale(same ops) = true; want false")
	}
	if !s.Stale([]string{"a:1", "a:3"}) {
		t.Error("Stale(with a newer op) = false; want true")
	}
}

func TestNormalizeNo(t *testing.T) {
	tests := []struct{ in, want string }{
		{"１２", "12"}, {" 12 ", "12"}, {"12.", "12"}, {"ＤＣ－０３", "DC-03"}, {"3　-　2", "3-2"}, {"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeNo(tt.in); got != tt.want {
			t.Errorf("NormalizeNo(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestCompareNo(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"2", "10", -1}, {"10", "2", 1}, {"１０", "10", 0}, {"38", "DC-01", -1},
		{"DC-2", "DC-10", -1}, {"3-2", "3-10", -1}, {"3", "3-1", -1}, {"A", "B", -1},
	}
	for _, tt := range tests {
		if got := CompareNo(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareNo(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestParsers(t *testing.T) {
	if k, err := ParseKind("Common-Platform"); err != nil || k != KindCommonPlatform {
		t.Errorf("ParseKind = %q, %v", k, err)
	}
	if _, err := ParseKind("annual"); !errors.Is(err, ErrInvalid) {
		t.Errorf("ParseKind(annual) = %v; want ErrInvalid", err)
	}
	if r, err := ParseRole("pm"); err != nil || r != RoleProjectManager {
		t.Errorf("ParseRole(pm) = %q, %v", r, err)
	}
	if f, err := ParseFindingClass("指摘事項"); err != nil || f != FindingMajor {
		t.Errorf("ParseFindingClass(指摘事項) = %q, %v", f, err)
	}
	if f, err := ParseFindingClass("none"); err != nil || f != FindingNone {
		t.Errorf("ParseFindingClass(none) = %q, %v", f, err)
	}
	if got := FiscalYearLabel(2026); got != "令和8年度" {
		t.Errorf("FiscalYearLabel(2026) = %q; want 令和8年度", got)
	}
	if got := FiscalYearLabel(2019); got != "令和元年度" {
		t.Errorf("FiscalYearLabel(2019) = %q; want 令和元年度", got)
	}
	if got := KindForFile("IMG_1.JPG"); got != EvidencePhoto {
		t.Errorf("KindForFile(jpg) = %q", got)
	}
	if got := KindForFile("ヒアリング.m4a"); got != EvidenceAudio {
		t.Errorf("KindForFile(m4a) = %q", got)
	}
	if cols := KindInternal.Columns(); cols[3] != ColHearingPurpose {
		t.Errorf("internal columns = %v; want hearing purpose 4th", cols)
	}
}

func TestParseTemplate(t *testing.T) {
	tests := []struct {
		name, json, want string
	}{
		{"ok", `{"name":"x","kind":"internal","title":"t","items":[{"no":"1","title":"a"},{"no":"2","title":"b"}]}`, ""},
		{"unknown field", `{"name":"x","kind":"internal","title":"t","itemz":[]}`, "itemz"},
		{"bad kind", `{"name":"x","kind":"annual","title":"t","items":[]}`, "template.kind"},
		{"dup number", `{"name":"x","kind":"internal","title":"t","items":[{"no":"1","title":"a"},{"no":"１","title":"b"}]}`, "appears twice"},
		{"item without title", `{"name":"x","kind":"internal","title":"t","items":[{"no":"1"}]}`, "item.title"},
		{"not json", `{`, "template"},
	}
	for _, tt := range tests {
		_, err := ParseTemplate([]byte(tt.json))
		check(t, tt.name, err, tt.want)
	}
}

func TestParseImprovementStatus(t *testing.T) {
	tests := []struct {
		in   string
		want ImprovementStatus
		ok   bool
	}{
		{"改善済", StatusImproved, true}, {"改善済み", StatusImproved, true}, {" 完了 ", StatusImproved, true},
		{"対応中", StatusInProgress, true}, {"一部改善", StatusInProgress, true},
		{"未着手", StatusNotStarted, true}, {"未対応", StatusNotStarted, true},
		{"", StatusNone, true}, {"検討中？", "", false},
	}
	for _, tt := range tests {
		got, err := ParseImprovementStatus(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseImprovementStatus(%q) = %q, %v; want %q ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
	if err := (Result{Status: "done"}).Validate(DefaultScale()); !errors.Is(err, ErrInvalid) {
		t.Errorf("Result with bad status: %v", err)
	}
	if StatusInProgress.Label() != "改善中" {
		t.Error("label")
	}
}

func TestItemFieldCoversEveryColumn(t *testing.T) {
	it := Item{No: "1", Section: "s", Title: "t", Criteria: "c", Points: "p", Examples: "e", HearingPurpose: "h", GuidelineRef: "g", Notes: "n"}
	want := map[Column]string{ColNo: "1", ColSection: "s", ColTitle: "t", ColCriteria: "c", ColPoints: "p",
		ColExamples: "e", ColHearingPurpose: "h", ColGuidelineRef: "g", ColNotes: "n"}
	for _, k := range Kinds {
		for _, c := range k.Columns() {
			if got := it.Text(c); got != want[c] {
				t.Errorf("Text(%s) = %q; want %q", c, got, want[c])
			}
		}
	}
	*it.Field(ColCriteria) = "changed"
	if it.Criteria != "changed" {
		t.Error("Field does not point into the item")
	}
	if it.Field("rating") != nil || it.Text("rating") != "" {
		t.Error("an unknown column has a field")
	}
}
