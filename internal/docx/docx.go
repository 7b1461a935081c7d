package docx

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"strings"
	"time"

	"github.com/kansa-audit/kansa/internal/report"
)

// Renderer writes .docx files. The zero value is ready to use.
type Renderer struct {
	// Now stamps the creation time into docProps/core.xml and the zip
	// entries; nil means time.Now. Tests fix it for reproducible bytes.
	Now func() time.Time
}

// Render writes doc to w as a .docx file with the zero Renderer.
func Render(ctx context.Context, w io.Writer, doc *report.Document, progress func(done, total int)) error {
	return Renderer{}.Render(ctx, w, doc, progress)
}

// Render writes doc to w as a .docx file.
//
// progress, if not nil, is called with done counting up to total: one step
// per block of the document, then one per stored picture. Render checks ctx
// at each step and returns an error wrapping ctx.Err() once it is done; w
// then holds an incomplete file, which the caller discards. A figure whose
// image is not a JPEG is an error, reported before anything is written.
func (r Renderer) Render(ctx context.Context, w io.Writer, doc *report.Document, progress func(done, total int)) error {
	if doc == nil {
		return errors.New("docx: nil document")
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("docx: %w", err)
	}
	p, err := newPlan(ctx, doc)
	if err != nil {
		return err
	}
	now := time.Now
	if r.Now != nil {
		now = r.Now
	}
	created := now()

	total := len(doc.Blocks) + len(p.media)
	done := 0
	step := func() error {
		done++
		if progress != nil {
			progress(done, total)
		}
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("docx: %w", err)
		}
		return nil
	}

	zw := zip.NewWriter(w)
	create := func(name string, method uint16) (io.Writer, error) {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: method, Modified: created})
		if err != nil {
			return nil, fmt.Errorf("docx: create %s: %w", name, err)
		}
		return f, nil
	}
	small := func(name, content string) error {
		f, err := create(name, zip.Deflate)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, content); err != nil {
			return fmt.Errorf("docx: write %s: %w", name, err)
		}
		return nil
	}

	meta := p.meta
	for _, part := range []struct{ name, content string }{
		{partContentTypes, contentTypes()},
		{partRels, packageRels()},
		{partCore, coreProps(meta, created)},
		{partApp, appProps(meta)},
	} {
		if err := small(part.name, part.content); err != nil {
			return err
		}
	}

	f, err := create(partDocument, zip.Deflate)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(f, 64<<10)
	dw := &docWriter{w: bw, plan: p}
	if err := dw.document(doc, step); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("docx: write %s: %w", partDocument, err)
	}

	for _, part := range []struct{ name, content string }{
		{partStyles, stylesXML(meta.eastAsia)},
		{partSettings, settingsXML(meta.eastAsia)},
		{partNumbering, numberingXML(p.orderedLists)},
		{partFontTable, fontTableXML()},
		{partFooter, footerXML()},
		{partDocRels, documentRels(p.media)},
	} {
		if err := small(part.name, part.content); err != nil {
			return err
		}
	}

	// JPEGs are stored, not deflated: they do not shrink, and storing them
	// keeps a 300-photo report fast.
	for _, m := range p.media {
		f, err := create("word/media/"+m.name, zip.Store)
		if err != nil {
			return err
		}
		if _, err := f.Write(m.data); err != nil {
			return fmt.Errorf("docx: write media %s: %w", m.name, err)
		}
		if err := step(); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("docx: finish zip: %w", err)
	}
	return nil
}

// docMeta is the document's metadata.
type docMeta struct {
	title, subject, author string
	lang                   string // the document's language, for core.xml
	eastAsia               string // the East-Asian language of runs: lang if CJK, else ja-JP
}

// mediaFile is one stored picture.
type mediaFile struct {
	name string // image3.jpeg
	rID  string // rIdImage3
	data []byte
}

// figurePlan is where and how big one figure is drawn.
type figurePlan struct {
	media  *mediaFile
	docPr  int   // unique drawing object id
	cx, cy int64 // EMU
}

// tocEntry is one line of the pre-rendered table of contents.
type tocEntry struct {
	level    int
	text     string
	bookmark string
}

