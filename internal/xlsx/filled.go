package xlsx

import (
	"context"
	"fmt"
	"strings"
)

// FilledRow is one row of a checksheet or result list that Kansa exported
// and an auditor filled in Excel.
type FilledRow struct {
	Row          int
	ID           string // hidden KansaID
	Version      string // hidden KansaVersion
	No           string
	Rating       string
	Observation  string
	EvidenceSeen string // without the exported list of linked evidence
	Finding      string
	Proposal     string
}

// FilledSheet is what ReadFilled found.
type FilledSheet struct {
	Sheet string
	Rows  []FilledRow
}

// ProgressItem is one line of an auditee's improvement plan and progress
// list (改善計画書兼進捗状況一覧表).
type ProgressItem struct {
	Row     int
	No      string
	Title   string
	Status  string
	Comment string
}

// filledColumns are the exact headers of an exported workbook.
var filledColumns = []string{"No.", ExportHeaderRating, ExportHeaderObservation, ExportHeaderEvidenceSeen,
	ExportHeaderFinding, ExportHeaderProposal, ExportIDHeader, ExportVersionHeader}

// ReadFilled reads the results an auditor filled into a checksheet or result
// list that Kansa exported: the sheet with the hidden KansaID column. The
// workbook passes the same checks as a checksheet import (hostile files
// are refused with the same errors).
func ReadFilled(ctx context.Context, path string, lim Limits) (out *FilledSheet, err error) {
	lim = readLimits(lim)
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, readPanicErr(path, r)
		}
	}()
	b, err := readOpen(path, lim)
	if err != nil {
		return nil, err
	}
	defer b.close()
	for _, ref := range b.sheets {
		if ref.chart {
			continue
		}
		rows, found, err := filledScan(ctx, b, ref.name, lim, func(header []string) (map[string]int, bool) {
			cols := map[string]int{}
			for i, h := range header {
				h = strings.TrimSpace(h)
				for _, want := range filledColumns {
					if h == want {
						if _, dup := cols[want]; !dup {
							cols[want] = i
						}
					}
				}
			}
			_, ok := cols[ExportIDHeader]
			return cols, ok
		})
		if err != nil {
			return nil, err
		}
		if !found {
			continue
		}
		fs := &FilledSheet{Sheet: ref.name}
		for _, r := range rows {
			fr := FilledRow{Row: r.n, ID: r.get(ExportIDHeader), Version: r.get(ExportVersionHeader), No: r.get("No."),
				Rating: r.get(ExportHeaderRating), Observation: r.get(ExportHeaderObservation),
				EvidenceSeen: ExportStripEvidenceList(r.get(ExportHeaderEvidenceSeen)),
				Finding:      r.get(ExportHeaderFinding), Proposal: r.get(ExportHeaderProposal)}
			if strings.TrimSpace(fr.ID) == "" && strings.TrimSpace(fr.No) == "" {
				continue
			}
			fs.Rows = append(fs.Rows, fr)
		}
		return fs, nil
	}
	return nil, readErr(readBase(path), ErrNoHeader, "this is not a checksheet or result list exported by Kansa (no KansaID column); export one with 「チェックシート出力」 and fill that", nil)
}

// Headers people use in an improvement plan and progress list, normalised
// with HeaderNormalize.
var (
	progressNo      = []string{"no", "no.", "番号", "項番", "指摘番号", "項目番号"}
	progressTitle   = []string{"指摘事項", "監査項目", "項目", "指摘内容", "指摘事項の内容"}
	progressStatus  = []string{"改善状況", "進捗状況", "対応状況", "状況", "改善状況(改善済/改善中/未着手)", "進捗"}
	progressComment = []string{"コメント", "所管課コメント", "所管課意見", "改善内容", "対応内容", "進捗内容", "改善計画", "備考"}
)

