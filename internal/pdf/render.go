package pdf

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/signintech/gopdf"

	"github.com/kansa-audit/kansa/internal/report"
)

// Options configure Render.
type Options struct {
	// FontPath is the configured font (.ttf, or .ttc whose first face is
	// used) for all text; "" means $KANSA_PDF_FONT, then the system fonts
	// (see FindFont).
	FontPath string
	// BoldFontPath, if set, is used for headings and bold runs.
	BoldFontPath string
	// Created is the creation date written into the PDF; zero writes none.
	Created time.Time
}

// Render lays out doc on A4 pages and writes the PDF to w. Layout runs
// first over the whole document (so the table of contents knows its page
// numbers), then the pages are drawn. ctx is checked between blocks and
// pages; progress, if not nil, is called after each block of each pass and
// once the file is written, with total = 2*len(doc.Blocks)+1.
func Render(ctx context.Context, w io.Writer, doc *report.Document, opt Options, progress func(done, total int)) error {
	if doc == nil {
		return errors.New("render pdf: no document")
	}
	font, err := FindFont(opt.FontPath)
	if err != nil {
		return err
	}
	if opt.BoldFontPath != "" {
		bf, err := openFace(opt.BoldFontPath, 0)
		if err != nil {
			return fmt.Errorf("pdf bold font %s: %w", opt.BoldFontPath, err)
		}
		font.Heading = bf
	}
	faces, err := loadFaces(font)
	if err != nil {
		return err
	}
	return render(ctx, w, doc, faces, opt, progress)
}

// loadFaces loads body, heading and bold faces (heading and bold are the
// same face), sharing one load when they are the same file.
func loadFaces(font Font) ([numFaces]*face, error) {
	var faces [numFaces]*face
	body, err := loadFace(font.Body)
	if err != nil {
		return faces, err
	}
	if faces[fBody], err = newFace(familyName(0, body), body); err != nil {
		return faces, fmt.Errorf("pdf font %s: %w", font.Body.Path, err)
	}
	faces[fHead] = faces[fBody]
	if font.Heading != font.Body {
		head, err := loadFace(font.Heading)
		if err != nil {
			return faces, err
		}
		if faces[fHead], err = newFace(familyName(1, head), head); err != nil {
			return faces, fmt.Errorf("pdf font %s: %w", font.Heading.Path, err)
		}
	}
	faces[fBold] = faces[fHead]
	return faces, nil
}

// familyName names a face in the PDF: a subset tag (the PDF marks
// embedded subsets with six capital letters and "+") and the PostScript
// name, e.g. KNSAAA+IPAexMincho.
func familyName(i int, ttf []byte) string {
	name := "Font" + strconv.Itoa(i)
	if recs, err := tableDirectory(ttf, 0); err == nil {
		if ps := postScriptName(ttf, recs); ps != "" {
			name = ps
		}
	}
	return "KNSAA" + string(rune('A'+i)) + "+" + name
}

