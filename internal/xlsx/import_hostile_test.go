package xlsx

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

// importGoodBook is a small valid checksheet, the base of the damaged ones.
func importGoodBook(t testing.TB) string {
	rows := [][]any{importRow("外部監査チェックシート"), importJP}
	for i := 1; i <= 40; i++ {
		rows = append(rows, importRow(i, "組織体制", "項目の本文です。"+strings.Repeat("説明", i%7), "規程", "要点\n二行目", "証跡", ""))
	}
	return importBook(t, importSheet{name: "チェックシート", rows: rows, merges: []string{"B3:B10"}})
}

// importCFB is an OLE compound file header followed by directory entries
// named in UTF-16, as Excel writes them.
func importCFB(streams ...string) []byte {
	b := append([]byte(nil), readCFBMagic...)
	b = append(b, make([]byte, 504)...)
	for _, s := range streams {
		entry := make([]byte, 128)
		for i, c := range s {
			entry[2*i] = byte(c)
		}
		b = append(b, entry...)
	}
	return b
}

// TestImportHostile: every broken or hostile workbook gets its own error,
// which names the file.
func TestImportHostile(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(rnd.IntN(256))
	}
	tests := []struct {
		name string
		path func(t *testing.T) string
		lim  Limits
		want error
	}{
		{"random bytes", func(t *testing.T) string { return importWriteFile(t, "random.xlsx", random) }, Limits{}, ErrNotWorkbook},
		{"empty file", func(t *testing.T) string { return importWriteFile(t, "empty.xlsx", nil) }, Limits{}, ErrNotWorkbook},
		{"text file", func(t *testing.T) string {
			return importWriteFile(t, "list.xlsx", []byte("No,監査項目\n1,a\n"))
		}, Limits{}, ErrNotWorkbook},
		{"web page saved as xls", func(t *testing.T) string {
			return importWriteFile(t, "page.xlsx", []byte("<html><table><tr><td>No</td></tr></table></html>"))
		}, Limits{}, ErrNotWorkbook},
		{"a zip that is no Office file", func(t *testing.T) string {
			return importZipOf(t, map[string]string{"readme.txt": "hello"})
		}, Limits{}, ErrNotWorkbook},
		{"an Office file without a workbook", func(t *testing.T) string {
			return importZipOf(t, map[string]string{"[Content_Types].xml": importContentTypes, "word/document.xml": "<w/>"})
		}, Limits{}, ErrNotWorkbook},
		{"old .xls file", func(t *testing.T) string {
			return importWriteFile(t, "old.xls", importCFB("Root Entry", "Workbook", "\x05SummaryInformation"))
		}, Limits{}, ErrNotWorkbook},
		{"truncated: first half of a workbook", func(t *testing.T) string {
			data, err := os.ReadFile(importGoodBook(t))
			if err != nil {
				t.Fatal(err)
			}
			return importWriteFile(t, "half.xlsx", data[:len(data)/2])
		}, Limits{}, ErrTruncated},
		{"damaged: a byte changed inside the sheet's data", func(t *testing.T) string {
			return importCorrupt(t, importGoodBook(t), "xl/worksheets/sheet1.xml")
		}, Limits{}, ErrTruncated},
		{"password-protected: CFB header", func(t *testing.T) string {
			return importWriteFile(t, "protected.xlsx", importCFB())
		}, Limits{}, ErrEncrypted},
		{"password-protected: CFB with EncryptedPackage", func(t *testing.T) string {
			return importWriteFile(t, "protected.xlsx", importCFB("Root Entry", "EncryptionInfo", "EncryptedPackage"))
		}, Limits{}, ErrEncrypted},
		{"password-protected by excelize", func(t *testing.T) string {
			f := excelize.NewFile()
			defer f.Close()
			f.SetSheetRow("Sheet1", "A1", &[]any{"No.", "監査項目"})
			path := filepath.Join(t.TempDir(), "protected.xlsx")
			if err := f.SaveAs(path, excelize.Options{Password: "secret"}); err != nil {
				t.Fatal(err)
			}
			return path
		}, Limits{}, ErrEncrypted},
		{"zip bomb: 300 MB of zeros declared", func(t *testing.T) string {
			return importRawBook(t, func(zw *zip.Writer) error {
				return importRepeated(zw, "xl/worksheets/sheet1.xml", nil, make([]byte, 1<<20), 300, nil, 0)
			})
		}, Limits{}, ErrTooLarge},
		{"zip bomb: 300 MB of zeros, directory lies", func(t *testing.T) string {
			return importRawBook(t, func(zw *zip.Writer) error {
				return importRepeated(zw, "xl/worksheets/sheet1.xml", nil, make([]byte, 1<<20), 300, nil, 1000)
			})
		}, Limits{}, ErrTooLarge},
		{"zip bomb in a part held in memory", func(t *testing.T) string {
			return importRawBook(t, func(zw *zip.Writer) error {
				if err := importSheetXML("")(zw); err != nil {
					return err
				}
				return importRepeated(zw, "xl/styles.xml", nil, make([]byte, 1<<20), 60, nil, 0)
			})
		}, Limits{}, ErrTooLarge},
		{"file over MaxFileBytes", func(t *testing.T) string { return importGoodBook(t) }, Limits{MaxFileBytes: 1000}, ErrTooLarge},
		{"50,000 rows over a MaxRows of 1,000", func(t *testing.T) string { return importManyRows(t, 51200) }, Limits{MaxRows: 1000}, ErrTooManyRows},
		{"50,000 rows over the default MaxRows", func(t *testing.T) string { return importManyRows(t, 51200) }, Limits{}, ErrTooManyRows},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := tt.path(t)
			rep, err := ReadChecksheet(context.Background(), path, ImportOptions{Limits: tt.lim})
			importCheckErr(t, "ReadChecksheet", path, err, tt.want)
			if rep != nil {
				t.Errorf("report = %+v; want nil", rep)
			}
			_, _, err = ReadSheets(path, tt.lim)
			importCheckErr(t, "ReadSheets", path, err, tt.want)
		})
	}
}

