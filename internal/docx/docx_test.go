package docx

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kansa-audit/kansa/internal/report"
)

var fixedNow = func() time.Time { return time.Date(2026, 12, 25, 9, 30, 0, 0, time.UTC) }

// renderFile renders doc into a real file in a temporary directory and
// returns its path.
func renderFile(tb testing.TB, doc *report.Document) string {
	tb.Helper()
	p := filepath.Join(tb.TempDir(), "report.docx")
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	if err := (Renderer{Now: fixedNow}).Render(context.Background(), f, doc, nil); err != nil {
		tb.Fatalf("Render: %v", err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return p
}

// readParts reopens a .docx and returns its parts by name.
func readParts(tb testing.TB, file string) map[string][]byte {
	tb.Helper()
	zr, err := zip.OpenReader(file)
	if err != nil {
		tb.Fatalf("reopen %s: %v", file, err)
	}
	defer zr.Close()
	parts := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			tb.Fatalf("open part %s: %v", f.Name, err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			tb.Fatalf("read part %s: %v", f.Name, err)
		}
		if _, dup := parts[f.Name]; dup {
			tb.Errorf("part %s twice in the zip", f.Name)
		}
		parts[f.Name] = b
	}
	return parts
}

// node is a parsed XML element.
type node struct {
	name xml.Name
	attr []xml.Attr
	kids []*node
	text string
}

// parseXML decodes a whole part with encoding/xml, failing on anything
// not well-formed.
func parseXML(tb testing.TB, name string, b []byte) *node {
	tb.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	root := &node{}
	stack := []*node{root}
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			tb.Fatalf("%s is not well-formed XML: %v", name, err)
		}
		top := stack[len(stack)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			n := &node{name: t.Name, attr: t.Copy().Attr}
			top.kids = append(top.kids, n)
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			top.text += string(t)
		}
	}
	if len(stack) != 1 || len(root.kids) != 1 {
		tb.Fatalf("%s: %d root elements, unbalanced %v", name, len(root.kids), len(stack) != 1)
	}
	return root.kids[0]
}

// all returns the descendants of n (n included) with the local name.
func (n *node) all(local string) []*node {
	var out []*node
	var walk func(*node)
	walk = func(m *node) {
		if m.name.Local == local {
			out = append(out, m)
		}
		for _, k := range m.kids {
			walk(k)
		}
	}
	walk(n)
	return out
}

func (n *node) first(local string) *node {
	if a := n.all(local); len(a) > 0 {
		return a[0]
	}
	return nil
}

