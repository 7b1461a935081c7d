package workspace

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/change"
	"github.com/kansa-audit/kansa/internal/vault"
)

var testKDF = vault.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

func mustWorkspace(tb testing.TB) *Workspace {
	tb.Helper()
	w, err := Create(filepath.Join(tb.TempDir(), "store"), []byte("pass"), "山田 太郎", audit.RoleChief, Options{KDF: testKDF})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { w.Close() })
	return w
}

func mustAudit(t testing.TB, w *Workspace, tmpl string) (eng, aud string) {
	t.Helper()
	eng, err := w.CreateEngagement(audit.Engagement{Title: "令和8年度 情報セキュリティ監査", Client: "世田谷区", FiscalYear: 2026})
	if err != nil {
		t.Fatal(err)
	}
	kind := audit.KindDatacenter
	if tmpl == "internal" {
		kind = audit.KindInternal
	}
	aud, err = w.CreateAudit(NewAudit{EngagementID: eng, Kind: kind, Title: "監査", Template: tmpl})
	if err != nil {
		t.Fatal(err)
	}
	return eng, aud
}

func str(s string) *string { return &s }

func TestEngagementAndTemplates(t *testing.T) {
	w := mustWorkspace(t)
	eng, dc := mustAudit(t, w, "datacenter")
	in, err := w.CreateAudit(NewAudit{EngagementID: eng, Kind: audit.KindInternal, Template: "internal"})
	if err != nil {
		t.Fatal(err)
	}
	e, err := w.Engagement(eng)
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Members) != 1 || e.Members[0].Name != "山田 太郎" || e.Members[0].Role != audit.RoleChief {
		t.Fatalf("members = %+v; want the creator as chief", e.Members)
	}
	st, err := w.AuditState(dc)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Items) != 50 || st.Items[0].No != "1" || st.Items[37].No != "38" || st.Items[38].No != "DC-01" {
		t.Fatalf("datacenter items: %d, first %q, 38th %q, 39th %q", len(st.Items), st.Items[0].No, st.Items[37].No, st.Items[38].No)
	}
	for i := range 38 {
		if !strings.Contains(st.Items[i].Criteria, "特記事項 第") {
			t.Fatalf("item %s criteria %q does not cite a clause", st.Items[i].No, st.Items[i].Criteria)
		}
	}
	ist, _ := w.AuditState(in)
	if len(ist.Items) < 18 || ist.Audit.Title == "" {
		t.Fatalf("internal: %d items, title %q", len(ist.Items), ist.Audit.Title)
	}
	list, err := w.Audits(eng)
	if err != nil || len(list) != 2 {
		t.Fatalf("Audits = %v, %v", list, err)
	}
	// A template of another kind is refused.
	if _, err := w.CreateAudit(NewAudit{EngagementID: eng, Kind: audit.KindExternal, Title: "x", Template: "internal"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("mismatched template: %v", err)
	}
	if _, err := w.CreateAudit(NewAudit{EngagementID: eng, Kind: audit.KindOpscenter, Title: "OC", Template: "datacenter"}); err != nil {
		t.Fatalf("opscenter from datacenter template: %v", err)
	}
}

func TestSetResultAndSummary(t *testing.T) {
	w := mustWorkspace(t)
	_, aud := mustAudit(t, w, "datacenter")
	if err := w.SetResult(aud, "１２", ResultPatch{Rating: str("一部適合"), Finding: str("指摘事項"), Observation: str("記録漏れ3件")}); err != nil {
		t.Fatal(err)
	}
	if err := w.SetResult(aud, "12", ResultPatch{Proposal: str("日次確認を手順化する")}); err != nil {
		t.Fatal(err)
	}
	if err := w.SetResult(aud, "1", ResultPatch{Rating: str("unchecked")}); err != nil {
		t.Fatal(err)
	}
	st, _ := w.AuditState(aud)
	it, ok := st.Item("12")
	if !ok {
		t.Fatal("item 12 missing")
	}
	want := audit.Result{Rating: "partial", Observation: "記録漏れ3件", Finding: audit.FindingMajor, Proposal: "日次確認を手順化する"}
	if it.Result != want {
		t.Fatalf("result = %+v; want %+v", it.Result, want)
	}
	s := st.Summary()
	if s.Rated != 1 || s.Findings != 1 || s.Items != 50 {
		t.Fatalf("summary = rated %d findings %d items %d; want 1, 1, 50 (unchecked does not count)", s.Rated, s.Findings, s.Items)
	}
	for _, bad := range []ResultPatch{{Rating: str("excellent")}, {Finding: str("fatal")}} {
		if err := w.SetResult(aud, "12", bad); !errors.Is(err, ErrInvalid) {
			t.Errorf("SetResult(%+v) = %v; want ErrInvalid", bad, err)
		}
	}
	if err := w.SetResult(aud, "999", ResultPatch{Rating: str("conform")}); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetResult(999) = %v; want ErrNotFound", err)
	}
}

