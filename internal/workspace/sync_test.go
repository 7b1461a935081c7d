package workspace

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/exchange"
)

// memFolder is a fake shared folder that misbehaves like a sync service:
// scramble drops, truncates or duplicates files written since the last
// call; List answers in random order; heal delivers everything intact.
type memFolder struct {
	mu    sync.Mutex
	files map[string][]byte
	held  map[string][]byte
	fresh []string
	rng   *rand.Rand
}

func newMemFolder(seed uint64) *memFolder {
	return &memFolder{files: map[string][]byte{}, held: map[string][]byte{}, rng: rand.New(rand.NewPCG(seed, 3))}
}

func (f *memFolder) List(dir string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for n := range f.files {
		if path.Dir(n) == dir {
			out = append(out, path.Base(n))
		}
	}
	sort.Strings(out)
	f.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out, nil
}

func (f *memFolder) ReadFile(name string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.files[name]
	if !ok {
		return nil, fmt.Errorf("read %s: %w", name, fs.ErrNotExist)
	}
	return bytes.Clone(b), nil
}

func (f *memFolder) WriteFile(name string, data []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files[name] = bytes.Clone(data)
	f.fresh = append(f.fresh, name)
	return nil
}

func (f *memFolder) scramble(p float64, only string) (damaged int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	defer func() { f.fresh = nil }()
	for _, n := range f.fresh {
		if !strings.HasPrefix(n, "m/") || !strings.Contains(n, only) || f.rng.Float64() >= p {
			continue
		}
		damaged++
		data := f.files[n]
		switch f.rng.IntN(3) {
		case 0:
			f.held[n] = data
			delete(f.files, n)
		case 1:
			f.held[n] = data
			f.files[n] = data[:f.rng.IntN(len(data))]
		case 2:
			f.files[n+".sync-conflict-20260101-000000-XYZ"] = data
			f.files[n+".tmp"] = data[:len(data)/2]
			f.files[path.Dir(n)+"/desktop.ini"] = []byte("[.ShellClassInfo]")
		}
	}
	return damaged
}

func (f *memFolder) heal() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for n, d := range f.held {
		f.files[n] = d
	}
	clear(f.held)
}

type replica struct {
	name string
	w    *Workspace
}

