package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestCLITeamSync: a chief and two auditors, three stores, one folder. The
// auditors edit different fields and the same field of one item offline;
// syncs in every order of the three leave all three `show --json`
// byte-identical (and identical across orders) with the same-field edits
// as a conflict; a removed
// member cannot read what is written after.
func TestCLITeamSync(t *testing.T) {
	chief, a1, a2 := newCLI(t), newCLI(t), newCLI(t)
	folder := filepath.Join(t.TempDir(), "OneDrive", "監査共有")
	eng, aud := chief.setup()
	chief.ok("result", "set", "--audit", aud, "--item", "1", "--rating", "conform")
	out := chief.ok("team", "create-folder", "--engagement", eng, "--folder", folder)
	if !strings.Contains(out, "fingerprint") {
		t.Fatalf("create-folder printed %q; want the chief's fingerprint", out)
	}
	if b, err := os.ReadFile(filepath.Join(folder, "FORMAT")); err != nil || !strings.HasPrefix(string(b), "kansa-sync 1\nengagement "+eng) {
		t.Fatalf("FORMAT = %q, %v", b, err)
	}
	for i, a := range []*cli{a1, a2} {
		a.ok("init", "--name", []string{"佐藤 花子", "鈴木 一郎"}[i], "--role", "auditor")
		req := filepath.Join(t.TempDir(), "join.json")
		out := a.ok("team", "join-request", "--out", req)
		fp := a.ok("team", "fingerprint")
		if !strings.Contains(out, strings.Fields(fp)[0]) {
			t.Fatalf("join-request printed %q; want fingerprint %s", out, fp)
		}
		added := chief.ok("team", "add", "--request", req, "--role", "auditor", "--engagement", eng) // folder recorded
		if !strings.Contains(added, strings.Fields(fp)[0]) {
			t.Fatalf("chief saw %q; the member's fingerprint is %s", added, fp)
		}
	}
	chief.ok("sync", "--folder", folder)
	for _, a := range []*cli{a1, a2} {
		var rep struct {
			NewOps map[string]int `json:"new_ops"`
		}
		if err := json.Unmarshal([]byte(a.ok("sync", "--json", "--folder", folder, "--engagement", eng)), &rep); err != nil || rep.NewOps["山田 太郎"] == 0 {
			t.Fatalf("first sync of an auditor: %+v, %v; want the chief's ops", rep, err)
		}
	}
	// Offline edits: different fields, and the same field of item 2.
	a1.ok("result", "set", "--audit", aud, "--item", "2", "--rating", "partial")
	a2.ok("result", "set", "--audit", aud, "--item", "2", "--evidence-seen", "入退室記録簿")
	a1.ok("result", "set", "--audit", aud, "--item", "3", "--observation", "佐藤の所見")
	a2.ok("result", "set", "--audit", aud, "--item", "3", "--observation", "鈴木の所見")
	chief.ok("result", "set", "--audit", aud, "--item", "4", "--finding", "advice")

	all := []*cli{chief, a1, a2}
	// Every order: each of the 6 permutations syncs copies of the three
	// stores and the folder, as they are now, twice round; the stores
	// agree, and so do all the orders.
	orderWant := ""
	for _, order := range [][]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}} {
		dir := t.TempDir()
		dst := filepath.Join(dir, "folder")
		if err := os.CopyFS(dst, os.DirFS(folder)); err != nil {
			t.Fatal(err)
		}
		var copies []*cli
		for i, c := range all {
			cp := *c
			cp.store = filepath.Join(dir, "store"+strconv.Itoa(i))
			if err := os.CopyFS(cp.store, os.DirFS(c.store)); err != nil {
				t.Fatal(err)
			}
			copies = append(copies, &cp)
		}
		for range 2 {
			for _, i := range order {
				copies[i].ok("sync", "--folder", dst)
			}
		}
		for i, c := range copies {
			got := c.ok("show", "--audit", aud, "--json")
			if orderWant == "" {
				orderWant = got
			}
			if got != orderWant {
				t.Fatalf("order %v: store %d differs from the first order's result:\n%s\n---\n%s", order, i, orderWant, got)
			}
		}
	}
	for _, order := range [][]int{{1, 0, 2}, {2, 1, 0}, {0, 2, 1}} {
		for _, i := range order {
			all[i].ok("sync", "--folder", folder, "--progress")
		}
	}
	want := chief.ok("show", "--audit", aud, "--json")
	for _, c := range all[1:] {
		if got := c.ok("show", "--audit", aud, "--json"); got != want {
			t.Fatalf("show --json differs between stores:\n%s\n---\n%s", want, got)
		}
	}
	var doc struct {
		Items []struct {
			No     string `json:"no"`
			Result struct {
				Rating       string `json:"rating"`
				EvidenceSeen string `json:"evidence_seen"`
				Finding      string `json:"finding"`
			} `json:"result"`
			Conflicts map[string][]string `json:"conflicts"`
		} `json:"items"`
	}
	if err := json.Unmarshal([]byte(want), &doc); err != nil {
		t.Fatal(err)
	}
	item := func(no string) int {
		for i, it := range doc.Items {
			if it.No == no {
				return i
			}
		}
		t.Fatalf("no item %s", no)
		return -1
	}
	i1, i2, i3, i4 := item("1"), item("2"), item("3"), item("4")
	if doc.Items[i1].Result.Rating != "conform" || doc.Items[i2].Result.Rating != "partial" ||
		doc.Items[i2].Result.EvidenceSeen != "入退室記録簿" || doc.Items[i4].Result.Finding != "advice" {
		t.Fatalf("merged results lost an edit: %s", want)
	}
	if len(doc.Items[i2].Conflicts) != 0 {
		t.Fatalf("different fields conflicted: %v", doc.Items[i2].Conflicts)
	}
	if c := strings.Join(doc.Items[i3].Conflicts["observation"], "|"); !strings.Contains(c, "佐藤の所見") || !strings.Contains(c, "鈴木の所見") {
		t.Fatalf("same-field edits: conflicts = %v; want both observations", doc.Items[i3].Conflicts)
	}
	// A second round changes nothing.
	for _, c := range all {
		if out := c.ok("sync", "--folder", folder, "--json"); !strings.Contains(out, `"published": 0`) || !strings.Contains(out, `"new_ops": {}`) {
			t.Fatalf("idempotent sync did something: %s", out)
		}
	}

	// Removing 鈴木: nothing written afterwards is readable with their keys.
	var team struct {
		Members []struct{ ID, Name string }
	}
	json.Unmarshal([]byte(chief.ok("team", "list", "--folder", folder, "--json")), &team)
	gone := ""
	for _, m := range team.Members {
		if m.Name == "鈴木 一郎" {
			gone = m.ID
		}
	}
	chief.ok("team", "remove", "--engagement", eng, "--member", gone)
	chief.ok("result", "set", "--audit", aud, "--item", "5", "--observation", "除名後の所見")
	chief.ok("sync", "--folder", folder)
	out = a2.ok("sync", "--folder", folder)
	if !strings.Contains(out, "pending") || strings.Contains(a2.ok("show", "--audit", aud, "--json"), "除名後の所見") {
		t.Fatalf("removed member's sync: %s; want the new bundle unreadable", out)
	}
	a1.ok("sync", "--folder", folder)
	if !strings.Contains(a1.ok("show", "--audit", aud, "--json"), "除名後の所見") {
		t.Fatal("a remaining member did not receive the edit made after the removal")
	}
}

