// Package xlsx reads and writes Excel workbooks for Kansa: it imports
// checksheets as people make them (headers anywhere in the first rows,
// merged section cells, multi-line cells, full-width numbers), refuses
// hostile workbooks with a specific error, and exports checksheets and
// result lists the ward can open, print and edit.
//
// It is the only package that imports excelize, whose quirks stay here.
// It depends on the domain (internal/audit) and nothing else of Kansa's.
package xlsx
