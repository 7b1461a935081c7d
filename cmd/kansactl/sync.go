package main

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"text/tabwriter"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/exchange"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// folderFor returns --folder, else the folder recorded for --engagement,
// else (no --engagement) the one recorded for the store's only engagement.
func folderFor(e *env, ws *workspace.Workspace) (string, error) {
	if d := e.args.str("folder"); d != "" {
		return d, nil
	}
	eng := e.args.str("engagement")
	if eng == "" {
		engs, err := ws.Engagements()
		if err != nil {
			return "", err
		}
		if len(engs) != 1 {
			return "", usageErr("--folder is required (or --engagement, to use its recorded folder: this store has %d engagements)", len(engs))
		}
		eng = engs[0].ID
	}
	d, err := ws.FolderOf(eng)
	if err != nil {
		return "", err
	}
	if d == "" {
		return "", usageErr("no sync folder is recorded for engagement %s; give --folder", eng)
	}
	return d, nil
}

func cmdTeamCreateFolder(e *env, ws *workspace.Workspace) error {
	if err := e.args.require("engagement", "folder"); err != nil {
		return err
	}
	ti, err := ws.CreateFolder(e.args.str("engagement"), e.args.str("folder"))
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "created sync folder %s for engagement %s\nyour fingerprint: %s\n", ti.Folder, ti.Engagement, ti.Members[0].Fingerprint)
	return nil
}

func cmdTeamJoinRequest(e *env, ws *workspace.Workspace) error {
	out, err := e.args.need("out")
	if err != nil {
		return err
	}
	b, fp, err := ws.JoinRequest()
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, b, 0o600); err != nil {
		return fmt.Errorf("write join request: %w", err)
	}
	fmt.Fprintf(e.stdout, "wrote %s; give it to the chief auditor\nyour fingerprint: %s (the chief should read the same)\n", out, fp)
	return nil
}

func cmdTeamAdd(e *env, ws *workspace.Workspace) error {
	if err := e.args.require("request", "role"); err != nil {
		return err
	}
	role, err := audit.ParseRole(e.args.str("role"))
	if err != nil {
		return err
	}
	dir, err := folderFor(e, ws)
	if err != nil {
		return err
	}
	req, err := os.ReadFile(e.args.str("request"))
	if err != nil {
		return fmt.Errorf("read join request: %w", err)
	}
	m, err := ws.AddTeamMember(dir, req, role)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "added %s (%s), member %s\nfingerprint: %s (compare with %s's screen)\n", m.Name, role.Label(), m.ID, m.Fingerprint, m.Name)
	return nil
}

func cmdTeamRemove(e *env, ws *workspace.Workspace) error {
	id, err := e.args.need("member")
	if err != nil {
		return err
	}
	dir, err := folderFor(e, ws)
	if err != nil {
		return err
	}
	if err := ws.RemoveTeamMember(dir, id); err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "removed member %s; a new engagement key was issued to the others\n", id)
	return nil
}

func cmdTeamFingerprint(e *env, ws *workspace.Workspace) error {
	fp, err := ws.Fingerprint()
	if err != nil {
		return err
	}
	me := ws.Me()
	if e.args.flags["json"] {
		return printJSON(e.stdout, map[string]string{"member": me.Member, "device": me.Device, "name": me.Name, "fingerprint": fp})
	}
	fmt.Fprintf(e.stdout, "%s  %s (member %s)\n", fp, me.Name, me.Member)
	return nil
}

func cmdTeamList(e *env, ws *workspace.Workspace) error {
	dir, err := folderFor(e, ws)
	if err != nil {
		return err
	}
	ti, err := ws.Team(dir)
	if err != nil {
		return err
	}
	if e.args.flags["json"] {
		return printJSON(e.stdout, ti)
	}
	fmt.Fprintf(e.stdout, "engagement %s, roster %d, key epoch %d\n", ti.Engagement, ti.Epoch, ti.KeyEpoch)
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, m := range ti.Members {
		mark := ""
		if m.Removed {
			mark = "(removed)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", m.ID, m.Name, m.Role, m.Fingerprint, mark)
	}
	return tw.Flush()
}

func cmdSync(e *env, ws *workspace.Workspace) error {
	dir, err := folderFor(e, ws)
	if err != nil {
		return err
	}
	var progress func(workspace.SyncProgress)
	if e.args.flags["progress"] {
		var last workspace.SyncProgress
		first := true
		progress = func(p workspace.SyncProgress) {
			switch {
			case first || p.Bundles != last.Bundles || p.TotalBundles != last.TotalBundles:
				fmt.Fprintf(e.stderr, "sync: %d/%d bundles\n", p.Bundles, p.TotalBundles)
			case p.TotalBytes > 0:
				fmt.Fprintf(e.stderr, "sync: %.1f/%.1f MB of evidence\n", float64(p.Bytes)/1e6, float64(p.TotalBytes)/1e6)
			}
			first, last = false, p
		}
	}
	if eng := e.args.str("engagement"); eng != "" {
		f, err := exchange.Open(exchange.NewDir(dir))
		if err != nil {
			return err
		}
		if f.Engagement != eng {
			return fmt.Errorf("the folder %s belongs to engagement %s, not %s; nothing was synced", dir, f.Engagement, eng)
		}
	}
	rep, err := ws.SyncWithProgress(e.ctx, dir, progress)
	if err != nil {
		return err
	}
	if e.args.flags["json"] {
		return printJSON(e.stdout, rep)
	}
	fmt.Fprintf(e.stdout, "engagement %s (chief's fingerprint %s)\n", rep.Engagement, rep.ChiefFingerprint)
	fmt.Fprintf(e.stdout, "published %d ops, %d evidence files\n", rep.Published, rep.PublishedObjects)
	names := make([]string, 0, len(rep.NewOps))
	for n := range rep.NewOps {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(e.stdout, "new from %s: %d ops\n", n, rep.NewOps[n])
	}
	if rep.Imported > 0 {
		fmt.Fprintf(e.stdout, "imported %d evidence files\n", rep.Imported)
	}
	for _, c := range rep.Conflicts {
		fmt.Fprintf(e.stdout, "conflict: %s %s field %s\n", c.Type, c.Entity, c.Field)
	}
	for _, p := range rep.Pending {
		fmt.Fprintf(e.stdout, "pending: %s's bundle %s: %s\n", p.Member, short(p.Bundle), p.Reason)
	}
	for _, r := range rep.Rejected {
		fmt.Fprintf(e.stdout, "REJECTED: %s's bundle %s: %s\n", r.Member, short(r.Bundle), r.Reason)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(e.stdout, "warning: %s\n", w)
	}
	if rep.Debris > 0 {
		fmt.Fprintf(e.stdout, "ignored %d foreign files (temp files, conflict copies)\n", rep.Debris)
	}
	return nil
}

