package workspace

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/exchange"
)

// The fault cases of issue 6, each with its own pass criterion. Some are
// covered at the folder level in internal/exchange (faults_test.go,
// exchange_test.go); these drive whole stores through Workspace.sync.

// teamOn makes a chief with a four-item audit and n-1 auditors on fsys,
// everyone synced once.
func teamOn(t testing.TB, fsys exchange.FS, n int, nows ...func() time.Time) (reps []*Workspace, aud string) {
	t.Helper()
	return teamWith(t, fsys, n, NewAudit{Kind: audit.KindInternal, Title: "物理"}, func(chief *Workspace, aud string) {
		for i := range 4 {
			no := fmt.Sprint(i + 1)
			if _, err := chief.AddItem(aud, audit.Item{No: no, Title: "項目" + no}); err != nil {
				t.Fatal(err)
			}
		}
	}, nows)
}

func syncOn(t testing.TB, w *Workspace, fsys exchange.FS) *SyncReport {
	t.Helper()
	rep, err := w.sync(context.Background(), fsys, nil)
	if err != nil {
		t.Fatalf("sync %s: %v", w.Me().Name, err)
	}
	if len(rep.Rejected) != 0 {
		t.Fatalf("sync %s rejected: %+v", w.Me().Name, rep.Rejected)
	}
	return rep
}

// addPhoto attaches a generated photo to item 1 (three objects: the
// original, the report copy and the thumbnail).
func addPhoto(t *testing.T, w *Workspace, aud string) audit.Evidence {
	t.Helper()
	p := filepath.Join(t.TempDir(), "入口.jpg")
	if err := os.WriteFile(p, testJPEG(t, 800, 600), 0o600); err != nil {
		t.Fatal(err)
	}
	ev, err := w.AddEvidence(context.Background(), aud, []string{"1"}, p, "入口")
	if err != nil {
		t.Fatal(err)
	}
	return ev
}

func mustReadEvidence(t *testing.T, w *Workspace, ev audit.Evidence) {
	t.Helper()
	_, read, err := w.OpenEvidence(ev.ID)
	if err != nil {
		t.Fatalf("%s: evidence %s: %v", w.Me().Name, ev.ID, err)
	}
	data, err := read()
	if s := sha256.Sum256(data); err != nil || hex.EncodeToString(s[:]) != ev.SHA256 {
		t.Fatalf("%s: evidence %s reads %d bytes, %v; want the original", w.Me().Name, ev.ID, len(data), err)
	}
}

// memberFiles returns a member's bundle and object files in fsys by kind.
func memberFiles(f *memFolder, member string) (bundles, objects []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for n := range f.files {
		switch {
		case strings.HasPrefix(n, "m/"+member+"/b/"):
			bundles = append(bundles, n)
		case strings.HasPrefix(n, "m/"+member+"/o/"):
			objects = append(objects, n)
		}
	}
	return bundles, objects
}

func observation(t *testing.T, w *Workspace, aud, no string) string {
	t.Helper()
	it, ok := mustAuditState(t, w, aud).Item(no)
	if !ok {
		t.Fatalf("%s: no item %s", w.Me().Name, no)
	}
	return it.Result.Observation
}

// TestSyncFault_TruncatedBundle: a bundle delivered partly is pending and
// changes nothing; once complete it applies.
func TestSyncFault_TruncatedBundle(t *testing.T) {
	fsys := newMemFolder(21)
	reps, aud := teamOn(t, fsys, 2)
	chief, a := reps[0], reps[1]
	a.SetResult(aud, "1", ResultPatch{Observation: str("施錠を確認\n鍵の管理簿あり")})
	syncOn(t, a, fsys)
	bs, _ := memberFiles(fsys, a.Me().Member)
	full := fsys.files[bs[0]]
	before := stateHash(t, chief, aud)
	for _, cut := range []int{0, 1, len(full) / 2, len(full) - 1} {
		fsys.files[bs[0]] = full[:cut]
		rep := syncOn(t, chief, fsys)
		if len(rep.Pending) != 1 || len(rep.NewOps) != 0 || !strings.Contains(rep.Pending[0].Reason, "not arrived completely") {
			t.Fatalf("bundle cut to %d of %d bytes: %+v; want it pending", cut, len(full), rep)
		}
		if stateHash(t, chief, aud) != before {
			t.Fatal("a partial bundle changed the state")
		}
	}
	fsys.files[bs[0]] = full
	if rep := syncOn(t, chief, fsys); len(rep.Pending) != 0 || rep.NewOps[a.Me().Name] == 0 {
		t.Fatalf("complete bundle: %+v; want it applied", rep)
	}
	if got := observation(t, chief, aud, "1"); got != "施錠を確認\n鍵の管理簿あり" {
		t.Fatalf("observation = %q", got)
	}
}

