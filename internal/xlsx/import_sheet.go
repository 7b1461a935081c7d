package xlsx

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/xuri/excelize/v2"
)

const (
	readMaxMerges   = 100_000 // merged ranges in one sheet
	readMaxMarks    = 200_000 // formula and date cells remembered per sheet
	readMaxWarnings = 200     // row warnings per sheet before "… and N more"
	readMaxNoLen    = 20      // bytes of an item number
)

// readTextCols are the item's text columns, in the order continuation
// rows append to them.
var readTextCols = []audit.Column{
	audit.ColTitle, audit.ColCriteria, audit.ColPoints, audit.ColExamples,
	audit.ColHearingPurpose, audit.ColGuidelineRef, audit.ColNotes,
}

// readMerge is a merged range: rows 1-based, columns 0-based, inclusive.
type readMerge struct{ r1, c1, r2, c2 int }

func (m readMerge) String() string {
	return fmt.Sprintf("%s%d:%s%d", readColName(m.c1), m.r1, readColName(m.c2), m.r2)
}

// readMeta is what the token scan of a sheet's XML found.
type readMeta struct {
	merges    []readMerge
	formulas  map[uint64]bool // cell → the formula has a saved value
	nFormulas int
	dates     map[uint64]string // cell → the date, written YYYY-MM-DD
	lastRow   int               // last row holding a value
}

func readKey(row, col int) uint64 { return uint64(row)<<16 | uint64(col) }

// readRow is one row as read: 1-based number, cleaned cells.
type readRow struct {
	n      int
	cells  []string
	hidden bool
}

// readSheetOut is the result of reading one sheet.
type readSheetOut struct {
	cand     SheetCandidate
	cols     ColumnMap
	idCol    int
	items    []audit.Item
	warnings []string
	skip     string // why the sheet is not a candidate; "" if it is
}

// readWarnings collects a sheet's warnings, capped.
type readWarnings struct {
	list    []string
	dropped int
}

func (w *readWarnings) add(format string, args ...any) {
	if len(w.list) >= readMaxWarnings {
		w.dropped++
		return
	}
	w.list = append(w.list, fmt.Sprintf(format, args...))
}

// readSheet reads one sheet. Without full it only looks for the header in
// the first rows (detection); with full it reads every row into items.
func (b *readBook) readSheet(ctx context.Context, ref readSheetRef, full bool, override ColumnMap, progress func(done, total int)) (*readSheetOut, error) {
	var meta *readMeta
	if full && ref.part != "" {
		var err error
		if meta, err = b.scanSheet(ctx, ref); err != nil {
			return nil, err
		}
	}
	rows, err := b.f.Rows(ref.name)
	if err != nil {
		return nil, readErr(b.base, ErrTruncated, readAdviceDamaged, fmt.Errorf("sheet %q: %w", ref.name, err))
	}
	defer rows.Close()
	total := 0
	if meta != nil {
		total = meta.lastRow
	}
	w := &readWarnings{}
	var (
		buf     []readRow
		st      *readState
		r       int
		anyText bool
	)
	start := func() {
		st = b.startSheet(buf, override, meta, w)
		if st != nil && full {
			for _, row := range buf {
				st.row(row)
			}
		}
		buf = nil
	}
	for rows.Next() {
		r++
		if meta != nil && r > meta.lastRow {
			break
		}
		if r%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("import checksheet %s: %w", b.base, err)
			}
			if progress != nil && full && st != nil {
				progress(r, max(total, r))
			}
		}
		cells, err := rows.Columns()
		if err != nil {
			return nil, readErr(b.base, ErrTruncated, readAdviceDamaged, fmt.Errorf("sheet %q row %d: %w", ref.name, r, err))
		}
		b.cleanRow(r, cells, meta, w)
		text := readHasText(cells)
		anyText = anyText || text
		if r > b.lim.MaxRows && text {
			return nil, b.tooManyRows(ref)
		}
		row := readRow{n: r, cells: cells, hidden: rows.GetRowOpts().Hidden}
		if st == nil {
			buf = append(buf, row)
			if r < readHeaderScan {
				continue
			}
			if start(); st == nil || !full {
				break
			}
			continue
		}
		st.row(row)
	}
	if err := rows.Error(); err != nil {
		return nil, readErr(b.base, ErrTruncated, readAdviceDamaged, fmt.Errorf("sheet %q: %w", ref.name, err))
	}
	if st == nil && buf != nil {
		start()
	}
	if st == nil {
		reason := "no header row naming 監査項目 (item) and another known column in the first 30 rows"
		if !anyText {
			reason = "the sheet is empty"
		}
		return &readSheetOut{skip: reason}, nil
	}
	out := &readSheetOut{
		cand: SheetCandidate{
			Name: ref.name, HeaderRow: st.headerRow, Title: strings.Join(st.titleLines, "\n"),
			Columns: st.hdr.cols, Headers: st.hdr.headers, Rows: -1,
		},
		cols: st.cols, idCol: st.idCol,
	}
	if !full {
		return out, nil
	}
	st.finish(meta)
	out.cand.Rows = len(st.items)
	out.items = st.items
	out.warnings = w.list
	if w.dropped > 0 {
		out.warnings = append(out.warnings, fmt.Sprintf("… and %d more warnings", w.dropped))
	}
	if progress != nil {
		progress(max(total, r), max(total, r))
	}
	return out, nil
}