// get is an attribute by local name ("" if absent).
func (n *node) get(local string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// val is the w:val of the first descendant named local.
func (n *node) val(local string) string { return n.first(local).get("val") }

// paraText is the text of a w:p: w:t, w:br as "\n", w:tab as "\t".
func paraText(p *node) string {
	var b strings.Builder
	var walk func(*node)
	walk = func(m *node) {
		switch m.name.Local {
		case "t":
			b.WriteString(m.text)
		case "br":
			if m.get("type") == "" {
				b.WriteByte('\n')
			}
		case "tab":
			if m.name.Space == nsW && len(m.attr) == 0 {
				b.WriteByte('\t')
			}
		}
		for _, k := range m.kids {
			walk(k)
		}
	}
	walk(p)
	return b.String()
}

// xmlSafe is what the file must show for model text: UTF-8 repaired,
// control characters other than tab and newline dropped, CR LF as LF.
func xmlSafe(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return strings.Map(func(r rune) rune {
		if (r < 0x20 && r != '\t' && r != '\n') || r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, s)
}

func runsText(rs []report.Run) string {
	var b strings.Builder
	for _, r := range rs {
		b.WriteString(r.Text)
	}
	return xmlSafe(b.String())
}

// expectedParagraphs lists the text of every paragraph the model asks
// for, as it must appear in one w:p.
func expectedParagraphs(doc *report.Document) []string {
	var out []string
	for _, b := range doc.Blocks {
		switch v := b.(type) {
		case report.Heading:
			s := v.Text
			if v.Number != "" {
				s = v.Number + "\u3000" + v.Text
			}
			out = append(out, xmlSafe(s))
		case report.Paragraph:
			out = append(out, runsText(v.Runs))
		case report.List:
			for _, it := range v.Items {
				out = append(out, runsText(it))
			}
		case report.Table:
			if v.Caption != "" {
				out = append(out, xmlSafe(v.Caption))
			}
			for _, c := range v.Columns {
				out = append(out, xmlSafe(c.Title))
			}
			for _, row := range v.Rows {
				for _, c := range row {
					out = append(out, runsText(c.Runs))
				}
			}
		case report.Figure:
			out = append(out, xmlSafe(v.Caption)+"\n（証跡 "+v.EvidenceID+"\u3000SHA-256 "+v.ShortHash+"）")
		}
	}
	return out
}

var requiredParts = []string{
	"[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml",
	"word/document.xml", "word/styles.xml", "word/settings.xml", "word/numbering.xml",
	"word/footer1.xml", "word/fontTable.xml", "word/_rels/document.xml.rels",
}

// TestRenderPackage checks the OPC package: every part there and
// well-formed, every part typed in [Content_Types].xml, every relationship
// target present, core properties filled in.
func TestRenderPackage(t *testing.T) {
	doc := sampleDocument(t)
	parts := readParts(t, renderFile(t, doc))
	for _, name := range requiredParts {
		if _, ok := parts[name]; !ok {
			t.Errorf("part %s missing", name)
		}
	}
	trees := map[string]*node{}
	for name, b := range parts {
		if strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".rels") {
			if !bytes.HasPrefix(b, []byte(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`)) {
				t.Errorf("%s lacks the XML declaration", name)
			}
			if !utf8.Valid(b) {
				t.Errorf("%s is not UTF-8", name)
			}
			trees[name] = parseXML(t, name, b)
		}
	}

	ct := trees["[Content_Types].xml"]
	defaults, overrides := map[string]bool{}, map[string]bool{}
	for _, d := range ct.all("Default") {
		defaults[d.get("Extension")] = true
	}
	for _, o := range ct.all("Override") {
		overrides[o.get("PartName")] = true
	}
	for name := range parts {
		ext := strings.TrimPrefix(path.Ext(name), ".")
		if !overrides["/"+name] && !defaults[ext] {
			t.Errorf("part %s has no content type", name)
		}
	}
	for o := range overrides {
		if _, ok := parts[strings.TrimPrefix(o, "/")]; !ok {
			t.Errorf("content type override for missing part %s", o)
		}
	}

	for name, tree := range trees {
		if !strings.HasSuffix(name, ".rels") {
			continue
		}
		base := path.Dir(path.Dir(name)) // word/_rels/x.rels → word
		ids := map[string]bool{}
		for _, r := range tree.all("Relationship") {
			if ids[r.get("Id")] {
				t.Errorf("%s: relationship id %s twice", name, r.get("Id"))
			}
			ids[r.get("Id")] = true
			target := path.Clean(path.Join(base, r.get("Target")))
			if _, ok := parts[target]; !ok {
				t.Errorf("%s: target %s (%s) missing", name, r.get("Target"), target)
			}
		}
	}

	core := trees["docProps/core.xml"]
	for local, want := range map[string]string{
		"title": doc.Title, "creator": doc.Author, "subject": doc.Subject,
		"created": "2026-12-25T09:30:00Z", "language": "ja-JP",
	} {
		if n := core.first(local); n == nil || n.text != want {
			t.Errorf("core.xml %s = %v; want %q", local, n, want)
		}
	}
}

// TestStyles checks the style sheet: built-in heading styles with outline
// levels and the Japanese fonts, the paragraph styles the model uses, and
// the East-Asian defaults.
func TestStyles(t *testing.T) {
	parts := readParts(t, renderFile(t, sampleDocument(t)))
	styles := parseXML(t, "styles.xml", parts["word/styles.xml"])
	byID := map[string]*node{}
	for _, s := range styles.all("style") {
		id := s.get("styleId")
		if byID[id] != nil {
			t.Errorf("style %s defined twice", id)
		}
		byID[id] = s
	}
	for lvl := 1; lvl <= 3; lvl++ {
		id := fmt.Sprintf("Heading%d", lvl)
		s := byID[id]
		if s == nil {
			t.Fatalf("style %s missing", id)
		}
		if got, want := s.val("name"), fmt.Sprintf("heading %d", lvl); got != want {
			t.Errorf("%s name = %q; want %q", id, got, want)
		}
		if got, want := s.val("outlineLvl"), strconv.Itoa(lvl-1); got != want {
			t.Errorf("%s outlineLvl = %q; want %q", id, got, want)
		}
		if got := s.first("rFonts").get("eastAsia"); got != "游ゴシック" {
			t.Errorf("%s eastAsia font = %q; want 游ゴシック", id, got)
		}
		if s.first("keepNext") == nil {
			t.Errorf("%s is not kept with the next paragraph", id)
		}
	}
	for _, id := range []string{"Normal", "Title", "Caption", "TOC1", "TOC2", "TOCHeading", "BodyText", "Note", "Quote",
		"Center", "Right", "ListParagraph", "Footer", "TableText", "TableHeading", "TableGrid", "Figure"} {
		if byID[id] == nil {
			t.Errorf("style %s missing", id)
		}
	}
	for id, want := range map[string]string{"Caption": "caption", "TOC1": "toc 1", "TOC2": "toc 2", "Title": "Title", "Footer": "footer"} {
		if got := byID[id].val("name"); got != want {
			t.Errorf("%s name = %q; want the built-in %q", id, got, want)
		}
	}
	for id, want := range map[string]string{"BodyText": "both", "Normal": "both", "Center": "center", "Right": "right", "Caption": "center"} {
		if got := byID[id].val("jc"); got != want {
			t.Errorf("%s jc = %q; want %q", id, got, want)
		}
	}
	if byID["Quote"].first("ind").get("left") == "" {
		t.Error("Quote is not indented")
	}
	normal := byID["Normal"]
	for _, el := range []string{"kinsoku", "wordWrap", "overflowPunct"} {
		if n := normal.first(el); n == nil || (n.get("val") != "" && n.get("val") != "1" && n.get("val") != "true") {
			t.Errorf("Normal: %s not on", el)
		}
	}
	if f := normal.first("rFonts"); f.get("eastAsia") != "游明朝" || f.get("ascii") == "" || f.get("hAnsi") == "" {
		t.Errorf("Normal fonts = %v; want eastAsia 游明朝 and Latin faces", f.attr)
	}
	if got := normal.val("sz"); got != "21" {
		t.Errorf("Normal sz = %q; want 21 (10.5 pt)", got)
	}
	defaults := styles.first("docDefaults")
	if defaults == nil || defaults.first("lang").get("eastAsia") != "ja-JP" || defaults.first("rFonts").get("eastAsia") != "游明朝" {
		t.Error("docDefaults lack eastAsia font or ja-JP language")
	}
}

// TestDocumentText checks that the text of every paragraph of the model is
// one paragraph of document.xml, line breaks and tabs included, with the
// control characters gone.
func TestDocumentText(t *testing.T) {
	doc := sampleDocument(t)
	parts := readParts(t, renderFile(t, doc))
	body := parseXML(t, "document.xml", parts["word/document.xml"])
	have := map[string]int{}
	for _, p := range body.all("p") {
		have[paraText(p)]++
	}
	for _, want := range expectedParagraphs(doc) {
		if have[want] == 0 {
			t.Errorf("no paragraph reads %q", want)
		}
	}
	if want := "制御文字を含む段落です。改行の前\nと後（壊れたバイトと\tタブ）"; have[want] == 0 {
		t.Errorf("the control-character paragraph is not %q", want)
	}
	if !bytes.Contains(parts["word/document.xml"], []byte("記号 &lt;&gt;&amp;&quot;&apos; もそのまま")) {
		t.Error("markup characters are not escaped")
	}
	c := doc.Cover
	for _, s := range append([]string{c.Marking, c.Client, c.Date, c.Subtitle, "令和8年度\n基幹システム外部データセンター監査\n監査報告書"}, c.Issuer...) {
		if have[s] == 0 {
			t.Errorf("cover lacks %q", s)
		}
	}
	// Bold runs are bold.
	found := false
	for _, r := range body.all("r") {
		if r.first("b") != nil && strings.Contains(paraText(r), "改行の前") {
			found = true
		}
	}
	if !found {
		t.Error("the bold run is not bold")
	}
	for _, r := range body.all("r") {
		if r.first("t") != nil && r.first("rFonts").get("hint") != "eastAsia" {
			t.Fatalf("run %q lacks the eastAsia hint", paraText(r))
		}
	}
}

// TestSections checks A4 portrait pages, the cover section without
// footer, and the body section with page numbers restarting at 1.
func TestSections(t *testing.T) {
	parts := readParts(t, renderFile(t, sampleDocument(t)))
	body := parseXML(t, "document.xml", parts["word/document.xml"])
	sects := body.all("sectPr")
	if len(sects) != 2 {
		t.Fatalf("%d sections; want cover and body", len(sects))
	}
	for i, s := range sects {
		sz, mar := s.first("pgSz"), s.first("pgMar")
		if sz.get("w") != "11906" || sz.get("h") != "16838" || sz.get("orient") != "" {
			t.Errorf("section %d page %v; want A4 portrait", i, sz.attr)
		}
		for _, side := range []string{"top", "bottom", "left", "right"} {
			if v, _ := strconv.Atoi(mar.get(side)); v < 1300 || v > 1550 {
				t.Errorf("section %d %s margin %d twips; want about 25 mm", i, side, v)
			}
		}
	}
	if sects[0].first("footerReference") != nil {
		t.Error("the cover has a footer")
	}
	ref := sects[1].first("footerReference")
	if ref == nil || sects[1].first("pgNumType").get("start") != "1" {
		t.Fatal("the body section has no footer or does not start at page 1")
	}
	// The last body element is the body's own sectPr.
	b := body.first("body")
	if last := b.kids[len(b.kids)-1]; last.name.Local != "sectPr" {
		t.Errorf("body ends with %s", last.name.Local)
	}
	footer := parseXML(t, "footer1.xml", parts["word/footer1.xml"])
	instr := footer.first("instrText")
	if instr == nil || strings.TrimSpace(instr.text) != "PAGE" {
		t.Error("footer has no PAGE field")
	}
	if p := footer.first("p"); p.val("jc") != "center" || !strings.HasPrefix(paraText(p), "- ") || !strings.HasSuffix(paraText(p), " -") {
		t.Errorf("footer = %q, jc %q; want centred - PAGE -", paraText(p), p.val("jc"))
	}
	rels := parseXML(t, "document.xml.rels", parts["word/_rels/document.xml.rels"])
	for _, r := range rels.all("Relationship") {
		if r.get("Id") == ref.get("id") && r.get("Target") != "footer1.xml" {
			t.Errorf("footer reference points at %s", r.get("Target"))
		}
	}
	if !bytes.Contains(parts["word/document.xml"], []byte(`<w:br w:type="page"/>`)) {
		t.Error("no page break")
	}
}

// TestTables checks the grid, the repeated header row and shading.
func TestTables(t *testing.T) {
	doc := sampleDocument(t)
	parts := readParts(t, renderFile(t, doc))
	body := parseXML(t, "document.xml", parts["word/document.xml"])
	tbls := body.all("tbl")
	var want []report.Table
	for _, b := range doc.Blocks {
		if tb, ok := b.(report.Table); ok {
			want = append(want, tb)
		}
	}
	if len(tbls) != len(want) {
		t.Fatalf("%d tables; want %d", len(tbls), len(want))
	}
	for i, tbl := range tbls {
		sum := 0
		cols := tbl.all("gridCol")
		for _, c := range cols {
			w, _ := strconv.Atoi(c.get("w"))
			sum += w
		}
		if sum != textW || len(cols) != len(want[i].Columns) {
			t.Errorf("table %d: %d grid columns, %d twips; want %d, %d", i, len(cols), sum, len(want[i].Columns), textW)
		}
		rows := tbl.all("tr")
		if len(rows) != len(want[i].Rows)+1 {
			t.Errorf("table %d: %d rows; want %d", i, len(rows), len(want[i].Rows)+1)
		}
		if rows[0].first("tblHeader") == nil {
			t.Errorf("table %d: header row not marked w:tblHeader", i)
		}
		for r, row := range rows[1:] {
			if row.first("tblHeader") != nil {
				t.Errorf("table %d: data row %d repeats as a header", i, r)
			}
			long := len(paraText(row)) > 1000
			if whole := row.first("cantSplit") != nil; whole == long {
				t.Errorf("table %d row %d: cantSplit %v; want short rows whole, long rows splittable", i, r, whole)
			}
		}
		if rows[0].first("shd") == nil {
			t.Errorf("table %d: header not shaded", i)
		}
		if tbl.first("tblBorders") == nil {
			t.Errorf("table %d: no borders", i)
		}
	}
	var rows []*node
	for _, tbl := range tbls {
		if r := tbl.all("tr"); len(r) == 82 {
			rows = r
		}
	}
	if rows == nil {
		t.Fatal("no summary table of header + 80 rows + total")
	}
	// Row 2 (rating C) is shaded; No. column is centred; the total is right-aligned.
	if rows[2].all("tc")[3].first("shd") == nil {
		t.Error("shaded cell not shaded")
	}
	if got := rows[1].all("tc")[0].val("jc"); got != "center" {
		t.Errorf("No. column jc = %q; want center from the column", got)
	}
	if got := rows[81].all("tc")[3].val("jc"); got != "right" {
		t.Errorf("total cell jc = %q; want right", got)
	}
	// Every cell has a paragraph (Word requires one).
	for _, tc := range body.all("tc") {
		if tc.first("p") == nil {
			t.Fatal("a cell without a paragraph")
		}
	}
}

// TestFigures checks the pictures: stored under word/media, referenced
// through the relationships, sized to the text width and 11 cm, with
// unique drawing ids and a caption below.
func TestFigures(t *testing.T) {
	doc := sampleDocument(t)
	parts := readParts(t, renderFile(t, doc))
	body := parseXML(t, "document.xml", parts["word/document.xml"])
	rels := parseXML(t, "document.xml.rels", parts["word/_rels/document.xml.rels"])
	target := map[string]string{}
	for _, r := range rels.all("Relationship") {
		target[r.get("Id")] = r.get("Target")
	}
	var figs []report.Figure
	for _, b := range doc.Blocks {
		if f, ok := b.(report.Figure); ok {
			figs = append(figs, f)
		}
	}
	inlines := body.all("inline")
	if len(inlines) != len(figs) || len(figs) != 6 {
		t.Fatalf("%d inline pictures; want %d (6)", len(inlines), len(figs))
	}
	ids := map[string]bool{}
	for i, in := range inlines {
		id := in.first("docPr").get("id")
		if ids[id] || id == "" || id == "0" {
			t.Errorf("docPr id %q not unique and positive", id)
		}
		ids[id] = true
		media := target[in.first("blip").get("embed")]
		data, ok := parts["word/"+media]
		if !strings.HasPrefix(media, "media/") || !strings.HasSuffix(media, ".jpeg") || !ok {
			t.Fatalf("picture %d embeds %q, not in word/media", i, media)
		}
		if !bytes.Equal(data, figs[i].Image.JPEG) {
			t.Errorf("picture %d: stored bytes differ from the model's JPEG", i)
		}
		cx, _ := strconv.ParseInt(in.first("extent").get("cx"), 10, 64)
		cy, _ := strconv.ParseInt(in.first("extent").get("cy"), 10, 64)
		if cx <= 0 || cy <= 0 || cx > maxPicW || cy > maxPicH {
			t.Errorf("picture %d is %d x %d EMU; limits %d x %d", i, cx, cy, maxPicW, maxPicH)
		}
		if ext := in.first("ext"); ext.get("cx") != in.first("extent").get("cx") || ext.get("cy") != in.first("extent").get("cy") {
			t.Errorf("picture %d: a:ext differs from wp:extent", i)
		}
		if in.first("docPr").get("descr") != figs[i].Caption {
			t.Errorf("picture %d alt text = %q", i, in.first("docPr").get("descr"))
		}
	}
	// 800x450 is 7620000 EMU wide at 96 dpi: scaled to the text width.
	if got := inlines[0].first("extent").get("cx"); got != strconv.Itoa(maxPicW) {
		t.Errorf("landscape picture width %s EMU; want the text width %d", got, maxPicW)
	}
	// 480x900 is 8572500 EMU high: capped at 11 cm.
	if got := inlines[1].first("extent").get("cy"); got != strconv.Itoa(maxPicH) {
		t.Errorf("portrait picture height %s EMU; want 11 cm", got)
	}
	media := 0
	for name := range parts {
		if strings.HasPrefix(name, "word/media/") {
			media++
		}
	}
	if media != len(figs) {
		t.Errorf("%d media files; want %d", media, len(figs))
	}
	// The caption follows its picture.
	ps := body.all("p")
	for i, p := range ps {
		if p.first("inline") != nil {
			if i+1 >= len(ps) || ps[i+1].val("pStyle") != "Caption" {
				t.Errorf("picture paragraph %d not followed by a caption", i)
			}
		}
	}
}

// TestMediaShared checks that the same JPEG used twice is stored once.
func TestMediaShared(t *testing.T) {
	j := testJPEG(t, 64, 48, 3)
	doc := &report.Document{Blocks: []report.Block{
		report.Figure{Image: report.Image{JPEG: j, Width: 64, Height: 48}, Caption: "図1"},
		report.Figure{Image: report.Image{JPEG: j}, Caption: "図2"},
	}}
	parts := readParts(t, renderFile(t, doc))
	var media []string
	for name := range parts {
		if strings.HasPrefix(name, "word/media/") {
			media = append(media, name)
		}
	}
	if len(media) != 1 {
		t.Errorf("media %v; want one file", media)
	}
	body := parseXML(t, "document.xml", parts["word/document.xml"])
	in := body.all("inline")
	if len(in) != 2 || in[0].first("docPr").get("id") == in[1].first("docPr").get("id") {
		t.Error("two figures need two drawings with distinct ids")
	}
	// 64x48 px is drawn at its 96-dpi size, not blown up.
	if got := in[0].first("extent").get("cx"); got != strconv.Itoa(64*emuPerPixel) {
		t.Errorf("small picture width %s EMU; want %d", got, 64*emuPerPixel)
	}
}

// TestTOC checks the contents: a TOC field over levels 1-2 whose result
// lists the headings as TOC1/TOC2 paragraphs linked to bookmarks.
func TestTOC(t *testing.T) {
	doc := sampleDocument(t)
	parts := readParts(t, renderFile(t, doc))
	body := parseXML(t, "document.xml", parts["word/document.xml"])
	var instrs []string
	for _, in := range body.all("instrText") {
		instrs = append(instrs, strings.TrimSpace(in.text))
	}
	if len(instrs) == 0 || instrs[0] != `TOC \o "1-2" \h \z \u` {
		t.Fatalf("first field %q; want the TOC field", instrs)
	}
	var wantEntries []string
	for _, b := range doc.Blocks {
		if h, ok := b.(report.Heading); ok && h.Level <= 2 {
			s := h.Text
			if h.Number != "" {
				s = h.Number + "\u3000" + h.Text
			}
			if s != "" {
				wantEntries = append(wantEntries, fmt.Sprintf("TOC%d %s", max(h.Level, 1), s))
			}
		}
	}
	bookmarks := map[string]bool{}
	for _, bm := range body.all("bookmarkStart") {
		bookmarks[bm.get("name")] = true
	}
	var got []string
	for _, p := range body.all("p") {
		st := p.val("pStyle")
		if st != "TOC1" && st != "TOC2" {
			continue
		}
		got = append(got, st+" "+paraText(p))
		h := p.first("hyperlink")
		if h == nil || !bookmarks[h.get("anchor")] {
			t.Errorf("TOC entry %q does not link to a heading bookmark", paraText(p))
		}
	}
	if !slices.Equal(got, wantEntries) {
		t.Errorf("TOC entries:\n%q\nwant\n%q", got, wantEntries)
	}
	// Begin and end of every field balance.
	depth := 0
	for _, fc := range body.all("fldChar") {
		switch fc.get("fldCharType") {
		case "begin":
			depth++
		case "end":
			depth--
		}
		if depth < 0 {
			t.Fatal("field end without begin")
		}
	}
	if depth != 0 {
		t.Errorf("%d fields left open", depth)
	}
}

// TestSettingsAndNumbering checks fields updated on open, Japanese
// punctuation settings, and bullet and numbered lists restarting per list.
func TestSettingsAndNumbering(t *testing.T) {
	parts := readParts(t, renderFile(t, sampleDocument(t)))
	settings := parseXML(t, "settings.xml", parts["word/settings.xml"])
	if settings.val("updateFields") != "true" {
		t.Error("updateFields not set")
	}
	if settings.first("strictFirstAndLastChars") == nil || settings.val("characterSpacingControl") != "compressPunctuation" {
		t.Error("Japanese punctuation settings missing")
	}
	num := parseXML(t, "numbering.xml", parts["word/numbering.xml"])
	fmts := map[string]string{}
	for _, a := range num.all("abstractNum") {
		fmts[a.get("abstractNumId")] = a.val("numFmt")
	}
	nums := map[string]string{}
	for _, n := range num.all("num") {
		nums[n.get("numId")] = fmts[n.val("abstractNumId")]
	}
	body := parseXML(t, "document.xml", parts["word/document.xml"])
	var used []string
	for _, p := range body.all("numPr") {
		used = append(used, nums[p.val("numId")]+":"+p.val("numId"))
	}
	used = slices.Compact(used)
	want := []string{"bullet:1", "decimal:2", "decimal:3"}
	if !slices.Equal(used, want) {
		t.Errorf("list numbering %v; want %v (each ordered list its own, restarting)", used, want)
	}
}

// TestRenderProgressAndCancel checks progress counting and that a
// cancelled context stops the render with an error wrapping it.
func TestRenderProgressAndCancel(t *testing.T) {
	doc := sampleDocument(t)
	var calls [][2]int
	err := (Renderer{Now: fixedNow}).Render(context.Background(), io.Discard, doc, func(done, total int) {
		calls = append(calls, [2]int{done, total})
	})
	if err != nil {
		t.Fatal(err)
	}
	total := len(doc.Blocks) + 6
	if len(calls) != total {
		t.Fatalf("%d progress calls; want %d (blocks + pictures)", len(calls), total)
	}
	for i, c := range calls {
		if c != [2]int{i + 1, total} {
			t.Fatalf("progress call %d = %v; want (%d, %d)", i, c, i+1, total)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Render(ctx, io.Discard, doc, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Render with a cancelled context = %v; want context.Canceled", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	defer cancel()
	last := 0
	err = Render(ctx, io.Discard, doc, func(done, total int) {
		last = done
		if done == 10 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) || last != 10 {
		t.Errorf("cancel at step 10: err %v, stopped after %d", err, last)
	}
}

// TestRenderDeterministic: the same document and clock give the same bytes.
func TestRenderDeterministic(t *testing.T) {
	doc := sampleDocument(t)
	var a, b bytes.Buffer
	r := Renderer{Now: fixedNow}
	if err := r.Render(context.Background(), &a, doc, nil); err != nil {
		t.Fatal(err)
	}
	if err := r.Render(context.Background(), &b, doc, nil); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two renders differ")
	}
}

// TestRenderErrors checks the documents Render refuses.
func TestRenderErrors(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n not a jpeg")
	for _, tc := range []struct {
		name string
		doc  *report.Document
	}{
		{"nil", nil},
		{"png figure", &report.Document{Blocks: []report.Block{report.Figure{Image: report.Image{JPEG: png, Width: 10, Height: 10}, Caption: "図1"}}}},
		{"empty figure", &report.Document{Blocks: []report.Block{report.Figure{Caption: "図1"}}}},
	} {
		var buf bytes.Buffer
		if err := Render(context.Background(), &buf, tc.doc, nil); err == nil {
			t.Errorf("%s: no error", tc.name)
		} else if buf.Len() != 0 {
			t.Errorf("%s: %d bytes written before the error", tc.name, buf.Len())
		}
	}
}

type failWriter struct{ n int }

func (f *failWriter) Write(p []byte) (int, error) {
	if f.n -= len(p); f.n < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

// TestRenderWriteError: a failing writer is reported, not ignored.
func TestRenderWriteError(t *testing.T) {
	doc := sampleDocument(t)
	for _, n := range []int{0, 2000, 50000} {
		if err := Render(context.Background(), &failWriter{n: n}, doc, nil); err == nil {
			t.Errorf("writer failing after %d bytes: no error", n)
		}
	}
}

// TestRenderMinimal: a document with nothing in it is still a valid file
// with one section.
func TestRenderMinimal(t *testing.T) {
	parts := readParts(t, renderFile(t, &report.Document{Blocks: []report.Block{report.TOC{}, report.Table{}}}))
	for _, name := range requiredParts {
		parseXML(t, name, parts[name])
	}
	body := parseXML(t, "document.xml", parts["word/document.xml"])
	if n := len(body.all("sectPr")); n != 1 {
		t.Errorf("%d sections; want 1", n)
	}
	if body.first("tbl") != nil {
		t.Error("an empty table was written")
	}
}

func TestClean(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"監査報告書", "監査報告書"},
		{"a\tb\nc\rd", "a\tb\nc\rd"},
		{"\x00a\x01\x08\x0b\x0c\x1f\x7fb", "a\x7fb"},
		{"x\ufffey\uffff\ufffd", "xy\ufffd"},
		{"bad\xff\xfeutf8\xe3\x81", "badutf8"},
		{"\U0001F600 絵文字", "\U0001F600 絵文字"},
		{"\ud7ff\ue000", "\ud7ff\ue000"},
	} {
		if got := clean(tc.in); got != tc.want {
			t.Errorf("clean(%q) = %q; want %q", tc.in, got, tc.want)
		}
	}
	if got := escapeString("<a href=\"x\">&'\t</a>"); got != "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&#9;&lt;/a&gt;" {
		t.Errorf("escapeString = %q", got)
	}
}

func TestPictureSize(t *testing.T) {
	for _, tc := range []struct {
		w, h   int
		cx, cy int64
	}{
		{100, 50, 100 * emuPerPixel, 50 * emuPerPixel}, // small: as is
		{1600, 1200, maxPicH * 4 / 3, maxPicH},         // photo: height-bound
		{3000, 1000, maxPicW, maxPicW / 3},             // panorama: width-bound
		{1200, 1600, maxPicH * 3 / 4, maxPicH},         // portrait
		{604, 1, 604 * emuPerPixel, emuPerPixel},       // a line
		{20000, 1, maxPicW, 288},                       // a wide line
		{10_000_000, 1, maxPicW, 1},                    // never zero
		{int(maxPicW / emuPerPixel), 10, maxPicW / emuPerPixel * emuPerPixel, 10 * emuPerPixel}, // exact fit
	} {
		cx, cy := pictureSize(tc.w, tc.h)
		if cx != tc.cx || cy != tc.cy {
			t.Errorf("pictureSize(%d, %d) = %d, %d; want %d, %d", tc.w, tc.h, cx, cy, tc.cx, tc.cy)
		}
	}
}

func TestGridWidths(t *testing.T) {
	for _, tc := range []struct {
		cols []report.Column
		n    int
		want []int
	}{
		{[]report.Column{{Width: 1}, {Width: 1}}, 2, []int{textW / 2, textW / 2}},
		{[]report.Column{{Width: 1}, {Width: 3}}, 2, []int{textW / 4, textW * 3 / 4}},
		{[]report.Column{{}, {}, {}}, 3, []int{3024, 3024, 3024}},
		{[]report.Column{{Width: 2}, {Width: -1}}, 3, []int{3024, 3024, 3024}},
		{nil, 1, []int{textW}},
	} {
		got := gridWidths(tc.cols, tc.n)
		if !slices.Equal(got, tc.want) {
			t.Errorf("gridWidths(%v, %d) = %v; want %v", tc.cols, tc.n, got, tc.want)
		}
	}
	got := gridWidths([]report.Column{{Width: 1}, {Width: 1}, {Width: 1}, {Width: 7}}, 4)
	sum := 0
	for _, w := range got {
		sum += w
	}
	if sum != textW {
		t.Errorf("widths %v sum to %d; want %d", got, sum, textW)
	}
}

// TestLanguage: the document's language goes to core.xml; runs keep a
// Japanese East-Asian language unless the document is Chinese or Korean.
func TestLanguage(t *testing.T) {
	for _, tc := range []struct{ lang, core, eastAsia string }{
		{"", "ja-JP", "ja-JP"},
		{"ja-JP", "ja-JP", "ja-JP"},
		{"en-US", "en-US", "ja-JP"},
		{"zh-TW", "zh-TW", "zh-TW"},
		{`ja"><x`, "ja-JP", "ja-JP"},
	} {
		parts := readParts(t, renderFile(t, &report.Document{Language: tc.lang, Blocks: []report.Block{report.Text("本文")}}))
		core := parseXML(t, "core.xml", parts["docProps/core.xml"])
		styles := parseXML(t, "styles.xml", parts["word/styles.xml"])
		if got := core.first("language").text; got != tc.core {
			t.Errorf("Language %q: core language %q; want %q", tc.lang, got, tc.core)
		}
		if got := styles.first("docDefaults").first("lang").get("eastAsia"); got != tc.eastAsia {
			t.Errorf("Language %q: eastAsia %q; want %q", tc.lang, got, tc.eastAsia)
		}
	}
}