func newReplica(t testing.TB, name string, role audit.Role, now func() time.Time) *Workspace {
	t.Helper()
	w, err := Create(filepath.Join(t.TempDir(), name), []byte("pass"), name, role, Options{KDF: testKDF, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// newTeam makes a chief with an audit from the internal template and n-1
// auditors who have joined the folder and synced once.
func newTeam(t *testing.T, fsys *memFolder, n int, nows ...func() time.Time) (reps []*Workspace, aud string) {
	t.Helper()
	return teamWith(t, fsys, n, NewAudit{Kind: audit.KindInternal, Template: "internal"}, nil, nows)
}

// teamWith makes a chief with the audit na (prepare, when set, adds to it
// before anyone joins) and n-1 auditors who joined through fsys, comparing
// fingerprints as people would, and everyone synced once without a
// rejected bundle.
func teamWith(t testing.TB, fsys exchange.FS, n int, na NewAudit, prepare func(chief *Workspace, aud string),
	nows []func() time.Time) (reps []*Workspace, aud string) {
	t.Helper()
	now := func(i int) func() time.Time {
		if i < len(nows) {
			return nows[i]
		}
		return nil
	}
	chief := newReplica(t, "主査", audit.RoleChief, now(0))
	eng, err := chief.CreateEngagement(audit.Engagement{Title: "監査", Client: "区", FiscalYear: 2026})
	if err != nil {
		t.Fatal(err)
	}
	na.EngagementID = eng
	if aud, err = chief.CreateAudit(na); err != nil {
		t.Fatal(err)
	}
	if prepare != nil {
		prepare(chief, aud)
	}
	if _, err := chief.createFolder(eng, "folder", fsys); err != nil {
		t.Fatal(err)
	}
	reps = append(reps, chief)
	for i := 1; i < n; i++ {
		w := newReplica(t, fmt.Sprintf("監査人%d", i), audit.RoleAuditor, now(i))
		req, fp, err := w.JoinRequest()
		if err != nil {
			t.Fatal(err)
		}
		m, err := chief.addTeamMember(fsys, req, audit.RoleAuditor)
		if err != nil {
			t.Fatal(err)
		}
		if m.Fingerprint != fp {
			t.Fatalf("chief sees fingerprint %s; member sees %s", m.Fingerprint, fp)
		}
		reps = append(reps, w)
	}
	for _, w := range reps {
		syncOn(t, w, fsys)
	}
	return reps, aud
}

func mustSync(t testing.TB, w *Workspace, fsys *memFolder) *SyncReport {
	t.Helper()
	rep, err := w.sync(context.Background(), fsys, nil)
	if err != nil {
		t.Fatalf("sync %s: %v", w.Me().Name, err)
	}
	return rep
}

func showJSON(t testing.TB, w *Workspace, aud string) string {
	t.Helper()
	st, err := w.AuditState(aud)
	if err != nil {
		t.Fatalf("%s: %v", w.Me().Name, err)
	}
	b, _ := json.MarshalIndent(st.Show(), "", " ")
	return string(b)
}

// TestSyncConvergesThroughAFaultyFolder: replicas edit offline at random
// and sync through a folder that drops, truncates, duplicates and
// reorders; after a final full sync every state is identical, and the
// concurrent last edits all survive as a conflict.
func TestSyncConvergesThroughAFaultyFolder(t *testing.T) {
	seeds := []uint64{1, 2, 3}
	if testing.Short() {
		seeds = seeds[:1]
	}
	for _, seed := range seeds {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 11))
			fsys := newMemFolder(seed)
			n := 2 + rng.IntN(3)
			reps, aud := newTeam(t, fsys, n)
			st, _ := reps[0].AuditState(aud)
			nos := []string{}
			for _, it := range st.Items[:6] {
				nos = append(nos, it.No)
			}
			ratings := []string{"conform", "partial", "nonconform", "na"}
			var pending, debris, damaged int
			faulty := func(w *Workspace) {
				rep := mustSync(t, w, fsys)
				pending += len(rep.Pending)
				debris += rep.Debris
				damaged += fsys.scramble(0.4, "")
			}
			for round := range 4 {
				for i, w := range reps {
					for k := range 1 + rng.IntN(4) {
						no := nos[rng.IntN(len(nos))]
						var p ResultPatch
						if rng.IntN(2) == 0 {
							p.Rating = &ratings[rng.IntN(len(ratings))]
						} else {
							p.Observation = str(fmt.Sprintf("r%d 所見 %d-%d\n二行目", round, i, k))
						}
						if err := w.SetResult(aud, no, p); err != nil && !errors.Is(err, ErrNotFound) {
							t.Fatalf("seed %d: %v", seed, err)
						}
					}
				}
				for _, i := range rng.Perm(n) {
					faulty(reps[i])
				}
			}
			// Last offline edits of one field by everyone: all must survive.
			for i, w := range reps {
				if err := w.SetResult(aud, nos[0], ResultPatch{Observation: str(fmt.Sprintf("最後 %d", i))}); err != nil {
					t.Fatal(err)
				}
			}
			for range 2 {
				for _, i := range rng.Perm(n) {
					faulty(reps[i])
				}
			}
			if damaged == 0 {
				t.Fatalf("seed %d: the folder never misbehaved", seed)
			}
			t.Logf("seed %d, %d replicas: %d files damaged, %d bundles pending along the way, %d debris files ignored", seed, n, damaged, pending, debris)
			fsys.heal()
			for range 2 {
				for _, i := range rng.Perm(n) {
					mustSync(t, reps[i], fsys)
				}
			}
			want := showJSON(t, reps[0], aud)
			for _, w := range reps[1:] {
				if got := showJSON(t, w, aud); got != want {
					t.Fatalf("seed %d: %s differs from %s", seed, w.Me().Name, reps[0].Me().Name)
				}
			}
			fin, _ := reps[0].AuditState(aud)
			it, _ := fin.Item(nos[0])
			for i := range reps {
				if !strings.Contains(strings.Join(it.Conflicts["observation"], "|"), fmt.Sprintf("最後 %d", i)) {
					t.Fatalf("seed %d: last edit of replica %d lost: %v", seed, i, it.Conflicts)
				}
			}
			for _, w := range reps {
				rep := mustSync(t, w, fsys)
				if len(rep.NewOps) != 0 || rep.Published != 0 || len(rep.Pending) != 0 {
					t.Fatalf("seed %d: a repeated sync did something: %+v", seed, rep)
				}
			}
		})
	}
}

