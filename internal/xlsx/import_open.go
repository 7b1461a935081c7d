package xlsx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
)

// Opening a workbook for import, in this order:
//
//  1. the file's size against Limits.MaxFileBytes (ErrTooLarge);
//  2. its first bytes: an OLE compound file is what Excel writes for a
//     password-protected workbook (ErrEncrypted) and also the old .xls
//     format (ErrNotWorkbook); anything but a zip is ErrNotWorkbook;
//  3. the zip's central directory: a zip that cannot be read is
//     ErrTruncated; encrypted entries are ErrEncrypted; too many entries,
//     an uncompressed total over Limits.UnzipBytes, or a part excelize would
//     hold in memory over Limits.UnzipXMLBytes are ErrTooLarge (a zip bomb
//     is refused before anything is unpacked);
//  4. the workbook's parts ([Content_Types].xml, the workbook and its
//     relationships): missing parts are ErrNotWorkbook;
//  5. every part, unpacked once to nowhere: a part larger than its
//     directory entry claims (a lying zip bomb) is ErrTooLarge, a checksum
//     or deflate error is ErrTruncated. excelize ignores such errors and
//     would read a damaged sheet as empty or cut short;
//  6. excelize, with UnzipSizeLimit and UnzipXMLSizeLimit from Limits.
//
// Sheets are then read as streams: excelize's Rows iterator for the values
// and a token scan of the sheet's XML for merged cells, formulas and dates.

const (
	readHeaderScan = 30      // rows searched for the header
	readMaxEntries = 10_000  // zip entries
	readMaxCols    = 16_384  // Excel's column limit
	readMaxRowNum  = 1 << 20 // Excel's row limit
)

// readBook is an open workbook.
type readBook struct {
	path, base string
	lim        Limits
	zr         *zip.ReadCloser
	parts      map[string]*zip.File // by lower-case name
	sheets     []readSheetRef
	date1904   bool
	f          *excelize.File
	dateStyles map[int]bool
}

// readSheetRef is one sheet of the workbook.
type readSheetRef struct {
	name   string
	part   string // zip path of the sheet's XML, "" if unknown
	chart  bool
	hidden bool
}

// readLimits fills zero fields from DefaultLimits.
func readLimits(l Limits) Limits {
	d := DefaultLimits()
	if l.MaxFileBytes <= 0 {
		l.MaxFileBytes = d.MaxFileBytes
	}
	if l.UnzipBytes <= 0 {
		l.UnzipBytes = d.UnzipBytes
	}
	if l.UnzipXMLBytes <= 0 {
		l.UnzipXMLBytes = d.UnzipXMLBytes
	}
	l.UnzipXMLBytes = min(l.UnzipXMLBytes, l.UnzipBytes)
	if l.MaxRows <= 0 {
		l.MaxRows = d.MaxRows
	}
	if l.MaxCellChars <= 0 {
		l.MaxCellChars = d.MaxCellChars
	}
	return l
}

// readErr builds an import error: the file, the sentinel, the cause if
// any, and what to do.
func readErr(base string, kind error, advice string, cause error) error {
	if cause != nil {
		return fmt.Errorf("import checksheet %s: %w (%w); %s", base, kind, cause, advice)
	}
	return fmt.Errorf("import checksheet %s: %w; %s", base, kind, advice)
}

func readBase(p string) string { return filepath.Base(p) }

const (
	readAdviceDamaged   = "open it in Excel and save it again (or copy it again from where it came from), then import the saved copy"
	readAdviceEncrypted = "open it in Excel with its password, remove the password (File > Info > Protect Workbook > Encrypt with Password, clear the box), save, and import it again"
	readAdviceNotXLSX   = "choose a workbook saved by Excel as an Excel workbook (.xlsx)"
	readAdviceBomb      = "this is not an ordinary checksheet and may be built to exhaust memory; do not open it, and ask the sender for a clean copy"
)

// readPanicErr turns a panic inside excelize or the reader into an error.
func readPanicErr(p string, r any) error {
	return readErr(readBase(p), ErrTruncated, readAdviceDamaged, fmt.Errorf("the workbook could not be read: %v", r))
}

// readColName is a column's letter, e.g. 0 → "A".
func readColName(i int) string {
	s, err := excelize.ColumnNumberToName(i + 1)
	if err != nil {
		return fmt.Sprintf("#%d", i+1)
	}
	return s
}

// readMB formats a byte count for a message.
func readMB(n int64) string {
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}

var readCFBMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// readOpen opens and checks the workbook at p.
func readOpen(p string, lim Limits) (*readBook, error) {
	b := &readBook{path: p, base: readBase(p), lim: lim}
	fi, err := os.Stat(p)
	if err != nil {
		return nil, fmt.Errorf("import checksheet %s: %w; check the file's name and folder", b.base, err)
	}
	if !fi.Mode().IsRegular() {
		return nil, readErr(b.base, ErrNotWorkbook, readAdviceNotXLSX+"; this is a folder or device, not a file", nil)
	}
	if fi.Size() > lim.MaxFileBytes {
		return nil, readErr(b.base, ErrTooLarge, fmt.Sprintf("the file is %s and the limit is %s; remove pictures and unused sheets, or split the checksheet", readMB(fi.Size()), readMB(lim.MaxFileBytes)), nil)
	}
	head := make([]byte, 8)
	fh, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("import checksheet %s: %w; check that the file is not open elsewhere and that you may read it", b.base, err)
	}
	n, _ := io.ReadFull(fh, head)
	head = head[:n]
	switch {
	case bytes.Equal(head, readCFBMagic):
		advice, kind := readCFBKind(fh)
		fh.Close()
		return nil, readErr(b.base, kind, advice, nil)
	case !bytes.HasPrefix(head, []byte("PK")):
		fh.Close()
		return nil, readErr(b.base, ErrNotWorkbook, readAdviceNotXLSX+readGuessFormat(head), nil)
	}
	fh.Close()

	zr, err := zip.OpenReader(p)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return nil, readErr(b.base, ErrTruncated, readAdviceDamaged, err)
	}
	b.zr = zr
	ok := false
	defer func() {
		if !ok {
			b.close()
		}
	}()
	if err := b.checkZip(); err != nil {
		return nil, err
	}
	if err := b.readWorkbook(); err != nil {
		return nil, err
	}
	// excelize ignores read errors of parts (a damaged sheet would read
	// as empty or cut short), so every part is unpacked and checked first.
	if err := b.verifyParts(); err != nil {
		return nil, err
	}
	b.f, err = excelize.OpenFile(p, excelize.Options{
		UnzipSizeLimit:    lim.UnzipBytes,
		UnzipXMLSizeLimit: lim.UnzipXMLBytes,
		ShortDatePattern:  "yyyy-mm-dd",
		CultureInfo:       excelize.CultureNameJaJP,
	})
	if err != nil {
		if b.f != nil {
			b.f.Close()
			b.f = nil
		}
		if errors.Is(err, excelize.ErrWorkbookFileFormat) {
			return nil, readErr(b.base, ErrNotWorkbook, readAdviceNotXLSX, err)
		}
		return nil, readErr(b.base, ErrTruncated, readAdviceDamaged, err)
	}
	b.dateStyles = readDateStyles(b.f)
	ok = true
	return b, nil
}

// close releases the workbook and excelize's temporary files.
func (b *readBook) close() {
	if b.f != nil {
		b.f.Close()
		b.f = nil
	}
	if b.zr != nil {
		b.zr.Close()
		b.zr = nil
	}
}

// readGuessFormat names a few formats people save by mistake.
func readGuessFormat(head []byte) string {
	h := strings.ToLower(strings.TrimSpace(string(bytes.TrimPrefix(head, []byte("\xEF\xBB\xBF")))))
	switch {
	case len(head) == 0:
		return "; the file is empty"
	case strings.HasPrefix(h, "<?xml"), strings.HasPrefix(h, "<html"), strings.HasPrefix(h, "<!doc"), strings.HasPrefix(h, "<table"):
		return "; this is an XML or web-page file with an Excel name, so open it in Excel and use Save As > Excel Workbook (.xlsx)"
	case strings.HasPrefix(h, "%pdf"):
		return "; this is a PDF file"
	}
	return ""
}

// readCFBKind tells an encrypted workbook from an old .xls file: both are
// OLE compound files, but only an encrypted workbook has the
// EncryptedPackage stream. An unrecognised compound file counts as
// encrypted, since that is what Excel makes of a protected .xlsx.
func readCFBKind(r io.Reader) (string, error) {
	utf16 := func(s string) []byte {
		var b []byte
		for _, c := range s {
			b = append(b, byte(c), 0)
		}
		return b
	}
	encrypted := [][]byte{utf16("EncryptedPackage"), utf16("EncryptionInfo")}
	xls := [][]byte{utf16("Workbook\x00"), utf16("Book\x00")}
	found := func(chunk []byte, needles [][]byte) bool {
		for _, n := range needles {
			if bytes.Contains(chunk, n) {
				return true
			}
		}
		return false
	}
	buf := make([]byte, 1<<20)
	var tail []byte
	isXLS := false
	for {
		n, err := r.Read(buf)
		if n > 0 {
			chunk := append(tail, buf[:n]...)
			if found(chunk, encrypted) {
				return readAdviceEncrypted, ErrEncrypted
			}
			isXLS = isXLS || found(chunk, xls)
			tail = append([]byte(nil), chunk[max(0, len(chunk)-64):]...)
		}
		if err != nil {
			break
		}
	}
	if isXLS {
		return "this is an old Excel 97-2003 workbook (.xls); open it in Excel and save it as an Excel workbook (.xlsx)", ErrNotWorkbook
	}
	return readAdviceEncrypted, ErrEncrypted
}

