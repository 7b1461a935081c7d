package ui

import (
	"context"
	"errors"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/workspace"
)

// The Excel actions of the home screen. Each works on the audit selected
// in the audit list: import a checksheet (read the workbook here, then
// preview it on the import screen), or export the checksheet or the
// result list.

const xlsxExt = ".xlsx"

func (s *homeScreen) onImportChecksheet() {
	a, ok := s.currentAudit()
	if !ok || a.Locked || s.busy.busy() {
		return
	}
	s.app.files.open(lang.L("import.open_title"), xlsxExt, func(path string) { s.onImportFile(a, path) })
}

// sheetPreview is what PreviewChecksheet found in a workbook.
type sheetPreview struct {
	cands []workspace.SheetCandidate
	skips []workspace.SheetSkip
}

// onImportFile reads the sheets of the workbook at path off the UI
// goroutine and opens the import preview for audit a. Cancel abandons the
// reading: its result is dropped when it comes.
func (s *homeScreen) onImportFile(a workspace.AuditSummary, path string) {
	if !s.app.isCurrent(s) {
		return
	}
	s.message.clear()
	s.busy.start()
	abandoned := false
	var d *progressDialog
	d = newProgressDialog(lang.L("import.reading_title"),
		lang.L("import.reading", map[string]any{"File": filepath.Base(path)}), false, func() {
			abandoned = true
			s.busy.stop()
			d.hide()
		}, s.app.win)
	s.progress = d
	d.show()
	background(s.app.cfg.Run, func() (sheetPreview, error) {
		cands, skips, err := workspace.PreviewChecksheet(path)
		return sheetPreview{cands, skips}, err
	}, func(p sheetPreview, err error) {
		if abandoned || !s.app.isCurrent(s) {
			return
		}
		s.busy.stop()
		d.hide()
		if err != nil {
			s.showErrorDetail(importErrorText(err), err)
			return
		}
		if len(p.cands) == 0 {
			logError("import "+path, workspace.ErrNoHeader)
			s.message.show(lang.L("import.no_header")+skippedText(p.skips), widget.DangerImportance)
			return
		}
		s.app.show(Route{Page: PageImport, EngagementID: a.EngagementID, AuditID: a.ID, Path: path},
			newImportScreen(s.app, a, path, p.cands, p.skips))
	})
}

// skippedText lists the sheets a workbook has that cannot be imported,
// each on its own line, for a message; "" when there are none.
func skippedText(skips []workspace.SheetSkip) string {
	if len(skips) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString("\n")
	b.WriteString(lang.L("import.skipped"))
	for _, sk := range skips {
		b.WriteString("\n")
		b.WriteString(lang.L("import.skipped_sheet", map[string]any{"Sheet": sk.Sheet, "Reason": sk.Reason}))
	}
	return b.String()
}

// exportNames are the translation keys of each export: the suggested file
// name, the dialog title and the success message.
var exportNames = map[workspace.ExportKind]struct{ file, title, done string }{
	workspace.ExportChecksheet: {"export.checksheet_file", "export.checksheet_title", "export.checksheet_done"},
	workspace.ExportResults:    {"export.results_file", "export.results_title", "export.results_done"},
}

func (s *homeScreen) onExport(kind workspace.ExportKind) {
	a, ok := s.currentAudit()
	if !ok || s.busy.busy() {
		return
	}
	name := lang.L(exportNames[kind].file, map[string]any{"Title": safeFileName(a.Title)})
	s.app.files.save(lang.L(exportNames[kind].title), name, xlsxExt, func(path string) { s.onExportTo(a, kind, path) })
}

// onExportTo writes the export off the UI goroutine with a progress bar;
// Cancel stops it, and the file is then left as it was.
func (s *homeScreen) onExportTo(a workspace.AuditSummary, kind workspace.ExportKind, path string) {
	if !s.app.isCurrent(s) {
		removeIfEmpty(path)
		return
	}
	names := exportNames[kind]
	ctx, cancel := context.WithCancel(context.Background())
	s.message.clear()
	s.busy.start()
	d := newProgressDialog(lang.L(names.title),
		lang.L("export.writing", map[string]any{"File": filepath.Base(path)}), true, cancel, s.app.win)
	s.progress = d
	d.show()
	ws := s.ws
	progress := progressTo(s.app.cfg.Do, d.setProgress)
	background(s.app.cfg.Run, func() (struct{}, error) {
		return struct{}{}, ws.ExportExcel(ctx, a.ID, kind, path, progress)
	}, func(_ struct{}, err error) {
		cancel()
		if err != nil {
			removeIfEmpty(path) // what the save dialog made for the export
		}
		if !s.app.isCurrent(s) {
			return
		}
		s.busy.stop()
		d.hide()
		switch {
		case errors.Is(err, context.Canceled):
			s.message.show(lang.L("export.cancelled"), widget.MediumImportance)
		case err != nil:
			s.showErrorDetail(lang.L("export.failed"), err)
		default:
			s.message.show(lang.L(names.done, map[string]any{"Path": path}), widget.SuccessImportance)
		}
	})
}

// importErrorText is what the user reads about a failed checksheet import;
// the cause goes on a details line and to the log.
func importErrorText(err error) string {
	switch {
	case errors.Is(err, context.Canceled):
		return lang.L("import.cancelled")
	case errors.Is(err, workspace.ErrNoHeader):
		return lang.L("import.no_header")
	case errors.Is(err, workspace.ErrChooseSheet):
		return lang.L("import.choose_sheet")
	case errors.Is(err, workspace.ErrColumnMap):
		return lang.L("import.column_map_failed")
	case errors.Is(err, workspace.ErrNotWorkbook):
		return lang.L("import.not_workbook")
	case errors.Is(err, workspace.ErrTruncated):
		return lang.L("import.truncated")
	case errors.Is(err, workspace.ErrEncrypted):
		return lang.L("import.encrypted")
	case errors.Is(err, workspace.ErrTooLarge):
		return lang.L("import.too_large")
	case errors.Is(err, workspace.ErrTooManyRows):
		return lang.L("import.too_many_rows")
	case errors.Is(err, workspace.ErrLocked):
		return lang.L("import.locked")
	case errors.Is(err, workspace.ErrInvalid):
		return lang.L("import.invalid")
	}
	return lang.L("import.failed")
}

// withDetails adds the cause of a failure to the message on a second line.
func withDetails(text string, err error) string {
	return text + "\n" + lang.L("error.details", map[string]any{"Error": err.Error()})
}
