package pdf

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/kansa-audit/kansa/internal/report"
)

// render renders doc to a file in a temporary directory.
func renderFile(t testing.TB, doc *report.Document, opt Options) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "out.pdf")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := Render(context.Background(), f, doc, opt, nil); err != nil {
		f.Close()
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// layoutOf runs just the layout pass, for checks on page placement.
func layoutOf(t testing.TB, doc *report.Document, opt Options) *layouter {
	t.Helper()
	font, err := FindFont(opt.FontPath)
	if err != nil {
		t.Fatal(err)
	}
	faces, err := loadFaces(font)
	if err != nil {
		t.Fatal(err)
	}
	l, err := layout(context.Background(), doc, faces, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

var footerRe = regexp.MustCompile(`(?m)^-\s*\d+\s*-$`)

// bodyText extracts the text of a PDF without running headers and page
// numbers, pages joined.
func bodyText(t *testing.T, path string, running ...string) []string {
	t.Helper()
	out := tool(t, "pdftotext", "-enc", "UTF-8", path, "-")
	pages := strings.Split(out, "\f")
	for i, p := range pages {
		var keep []string
		for _, ln := range strings.Split(p, "\n") {
			s := strings.TrimSpace(ln)
			skip := footerRe.MatchString(s)
			for _, r := range running {
				skip = skip || s == r
			}
			if !skip {
				keep = append(keep, ln)
			}
		}
		pages[i] = strings.Join(keep, "\n")
	}
	return pages
}

// rawText extracts the text in content-stream order (pdftotext -raw), in
// which a table cell's lines stay together.
func rawText(t *testing.T, path string) string {
	t.Helper()
	return tool(t, "pdftotext", "-raw", "-enc", "UTF-8", path, "-")
}

func runsText(rs []report.Run) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.Text)
	}
	return b.String()
}

// sampleJPEGs makes n distinct photos, cached across tests.
var (
	jpegOnce  sync.Once
	jpegCache [][]byte
)

func sampleJPEGs(t testing.TB) [][]byte {
	jpegOnce.Do(func() {
		jpegCache = [][]byte{sampleJPEG(t, 800, 600, 1), sampleJPEG(t, 600, 800, 2), sampleJPEG(t, 1024, 768, 3)}
	})
	return jpegCache
}

