package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/kansa-audit/kansa/internal/workspace"
)

func cmdExport(e *env, ws *workspace.Workspace) error {
	if err := e.args.require("audit", "doc", "format", "out"); err != nil {
		return err
	}
	doc, format, variant, err := workspace.ParseDocRequest(e.args.str("doc"), e.args.str("format"), e.args.str("variant"))
	if err != nil {
		return err
	}
	out := e.args.str("out")
	if ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(out)), "."); ext != string(format) {
		return usageErr("--out %q should end in .%s", out, format)
	}
	req := workspace.DocRequest{AuditID: e.args.str("audit"), Doc: doc, Format: format, Variant: variant, Path: out,
		FontPath: e.args.str("font"), Issuer: e.args.str("issuer"), NamesInHearings: e.args.flags["names"]}
	// The lints run before every export; they warn, they do not block.
	findings, err := ws.Lint(req.AuditID)
	if err != nil {
		return err
	}
	for i, f := range findings {
		if i == 10 {
			fmt.Fprintf(e.stderr, "lint: … and %d more (run `kansactl lint --audit %s`)\n", len(findings)-10, req.AuditID)
			break
		}
		fmt.Fprintf(e.stderr, "lint %s: %s\n", f.Rule, f.Message)
	}
	if err := ws.ExportDocument(e.ctx, req, e.progressLine(string(doc))); err != nil {
		return err
	}
	fi, err := os.Stat(out)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "wrote %s (%d bytes, %d lint findings)\n", out, fi.Size(), len(findings))
	return nil
}

func cmdLint(e *env, ws *workspace.Workspace) error {
	if err := e.args.require("audit"); err != nil {
		return err
	}
	findings, err := ws.Lint(e.args.str("audit"))
	if err != nil {
		return err
	}
	if e.args.flags["json"] {
		type row struct {
			Item    string `json:"item"`
			Rule    string `json:"rule"`
			Message string `json:"message"`
		}
		out := []row{}
		for _, f := range findings {
			out = append(out, row{f.Item, f.Rule, f.Message})
		}
		return printJSON(e.stdout, out)
	}
	for _, f := range findings {
		fmt.Fprintf(e.stdout, "%s\t%s\t%s\n", f.Item, f.Rule, f.Message)
	}
	fmt.Fprintf(e.stdout, "%d findings\n", len(findings))
	return nil
}