// TestSyncFault_BundleBeforeItsObjects: a bundle whose evidence objects have
// not arrived is pending, not an error; once they arrive it applies and
// the evidence reads back intact, thumbnails included.
func TestSyncFault_BundleBeforeItsObjects(t *testing.T) {
	fsys := newMemFolder(5)
	reps, aud := newTeam(t, fsys, 2)
	chief, a := reps[0], reps[1]
	p := filepath.Join(t.TempDir(), "photo.jpg")
	content := testJPEG(t, 800, 600)
	os.WriteFile(p, content, 0o600)
	ev, err := chief.AddEvidence(context.Background(), aud, []string{"1"}, p, "入口")
	if err != nil {
		t.Fatal(err)
	}
	rep := mustSync(t, chief, fsys)
	if rep.PublishedObjects != 3 {
		t.Fatalf("published %d objects; want 3 (original, report copy, thumbnail)", rep.PublishedObjects)
	}
	// The bundle arrives before its objects: pending, not an error.
	fsys.fresh = nil
	for n := range fsys.files {
		if strings.Contains(n, "/o/") {
			fsys.held[n] = fsys.files[n]
			delete(fsys.files, n)
		}
	}
	rep = mustSync(t, a, fsys)
	if len(rep.Pending) != 1 || len(rep.NewOps) != 0 {
		t.Fatalf("bundle without its objects: %+v; want one pending", rep)
	}
	fsys.heal()
	rep = mustSync(t, a, fsys)
	if len(rep.Pending) != 0 || rep.Imported != 3 {
		t.Fatalf("after the objects arrived: %+v; want applied and 3 imported", rep)
	}
	_, read, err := a.OpenEvidence(ev.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := read(); err != nil || !bytes.Equal(got, content) {
		t.Fatalf("evidence on the auditor's side: %d bytes, %v; want the original", len(got), err)
	}
	if _, _, _, ok, err := a.EvidenceImage(ev.ID, true); !ok || err != nil {
		t.Fatalf("thumbnail on the auditor's side: %v, %v", ok, err)
	}
	if rep, err := a.Check(context.Background(), nil); err != nil || len(rep.Problems) != 0 {
		t.Fatalf("check after sync: %+v, %v", rep, err)
	}
}

// TestSyncClockSkew: +3 days and −1 year both warn, each naming its
// laptop and the way its clock is off, and neither changes the merged
// result.
func TestSyncClockSkew(t *testing.T) {
	fsys := newMemFolder(6)
	ahead := func() time.Time { return time.Now().Add(72 * time.Hour) }
	behind := func() time.Time { return time.Now().AddDate(-1, 0, 0) }
	reps, aud := newTeam(t, fsys, 3, nil, ahead, behind)
	st, _ := reps[0].AuditState(aud)
	no := st.Items[0].No
	reps[1].SetResult(aud, no, ResultPatch{Observation: str("未来")})
	reps[2].SetResult(aud, no, ResultPatch{Observation: str("過去")})
	mustSync(t, reps[1], fsys)
	mustSync(t, reps[2], fsys)
	rep := mustSync(t, reps[0], fsys)
	if w := strings.Join(rep.Warnings, "\n"); len(rep.Warnings) != 2 || !strings.Contains(w, "監査人1's clock runs 72h0m0s ahead of this one") ||
		!regexp.MustCompile(`監査人2's clock runs (8760|8784)h0m0s behind this one`).MatchString(w) {
		t.Fatalf("warnings = %q; want 監査人1 ahead by 3 days, 監査人2 behind by a year", w)
	}
	mustSync(t, reps[1], fsys)
	mustSync(t, reps[2], fsys)
	a, b, c := showJSON(t, reps[0], aud), showJSON(t, reps[1], aud), showJSON(t, reps[2], aud)
	if a != b || b != c {
		t.Fatal("skewed replicas differ")
	}
	fin, _ := reps[0].AuditState(aud)
	if it, _ := fin.Item(no); len(it.Conflicts["observation"]) != 2 {
		t.Fatalf("conflict = %v; want both values whatever the clocks", it.Conflicts)
	}
}

func TestSyncRefusesMissingFolderAndChangesNothing(t *testing.T) {
	w := mustWorkspace(t)
	mustAudit(t, w, "internal")
	var before int
	w.st.View(func(tx *bolt.Tx) error { vv, _ := tx.VersionVector(); before = int(vv[w.Me().Device]); return nil })
	for _, dir := range []string{t.TempDir(), filepath.Join(t.TempDir(), "unmounted")} {
		if _, err := w.Sync(context.Background(), dir, nil); !errors.Is(err, ErrNotFolder) {
			t.Fatalf("Sync(%s) = %v; want ErrNotFolder", dir, err)
		}
	}
	var after int
	w.st.View(func(tx *bolt.Tx) error { vv, _ := tx.VersionVector(); after = int(vv[w.Me().Device]); return nil })
	if before != after {
		t.Fatalf("ops %d -> %d; a failed sync wrote", before, after)
	}
}

func TestRemovedMemberReadsNothingNew(t *testing.T) {
	fsys := newMemFolder(7)
	reps, aud := newTeam(t, fsys, 3)
	chief, gone := reps[0], reps[2]
	st, _ := gone.AuditState(aud)
	gone.SetResult(aud, st.Items[0].No, ResultPatch{Observation: str("削除前")})
	mustSync(t, gone, fsys)
	mustSync(t, chief, fsys)
	if err := chief.removeTeamMember(fsys, gone.Me().Member); err != nil {
		t.Fatal(err)
	}
	chief.SetResult(aud, st.Items[1].No, ResultPatch{Observation: str("削除後の秘密")})
	mustSync(t, chief, fsys)
	rep := mustSync(t, gone, fsys)
	if len(rep.NewOps) != 0 || len(rep.Pending) != 1 || !strings.Contains(rep.Pending[0].Reason, "key") {
		t.Fatalf("removed member's sync: %+v; want the new bundle pending for lack of a key", rep)
	}
	if s := showJSON(t, gone, aud); strings.Contains(s, "削除後の秘密") {
		t.Fatal("removed member read data written after removal")
	}
	// Their work from before the removal stays with the team.
	mustSync(t, reps[1], fsys)
	if s := showJSON(t, reps[1], aud); !strings.Contains(s, "削除前") {
		t.Fatal("removed member's earlier edit was lost")
	}
}