func importCheckErr(t *testing.T, what, path string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: err = %v; want %v", what, err, want)
	}
	for _, other := range []error{ErrNotWorkbook, ErrTruncated, ErrEncrypted, ErrTooLarge, ErrTooManyRows, ErrNoHeader} {
		if other != want && errors.Is(err, other) {
			t.Errorf("%s: err = %v is also %v", what, err, other)
		}
	}
	if !strings.Contains(err.Error(), filepath.Base(path)) {
		t.Errorf("%s: error %q does not name the file", what, err)
	}
}

// importCorrupt rewrites a workbook with one byte of a part's compressed
// data changed.
func importCorrupt(t *testing.T, path, part string) string {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		raw, err := f.OpenRaw()
		if err != nil {
			t.Fatal(err)
		}
		var data bytes.Buffer
		data.ReadFrom(raw)
		b := data.Bytes()
		if f.Name == part {
			b[len(b)/2] ^= 0x55
		}
		w, err := zw.CreateRaw(&f.FileHeader)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	zw.Close()
	return importWriteFile(t, "damaged.xlsx", buf.Bytes())
}

// TestImportMillionRows: a sheet of 1,000,000 rows stops at MaxRows.
func TestImportMillionRows(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000,000 rows: not in -short")
	}
	path := importManyRows(t, 1_001_472)
	start := time.Now()
	_, err := ReadChecksheet(context.Background(), path, ImportOptions{})
	importCheckErr(t, "ReadChecksheet", path, err, ErrTooManyRows)
	t.Logf("refused in %v", time.Since(start))
}

// TestImportRowsWithinLimit: the many-rows sheet reads when the limit allows.
func TestImportRowsWithinLimit(t *testing.T) {
	path := importManyRows(t, 4096)
	rep, err := ReadChecksheet(context.Background(), path, ImportOptions{Limits: Limits{MaxRows: 5000}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Items) != 4096 {
		t.Errorf("%d items; want 4096", len(rep.Items))
	}
}

// TestImportMutations: no input makes the import panic or fail with an
// error outside the sentinels. A valid workbook is damaged at random: bytes
// flipped, cut, zeroed.
func TestImportMutations(t *testing.T) {
	data, err := os.ReadFile(importGoodBook(t))
	if err != nil {
		t.Fatal(err)
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	n := 150
	if testing.Short() {
		n = 30
	}
	dir := t.TempDir()
	for i := range n {
		b := bytes.Clone(data)
		switch i % 3 {
		case 0:
			for range 1 + rnd.IntN(8) {
				b[rnd.IntN(len(b))] ^= byte(1 + rnd.IntN(255))
			}
		case 1:
			b = b[:rnd.IntN(len(b))]
		case 2:
			at := rnd.IntN(len(b))
			clear(b[at:min(len(b), at+1+rnd.IntN(64))])
		}
		path := filepath.Join(dir, "m.xlsx")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		importNoPanic(t, path)
	}
}

// importNoPanic reads path and checks the error is a known one.
func importNoPanic(t testing.TB, path string) {
	t.Helper()
	_, err := ReadChecksheet(context.Background(), path, ImportOptions{})
	if err == nil {
		return
	}
	for _, known := range []error{ErrNotWorkbook, ErrTruncated, ErrEncrypted, ErrTooLarge, ErrTooManyRows, ErrNoHeader, ErrChooseSheet} {
		if errors.Is(err, known) {
			return
		}
	}
	t.Errorf("unexpected error kind: %v", err)
}

// FuzzImport: go test -fuzz FuzzImport ./internal/xlsx/
func FuzzImport(f *testing.F) {
	data, err := os.ReadFile(importGoodBook(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add(importCFB())
	f.Add([]byte("PK\x03\x04"))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, "fuzz.xlsx")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		importNoPanic(t, path)
	})
}