// plan is what a first pass over the blocks learns before any XML is
// written: the table of contents, the pictures to store and their sizes,
// the lists to number.
type plan struct {
	meta      docMeta
	toc       []tocEntry
	bookmarks map[int]int // block index of a level 1-2 heading → bookmark id
	figures   map[int]figurePlan
	media     []*mediaFile
	lists     map[int]int // block index of an ordered list → numId
	// orderedLists is the number of ordered lists; numIds 2.. are theirs.
	orderedLists int
}

func newPlan(ctx context.Context, doc *report.Document) (*plan, error) {
	lang, eastAsia := "ja-JP", "ja-JP"
	if l := strings.TrimSpace(doc.Language); l != "" && validLang(l) {
		lang = l
		if p := strings.ToLower(l); strings.HasPrefix(p, "ja") || strings.HasPrefix(p, "zh") || strings.HasPrefix(p, "ko") {
			eastAsia = l
		}
	}
	p := &plan{
		meta:      docMeta{title: doc.Title, subject: doc.Subject, author: doc.Author, lang: lang, eastAsia: eastAsia},
		bookmarks: map[int]int{},
		figures:   map[int]figurePlan{},
		lists:     map[int]int{},
	}
	if p.meta.title == "" && doc.Cover != nil {
		p.meta.title = doc.Cover.Title
	}
	byHash := map[[32]byte]*mediaFile{}
	docPr := 0
	for i, b := range doc.Blocks {
		switch v := b.(type) {
		case report.Heading:
			if lvl := headingLevel(v.Level); lvl <= 2 && strings.TrimSpace(clean(headingText(v))) != "" {
				id := len(p.toc) + 1
				p.bookmarks[i] = id
				p.toc = append(p.toc, tocEntry{level: lvl, text: headingText(v), bookmark: bookmarkName(id)})
			}
		case report.List:
			if v.Ordered {
				p.orderedLists++
				p.lists[i] = p.orderedLists + 1
			}
		case report.Figure:
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("docx: %w", err)
			}
			cfg, err := jpeg.DecodeConfig(bytes.NewReader(v.Image.JPEG))
			if err != nil {
				return nil, fmt.Errorf("docx: figure %q (%s): image is not a JPEG: %w", v.Caption, v.EvidenceID, err)
			}
			if cfg.Width <= 0 || cfg.Height <= 0 {
				return nil, fmt.Errorf("docx: figure %q (%s): empty image", v.Caption, v.EvidenceID)
			}
			sum := sha256.Sum256(v.Image.JPEG)
			m := byHash[sum]
			if m == nil {
				n := len(p.media) + 1
				m = &mediaFile{name: fmt.Sprintf("image%d.jpeg", n), rID: fmt.Sprintf("rIdImage%d", n), data: v.Image.JPEG}
				byHash[sum] = m
				p.media = append(p.media, m)
			}
			docPr++
			cx, cy := pictureSize(cfg.Width, cfg.Height)
			p.figures[i] = figurePlan{media: m, docPr: docPr, cx: cx, cy: cy}
		}
	}
	return p, nil
}

// validLang accepts a BCP 47 tag's characters only, so it can go into an
// attribute unescaped.
func validLang(s string) bool {
	if len(s) > 35 {
		return false
	}
	for _, c := range s {
		if !(c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// pictureSize is a picture's size in EMU: its size at 96 dpi, scaled down
// (never up) to fit the text width and at most 11 cm of height, aspect
// ratio kept.
func pictureSize(wPx, hPx int) (cx, cy int64) {
	cx = int64(wPx) * emuPerPixel
	cy = int64(hPx) * emuPerPixel
	if cx > maxPicW {
		cy = cy * maxPicW / cx
		cx = maxPicW
	}
	if cy > maxPicH {
		cx = cx * maxPicH / cy
		cy = maxPicH
	}
	return max(cx, 1), max(cy, 1)
}

func headingLevel(l int) int {
	return min(max(l, 1), 3)
}

// headingText is the printed heading: number, an ideographic space, text.
func headingText(h report.Heading) string {
	if h.Number == "" {
		return h.Text
	}
	if h.Text == "" {
		return h.Number
	}
	return h.Number + "\u3000" + h.Text
}

// bookmarkName names the bookmark on a level 1-2 heading. Word hides
// bookmarks starting with "_" and uses "_Toc" for exactly this purpose.
func bookmarkName(id int) string { return fmt.Sprintf("_Toc%08d", id) }