// TestSyncFault_TruncatedObject: a bundle whose evidence object is partial
// waits for it; the evidence arrives intact once the object is complete.
func TestSyncFault_TruncatedObject(t *testing.T) {
	fsys := newMemFolder(22)
	reps, aud := teamOn(t, fsys, 2)
	chief, a := reps[0], reps[1]
	ev := addPhoto(t, a, aud)
	syncOn(t, a, fsys)
	_, objs := memberFiles(fsys, a.Me().Member)
	if len(objs) != 3 {
		t.Fatalf("%d objects published; want 3", len(objs))
	}
	// All partial at first; then they complete one by one. An object that
	// is complete may be imported while another is still partial.
	full := map[string][]byte{}
	for _, o := range objs {
		full[o] = fsys.files[o]
		fsys.files[o] = full[o][:len(full[o])*2/3]
	}
	imported := 0
	for _, o := range objs {
		rep := syncOn(t, chief, fsys)
		imported += rep.Imported
		if len(rep.Pending) != 1 || rep.Pending[0].Reason != "waiting for its evidence objects" || len(rep.NewOps) != 0 {
			t.Fatalf("some objects partial: %+v; want the bundle waiting for its objects", rep)
		}
		if _, _, err := chief.OpenEvidence(ev.ID); !errors.Is(err, ErrNotFound) {
			t.Fatalf("evidence visible before its objects: %v", err)
		}
		fsys.files[o] = full[o]
	}
	if rep := syncOn(t, chief, fsys); len(rep.Pending) != 0 || imported+rep.Imported != 3 {
		t.Fatalf("objects complete: %+v; want applied with 3 imported in all", rep)
	}
	mustReadEvidence(t, chief, ev)
}

// TestSyncFault_BitFlip: one flipped bit in a bundle or object in place is
// a file that does not match its name (pending); renamed to match, the
// bundle fails decryption or its signature and is rejected and reported.
// Nothing is applied either way.
func TestSyncFault_BitFlip(t *testing.T) {
	fsys := newMemFolder(23)
	reps, aud := teamOn(t, fsys, 2)
	chief, a := reps[0], reps[1]
	ev := addPhoto(t, a, aud)
	a.SetResult(aud, "2", ResultPatch{Observation: str("改ざん検知")})
	syncOn(t, a, fsys)
	bs, objs := memberFiles(fsys, a.Me().Member)
	before := stateHash(t, chief, aud)
	// In place: the bundle, then every object at once (an object that
	// arrived intact may be imported meanwhile, so all are damaged).
	for _, group := range [][]string{bs, objs} {
		for _, frac := range []int{0, 50, 100} {
			origs := map[string][]byte{}
			for _, name := range group {
				orig := fsys.files[name]
				origs[name] = orig
				flipped := bytes.Clone(orig)
				flipped[(len(orig)-1)*frac/100] ^= 0x10
				fsys.files[name] = flipped
			}
			rep := syncOn(t, chief, fsys)
			if len(rep.Pending) != 1 || len(rep.NewOps) != 0 || rep.Imported != 0 || stateHash(t, chief, aud) != before {
				t.Fatalf("%v with the byte at %d%% flipped: %+v; want pending and nothing applied", group, frac, rep)
			}
			for name, orig := range origs {
				fsys.files[name] = orig
			}
		}
	}
	// Flipped and renamed to its new hash: complete, but not authentic.
	orig := fsys.files[bs[0]]
	delete(fsys.files, bs[0])
	for _, pos := range []int{len(orig) / 2, len(orig) - 20, len(orig) - 3} {
		flipped := bytes.Clone(orig)
		flipped[pos] ^= 0x01
		s := sha256.Sum256(flipped)
		forged := path.Dir(bs[0]) + "/" + hex.EncodeToString(s[:]) + ".bdl"
		fsys.files[forged] = flipped
		rep, err := chief.sync(context.Background(), fsys, nil)
		if err != nil || len(rep.Rejected) != 1 || len(rep.NewOps) != 0 || stateHash(t, chief, aud) != before {
			t.Fatalf("flipped at %d and renamed: %+v, %v; want it rejected, reported and not applied", pos, rep, err)
		}
		delete(fsys.files, forged)
	}
	fsys.files[bs[0]] = orig
	if rep := syncOn(t, chief, fsys); rep.NewOps[a.Me().Name] == 0 || len(rep.Pending) != 0 {
		t.Fatalf("original restored: %+v", rep)
	}
	mustReadEvidence(t, chief, ev)
}