func (b *readBook) tooManyRows(ref readSheetRef) error {
	return readErr(b.base, ErrTooManyRows, fmt.Sprintf("sheet %q has data below row %d, the limit; delete unused rows below the checksheet or split it into several sheets", ref.name, b.lim.MaxRows), nil)
}

// cleanRow puts dates in YYYY-MM-DD form, normalises line breaks, drops
// control characters, and cuts cells longer than MaxCellChars. Trimming
// happens later (readState.text), since a Kansa export is taken verbatim.
func (b *readBook) cleanRow(r int, cells []string, meta *readMeta, w *readWarnings) {
	for i, s := range cells {
		if meta != nil && len(meta.dates) > 0 {
			if d, ok := meta.dates[readKey(r, i)]; ok {
				s = d
			}
		}
		s = readCleanText(s)
		if len(s) > b.lim.MaxCellChars && utf8.RuneCountInString(s) > b.lim.MaxCellChars {
			s = string([]rune(s)[:b.lim.MaxCellChars])
			w.add("%s%d: the text was cut to %d characters", readColName(i), r, b.lim.MaxCellChars)
		}
		cells[i] = s
	}
}

// readCleanText normalises a cell's text: "\r\n" and "\r" become "\n",
// and control characters other than "\n" and "\t" go.
func readCleanText(s string) string {
	if s == "" {
		return s
	}
	if strings.ContainsRune(s, '\r') {
		s = strings.ReplaceAll(s, "\r\n", "\n")
		s = strings.ReplaceAll(s, "\r", "\n")
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 && r != '\n' && r != '\t' || r == 0x7F }) {
		s = strings.Map(func(r rune) rune {
			if r < 0x20 && r != '\n' && r != '\t' || r == 0x7F {
				return -1
			}
			return r
		}, s)
	}
	return s
}

// readTrim trims spaces, tabs and blank lines around a cell's text (an
// ideographic space only at the end, since it may indent the first line).
func readTrim(s string) string {
	s = strings.TrimLeft(s, " \t\n")
	return strings.TrimRight(s, " \t\n\u3000")
}

func readHasText(cells []string) bool {
	for _, c := range cells {
		if readTrim(c) != "" {
			return true
		}
	}
	return false
}

func readCell(cells []string, i int) string {
	if i >= 0 && i < len(cells) {
		return cells[i]
	}
	return ""
}

// readRowLine is a row as one line: its distinct values, trimmed, joined
// by spaces.
func readRowLine(cells []string) string {
	var parts []string
	for _, c := range cells {
		if c = readTrim(c); c != "" && !slices.Contains(parts, c) {
			parts = append(parts, c)
		}
	}
	return strings.Join(parts, " ")
}