func TestAddItemRejectsDuplicateNumber(t *testing.T) {
	w := mustWorkspace(t)
	_, aud := mustAudit(t, w, "")
	if _, err := w.AddItem(aud, audit.Item{No: "１", Title: "a"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.AddItem(aud, audit.Item{No: "1", Title: "b"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("duplicate number: %v", err)
	}
}

func TestEvidenceAndHearing(t *testing.T) {
	w := mustWorkspace(t)
	// A clock a second apart per reading: evidence captured in the same
	// second would be listed in id order, which is random.
	clock := time.Date(2026, 9, 10, 0, 0, 0, 0, time.UTC)
	w.now = func() time.Time { clock = clock.Add(time.Second); return clock }
	_, aud := mustAudit(t, w, "datacenter")
	path := filepath.Join(t.TempDir(), "photo.jpg")
	content := testJPEG(t, 2400, 1600)
	os.WriteFile(path, content, 0o600)
	ev, err := w.AddEvidence(context.Background(), aud, []string{"12", "13"}, path, "入口")
	if err != nil {
		t.Fatal(err)
	}
	if ev.Kind != audit.EvidencePhoto || ev.Size != int64(len(content)) || ev.CapturedBy != "山田 太郎" {
		t.Fatalf("evidence = %+v", ev)
	}
	// The same file again is stored once but recorded twice.
	if _, err := w.AddEvidence(context.Background(), aud, []string{"14"}, path, ""); err != nil {
		t.Fatal(err)
	}
	names, _ := w.blobs.List()
	if len(names) != 3 {
		t.Fatalf("blobs = %v; want the original, its report copy and thumbnail, stored once", names)
	}
	jpg, wd, ht, ok, err := w.EvidenceImage(ev.ID, false)
	if err != nil || !ok || wd != 1600 || ht != 1066 || len(jpg) == 0 {
		t.Fatalf("EvidenceImage = %d bytes %d×%d %v %v", len(jpg), wd, ht, ok, err)
	}
	// A document is stored as it is; a broken photo is refused, naming it.
	doc := filepath.Join(t.TempDir(), "規程.pdf")
	os.WriteFile(doc, []byte("%PDF-1.4 not really"), 0o600)
	if d, err := w.AddEvidence(context.Background(), aud, []string{"12"}, doc, ""); err != nil || d.Kind != audit.EvidenceDocument {
		t.Fatalf("document: %+v, %v", d, err)
	}
	bad := filepath.Join(t.TempDir(), "壊れた写真.jpg")
	os.WriteFile(bad, content[:len(content)/3], 0o600)
	if _, err := w.AddEvidence(context.Background(), aud, []string{"12"}, bad, ""); !errors.Is(err, ErrBadPhoto) || !strings.Contains(err.Error(), "壊れた写真.jpg") {
		t.Fatalf("truncated photo: %v", err)
	}
	_, read, err := w.OpenEvidence(ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := read(); err != nil || string(got) != string(content) {
		t.Fatalf("OpenEvidence read %d bytes, %v", len(got), err)
	}
	if _, err := w.AddEvidence(context.Background(), aud, []string{"999"}, path, ""); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown item: %v", err)
	}
	hid, err := w.AddHearing(aud, NewHearing{At: time.Date(2026, 9, 10, 1, 0, 0, 0, time.UTC), Place: "会議室A",
		Interviewees: []audit.Interviewee{{Name: "佐藤", Role: "課長"}},
		Statements:   []NewStatement{{Text: "毎朝確認", ItemNos: []string{"12"}}}})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := w.AuditState(aud)
	it, _ := st.Item("12")
	if len(it.Evidence) != 2 || it.Evidence[0].ID != ev.ID || len(it.Hearings) != 1 || it.Hearings[0] != hid {
		t.Fatalf("item 12 evidence %v hearings %v", it.Evidence, it.Hearings)
	}
	rep, err := w.Check(context.Background(), nil)
	if err != nil || !rep.OK() || rep.Blobs != 7 {
		t.Fatalf("Check = %+v, %v", rep, err)
	}
	// A blob that vanished is named by check.
	os.RemoveAll(filepath.Join(w.Dir(), "blobs"))
	rep, _ = w.Check(context.Background(), nil)
	if rep.OK() || len(rep.Problems) != 7 || !strings.Contains(rep.Problems[1].String(), "photo.jpg") {
		t.Fatalf("Check after deleting blobs = %+v", rep)
	}
}

// TestConcurrentEditSurfacesConflict applies an edit from another device
// that did not see the local one: both values survive as a conflict, and
// the next local write resolves it.
func TestConcurrentEditSurfacesConflict(t *testing.T) {
	w := mustWorkspace(t)
	_, aud := mustAudit(t, w, "datacenter")
	w.SetResult(aud, "5", ResultPatch{Observation: str("初稿")})
	st, _ := w.AuditState(aud)
	it, _ := st.Item("5")
	var base change.OpID
	w.st.View(func(tx *bolt.Tx) error {
		e, _ := tx.Entity(it.ID)
		base = e.Get("observation").Values[0].Op
		return nil
	})
	w.SetResult(aud, "5", ResultPatch{Observation: str("山田の修正")})
	err := w.st.Update(func(tx *bolt.Tx) error {
		_, err := tx.ApplyRemote(change.Op{ID: change.OpID{Device: "other", Seq: 1}, At: change.Time{Wall: 1}, Author: "m2",
			Entity: it.ID, Field: "observation", Value: json.RawMessage(`"佐藤の修正"`), Supersedes: []change.OpID{base}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	st, _ = w.AuditState(aud)
	it, _ = st.Item("5")
	if got := it.Conflicts["observation"]; len(got) != 2 {
		t.Fatalf("conflicts = %v; want both edits", it.Conflicts)
	}
	if s := st.Summary(); s.Conflicts != 1 {
		t.Fatalf("summary conflicts = %d", s.Conflicts)
	}
	if err := w.SetField(aud, it.ID, "observation", "統合した文"); err != nil {
		t.Fatal(err)
	}
	st, _ = w.AuditState(aud)
	it, _ = st.Item("5")
	if len(it.Conflicts) != 0 || it.Result.Observation != "統合した文" {
		t.Fatalf("after resolve: %v %q", it.Conflicts, it.Result.Observation)
	}
}

func TestDeleteItem(t *testing.T) {
	w := mustWorkspace(t)
	_, aud := mustAudit(t, w, "datacenter")
	if err := w.DeleteItem(aud, "DC-12"); err != nil {
		t.Fatal(err)
	}
	st, _ := w.AuditState(aud)
	if _, ok := st.Item("DC-12"); ok || len(st.Items) != 49 {
		t.Fatalf("after delete: %d items", len(st.Items))
	}
	if rep, _ := w.Check(context.Background(), nil); !rep.OK() {
		t.Fatalf("check after delete: %v", rep.Problems)
	}
}

func TestLockedAuditRefusesEdits(t *testing.T) {
	w := mustWorkspace(t)
	_, aud := mustAudit(t, w, "datacenter")
	if err := w.SetResult(aud, "2", ResultPatch{Rating: str("conform")}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Approve(aud); err != nil { // the lock is the chief's approval (review.go)
		t.Fatal(err)
	}
	if err := w.SetResult(aud, "1", ResultPatch{Rating: str("conform")}); !errors.Is(err, ErrLocked) {
		t.Fatalf("edit of locked audit: %v", err)
	}
}

func TestShowIsDeterministic(t *testing.T) {
	w := mustWorkspace(t)
	_, aud := mustAudit(t, w, "datacenter")
	w.SetResult(aud, "3", ResultPatch{Rating: str("conform")})
	st1, _ := w.AuditState(aud)
	st2, _ := w.AuditState(aud)
	a, _ := json.Marshal(st1.Show())
	b, _ := json.Marshal(st2.Show())
	if string(a) != string(b) {
		t.Fatal("show differs between two reads")
	}
	if strings.Contains(string(a), w.Dir()) || strings.Contains(string(a), w.Me().Device) {
		t.Fatal("show holds device-specific data")
	}
}

func TestOpenErrors(t *testing.T) {
	w := mustWorkspace(t)
	dir := w.Dir()
	w.Close()
	if _, err := Open(dir, []byte("nope"), Options{}); !errors.Is(err, ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
	if _, err := Open(t.TempDir(), []byte("x"), Options{}); !errors.Is(err, ErrNoStore) {
		t.Fatalf("no store: %v", err)
	}
	if _, err := Create(filepath.Join(t.TempDir(), "s"), nil, "a", audit.RoleAuditor, Options{KDF: testKDF}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty passphrase: %v", err)
	}
}

func TestChecksheetReimport(t *testing.T) {
	w := mustWorkspace(t)
	_, aud := mustAudit(t, w, "")
	sheet := []audit.Item{
		{No: "1", Section: "組織", Title: "体制の整備", Criteria: "ポリシー"},
		{No: "2", Section: "物理", Title: "入退室管理"},
		{No: "3", Section: "物理", Title: "機器の廃棄"},
		{No: "4", Section: "人的", Title: "研修"},
	}
	d, err := w.ApplyChecksheet(aud, sheet)
	if err != nil || len(d.Added) != 4 {
		t.Fatalf("first import: %+v, %v", d, err)
	}
	w.SetResult(aud, "3", ResultPatch{Rating: str("partial"), Observation: str("廃棄記録が一部欠落")})
	w.SetResult(aud, "4", ResultPatch{Rating: str("conform")})

	changed := []audit.Item{
		{No: "1", Section: "組織", Title: "体制の整備", Criteria: "ポリシー第2章"}, // criteria reworded
		{No: "2", Section: "物理", Title: "入退室管理"},                      // unchanged
		{No: "5", Section: "物理", Title: "機器の廃棄"},                      // renumbered 3 -> 5
		{No: "6", Section: "技術", Title: "パスワード管理"},                    // new
		// 4 (研修, rated) is gone from the sheet
	}
	plan, err := w.PlanChecksheet(aud, changed)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Added) != 1 || len(plan.Changed) != 2 || len(plan.Orphaned) != 1 || plan.Unchanged != 1 {
		t.Fatalf("plan = %+v", plan)
	}
	if o := plan.Orphaned[0]; o.No != "4" || !o.HasResult {
		t.Fatalf("orphan = %+v; want item 4 with its result", o)
	}
	if _, err := w.ApplyChecksheet(aud, changed); err != nil {
		t.Fatal(err)
	}
	st, _ := w.AuditState(aud)
	if len(st.Items) != 5 {
		t.Fatalf("after re-import: %d items; want 5 (the orphan is kept)", len(st.Items))
	}
	moved, ok := st.Item("5")
	if !ok || moved.Result.Observation != "廃棄記録が一部欠落" {
		t.Fatalf("renumbered item lost its result: %+v", moved)
	}
	if _, ok := st.Item("3"); ok {
		t.Fatal("old number 3 still present")
	}
	if kept, ok := st.Item("4"); !ok || kept.Result.Rating != "conform" {
		t.Fatal("orphaned item or its result was dropped")
	}
	if one, _ := st.Item("1"); one.Criteria != "ポリシー第2章" {
		t.Fatalf("criteria not updated: %q", one.Criteria)
	}
	// Importing the same sheet again changes nothing.
	again, _ := w.PlanChecksheet(aud, changed)
	if !again.Empty() || again.Unchanged != 4 {
		t.Fatalf("second plan = %+v; want nothing to do", again)
	}
	if _, err := w.ApplyChecksheet(aud, append(changed, audit.Item{No: "６", Title: "重複"})); !errors.Is(err, ErrInvalid) {
		t.Fatalf("duplicate numbers: %v", err)
	}
}

// exportRows simulates an exported and re-read workbook: one row per item
// with its current values and version token.
func exportRows(t *testing.T, w *Workspace, aud string) map[string]ResultRow {
	t.Helper()
	var vers map[string]string
	w.st.View(func(tx *bolt.Tx) error {
		var err error
		vers, err = w.resultVersions(tx, aud)
		return err
	})
	st, _ := w.AuditState(aud)
	rows := map[string]ResultRow{}
	for i, it := range st.Items {
		label := ""
		if r, ok := st.Audit.Scale.Lookup(it.Result.Rating); ok {
			label = r.Label
		}
		rows[it.No] = ResultRow{Row: i + 5, ID: it.ID, Version: vers[it.ID], No: it.No, Rating: label,
			Observation: it.Result.Observation, EvidenceSeen: it.Result.EvidenceSeen,
			Finding: it.Result.Finding.Label(), Proposal: it.Result.Proposal}
	}
	return rows
}

func TestApplyResultsFromWorkbook(t *testing.T) {
	w := mustWorkspace(t)
	_, aud := mustAudit(t, w, "datacenter")
	w.SetResult(aud, "1", ResultPatch{Observation: str("初回の記録")})
	w.SetResult(aud, "2", ResultPatch{Observation: str("Kansa側の記録")})
	rows := exportRows(t, w, aud)

	// Meanwhile in Kansa: item 2 is edited after the export.
	w.SetResult(aud, "2", ResultPatch{Observation: str("Kansa側で後から修正")})
	// And in Excel: item 1 and 2 observations edited, item 3 rated with a
	// Japanese label, item 4 given a rating not in the scale.
	r1, r2, r3, r4 := rows["1"], rows["2"], rows["3"], rows["4"]
	r1.Observation = "Excelで追記した記録\r\n2行目"
	r2.Observation = "Excelで修正"
	r3.Rating, r3.Finding = "不適合", "指摘事項"
	r4.Rating = "優"
	// Item 5: Excel unchanged, but Kansa edited it after export: Kansa stands.
	r5 := rows["5"]
	w.SetResult(aud, "5", ResultPatch{Rating: str("conform")})

	rep, err := w.ApplyResults(aud, []ResultRow{r1, r2, r3, r4, r5, {Row: 99, No: "999"}})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rep.Updated, ",") != "1,2,3" || strings.Join(rep.Conflicts, ",") != "2" {
		t.Fatalf("report = %+v", rep)
	}
	if len(rep.Problems) != 2 || !strings.Contains(rep.Problems[0], "優") || !strings.Contains(rep.Problems[1], "999") {
		t.Fatalf("problems = %q", rep.Problems)
	}
	st, _ := w.AuditState(aud)
	one, _ := st.Item("1")
	if one.Result.Observation != "Excelで追記した記録\n2行目" || len(one.Conflicts) != 0 {
		t.Fatalf("item 1 = %q %v", one.Result.Observation, one.Conflicts)
	}
	two, _ := st.Item("2")
	if got := two.Conflicts["observation"]; len(got) != 2 {
		t.Fatalf("item 2 conflicts = %v; want Kansa's and Excel's values", two.Conflicts)
	}
	three, _ := st.Item("3")
	if three.Result.Rating != "nonconform" || three.Result.Finding != audit.FindingMajor {
		t.Fatalf("item 3 = %+v", three.Result)
	}
	five, _ := st.Item("5")
	if five.Result.Rating != "conform" {
		t.Fatalf("item 5 rating = %q; Kansa's newer edit should stand", five.Result.Rating)
	}
	// Importing the same rows again writes nothing new.
	again, _ := w.ApplyResults(aud, []ResultRow{r1, r3})
	if len(again.Updated) != 0 {
		t.Fatalf("second import updated %v", again.Updated)
	}
}

func TestFollowupFromFindings(t *testing.T) {
	w := mustWorkspace(t)
	eng, aud := mustAudit(t, w, "datacenter")
	w.SetResult(aud, "12", ResultPatch{Finding: str("finding"), Observation: str("記録漏れ"), Proposal: str("日次確認")})
	w.SetResult(aud, "26", ResultPatch{Finding: str("advice"), Observation: str("預かり証の様式が古い")})
	w.SetResult(aud, "30", ResultPatch{Finding: str("good"), Observation: str("良好")})
	fu, err := w.CreateFollowup(eng, aud, "")
	if err != nil {
		t.Fatal(err)
	}
	st, _ := w.AuditState(fu)
	if st.Audit.Kind != audit.KindFollowup || len(st.Items) != 2 {
		t.Fatalf("follow-up: kind %s, %d items; want 2 (good practice is not followed up)", st.Audit.Kind, len(st.Items))
	}
	it, _ := st.Item("12")
	if !strings.Contains(it.Points, "記録漏れ") || !strings.Contains(it.Points, "日次確認") || !strings.Contains(it.Origin, "No.12") {
		t.Fatalf("item 12 = %+v", it.Item)
	}
	rep, err := w.ApplyProgress(fu, []ProgressRow{
		{Row: 5, No: "１２", Status: "改善済み", Comment: "日次確認を開始"},
		{Row: 6, No: "26", Status: "検討中"},
		{Row: 7, No: "99", Status: "未着手"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Updated) != 1 || len(rep.Problems) != 2 {
		t.Fatalf("report = %+v", rep)
	}
	st, _ = w.AuditState(fu)
	it, _ = st.Item("12")
	if it.Result.Status != audit.StatusImproved || it.Result.AuditeeComment != "日次確認を開始" {
		t.Fatalf("item 12 result = %+v", it.Result)
	}
	if _, err := w.CreateFollowup(eng, fu, "x"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("follow-up of an audit without findings: %v", err)
	}
}

func testJPEG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y += 7 {
		for x := 0; x < w; x += 5 {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
