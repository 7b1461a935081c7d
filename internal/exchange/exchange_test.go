package exchange

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kansa-audit/kansa/internal/change"
)

// harness is one FS implementation under the conformance suite, with a way
// to plant files as a foreign program (a sync client, an editor) would.
type harness struct {
	fs    FS
	plant func(name string, data []byte)
}

func harnesses(t *testing.T) map[string]func(t *testing.T) harness {
	return map[string]func(t *testing.T) harness{
		"dir": func(t *testing.T) harness {
			root := t.TempDir()
			return harness{NewDir(root), func(name string, data []byte) {
				p := filepath.Join(root, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, data, 0o600); err != nil {
					t.Fatal(err)
				}
			}}
		},
		"fake": func(t *testing.T) harness {
			f := newFakeFS(1)
			return harness{f, f.plant}
		},
	}
}

type person struct {
	keys Keys
	m    Member
}

func newPerson(t testing.TB, id, name, role string) person {
	k, err := NewKeys(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return person{k, k.Public(id, "dev-"+id, name, role)}
}

// team makes a folder with a chief and one auditor and returns both views.
func team(t *testing.T, h harness) (f *Folder, chief, aud person, tc, ta *Team) {
	chief = newPerson(t, "c1", "主査", "chief")
	aud = newPerson(t, "a1", "監査人A", "auditor")
	tc, err := Init(h.fs, "eng1", chief.keys, chief.m)
	if err != nil {
		t.Fatalf("Init: %v", err)
	}
	if f, err = Open(h.fs); err != nil {
		t.Fatalf("Open: %v", err)
	}
	req, err := JoinRequest(aud.keys, aud.m)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseJoinRequest(req)
	if err != nil || got.Fingerprint() != aud.m.Fingerprint() {
		t.Fatalf("ParseJoinRequest = %v, %v; want the auditor's keys", got.Fingerprint(), err)
	}
	if tc, err = f.AddMember(chief.keys, tc, got); err != nil {
		t.Fatalf("AddMember: %v", err)
	}
	if ta, err = f.Team(aud.keys, aud.m.ID, nil); err != nil {
		t.Fatalf("Team (auditor): %v", err)
	}
	return f, chief, aud, tc, ta
}

func ops(dev, author string, from, to uint64) []change.Op {
	var out []change.Op
	for s := from; s <= to; s++ {
		out = append(out, change.Op{ID: change.OpID{Device: dev, Seq: s}, At: change.Time{Wall: int64(s)}, Author: author,
			Entity: "e", Field: "f", Value: json.RawMessage(`"v"`)})
	}
	return out
}

func publish(t *testing.T, f *Folder, p person, tm *Team, from, to uint64, objs ...Object) *Bundle {
	t.Helper()
	b := &Bundle{Device: p.m.Device, From: from, To: to, VV: change.VersionVector{p.m.Device: to}, Ops: ops(p.m.Device, p.m.ID, from, to), Objects: objs}
	if err := f.PutBundle(p.keys, tm, b); err != nil {
		t.Fatalf("PutBundle: %v", err)
	}
	return b
}

// TestFolderConformance runs one suite against the real directory and the
// fake folder.
func TestFolderConformance(t *testing.T) {
	for name, mk := range harnesses(t) {
		t.Run(name, func(t *testing.T) {
			t.Run("team and fingerprints", func(t *testing.T) {
				h := mk(t)
				_, chief, aud, _, ta := team(t, h)
				if ta.Roster.Epoch != 2 || len(ta.Roster.Members) != 2 || ta.Chief().Fingerprint() != chief.m.Fingerprint() {
					t.Fatalf("auditor's view: epoch %d, %d members, chief %s; want 2, 2, %s", ta.Roster.Epoch, len(ta.Roster.Members), ta.Chief().Fingerprint(), chief.m.Fingerprint())
				}
				if m, ok := ta.Roster.Find(aud.m.ID); !ok || m.Role != "auditor" {
					t.Fatalf("auditor not on roster: %+v", ta.Roster)
				}
				if fp := aud.m.Fingerprint(); len(fp) != 24 || strings.Count(fp, "-") != 4 {
					t.Fatalf("Fingerprint() = %q; want 5 groups of 4", fp)
				}
				if _, err := Init(h.fs, "eng1", chief.keys, chief.m); !errors.Is(err, ErrExists) {
					t.Fatalf("second Init = %v; want ErrExists", err)
				}
			})
			t.Run("bundle and object round trip", func(t *testing.T) {
				h := mk(t)
				f, chief, aud, tc, ta := team(t, h)
				o, err := f.PutObject(ta, []byte("証跡の中身"))
				if err != nil {
					t.Fatal(err)
				}
				b := publish(t, f, aud, ta, 1, 3, o)
				ids, debris, err := f.ListBundles(aud.m.ID)
				if err != nil || !slices.Equal(ids, []string{b.ID}) || debris != 0 {
					t.Fatalf("ListBundles = %v, %d, %v; want [%s]", ids, debris, err, b.ID)
				}
				got, err := f.ReadBundle(tc, aud.m.ID, b.ID)
				if err != nil || got.From != 1 || got.To != 3 || len(got.Ops) != 3 || got.Member != aud.m.ID {
					t.Fatalf("ReadBundle = %+v, %v", got, err)
				}
				data, err := f.ReadObject(tc, got.Objects[0])
				if err != nil || string(data) != "証跡の中身" {
					t.Fatalf("ReadObject = %q, %v", data, err)
				}
				_ = chief
			})
			t.Run("debris is ignored", func(t *testing.T) {
				h := mk(t)
				f, _, aud, tc, ta := team(t, h)
				b := publish(t, f, aud, ta, 1, 1)
				raw, _ := h.fs.ReadFile("m/" + aud.m.ID + "/b/" + b.ID + ".bdl")
				dir := "m/" + aud.m.ID + "/b/"
				for _, n := range []string{b.ID + ".bdl.tmp", "." + b.ID + ".bdl.123.tmp", b.ID + " (conflicted copy).bdl",
					b.ID + ".sync-conflict-20260101-101010-ABCDEFG.bdl", b.ID + "-LAPTOP7.bdl", strings.ToUpper(b.ID) + ".BDL",
					"desktop.ini", "~$notes.docx"} {
					h.plant(dir+n, raw)
				}
				ids, debris, err := f.ListBundles(aud.m.ID)
				if err != nil || !slices.Equal(ids, []string{b.ID}) || debris != 8 {
					t.Fatalf("ListBundles = %v, %d, %v; want only %s and 8 debris", ids, debris, err, b.ID)
				}
				if _, err := f.ReadBundle(tc, aud.m.ID, b.ID); err != nil {
					t.Fatal(err)
				}
			})
			t.Run("partial and missing files are pending", func(t *testing.T) {
				h := mk(t)
				f, _, aud, tc, ta := team(t, h)
				o, _ := f.PutObject(ta, []byte("photo"))
				b := publish(t, f, aud, ta, 1, 2, o)
				name := "m/" + aud.m.ID + "/b/" + b.ID + ".bdl"
				raw, _ := h.fs.ReadFile(name)
				for _, cut := range [][]byte{nil, raw[:len(raw)/2], raw[:len(raw)-1]} {
					h.plant(name, cut)
					if _, err := f.ReadBundle(tc, aud.m.ID, b.ID); !errors.Is(err, ErrIncomplete) {
						t.Fatalf("ReadBundle(%d of %d bytes) = %v; want ErrIncomplete", len(cut), len(raw), err)
					}
				}
				if _, err := f.ReadBundle(tc, aud.m.ID, strings.Repeat("0", 64)); !errors.Is(err, ErrIncomplete) {
					t.Fatalf("ReadBundle(missing) = %v; want ErrIncomplete", err)
				}
				h.plant(o.Path, []byte{})
				if _, err := f.ReadObject(tc, o); !errors.Is(err, ErrIncomplete) {
					t.Fatalf("ReadObject(0 bytes) = %v; want ErrIncomplete", err)
				}
			})
			t.Run("FORMAT", func(t *testing.T) {
				h := mk(t)
				if _, err := Open(h.fs); !errors.Is(err, ErrNotFolder) {
					t.Fatalf("Open(empty) = %v; want ErrNotFolder", err)
				}
				h.plant("FORMAT", []byte("kansa-sync 2\nengagement eng1\n"))
				if _, err := Open(h.fs); !errors.Is(err, ErrNewerFormat) || !strings.Contains(err.Error(), "format 2") {
					t.Fatalf("Open(newer) = %v; want ErrNewerFormat naming format 2", err)
				}
				h.plant("FORMAT", []byte("kansa-sync 1\nengagement eng1\n"))
				if f, err := Open(h.fs); err != nil || f.Engagement != "eng1" {
					t.Fatalf("Open = %v, %v", f, err)
				}
			})
		})
	}
}

// TestBundleTampering: a bit flip, a truncation, a non-member's signature,
// another engagement's bundle and a forged author are all refused.
func TestBundleTampering(t *testing.T) {
	h := harnesses(t)["fake"](t)
	f, _, aud, tc, ta := team(t, h)
	b := publish(t, f, aud, ta, 1, 2)
	name := "m/" + aud.m.ID + "/b/" + b.ID + ".bdl"
	raw, _ := h.fs.ReadFile(name)

	// Renamed to match its new hash, so only the cryptography can object.
	plantRenamed := func(data []byte) string {
		id := sum(data)
		h.plant("m/"+aud.m.ID+"/b/"+id+".bdl", data)
		return id
	}
	for _, pos := range []int{0, len(raw) / 2, len(raw) - 1} {
		flipped := bytes.Clone(raw)
		flipped[pos] ^= 0x01
		h.plant(name, flipped)
		if _, err := f.ReadBundle(tc, aud.m.ID, b.ID); !errors.Is(err, ErrIncomplete) {
			t.Errorf("bit %d flipped in place: %v; want ErrIncomplete (name mismatch)", pos, err)
		}
		if _, err := f.ReadBundle(tc, aud.m.ID, plantRenamed(flipped)); !errors.Is(err, ErrRejected) && !errors.Is(err, ErrNoKey) {
			t.Errorf("bit %d flipped and renamed: %v; want rejected", pos, err)
		}
	}
	if _, err := f.ReadBundle(tc, aud.m.ID, plantRenamed(raw[:len(raw)-20])); !errors.Is(err, ErrRejected) {
		t.Errorf("truncated and renamed: %v; want ErrRejected", err)
	}

	// A stranger who knows the engagement key (say, a removed member)
	// signs a bundle for a member id that is or is not on the roster.
	stranger := newPerson(t, "x9", "部外者", "auditor")
	forged := &Team{Engagement: ta.Engagement, Me: stranger.m.ID, ChiefSign: ta.ChiefSign, keys: ta.keys, Roster: ta.Roster}
	forged.Roster.Members = append(slices.Clone(ta.Roster.Members), stranger.m)
	sb := publish(t, f, stranger, forged, 1, 1)
	if _, err := f.ReadBundle(tc, stranger.m.ID, sb.ID); !errors.Is(err, ErrRejected) {
		t.Errorf("bundle of a non-member: %v; want ErrRejected", err)
	}
	impostor := stranger
	impostor.m.ID, impostor.m.Device = aud.m.ID, aud.m.Device
	forged.Me = aud.m.ID
	forged.Roster.Members = []Member{tc.Chief(), impostor.m}
	ib := publish(t, f, impostor, forged, 3, 3)
	if _, err := f.ReadBundle(tc, aud.m.ID, ib.ID); !errors.Is(err, ErrRejected) {
		t.Errorf("bundle signed by a key the roster does not give the member: %v; want ErrRejected", err)
	}

	// A bundle copied in from another engagement's folder.
	h2 := harnesses(t)["fake"](t)
	f2, _, aud2, _, ta2 := team(t, h2)
	ob := publish(t, f2, aud2, ta2, 1, 1)
	oraw, _ := h2.fs.ReadFile("m/" + aud2.m.ID + "/b/" + ob.ID + ".bdl")
	h.plant("m/"+aud.m.ID+"/b/"+ob.ID+".bdl", oraw)
	if _, err := f.ReadBundle(tc, aud.m.ID, ob.ID); !errors.Is(err, ErrNoKey) && !errors.Is(err, ErrRejected) {
		t.Errorf("bundle from another engagement: %v; want refused", err)
	}
}

// TestRemovedMemberLockedOut: after removal the member holds no key for
// anything written later, and their later bundles are rejected.
func TestRemovedMemberLockedOut(t *testing.T) {
	h := harnesses(t)["fake"](t)
	f, chief, aud, tc, ta := team(t, h)
	b1 := publish(t, f, aud, ta, 1, 2)
	tc2, err := f.RemoveMember(chief.keys, tc, aud.m.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	if tc2.Roster.KeyEpoch != 2 {
		t.Fatalf("key epoch = %d; want 2", tc2.Roster.KeyEpoch)
	}
	after := publish(t, f, chief, tc2, 1, 1)
	o, err := f.PutObject(tc2, []byte("new evidence"))
	if err != nil {
		t.Fatal(err)
	}
	ta2, err := f.Team(aud.keys, aud.m.ID, ta.ChiefSign)
	if err != nil {
		t.Fatal(err)
	}
	if ta2.Roster.Epoch != 2 || ta2.Removed() {
		t.Fatalf("removed member reads roster %d (removed=%v); want the last one they could read, 2", ta2.Roster.Epoch, ta2.Removed())
	}
	if _, err := f.ReadBundle(ta2, chief.m.ID, after.ID); !errors.Is(err, ErrNoKey) {
		t.Fatalf("removed member reads a new bundle: %v; want ErrNoKey", err)
	}
	if _, err := f.ReadObject(ta2, o); !errors.Is(err, ErrNoKey) {
		t.Fatalf("removed member reads a new object: %v; want ErrNoKey", err)
	}
	if err := f.CopySealed(ta2, o, &memFile{}); !errors.Is(err, ErrNoKey) {
		t.Fatalf("removed member copies a new object: %v; want ErrNoKey", err)
	}
	if _, err := f.ReadBundle(tc2, aud.m.ID, b1.ID); err != nil {
		t.Fatalf("bundle made before removal: %v; want accepted", err)
	}
	late := publish(t, f, aud, ta2, 3, 3)
	if _, err := f.ReadBundle(tc2, aud.m.ID, late.ID); !errors.Is(err, ErrRejected) {
		t.Fatalf("bundle made after removal: %v; want ErrRejected", err)
	}
	if _, err := f.AddMember(aud.keys, ta, newPerson(t, "z1", "誰か", "auditor").m); err == nil {
		t.Fatal("a non-chief changed the team")
	}
}

func TestJoinRequestForged(t *testing.T) {
	a, b := newPerson(t, "a1", "A", "auditor"), newPerson(t, "b1", "B", "auditor")
	req, _ := JoinRequest(a.keys, b.m) // B's public keys, signed by A
	if _, err := ParseJoinRequest(req); !errors.Is(err, ErrBadRequest) {
		t.Fatalf("forged join request: %v; want ErrBadRequest", err)
	}
	if _, err := ParseJoinRequest([]byte("garbage")); !errors.Is(err, ErrBadRequest) {
		t.Fatalf("garbage join request: %v; want ErrBadRequest", err)
	}
}

func TestDirWriteLeavesNoTemp(t *testing.T) {
	root := t.TempDir()
	d := NewDir(root)
	if err := d.WriteFile("m/a/b/x.bdl", []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if err := d.WriteFile("m/a/b/x.bdl", []byte("hello, again")); err != nil {
		t.Fatal(err)
	}
	names, _ := d.List("m/a/b")
	if !slices.Equal(names, []string{"x.bdl"}) {
		t.Fatalf("List = %v; want only x.bdl (no temp files)", names)
	}
	// A directory where the file should go: the rename fails after its
	// retries, and the temp file is gone.
	os.MkdirAll(filepath.Join(root, "m", "a", "b", "y.bdl", "sub"), 0o700)
	d.Retries, d.Backoff = 2, 0
	if err := d.WriteFile("m/a/b/y.bdl", []byte("z")); err == nil {
		t.Fatal("WriteFile over a directory succeeded")
	}
	names, _ = d.List("m/a/b")
	if !slices.Equal(names, []string{"x.bdl"}) {
		t.Fatalf("after failed write List = %v; want no temp file left", names)
	}
}