// readItemNo normalises the number cell: its first line, full-width
// characters and circled digits folded, spaces removed.
func readItemNo(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	var b strings.Builder
	for _, r := range s {
		if r >= '①' && r <= '⑳' {
			b.WriteString(strconv.Itoa(int(r-'①') + 1))
			continue
		}
		b.WriteRune(headerFoldWidth(r))
	}
	return audit.NormalizeNo(b.String())
}

// readValidNo says whether a normalised number is one: at most 20 bytes,
// a digit, and only ASCII letters, digits and - . _ ( ) /.
func readValidNo(no string) bool {
	if no == "" || len(no) > readMaxNoLen {
		return false
	}
	digit := false
	for _, r := range no {
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', strings.ContainsRune("-._()/", r):
		default:
			return false
		}
	}
	return digit
}

// readActive is a merged range covering the current row in one mapped
// column.
type readActive struct {
	m      readMerge
	value  string // the range's top-left value
	anchor bool   // this column shows the value; other covered columns read empty
	wide   bool   // the range covers several mapped columns
}

// readState turns the rows of a sheet into items.
type readState struct {
	headerRow  int
	hdr        headerRow
	cols       ColumnMap
	idx        []int // mapped column indexes, ascending
	pos        map[int]int
	noCol      int
	titleCol   int
	sectionCol int
	idCol      int
	verbatim   bool     // cells are not trimmed (a Kansa export)
	headerNorm []string // by position in idx
	titleLines []string
	titleSet   map[string]bool

	merges   []readMerge // sorted by first row
	next     int
	active   map[int]*readActive
	mergeUse map[int][]readMerge // column → ranges applied to rows below their top
	mergeN   map[int]int

	items    []audit.Item
	lastItem int // row of the last item, 0 before the first
	adjacent bool
	section  string
	seen     map[string]int
	w        *readWarnings
}

// startSheet finds the header among the first rows and prepares the state,
// or returns nil when there is none.
func (b *readBook) startSheet(rows []readRow, override ColumnMap, meta *readMeta, w *readWarnings) *readState {
	best, bestRow := headerRow{}, -1
	for i, r := range rows {
		if h, ok := headerDetect(r.cells); ok && h.score > best.score {
			best, bestRow = h, i
		}
	}
	if bestRow < 0 {
		return nil
	}
	s := &readState{
		headerRow: rows[bestRow].n, hdr: best, cols: ColumnMap{}, pos: map[int]int{},
		idCol: best.idCol, titleSet: map[string]bool{}, active: map[int]*readActive{},
		mergeUse: map[int][]readMerge{}, mergeN: map[int]int{}, seen: map[string]int{}, w: w,
	}
	src := best.cols
	if override != nil {
		src = override
	}
	for c, i := range src {
		s.cols[c] = i
		if i == s.idCol {
			s.idCol = -1
		}
	}
	for _, i := range s.cols {
		if !slices.Contains(s.idx, i) {
			s.idx = append(s.idx, i)
		}
	}
	slices.Sort(s.idx)
	for k, i := range s.idx {
		s.pos[i] = k
		s.headerNorm = append(s.headerNorm, HeaderNormalize(readCell(best.headers, i)))
	}
	col := func(c audit.Column) int {
		if i, ok := s.cols[c]; ok {
			return i
		}
		return -1
	}
	s.noCol, s.titleCol, s.sectionCol = col(audit.ColNo), col(audit.ColTitle), col(audit.ColSection)
	s.verbatim = s.idCol >= 0
	for _, r := range rows[:bestRow] {
		if line := readRowLine(r.cells); line != "" {
			s.titleLines = append(s.titleLines, line)
			s.titleSet[line] = true
		}
	}
	if meta != nil {
		s.merges = slices.Clone(meta.merges)
		slices.SortStableFunc(s.merges, func(a, b readMerge) int { return a.r1 - b.r1 })
	}
	return s
}

