package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// The review commands: notes, sign-offs, the chief's approval and the
// review queue (workspace/review.go).

func cmdReviewNote(e *env, ws *workspace.Workspace) error {
	if err := e.args.require("audit", "text"); err != nil {
		return err
	}
	item, section := e.args.str("item"), e.args.str("section")
	if (item == "") == (section == "") {
		return usageErr("give either --item NO or --section KEY")
	}
	aud := e.args.str("audit")
	target := section
	if item != "" {
		// An item number must name an item: a typo must not become a section.
		st, err := ws.AuditState(aud)
		if err != nil {
			return err
		}
		it, ok := st.Item(item)
		if !ok {
			return fmt.Errorf("item %s in audit %s: %w", item, aud, workspace.ErrNotFound)
		}
		target = it.ID
	}
	id, err := ws.AddNote(aud, target, e.args.str("text"))
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, id)
	return nil
}

func cmdReviewAnswer(e *env, ws *workspace.Workspace) error {
	if err := e.args.require("note", "text"); err != nil {
		return err
	}
	if err := ws.AnswerNote(e.args.str("note"), e.args.str("text")); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "answered note %s\n", e.args.str("note"))
	return nil
}

func cmdReviewClose(e *env, ws *workspace.Workspace) error {
	id, err := e.args.need("note")
	if err != nil {
		return err
	}
	if err := ws.CloseNote(id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "closed note %s\n", id)
	return nil
}

func cmdReviewReopenNote(e *env, ws *workspace.Workspace) error {
	id, err := e.args.need("note")
	if err != nil {
		return err
	}
	if err := ws.ReopenNote(id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "reopened note %s\n", id)
	return nil
}

func cmdReviewSignOff(e *env, ws *workspace.Workspace) error {
	if err := e.args.require("audit", "as"); err != nil {
		return err
	}
	kind := audit.SignOffKind(strings.ToLower(strings.TrimSpace(e.args.str("as"))))
	if kind != audit.SignPreparer && kind != audit.SignReviewer {
		return usageErr("--as must be preparer or reviewer (the chief approves with `review approve`)")
	}
	aud := e.args.str("audit")
	target, what := aud, "the audit"
	if no := e.args.str("item"); no != "" {
		target, what = no, "item "+no
	}
	so, err := ws.SignOff(aud, target, kind)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\n%s sign-off of %s by %s, covering %d values\n", so.ID, kind, what, so.Name, len(so.Covers))
	return nil
}

func cmdReviewApprove(e *env, ws *workspace.Workspace) error {
	aud, err := e.args.need("audit")
	if err != nil {
		return err
	}
	so, err := ws.Approve(aud)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "%s\napproved audit %s, covering %d values; it is locked until reopened\n", so.ID, aud, len(so.Covers))
	return nil
}

func cmdReviewReopen(e *env, ws *workspace.Workspace) error {
	if err := e.args.require("audit", "reason"); err != nil {
		return err
	}
	aud := e.args.str("audit")
	if err := ws.Reopen(aud, e.args.str("reason")); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "reopened audit %s; it can be edited again\n", aud)
	return nil
}

func cmdReviewQueue(e *env, ws *workspace.Workspace) error {
	aud, err := e.args.need("audit")
	if err != nil {
		return err
	}
	q, err := ws.ReviewQueue(aud)
	if err != nil {
		return err
	}
	if e.args.flags["json"] {
		return printJSON(e.stdout, q)
	}
	state := "open for edits"
	if q.Locked {
		state = "approved and locked"
	}
	fmt.Fprintf(e.stdout, "audit %s: %s\n", aud, state)
	fmt.Fprintf(e.stdout, "\nawaiting review: %d\n", len(q.AwaitingReview))
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, r := range q.AwaitingReview {
		no := r.ItemNo
		if no == "" {
			no = "(audit)"
		}
		fmt.Fprintf(tw, "  %s\t%s\tprepared by %s\t%s\n", no, oneLine(r.Title, 30), r.Name, r.PreparedAt.Local().Format("2006-01-02 15:04"))
	}
	tw.Flush()
	fmt.Fprintf(e.stdout, "\nopen notes: %d\n", len(q.OpenNotes))
	for _, n := range q.OpenNotes {
		fmt.Fprintf(e.stdout, "  %s [%s] %s\n", n.ID, n.Status, oneLine(n.Text, 60))
		if n.Response != "" {
			fmt.Fprintf(e.stdout, "      response: %s\n", oneLine(n.Response, 60))
		}
	}
	fmt.Fprintf(e.stdout, "\nstale sign-offs: %d\n", len(q.Stale))
	for _, s := range q.Stale {
		fmt.Fprintf(e.stdout, "  %s %s\n", s.ID, s.Reason)
	}
	if len(q.Invalid) > 0 {
		fmt.Fprintf(e.stdout, "\nREJECTED sign-offs (ignored): %d\n", len(q.Invalid))
		for _, s := range q.Invalid {
			fmt.Fprintf(e.stdout, "  %s %s by %s: %s\n", s.ID, s.Kind, s.Signer, s.Invalid)
		}
	}
	return nil
}