// hideFS shows a folder without some files: what one laptop sees while
// its sync service has not delivered them yet.
type hideFS struct {
	exchange.FS
	hidden map[string]bool
}

func (h *hideFS) List(dir string) ([]string, error) {
	names, err := h.FS.List(dir)
	var out []string
	for _, n := range names {
		if !h.hidden[dir+"/"+n] {
			out = append(out, n)
		}
	}
	return out, err
}

func (h *hideFS) ReadFile(name string) ([]byte, error) {
	if h.hidden[name] {
		return nil, fmt.Errorf("read %s: %w", name, fs.ErrNotExist)
	}
	return h.FS.ReadFile(name)
}

// TestSyncFault_SequenceOutOfOrder: a member's second bundle (ops 5..)
// arriving before the first (ops 1..4) waits, naming the missing ops;
// when the first arrives both apply, in order.
func TestSyncFault_SequenceOutOfOrder(t *testing.T) {
	fsys := newMemFolder(24)
	reps, aud := teamOn(t, fsys, 2)
	chief, a := reps[0], reps[1]
	for i := range 4 {
		a.SetResult(aud, fmt.Sprint(i+1), ResultPatch{Observation: str(fmt.Sprintf("第一便 %d", i))})
	}
	syncOn(t, a, fsys)
	first, _ := memberFiles(fsys, a.Me().Member)
	a.SetResult(aud, "1", ResultPatch{Observation: str("第二便")})
	a.SetResult(aud, "2", ResultPatch{Rating: str("partial")})
	syncOn(t, a, fsys)
	view := &hideFS{FS: fsys, hidden: map[string]bool{first[0]: true}}
	rep := syncOn(t, chief, view)
	if len(rep.Pending) != 1 || len(rep.NewOps) != 0 || !strings.Contains(rep.Pending[0].Reason, "waiting for ops 1..") {
		t.Fatalf("second bundle first: %+v; want it waiting for ops 1..4", rep)
	}
	rep = syncOn(t, chief, fsys)
	if len(rep.Pending) != 0 || rep.NewOps[a.Me().Name] != 6 {
		t.Fatalf("both bundles present: %+v; want 6 ops applied", rep)
	}
	if got := observation(t, chief, aud, "1"); got != "第二便" {
		t.Fatalf("item 1 = %q; want the later edit", got)
	}
	if stateHash(t, chief, aud) != stateHash(t, a, aud) {
		t.Fatal("chief and auditor differ")
	}
}

// crashFS kills the publish once, at one step of writing the first file
// whose name contains kind, leaving in the real folder what a killed
// process leaves there.
type crashFS struct {
	*exchange.Dir
	kind, at string
	fired    bool
	pending  string // written; its read-back is where the kill happens
}

var errKilled = errors.New("killed")

func (c *crashFS) WriteFile(name string, data []byte) error {
	if c.fired || c.pending != "" || !strings.Contains(name, c.kind) {
		return c.Dir.WriteFile(name, data)
	}
	switch c.at {
	case "after temp write", "after fsync":
		// The temp file beside the final name, partial or complete.
		tmp := filepath.Join(c.Root, filepath.FromSlash(path.Dir(name)), "."+path.Base(name)+".4711.tmp")
		os.MkdirAll(filepath.Dir(tmp), 0o700)
		part := data[:len(data)/2]
		if c.at == "after fsync" {
			part = data
		}
		os.WriteFile(tmp, part, 0o600)
		c.fired = true
		return errKilled
	case "after rename":
		if err := c.Dir.WriteFile(name, data); err != nil {
			return err
		}
		c.fired = true
		return errKilled
	default: // before read-back
		c.pending = name
		return c.Dir.WriteFile(name, data)
	}
}

func (c *crashFS) ReadFile(name string) ([]byte, error) {
	if !c.fired && name == c.pending {
		c.fired = true
		return nil, errKilled
	}
	return c.Dir.ReadFile(name)
}