// sweep updates the merged ranges covering row n.
func (s *readState) sweep(r readRow) {
	for ci, a := range s.active {
		if r.n > a.m.r2 {
			delete(s.active, ci)
		}
	}
	for s.next < len(s.merges) && s.merges[s.next].r1 <= r.n {
		m := s.merges[s.next]
		s.next++
		if m.r2 < r.n {
			continue
		}
		var covered []int
		for _, ci := range s.idx {
			if ci >= m.c1 && ci <= m.c2 {
				covered = append(covered, ci)
			}
		}
		value := readCell(r.cells, m.c1)
		for i, ci := range covered {
			s.active[ci] = &readActive{m: m, value: value, anchor: i == 0, wide: len(covered) > 1}
		}
	}
}

// text is a cell's text as the items take it: trimmed, except in a sheet
// exported by Kansa (it has the KansaID column), whose cells are taken as
// they are so that a round trip is exact.
func (s *readState) text(v string) string {
	if t := readTrim(v); !s.verbatim || t == "" {
		return t
	}
	return v
}

// readView is one mapped cell of a row, merged ranges applied.
type readView struct {
	v     string
	above bool        // the value comes from a merged range starting above this row
	a     *readActive // the merged range covering the cell, if any
}

// row reads one row.
func (s *readState) row(r readRow) {
	s.sweep(r)
	if r.n <= s.headerRow {
		return
	}
	view := make([]readView, len(s.idx))
	hasOwn, inItemMerge := false, false
	for k, ci := range s.idx {
		v := s.text(readCell(r.cells, ci))
		var above bool
		a := s.active[ci]
		if a != nil {
			top := r.n == a.m.r1
			switch {
			case !a.anchor:
				v = ""
			case top && ci == a.m.c1:
			case ci == s.noCol && !top:
				v, above = "", true
			default:
				v, above = s.text(a.value), !top
			}
			if s.lastItem > 0 && a.m.r1 <= s.lastItem {
				inItemMerge = true
			}
		}
		view[k] = readView{v: v, above: above, a: a}
		if v != "" && !above {
			hasOwn = true
		}
	}
	type extra struct {
		col int
		v   string
	}
	var extras []extra
	for i, c := range r.cells {
		if _, mapped := s.pos[i]; !mapped && i != s.idCol {
			if c = s.text(c); c != "" {
				extras = append(extras, extra{i, c})
			}
		}
	}
	get := func(ci int) readView {
		if k, ok := s.pos[ci]; ok {
			return view[k]
		}
		return readView{}
	}

	// Blank rows end an item, unless a merged range of the item spans them.
	if !hasOwn && len(extras) == 0 {
		if !inItemMerge {
			s.adjacent = false
		}
		return
	}
	// A repeated header (printed on every page) or title line.
	matches := 0
	for k, vw := range view {
		if vw.v != "" && s.headerNorm[k] != "" && HeaderNormalize(vw.v) == s.headerNorm[k] {
			matches++
		}
	}
	if matches >= 2 || matches == len(s.idx) || s.titleSet[readRowLine(r.cells)] {
		s.adjacent = false
		return
	}

	var no, noText string
	valid := false
	if s.noCol >= 0 {
		noText = get(s.noCol).v
		no = readItemNo(noText)
		valid = readValidNo(no)
	} else if t := get(s.titleCol); t.v != "" && !t.above {
		no, valid = strconv.Itoa(len(s.items)+1), true
	}
	if valid {
		s.item(r, no, view)
		return
	}

	// A section row: one value, left of the title, in the section column,
	// or merged across several mapped columns.
	single, n, left, wide := "", 0, readMaxCols, false
	consider := func(col int, v string, a *readActive) {
		if v == "" || n > 1 {
			return
		}
		if n == 0 {
			single, n = v, 1
		} else if v != single {
			n = 2
			return
		}
		left = min(left, col)
		if a != nil && a.wide {
			wide = true
		}
	}
	for k, ci := range s.idx {
		consider(ci, view[k].v, view[k].a)
	}
	for _, e := range extras {
		consider(e.col, e.v, nil)
	}
	if n == 1 && (left < s.titleCol || left == s.sectionCol || wide) {
		s.section = strings.TrimSpace(single)
		s.adjacent = false
		return
	}
	if noText != "" {
		s.w.add("row %d: %q in the number column is not an item number", r.n, readPreview(noText))
	}

	// A continuation row adds its own text to the item above.
	if s.adjacent && len(s.items) > 0 {
		it := &s.items[len(s.items)-1]
		added := false
		for _, c := range readTextCols {
			ci, ok := s.cols[c]
			if !ok {
				continue
			}
			vw := get(ci)
			if vw.v == "" || vw.above {
				continue
			}
			p := it.Field(c)
			if *p == "" {
				*p = vw.v
			} else {
				*p += "\n" + vw.v
			}
			added = true
		}
		if added && !inItemMerge {
			s.w.add("row %d: no item number; its text was added to item %s (row %d)", r.n, it.No, s.lastItem)
		}
		return
	}
	if hasOwn {
		s.w.add("row %d: no item number and not directly below an item; skipped (%q)", r.n, readPreview(readRowLine(r.cells)))
	}
}