// ReadProgressList reads an auditee's improvement plan and progress list:
// the first sheet whose header (in its first 30 rows) has a status column
// (改善状況, 進捗状況, 対応状況) and a number or finding column.
func ReadProgressList(ctx context.Context, path string, lim Limits) (out []ProgressItem, err error) {
	lim = readLimits(lim)
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, readPanicErr(path, r)
		}
	}()
	b, err := readOpen(path, lim)
	if err != nil {
		return nil, err
	}
	defer b.close()
	match := func(h string, names []string) bool {
		n := HeaderNormalize(h)
		for _, x := range names {
			if n == HeaderNormalize(x) {
				return true
			}
		}
		return false
	}
	for _, ref := range b.sheets {
		if ref.chart {
			continue
		}
		rows, found, err := filledScan(ctx, b, ref.name, lim, func(header []string) (map[string]int, bool) {
			cols := map[string]int{}
			for i, h := range header {
				for key, names := range map[string][]string{"no": progressNo, "title": progressTitle, "status": progressStatus, "comment": progressComment} {
					if _, dup := cols[key]; !dup && match(h, names) {
						cols[key] = i
					}
				}
			}
			_, st := cols["status"]
			_, no := cols["no"]
			_, ti := cols["title"]
			return cols, st && (no || ti)
		})
		if err != nil {
			return nil, err
		}
		if !found {
			continue
		}
		for _, r := range rows {
			p := ProgressItem{Row: r.n, No: readItemNo(r.get("no")), Title: r.get("title"), Status: r.get("status"), Comment: r.get("comment")}
			if p.No == "" && strings.TrimSpace(p.Title) == "" {
				continue
			}
			out = append(out, p)
		}
		return out, nil
	}
	return nil, readErr(readBase(path), ErrNoHeader, "no sheet has a header with 改善状況 (or 進捗状況, 対応状況) and No. or 指摘事項 in its first 30 rows", nil)
}

// filledRow is a data row with its cells by column key.
type filledRow struct {
	n     int
	cells map[string]string
}

func (r filledRow) get(k string) string { return r.cells[k] }

// filledScan streams one sheet: it looks for the header in the first 30
// rows with isHeader, then returns the data rows below it keyed by the
// header's column keys. found is false when no header matched.
func filledScan(ctx context.Context, b *readBook, sheet string, lim Limits, isHeader func([]string) (map[string]int, bool)) (out []filledRow, found bool, err error) {
	rows, err := b.f.Rows(sheet)
	if err != nil {
		return nil, false, readErr(b.base, ErrTruncated, readAdviceDamaged, fmt.Errorf("sheet %q: %w", sheet, err))
	}
	defer rows.Close()
	var cols map[string]int
	n := 0
	for rows.Next() {
		n++
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, false, err
			}
		}
		if n > lim.MaxRows {
			return nil, false, b.tooManyRows(readSheetRef{name: sheet})
		}
		cells, err := rows.Columns()
		if err != nil {
			return nil, false, readErr(b.base, ErrTruncated, readAdviceDamaged, fmt.Errorf("sheet %q row %d: %w", sheet, n, err))
		}
		if cols == nil {
			if n > readHeaderScan {
				return nil, false, nil
			}
			if c, ok := isHeader(cells); ok {
				cols = c
			}
			continue
		}
		r := filledRow{n: n, cells: map[string]string{}}
		empty := true
		for k, i := range cols {
			if i < len(cells) {
				v := strings.ReplaceAll(cells[i], "\r\n", "\n")
				if len([]rune(v)) > lim.MaxCellChars {
					v = string([]rune(v)[:lim.MaxCellChars])
				}
				r.cells[k] = v
				if strings.TrimSpace(v) != "" {
					empty = false
				}
			}
		}
		if !empty {
			out = append(out, r)
		}
	}
	if err := rows.Error(); err != nil {
		return nil, false, readErr(b.base, ErrTruncated, readAdviceDamaged, err)
	}
	return out, cols != nil, nil
}
