package exchange

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"filippo.io/age"
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

// TestSyncFault_ReplayedFromOtherEngagement: a bundle of another
// engagement copied into this folder cannot be opened (no key: pending,
// never applied); decrypted by someone on both teams and re-encrypted for
// this engagement, its signed body still names the other engagement, so
// it is rejected.
func TestSyncFault_ReplayedFromOtherEngagement(t *testing.T) {
	h := harnesses(t)["fake"](t)
	f, _, aud, tc, _ := team(t, h)
	h2 := harnesses(t)["fake"](t)
	chief2 := newPerson(t, "c1", "主査", "chief")
	tc2, err := Init(h2.fs, "eng2", chief2.keys, chief2.m)
	if err != nil {
		t.Fatal(err)
	}
	f2, _ := Open(h2.fs)
	if tc2, err = f2.AddMember(chief2.keys, tc2, aud.m); err != nil { // the same person on both teams
		t.Fatal(err)
	}
	ta2, err := f2.Team(aud.keys, aud.m.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	ob := publish(t, f2, aud, ta2, 1, 1)
	raw, _ := h2.fs.ReadFile("m/" + aud.m.ID + "/b/" + ob.ID + ".bdl")
	h.plant("m/"+aud.m.ID+"/b/"+ob.ID+".bdl", raw)
	if _, err := f.ReadBundle(tc, aud.m.ID, ob.ID); !errors.Is(err, ErrNoKey) {
		t.Fatalf("copied bundle of another engagement: %v; want ErrNoKey (never applied)", err)
	}
	plain, err := decrypt(raw, ta2.identities())
	if err != nil {
		t.Fatal(err)
	}
	rcp, _ := tc.recipient()
	ct, err := encrypt(plain, rcp)
	if err != nil {
		t.Fatal(err)
	}
	h.plant("m/"+aud.m.ID+"/b/"+sum(ct)+".bdl", ct)
	if _, err := f.ReadBundle(tc, aud.m.ID, sum(ct)); !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "belongs to engagement eng2") {
		t.Fatalf("re-encrypted bundle of another engagement: %v; want it rejected for naming eng2", err)
	}
	_ = tc2
}

// TestSyncFault_SignedOutsideRoster: a bundle signed by a key the roster
// does not hold, or not the key it gives that member, is rejected.
func TestSyncFault_SignedOutsideRoster(t *testing.T) {
	h := harnesses(t)["fake"](t)
	f, _, aud, tc, ta := team(t, h)
	stranger := newPerson(t, "x9", "部外者", "auditor")
	forged := &Team{Engagement: ta.Engagement, Me: stranger.m.ID, ChiefSign: ta.ChiefSign, keys: ta.keys, Roster: ta.Roster}
	forged.Roster.Members = append(slices.Clone(ta.Roster.Members), stranger.m)
	sb := publish(t, f, stranger, forged, 1, 1)
	if _, err := f.ReadBundle(tc, stranger.m.ID, sb.ID); !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "roster does not hold") {
		t.Fatalf("bundle of someone not on the roster: %v; want rejected", err)
	}
	impostor := stranger
	impostor.m.ID, impostor.m.Device = aud.m.ID, aud.m.Device
	forged.Me = aud.m.ID
	forged.Roster.Members = []Member{tc.Chief(), impostor.m}
	ib := publish(t, f, impostor, forged, 1, 1)
	if _, err := f.ReadBundle(tc, aud.m.ID, ib.ID); !errors.Is(err, ErrRejected) || !strings.Contains(err.Error(), "signature does not verify") {
		t.Fatalf("bundle signed with a key the roster does not give the member: %v; want rejected", err)
	}
}

// memFile is what a store's temp file would hold.
type memFile struct{ b []byte }

func (m *memFile) Write(p []byte) (int, error) { m.b = append(m.b, p...); return len(p), nil }

type failingFile struct {
	memFile
	err error
}

func (f *failingFile) Write([]byte) (int, error) { return 0, f.err }