func TestRenderSampleReport(t *testing.T) {
	needFonts(t)
	spec := sampleSpec{findings: 3, photos: 5, hearings: 6, indexRows: 80, jpegs: sampleJPEGs(t)}
	doc := sampleReport(spec)
	path := renderFile(t, doc, Options{})
	l := layoutOf(t, doc, Options{})
	var figures []report.Figure
	for _, b := range doc.Blocks {
		if f, ok := b.(report.Figure); ok {
			figures = append(figures, f)
		}
	}

	t.Run("pdfinfo", func(t *testing.T) {
		out := tool(t, "pdfinfo", path)
		if !strings.Contains(out, "Page size:       595.28 x 841.89 pts (A4)") {
			t.Errorf("not A4:\n%s", out)
		}
		if !strings.Contains(out, fmt.Sprintf("Pages:           %d\n", len(l.pages))) {
			t.Errorf("want %d pages:\n%s", len(l.pages), out)
		}
		if !strings.Contains(out, "Title:           監査報告書") {
			t.Errorf("no title:\n%s", out)
		}
	})
	t.Run("pdffonts", func(t *testing.T) {
		out := tool(t, "pdffonts", path)
		lines := strings.Split(strings.TrimSpace(out), "\n")[2:]
		if len(lines) == 0 {
			t.Fatalf("no fonts:\n%s", out)
		}
		for _, ln := range lines {
			f := strings.Fields(ln)
			// name type... emb sub uni object ID
			if n := len(f); n < 6 || f[n-5] != "yes" || f[n-3] != "yes" {
				t.Errorf("font not embedded with a ToUnicode map: %q", ln)
			}
		}
	})
	t.Run("pdftotext", func(t *testing.T) {
		all := squash(strings.Join(bodyText(t, path, "取扱注意", "監査報告書"), ""))
		raw := squash(rawText(t, path))
		check := func(what, s string) {
			if s = squash(s); s != "" && !strings.Contains(all, s) {
				t.Errorf("%s missing from the PDF text: %q", what, s)
			}
		}
		checkRaw := func(what, s string) {
			if s = squash(s); s != "" && !strings.Contains(raw, s) {
				t.Errorf("%s missing from the PDF text (pdftotext -raw): %q", what, s)
			}
		}
		for i, b := range doc.Blocks {
			switch v := b.(type) {
			case report.Heading:
				check("heading", v.Text)
			case report.Paragraph:
				check(fmt.Sprintf("paragraph %d", i), runsText(v.Runs))
			case report.List:
				for _, it := range v.Items {
					check("list item", runsText(it))
				}
			case report.Figure:
				check("caption", figureCaption(v))
			case report.Table:
				// pdftotext reads a table row by row across the columns, so
				// wrapped cells are checked in content-stream order.
				for _, c := range v.Columns {
					checkRaw("column", c.Title)
				}
				for _, r := range v.Rows {
					for _, c := range r {
						checkRaw("cell", runsText(c.Runs))
					}
				}
			}
		}
		check("cover", doc.Cover.Client)
		check("cover", doc.Cover.Date)
	})
	t.Run("toc", func(t *testing.T) {
		pages := bodyText(t, path, "取扱注意", "監査報告書")
		toc := squash(pages[1])
		for _, h := range l.headings {
			if h.level > 2 {
				continue
			}
			want := squash(h.title) + strconv.Itoa(l.pages[h.page].num)
			if !strings.Contains(toc, want) {
				t.Errorf("TOC lacks %q:\n%s", want, pages[1])
			}
			// the heading is on the page the TOC says
			if !strings.Contains(squash(pages[h.page]), squash(h.title)) {
				t.Errorf("heading %q not on page %d", h.title, h.page+1)
			}
		}
	})
	t.Run("qpdf", func(t *testing.T) {
		out := tool(t, "qpdf", "--check", path)
		if !strings.Contains(out, "No syntax or stream encoding errors found") {
			t.Errorf("qpdf --check:\n%s", out)
		}
	})
	t.Run("pdfimages", func(t *testing.T) {
		out := tool(t, "pdfimages", "-list", path)
		n := 0
		for _, ln := range strings.Split(out, "\n")[2:] {
			if f := strings.Fields(ln); len(f) > 8 && f[2] == "image" && f[8] == "jpeg" {
				n++
			}
		}
		if n != len(figures) {
			t.Errorf("%d jpeg images; want %d:\n%s", n, len(figures), out)
		}
		// The JPEGs are passed through byte for byte.
		dir := t.TempDir()
		tool(t, "pdfimages", "-j", path, filepath.Join(dir, "img"))
		want := map[[32]byte]bool{}
		for _, f := range figures {
			want[sha256.Sum256(f.Image.JPEG)] = true
		}
		files, _ := filepath.Glob(filepath.Join(dir, "img-*.jpg"))
		if len(files) != len(figures) {
			t.Fatalf("pdfimages -j wrote %d JPEGs; want %d", len(files), len(figures))
		}
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if !want[sha256.Sum256(b)] {
				t.Errorf("%s is not one of the input JPEGs byte for byte", filepath.Base(f))
			}
		}
	})
	t.Run("outline", func(t *testing.T) {
		out := tool(t, "qpdf", "--json", "--json-key=outlines", path)
		var js struct {
			Outlines []outlineJSON `json:"outlines"`
		}
		if err := json.Unmarshal([]byte(out), &js); err != nil {
			t.Fatal(err)
		}
		var got []string
		var walk func(depth int, os []outlineJSON)
		walk = func(depth int, os []outlineJSON) {
			for _, o := range os {
				got = append(got, fmt.Sprintf("%d %s p%d", depth, o.Title, o.Page))
				walk(depth+1, o.Kids)
			}
		}
		walk(1, js.Outlines)
		var want []string
		depth := map[int]int{}
		for _, h := range l.headings {
			// depth: level 1 at 1; levels nest under the previous shallower one
			d := 1
			for lv := h.level - 1; lv >= 1; lv-- {
				if depth[lv] > 0 {
					d = depth[lv] + 1
					break
				}
			}
			depth[h.level] = d
			for lv := h.level + 1; lv <= 3; lv++ {
				depth[lv] = 0
			}
			want = append(want, fmt.Sprintf("%d %s p%d", d, h.title, h.page+1))
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("outline:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		root := tool(t, "qpdf", "--show-object="+strconv.Itoa(outlineRootID), path)
		if !strings.Contains(root, "/Type /Outlines") {
			t.Fatalf("object %d is not the outline root: %s", outlineRootID, root)
		}
		last := js.Outlines[len(js.Outlines)-1].Object
		if !strings.Contains(root, "/Last "+strings.TrimSuffix(last, " 0 R")+" ") {
			t.Errorf("outline root %s: /Last is not %s", root, last)
		}
	})
}

type outlineJSON struct {
	Title  string        `json:"title"`
	Page   int           `json:"destpageposfrom1"`
	Object string        `json:"object"`
	Kids   []outlineJSON `json:"kids"`
}

// thirtyPages builds a long text document: headings, paragraphs of many
// lengths with Latin words, URLs and line breaks, bold runs and lists.
func thirtyPages() (*report.Document, string) {
	d := &report.Document{}
	var want strings.Builder
	add := func(b report.Block, text string) {
		d.Blocks = append(d.Blocks, b)
		want.WriteString(text)
	}
	for ch := 1; ch <= 8; ch++ {
		h := report.Heading{Level: 1, Number: strconv.Itoa(ch), Text: fmt.Sprintf("第%d章の見出し", ch)}
		add(h, h.Number+h.Text)
		for sec := 1; sec <= 5; sec++ {
			h := report.Heading{Level: 2, Number: fmt.Sprintf("%d.%d", ch, sec), Text: "節の見出し（" + string([]rune(sentences[(ch+sec)%len(sentences)])[:5]) + "）"}
			add(h, h.Number+h.Text)
			for p := 0; p < 5; p++ {
				n := 1 + (ch*7+sec*3+p)%6
				text := para(sentences, ch*11+sec*5+p, n)
				if p == 1 {
					text = strings.Replace(text, "。", "。\n", 1)
				}
				runs := []report.Run{{Text: "【段落】", Bold: true}, {Text: text}}
				add(report.Paragraph{Runs: runs}, runsText(runs))
			}
			items := [][]report.Run{{{Text: para(proposalSentences, ch+sec, 1)}}, {{Text: "短い項目"}}}
			add(report.List{Items: items}, runsText(items[0])+runsText(items[1]))
		}
	}
	return d, want.String()
}

// TestRenderThirtyPagesLosesNothing renders a 30-page text and reads it
// back: every character is there, in order.
func TestRenderThirtyPagesLosesNothing(t *testing.T) {
	needFonts(t)
	doc, want := thirtyPages()
	for _, tc := range []struct {
		name string
		opt  Options
	}{
		{"default fonts", Options{}},
		{"one font, fake bold", Options{FontPath: systemFontFile(t, "ipaexg.ttf")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := layoutOf(t, doc, tc.opt)
			if len(l.pages) < 30 {
				t.Fatalf("%d pages; the test wants at least 30", len(l.pages))
			}
			path := renderFile(t, doc, tc.opt)
			got := squash(strings.Join(bodyText(t, path), ""))
			if w := squash(want); got != w {
				i := 0
				for i < len(got) && i < len(w) && got[i] == w[i] {
					i++
				}
				lo := max(0, i-60)
				t.Fatalf("text differs at byte %d:\n got …%s…\nwant …%s…", i, got[lo:min(len(got), i+60)], w[lo:min(len(w), i+60)])
			}
		})
	}
}

func TestRenderTables(t *testing.T) {
	needFonts(t)
	tall := strings.Repeat("長いセルの本文が続く。", 400) // taller than a page
	doc := &report.Document{Title: "表の試験"}
	tbl := report.Table{Caption: "表1 分割される表",
		Columns: []report.Column{{Title: "番号", Width: 1}, {Title: "内容", Width: 5}}}
	for i := 1; i <= 80; i++ {
		tbl.Rows = append(tbl.Rows, []report.Cell{{Runs: []report.Run{{Text: fmt.Sprintf("R%03d", i)}}}, {Runs: []report.Run{{Text: para(sentences, i, 1+i%3)}}}})
	}
	tbl.Rows = append(tbl.Rows, []report.Cell{{Runs: []report.Run{{Text: "TALL"}}}, {Runs: []report.Run{{Text: tall}}}})
	doc.Blocks = []report.Block{tbl}
	l := layoutOf(t, doc, Options{})
	if len(l.pages) < 5 {
		t.Fatalf("%d pages", len(l.pages))
	}
	path := renderFile(t, doc, Options{})
	pages := bodyText(t, path, "表の試験")
	for i, p := range pages {
		if strings.TrimSpace(p) == "" {
			continue
		}
		// the header row is repeated on every page
		if !strings.Contains(p, "番号") || !strings.Contains(p, "内容") {
			t.Errorf("page %d has no header row:\n%.200s", i+1, p)
		}
	}
	// In content-stream order, without the running title, page numbers
	// and repeated header rows, the table's text is all there in order.
	raw := rawText(t, path)
	raw = footerRe.ReplaceAllString(strings.NewReplacer("表の試験", "", "番号", "", "内容", "").Replace(raw), "")
	var want strings.Builder
	want.WriteString(tbl.Caption)
	for _, r := range tbl.Rows {
		for _, c := range r {
			want.WriteString(runsText(c.Runs))
		}
	}
	if got, w := squash(raw), squash(want.String()); got != w {
		t.Errorf("table text differs:\n got %.300s\nwant %.300s", got, w)
	}
	if n := strings.Count(squash(raw), "長いセルの本文が続く。"); n != 400 {
		t.Errorf("tall cell: %d sentences; want 400", n)
	}
}

// pageOf returns the page index whose text ops contain s, -1 if none.
func pageOf(l *layouter, s string) int {
	for i, p := range l.pages {
		for _, o := range p.ops {
			if t, ok := o.(textOp); ok && strings.Contains(t.text, s) {
				return i
			}
		}
	}
	return -1
}

func TestHeadingsKeepWithNext(t *testing.T) {
	needFonts(t)
	// For every amount of filler, a heading lands on the page of the first
	// lines of its paragraph, and a figure's caption with its picture.
	for n := 20; n < 60; n++ {
		doc := &report.Document{}
		for i := 0; i < n; i++ {
			doc.Blocks = append(doc.Blocks, report.Text(fmt.Sprintf("埋め草%d。", i)))
		}
		doc.Blocks = append(doc.Blocks,
			report.Heading{Level: 1, Number: "9", Text: "章見出し"},
			report.Heading{Level: 2, Number: "9.1", Text: "節見出し"},
			report.Text("本文の一行目。"+strings.Repeat("続く本文。", 40)),
			report.Figure{Image: report.Image{JPEG: sampleJPEGs(t)[0], Width: 800, Height: 600}, Caption: "図1 写真", EvidenceID: "E-1", ShortHash: "abcdef012345"},
		)
		l := layoutOf(t, doc, Options{})
		h1, h2, body := pageOf(l, "章見出し"), pageOf(l, "節見出し"), pageOf(l, "本文の一行目")
		if h1 != h2 || h2 != body {
			t.Errorf("filler %d: headings on pages %d, %d, body on %d", n, h1, h2, body)
		}
		var img, capPage = -1, pageOf(l, "図1")
		for i, p := range l.pages {
			for _, o := range p.ops {
				if _, ok := o.(imageOp); ok {
					img = i
				}
			}
		}
		if img != capPage {
			t.Errorf("filler %d: image on page %d, caption on %d", n, img, capPage)
		}
	}
}

func TestRenderCancelAndProgress(t *testing.T) {
	needFonts(t)
	doc, _ := thirtyPages()
	var calls [][2]int
	err := Render(context.Background(), new(strings.Builder), doc, Options{}, func(done, total int) {
		calls = append(calls, [2]int{done, total})
	})
	if err != nil {
		t.Fatal(err)
	}
	total := 2*len(doc.Blocks) + 1
	prev := 0
	for _, c := range calls {
		if c[1] != total || c[0] < prev || c[0] > total {
			t.Fatalf("progress %v after %d (total %d)", c, prev, total)
		}
		prev = c[0]
	}
	if prev != total || len(calls) < len(doc.Blocks) {
		t.Errorf("progress ended at %d of %d after %d calls", prev, total, len(calls))
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Render(ctx, new(strings.Builder), doc, Options{}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled before: err = %v", err)
	}
	for _, at := range []int{5, len(doc.Blocks) + 3, total} {
		ctx, cancel := context.WithCancel(context.Background())
		err := Render(ctx, new(strings.Builder), doc, Options{}, func(done, _ int) {
			if done >= at {
				cancel()
			}
		})
		cancel()
		if at < total && !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled at %d: err = %v", at, err)
		}
	}
}

func TestRenderEdgeCases(t *testing.T) {
	needFonts(t)
	docs := map[string]*report.Document{
		"empty":       {},
		"cover only":  {Cover: &report.Cover{Title: "表紙だけ"}},
		"breaks only": {Blocks: []report.Block{report.PageBreak{}, report.PageBreak{}}},
		"odd text": {Blocks: []report.Block{
			report.Text("制御文字\x00\x07とタブ\tと改行\r\nと絵文字😀と異体字選択子葛\U000E0100と結合文字か\u3099"),
			report.Table{},
			report.Table{Rows: [][]report.Cell{{{}}, {}}},
			report.List{},
			report.Heading{Level: 4, Text: "深い見出し"},
			report.Figure{Caption: "画像なし"},
			report.TOC{},
		}},
	}
	for name, doc := range docs {
		t.Run(name, func(t *testing.T) {
			path := renderFile(t, doc, Options{})
			t.Run("qpdf", func(t *testing.T) {
				if out := tool(t, "qpdf", "--check", path); !strings.Contains(out, "No syntax or stream encoding errors found") {
					t.Errorf("qpdf --check:\n%s", out)
				}
			})
		})
	}
	if err := Render(context.Background(), new(strings.Builder), &report.Document{Blocks: []report.Block{
		report.Figure{Image: report.Image{JPEG: []byte("not a jpeg")}, Caption: "x"},
	}}, Options{}, nil); err == nil {
		t.Error("a figure that is not a JPEG rendered without error")
	}
	if err := Render(context.Background(), new(strings.Builder), nil, Options{}, nil); err == nil {
		t.Error("nil document rendered")
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n -= len(p); f.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

func TestRenderWriteError(t *testing.T) {
	needFonts(t)
	doc, _ := thirtyPages()
	if err := Render(context.Background(), &failWriter{n: 10000}, doc, Options{}, nil); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("err = %v; want the write error", err)
	}
}
