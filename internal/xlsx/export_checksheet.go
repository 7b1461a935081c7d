package xlsx

import (
	"context"
	"fmt"
	"io"

	"github.com/kansa-audit/kansa/internal/audit"
)

// WriteChecksheet writes the audit's checksheet (deliverables 2, 6, 10, 14
// and 24) to w as an .xlsx workbook with one sheet, チェックシート.
//
// Above the header are three title rows. The header names the columns the
// audit kind requires (domain.md §3), then the result columns the auditor
// fills in Excel (評価 with a drop-down of the scale, 監査実施内容, 監査証拠,
// 指摘区分 with a drop-down, 改善提案), then two hidden columns, KansaID and
// KansaVersion, that make a re-import exact. The sheet prints on A4
// landscape, one page wide, with the header repeated on every page. Nothing
// is protected.
//
// progress, if not nil, is called now and then with the rows done; the last
// call has done == total, after the workbook is written. If ctx is
// cancelled the export stops with ctx.Err() and nothing is written to w.
func WriteChecksheet(ctx context.Context, w io.Writer, a ExportAudit, progress func(done, total int)) error {
	if err := writeChecksheet(ctx, w, a, progress); err != nil {
		return fmt.Errorf("export checksheet: %w", err)
	}
	return nil
}

// writeChecksheetColumns lists the checksheet's columns for the kind.
func writeChecksheetColumns(k audit.Kind) ([]exportCol, []audit.Column) {
	kindCols := k.Columns()
	cols := make([]exportCol, 0, len(kindCols)+7)
	for _, c := range kindCols {
		cols = append(cols, exportCol{
			header: ExportColumnHeader(k, c), width: exportColumnWidth(c),
			center: c == audit.ColNo || c == audit.ColGuidelineRef,
		})
	}
	cols = append(cols,
		exportCol{header: ExportHeaderRating, width: 9, center: true, input: true},
		exportCol{header: ExportHeaderObservation, width: 26, input: true},
		exportCol{header: ExportHeaderEvidenceSeen, width: 16, input: true},
		exportCol{header: ExportHeaderFinding, width: 10, center: true, input: true},
		exportCol{header: ExportHeaderProposal, width: 20, input: true},
		exportCol{header: ExportIDHeader, width: 18, hidden: true},
		exportCol{header: ExportVersionHeader, width: 18, hidden: true},
	)
	return cols, kindCols
}

func writeChecksheet(ctx context.Context, w io.Writer, a ExportAudit, progress func(done, total int)) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	title := exportTitle(a, "チェックシート")
	b, err := exportNewBook(ctx, a, title, len(a.Items)+1, progress)
	if err != nil {
		return err
	}
	defer b.f.Close()
	b.report()

	const sheet = ExportChecksheetSheet
	if err := b.newSheet(sheet); err != nil {
		return err
	}
	cols, kindCols := writeChecksheetColumns(a.Audit.Kind)
	if err := b.setupSheet(sheet, cols, exportHeaderRow, exportHeaderRow+len(a.Items), title); err != nil {
		return err
	}

	// Drop-downs for the rating and the finding class, on every item row.
	nk := len(kindCols)
	ratingCol, findingCol := nk+1, nk+4
	last := exportFirstRow + len(a.Items) - 1
	scale := exportScale(a)
	labels := make([]string, len(scale.Ratings))
	for i, r := range scale.Ratings {
		labels[i] = r.Label
	}
	if err := b.exportDropDown(sheet, exportColRange(ratingCol, exportFirstRow, last), labels, 1, ExportHeaderRating); err != nil {
		return err
	}
	classes := make([]string, len(audit.FindingClasses))
	for i, c := range audit.FindingClasses {
		classes[i] = c.Label()
	}
	if err := b.exportDropDown(sheet, exportColRange(findingCol, exportFirstRow, last), classes, 2, ExportHeaderFinding); err != nil {
		return err
	}

	sw, err := b.f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := b.writeTitleRows(sw, exportTitleLines(a, title)); err != nil {
		return err
	}
	if err := b.writeHeader(sw, exportHeaderRow, cols); err != nil {
		return err
	}
	row := make([]any, len(cols))
	for i, it := range a.Items {
		for j, c := range kindCols {
			if c == audit.ColNo {
				row[j] = exportNo(it.No)
			} else {
				row[j] = exportText(it.Item.Text(c))
			}
		}
		r := it.Result
		for j, v := range []string{
			exportRatingLabel(scale, r.Rating),
			exportText(r.Observation),
			exportText(r.EvidenceSeen),
			exportFindingLabel(r.Finding),
			exportText(r.Proposal),
			it.ID,
			it.Version,
		} {
			row[nk+j] = v
		}
		if err := b.writeTableRow(sw, exportFirstRow+i, cols, row); err != nil {
			return err
		}
		if err := b.tick(); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return b.finish(w)
}