// item adds the item of row r.
func (s *readState) item(r readRow, no string, view []readView) {
	get := func(c audit.Column) string {
		if ci, ok := s.cols[c]; ok {
			return view[s.pos[ci]].v
		}
		return ""
	}
	it := audit.Item{No: no}
	if it.Title = get(audit.ColTitle); it.Title == "" {
		s.w.add("row %d: item %s has no text in the 監査項目 (item) column; skipped", r.n, no)
		s.adjacent = false
		return
	}
	for _, c := range readTextCols[1:] {
		*it.Field(c) = get(c)
	}
	if sec := strings.TrimSpace(get(audit.ColSection)); sec != "" {
		s.section = sec
	}
	it.Section = s.section
	if s.idCol >= 0 {
		if id := strings.TrimSpace(readCell(r.cells, s.idCol)); id != "" && len(id) <= 64 && !strings.ContainsFunc(id, unicode.IsSpace) {
			it.ID = id
		}
	}
	if first, ok := s.seen[no]; ok {
		s.w.add("row %d: item number %s appears again (first on row %d); both imported", r.n, no, first)
	} else {
		s.seen[no] = r.n
	}
	if r.hidden {
		s.w.add("row %d: the row is hidden in Excel; item %s imported anyway", r.n, no)
	}
	for k, ci := range s.idx {
		if vw := view[k]; vw.above && vw.a != nil && ci != s.noCol && vw.v != "" {
			if s.mergeN[ci]++; !slices.Contains(s.mergeUse[ci], vw.a.m) && len(s.mergeUse[ci]) < 3 {
				s.mergeUse[ci] = append(s.mergeUse[ci], vw.a.m)
			}
		}
	}
	s.items = append(s.items, it)
	s.lastItem, s.adjacent = r.n, true
}