var (
	finalBundle = regexp.MustCompile(`^[0-9a-f]{64}\.bdl$`)
	finalObject = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

// finalFiles walks a member's directory in a real folder and returns the
// files under final names, failing if any of them is partial (its bytes
// do not match its name).
func finalFiles(t *testing.T, root, member string) (bundles, objects int) {
	t.Helper()
	filepath.WalkDir(filepath.Join(root, "m", member), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := d.Name()
		isB, isO := finalBundle.MatchString(name), finalObject.MatchString(name)
		if !isB && !isO {
			return nil
		}
		data, _ := os.ReadFile(p)
		s := sha256.Sum256(data)
		if hex.EncodeToString(s[:]) != strings.TrimSuffix(name, ".bdl") {
			t.Errorf("%s is under a final name but its %d bytes do not match it", p, len(data))
		}
		if isB {
			bundles++
		} else {
			objects++
		}
		return nil
	})
	return bundles, objects
}

// TestSyncFault_CrashWhilePublishing: the publisher is killed at each step
// of writing its first object or its bundle (after the temp write, after
// the fsync, after the rename, before the read-back). The store is then
// reopened and synced again: nothing partial is under a final name, no
// object or bundle was written twice, and the chief receives everything.
func TestSyncFault_CrashWhilePublishing(t *testing.T) {
	for _, kind := range []string{"/o/", "/b/"} {
		for _, at := range []string{"after temp write", "after fsync", "after rename", "before read-back"} {
			t.Run(strings.Trim(kind, "/")+" "+at, func(t *testing.T) {
				root := t.TempDir()
				dir := exchange.NewDir(root)
				reps, aud := teamOn(t, dir, 2)
				chief, a := reps[0], reps[1]
				ev := addPhoto(t, a, aud)
				a.SetResult(aud, "2", ResultPatch{Observation: str("停電時の手順\n非常用電源")})
				if _, err := a.sync(context.Background(), &crashFS{Dir: dir, kind: kind, at: at}, nil); !errors.Is(err, errKilled) {
					t.Fatalf("sync = %v; want it killed", err)
				}
				finalFiles(t, root, a.Me().Member)
				// Restart: the process died, the store is opened again.
				storeDir := a.Dir()
				a.Close()
				a, err := Open(storeDir, []byte("pass"), Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer a.Close()
				rep := syncOn(t, a, dir)
				if rep.Published != 0 && kind == "/b/" && at != "after temp write" && at != "after fsync" {
					t.Fatalf("re-run published %d ops again; the bundle was already in place", rep.Published)
				}
				if rep := syncOn(t, a, dir); rep.Published != 0 || rep.PublishedObjects != 0 {
					t.Fatalf("a third sync still publishes: %+v", rep)
				}
				bundles, objects := finalFiles(t, root, a.Me().Member)
				if bundles != 1 || objects != 3 {
					t.Fatalf("folder holds %d bundles and %d objects of the auditor; want 1 and 3 (nothing twice)", bundles, objects)
				}
				rep = syncOn(t, chief, dir)
				if len(rep.Pending) != 0 || rep.Imported != 3 || rep.NewOps[a.Me().Name] == 0 {
					t.Fatalf("chief after the recovered publish: %+v", rep)
				}
				mustReadEvidence(t, chief, ev)
				if got := observation(t, chief, aud, "2"); got != "停電時の手順\n非常用電源" {
					t.Fatalf("observation = %q", got)
				}
			})
		}
	}
}

// snapshot lists every file under root with its content hash.
func snapshot(t *testing.T, root string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(p)
		s := sha256.Sum256(b)
		out[p] = hex.EncodeToString(s[:])
		return nil
	})
	return out
}

