package ui

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/fixtures"
	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/report"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// demoDatacenter is the demo's data-centre audit, as the home screen
// lists it.
func demoDatacenter(t *testing.T, home *homeScreen) workspace.AuditSummary {
	t.Helper()
	for _, a := range home.audits {
		if a.Kind == audit.KindDatacenter {
			return a
		}
	}
	t.Fatal("the demo has no data-centre audit")
	return workspace.AuditSummary{}
}

// openExport opens the document export of audit id from the home screen
// and waits for the lints.
func openExport(t *testing.T, u *App, q *queueRunner, id string) *exportScreen {
	t.Helper()
	home := screenOf[*homeScreen](t, u)
	selectAudit(t, home, id)
	if home.exportDocuments.Disabled() {
		t.Fatal("報告書・計画書の出力 disabled with an audit selected")
	}
	test.Tap(home.exportDocuments.Button)
	s := screenOf[*exportScreen](t, u)
	if u.route.Page != PageExport || u.route.AuditID != id {
		t.Errorf("route = %+v, want PageExport of %s", u.route, id)
	}
	q.settle(t)
	if s.message.visible() {
		t.Fatalf("message after loading: %s", s.message.text())
	}
	return s
}

// docExportFake is a Workspace whose ExportDocument is export.
type docExportFake struct {
	Workspace
	export func(ctx context.Context, req workspace.DocRequest, progress func(done, total int)) error
}

func (f *docExportFake) ExportDocument(ctx context.Context, req workspace.DocRequest, progress func(done, total int)) error {
	return f.export(ctx, req, progress)
}

func TestExportButtonNeedsAnAudit(t *testing.T) {
	u, q := newTestApp(t, newDemoStore(t))
	home := unlockHome(t, u, q)
	if !home.exportDocuments.Disabled() {
		t.Error("報告書・計画書の出力 enabled with no audit selected")
	}
	test.Tap(home.exportDocuments.Button)
	screenOf[*homeScreen](t, u)
	dc := demoDatacenter(t, home)
	selectAudit(t, home, dc.ID)
	if home.exportDocuments.Disabled() {
		t.Error("報告書・計画書の出力 disabled with an audit selected")
	}
	if got, want := home.exportDocuments.Text, "報告書・計画書"; got != want {
		t.Errorf("button = %q, want %q", got, want)
	}
}

