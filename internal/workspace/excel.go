package workspace

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/xlsx"
)

// exportData assembles everything an Excel export needs in one read.
func (w *Workspace) exportData(auditID string) (xlsx.ExportAudit, error) {
	var out xlsx.ExportAudit
	err := w.st.View(func(tx *bolt.Tx) error {
		st, eng, err := auditWithEngagement(tx, auditID)
		if err != nil {
			return err
		}
		vers, err := w.resultVersions(tx, auditID)
		if err != nil {
			return err
		}
		out = xlsx.ExportAudit{Audit: st.Audit, EngagementTitle: eng.Title, Client: eng.Client,
			FiscalYear: eng.FiscalYear, Evidence: st.Evidence, Now: w.now()}
		for _, it := range st.Items {
			out.Items = append(out.Items, xlsx.ExportItem{Item: it.Item, Result: it.Result, Evidence: it.Evidence, Version: vers[it.ID]})
		}
		return nil
	})
	return out, err
}

// ExportKind selects an Excel deliverable.
type ExportKind int

// Excel deliverables.
const (
	ExportChecksheet ExportKind = iota // チェックシート (deliverables 2, 6, 10, 14, 24)
	ExportResults                      // 監査結果一覧 (deliverables 3, 7, 11, 25)
)

// ExportExcel writes an Excel deliverable of the audit to path. The file is
// written to a temporary name, synced, renamed into place and read back;
// an existing file at path is replaced only once the new one is complete.
func (w *Workspace) ExportExcel(ctx context.Context, auditID string, kind ExportKind, path string, progress func(done, total int)) error {
	data, err := w.exportData(auditID)
	if err != nil {
		return err
	}
	write := xlsx.WriteChecksheet
	if kind == ExportResults {
		write = xlsx.WriteResultList
	}
	return writeFileAtomic(path, func(f io.Writer) error { return write(ctx, f, data, progress) }, func(p string) error {
		// Read the export back: a workbook that does not reopen is a
		// failed export, whatever its size.
		_, _, err := xlsx.ReadSheets(p, xlsx.Limits{})
		if err != nil && !errors.Is(err, xlsx.ErrNoHeader) {
			return err
		}
		return nil
	})
}

// writeFileAtomic writes through fill into a temp file beside path, syncs
// it, checks it with verify, then renames it over path.
func writeFileAtomic(path string, fill func(io.Writer) error, verify func(string) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	defer os.Remove(tmp.Name())
	if err := fill(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if verify != nil {
		if err := verify(tmp.Name()); err != nil {
			return fmt.Errorf("the written %s does not read back: %w", filepath.Base(path), err)
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	return nil
}

// ChecksheetImport is the outcome of reading a checksheet workbook against
// an audit: what the workbook holds and what importing it changes.
type ChecksheetImport struct {
	Report *xlsx.ImportReport `json:"report"`
	Diff   *ChecksheetDiff    `json:"diff"`
	// Applied is true when the items were stored.
	Applied bool `json:"applied"`
}

// ImportChecksheet reads the checksheet workbook at path and, unless
// dryRun, stores its items in the audit (one transaction; results are
// never touched, items missing from the sheet are kept and listed).
func (w *Workspace) ImportChecksheet(ctx context.Context, auditID, path string, opt xlsx.ImportOptions, dryRun bool) (*ChecksheetImport, error) {
	rep, err := xlsx.ReadChecksheet(ctx, path, opt)
	if err != nil {
		return &ChecksheetImport{Report: rep}, err
	}
	out := &ChecksheetImport{Report: rep}
	if dryRun {
		out.Diff, err = w.PlanChecksheet(auditID, rep.Items)
		return out, err
	}
	out.Diff, err = w.ApplyChecksheet(auditID, rep.Items)
	out.Applied = err == nil
	return out, err
}

// Aliases so the GUI can show an import preview without importing the
// Excel adapter itself.
type (
	SheetCandidate = xlsx.SheetCandidate
	SheetSkip      = xlsx.ImportSkip
	ColumnMap      = xlsx.ColumnMap
	ImportOptions  = xlsx.ImportOptions
	ImportReport   = xlsx.ImportReport
)

// Import errors the GUI tells apart.
var (
	ErrChooseSheet = xlsx.ErrChooseSheet
	ErrNoHeader    = xlsx.ErrNoHeader
	ErrColumnMap   = xlsx.ErrColumnMap
	ErrNotWorkbook = xlsx.ErrNotWorkbook
	ErrTruncated   = xlsx.ErrTruncated
	ErrEncrypted   = xlsx.ErrEncrypted
	ErrTooLarge    = xlsx.ErrTooLarge
	ErrTooManyRows = xlsx.ErrTooManyRows
)

// PreviewChecksheet lists the sheets of a workbook that look like
// checksheets, with their detected header mapping, and those skipped.
func PreviewChecksheet(path string) ([]SheetCandidate, []SheetSkip, error) {
	return xlsx.ReadSheets(path, xlsx.Limits{})
}

// HeaderColumn says which checksheet column a header text denotes, for a
// preview that shows the sheet's own header names.
func HeaderColumn(text string) (audit.Column, bool) { return xlsx.HeaderColumn(text) }

// ImportResults reads the results filled into a workbook Kansa exported
// (checksheet or result list) and writes them back as ordinary edits; see
// ApplyResults for how edits made in Kansa meanwhile surface as conflicts.
func (w *Workspace) ImportResults(ctx context.Context, auditID, path string) (*ResultsReport, error) {
	fs, err := xlsx.ReadFilled(ctx, path, xlsx.Limits{})
	if err != nil {
		return nil, err
	}
	rows := make([]ResultRow, len(fs.Rows))
	for i, r := range fs.Rows {
		rows[i] = ResultRow{Row: r.Row, ID: r.ID, Version: r.Version, No: r.No, Rating: r.Rating,
			Observation: r.Observation, EvidenceSeen: r.EvidenceSeen, Finding: r.Finding, Proposal: r.Proposal}
	}
	return w.ApplyResults(auditID, rows)
}

// ImportProgress reads the auditee's improvement plan and progress list
// into a follow-up audit.
func (w *Workspace) ImportProgress(ctx context.Context, auditID, path string) (*ProgressReport, error) {
	items, err := xlsx.ReadProgressList(ctx, path, xlsx.Limits{})
	if err != nil {
		return nil, err
	}
	rows := make([]ProgressRow, len(items))
	for i, p := range items {
		rows[i] = ProgressRow{Row: p.Row, No: p.No, Title: p.Title, Status: p.Status, Comment: p.Comment}
	}
	return w.ApplyProgress(auditID, rows)
}