// TestSyncFault_EmptyMissingOrUnmountedFolder: with zero local changes, a
// sync against an empty folder, a missing one, a file, or a mount point
// whose share is not mounted fails with "not a Kansa sync folder ... is
// the share mounted?"; nothing in that place is created or deleted and the
// local state is unchanged. A real folder that a sync service has emptied
// of every member's files deletes nothing locally either.
func TestSyncFault_EmptyMissingOrUnmountedFolder(t *testing.T) {
	root := t.TempDir()
	dir := exchange.NewDir(filepath.Join(root, "share"))
	reps, aud := teamOn(t, dir, 2)
	chief, a := reps[0], reps[1]
	a.SetResult(aud, "1", ResultPatch{Observation: str("同期済み")})
	syncOn(t, a, dir)
	syncOn(t, chief, dir)
	for _, w := range reps {
		before, beforeStore := stateHash(t, w, aud), snapshot(t, w.Dir())
		empty := t.TempDir()
		os.WriteFile(filepath.Join(empty, "memo.txt"), []byte("他人のファイル"), 0o600)
		file := filepath.Join(t.TempDir(), "not-a-folder")
		os.WriteFile(file, []byte("x"), 0o600)
		unmounted := filepath.Join(t.TempDir(), "mnt", "share") // an empty mount point: the share is not mounted
		os.MkdirAll(unmounted, 0o700)
		for _, d := range []string{empty, filepath.Join(t.TempDir(), "missing"), file, unmounted} {
			snap := snapshot(t, filepath.Dir(d))
			_, err := w.Sync(context.Background(), d, nil)
			if !errors.Is(err, ErrNotFolder) || !strings.Contains(err.Error(), "is the share mounted?") {
				t.Fatalf("Sync(%s) = %v; want ErrNotFolder asking whether the share is mounted", d, err)
			}
			if after := snapshot(t, filepath.Dir(d)); fmt.Sprint(after) != fmt.Sprint(snap) {
				t.Fatalf("Sync(%s) changed files there: %v -> %v", d, snap, after)
			}
		}
		if stateHash(t, w, aud) != before || fmt.Sprint(snapshot(t, w.Dir())) != fmt.Sprint(beforeStore) {
			t.Fatalf("%s: a failed sync changed the store", w.Me().Name)
		}
	}
	// The sync service emptied m/: nothing is deleted, nothing is lost.
	os.RemoveAll(filepath.Join(root, "share", "m"))
	before := stateHash(t, chief, aud)
	rep := syncOn(t, chief, dir)
	if len(rep.NewOps) != 0 || stateHash(t, chief, aud) != before || observation(t, chief, aud, "1") != "同期済み" {
		t.Fatalf("after the folder lost every bundle: %+v; want the local state untouched", rep)
	}
}

// TestSyncFault_Debris: temp files, conflict copies, desktop.ini, Office
// lock files, 0-byte files and case-changed duplicates beside every real
// file are ignored (and counted); the merge is what it is without them.
// A 0-byte file under a bundle's exact name is a partial bundle: pending.
func TestSyncFault_Debris(t *testing.T) {
	root := t.TempDir()
	dir := exchange.NewDir(root)
	reps, aud := teamOn(t, dir, 3)
	chief, a, b := reps[0], reps[1], reps[2]
	ev := addPhoto(t, a, aud)
	a.SetResult(aud, "1", ResultPatch{Observation: str("佐藤")})
	b.SetResult(aud, "1", ResultPatch{Observation: str("鈴木")})
	syncOn(t, a, dir)
	syncOn(t, b, dir)
	planted := 0
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		data, _ := os.ReadFile(p)
		dirp, base := filepath.Split(p)
		stem, ext, _ := strings.Cut(base, ".")
		if ext != "" {
			ext = "." + ext
		}
		for name, content := range map[string][]byte{
			"." + base + ".981.tmp": data[:len(data)/2],
			base + ".tmp":           nil,
			stem + " (conflicted copy 2026-06-01)" + ext:    data,
			stem + " (山田's conflicted copy)" + ext:          data,
			base + ".sync-conflict-20260601-093000-QWERTY1": data,
			strings.ToUpper(base):                           data,
			stem + "-LAPTOP-3" + ext:                        data,
			"desktop.ini":                                   []byte("[.ShellClassInfo]"),
			"~$" + base:                                     nil,
			".DS_Store":                                     nil,
			"Thumbs.db":                                     nil,
			"空のファイル":                                        nil,
		} {
			if os.WriteFile(filepath.Join(dirp, name), content, 0o600) == nil {
				planted++
			}
		}
		return nil
	})
	zero := filepath.Join(root, "m", a.Me().Member, "b", strings.Repeat("e", 64)+".bdl")
	os.WriteFile(zero, nil, 0o600)
	rep := syncOn(t, chief, dir)
	if rep.Debris < 2*12 || len(rep.Pending) != 1 || !strings.Contains(rep.Pending[0].Reason, "not arrived completely") {
		t.Fatalf("with %d debris files: %+v; want them ignored and counted, and only the 0-byte bundle pending", planted, rep)
	}
	if rep.NewOps[a.Me().Name] == 0 || rep.NewOps[b.Me().Name] == 0 {
		t.Fatalf("debris hid real bundles: %+v", rep)
	}
	mustReadEvidence(t, chief, ev)
	it, _ := mustAuditState(t, chief, aud).Item("1")
	if c := strings.Join(it.Conflicts["observation"], "|"); !strings.Contains(c, "佐藤") || !strings.Contains(c, "鈴木") || len(it.Conflicts["observation"]) != 2 {
		t.Fatalf("conflict = %v; want exactly both observations", it.Conflicts)
	}
	os.Remove(zero)
	for _, w := range []*Workspace{a, b, chief} {
		syncOn(t, w, dir)
	}
	if h := stateHash(t, chief, aud); h != stateHash(t, a, aud) || h != stateHash(t, b, aud) {
		t.Fatal("replicas differ after syncing through debris")
	}
}