func TestExportScreenShowsLints(t *testing.T) {
	u, q := newTestApp(t, newDemoStore(t))
	home := unlockHome(t, u, q)
	dc := demoDatacenter(t, home)
	want, err := u.ws.Lint(dc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(want) < 3 {
		t.Fatalf("the demo data-centre audit has %d lints; the test needs some", len(want))
	}

	s := openExport(t, u, q, dc.ID)
	if got, wantText := s.count.Text, fmt.Sprintf("出力前チェック：%d件", len(want)); got != wantText {
		t.Errorf("count = %q, want %q", got, wantText)
	}
	if got := s.lintList.Length(); got != len(want) {
		t.Errorf("list has %d rows, want %d", got, len(want))
	}
	if s.noLints.Visible() {
		t.Error("「問題はありません」 shown beside lints")
	}
	assertShows(t, u, "対象："+dc.Title+"（基幹システム外部データセンター監査）")
	// The first rows as drawn: item, rule label, message.
	assertShows(t, u, "全体")
	assertShows(t, u, "未評価")
	assertShows(t, u, want[0].Message)
	for i, f := range want {
		if f.Rule == report.RuleProposalShort {
			s.lintList.ScrollTo(i)
			assertShows(t, u, "No."+f.Item)
			assertShows(t, u, "改善提案が短い")
			assertShows(t, u, f.Message)
			break
		}
	}
	for _, o := range s.variantRow {
		if o.Visible() {
			t.Errorf("version choice %T shown for a data-centre audit", o)
		}
	}
	if s.export.Disabled() || s.doc.Selected != "監査報告書" || s.format.Selected != "PDF" {
		t.Errorf("form: 出力 disabled %v, 文書 %q, 形式 %q; want enabled, 監査報告書, PDF",
			s.export.Disabled(), s.doc.Selected, s.format.Selected)
	}
}

func TestExportScreenLintOpensItem(t *testing.T) {
	u, q := newTestApp(t, newDemoStore(t))
	home := unlockHome(t, u, q)
	dc := demoDatacenter(t, home)
	s := openExport(t, u, q, dc.ID)

	row := -1
	for i, f := range s.lints {
		if f.Item != "" && f.Rule == report.RuleProposalShort {
			row = i
			break
		}
	}
	if row < 0 {
		t.Fatal("no proposal-short lint on an item in the demo")
	}
	f := s.lints[row]
	st, err := u.ws.AuditState(dc.ID)
	if err != nil {
		t.Fatal(err)
	}
	it, ok := findItem(st, f.Item)
	if !ok {
		t.Fatalf("lint names item %q, which the audit lacks", f.Item)
	}

	s.lintList.Select(row)
	q.settle(t)
	w := screenOf[*auditScreen](t, u)
	if u.route.Page != PageAudit || u.route.AuditID != dc.ID {
		t.Errorf("route = %+v, want PageAudit of %s", u.route, dc.ID)
	}
	if w.current < 0 || w.state.Items[w.current].ID != it.ID {
		t.Fatalf("workspace opened at item %d, want No.%s", w.current, it.No)
	}
	if got, want := w.heading.Text, "No."+it.No+" "+oneLine(it.Title); got != want {
		t.Errorf("detail title = %q, want %q", got, want)
	}
	rating, _ := st.Audit.Scale.Lookup(it.Result.Rating)
	if got, want := w.rating.Selected, ratingOption(ratingIndex(st.Audit.Scale, rating.Code), rating); got != want {
		t.Errorf("rating shown = %q, want %q", got, want)
	}
	if got, want := w.finding.Selected, it.Result.Finding.Label(); got != want {
		t.Errorf("finding shown = %q, want %q", got, want)
	}
	assertShows(t, u, "【改善提案が短い】"+f.Message)
	lines := 0
	for _, o := range w.lintBox.Objects {
		l := o.(*widget.Label).Text
		if !strings.Contains(l, "No."+it.No) && !strings.Contains(l, "全体") {
			t.Errorf("workspace at No.%s shows a lint of another item: %q", it.No, l)
		}
		lines++
	}
	if lines < 2 {
		t.Errorf("workspace shows %d lints; want every lint of No.%s (proposal and evidence)", lines, it.No)
	}

	// 戻る returns to the export screen.
	test.Tap(w.backBtn)
	q.settle(t)
	s = screenOf[*exportScreen](t, u)

	// An audit-level lint opens the audit at its first item.
	if s.lints[0].Item != "" {
		t.Fatalf("first lint %+v is not audit-level", s.lints[0])
	}
	s.lintList.Select(0)
	q.settle(t)
	w = screenOf[*auditScreen](t, u)
	if w.current != 0 {
		t.Errorf("audit-level lint opened item %d, want the first", w.current)
	}
	assertShows(t, u, "【未評価】"+s.lints[0].Message)
}

// ratingIndex is the position of code in the scale.
func ratingIndex(sc audit.Scale, code string) int {
	for i, r := range sc.Ratings {
		if r.Code == code {
			return i
		}
	}
	return -1
}

func TestExportDocumentFlowWritesFiles(t *testing.T) {
	u, q := newTestApp(t, newDemoStore(t))
	home := unlockHome(t, u, q)
	dc := demoDatacenter(t, home)
	s := openExport(t, u, q, dc.ID)
	var opened []*url.URL
	u.openURL = func(l *url.URL) error {
		opened = append(opened, l)
		return nil
	}
	dir := filepath.Join(t.TempDir(), "出力 先")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		doc, format, name, done, magic string
	}{
		{"監査報告書", "Word", dc.Title + "_監査報告書.docx", "監査報告書（Word）を出力しました：", "PK"},
		{"監査計画書", "Word", dc.Title + "_監査計画書.docx", "監査計画書（Word）を出力しました：", "PK"},
		{"監査報告書", "PDF", dc.Title + "_監査報告書.pdf", "監査報告書（PDF）を出力しました：", "%PDF-"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s.doc.SetSelected(tc.doc)
			s.format.SetSelected(tc.format)
			if isPlan := tc.doc == "監査計画書"; s.names.Disabled() != isPlan {
				t.Errorf("氏名 check disabled %v for %s", s.names.Disabled(), tc.doc)
			}
			path := filepath.Join(dir, tc.name)
			p := &fakePicker{savePath: path}
			u.files = p
			test.Tap(s.export)
			if got := p.names; len(got) != 1 || got[0] != tc.name {
				t.Errorf("suggested file name = %q, want %q", got, tc.name)
			}
			if s.progress == nil || s.progress.bar == nil || !s.busy.busy() || !s.export.Disabled() || !s.back.Disabled() {
				t.Fatal("no progress bar and busy state while exporting")
			}
			q.settle(t)
			if s.busy.busy() || s.export.Disabled() {
				t.Error("still busy after the export")
			}
			msg := s.message.text()
			if tc.format == "PDF" && strings.Contains(msg, "日本語フォントが見つかりません") {
				t.Skipf("no Japanese font for the PDF: %s", msg)
			}
			if got, want := msg, tc.done+path; got != want {
				t.Fatalf("message = %q, want %q", got, want)
			}
			data, err := os.ReadFile(path)
			if err != nil || len(data) == 0 {
				t.Fatalf("export %s: %v (%d bytes), want a non-empty file", tc.name, err, len(data))
			}
			if !bytes.HasPrefix(data, []byte(tc.magic)) {
				t.Errorf("%s starts with %q, want %q", tc.name, data[:min(8, len(data))], tc.magic)
			}
			if tc.magic == "PK" {
				body := docxText(t, data)
				if !strings.Contains(body, tc.doc) || !strings.Contains(body, "東京第二データセンター") {
					t.Errorf("%s does not hold its title and the audit's target", tc.name)
				}
			}
			if !s.openFolder.Visible() {
				t.Fatal("no フォルダを開く after the export")
			}
			opened = nil
			test.Tap(s.openFolder)
			if want := folderURL(dir); len(opened) != 1 || opened[0].String() != want.String() {
				t.Errorf("opened %v, want %v", opened, want)
			}
			// Without a file manager the folder is named instead.
			u.openURL = func(*url.URL) error { return errors.New(`exec: "xdg-open": executable file not found in $PATH`) }
			test.Tap(s.openFolder)
			if got := s.message.text(); !strings.HasPrefix(got, "フォルダを開けませんでした："+dir+"\n詳細：") {
				t.Errorf("message = %q, want the folder and the cause", got)
			}
			u.openURL = func(l *url.URL) error {
				opened = append(opened, l)
				return nil
			}
		})
	}
}