// finish adds the sheet-wide warnings.
func (s *readState) finish(meta *readMeta) {
	if s.noCol < 0 && len(s.items) > 0 {
		s.w.list = append(s.w.list, "no number column: the items were numbered 1, 2, 3, … in sheet order")
	}
	if len(s.items) == 0 {
		s.w.list = append(s.w.list, fmt.Sprintf("no items below the header on row %d", s.headerRow))
	}
	for _, ci := range s.idx {
		if s.mergeN[ci] == 0 {
			continue
		}
		var refs []string
		for _, m := range s.mergeUse[ci] {
			refs = append(refs, m.String())
		}
		s.w.list = append(s.w.list, fmt.Sprintf("merged cells in column %s (%s): each value was applied to every row it spans (%s)",
			readColName(ci), readHeaderLabel(s.hdr.headers, ci), strings.Join(refs, ", ")))
	}
	if meta == nil || meta.nFormulas == 0 {
		return
	}
	keys := make([]uint64, 0, len(meta.formulas))
	for k := range meta.formulas {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	name := func(k uint64) string { return fmt.Sprintf("%s%d", readColName(int(k&0xFFFF)), k>>16) }
	var noValue []string
	for _, k := range keys {
		row, ci := int(k>>16), int(k&0xFFFF)
		if _, mapped := s.pos[ci]; !meta.formulas[k] && mapped && row > s.headerRow && len(noValue) < 5 {
			noValue = append(noValue, name(k))
		}
	}
	first := ""
	if len(keys) > 0 {
		first = " (e.g. " + name(keys[0]) + ")"
	}
	s.w.list = append(s.w.list, fmt.Sprintf("%d cells hold formulas%s: the values Excel last saved were used; nothing was recalculated", meta.nFormulas, first))
	if len(noValue) > 0 {
		s.w.list = append(s.w.list, fmt.Sprintf("formulas without a saved value read as empty (%s); open the workbook in Excel, save it, and import it again", strings.Join(noValue, ", ")))
	}
}

func readHeaderLabel(headers []string, ci int) string {
	if h := strings.ReplaceAll(readCell(headers, ci), "\n", " "); h != "" {
		return h
	}
	return "no header"
}

// readPreview shortens a text for a warning.
func readPreview(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if utf8.RuneCountInString(s) > 30 {
		return string([]rune(s)[:30]) + "…"
	}
	return s
}

// scanSheet reads a sheet's XML as tokens for what excelize's row iterator
// does not tell: merged ranges, formulas and whether they have a saved
// value, date cells, and the last row with a value. It refuses a sheet with
// values below Limits.MaxRows.
func (b *readBook) scanSheet(ctx context.Context, ref readSheetRef) (*readMeta, error) {
	zf := b.parts[strings.ToLower(ref.part)]
	if zf == nil {
		return nil, nil
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, b.readZipFail(zf.Name, err)
	}
	defer rc.Close()
	d := xml.NewDecoder(bufio.NewReaderSize(rc, 64<<10))
	d.CharsetReader = readCharset
	m := &readMeta{formulas: map[uint64]bool{}, dates: map[uint64]string{}}
	var (
		row, col, style, nrows  int
		typ                     string
		inCell, inV, hasV, hasF bool
		v                       []byte
	)
	damaged := func(format string, args ...any) error {
		return readErr(b.base, ErrTruncated, readAdviceDamaged, fmt.Errorf("sheet %q: "+format, append([]any{ref.name}, args...)...))
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var serr *xml.SyntaxError
			if errors.As(err, &serr) {
				return nil, damaged("%v", err)
			}
			return nil, b.readZipFail(zf.Name, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				row++
				if n, err := strconv.Atoi(readAttr(t, "r")); err == nil {
					row = n
				}
				if row < 1 || row > readMaxRowNum {
					return nil, damaged("row number %d out of range", row)
				}
				col = -1
				if nrows++; nrows%4096 == 0 {
					if err := ctx.Err(); err != nil {
						return nil, fmt.Errorf("import checksheet %s: %w", b.base, err)
					}
				}
			case "c":
				inCell, hasV, hasF, style, typ = true, false, false, 0, readAttr(t, "t")
				col++
				if ref := readAttr(t, "r"); ref != "" {
					c, _, err := excelize.CellNameToCoordinates(ref)
					if err != nil {
						return nil, damaged("bad cell reference %q", ref)
					}
					col = c - 1
				}
				if col >= readMaxCols {
					return nil, damaged("column beyond %s", readColName(readMaxCols-1))
				}
				style, _ = strconv.Atoi(readAttr(t, "s"))
			case "f":
				hasF = hasF || inCell
			case "v":
				inV, v = inCell, v[:0]
			case "is":
				hasV = hasV || inCell
			case "mergeCell":
				mr, ok := readParseRange(readAttr(t, "ref"))
				if !ok || (mr.r1 == mr.r2 && mr.c1 == mr.c2) {
					continue
				}
				if len(m.merges) >= readMaxMerges {
					return nil, readErr(b.base, ErrTooLarge, fmt.Sprintf("sheet %q has more than %d merged cells; unmerge cells or split the sheet", ref.name, readMaxMerges), nil)
				}
				m.merges = append(m.merges, mr)
			}
		case xml.CharData:
			if inV && len(v) < 64 {
				v = append(v, t...)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				inV = false
				hasV = hasV || len(bytes.TrimSpace(v)) > 0
			case "c":
				if inCell && (hasV || hasF) {
					if row > b.lim.MaxRows {
						return nil, b.tooManyRows(ref)
					}
					m.lastRow = max(m.lastRow, row)
					k := readKey(row, col)
					if hasF {
						if m.nFormulas++; len(m.formulas) < readMaxMarks {
							m.formulas[k] = hasV
						}
					}
					if hasV && (typ == "" || typ == "n") && b.dateStyles[style] && len(m.dates) < readMaxMarks {
						if s, ok := readDateText(v, b.date1904); ok {
							m.dates[k] = s
						}
					}
				}
				inCell = false
			}
		}
	}
	return m, nil
}