func short(id string) string { return id[:min(12, len(id))] }

// keylessCheck reports whether `check --folder` runs with no store: it is
// asked to (--no-store), or there is no store, and --read-data (which
// decrypts with the store's keys) is not given.
func keylessCheck(e *env) bool {
	return e.args.str("folder") != "" && !e.args.flags["read-data"] &&
		(e.args.flags["no-store"] || !workspace.Exists(e.store))
}

// cmdCheckFolder is `check --folder DIR [--read-data]`: exit 0 when the
// folder is undamaged (pending pieces are listed, they may still arrive),
// 5 when something in it is damaged or fails verification. ws is nil for
// a check with no store (keylessCheck).
func cmdCheckFolder(e *env, ws *workspace.Workspace) error {
	dir := e.args.str("folder")
	var progress func(int)
	if e.args.flags["progress"] {
		progress = func(n int) {
			if n%100 == 0 {
				fmt.Fprintf(e.stderr, "check: %d files\n", n)
			}
		}
	}
	var rep *workspace.FolderReport
	var err error
	if ws == nil {
		rep, err = workspace.CheckFolderNames(e.ctx, dir, progress)
	} else {
		rep, err = ws.CheckFolder(e.ctx, dir, e.args.flags["read-data"], progress)
	}
	if err != nil {
		return err
	}
	if e.args.flags["json"] {
		if err := printJSON(e.stdout, rep); err != nil {
			return err
		}
	} else {
		if rep.Keyless {
			fmt.Fprintf(e.stdout, "folder %s: engagement %s, format %d\n", rep.Folder, rep.Engagement, rep.Format)
			fmt.Fprintln(e.stdout, "checked without a store: the roster chain, the members' names and the bundles' content are encrypted for the team and were not verified (run this with a member's store for that)")
		} else {
			fmt.Fprintf(e.stdout, "folder %s: engagement %s, format %d, chief's fingerprint %s\n", rep.Folder, rep.Engagement, rep.Format, rep.ChiefFingerprint)
		}
		for _, r := range rep.Rosters {
			fmt.Fprintf(e.stdout, "roster %d: %s %s\n", r.Epoch, r.Status, r.What)
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		for _, m := range rep.Members {
			mark := ""
			if m.Removed {
				mark = "(removed)"
			}
			if rep.Keyless { // only the directory is known
				fmt.Fprintf(tw, "member %s\t%d bundles\t%d objects\n", m.ID, m.Bundles, m.Objects)
				continue
			}
			fmt.Fprintf(tw, "member %s\t%s\t%s\t%d bundles\t%d objects\t%s\n", m.ID, m.Name, m.Role, m.Bundles, m.Objects, mark)
		}
		tw.Flush()
		for _, p := range rep.Problems {
			fmt.Fprintf(e.stdout, "DAMAGED  %s: %s\n", p.Path, p.What)
		}
		for _, p := range rep.Pending {
			fmt.Fprintf(e.stdout, "pending  %s: %s\n", p.Path, p.What)
		}
		for _, p := range rep.Foreign {
			fmt.Fprintf(e.stdout, "foreign  %s: %s\n", p.Path, p.What)
		}
		for _, d := range rep.Debris {
			fmt.Fprintf(e.stdout, "debris   %s (ignored)\n", d)
		}
		for _, u := range rep.Unreferenced {
			fmt.Fprintf(e.stdout, "note     %s is named by no bundle (left by an interrupted publish)\n", u)
		}
		what := "names checked"
		if rep.ReadData {
			what = "decrypted and verified"
		}
		fmt.Fprintf(e.stdout, "checked %d files (%d bytes), %s: ", rep.Files, rep.Bytes, what)
		if rep.OK() {
			fmt.Fprintf(e.stdout, "ok (%d pending)\n", len(rep.Pending))
		} else {
			fmt.Fprintf(e.stdout, "%d problems\n", len(rep.Problems))
		}
	}
	if !rep.OK() {
		return fmt.Errorf("%w: %d problems (listed above)", errFolderDamaged, len(rep.Problems))
	}
	return nil
}

// errFolderDamaged is check --folder's verdict when it found damage (exit 5).
var errFolderDamaged = errors.New("the sync folder is damaged")