// docxText is the text of word/document.xml in a docx.
func docxText(t *testing.T, data []byte) string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range zr.File {
		if f.Name != "word/document.xml" {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	t.Fatal("docx without word/document.xml")
	return ""
}

func TestExportVersionOnlyForCommonPlatform(t *testing.T) {
	u, q := newTestApp(t, newDemoStore(t))
	home := unlockHome(t, u, q)
	dc := demoDatacenter(t, home)
	cpTitle := "共通基盤システム監査（テスト）"
	cpID, err := u.ws.CreateAudit(workspace.NewAudit{EngagementID: dc.EngagementID, Kind: audit.KindCommonPlatform, Title: cpTitle})
	if err != nil {
		t.Fatal(err)
	}
	var got []workspace.DocRequest
	u.ws = &docExportFake{Workspace: u.ws, export: func(_ context.Context, req workspace.DocRequest, _ func(int, int)) error {
		got = append(got, req)
		return os.WriteFile(req.Path, []byte("%PDF-1.7 fake"), 0o600)
	}}
	u.navigate(Route{Page: PageHome, EngagementID: dc.EngagementID})
	q.settle(t)

	s := openExport(t, u, q, dc.ID)
	for _, o := range s.variantRow {
		if o.Visible() {
			t.Errorf("version choice %T shown for a data-centre audit", o)
		}
	}
	test.Tap(s.back)
	q.settle(t)
	home = screenOf[*homeScreen](t, u)
	if a, ok := home.currentAudit(); !ok || a.ID != dc.ID {
		t.Errorf("back from the export: audit %q selected (%v), want %s", a.ID, ok, dc.ID)
	}

	s = openExport(t, u, q, cpID)
	for _, o := range s.variantRow {
		if !o.Visible() {
			t.Errorf("version choice %T hidden for a common-platform audit", o)
		}
	}
	if got, want := s.variant.Options, []string{"区提出版", "J-LIS提出版"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("versions = %q, want %q", got, want)
	}
	if s.noLints.Visible() == (len(s.lints) > 0) {
		t.Errorf("no-lints note visible %v with %d lints", s.noLints.Visible(), len(s.lints))
	}
	dir := t.TempDir()
	s.variant.SetSelected("J-LIS提出版")
	s.names.SetChecked(true)
	s.issuer.SetText("  株式会社テスト監査法人 ")
	p := &fakePicker{savePath: filepath.Join(dir, "jlis.pdf")}
	u.files = p
	test.Tap(s.export)
	q.settle(t)
	if want := cpTitle + "_監査報告書_J-LIS提出版.pdf"; len(p.names) != 1 || p.names[0] != want {
		t.Errorf("suggested file name = %q, want %q", p.names, want)
	}

	// A plan has no versions and no hearing log.
	s.doc.SetSelected("監査計画書")
	if !s.variant.Disabled() || !s.names.Disabled() {
		t.Errorf("for the plan: version disabled %v, names disabled %v; want both disabled", s.variant.Disabled(), s.names.Disabled())
	}
	s.format.SetSelected("Word")
	p.savePath = filepath.Join(dir, "plan.docx")
	test.Tap(s.export)
	q.settle(t)

	want := []workspace.DocRequest{
		{AuditID: cpID, Doc: workspace.DocReport, Format: workspace.FormatPDF, Variant: report.VariantJLIS,
			Path: filepath.Join(dir, "jlis.pdf"), Issuer: "株式会社テスト監査法人", NamesInHearings: true},
		{AuditID: cpID, Doc: workspace.DocPlan, Format: workspace.FormatDOCX, Variant: report.VariantWard,
			Path: filepath.Join(dir, "plan.docx"), Issuer: "株式会社テスト監査法人"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d exports, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("export %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestExportDocumentProgressAndCancel(t *testing.T) {
	u, q := newTestApp(t, newDemoStore(t))
	home := unlockHome(t, u, q)
	dc := demoDatacenter(t, home)
	started := make(chan struct{})
	u.ws = &docExportFake{Workspace: u.ws, export: func(ctx context.Context, req workspace.DocRequest, progress func(int, int)) error {
		progress(1, 4)
		close(started)
		<-ctx.Done()
		return fmt.Errorf("render %s: %w", filepath.Base(req.Path), ctx.Err())
	}}
	u.navigate(Route{Page: PageHome, EngagementID: dc.EngagementID})
	q.settle(t)
	s := openExport(t, u, q, dc.ID)
	path := filepath.Join(t.TempDir(), "out.pdf")
	u.files = &fakePicker{savePath: path}
	test.Tap(s.export)
	<-started
	q.flush()
	d := s.progress
	if d.bar.Max != 4 || d.bar.Value != 1 {
		t.Errorf("progress bar = %v of %v, want 1 of 4", d.bar.Value, d.bar.Max)
	}
	assertShows(t, u, "out.pdf を書き出しています…")
	test.Tap(d.cancel)
	if !d.cancel.Disabled() || d.text.Text != "中止しています…" {
		t.Errorf("after Cancel: button disabled %v, text %q", d.cancel.Disabled(), d.text.Text)
	}
	q.settle(t)
	if got, want := s.message.text(), "出力を中止しました。"; got != want {
		t.Errorf("message = %q, want %q", got, want)
	}
	if s.busy.busy() || s.export.Disabled() || s.openFolder.Visible() {
		t.Errorf("after the cancelled export: busy %v, 出力 disabled %v, フォルダを開く shown %v",
			s.busy.busy(), s.export.Disabled(), s.openFolder.Visible())
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a cancelled export left %s (%v)", path, err)
	}
}

func TestExportDocumentCancelledWhenLeaving(t *testing.T) {
	u, q := newTestApp(t, newDemoStore(t))
	home := unlockHome(t, u, q)
	dc := demoDatacenter(t, home)
	started := make(chan struct{})
	u.ws = &docExportFake{Workspace: u.ws, export: func(ctx context.Context, _ workspace.DocRequest, _ func(int, int)) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	}}
	u.navigate(Route{Page: PageHome, EngagementID: dc.EngagementID})
	q.settle(t)
	s := openExport(t, u, q, dc.ID)
	u.files = &fakePicker{savePath: filepath.Join(t.TempDir(), "out.docx")}
	test.Tap(s.export)
	<-started
	u.lock() // leaves the screen: the export must stop, or settle times out
	q.settle(t)
	screenOf[*unlockScreen](t, u)
}

func TestExportDocumentErrors(t *testing.T) {
	for _, tc := range []struct {
		name, format string
		err          error
		want         string
	}{
		{"no font", "PDF", errors.New("no Japanese TrueType font found: install fonts-ipaexfont-gothic"),
			"PDFに使う日本語フォントが見つかりません。IPAexフォント（fonts-ipaexfont）をインストールするか、環境変数 KANSA_PDF_FONT に日本語フォント（.ttf／.ttc）のパスを設定してください。"},
		{"disk full", "Word", errors.New("write out.docx: no space left on device"), "監査報告書を出力できませんでした。"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u, q := newTestApp(t, newDemoStore(t))
			home := unlockHome(t, u, q)
			dc := demoDatacenter(t, home)
			u.ws = &docExportFake{Workspace: u.ws, export: func(context.Context, workspace.DocRequest, func(int, int)) error {
				return tc.err
			}}
			u.navigate(Route{Page: PageHome, EngagementID: dc.EngagementID})
			q.settle(t)
			s := openExport(t, u, q, dc.ID)
			s.format.SetSelected(tc.format)
			u.files = &fakePicker{savePath: filepath.Join(t.TempDir(), "out")}
			test.Tap(s.export)
			q.settle(t)
			if got, want := s.message.text(), tc.want+"\n詳細："+tc.err.Error(); got != want {
				t.Errorf("message = %q, want %q", got, want)
			}
			if s.openFolder.Visible() {
				t.Error("フォルダを開く shown after a failed export")
			}
		})
	}
}

// newChiefDemoStore is newDemoStore made by the chief auditor, who (as
// the demo makes them) has no organisation on record.
func newChiefDemoStore(t *testing.T) DirStore {
	t.Helper()
	store := DirStore{Dir: filepath.Join(t.TempDir(), "store"), Options: fastOptions}
	ws, err := workspace.Create(store.Dir, []byte(testPassphrase), "田中 一郎", audit.RoleChief, fastOptions)
	if err != nil {
		t.Fatalf("create store: %v", err)
	}
	// Unlike the demo, this chief has no organisation on record.
	eng, err := ws.CreateEngagement(audit.Engagement{Title: fixtures.DemoTitle, Client: fixtures.DemoClient, FiscalYear: fixtures.DemoFiscalYear})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ws.CreateAudit(workspace.NewAudit{EngagementID: eng, Kind: audit.KindDatacenter, Template: "datacenter"}); err != nil {
		t.Fatal(err)
	}
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	return store
}

func TestExportNeedsIssuerWithoutChiefOrganisation(t *testing.T) {
	u, q := newTestApp(t, newChiefDemoStore(t))
	home := unlockHome(t, u, q)
	dc := demoDatacenter(t, home)
	s := openExport(t, u, q, dc.ID)
	if !s.export.Disabled() {
		t.Error("出力 enabled with no issuer and a chief without organisation")
	}
	if got, want := s.hint.text(), "主監査人の所属が登録されていないため、発行者（監査法人名など）を入力してください。"; got != want || !s.hint.visible() {
		t.Errorf("hint = %q (visible %v), want %q", got, s.hint.visible(), want)
	}
	test.Type(s.issuer, "さくらシステム監査株式会社")
	if s.export.Disabled() || s.hint.visible() {
		t.Fatalf("with an issuer: 出力 disabled %v, hint %q", s.export.Disabled(), s.hint.text())
	}
	s.format.SetSelected("Word")
	path := filepath.Join(t.TempDir(), "report.docx")
	u.files = &fakePicker{savePath: path}
	test.Tap(s.export)
	q.settle(t)
	if got, want := s.message.text(), "監査報告書（Word）を出力しました："+path; got != want {
		t.Fatalf("message = %q, want %q", got, want)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if body := docxText(t, data); !strings.Contains(body, "さくらシステム監査株式会社") {
		t.Error("the report does not name the issuer typed in the form")
	}
}

func TestExportIssuerDefaultsToChiefOrganisation(t *testing.T) {
	u, q := newTestApp(t, newDemoStore(t))
	home := unlockHome(t, u, q)
	s := openExport(t, u, q, demoDatacenter(t, home).ID)
	if got, want := s.issuer.PlaceHolder, "空欄なら「さくらシステム監査株式会社」（主監査人の所属）"; got != want {
		t.Errorf("issuer placeholder = %q, want %q", got, want)
	}
	if s.export.Disabled() || s.hint.visible() {
		t.Errorf("blank issuer with a default: 出力 disabled %v, hint %q", s.export.Disabled(), s.hint.text())
	}
}

func TestFolderURL(t *testing.T) {
	if got, want := folderURL("/tmp/出力 先").String(), "file:///tmp/%E5%87%BA%E5%8A%9B%20%E5%85%88"; got != want {
		t.Errorf("folderURL = %q, want %q", got, want)
	}
}

func TestDocumentLabels(t *testing.T) {
	ja, en := readTranslations(t, Japanese), readTranslations(t, English)
	for _, r := range lintRules {
		if ja["lint."+r] == "" || en["lint."+r] == "" {
			t.Errorf("lint rule %s has no label", r)
		}
	}
	if got, want := ruleLabel(report.RuleProposalShort), "改善提案が短い"; got != want {
		t.Errorf("ruleLabel(%s) = %q, want %q", report.RuleProposalShort, got, want)
	}
	if got, want := ruleLabel("some-new-rule"), "some-new-rule"; got != want {
		t.Errorf("ruleLabel of an unknown rule = %q, want its id", got)
	}
	for _, f := range audit.FindingClasses {
		if got, want := ja["finding."+string(f)], f.Label(); got != want {
			t.Errorf("ja finding.%s = %q; want %q (audit.FindingClass.Label)", f, got, want)
		}
	}
	for _, s := range audit.ImprovementStatuses {
		if got, want := ja["status."+string(s)], s.Label(); got != want {
			t.Errorf("ja status.%s = %q; want %q (audit.ImprovementStatus.Label)", s, got, want)
		}
	}
}
