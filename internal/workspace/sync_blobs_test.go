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

	if err := M.SetResult(aud, "2", ResultPatch{Observation: str("確認した")}); err != nil {
		t.Fatal(err)
	}
	f, tm, k, err := M.openTeam(fsys)
	if err != nil {
		t.Fatal(err)
	}
	var ops []change.Op
	var vv change.VersionVector
	M.st.View(func(tx *bolt.Tx) error {
		vv, _ = tx.VersionVector()
		return tx.LogFrom(M.Me().Device, vv[M.Me().Device], func(op change.Op) error { ops = append(ops, op); return nil })
	})
	bogus, err := f.PutObject(tm, bytes.Repeat([]byte{'x'}, int(ev.Size)))
	if err != nil {
		t.Fatal(err)
	}
	bogus.SHA256 = ev.SHA256
	b := &exchange.Bundle{Device: M.Me().Device, From: ops[0].ID.Seq, To: ops[0].ID.Seq, VV: vv, Ops: ops, Objects: []exchange.Object{bogus}}
	if err := f.PutBundle(k, tm, b); err != nil {
		t.Fatal(err)
	}

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