// mergedValues is the merge result of an audit with times left out:
// every item's fields and the set of values each holds.
func mergedValues(t *testing.T, w *Workspace, aud string) string {
	t.Helper()
	var out []string
	for _, it := range mustAuditState(t, w, aud).Items {
		vals := map[string][]string{"observation": {it.Result.Observation}, "rating": {it.Result.Rating}}
		for f, c := range it.Conflicts {
			cs := append([]string(nil), c...)
			sort.Strings(cs)
			vals[f] = cs
		}
		out = append(out, fmt.Sprintf("%s %v", it.No, vals))
	}
	return strings.Join(out, "\n")
}

// TestSyncFault_ClockSkew: the same offline edits made on laptops whose
// clocks run 3 days ahead and a year behind merge to the same values as
// with correct clocks. A laptop with a correct clock warns about both,
// naming each and which way its clock is off.
func TestSyncFault_ClockSkew(t *testing.T) {
	run := func(skews ...time.Duration) (string, [][]string) {
		fsys := newMemFolder(25)
		var nows []func() time.Time
		for _, s := range skews {
			nows = append(nows, func() time.Time { return time.Now().Add(s) })
		}
		reps, aud := teamOn(t, fsys, 3, nows...)
		for i, w := range reps {
			w.SetResult(aud, "1", ResultPatch{Observation: str(fmt.Sprintf("所見 %d", i))})
			w.SetResult(aud, fmt.Sprint(i+2), ResultPatch{Rating: str("partial")})
			if i == 1 {
				w.SetResult(aud, "2", ResultPatch{Observation: str("未来の時計")})
			}
		}
		warnings := make([][]string, len(reps))
		for range 2 {
			for i, w := range reps {
				warnings[i] = append(warnings[i], syncOn(t, w, fsys).Warnings...)
			}
		}
		want := mergedValues(t, reps[0], aud)
		for _, w := range reps[1:] {
			if got := mergedValues(t, w, aud); got != want {
				t.Fatalf("replicas differ with skews %v:\n%s\n---\n%s", skews, want, got)
			}
		}
		return want, warnings
	}
	straight, warns := run(0, 0, 0)
	if all := slices.Concat(warns...); len(all) != 0 {
		t.Fatalf("warnings with correct clocks: %v", all)
	}
	skewed, warns := run(0, 72*time.Hour, -365*24*time.Hour)
	if skewed != straight {
		t.Fatalf("clock skew changed the merge:\nwithout skew:\n%s\nwith skew:\n%s", straight, skewed)
	}
	// 監査人0's clock is right: it names 監査人1 (+3 days) and 監査人2 (−1 year).
	w := strings.Join(warns[0], "\n")
	for _, want := range []string{
		"監査人1's clock runs 72h0m0s ahead of this one; the merge is unaffected, but check the laptop's date",
		"監査人2's clock runs 8760h0m0s behind this one; the merge is unaffected, but check the laptop's date",
	} {
		if !strings.Contains(w, want) {
			t.Errorf("監査人0's warnings = %q; want %q", w, want)
		}
	}
	if len(warns[0]) != 2 {
		t.Errorf("監査人0's warnings = %q; want one per skewed laptop", w)
	}
}

// cloneMem copies a memFolder's files, as a second copy of the folder.
func cloneMem(f *memFolder, seed uint64) *memFolder {
	c := newMemFolder(seed)
	for n, d := range f.files {
		c.files[n] = bytes.Clone(d)
	}
	return c
}