// TestCopySealed: an object is copied, still encrypted, only when it
// decrypts with the member's key to exactly the content its bundle records;
// missing, truncated, flipped and renamed files are pending exactly as
// ReadObject says, content or size other than recorded is rejected, on
// both folders. The copy opens with a Keyring of the member's saved keys
// and gives back the content.
func TestCopySealed(t *testing.T) {
	for name, mk := range harnesses(t) {
		t.Run(name, func(t *testing.T) {
			h := mk(t)
			f, _, _, tc, ta := team(t, h)
			content := bytes.Repeat([]byte("証跡"), 300000) // several age chunks
			o, err := f.PutObject(ta, content)
			if err != nil {
				t.Fatal(err)
			}
			other, _ := f.PutObject(ta, []byte("別の証跡"))
			raw, _ := h.fs.ReadFile(o.Path)
			var got memFile
			if err := f.CopySealed(tc, o, &got); err != nil || !bytes.Equal(got.b, raw) {
				t.Fatalf("CopySealed = %v (%d bytes); want the file as it is (%d bytes)", err, len(got.b), len(raw))
			}
			var keys []string
			for _, k := range tc.EpochKeys() {
				keys = append(keys, k)
			}
			kr, err := NewKeyring(keys)
			if err != nil {
				t.Fatal(err)
			}
			r, err := kr.Open(bytes.NewReader(got.b))
			if err != nil {
				t.Fatalf("Keyring.Open: %v", err)
			}
			if plain, err := io.ReadAll(r); err != nil || !bytes.Equal(plain, content) {
				t.Fatalf("the copy opens to %d bytes, %v; want the content", len(plain), err)
			}
			flipped := bytes.Clone(raw)
			flipped[len(flipped)/2] ^= 1
			r, err = kr.Open(bytes.NewReader(flipped))
			if err == nil {
				_, err = io.Copy(io.Discard, r)
			}
			if !errors.Is(err, ErrRejected) {
				t.Errorf("a flipped copy reads: %v; want ErrRejected", err)
			}
			stranger, _ := NewKeyring([]string{newIdentity(t)})
			if _, err := stranger.Open(bytes.NewReader(got.b)); !errors.Is(err, ErrNoKey) {
				t.Errorf("a copy opened with another engagement's key: %v; want ErrNoKey", err)
			}
			for what, data := range map[string][]byte{"truncated": raw[:len(raw)-100], "cut in the header": raw[:50], "flipped": flipped} {
				h.plant(o.Path, data)
				got = memFile{}
				if err := f.CopySealed(tc, o, &got); !errors.Is(err, ErrIncomplete) {
					t.Errorf("%s object: %v; want ErrIncomplete", what, err)
				}
			}
			oraw, _ := h.fs.ReadFile(other.Path)
			h.plant(o.Path, oraw) // another object under this one's name
			if err := f.CopySealed(tc, o, &memFile{}); !errors.Is(err, ErrIncomplete) {
				t.Errorf("another object under this name: %v; want ErrIncomplete", err)
			}
			h.plant(o.Path, raw)
			for what, wrong := range map[string]Object{
				"content": {Path: o.Path, SHA256: strings.Repeat("0", 64), Size: o.Size},
				"size":    {Path: o.Path, SHA256: o.SHA256, Size: o.Size + 1},
			} {
				if err := f.CopySealed(tc, wrong, &memFile{}); !errors.Is(err, ErrRejected) {
					t.Errorf("%s not what the bundle recorded: %v; want ErrRejected", what, err)
				}
			}
			missing := o
			missing.Path = o.Path[:len(o.Path)-62] + strings.Repeat("1", 62)
			if err := f.CopySealed(tc, missing, &memFile{}); !errors.Is(err, ErrIncomplete) {
				t.Errorf("missing object: %v; want ErrIncomplete", err)
			}
			boom := errors.New("disk full")
			if err := f.CopySealed(tc, o, &failingFile{err: boom}); !errors.Is(err, boom) {
				t.Errorf("the store's file failing: %v; want its own error", err)
			}
		})
	}
}

func newIdentity(t *testing.T) string {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

// flakyOpen serves the first Open of each file cut short or failing (a
// file still arriving, a network share's passing read error) and every
// later read whole.
type flakyOpen struct {
	FS
	eio    bool
	opened map[string]bool
}

type failAfter struct {
	r io.Reader
	n int
}

func (e *failAfter) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, errors.New("input/output error")
	}
	p = p[:min(len(p), e.n)]
	k, err := e.r.Read(p)
	e.n -= k
	return k, err
}

func (s *flakyOpen) Open(name string) (io.ReadCloser, error) {
	b, err := s.FS.ReadFile(name)
	if err != nil {
		return nil, err
	}
	if s.opened[name] {
		return io.NopCloser(bytes.NewReader(b)), nil
	}
	s.opened[name] = true
	if s.eio {
		return io.NopCloser(&failAfter{r: bytes.NewReader(b), n: len(b) / 2}), nil
	}
	return io.NopCloser(bytes.NewReader(b[:len(b)/2])), nil
}

// TestCopySealedTransientRead: a genuine object whose first read is cut
// short (still arriving) or fails half way (a passing I/O error) is
// pending, never called forged; read again, it copies.
func TestCopySealedTransientRead(t *testing.T) {
	for _, eio := range []bool{false, true} {
		h := harnesses(t)["fake"](t)
		f, _, _, tc, ta := team(t, h)
		o, err := f.PutObject(ta, bytes.Repeat([]byte("証跡"), 100000))
		if err != nil {
			t.Fatal(err)
		}
		f.fs = &flakyOpen{FS: h.fs, eio: eio, opened: map[string]bool{}}
		if err := f.CopySealed(tc, o, &memFile{}); !errors.Is(err, ErrIncomplete) || errors.Is(err, ErrRejected) {
			t.Errorf("eio=%v: first read cut short: %v; want ErrIncomplete", eio, err)
		}
		if err := f.CopySealed(tc, o, &memFile{}); err != nil {
			t.Errorf("eio=%v: read again: %v; want the object", eio, err)
		}
	}
}
