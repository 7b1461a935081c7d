package workspace

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kansa-audit/kansa/internal/exchange"
)

func mustCheckFolder(t *testing.T, w *Workspace, dir string, readData bool) *FolderReport {
	t.Helper()
	rep, err := w.CheckFolder(context.Background(), dir, readData, nil)
	if err != nil {
		t.Fatalf("CheckFolder(%s, read-data %v): %v", dir, readData, err)
	}
	return rep
}

func notes(ns []exchange.FileNote) string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Path+": "+n.What)
	}
	return strings.Join(out, "\n")
}

// TestCheckFolder: a healthy folder checks clean with and without
// --read-data; each kind of damage, gap and leftover is reported where it
// belongs; nothing in the folder or the store changes.
func TestCheckFolder(t *testing.T) {
	root := t.TempDir()
	dir := exchange.NewDir(root)
	reps, aud := teamOn(t, dir, 3)
	chief, a, b := reps[0], reps[1], reps[2]
	addPhoto(t, a, aud)
	a.SetResult(aud, "1", ResultPatch{Observation: str("所見")})
	syncOn(t, a, dir)
	b.SetResult(aud, "2", ResultPatch{Rating: str("partial")})
	syncOn(t, b, dir)
	b.SetResult(aud, "3", ResultPatch{Rating: str("conform")})
	syncOn(t, b, dir)
	syncOn(t, chief, dir)
	folder, store := snapshot(t, root), snapshot(t, chief.Dir())
	for _, readData := range []bool{false, true} {
		rep := mustCheckFolder(t, chief, root, readData)
		if !rep.OK() || len(rep.Pending) != 0 || len(rep.Debris) != 0 || len(rep.Foreign) != 0 || len(rep.Unreferenced) != 0 {
			t.Fatalf("healthy folder (read-data %v): problems %s, pending %s, debris %v, foreign %v, unreferenced %v", readData,
				notes(rep.Problems), notes(rep.Pending), rep.Debris, rep.Foreign, rep.Unreferenced)
		}
		if rep.Format != exchange.FormatVersion || len(rep.Rosters) != 3 || rep.Rosters[2].Status != "ok" || len(rep.Members) != 3 {
			t.Fatalf("report: %+v", rep)
		}
		byName := map[string]FolderMember{}
		for _, m := range rep.Members {
			byName[m.Name] = m
		}
		if m := byName[a.Me().Name]; m.Bundles != 1 || m.Objects != 3 || !m.Keys || (readData && m.Ops == 0) {
			t.Fatalf("auditor 1: %+v", m)
		}
		if m := byName[b.Me().Name]; m.Bundles != 2 || (readData && m.Ops != 2) {
			t.Fatalf("auditor 2: %+v", m)
		}
	}
	if fmt.Sprint(snapshot(t, root)) != fmt.Sprint(folder) || fmt.Sprint(snapshot(t, chief.Dir())) != fmt.Sprint(store) {
		t.Fatal("CheckFolder changed the folder or the store")
	}

	// Damage, gaps and leftovers.
	bdir := filepath.Join(root, "m", b.Me().Member, "b")
	bnames, _ := dir.List("m/" + b.Me().Member + "/b")
	var first string
	heldPath := filepath.Join(t.TempDir(), "held")
	for _, n := range bnames {
		raw, _ := os.ReadFile(filepath.Join(bdir, n))
		bd, err := mustFolder(t, root).ReadBundle(mustTeam(t, chief, root), b.Me().Member, strings.TrimSuffix(n, ".bdl"))
		if err == nil && bd.From == 1 {
			first = n
			os.WriteFile(heldPath, raw, 0o600)
		}
	}
	os.Remove(filepath.Join(bdir, first)) // ops 1..1 of auditor 2 not here
	adir := filepath.Join(root, "m", a.Me().Member)
	anames, _ := dir.List("m/" + a.Me().Member + "/b")
	raw, _ := os.ReadFile(filepath.Join(adir, "b", anames[0]))
	os.WriteFile(filepath.Join(adir, "b", anames[0]), raw[:len(raw)/2], 0o600) // truncated
	var obj string
	filepath.WalkDir(filepath.Join(adir, "o"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && obj == "" {
			obj = p
		}
		return nil
	})
	odata, _ := os.ReadFile(obj)
	odata[len(odata)/2] ^= 1
	os.WriteFile(obj, odata, 0o600) // bit flip
	os.WriteFile(filepath.Join(bdir, strings.Repeat("f", 64)+".bdl"), nil, 0o600)
	os.WriteFile(filepath.Join(bdir, "desktop.ini"), []byte("x"), 0o600)
	os.WriteFile(filepath.Join(bdir, "x (conflicted copy).bdl"), raw, 0o600)
	os.MkdirAll(filepath.Join(root, "m", "zz-stranger", "b"), 0o700)
	os.WriteFile(filepath.Join(root, "notes.txt"), []byte("x"), 0o600)

	rep := mustCheckFolder(t, chief, root, false)
	p := notes(rep.Problems)
	if rep.OK() || len(rep.Problems) != 3 || !strings.Contains(p, anames[0]+": its") || !strings.Contains(p, filepath.Base(obj)+": its") ||
		!strings.Contains(p, strings.Repeat("f", 64)+".bdl: empty") {
		t.Fatalf("problems:\n%s\nwant the truncated bundle, the flipped object and the empty bundle", p)
	}
	if len(rep.Debris) != 2 || len(rep.Foreign) != 2 {
		t.Fatalf("debris %v, foreign %v; want 2 and 2", rep.Debris, rep.Foreign)
	}
	rep = mustCheckFolder(t, chief, root, true)
	if !strings.Contains(notes(rep.Pending), "ops 1..1 of "+b.Me().Name+" are in no bundle") {
		t.Fatalf("read-data pending:\n%s\nwant the missing ops of auditor 2", notes(rep.Pending))
	}
	// Put things right: only the missing bundle's gap remains until it is back.
	held, _ := os.ReadFile(heldPath)
	os.WriteFile(filepath.Join(bdir, first), held, 0o600)
	os.WriteFile(filepath.Join(adir, "b", anames[0]), raw, 0o600)
	odata[len(odata)/2] ^= 1
	os.WriteFile(obj, odata, 0o600)
	os.Remove(filepath.Join(bdir, strings.Repeat("f", 64)+".bdl"))
	rep = mustCheckFolder(t, chief, root, true)
	if !rep.OK() || len(rep.Pending) != 0 {
		t.Fatalf("repaired folder: problems %s, pending %s", notes(rep.Problems), notes(rep.Pending))
	}
}

func mustFolder(t *testing.T, root string) *exchange.Folder {
	f, err := exchange.Open(exchange.NewDir(root))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func mustTeam(t *testing.T, w *Workspace, root string) *exchange.Team {
	_, tm, _, err := w.openTeam(exchange.NewDir(root))
	if err != nil {
		t.Fatal(err)
	}
	return tm
}
