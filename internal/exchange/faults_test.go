package exchange

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// finalNames lists the files of dir whose names a reader takes (not
// debris), with their sizes.
func finalNames(t *testing.T, d *Dir, dir string) map[string][]byte {
	t.Helper()
	names, err := d.List(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, n := range names {
		if !Debris(n) {
			b, err := d.ReadFile(dir + "/" + n)
			if err != nil {
				t.Fatal(err)
			}
			out[n] = b
		}
	}
	return out
}

// TestSyncFault_FullDisk: ENOSPC at the write, the fsync or the rename of
// a bundle fails the publish with the OS's words; nothing, partial or
// not, appears under a final name, no temp file is left, and the same
// publish succeeds once there is room.
func TestSyncFault_FullDisk(t *testing.T) {
	for _, step := range []string{"write", "sync", "rename"} {
		t.Run(step, func(t *testing.T) {
			root := t.TempDir()
			d := NewDir(root)
			f, _, aud, tc, ta := team(t, harness{fs: d})
			full := true
			d.fault = func(s, name string) error {
				if full && s == step && strings.Contains(name, "/b/") {
					return syscall.ENOSPC
				}
				return nil
			}
			b := &Bundle{Device: aud.m.Device, From: 1, To: 2, Ops: ops(aud.m.Device, aud.m.ID, 1, 2)}
			err := f.PutBundle(aud.keys, ta, b)
			if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "no space left on device") {
				t.Fatalf("PutBundle on a full disk = %v; want ENOSPC in plain words", err)
			}
			dir := "m/" + aud.m.ID + "/b"
			if names, _ := d.List(dir); len(names) != 0 {
				t.Fatalf("after ENOSPC at %s the folder holds %v; want nothing, not even a temp file", step, names)
			}
			full = false
			if err := f.PutBundle(aud.keys, ta, b); err != nil {
				t.Fatalf("PutBundle with room again: %v", err)
			}
			if _, err := f.ReadBundle(tc, aud.m.ID, b.ID); err != nil {
				t.Fatalf("bundle written after the disk was freed: %v", err)
			}
		})
	}
}

// TestSyncFault_CrashWhileWriting: a process killed after writing the temp
// file, after its fsync, or just before the rename leaves only a temp
// file, which readers ignore as debris; killed just after the rename, it
// leaves the complete file. Nothing partial is ever under a final name,
// and writing again afterwards works.
func TestSyncFault_CrashWhileWriting(t *testing.T) {
	for _, step := range []string{"write", "sync", "rename", "renamed"} {
		t.Run(step, func(t *testing.T) {
			root := t.TempDir()
			d := NewDir(root)
			data := bytes.Repeat([]byte("封筒"), 5000)
			name := "m/a1/b/" + sum(data) + ".bdl"
			d.fault = func(s, _ string) error {
				if s == step {
					return fmt.Errorf("killed: %w", errCrash)
				}
				return nil
			}
			if err := d.WriteFile(name, data); !errors.Is(err, errCrash) {
				t.Fatalf("WriteFile = %v; want the simulated crash", err)
			}
			d.fault = nil
			names, _ := d.List("m/a1/b")
			finals := finalNames(t, d, "m/a1/b")
			if step == "renamed" {
				if len(finals) != 1 || !bytes.Equal(finals[sum(data)+".bdl"], data) {
					t.Fatalf("crash after the rename: %v; want the complete file", names)
				}
			} else {
				if len(finals) != 0 || len(names) != 1 || !Debris(names[0]) {
					t.Fatalf("crash before the rename left %v; want one temp file and nothing under a final name", names)
				}
			}
			f := &Folder{fs: d, Engagement: "eng1"}
			ids, debris, err := f.ListBundles("a1")
			if err != nil || len(ids)+debris != len(names) {
				t.Fatalf("ListBundles = %v, %d, %v", ids, debris, err)
			}
			if err := d.WriteFile(name, data); err != nil {
				t.Fatalf("writing again after the crash: %v", err)
			}
			if finals := finalNames(t, d, "m/a1/b"); len(finals) != 1 || !bytes.Equal(finals[sum(data)+".bdl"], data) {
				t.Fatalf("after the rewrite: %v; want exactly the one complete file", slices.Collect(mapKeys(finals)))
			}
		})
	}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// TestSyncFault_RenamedFile: a bundle or object copied under another
// valid name (a user tidying up, a sync service renaming) no longer
// matches its hash: it is pending under that name, never applied, and the
// original name still reads.
func TestSyncFault_RenamedFile(t *testing.T) {
	root := t.TempDir()
	d := NewDir(root)
	f, _, aud, tc, ta := team(t, harness{fs: d})
	o, err := f.PutObject(ta, []byte("写真"))
	if err != nil {
		t.Fatal(err)
	}
	b := publish(t, f, aud, ta, 1, 1, o)
	dir := filepath.Join(root, "m", aud.m.ID, "b")
	other := strings.Repeat("ab", 32)
	if err := os.Rename(filepath.Join(dir, b.ID+".bdl"), filepath.Join(dir, other+".bdl")); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ReadBundle(tc, aud.m.ID, other); !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "do not match its name") {
		t.Fatalf("renamed bundle: %v; want pending (does not match its name)", err)
	}
	if _, err := f.ReadBundle(tc, aud.m.ID, b.ID); !errors.Is(err, ErrIncomplete) {
		t.Fatalf("the original name, now missing: %v; want pending", err)
	}
	os.Rename(filepath.Join(dir, other+".bdl"), filepath.Join(dir, b.ID+".bdl"))
	if _, err := f.ReadBundle(tc, aud.m.ID, b.ID); err != nil {
		t.Fatalf("renamed back: %v", err)
	}
	// An object moved to another valid object name.
	moved := o
	moved.Path = o.Path[:len(o.Path)-64] + o.Path[len(o.Path)-64:len(o.Path)-62] + strings.Repeat("0", 62)
	if err := os.Rename(filepath.Join(root, filepath.FromSlash(o.Path)), filepath.Join(root, filepath.FromSlash(moved.Path))); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ReadObject(tc, moved); !errors.Is(err, ErrIncomplete) {
		t.Fatalf("renamed object: %v; want pending", err)
	}
	if _, err := f.ReadObject(tc, o); !errors.Is(err, ErrIncomplete) {
		t.Fatalf("object missing under its name: %v; want pending", err)
	}
}
