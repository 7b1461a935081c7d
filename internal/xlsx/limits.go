package xlsx

import "errors"

// Limits bound what a workbook may cost to open. A workbook beyond them is
// refused before it can exhaust memory (zip bombs, million-row sheets).
type Limits struct {
	MaxFileBytes  int64 // the .xlsx file itself
	UnzipBytes    int64 // total uncompressed size (excelize UnzipSizeLimit)
	UnzipXMLBytes int64 // uncompressed size of one XML part held in memory (excelize UnzipXMLSizeLimit)
	MaxRows       int   // rows read from one sheet
	MaxCellChars  int   // characters kept from one cell
}

// DefaultLimits suit checksheets of a few thousand items.
func DefaultLimits() Limits {
	return Limits{
		MaxFileBytes:  50 << 20,
		UnzipBytes:    200 << 20,
		UnzipXMLBytes: 50 << 20,
		MaxRows:       20_000,
		MaxCellChars:  32_767, // Excel's own cell limit
	}
}

// Errors for workbooks that cannot be imported; each names one cause.
var (
	ErrNotWorkbook = errors.New("not an Excel workbook (.xlsx)")
	ErrTruncated   = errors.New("the workbook file is truncated or damaged")
	ErrEncrypted   = errors.New("the workbook is password-protected")
	ErrTooLarge    = errors.New("the workbook is too large to import safely")
	ErrTooManyRows = errors.New("the sheet has too many rows")
	ErrNoHeader    = errors.New("no sheet has a recognisable checksheet header")
)