// readInMemoryPart says whether excelize holds a part in memory whatever
// its size (all parts but worksheets and the shared strings, which it
// unpacks to a temporary file when they are large).
func readInMemoryPart(name string) bool {
	n := strings.ToLower(name)
	return !strings.HasPrefix(n, "xl/worksheets/sheet") && n != "xl/sharedstrings.xml"
}

// checkZip checks the central directory before anything is unpacked.
func (b *readBook) checkZip() error {
	files := b.zr.File
	if len(files) > readMaxEntries {
		return readErr(b.base, ErrTooLarge, fmt.Sprintf("it holds %d parts (limit %d); %s", len(files), readMaxEntries, readAdviceBomb), nil)
	}
	b.parts = make(map[string]*zip.File, len(files))
	var total uint64
	for _, zf := range files {
		if zf.Flags&0x1 != 0 {
			return readErr(b.base, ErrEncrypted, readAdviceEncrypted, nil)
		}
		name := strings.ReplaceAll(zf.Name, "\\", "/")
		size := zf.UncompressedSize64
		total += size
		if size > uint64(b.lim.UnzipBytes) || total > uint64(b.lim.UnzipBytes) || total < size {
			return readErr(b.base, ErrTooLarge, fmt.Sprintf("it would unpack to more than %s (part %s alone is %s); %s", readMB(b.lim.UnzipBytes), name, readMB(int64(min(size, 1<<62))), readAdviceBomb), nil)
		}
		if readInMemoryPart(name) && size > uint64(b.lim.UnzipXMLBytes) {
			return readErr(b.base, ErrTooLarge, fmt.Sprintf("part %s would unpack to %s (limit %s); remove large pictures or objects, or %s", name, readMB(int64(size)), readMB(b.lim.UnzipXMLBytes), readAdviceBomb), nil)
		}
		b.parts[strings.ToLower(name)] = zf
	}
	if b.parts["[content_types].xml"] == nil {
		return readErr(b.base, ErrNotWorkbook, readAdviceNotXLSX+"; it is a zip file but not an Office document", nil)
	}
	return nil
}

// readZipFail classifies an error met while unpacking part name.
func (b *readBook) readZipFail(name string, err error) error {
	if errors.Is(err, zip.ErrFormat) {
		// archive/zip reports ErrFormat when a part unpacks to more bytes
		// than its directory entry says.
		return readErr(b.base, ErrTooLarge, fmt.Sprintf("part %s unpacks to more than its directory entry says; %s", name, readAdviceBomb), err)
	}
	return readErr(b.base, ErrTruncated, readAdviceDamaged, fmt.Errorf("part %s: %w", name, err))
}

// readPart unpacks a small part, at most UnzipXMLBytes.
func (b *readBook) readPart(name string) ([]byte, error) {
	zf := b.parts[strings.ToLower(name)]
	if zf == nil {
		return nil, nil
	}
	rc, err := zf.Open()
	if err != nil {
		return nil, b.readZipFail(zf.Name, err)
	}
	defer rc.Close()
	data, err := io.ReadAll(io.LimitReader(rc, b.lim.UnzipXMLBytes+1))
	if err != nil {
		return nil, b.readZipFail(zf.Name, err)
	}
	if int64(len(data)) > b.lim.UnzipXMLBytes {
		return nil, readErr(b.base, ErrTooLarge, fmt.Sprintf("part %s is larger than %s; %s", zf.Name, readMB(b.lim.UnzipXMLBytes), readAdviceBomb), nil)
	}
	return data, nil
}

// verifyParts unpacks every part and checks its size and checksum.
func (b *readBook) verifyParts() error {
	buf := make([]byte, 64<<10)
	for _, zf := range b.zr.File {
		rc, err := zf.Open()
		if err != nil {
			if errors.Is(err, zip.ErrAlgorithm) {
				return readErr(b.base, ErrNotWorkbook, readAdviceNotXLSX+"; a part uses a compression Excel does not write", err)
			}
			return b.readZipFail(zf.Name, err)
		}
		_, err = io.CopyBuffer(io.Discard, rc, buf)
		rc.Close()
		if err != nil {
			var ferr flate.CorruptInputError
			if errors.As(err, &ferr) {
				return readErr(b.base, ErrTruncated, readAdviceDamaged, fmt.Errorf("part %s: %w", zf.Name, err))
			}
			return b.readZipFail(zf.Name, err)
		}
	}
	return nil
}

