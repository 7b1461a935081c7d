package workspace

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/change"
	"github.com/kansa-audit/kansa/internal/exchange"
	"github.com/kansa-audit/kansa/internal/vault"
)

// TestPulledEvidenceKeptAsSynced: evidence pulled from the folder is kept
// byte for byte as the folder carried it (still encrypted for the
// engagement key), reads back after the store is locked and reopened with
// the folder gone, passes Check, and a flipped bit in it is found both by
// reading and by Check.
func TestPulledEvidenceKeptAsSynced(t *testing.T) {
	root := t.TempDir()
	fsys := exchange.NewDir(root)
	reps, aud := teamOn(t, fsys, 2)
	chief, a := reps[0], reps[1]
	ev := addPhoto(t, chief, aud)
	syncOn(t, chief, fsys)
	if rep := syncOn(t, a, fsys); rep.Imported != 3 {
		t.Fatalf("imported %d objects; want 3 (original, report copy, thumbnail)", rep.Imported)
	}
	name := a.blobs.NameFor(ev.SHA256)
	blobPath := filepath.Join(a.dir, "blobs", name[:2], name)
	kept, err := os.ReadFile(blobPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(kept, []byte("age-encryption.org/v1\n")) {
		t.Fatalf("the pulled original is kept as %q...; want the age file the folder carried", kept[:min(len(kept), 24)])
	}
	objects := dirObjects(t, root, chief.Me().Member)
	if !objects[string(kept)] {
		t.Fatal("the kept blob is not byte for byte one of the folder's objects")
	}

	// Lock, lose the folder, unlock: the saved engagement key still reads it.
	dir := a.dir
	a.Close()
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	a, err = Open(dir, []byte("pass"), Options{KDF: testKDF})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	mustReadEvidence(t, a, ev)
	if rep, err := a.Check(t.Context(), nil); err != nil || !rep.OK() || rep.Blobs != 3 {
		t.Fatalf("Check = %+v, %v; want 3 sound blobs", rep, err)
	}

	kept[len(kept)/2] ^= 1
	if err := os.WriteFile(blobPath, kept, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, read, err := a.OpenEvidence(ev.ID); err == nil {
		if _, err = read(); !errors.Is(err, vault.ErrDamaged) {
			t.Fatalf("reading a flipped pulled blob: %v; want ErrDamaged", err)
		}
	}
	rep, err := a.Check(t.Context(), nil)
	if err != nil || rep.OK() || !strings.Contains(rep.Problems[0].Where, name) {
		t.Fatalf("Check after a bit flip = %+v, %v; want the blob %s named", rep, err, name)
	}
}

// dirObjects returns the object files of member in the folder at root, by
// content.
func dirObjects(t *testing.T, root, member string) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	err := filepath.WalkDir(filepath.Join(root, "m", member, "o"), func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		out[string(b)] = true
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSyncKeepsKeysOfEveryFolder: when the chief makes a new sync folder
// for the engagement (the old one was lost), it starts at key epoch 1
// with a new key; evidence pulled from the old folder stays readable.
func TestSyncKeepsKeysOfEveryFolder(t *testing.T) {
	fsys := exchange.NewDir(t.TempDir())
	reps, aud := teamOn(t, fsys, 2)
	chief, a := reps[0], reps[1]
	ev := addPhoto(t, chief, aud)
	rep := syncOn(t, chief, fsys)
	syncOn(t, a, fsys)
	mustReadEvidence(t, a, ev)

	fsys2 := exchange.NewDir(t.TempDir())
	if _, err := chief.createFolder(rep.Engagement, "新しい共有フォルダ", fsys2); err != nil {
		t.Fatal(err)
	}
	req, _, err := a.JoinRequest()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chief.addTeamMember(fsys2, req, audit.RoleAuditor); err != nil {
		t.Fatal(err)
	}
	syncOn(t, chief, fsys2)
	syncOn(t, a, fsys2)
	mustReadEvidence(t, a, ev)
	if rep, err := a.Check(t.Context(), nil); err != nil || !rep.OK() {
		t.Fatalf("Check = %+v, %v", rep, err)
	}
}

// TestSyncLyingObjectCannotShadow: member M publishes a bundle whose
// object is M's own ciphertext labelled with the SHA-256 of member H's
// evidence. A third member pulling both refuses M's object, imports H's,
// reads H's evidence intact, and the sync warns about M's object.
func TestSyncLyingObjectCannotShadow(t *testing.T) {
	fsys := exchange.NewDir(t.TempDir())
	reps, aud := teamOn(t, fsys, 3)
	// M's objects are tried first: its device sorts before H's.
	ws := []*Workspace{reps[1], reps[2]}
	sort.Slice(ws, func(i, j int) bool { return ws[i].Me().Device < ws[j].Me().Device })
	M, H, V := ws[0], ws[1], reps[0]
	ev := addPhoto(t, H, aud)
	syncOn(t, H, fsys)
	syncOn(t, M, fsys) // M learns ev's SHA-256 and size

	bogus := publishWithObject(t, M, fsys, aud, "2", "確認した", func(f *exchange.Folder, tm *exchange.Team) exchange.Object {
		o, err := f.PutObject(tm, bytes.Repeat([]byte{'x'}, int(ev.Size)))
		if err != nil {
			t.Fatal(err)
		}
		o.SHA256 = ev.SHA256
		return o
	})

	rep := syncOn(t, V, fsys)
	mustReadEvidence(t, V, ev)
	if got := observation(t, V, aud, "2"); got != "確認した" {
		t.Errorf("M's genuine edit: %q", got)
	}
	warned := false
	for _, w := range rep.Warnings {
		warned = warned || strings.Contains(w, bogus.Path) && strings.Contains(w, "content differs")
	}
	if !warned {
		t.Errorf("no warning names M's refused object: %q", rep.Warnings)
	}
}

// TestSyncRefusedObjectBlamesItsBundle: member M's signed bundle names
// member H's genuine object with another SHA-256. The sync refuses it and
// blames M, whose bundle is rejected; H's honest bundle naming the same
// object, waiting only for an earlier bundle of H's, stays pending.
func TestSyncRefusedObjectBlamesItsBundle(t *testing.T) {
	root := t.TempDir()
	fsys := exchange.NewDir(root)
	reps, aud := teamOn(t, fsys, 3)
	V, H, M := reps[0], reps[1], reps[2]
	ev := addPhoto(t, H, aud)
	syncOn(t, H, fsys)
	syncOn(t, V, fsys)
	syncOn(t, M, fsys)
	var hObj exchange.Object
	if err := V.st.View(func(tx *bolt.Tx) error { _, err := tx.GetRecord(recObject, ev.SHA256, &hObj); return err }); err != nil {
		t.Fatal(err)
	}
	// H's next two bundles: an edit, then a link naming the object; the
	// first has not reached V's copy of the folder yet.
	hdir := filepath.Join(root, "m", H.Me().Member, "b")
	names := func() map[string]bool {
		out := map[string]bool{}
		es, _ := os.ReadDir(hdir)
		for _, e := range es {
			out[e.Name()] = true
		}
		return out
	}
	before := names()
	if err := H.SetResult(aud, "2", ResultPatch{Observation: str("途中")}); err != nil {
		t.Fatal(err)
	}
	syncOn(t, H, fsys)
	var held string
	for n := range names() {
		if !before[n] {
			held = n
		}
	}
	if err := H.LinkEvidence(aud, ev.ID, "3"); err != nil {
		t.Fatal(err)
	}
	syncOn(t, H, fsys)
	if err := os.Rename(filepath.Join(hdir, held), filepath.Join(root, "held-back")); err != nil {
		t.Fatal(err)
	}
	// M's bundle: a genuine op, naming H's object with another SHA-256.
	publishWithObject(t, M, fsys, aud, "4", "M", func(*exchange.Folder, *exchange.Team) exchange.Object {
		return exchange.Object{Path: hObj.Path, SHA256: strings.Repeat("ab", 32), Size: hObj.Size}
	})

	rep, err := V.sync(t.Context(), fsys, nil)
	if err != nil {
		t.Fatal(err)
	}
	var warned []string
	for _, w := range rep.Warnings {
		if strings.Contains(w, "refused") {
			warned = append(warned, w)
		}
	}
	if len(warned) != 1 || !strings.Contains(warned[0], M.Me().Name) || strings.Contains(warned[0], H.Me().Name) {
		t.Errorf("refusal warnings %q; want one, naming %s (whose bundle lied) and not %s", warned, M.Me().Name, H.Me().Name)
	}
	rejected := map[string]bool{}
	for _, r := range rep.Rejected {
		rejected[r.Member] = true
	}
	pending := map[string]bool{}
	for _, r := range rep.Pending {
		pending[r.Member] = true
	}
	if !rejected[M.Me().Name] || rejected[H.Me().Name] || !pending[H.Me().Name] {
		t.Errorf("rejected %+v, pending %+v; want M's bundle rejected and H's pending", rep.Rejected, rep.Pending)
	}
	mustReadEvidence(t, V, ev)
}

// publishWithObject makes an edit of item no on w and publishes it by
// hand, in a bundle w signs, naming the object obj returns as its
// evidence: what a faulty or forging device could write. It returns the
// object named.
func publishWithObject(t *testing.T, w *Workspace, fsys exchange.FS, aud, no, text string, obj func(*exchange.Folder, *exchange.Team) exchange.Object) exchange.Object {
	t.Helper()
	if err := w.SetResult(aud, no, ResultPatch{Observation: str(text)}); err != nil {
		t.Fatal(err)
	}
	f, tm, k, err := w.openTeam(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var ops []change.Op
	var vv change.VersionVector
	if err := w.st.View(func(tx *bolt.Tx) error {
		vv, _ = tx.VersionVector()
		return tx.LogFrom(w.Me().Device, vv[w.Me().Device], func(op change.Op) error { ops = append(ops, op); return nil })
	}); err != nil {
		t.Fatal(err)
	}
	o := obj(f, tm)
	b := &exchange.Bundle{Device: w.Me().Device, From: ops[0].ID.Seq, To: ops[0].ID.Seq, VV: vv, Ops: ops, Objects: []exchange.Object{o}}
	if err := f.PutBundle(k, tm, b); err != nil {
		t.Fatal(err)
	}
	return o
}
