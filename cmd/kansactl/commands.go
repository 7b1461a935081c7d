package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/workspace"
)

func cmdInit(e *env, _ *workspace.Workspace) error {
	name, err := e.args.need("name")
	if err != nil {
		return err
	}
	role := audit.RoleAuditor
	if r, ok := e.args.get("role"); ok {
		if role, err = audit.ParseRole(r); err != nil {
			return err
		}
	}
	if workspace.Exists(e.store) {
		return fmt.Errorf("a store already exists in %s; nothing was changed", e.store)
	}
	pass, err := e.passphrase("New passphrase: ", true)
	if err != nil {
		return err
	}
	ws, err := workspace.Create(e.store, pass, name, role, workspace.Options{})
	if err != nil {
		return err
	}
	defer ws.Close()
	me := ws.Me()
	fmt.Fprintf(e.stdout, "created store %s for %s (%s), device %s\n", e.store, me.Name, role.Label(), me.Device)
	return nil
}

func cmdEngagementCreate(e *env, ws *workspace.Workspace) error {
	if err := e.args.require("title", "client", "fiscal-year"); err != nil {
		return err
	}
	title := e.args.str("title")
	client := e.args.str("client")
	fy := e.args.str("fiscal-year")
	year, err := strconv.Atoi(audit.NormalizeNo(fy))
	if err != nil {
		return usageErr("--fiscal-year %q is not a year such as 2026", fy)
	}
	eng := audit.Engagement{Title: title, Client: client, FiscalYear: year}
	if org := strings.TrimSpace(e.args.str("organisation")); org != "" {
		me := ws.Me()
		eng.Members = []audit.Member{{Person: me.Member, Name: me.Name, Role: audit.Role(me.Role), Organisation: org}}
	}
	id, err := ws.CreateEngagement(eng)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, id)
	return nil
}

func cmdEngagementList(e *env, ws *workspace.Workspace) error {
	engs, err := ws.Engagements()
	if err != nil {
		return err
	}
	if e.args.flags["json"] {
		return printJSON(e.stdout, engs)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, g := range engs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", g.ID, audit.FiscalYearLabel(g.FiscalYear), g.Client, g.Title)
	}
	return tw.Flush()
}

func cmdAuditCreate(e *env, ws *workspace.Workspace) error {
	if err := e.args.require("engagement", "kind"); err != nil {
		return err
	}
	eng := e.args.str("engagement")
	k := e.args.str("kind")
	kind, err := audit.ParseKind(k)
	if err != nil {
		return err
	}
	title := e.args.str("title")
	tmpl := e.args.str("template")
	if strings.TrimSpace(title) == "" && tmpl == "" {
		return usageErr("--title is required (or give --template to use its title)")
	}
	id, err := ws.CreateAudit(workspace.NewAudit{EngagementID: eng, Kind: kind, Title: title, Template: tmpl})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, id)
	return nil
}

func cmdAuditList(e *env, ws *workspace.Workspace) error {
	eng, err := e.args.need("engagement")
	if err != nil {
		return err
	}
	list, err := ws.Audits(eng)
	if err != nil {
		return err
	}
	if e.args.flags["json"] {
		return printJSON(e.stdout, list)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, a := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t評価済 %d/%d\t指摘 %d\t証跡 %d\n", a.ID, a.Kind, a.Title, a.Rated, a.Items, a.Findings, a.Evidence)
	}
	return tw.Flush()
}

func cmdTemplates(e *env, _ *workspace.Workspace) error {
	for _, n := range workspace.Templates() {
		t, err := workspace.LoadTemplate(n)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s\t%s\t%d items\t%s\n", n, t.Kind, len(t.Items), t.Title)
	}
	return nil
}

func cmdItemAdd(e *env, ws *workspace.Workspace) error {
	if err := e.args.require("audit", "no", "title"); err != nil {
		return err
	}
	a := e.args.str("audit")
	no := e.args.str("no")
	title := e.args.str("title")
	it := audit.Item{No: no, Title: title, Section: e.args.str("section"), Criteria: e.args.str("criteria"),
		Points: e.args.str("points"), Examples: e.args.str("examples"), HearingPurpose: e.args.str("hearing-purpose"),
		GuidelineRef: e.args.str("guideline-ref"), Notes: e.args.str("notes")}
	id, err := ws.AddItem(a, it)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, id)
	return nil
}

func cmdResultSet(e *env, ws *workspace.Workspace) error {
	if err := e.args.require("audit", "item"); err != nil {
		return err
	}
	a := e.args.str("audit")
	no := e.args.str("item")
	p := workspace.ResultPatch{Rating: e.args.ptr("rating"), Observation: e.args.ptr("observation"),
		EvidenceSeen: e.args.ptr("evidence-seen"), Finding: e.args.ptr("finding"), Proposal: e.args.ptr("proposal")}
	if p == (workspace.ResultPatch{}) {
		return usageErr("nothing to set: give --rating, --observation, --evidence-seen, --finding or --proposal")
	}
	if err := ws.SetResult(a, no, p); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "saved item %s\n", audit.NormalizeNo(no))
	return nil
}

func cmdEvidenceAdd(e *env, ws *workspace.Workspace) error {
	a, err := e.args.need("audit")
	if err != nil {
		return err
	}
	if len(e.args.pos) != 1 {
		return usageErr("give exactly one FILE (got %d)", len(e.args.pos))
	}
	items := e.args.all("item")
	if len(items) == 0 {
		return usageErr("--item is required")
	}
	ev, err := ws.AddEvidence(e.ctx, a, items, e.args.pos[0], e.args.str("caption"))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s %s\n", ev.ID, ev.SHA256)
	return nil
}