func render(ctx context.Context, w io.Writer, doc *report.Document, faces [numFaces]*face, opt Options, progress func(done, total int)) error {
	total := 2*len(doc.Blocks) + 1
	l, err := layout(ctx, doc, faces, progress, total)
	if err != nil {
		return err
	}

	var gp gopdf.GoPdf
	gp.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}, Unit: gopdf.UnitPT})
	title := doc.Title
	if title == "" && doc.Cover != nil {
		title = doc.Cover.Title
	}
	// Content streams are left uncompressed: Go's flate writer allocates
	// over half a megabyte per stream, one stream per page, which doubled
	// the peak heap of a 300-page report for a gain of about 4 KB a page.
	// Photos (DCT) and fonts are compressed anyway.
	gp.SetNoCompression()
	gp.SetInfo(gopdf.PdfInfo{Title: title, Author: doc.Author, Subject: doc.Subject,
		Creator: "Kansa", Producer: "Kansa (gopdf)", CreationDate: opt.Created})
	added := map[*face]bool{}
	for _, f := range faces {
		if added[f] {
			continue
		}
		added[f] = true
		opt := gopdf.TtfOption{OnGlyphNotFoundSubstitute: func(rune) rune { return '?' }}
		if err := gp.AddTTFFontDataWithOption(f.family, f.data, opt); err != nil {
			return fmt.Errorf("render pdf: font: %w", err)
		}
	}

	d := &drawer{gp: &gp, l: l}
	marking := ""
	if doc.Cover != nil {
		marking = doc.Cover.Marking
	}
	hOnPage := map[int][]int{}
	for i, h := range l.headings {
		hOnPage[h.page] = append(hOnPage[h.page], i)
	}
	var outlines []*gopdf.OutlineObj
	for pi, p := range l.pages {
		if err := ctx.Err(); err != nil {
			return err
		}
		gp.AddPage()
		d.resetState()
		if !p.cover {
			d.header(title, marking, p.num)
		}
		for _, hi := range hOnPage[pi] {
			h := l.headings[hi]
			gp.SetY(h.y)
			gp.SetFontSize(0)
			gp.SetAnchor(anchorName(hi))
			outlines = append(outlines, gp.AddOutlineWithPosition(h.title))
			d.font = "" // SetFontSize(0) above: set the font again
		}
		for _, o := range p.ops {
			if err := d.draw(o); err != nil {
				return fmt.Errorf("render pdf: page %d: %w", pi+1, err)
			}
		}
		if progress != nil {
			progress(len(doc.Blocks)+p.lastBlk+1, total)
		}
	}
	linkOutlines(l.headings, outlines)

	ew := &errWriter{ctx: ctx, w: w}
	fix := &outlineRootFix{w: ew, last: lastTopLevel(l.headings, outlines), top: topLevelCount(l.headings)}
	if _, err := gp.WriteTo(fix); err != nil {
		return fmt.Errorf("render pdf: %w", err)
	}
	if err := fix.flush(); err != nil {
		return fmt.Errorf("render pdf: %w", err)
	}
	if ew.err != nil {
		return fmt.Errorf("render pdf: %w", ew.err)
	}
	if progress != nil {
		progress(total, total)
	}
	return nil
}

// layout runs the layout pass.
func layout(ctx context.Context, doc *report.Document, faces [numFaces]*face, progress func(done, total int), total int) (*layouter, error) {
	l := &layouter{faces: faces}
	// With a single face, headings and bold runs are drawn fake bold.
	fake := faces[fHead] == faces[fBody]
	l.fake[fHead], l.fake[fBold] = fake, fake
	if err := l.layoutDoc(ctx, doc, progress, total); err != nil {
		return nil, err
	}
	return l, nil
}

func anchorName(heading int) string { return "h" + strconv.Itoa(heading) }

// drawer emits layout ops through gopdf, setting state only on change.
type drawer struct {
	gp     *gopdf.GoPdf
	l      *layouter
	font   string
	size   float64
	cs     float64
	gray   float64
	lineW  float64
	stroke float64
	dots   bool
	images map[*report.Image]gopdf.ImageHolder
}

func (d *drawer) resetState() {
	d.font, d.size, d.cs, d.gray, d.lineW, d.stroke, d.dots = "", -1, 0, -1, -1, -1, false
}

func grayRGB(g float64) uint8 {
	if g < 0 {
		g = 0
	}
	return uint8(g*255 + 0.5)
}

func (d *drawer) text(o textOp) error {
	f := d.l.faces[o.font]
	if f.family != d.font || o.size != d.size {
		if err := d.gp.SetFont(f.family, "", o.size); err != nil {
			return err
		}
		d.font, d.size = f.family, o.size
	}
	if o.cs != d.cs {
		if err := d.gp.SetCharSpacing(o.cs); err != nil {
			return err
		}
		d.cs = o.cs
	}
	if o.gray != d.gray {
		c := grayRGB(o.gray)
		d.gp.SetTextColor(c, c, c)
		d.gray = o.gray
	}
	d.gp.SetXY(o.x, o.y)
	return d.gp.Text(o.text)
}