func readAttr(t xml.StartElement, name string) string {
	for _, a := range t.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// readParseRange parses "A1:C3".
func readParseRange(ref string) (readMerge, bool) {
	a, b, ok := strings.Cut(strings.ReplaceAll(ref, "$", ""), ":")
	if !ok {
		b = a
	}
	c1, r1, err1 := excelize.CellNameToCoordinates(a)
	c2, r2, err2 := excelize.CellNameToCoordinates(b)
	if err1 != nil || err2 != nil {
		return readMerge{}, false
	}
	if r2 < r1 {
		r1, r2 = r2, r1
	}
	if c2 < c1 {
		c1, c2 = c2, c1
	}
	return readMerge{r1: r1, c1: c1 - 1, r2: r2, c2: c2 - 1}, true
}

// readDateText writes a date serial as YYYY-MM-DD, with hh:mm (and :ss)
// when it carries a time. Times of day alone (serial below 1) are left to
// excelize's formatting.
func readDateText(v []byte, date1904 bool) (string, bool) {
	f, err := strconv.ParseFloat(string(bytes.TrimSpace(v)), 64)
	if err != nil || f < 1 || f >= 2958466 {
		return "", false
	}
	t, err := excelize.ExcelDateToTime(f, date1904)
	if err != nil {
		return "", false
	}
	t = t.Round(time.Second)
	switch {
	case t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0:
		return t.Format("2006-01-02"), true
	case t.Second() == 0:
		return t.Format("2006-01-02 15:04"), true
	}
	return t.Format("2006-01-02 15:04:05"), true
}

// readBuiltinDates are the built-in number formats that show dates (the
// ja-JP ones included).
var readBuiltinDates = map[int]bool{
	14: true, 15: true, 16: true, 17: true, 22: true,
	27: true, 28: true, 29: true, 30: true, 31: true, 34: true, 35: true, 36: true,
	50: true, 51: true, 52: true, 53: true, 54: true, 55: true, 56: true, 57: true, 58: true,
}

// readDateStyles lists the cell styles (cellXfs indexes) that show dates.
func readDateStyles(f *excelize.File) map[int]bool {
	ss := f.Styles
	if ss == nil || ss.CellXfs == nil {
		return nil
	}
	custom := map[int]string{}
	if ss.NumFmts != nil {
		for _, nf := range ss.NumFmts.NumFmt {
			if nf != nil {
				code := nf.FormatCode
				if nf.FormatCode16 != "" {
					code = nf.FormatCode16
				}
				custom[nf.NumFmtID] = code
			}
		}
	}
	out := map[int]bool{}
	for i, xf := range ss.CellXfs.Xf {
		if xf.NumFmtID == nil {
			continue
		}
		id := *xf.NumFmtID
		if code, ok := custom[id]; ok {
			if readIsDateFormat(code) {
				out[i] = true
			}
		} else if readBuiltinDates[id] {
			out[i] = true
		}
	}
	return out
}

// readIsDateFormat says whether a number format code shows a date: it has
// a year, day or era token outside quotes and brackets.
func readIsDateFormat(code string) bool {
	if i := strings.IndexByte(code, ';'); i >= 0 {
		code = code[:i]
	}
	var b strings.Builder
	quoted, bracket, escaped := false, false, false
	for _, r := range code {
		switch {
		case escaped:
			escaped = false
		case quoted:
			quoted = r != '"'
		case bracket:
			bracket = r != ']'
		case r == '\\':
			escaped = true
		case r == '"':
			quoted = true
		case r == '[':
			bracket = true
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	s := strings.ReplaceAll(b.String(), "general", "")
	if strings.Contains(s, "e+") || strings.Contains(s, "e-") {
		return false
	}
	return strings.ContainsAny(s, "ydge")
}