// TestSyncFault_SignedOutsideRoster: a bundle signed by someone the roster
// does not hold (here: added to a copy of the folder only, so they hold
// the engagement key) and dropped into a member's directory is rejected
// and reported, and changes nothing. Their own directory is not read.
func TestSyncFault_SignedOutsideRoster(t *testing.T) {
	fsys := newMemFolder(26)
	reps, aud := teamOn(t, fsys, 2)
	chief, a := reps[0], reps[1]
	rogueCopy := cloneMem(fsys, 27)
	rogue := newReplica(t, "部外者", audit.RoleAuditor, nil)
	req, _, _ := rogue.JoinRequest()
	if _, err := chief.addTeamMember(rogueCopy, req, audit.RoleAuditor); err != nil {
		t.Fatal(err)
	}
	syncOn(t, rogue, rogueCopy)
	rogue.SetResult(aud, "1", ResultPatch{Observation: str("偽の所見")})
	syncOn(t, rogue, rogueCopy)
	bs, _ := memberFiles(rogueCopy, rogue.Me().Member)
	if len(bs) != 1 {
		t.Fatalf("rogue published %d bundles", len(bs))
	}
	// (Adding the rogue listed them in the chief's engagement members:
	// let that reach everyone first.)
	syncOn(t, chief, fsys)
	syncOn(t, a, fsys)
	// Into both members' directories (nobody reads their own), and the
	// rogue's own, which is on no roster.
	for _, w := range []*Workspace{chief, a} {
		fsys.files["m/"+w.Me().Member+"/b/"+path.Base(bs[0])] = rogueCopy.files[bs[0]]
	}
	fsys.files[bs[0]] = rogueCopy.files[bs[0]]
	for _, w := range []*Workspace{chief, a} {
		before := stateHash(t, w, aud)
		rep, err := w.sync(context.Background(), fsys, nil)
		if err != nil || len(rep.Rejected) != 1 || !strings.Contains(rep.Rejected[0].Reason, "rejected") || len(rep.NewOps) != 0 {
			t.Fatalf("%s: %+v, %v; want the rogue bundle rejected and reported", w.Me().Name, rep, err)
		}
		if stateHash(t, w, aud) != before || strings.Contains(showJSON(t, w, aud), "偽の所見") {
			t.Fatalf("%s: the rogue bundle changed the state", w.Me().Name)
		}
	}
}

// TestSyncFault_ReplayedFromOtherEngagement: a bundle copied from another
// engagement's folder into a member's directory cannot be opened with this
// engagement's keys: it is reported (pending, "encrypted for a key this
// member does not hold") and never applied. (Re-encrypted for this
// engagement by an insider, it is rejected: see exchange's test of the
// same name.)
func TestSyncFault_ReplayedFromOtherEngagement(t *testing.T) {
	fsys, other := newMemFolder(28), newMemFolder(29)
	reps, aud := teamOn(t, fsys, 2)
	oreps, oaud := teamOn(t, other, 2)
	oreps[1].SetResult(oaud, "1", ResultPatch{Observation: str("別件の所見")})
	syncOn(t, oreps[1], other)
	bs, _ := memberFiles(other, oreps[1].Me().Member)
	fsys.files["m/"+reps[1].Me().Member+"/b/"+path.Base(bs[0])] = other.files[bs[0]]
	chief := reps[0]
	before := stateHash(t, chief, aud)
	rep := syncOn(t, chief, fsys)
	if len(rep.NewOps) != 0 || len(rep.Pending) != 1 || !strings.Contains(rep.Pending[0].Reason, "encrypted for a key this member does not hold") {
		t.Fatalf("replayed bundle: %+v; want it reported and not applied", rep)
	}
	if stateHash(t, chief, aud) != before {
		t.Fatal("a bundle of another engagement changed the state")
	}
}