func TestCLISyncRefusesNewerFormat(t *testing.T) {
	c := newCLI(t)
	c.setup()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "FORMAT"), []byte("kansa-sync 9\nengagement abc\n"), 0o600)
	_, errs, code := c.run("sync", "--folder", dir)
	if code != exitError || !strings.Contains(errs, "newer version of Kansa") {
		t.Fatalf("sync of a newer folder: exit %d, %q", code, errs)
	}
	_, errs, code = c.run("sync", "--folder", t.TempDir())
	if code != exitError || !strings.Contains(errs, "not a Kansa sync folder") {
		t.Fatalf("sync of an empty folder: exit %d, %q", code, errs)
	}
}

// TestCLICheckFolder: `check --folder` on a healthy folder exits 0 with
// and without --read-data; debris is listed but harmless; a truncated
// bundle exits 5 naming it; an empty folder is a plain error (exit 1).
func TestCLICheckFolder(t *testing.T) {
	chief, a := newCLI(t), newCLI(t)
	folder := filepath.Join(t.TempDir(), "共有")
	eng, aud := chief.setup()
	chief.ok("team", "create-folder", "--engagement", eng, "--folder", folder)
	a.ok("init", "--name", "佐藤 花子", "--role", "auditor")
	req := filepath.Join(t.TempDir(), "join.json")
	a.ok("team", "join-request", "--out", req)
	chief.ok("team", "add", "--request", req, "--role", "auditor", "--engagement", eng)
	chief.ok("sync", "--folder", folder)
	a.ok("sync", "--folder", folder)
	photo := filepath.Join(t.TempDir(), "入口.jpg")
	writeJPEG(t, photo, 7)
	a.ok("evidence", "add", "--audit", aud, "--item", "1", photo)
	a.ok("result", "set", "--audit", aud, "--item", "1", "--observation", "施錠を確認")
	// --folder left out: the folder recorded for the store's only engagement.
	if out := a.ok("sync"); !strings.Contains(out, "published") {
		t.Fatalf("sync without --folder:\n%s", out)
	}
	chief.ok("sync")

	out := chief.ok("check", "--folder", folder)
	if !strings.Contains(out, "names checked: ok") || !strings.Contains(out, "roster 2: ok") {
		t.Fatalf("check --folder of a healthy folder:\n%s", out)
	}
	// With no store at all: FORMAT, names against SHA-256 and debris.
	nobody := newCLI(t)
	out = nobody.ok("check", "--folder", folder)
	if !strings.Contains(out, "checked without a store") || !strings.Contains(out, "names checked: ok") ||
		!strings.Contains(out, "format 1") || strings.Contains(out, "roster 2:") {
		t.Fatalf("check --folder with no store:\n%s", out)
	}
	out = a.ok("check", "--folder", folder, "--read-data")
	if !strings.Contains(out, "decrypted and verified: ok (0 pending)") {
		t.Fatalf("check --folder --read-data of a healthy folder:\n%s", out)
	}
	var team struct{ Members []struct{ ID, Name string } }
	json.Unmarshal([]byte(chief.ok("team", "list", "--folder", folder, "--json")), &team)
	var member string
	for _, m := range team.Members {
		if m.Name == "佐藤 花子" {
			member = m.ID
		}
	}
	bdir := filepath.Join(folder, "m", member, "b")
	names, _ := os.ReadDir(bdir)
	if len(names) != 1 {
		t.Fatalf("auditor's bundles: %v; want one", names)
	}
	os.WriteFile(filepath.Join(bdir, "desktop.ini"), []byte("[x]"), 0o600)
	if out := chief.ok("check", "--folder", folder); !strings.Contains(out, "debris   m/"+member+"/b/desktop.ini (ignored)") {
		t.Fatalf("debris not listed:\n%s", out)
	}
	if out := chief.ok("check", "--folder", folder, "--no-store"); !strings.Contains(out, "debris   m/"+member+"/b/desktop.ini (ignored)") ||
		!strings.Contains(out, "checked without a store") {
		t.Fatalf("check --no-store: debris not listed:\n%s", out)
	}
	victim := filepath.Join(bdir, names[len(names)-1].Name())
	raw, _ := os.ReadFile(victim)
	os.WriteFile(victim, raw[:len(raw)/3], 0o600)
	out, _, code := chief.run("check", "--folder", folder, "--read-data")
	if code != exitDamaged || !strings.Contains(out, "DAMAGED  m/"+member+"/b/"+names[len(names)-1].Name()) {
		t.Fatalf("check of a truncated bundle: exit %d\n%s", code, out)
	}
	var rep struct {
		Problems []struct{ Path, What string }
	}
	out, _, code = nobody.run("check", "--folder", folder)
	if code != exitDamaged || !strings.Contains(out, "DAMAGED  m/"+member+"/b/"+names[len(names)-1].Name()) {
		t.Fatalf("check of a truncated bundle with no store: exit %d\n%s", code, out)
	}
	if _, errs, code := nobody.run("check", "--folder", folder, "--read-data"); code != exitError || !strings.Contains(errs, "no store") {
		t.Fatalf("check --read-data with no store: exit %d, %q; want the no-store error", code, errs)
	}
	jout, _, code := chief.run("check", "--folder", folder, "--json")
	if err := json.Unmarshal([]byte(jout), &rep); err != nil || code != exitDamaged || len(rep.Problems) != 1 {
		t.Fatalf("check --json: exit %d, %+v, %v", code, rep, err)
	}
	os.WriteFile(victim, raw, 0o600)
	chief.ok("check", "--folder", folder, "--read-data")
	_, errs, code := chief.run("check", "--folder", t.TempDir())
	if code != exitError || !strings.Contains(errs, "not a Kansa sync folder") {
		t.Fatalf("check of an empty folder: exit %d, %q", code, errs)
	}
}