// XML of the workbook parts, as far as the import needs them.
type (
	readRelsXML struct {
		Rels []struct {
			ID     string `xml:"Id,attr"`
			Type   string `xml:"Type,attr"`
			Target string `xml:"Target,attr"`
		} `xml:"Relationship"`
	}
	readWorkbookXML struct {
		Pr *struct {
			Date1904 string `xml:"date1904,attr"`
		} `xml:"workbookPr"`
		Sheets []struct {
			Name  string `xml:"name,attr"`
			RID   string `xml:"id,attr"`
			State string `xml:"state,attr"`
		} `xml:"sheets>sheet"`
	}
)

// readXMLPart decodes a small XML part into v.
func (b *readBook) readXMLPart(name string, v any) (bool, error) {
	data, err := b.readPart(name)
	if err != nil || data == nil {
		return false, err
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	d.CharsetReader = readCharset
	if err := d.Decode(v); err != nil {
		return false, readErr(b.base, ErrTruncated, readAdviceDamaged, fmt.Errorf("part %s: %w", name, err))
	}
	return true, nil
}

// readCharset accepts the UTF-8 spellings; other encodings are refused.
func readCharset(label string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(label) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return r, nil
	}
	return nil, fmt.Errorf("unsupported XML encoding %q", label)
}

// readRelTarget resolves a relationship target against the source part.
func readRelTarget(source, target string) string {
	target = strings.ReplaceAll(target, "\\", "/")
	if strings.HasPrefix(target, "/") {
		return strings.TrimPrefix(target, "/")
	}
	return path.Join(path.Dir(source), target)
}

// readWorkbook finds the workbook part, its sheets and their XML parts.
func (b *readBook) readWorkbook() error {
	wbPath := "xl/workbook.xml"
	var root readRelsXML
	if ok, err := b.readXMLPart("_rels/.rels", &root); err != nil {
		return err
	} else if ok {
		for _, r := range root.Rels {
			if strings.HasSuffix(r.Type, "/officeDocument") {
				wbPath = readRelTarget("", r.Target)
				break
			}
		}
	}
	var wb readWorkbookXML
	ok, err := b.readXMLPart(wbPath, &wb)
	if err != nil {
		return err
	}
	if !ok {
		return readErr(b.base, ErrNotWorkbook, readAdviceNotXLSX+"; it is an Office file but holds no workbook (perhaps a Word or PowerPoint file)", nil)
	}
	if wb.Pr != nil {
		b.date1904 = wb.Pr.Date1904 == "1" || strings.EqualFold(wb.Pr.Date1904, "true")
	}
	var rels readRelsXML
	relsPath := path.Join(path.Dir(wbPath), "_rels", path.Base(wbPath)+".rels")
	if _, err := b.readXMLPart(relsPath, &rels); err != nil {
		return err
	}
	targets := map[string]string{}
	for _, r := range rels.Rels {
		targets[r.ID] = readRelTarget(wbPath, r.Target)
	}
	for _, s := range wb.Sheets {
		part := targets[s.RID]
		ref := readSheetRef{name: s.Name, chart: strings.Contains(strings.ToLower(part), "chartsheets/"), hidden: s.State == "hidden" || s.State == "veryHidden"}
		if zf := b.parts[strings.ToLower(part)]; zf != nil {
			ref.part = zf.Name
		}
		b.sheets = append(b.sheets, ref)
	}
	return nil
}

// detect reads the first rows of every sheet for a header. It returns the
// candidates (Rows not yet counted), their refs, and the sheets skipped.
func (b *readBook) detect(ctx context.Context) ([]SheetCandidate, []ImportSkip, []readSheetRef, error) {
	var (
		cands []SheetCandidate
		refs  []readSheetRef
		skips []ImportSkip
	)
	for _, ref := range b.sheets {
		if err := ctx.Err(); err != nil {
			return nil, nil, nil, fmt.Errorf("import checksheet %s: %w", b.base, err)
		}
		if ref.chart {
			skips = append(skips, ImportSkip{Sheet: ref.name, Reason: "a chart sheet, without cells"})
			continue
		}
		out, err := b.readSheet(ctx, ref, false, nil, nil)
		if err != nil {
			return nil, nil, nil, err
		}
		if out.skip != "" {
			if ref.hidden {
				out.skip = "a hidden sheet; " + out.skip
			}
			skips = append(skips, ImportSkip{Sheet: ref.name, Reason: out.skip})
			continue
		}
		cands = append(cands, out.cand)
		refs = append(refs, ref)
	}
	return cands, skips, refs, nil
}
