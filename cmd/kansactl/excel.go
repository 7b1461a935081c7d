package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/kansa-audit/kansa/internal/workspace"
	"github.com/kansa-audit/kansa/internal/xlsx"
)

// progressLine returns a progress callback that redraws one line on stderr,
// or nil when --progress was not given.
func (e *env) progressLine(what string) func(done, total int) {
	if !e.args.flags["progress"] {
		return nil
	}
	return func(done, total int) {
		if total > 0 {
			fmt.Fprintf(e.stderr, "\r%s: %d/%d (%d%%)", what, done, total, done*100/total)
		} else {
			fmt.Fprintf(e.stderr, "\r%s: %d", what, done)
		}
		if total > 0 && done >= total {
			fmt.Fprintln(e.stderr)
		}
	}
}

func (e *env) oneFile() (string, error) {
	if len(e.args.pos) != 1 {
		return "", usageErr("give exactly one FILE.xlsx (got %d)", len(e.args.pos))
	}
	return e.args.pos[0], nil
}

func cmdChecksheetImport(e *env, ws *workspace.Workspace) error {
	if err := e.args.require("audit"); err != nil {
		return err
	}
	file, err := e.oneFile()
	if err != nil {
		return err
	}
	opt := xlsx.ImportOptions{Sheet: e.args.str("sheet"), Progress: e.progressLine("reading")}
	res, err := ws.ImportChecksheet(e.ctx, e.args.str("audit"), file, opt, e.args.flags["dry-run"])
	if errors.Is(err, xlsx.ErrChooseSheet) && res != nil && res.Report != nil {
		var names []string
		for _, c := range res.Report.Candidates {
			names = append(names, fmt.Sprintf("%q (%d items)", c.Name, c.Rows))
		}
		return usageErr("%s has several checksheet sheets: %s; choose one with --sheet", filepath.Base(file), strings.Join(names, ", "))
	}
	if err != nil {
		return err
	}
	if e.args.flags["json"] {
		return printJSON(e.stdout, res)
	}
	printImport(e.stdout, res)
	return nil
}

func printImport(w io.Writer, res *workspace.ChecksheetImport) {
	r, d := res.Report, res.Diff
	fmt.Fprintf(w, "sheet %q: %d items", r.Sheet, len(r.Items))
	if r.Title != "" {
		fmt.Fprintf(w, " — %s", strings.ReplaceAll(r.Title, "\n", " / "))
	}
	fmt.Fprintln(w)
	var cols []string
	for c, i := range r.Columns {
		cols = append(cols, fmt.Sprintf("%s=%s", c, columnLetter(i)))
	}
	sort.Strings(cols)
	fmt.Fprintf(w, "columns: %s\n", strings.Join(cols, " "))
	for _, s := range r.Skipped {
		fmt.Fprintf(w, "skipped sheet %q: %s\n", s.Sheet, s.Reason)
	}
	for _, x := range r.Warnings {
		fmt.Fprintf(w, "warning: %s\n", x)
	}
	verb := "would add"
	if res.Applied {
		verb = "added"
	}
	fmt.Fprintf(w, "%s %d, changed %d, unchanged %d\n", verb, len(d.Added), len(d.Changed), d.Unchanged)
	for _, c := range d.Changed {
		fmt.Fprintf(w, "  changed %s: %s\n", c.New.No, strings.Join(c.Fields, ", "))
	}
	for _, o := range d.Orphaned {
		note := ""
		if o.HasResult {
			note = " (has a result, kept)"
		}
		fmt.Fprintf(w, "  not in the sheet: %s %s%s\n", o.No, o.Title, note)
	}
}

// columnLetter turns a 0-based index into Excel's A, B, …, AA.
func columnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}

func exportExcel(e *env, ws *workspace.Workspace, kind workspace.ExportKind, what string) error {
	if err := e.args.require("audit", "out"); err != nil {
		return err
	}
	out := e.args.str("out")
	if !strings.EqualFold(filepath.Ext(out), ".xlsx") {
		return usageErr("--out %q must end in .xlsx", out)
	}
	if err := ws.ExportExcel(e.ctx, e.args.str("audit"), kind, out, e.progressLine(what)); err != nil {
		return err
	}
	fi, err := os.Stat(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s (%d bytes)\n", out, fi.Size())
	return nil
}

func cmdChecksheetExport(e *env, ws *workspace.Workspace) error {
	return exportExcel(e, ws, workspace.ExportChecksheet, "checksheet")
}

func cmdResultsExport(e *env, ws *workspace.Workspace) error {
	return exportExcel(e, ws, workspace.ExportResults, "result list")
}

func cmdFollowupCreate(e *env, ws *workspace.Workspace) error {
	if err := e.args.require("engagement", "from"); err != nil {
		return err
	}
	id, err := ws.CreateFollowup(e.args.str("engagement"), e.args.str("from"), e.args.str("title"))
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, id)
	return nil
}

func cmdResultsImport(e *env, ws *workspace.Workspace) error {
	if err := e.args.require("audit"); err != nil {
		return err
	}
	file, err := e.oneFile()
	if err != nil {
		return err
	}
	rep, err := ws.ImportResults(e.ctx, e.args.str("audit"), file)
	if err != nil {
		return err
	}
	if e.args.flags["json"] {
		return printJSON(e.stdout, rep)
	}
	fmt.Fprintf(e.stdout, "updated %d items, unchanged %d\n", len(rep.Updated), rep.Unchanged)
	if len(rep.Conflicts) > 0 {
		fmt.Fprintf(e.stdout, "conflicts (changed in Excel and in Kansa; both kept, choose in Kansa): %s\n", strings.Join(rep.Conflicts, ", "))
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(e.stdout, "not imported: %s\n", p)
	}
	return nil
}

func cmdProgressImport(e *env, ws *workspace.Workspace) error {
	if err := e.args.require("audit"); err != nil {
		return err
	}
	file, err := e.oneFile()
	if err != nil {
		return err
	}
	rep, err := ws.ImportProgress(e.ctx, e.args.str("audit"), file)
	if err != nil {
		return err
	}
	if e.args.flags["json"] {
		return printJSON(e.stdout, rep)
	}
	fmt.Fprintf(e.stdout, "updated %d items, unchanged %d\n", len(rep.Updated), rep.Unchanged)
	for _, p := range rep.Problems {
		fmt.Fprintf(e.stdout, "not imported: %s\n", p)
	}
	return nil
}