func cmdInterviewAdd(e *env, ws *workspace.Workspace) error {
	if err := e.args.require("audit", "interviewee", "role", "at", "notes"); err != nil {
		return err
	}
	a := e.args.str("audit")
	who := e.args.str("interviewee")
	role := e.args.str("role")
	at := e.args.str("at")
	when, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return usageErr("--at %q is not RFC 3339 (e.g. 2026-09-10T10:00:00+09:00)", at)
	}
	notes := e.args.str("notes")
	id, err := ws.AddHearing(a, workspace.NewHearing{
		At: when, Place: e.args.str("place"),
		Interviewees: []audit.Interviewee{{Name: who, Role: role, Division: e.args.str("division")}},
		Statements:   []workspace.NewStatement{{Text: notes, ItemNos: e.args.all("item")}},
	})
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, id)
	return nil
}

func cmdShow(e *env, ws *workspace.Workspace) error {
	a, err := e.args.need("audit")
	if err != nil {
		return err
	}
	st, err := ws.AuditState(a)
	if err != nil {
		return err
	}
	if e.args.flags["json"] {
		return printJSON(e.stdout, st.Show())
	}
	s := st.Summary()
	fmt.Fprintf(e.stdout, "%s (%s)\n評価済 %d/%d  指摘 %d  証跡 %d  ヒアリング %d  競合 %d\n\n",
		st.Audit.Title, st.Audit.Kind.Label(), s.Rated, s.Items, s.Findings, s.Evidence, s.Hearings, s.Conflicts)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, it := range st.Items {
		rating := "-"
		if r, ok := st.Audit.Scale.Lookup(it.Result.Rating); ok {
			rating = r.Label
		}
		mark := ""
		if len(it.Conflicts) > 0 {
			mark = " [競合]"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s%s\n", it.No, rating, it.Result.Finding.Label(), oneLine(it.Title, 40), mark)
	}
	return tw.Flush()
}

func oneLine(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// cmdCheck is registered without a store (open false): a folder check
// may run with none (keylessCheck); every other check opens it here.
func cmdCheck(e *env, _ *workspace.Workspace) error {
	if keylessCheck(e) {
		return cmdCheckFolder(e, nil) // sync.go
	}
	ws, err := e.open()
	if err != nil {
		return err
	}
	defer ws.Close()
	if e.args.str("folder") != "" {
		return cmdCheckFolder(e, ws) // sync.go
	}
	rep, err := ws.Check(e.ctx, nil)
	if err != nil {
		return err
	}
	if e.args.flags["json"] {
		if err := printJSON(e.stdout, rep); err != nil {
			return err
		}
	} else {
		for _, p := range rep.Problems {
			fmt.Fprintf(e.stdout, "DAMAGED  %s\n", p)
		}
		for _, o := range rep.Orphans {
			fmt.Fprintf(e.stdout, "note     blob %s is not referenced by any evidence (left by an interrupted import)\n", o)
		}
		fmt.Fprintf(e.stdout, "checked %d operations and %d evidence blobs: ", rep.Ops, rep.Blobs)
		if rep.OK() {
			fmt.Fprintln(e.stdout, "ok")
		} else {
			fmt.Fprintf(e.stdout, "%d problems\n", len(rep.Problems))
		}
	}
	if !rep.OK() {
		return fmt.Errorf("%w: %d problems found (listed above)", errCheckFailed, len(rep.Problems))
	}
	return nil
}

func cmdRebuild(e *env, ws *workspace.Workspace) error {
	if err := ws.Rebuild(e.ctx, nil); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "view rebuilt from the operation log")
	return nil
}

func cmdCompact(e *env, ws *workspace.Workspace) error {
	out, err := e.args.need("out")
	if err != nil {
		return err
	}
	if _, err := os.Stat(out); err == nil {
		return fmt.Errorf("%s already exists; choose a new file name", out)
	}
	if err := ws.Compact(out); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "compacted copy written to %s; close Kansa and replace %s with it to reclaim space\n", out, ws.Dir())
	return nil
}

func cmdPasswd(e *env, _ *workspace.Workspace) error {
	old, err := e.passphrase("Current passphrase: ", false)
	if err != nil {
		return err
	}
	ws, err := workspace.Open(e.store, old, workspace.Options{})
	if err != nil {
		return err
	}
	defer ws.Close()
	var nw []byte
	if p := e.getenv("KANSA_NEW_PASSPHRASE"); p != "" {
		nw = []byte(p)
	} else {
		e.getenv = func(string) string { return "" }
		if nw, err = e.passphrase("New passphrase: ", true); err != nil {
			return err
		}
	}
	if err := ws.ChangePassphrase(old, nw); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, "passphrase changed")
	return nil
}

// cmdEditLoop makes a long run of durable single-field edits, printing
// "saved N" after each commit. The crash-safety test kills it at random
// points and checks that every reported edit survived.
func cmdEditLoop(e *env, ws *workspace.Workspace) error {
	if err := e.args.require("audit", "item"); err != nil {
		return err
	}
	a := e.args.str("audit")
	no := e.args.str("item")
	n, err := strconv.Atoi(e.args.str("count"))
	if err != nil || n <= 0 {
		return usageErr("--count must be a positive number")
	}
	for i := 1; i <= n; i++ {
		if err := e.ctx.Err(); err != nil {
			return err
		}
		obs := fmt.Sprintf("edit %d: 監査実施内容の記録", i)
		if err := ws.SetResult(a, no, workspace.ResultPatch{Observation: &obs}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "saved %d\n", i)
	}
	return nil
}