// TestSyncFault_WrongKeyOrPassphrase: a wrong passphrase opens nothing; a
// store that is not on the team, a grant encrypted for someone else's key,
// and a folder re-created under a different chief key each fail the sync
// with a plain reason and change nothing.
func TestSyncFault_WrongKeyOrPassphrase(t *testing.T) {
	fsys := newMemFolder(30)
	reps, aud := teamOn(t, fsys, 3)
	chief, a, b := reps[0], reps[1], reps[2]
	a.Close()
	if _, err := Open(a.Dir(), []byte("wrong"), Options{}); !errors.Is(err, ErrWrongPassphrase) || !strings.Contains(err.Error(), "passphrase") {
		t.Fatalf("Open with a wrong passphrase = %v; want ErrWrongPassphrase", err)
	}
	a, err := Open(a.Dir(), []byte("pass"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	outsider := newReplica(t, "未登録", audit.RoleAuditor, nil)
	if _, err := outsider.sync(context.Background(), fsys, nil); !errors.Is(err, ErrNotMember) {
		t.Fatalf("sync of a store not on the team = %v; want ErrNotMember", err)
	}
	before := stateHash(t, a, aud)
	mine := "keys/" + a.Me().Member + ".age"
	own := fsys.files[mine]
	fsys.files[mine] = fsys.files["keys/"+b.Me().Member+".age"]
	if _, err := a.sync(context.Background(), fsys, nil); !errors.Is(err, exchange.ErrNoKey) || !strings.Contains(err.Error(), "encrypted for a key this member does not hold") {
		t.Fatalf("sync with a grant for another key = %v; want a plain 'key' error", err)
	}
	fsys.files[mine] = own
	// Someone re-creates the folder with their own chief key.
	fake := newMemFolder(31)
	impostor := newReplica(t, "偽主査", audit.RoleChief, nil)
	eng, _ := impostor.CreateEngagement(audit.Engagement{Title: "偽", Client: "区", FiscalYear: 2026})
	if _, err := impostor.createFolder(eng, "fake", fake); err != nil {
		t.Fatal(err)
	}
	req, _, _ := a.JoinRequest()
	if _, err := impostor.addTeamMember(fake, req, audit.RoleAuditor); err != nil {
		t.Fatal(err)
	}
	fake.files["FORMAT"] = fsys.files["FORMAT"] // pretend to be this engagement
	if _, err := a.sync(context.Background(), fake, nil); err == nil || !strings.Contains(err.Error(), "chief key other than the one first seen") {
		t.Fatalf("sync with a folder signed by another chief = %v; want it refused", err)
	}
	if stateHash(t, a, aud) != before {
		t.Fatal("a failed sync changed the state")
	}
	syncOn(t, a, fsys)
	_ = chief
}

// enospcFS fails writes of names containing kind with ENOSPC, as the real
// folder does (exchange.Dir then leaves nothing under the name, which
// exchange's TestSyncFault_FullDisk proves on a real directory).
type enospcFS struct {
	*exchange.Dir
	kind string
	full bool
}

func (e *enospcFS) WriteFile(name string, data []byte) error {
	if e.full && strings.Contains(name, e.kind) {
		return fmt.Errorf("write %s: %w", name, syscall.ENOSPC)
	}
	return e.Dir.WriteFile(name, data)
}

// TestSyncFault_FullDisk: the folder's disk fills up while the evidence or
// the bundle is written: the sync fails saying so, nothing is under a final
// name that should not be, the store stays consistent and unchanged, and
// a sync once there is room publishes everything once.
func TestSyncFault_FullDisk(t *testing.T) {
	for _, kind := range []string{"/o/", "/b/"} {
		t.Run(strings.Trim(kind, "/"), func(t *testing.T) {
			root := t.TempDir()
			dir := exchange.NewDir(root)
			reps, aud := teamOn(t, dir, 2)
			chief, a := reps[0], reps[1]
			ev := addPhoto(t, a, aud)
			a.SetResult(aud, "3", ResultPatch{Observation: str("ディスク満杯")})
			before := stateHash(t, a, aud)
			disk := &enospcFS{Dir: dir, kind: kind, full: true}
			_, err := a.sync(context.Background(), disk, nil)
			if !errors.Is(err, syscall.ENOSPC) || !errors.Is(err, ErrPublish) || !strings.Contains(err.Error(), "no space left on device") {
				t.Fatalf("sync on a full disk = %v; want ENOSPC in plain words", err)
			}
			if bundles, _ := finalFiles(t, root, a.Me().Member); bundles != 0 {
				t.Fatalf("%d bundles published on a full disk", bundles)
			}
			if stateHash(t, a, aud) != before {
				t.Fatal("the failed sync changed the state")
			}
			if rep, err := a.Check(context.Background(), nil); err != nil || !rep.OK() {
				t.Fatalf("check after the failed sync: %+v, %v", rep, err)
			}
			disk.full = false
			syncOn(t, a, disk)
			if bundles, objects := finalFiles(t, root, a.Me().Member); bundles != 1 || objects != 3 {
				t.Fatalf("after the retry: %d bundles, %d objects; want 1 and 3", bundles, objects)
			}
			rep := syncOn(t, chief, dir)
			if len(rep.Pending) != 0 || rep.Imported != 3 {
				t.Fatalf("chief: %+v", rep)
			}
			mustReadEvidence(t, chief, ev)
		})
	}
}