func (d *drawer) draw(o op) error {
	switch v := o.(type) {
	case textOp:
		return d.text(v)
	case lineOp:
		if v.width != d.lineW {
			d.gp.SetLineWidth(v.width)
			d.lineW = v.width
		}
		if v.gray != d.stroke {
			c := grayRGB(v.gray)
			d.gp.SetStrokeColor(c, c, c)
			d.stroke = v.gray
		}
		if v.dots != d.dots {
			if v.dots {
				d.gp.SetCustomLineType([]float64{v.width, 2.6}, 0)
			} else {
				d.gp.SetLineType("solid")
			}
			d.dots = v.dots
		}
		d.gp.Line(v.x1, v.y1, v.x2, v.y2)
	case rectOp:
		c := grayRGB(v.gray)
		d.gp.SetFillColor(c, c, c)
		d.gp.RectFromUpperLeftWithStyle(v.x, v.y, v.w, v.h, "F")
	case imageOp:
		h, err := d.holder(v.img)
		if err == nil {
			err = d.gp.ImageByHolder(h, v.x, v.y, &gopdf.Rect{W: v.w, H: v.h})
		}
		if err != nil {
			return fmt.Errorf("figure %q: %w", v.caption, err)
		}
	case tocNumOp:
		hi, ok := d.l.hIndex[v.heading]
		if !ok {
			return nil
		}
		s := strconv.Itoa(d.l.pages[d.l.headings[hi].page].num)
		w := d.l.textWidth(s, v.font, v.size)
		o := textOp{x: v.x - w, y: v.y, font: v.font, size: v.size, text: s}
		if err := d.text(o); err != nil || !d.l.fake[v.font] {
			return err
		}
		o.x += o.size / 40
		return d.text(o)
	case linkOp:
		if hi, ok := d.l.hIndex[v.heading]; ok {
			d.gp.AddInternalLink(anchorName(hi), v.x, v.y, v.w, v.h)
		}
	}
	return nil
}

// jpegHolder hands gopdf the figure's JPEG bytes as they are: gopdf
// embeds a JPEG as a DCTDecode stream without decoding it, so the photo
// in the PDF is byte for byte the report-size copy.
type jpegHolder struct {
	*bytes.Reader
	id string
}

func (h jpegHolder) ID() string { return h.id }

func (d *drawer) holder(img *report.Image) (gopdf.ImageHolder, error) {
	if h, ok := d.images[img]; ok {
		h.(jpegHolder).Seek(0, io.SeekStart)
		return h, nil
	}
	if d.images == nil {
		d.images = map[*report.Image]gopdf.ImageHolder{}
	}
	if len(img.JPEG) < 3 || img.JPEG[0] != 0xFF || img.JPEG[1] != 0xD8 {
		return nil, errors.New("figure image is not a JPEG")
	}
	sum := sha256.Sum256(img.JPEG)
	h := jpegHolder{Reader: bytes.NewReader(img.JPEG), id: hex.EncodeToString(sum[:16])}
	d.images[img] = h
	return h, nil
}

// header draws the running header (marking, document title, rule) and the
// page number of a page after the cover.
func (d *drawer) header(title, marking string, num int) {
	l := d.l
	const size = 8.0
	if title != "" {
		w := l.textWidth(title, fHead, size)
		_ = d.text(textOp{x: marginX + textW - w, y: headerY, font: fHead, size: size, gray: 0.35, text: title})
	}
	if marking != "" {
		_ = d.text(textOp{x: marginX, y: headerY, font: fHead, size: size, gray: 0.35, text: marking})
	}
	if title != "" || marking != "" {
		_ = d.draw(lineOp{x1: marginX, y1: headerY + 5, x2: marginX + textW, y2: headerY + 5, width: 0.4, gray: 0.55})
	}
	s := "- " + strconv.Itoa(num) + " -"
	w := l.textWidth(s, fBody, 9)
	_ = d.text(textOp{x: (pageW - w) / 2, y: footerY, font: fBody, size: 9, gray: 0.25, text: s})
}

// errWriter records the first write error (gopdf ignores most of them) and
// stops writing once ctx is cancelled.
type errWriter struct {
	ctx context.Context
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	if err := e.ctx.Err(); err != nil {
		e.err = err
		return 0, err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}
