package xlsx

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// Test workbooks are built here, in code; nothing binary is committed.

// importSheet describes one sheet of a test workbook.
type importSheet struct {
	name   string
	rows   [][]any  // rows[i] is row i+1 from column A; nil values are left empty
	merges []string // "A5:A7"
	setup  func(t testing.TB, f *excelize.File, sheet string)
}

// importBook writes a workbook with the given sheets and returns its path.
func importBook(t testing.TB, sheets ...importSheet) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(s.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range s.rows {
			for c, v := range row {
				if v == nil {
					continue
				}
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if err := f.SetCellValue(s.name, cell, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		for _, m := range s.merges {
			a, b, _ := strings.Cut(m, ":")
			if err := f.MergeCell(s.name, a, b); err != nil {
				t.Fatal(err)
			}
		}
		if s.setup != nil {
			s.setup(t, f, s.name)
		}
	}
	path := filepath.Join(t.TempDir(), "checksheet.xlsx")
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	return path
}

// importRow is a short way to write a row.
func importRow(v ...any) []any { return v }

// importWriteFile writes raw bytes to a file in a temporary directory.
func importWriteFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The smallest package excelize opens: content types, relationships, a
// workbook with one sheet, and the sheet, which the caller writes.
const (
	importContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`
	importRootRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	importWorkbookXML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`
	importWorkbookRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`
	importSheetHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`
	importSheetTail = `</sheetData></worksheet>`
)

// importRawBook writes a minimal workbook whose sheet XML is written by
// sheet, straight into the zip.
func importRawBook(t testing.TB, sheet func(zw *zip.Writer) error) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range []struct{ name, body string }{
		{"[Content_Types].xml", importContentTypes},
		{"_rels/.rels", importRootRels},
		{"xl/workbook.xml", importWorkbookXML},
		{"xl/_rels/workbook.xml.rels", importWorkbookRels},
	} {
		w, err := zw.Create(p.name)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, p.body)
	}
	if err := sheet(zw); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return importWriteFile(t, "raw.xlsx", buf.Bytes())
}

// importSheetXML returns a sheet writer for plain XML.
func importSheetXML(body string) func(zw *zip.Writer) error {
	return func(zw *zip.Writer) error {
		w, err := zw.Create("xl/worksheets/sheet1.xml")
		if err != nil {
			return err
		}
		_, err = io.WriteString(w, importSheetHead+body+importSheetTail)
		return err
	}
}

// importRepeated writes a zip entry whose content is prefix, then chunk n
// times, then suffix, without compressing all of it: the deflate stream of
// one chunk that follows another chunk is the same every time (same window,
// same input), so it is made once and repeated. A part of hundreds of
// megabytes costs a few kilobytes and milliseconds. claimed, if not zero,
// is the uncompressed size written in the directory (a lie, for a bomb).
func importRepeated(zw *zip.Writer, name string, prefix, chunk []byte, n int, suffix []byte, claimed uint64) error {
	if len(chunk) < 64<<10 {
		return fmt.Errorf("chunk of %d bytes is shorter than the deflate window", len(chunk))
	}
	var seg bytes.Buffer
	fw, _ := flate.NewWriter(&seg, flate.BestSpeed)
	fw.Write(prefix)
	fw.Write(chunk)
	fw.Flush()
	first := bytes.Clone(seg.Bytes())
	seg.Reset()
	fw.Write(chunk)
	fw.Flush()
	again := bytes.Clone(seg.Bytes())
	seg.Reset()
	fw.Write(suffix)
	fw.Close()
	last := bytes.Clone(seg.Bytes())

	crc := crc32.Update(0, crc32.IEEETable, prefix)
	for range n {
		crc = crc32.Update(crc, crc32.IEEETable, chunk)
	}
	crc = crc32.Update(crc, crc32.IEEETable, suffix)
	size := uint64(len(prefix)) + uint64(n)*uint64(len(chunk)) + uint64(len(suffix))
	if claimed != 0 {
		size = claimed
	}
	w, err := zw.CreateRaw(&zip.FileHeader{
		Name: name, Method: zip.Deflate, CRC32: crc,
		CompressedSize64:   uint64(len(first)+len(last)) + uint64(n-1)*uint64(len(again)),
		UncompressedSize64: size,
	})
	if err != nil {
		return err
	}
	w.Write(first)
	for range n - 1 {
		w.Write(again)
	}
	_, err = w.Write(last)
	return err
}

// importManyRows builds a sheet with a header and n numbered rows.
func importManyRows(t testing.TB, n int) string {
	t.Helper()
	const perChunk = 2048
	if n%perChunk != 0 {
		t.Fatalf("n = %d must be a multiple of %d", n, perChunk)
	}
	row := `<row><c><v>7</v></c><c t="inlineStr"><is><t>項目</t></is></c></row>`
	chunk := []byte(strings.Repeat(row, perChunk))
	head := importSheetHead + `<row><c t="inlineStr"><is><t>No.</t></is></c><c t="inlineStr"><is><t>監査項目</t></is></c></row>`
	return importRawBook(t, func(zw *zip.Writer) error {
		return importRepeated(zw, "xl/worksheets/sheet1.xml", []byte(head), chunk, n/perChunk, []byte(importSheetTail), 0)
	})
}
