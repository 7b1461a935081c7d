package workspace

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

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
