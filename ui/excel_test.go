package ui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// fakePicker answers the file dialogs with fixed paths and records what
// was asked.
type fakePicker struct {
	openPath, savePath string
	exts, names        []string
}

func (p *fakePicker) open(_, ext string, done func(string)) {
	p.exts = append(p.exts, ext)
	done(p.openPath)
}

func (p *fakePicker) save(_, name, ext string, done func(string)) {
	p.exts = append(p.exts, ext)
	p.names = append(p.names, name)
	done(p.savePath)
}

// demoAudits returns the demo engagement's audits by kind.
func demoAudits(t *testing.T, ws *workspace.Workspace) map[audit.Kind]workspace.AuditSummary {
	t.Helper()
	engs, err := ws.Engagements()
	if err != nil || len(engs) != 1 {
		t.Fatalf("Engagements() = %d, %v; want the demo", len(engs), err)
	}
	list, err := ws.Audits(engs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[audit.Kind]workspace.AuditSummary{}
	for _, a := range list {
		out[a.Kind] = a
	}
	return out
}

// demoChecksheet makes a demo store and exports the checksheet of its
// data-centre audit (50 items) as the workbook to import. With emptyAudit
// it also adds an empty audit of the same kind; its id is returned.
func demoChecksheet(t *testing.T, emptyAudit bool) (store DirStore, path string, dc workspace.AuditSummary, emptyID string) {
	t.Helper()
	store = newDemoStore(t)
	ws, err := workspace.Open(store.Dir, []byte(testPassphrase), fastOptions)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	dc = demoAudits(t, ws)[audit.KindDatacenter]
	if dc.Items != 50 {
		t.Fatalf("demo data-centre audit has %d items, want 50", dc.Items)
	}
	path = filepath.Join(t.TempDir(), "checksheet.xlsx")
	if err := ws.ExportExcel(context.Background(), dc.ID, workspace.ExportChecksheet, path, nil); err != nil {
		t.Fatalf("ExportExcel: %v", err)
	}
	if emptyAudit {
		emptyID, err = ws.CreateAudit(workspace.NewAudit{EngagementID: dc.EngagementID, Kind: audit.KindDatacenter, Title: "データセンター監査（取込先）"})
		if err != nil {
			t.Fatal(err)
		}
	}
	return store, path, dc, emptyID
}

// unlockHome unlocks the test app and returns the home screen.
func unlockHome(t *testing.T, u *App, q *queueRunner) *homeScreen {
	t.Helper()
	s := screenOf[*unlockScreen](t, u)
	test.Type(s.pass, testPassphrase)
	typeEnter(s.pass)
	q.settle(t)
	return screenOf[*homeScreen](t, u)
}

// selectAudit selects the audit id in the home screen's audit list.
func selectAudit(t *testing.T, home *homeScreen, id string) {
	t.Helper()
	for i, a := range home.audits {
		if a.ID == id {
			home.auditList.Select(i)
			return
		}
	}
	t.Fatalf("audit %s is not in the list", id)
}

// openPreview imports path into audit id up to the preview screen.
func openPreview(t *testing.T, u *App, q *queueRunner, id, path string) *importScreen {
	t.Helper()
	home := screenOf[*homeScreen](t, u)
	selectAudit(t, home, id)
	u.files = &fakePicker{openPath: path}
	test.Tap(home.importChecksheet.Button)
	q.settle(t)
	if home.message.visible() {
		t.Fatalf("home message after reading the workbook: %s", home.message.text())
	}
	return screenOf[*importScreen](t, u)
}

// mappingOf returns the Select of column c.
func mappingOf(t *testing.T, s *importScreen, c audit.Column) *widget.Select {
	t.Helper()
	i := slices.Index(s.cols, c)
	if i < 0 {
		t.Fatalf("no Select for column %s; columns are %v", c, s.cols)
	}
	return s.mapping[i]
}

// optionFor returns the mapping option whose header is label.
func optionFor(t *testing.T, sel *widget.Select, label string) string {
	t.Helper()
	for _, o := range sel.Options {
		if strings.HasSuffix(o, ": "+label) {
			return o
		}
	}
	t.Fatalf("no option for header %q among %q", label, sel.Options)
	return ""
}

func countsText(added, changed, unchanged, orphaned int) string {
	return fmt.Sprintf("追加 %d ・ 変更 %d ・ 変更なし %d ・ シートにない項目 %d", added, changed, unchanged, orphaned)
}

func TestExcelActionsNeedASelectedAudit(t *testing.T) {
	store := newDemoStore(t)
	u, q := newTestApp(t, store)
	home := unlockHome(t, u, q)
	buttons := map[string]toolbarButton{"チェックシート取込": home.importChecksheet, "チェックシート出力": home.exportChecksheet, "結果一覧出力": home.exportResults}
	for label, b := range buttons {
		if b.Text != label {
			t.Errorf("button text = %q, want %q", b.Text, label)
		}
		if !b.Disabled() {
			t.Errorf("%s enabled with no audit selected", label)
		}
	}
	home.auditList.Select(0)
	for label, b := range buttons {
		if b.Disabled() {
			t.Errorf("%s disabled with an audit selected", label)
		}
	}
	home.auditList.UnselectAll()
	for label, b := range buttons {
		if !b.Disabled() {
			t.Errorf("%s enabled after the audit was unselected", label)
		}
	}
}

func TestImportPreviewDetectsMappingAndDiff(t *testing.T) {
	store, path, dc, _ := demoChecksheet(t, false)
	u, q := newTestApp(t, store)
	unlockHome(t, u, q)
	s := openPreview(t, u, q, dc.ID, path)

	if got, want := u.files.(*fakePicker).exts, []string{".xlsx"}; !slices.Equal(got, want) {
		t.Errorf("file dialog extensions = %q, want %q", got, want)
	}
	if s.sheetIx != 0 || !s.sheetName.Visible() || s.sheet.Visible() {
		t.Errorf("one candidate sheet: sheetIx %d, name shown %v, selector shown %v; want it picked, named, no selector",
			s.sheetIx, s.sheetName.Visible(), s.sheet.Visible())
	}
	if got := len(s.mapping); got != len(audit.KindDatacenter.Columns()) {
		t.Fatalf("%d mapping Selects, want one per data-centre column (%d)", got, len(audit.KindDatacenter.Columns()))
	}
	for _, c := range audit.KindDatacenter.Columns() {
		sel := mappingOf(t, s, c)
		if want := ": " + columnLabel(c); !strings.HasSuffix(sel.Selected, want) {
			t.Errorf("column %s: Select shows %q, want the sheet's %q header detected", c, sel.Selected, want)
		}
		if sel.Options[0] != "（なし）" {
			t.Errorf("column %s: first option %q, want （なし）", c, sel.Options[0])
		}
	}
	// The dry run ran on its own with the detected mapping: the sheet is
	// the audit it came from.
	if got, want := s.counts.Text, countsText(0, 0, 50, 0); got != want {
		t.Errorf("counts = %q, want %q", got, want)
	}
	assertShows(t, u, countsText(0, 0, 50, 0))
	assertShows(t, u, "追加・変更される項目はありません。")
	if !s.apply.Disabled() {
		t.Error("取り込む enabled although nothing would change")
	}
	if got := s.hint.text(); got != "シートの内容はこの監査と同じです。取り込む変更はありません。" {
		t.Errorf("hint = %q", got)
	}
	// 戻る goes back to the audit.
	test.Tap(s.back)
	q.settle(t)
	home := screenOf[*homeScreen](t, u)
	if a, ok := home.currentAudit(); !ok || a.ID != dc.ID {
		t.Errorf("after going back the selected audit is %+v (%v), want %s", a.ID, ok, dc.ID)
	}
}

func TestImportIntoEmptyAudit(t *testing.T) {
	store, path, dc, emptyID := demoChecksheet(t, true)
	u, q := newTestApp(t, store)
	unlockHome(t, u, q)
	s := openPreview(t, u, q, emptyID, path)

	if got, want := s.counts.Text, countsText(50, 0, 0, 0); got != want {
		t.Fatalf("counts = %q, want %q", got, want)
	}
	if len(s.rows) != 50 || s.rows[0].tag != "追加" {
		t.Fatalf("change list has %d rows (first %+v), want 50 added", len(s.rows), s.rows[0])
	}
	if s.apply.Disabled() {
		t.Fatalf("取り込む disabled with 50 items to add; hint %q", s.hint.text())
	}

	// Without a title column there is nothing to import.
	title := mappingOf(t, s, audit.ColTitle)
	detected := title.Selected
	title.SetSelected("（なし）")
	if !s.apply.Disabled() || !s.refresh.Disabled() {
		t.Errorf("取り込む disabled %v, プレビュー更新 disabled %v with no title column; want both disabled",
			s.apply.Disabled(), s.refresh.Disabled())
	}
	if got, want := s.hint.text(), "「監査項目」の列を選んでください。監査項目の列がないと取り込めません。"; got != want || !s.hint.visible() {
		t.Errorf("hint = %q (visible %v), want %q", got, s.hint.visible(), want)
	}
	test.Tap(s.apply) // disabled: nothing happens
	if s.busy.busy() {
		t.Fatal("a disabled 取り込む started work")
	}
	title.SetSelected(detected)
	if s.apply.Disabled() || s.hint.visible() {
		t.Fatalf("mapping restored: 取り込む disabled %v, hint %q; want the dry run usable again", s.apply.Disabled(), s.hint.text())
	}

	test.Tap(s.apply)
	if !s.busy.busy() || !s.apply.Disabled() {
		t.Error("no busy state while importing")
	}
	q.settle(t)

	home := screenOf[*homeScreen](t, u)
	if got, want := home.message.text(), "「データセンター監査（取込先）」にチェックシートを取り込みました（追加 50件、変更 0件、シートにない項目 0件は保持）。"; got != want {
		t.Errorf("home message = %q, want %q", got, want)
	}
	if a, ok := home.currentAudit(); !ok || a.ID != emptyID || a.Items != 50 {
		t.Errorf("selected audit after import = %s with %d items (%v), want %s with 50", a.ID, a.Items, ok, emptyID)
	}
	assertShows(t, u, "評価済 0/50 ・ 指摘 0 ・ 証跡 0 ・ 未完了のレビューノート 0")

	ws := u.ws.(*workspace.Workspace)
	got, err := ws.AuditState(emptyID)
	if err != nil {
		t.Fatal(err)
	}
	want, err := ws.AuditState(dc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Items) != 50 {
		t.Fatalf("imported audit has %d items, want 50", len(got.Items))
	}
	for i := range got.Items {
		g, w := got.Items[i].Item, want.Items[i].Item
		if g.No != w.No || g.Title != w.Title || g.Section != w.Section || g.Criteria != w.Criteria || g.Points != w.Points {
			t.Errorf("item %d = %s %q, want %s %q as in the exported audit", i, g.No, g.Title, w.No, w.Title)
		}
		if g.ID == w.ID {
			t.Errorf("item %s kept the id of the audit it was exported from", g.No)
		}
	}
}

func TestImportPreviewCorrectedMapping(t *testing.T) {
	store, path, dc, _ := demoChecksheet(t, false)
	u, q := newTestApp(t, store)
	unlockHome(t, u, q)
	s := openPreview(t, u, q, dc.ID, path)

	criteria, points := mappingOf(t, s, audit.ColCriteria), mappingOf(t, s, audit.ColPoints)
	criteriaCol, pointsCol := criteria.Selected, points.Selected
	// Swap 適用基準 and 確認の要点, one Select at a time.
	criteria.SetSelected(pointsCol)
	if got, want := s.hint.text(), "「適用基準」と「確認の要点」に同じ列（"+strings.SplitN(pointsCol, ":", 2)[0]+"）が選ばれています。別々の列を選んでください。"; got != want {
		t.Errorf("hint = %q, want %q", got, want)
	}
	if !s.refresh.Disabled() {
		t.Error("プレビュー更新 enabled with one column assigned twice")
	}
	points.SetSelected(criteriaCol)
	if s.refresh.Disabled() || !s.apply.Disabled() {
		t.Errorf("after the swap: プレビュー更新 disabled %v, 取り込む disabled %v; want update enabled, import waiting for it",
			s.refresh.Disabled(), s.apply.Disabled())
	}
	if got := s.hint.text(); !strings.Contains(got, "プレビュー更新") {
		t.Errorf("hint = %q, want it to ask for プレビュー更新", got)
	}
	test.Tap(s.refresh)
	q.settle(t)

	st, err := u.ws.(*workspace.Workspace).AuditState(dc.ID)
	if err != nil {
		t.Fatal(err)
	}
	differ := 0
	for _, it := range st.Items {
		if it.Criteria != it.Points {
			differ++
		}
	}
	if differ == 0 {
		t.Fatal("demo items have equal criteria and points; the test proves nothing")
	}
	if got, want := s.counts.Text, countsText(0, differ, 50-differ, 0); got != want {
		t.Errorf("counts after the swap = %q, want %q", got, want)
	}
	if len(s.rows) == 0 || s.rows[0].tag != "変更" || s.rows[0].detail != "変更される列：適用基準、確認の要点" {
		t.Errorf("first change row = %+v, want 変更 of 適用基準、確認の要点", s.rows)
	}
	if s.apply.Disabled() {
		t.Errorf("取り込む disabled after the dry run of the corrected mapping; hint %q", s.hint.text())
	}
}

func TestImportSheetChoice(t *testing.T) {
	store, path, dc, _ := demoChecksheet(t, false)
	u, q := newTestApp(t, store)
	unlockHome(t, u, q)
	cands, skips, err := workspace.PreviewChecksheet(path)
	if err != nil || len(cands) != 1 {
		t.Fatalf("PreviewChecksheet = %d candidates, %v", len(cands), err)
	}
	// A workbook with a second look-alike sheet and an empty one.
	other := cands[0]
	other.Name = "別シート"
	cands = append(cands, other)
	skips = append(skips, workspace.SheetSkip{Sheet: "メモ", Reason: "the sheet is empty"})
	s := newImportScreen(u, dc, path, cands, skips)
	u.show(Route{Page: PageImport, EngagementID: dc.EngagementID, AuditID: dc.ID, Path: path}, s)

	if !s.sheet.Visible() || s.sheet.SelectedIndex() >= 0 {
		t.Fatalf("several sheets: selector visible %v, selected %d; want it shown with nothing chosen", s.sheet.Visible(), s.sheet.SelectedIndex())
	}
	if got, want := s.hint.text(), "取り込むシートを選んでください。"; got != want {
		t.Errorf("hint = %q, want %q", got, want)
	}
	if !s.apply.Disabled() || !s.refresh.Disabled() || !s.mapping[0].Disabled() {
		t.Error("import, preview or mapping usable before a sheet is chosen")
	}
	assertShows(t, u, "取り込まないシート：\n・メモ（the sheet is empty）")

	s.sheet.SetSelectedIndex(0)
	q.settle(t)
	if got, want := s.counts.Text, countsText(0, 0, 50, 0); got != want {
		t.Errorf("counts for the real sheet = %q, want %q", got, want)
	}
	// The look-alike is not in the file: the error says so in Japanese,
	// with the cause on a details line.
	s.sheet.SetSelectedIndex(1)
	q.settle(t)
	if got := s.message.text(); !strings.HasPrefix(got, "取り込むシートを選んでください。\n詳細：") {
		t.Errorf("message = %q, want the choose-sheet text and details", got)
	}
	if s.counts.Text != "" || !s.apply.Disabled() {
		t.Errorf("after a failed dry run counts = %q, 取り込む disabled %v; want no counts and no import", s.counts.Text, s.apply.Disabled())
	}
}

func TestImportPreviewCancel(t *testing.T) {
	store, path, dc, _ := demoChecksheet(t, false)
	u, q := newTestApp(t, store)
	home := unlockHome(t, u, q)
	selectAudit(t, home, dc.ID)
	u.files = &fakePicker{openPath: path}
	test.Tap(home.importChecksheet.Button)
	if home.progress == nil || !home.busy.busy() {
		t.Fatal("no progress dialog or busy state while the workbook is read")
	}
	test.Tap(home.progress.cancel)
	if home.busy.busy() {
		t.Error("still busy after Cancel")
	}
	q.settle(t) // the reading finishes; its result is dropped
	if u.screen != home {
		t.Fatalf("screen is %T after Cancel, want home", u.screen)
	}
	if home.message.visible() {
		t.Errorf("message %q after Cancel", home.message.text())
	}
}

func TestImportRejectsBrokenWorkbook(t *testing.T) {
	store, _, dc, _ := demoChecksheet(t, false)
	bad := filepath.Join(t.TempDir(), "broken.xlsx")
	if err := os.WriteFile(bad, []byte("this is not a workbook"), 0o600); err != nil {
		t.Fatal(err)
	}
	u, q := newTestApp(t, store)
	home := unlockHome(t, u, q)
	selectAudit(t, home, dc.ID)
	u.files = &fakePicker{openPath: bad}
	test.Tap(home.importChecksheet.Button)
	q.settle(t)
	screenOf[*homeScreen](t, u)
	got := home.message.text()
	if !strings.HasPrefix(got, "Excelブック（.xlsx）ではありません。") || !strings.Contains(got, "\n詳細：") || !strings.Contains(got, "broken.xlsx") {
		t.Errorf("message = %q, want the Japanese text and a details line naming the file", got)
	}
}

func TestExportFlowWritesWorkbooks(t *testing.T) {
	store := newDemoStore(t)
	u, q := newTestApp(t, store)
	home := unlockHome(t, u, q)
	var dc workspace.AuditSummary
	for _, a := range home.audits {
		if a.Kind == audit.KindDatacenter {
			dc = a
		}
	}
	selectAudit(t, home, dc.ID)
	dir := t.TempDir()
	for _, tc := range []struct {
		button      toolbarButton
		name, done  string
		wantHeaders bool
	}{
		{home.exportChecksheet, dc.Title + "_チェックシート.xlsx", "チェックシートを出力しました：", true},
		{home.exportResults, dc.Title + "_監査結果一覧.xlsx", "監査結果一覧を出力しました：", false},
	} {
		path := filepath.Join(dir, tc.name)
		p := &fakePicker{savePath: path}
		u.files = p
		test.Tap(tc.button.Button)
		if got := p.names; len(got) != 1 || got[0] != tc.name {
			t.Errorf("suggested file name = %q, want %q", got, tc.name)
		}
		if home.progress == nil || home.progress.bar == nil || !home.busy.busy() {
			t.Fatal("no progress bar while exporting")
		}
		q.settle(t)
		fi, err := os.Stat(path)
		if err != nil || fi.Size() == 0 {
			t.Fatalf("export %s: %v (size %v), want a non-empty file", tc.name, err, fi)
		}
		if got, want := home.message.text(), tc.done+path; got != want {
			t.Errorf("message = %q, want %q", got, want)
		}
		if tc.wantHeaders {
			cands, _, err := workspace.PreviewChecksheet(path)
			if err != nil || len(cands) != 1 || cands[0].Rows != 50 {
				t.Errorf("exported checksheet reads back as %d candidates (%v)", len(cands), err)
			}
		}
	}
}

// blockingExport is a Workspace whose exports report some progress and
// then wait to be cancelled.
type blockingExport struct {
	Workspace
	started chan struct{}
}

func (b *blockingExport) ExportExcel(ctx context.Context, auditID string, kind workspace.ExportKind, path string, progress func(done, total int)) error {
	progress(1, 4)
	close(b.started)
	<-ctx.Done()
	return fmt.Errorf("write %s: %w", filepath.Base(path), ctx.Err())
}

func TestExportProgressAndCancel(t *testing.T) {
	store := newDemoStore(t)
	u, q := newTestApp(t, store)
	unlockHome(t, u, q)
	fake := &blockingExport{Workspace: u.ws, started: make(chan struct{})}
	u.ws = fake
	u.navigate(Route{Page: PageHome})
	q.settle(t)
	home := screenOf[*homeScreen](t, u)
	home.auditList.Select(0)
	path := filepath.Join(t.TempDir(), "out.xlsx")
	u.files = &fakePicker{savePath: path}
	test.Tap(home.exportResults.Button)
	<-fake.started
	q.flush()
	d := home.progress
	if d.bar.Max != 4 || d.bar.Value != 1 {
		t.Errorf("progress bar = %v of %v, want 1 of 4", d.bar.Value, d.bar.Max)
	}
	test.Tap(d.cancel)
	if !d.cancel.Disabled() || d.text.Text != "中止しています…" {
		t.Errorf("after Cancel: button disabled %v, text %q", d.cancel.Disabled(), d.text.Text)
	}
	q.settle(t)
	if got, want := home.message.text(), "出力を中止しました。"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	if home.busy.busy() {
		t.Error("still busy after the cancelled export")
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a cancelled export left %s (%v)", path, err)
	}
}

func TestColumnLabels(t *testing.T) {
	want := map[audit.Column]string{
		audit.ColNo: "No.", audit.ColSection: "区分", audit.ColTitle: "監査項目", audit.ColCriteria: "適用基準",
		audit.ColPoints: "確認の要点", audit.ColExamples: "監査証拠の例示", audit.ColHearingPurpose: "ヒアリング目的",
		audit.ColGuidelineRef: "例文番号", audit.ColNotes: "備考",
	}
	for _, k := range audit.Kinds {
		for _, c := range k.Columns() {
			if got := columnLabel(c); got != want[c] {
				t.Errorf("columnLabel(%s) = %q, want %q", c, got, want[c])
			}
		}
	}
	for i, want := range map[int]string{0: "A", 2: "C", 25: "Z", 26: "AA", 27: "AB", 701: "ZZ", 702: "AAA"} {
		if got := columnLetter(i); got != want {
			t.Errorf("columnLetter(%d) = %q, want %q", i, got, want)
		}
	}
	if got, want := safeFileName(` a/b:c*?"<>|. `), "a_b_c______"; got != want {
		t.Errorf("safeFileName = %q, want %q", got, want)
	}
}
