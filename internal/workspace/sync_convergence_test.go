package workspace

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/change"
)

// Replaying one seed of the convergence test:
//
//	go test ./internal/workspace -run TestConvergence -seed 1234 -v
//	KANSA_SEED=1234 go test ./internal/workspace -run TestConvergence -v
//
// KANSA_SEEDS=5000 runs more seeds than the default.
var seedFlag = flag.Uint64("seed", 0, "TestConvergence: run only this seed (or set KANSA_SEED)")

// flakyFolder is an in-memory shared folder that behaves like a sync
// service between two syncs of anyone: a file written since the last
// delivery may be dropped (invisible now, delivered in a later round),
// delivered partially first (truncated, the full file later), shadowed
// by conflict copies and case-changed duplicates, or surrounded by temp
// files, desktop.ini, Office lock files and 0-byte files. Listings come in
// random order. Everything the rng decides follows the seed; files are
// ordered by when they were written, never by their (random) names.
type flakyFolder struct {
	mu    sync.Mutex
	files map[string][]byte
	order map[string]int    // name -> when it first appeared
	held  map[string][]byte // true content of files dropped or partial
	fresh []string
	rng   *rand.Rand
	n     int
	stats flakyStats
}

type flakyStats struct{ Dropped, Truncated, Duplicated, Debris, Late int }

func newFlakyFolder(seed uint64, files map[string][]byte) *flakyFolder {
	f := &flakyFolder{files: map[string][]byte{}, order: map[string]int{}, held: map[string][]byte{},
		rng: rand.New(rand.NewPCG(seed, 0x5eed))}
	names := sortedKeys(files)
	for _, n := range names {
		f.put(n, files[n])
	}
	return f
}

func (f *flakyFolder) put(name string, data []byte) {
	if _, ok := f.order[name]; !ok {
		f.n++
		f.order[name] = f.n
	}
	f.files[name] = bytes.Clone(data)
}

func (f *flakyFolder) List(dir string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for n := range f.files {
		if path.Dir(n) == dir {
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool { return f.order[out[i]] < f.order[out[j]] })
	f.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	for i, n := range out {
		out[i] = path.Base(n)
	}
	return out, nil
}

func (f *flakyFolder) ReadFile(name string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.files[name]
	if !ok {
		return nil, fmt.Errorf("read %s: %w", name, fs.ErrNotExist)
	}
	return bytes.Clone(b), nil
}

func (f *flakyFolder) WriteFile(name string, data []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.put(name, data)
	delete(f.held, name)
	f.fresh = append(f.fresh, name)
	return nil
}

// deliver runs the sync service once: held files arrive with probability
// 1/2, then each file written since the last delivery misbehaves with
// probability p.
func (f *flakyFolder) deliver(p float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	held := sortedKeys(f.held)
	sort.Slice(held, func(i, j int) bool { return f.order[held[i]] < f.order[held[j]] })
	for _, n := range held {
		if f.rng.IntN(2) == 0 {
			f.files[n] = f.held[n]
			delete(f.held, n)
			f.stats.Late++
		}
	}
	for _, n := range f.fresh {
		if !strings.HasPrefix(n, "m/") || f.rng.Float64() >= p {
			continue
		}
		data := f.files[n]
		dir, base := path.Split(n)
		switch f.rng.IntN(4) {
		case 0:
			f.held[n] = data
			delete(f.files, n)
			f.stats.Dropped++
		case 1:
			f.held[n] = data
			f.files[n] = data[:f.rng.IntN(len(data))]
			f.stats.Truncated++
		case 2:
			stem, ext, _ := strings.Cut(base, ".")
			if ext != "" {
				ext = "." + ext
			}
			f.put(dir+stem+" (conflicted copy 2026-01-05)"+ext, data)
			f.put(dir+base+".sync-conflict-20260105-101010-ABCDEFG", data)
			f.put(dir+strings.ToUpper(base), data)
			f.put(dir+stem+"-LAPTOP-7"+ext, data)
			f.stats.Duplicated++
		case 3:
			f.put(dir+"."+base+".48213.tmp", data[:len(data)/2])
			f.put(dir+base+".tmp", nil)
			f.put(dir+"desktop.ini", []byte("[.ShellClassInfo]\r\n"))
			f.put(dir+"~$"+base, nil)
			f.put(dir+"Thumbs.db", nil)
			f.stats.Debris++
		}
	}
	f.fresh = nil
}

// heal delivers every held file intact.
func (f *flakyFolder) heal() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for n, d := range f.held {
		f.files[n] = d
	}
	clear(f.held)
}

// dump writes the folder as it stands (and the held files under held/)
// into dir, for a failed seed to be looked at.
func (f *flakyFolder) dump(dir string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for prefix, m := range map[string]map[string][]byte{"folder": f.files, "held": f.held} {
		for n, d := range m {
			p := filepath.Join(dir, prefix, filepath.FromSlash(n))
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				return err
			}
			if err := os.WriteFile(p, d, 0o600); err != nil {
				return err
			}
		}
	}
	return nil
}

// golden is a team made once and copied for every seed: a chief and five
// auditors who have joined and synced an audit of 8 items, each with an
// observation and a proposal of 12 lines.
type golden struct {
	dir    string
	stores []string
	folder map[string][]byte
	audit  string
	items  []string // item numbers
	// A hearing (notes of 12 lines, 6 statements) and a review note (12
	// lines), whose long texts replicas edit like the items'.
	hearing, note string
}

const goldenSize = 6

func makeGolden(t *testing.T) *golden {
	t.Helper()
	dir, err := os.MkdirTemp("", "kansa-golden-")
	if err != nil {
		t.Fatal(err)
	}
	g := &golden{dir: dir}
	rng := rand.New(rand.NewPCG(1, 1))
	fsys := newFlakyFolder(1, nil)
	var reps []*Workspace
	defer func() {
		for _, w := range reps {
			w.Close()
		}
	}()
	for i := range goldenSize {
		name, role := fmt.Sprintf("監査人%d", i), audit.RoleAuditor
		if i == 0 {
			name, role = "主査", audit.RoleChief
		}
		p := filepath.Join(dir, strconv.Itoa(i))
		w, err := Create(p, []byte("pass"), name, role, Options{KDF: testKDF, Rand: seededReader{rng}})
		if err != nil {
			t.Fatal(err)
		}
		reps = append(reps, w)
		g.stores = append(g.stores, p)
	}
	chief := reps[0]
	eng, err := chief.CreateEngagement(audit.Engagement{Title: "収束試験", Client: "区", FiscalYear: 2026})
	if err != nil {
		t.Fatal(err)
	}
	if g.audit, err = chief.CreateAudit(NewAudit{EngagementID: eng, Kind: audit.KindInternal, Title: "情報セキュリティ"}); err != nil {
		t.Fatal(err)
	}
	for i := range 8 {
		no := strconv.Itoa(i + 1)
		if _, err := chief.AddItem(g.audit, audit.Item{No: no, Section: "物理", Title: "項目 " + no}); err != nil {
			t.Fatal(err)
		}
		// Long texts every replica starts from, so that most edits are
		// edits of one line of a shared text and may merge.
		var obs, prop []string
		for l := range 12 {
			obs = append(obs, fmt.Sprintf("所見%s-%d", no, l+1))
			prop = append(prop, fmt.Sprintf("提案%s-%d", no, l+1))
		}
		if err := chief.SetResult(g.audit, no, ResultPatch{Observation: str(strings.Join(obs, "\n")), Proposal: str(strings.Join(prop, "\n"))}); err != nil {
			t.Fatal(err)
		}
		g.items = append(g.items, no)
	}
	var notes, lines []string
	var stmts []NewStatement
	for l := range 12 {
		notes = append(notes, fmt.Sprintf("聴取メモ-%d", l+1))
		lines = append(lines, fmt.Sprintf("レビュー指摘-%d", l+1))
	}
	for l := range 6 {
		stmts = append(stmts, NewStatement{Text: fmt.Sprintf("発言-%d", l+1), ItemNos: []string{g.items[l%len(g.items)]}})
	}
	if g.hearing, err = chief.AddHearing(g.audit, NewHearing{At: time.Date(2026, 5, 20, 10, 0, 0, 0, time.UTC), Place: "会議室",
		Interviewees: []audit.Interviewee{{Name: "情報政策課長"}}, Statements: stmts, Notes: strings.Join(notes, "\n")}); err != nil {
		t.Fatal(err)
	}
	if g.note, err = chief.AddNote(g.audit, "1", strings.Join(lines, "\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := chief.createFolder(eng, "mem", fsys); err != nil {
		t.Fatal(err)
	}
	for _, w := range reps[1:] {
		req, _, err := w.JoinRequest()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := chief.addTeamMember(fsys, req, audit.RoleAuditor); err != nil {
			t.Fatal(err)
		}
	}
	for _, w := range reps {
		if _, err := w.sync(context.Background(), fsys, nil); err != nil {
			t.Fatal(err)
		}
	}
	g.folder = fsys.files
	return g
}

// openNoSync opens a store without fsync: the convergence test is about
// the merge, and durability has tests of its own.
func openNoSync(dir string, o Options) (*Workspace, error) {
	o.defaults()
	bo := o.bolt()
	bo.NoSync = true
	st, err := bolt.Open(dir, []byte("pass"), bo)
	if err != nil {
		return nil, err
	}
	return wrap(dir, st, o), nil
}

type seededReader struct{ r *rand.Rand }

func (s seededReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(s.r.Uint32())
	}
	return len(p), nil
}

func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(to, 0o700)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}

// seedList is what TestConvergence runs: -seed or KANSA_SEED alone, else
// KANSA_SEEDS seeds (default 500; 50 with -short) from 1.
func seedList(t *testing.T) []uint64 {
	if *seedFlag != 0 {
		return []uint64{*seedFlag}
	}
	if s := os.Getenv("KANSA_SEED"); s != "" {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("KANSA_SEED=%q: %v", s, err)
		}
		return []uint64{n}
	}
	n := 500
	if testing.Short() {
		n = 50
	}
	if s := os.Getenv("KANSA_SEEDS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n < 1 {
			t.Fatalf("KANSA_SEEDS=%q: want a positive count", s)
		}
	}
	out := make([]uint64, n)
	for i := range out {
		out[i] = uint64(i + 1)
	}
	return out
}

// TestConvergence: 2 to 6 replicas edit offline at random (ratings,
// multi-line observations and proposals, photos and documents, item
// deletions) and sync through a flakyFolder. Most long-text edits change,
// insert or delete one line of the text the replica shows, so concurrent
// edits sometimes merge line by line (merge.go) and sometimes conflict.
// After the folder heals and syncs repeat until nothing moves, every
// replica has the same state hash; every field holds exactly the writes
// no other write superseded (so each replica's last write survives unless
// a later write that had seen it replaced it), shown as the value, among
// the conflict values, or among the values a merged text combines (and
// the merged text then holds every line those writes added and none they
// deleted); every field a replica ends with in conflict was listed by one
// of its sync reports; every piece of evidence reads back intact
// everywhere; no bundle was ever rejected. A failing seed is printed and
// its stores and folder are kept.
func TestConvergence(t *testing.T) {
	seeds := seedList(t)
	g := makeGolden(t)
	t.Cleanup(func() { os.RemoveAll(g.dir) })
	start := time.Now()
	var totals struct {
		flakyStats
		ops, pending, debris, conflicts, merged, lineEdits, onMerge, restored, otherTexts, otherMerged int
	}
	var mu sync.Mutex
	t.Run("seed", func(t *testing.T) {
		for _, seed := range seeds {
			t.Run(strconv.FormatUint(seed, 10), func(t *testing.T) {
				t.Parallel()
				r := runSeed(t, g, seed)
				mu.Lock()
				defer mu.Unlock()
				totals.Dropped += r.folder.Dropped
				totals.Truncated += r.folder.Truncated
				totals.Duplicated += r.folder.Duplicated
				totals.Debris += r.folder.Debris
				totals.ops += r.ops
				totals.pending += r.pending
				totals.debris += r.debris
				totals.conflicts += r.conflicts
				totals.merged += r.merged
				totals.lineEdits += r.lineEdits
				totals.onMerge += r.onMerge
				totals.restored += r.restored
				totals.otherTexts += r.otherTexts
				totals.otherMerged += r.otherMerged
			})
		}
	})
	if t.Failed() {
		return
	}
	t.Logf("%d seeds in %s: %d edits (%d of one line of a long text, %d of a merged text, %d of a hearing's or review note's text, %d of which ended merged); folder dropped %d, truncated %d, duplicated %d files and grew debris %d times; "+
		"syncs met %d pending bundles and ignored %d debris files; %d fields ended in conflict, %d long texts merged, %d items restored by an edit",
		len(seeds), time.Since(start).Round(time.Millisecond), totals.ops, totals.lineEdits, totals.onMerge, totals.otherTexts, totals.otherMerged, totals.Dropped, totals.Truncated, totals.Duplicated,
		totals.Debris, totals.pending, totals.debris, totals.conflicts, totals.merged, totals.restored)
	if len(seeds) >= 50 && (totals.Dropped == 0 || totals.Truncated == 0 || totals.Duplicated == 0 || totals.pending == 0 ||
		totals.conflicts == 0 || totals.merged == 0 || totals.onMerge == 0 || totals.restored == 0 || totals.otherMerged == 0) {
		t.Fatalf("the seeds did not exercise every fault and merge case: %+v", totals)
	}
}

type seedResult struct {
	folder                                                                                         flakyStats
	ops, pending, debris, conflicts, merged, lineEdits, onMerge, restored, otherTexts, otherMerged int
}

// write is one edit the test made, as the op that carries it. For a long
// text, added holds the lines the edit wrote (each unique to this edit)
// and removed the line it deleted, if any.
type write struct {
	replica        int
	op             change.OpID
	value          string
	supersedes     []change.OpID
	added, removed []string
}

type fieldKey struct{ entity, field string }

func runSeed(t *testing.T, g *golden, seed uint64) (res seedResult) {
	root, err := os.MkdirTemp("", fmt.Sprintf("kansa-convergence-%d-", seed))
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 0xC0FFEE))
	n := 2 + rng.IntN(goldenSize-1)
	fsys := newFlakyFolder(seed, g.folder)
	reps := make([]*Workspace, n)
	defer func() {
		for _, w := range reps {
			if w != nil {
				w.Close()
			}
		}
		if t.Failed() {
			fsys.dump(root)
			t.Logf("seed %d FAILED with %d replicas; stores (0..%d, passphrase \"pass\") and the folder are kept in %s; "+
				"replay with: go test ./internal/workspace -run TestConvergence -seed %d -v", seed, n, n-1, root, seed)
		} else {
			os.RemoveAll(root)
		}
	}()
	// Clocks: each replica's own, some of them skewed by days or a year.
	base := time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC)
	skews := []time.Duration{0, 0, 0, 72 * time.Hour, -365 * 24 * time.Hour, 3 * time.Minute}
	for i := range reps {
		if err := copyTree(g.stores[i], filepath.Join(root, strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
		var tick int64
		skew := skews[rng.IntN(len(skews))]
		now := func() time.Time { tick++; return base.Add(skew + time.Duration(tick)*time.Second) }
		w, err := openNoSync(filepath.Join(root, strconv.Itoa(i)), Options{Now: now, Rand: seededReader{rand.New(rand.NewPCG(seed, uint64(i)))}})
		if err != nil {
			t.Fatalf("seed %d: open replica %d: %v", seed, i, err)
		}
		reps[i] = w
	}
	aud := g.audit
	var itemIDs []string
	st, err := reps[0].AuditState(aud)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range st.Items {
		itemIDs = append(itemIDs, it.ID)
	}

	hist := map[fieldKey][]write{}
	type evRec struct {
		id, sha string
	}
	var evidence []evRec
	edits := 0
	ratings := []string{"conform", "partial", "nonconform", "na"}

	// edit makes one random edit on replica i and records it.
	edit := func(i int) {
		w := reps[i]
		k := rng.IntN(len(g.items))
		no, id := g.items[k], itemIDs[k]
		kind := rng.IntN(20)
		if kind >= 18 { // evidence
			name, data := randomEvidence(rng)
			p := filepath.Join(root, fmt.Sprintf("ev-%d-%d-%s", i, edits, name))
			if err := os.WriteFile(p, data, 0o600); err != nil {
				t.Fatal(err)
			}
			ev, err := w.AddEvidence(context.Background(), aud, []string{no}, p, fmt.Sprintf("写真 %d-%d", i, edits))
			if errors.Is(err, ErrNotFound) {
				return // the item is deleted here
			}
			if err != nil {
				t.Fatalf("seed %d: replica %d: add evidence: %v", seed, i, err)
			}
			sum := sha256.Sum256(data)
			if ev.SHA256 != hex.EncodeToString(sum[:]) {
				t.Fatalf("seed %d: evidence SHA-256 %s; want %x", seed, ev.SHA256, sum)
			}
			evidence = append(evidence, evRec{ev.ID, ev.SHA256})
			edits++
			return
		}
		var field, value string
		var added, removed []string
		var do func() error
		switch {
		case kind == 17: // delete the item
			field, value = change.FieldDeleted, ""
			do = func() error { return w.DeleteItem(aud, no) }
		case kind < 7:
			field, value = "rating", ratings[rng.IntN(len(ratings))]
			do = func() error { return w.SetResult(aud, no, ResultPatch{Rating: &value}) }
		case kind >= 14: // a hearing's or a review note's long text
			tt := otherTexts(g)[rng.IntN(4)]
			id, field = tt.entity, tt.field
		default:
			if rng.IntN(2) == 0 {
				// Half the long-text edits go to the first three
				// items, so that replicas often edit one text
				// concurrently.
				k = rng.IntN(3)
				no, id = g.items[k], itemIDs[k]
			}
			field = []string{"observation", "proposal"}[rng.IntN(2)]
		}
		if field != "rating" && field != change.FieldDeleted {
			// A long text. One edit in three goes to a text this
			// replica shows merged, when there is one: an edit on top
			// of a merge must supersede every value merged.
			if rng.IntN(3) == 0 {
				for _, tt := range append(hotTexts(itemIDs), otherTexts(g)...) {
					if _, m := shownText(w, tt.entity, tt.field); m {
						id, field = tt.entity, tt.field
						if k := slices.Index(itemIDs, id); k >= 0 {
							no = g.items[k]
						}
						break
					}
				}
			}
			cur, onMerge := shownText(w, id, field)
			var lineEdit bool
			value, added, removed, lineEdit = nextFieldText(rng, field, cur, fmt.Sprintf("%s%d-%d", field[:3], i, edits))
			if lineEdit {
				res.lineEdits++
			}
			if onMerge {
				res.onMerge++
			}
			switch {
			case id == g.hearing || id == g.note:
				res.otherTexts++
				var v any = value
				if field == "statements" {
					var st []audit.Statement
					if err := json.Unmarshal([]byte(value), &st); err != nil {
						t.Fatal(err)
					}
					v = st
				}
				do = func() error { return w.SetField(aud, id, field, v) }
			case rng.IntN(2) == 0:
				do = func() error { return w.SetField(aud, id, field, value) } // the GUI's autosave
			case field == "observation":
				do = func() error { return w.SetResult(aud, no, ResultPatch{Observation: &value}) }
			default:
				do = func() error { return w.SetResult(aud, no, ResultPatch{Proposal: &value}) }
			}
		}
		var before change.Register
		var seq uint64
		w.st.View(func(tx *bolt.Tx) error {
			if e, err := tx.Entity(id); err == nil {
				before = e.Get(field)
			}
			vv, err := tx.VersionVector()
			seq = vv[w.Me().Device]
			return err
		})
		if err := do(); errors.Is(err, ErrNotFound) {
			return // deleted here
		} else if err != nil {
			t.Fatalf("seed %d: replica %d: edit %s of item %s: %v", seed, i, field, no, err)
		}
		var wr *write
		w.st.View(func(tx *bolt.Tx) error {
			e, err := tx.Entity(id)
			if err != nil {
				return err
			}
			for _, v := range e.Get(field).Values {
				if v.Op.Device == w.Me().Device && v.Op.Seq > seq {
					wr = &write{replica: i, op: v.Op, value: registerString(v.Value), supersedes: before.IDs(), added: added, removed: removed}
				}
			}
			return nil
		})
		if wr == nil {
			return // the field already held exactly this value: no op
		}
		hist[fieldKey{id, field}] = append(hist[fieldKey{id, field}], *wr)
		edits++
	}

	reported := make([]map[fieldKey]bool, n) // per replica, the conflicts its syncs listed
	check := func(i int, rep *SyncReport) {
		if len(rep.Rejected) != 0 {
			t.Fatalf("seed %d: replica %d rejected bundles: %+v", seed, i, rep.Rejected)
		}
		res.pending += len(rep.Pending)
		res.debris += rep.Debris
		if reported[i] == nil {
			reported[i] = map[fieldKey]bool{}
		}
		for _, c := range rep.Conflicts {
			reported[i][fieldKey{c.Entity, c.Field}] = true
		}
	}
	syncOne := func(i int) *SyncReport {
		rep, err := reps[i].sync(context.Background(), fsys, nil)
		if err != nil {
			t.Fatalf("seed %d: replica %d: sync: %v", seed, i, err)
		}
		check(i, rep)
		return rep
	}
	rounds := 2 + rng.IntN(2)
	for range rounds {
		for i := range reps {
			for range 1 + rng.IntN(2) {
				edit(i)
			}
		}
		for _, i := range rng.Perm(n) {
			if rng.IntN(4) != 0 {
				syncOne(i)
				fsys.deliver(0.35)
			}
		}
	}
	// Last offline edits, then the folder heals and everyone syncs until
	// nothing moves.
	for i := range reps {
		if rng.IntN(2) == 0 {
			edit(i)
		}
	}
	fsys.heal()
	quiet := false
	for round := 0; round < 8 && !quiet; round++ {
		quiet = true
		for _, i := range rng.Perm(n) {
			rep := syncOne(i)
			if rep.Published != 0 || len(rep.NewOps) != 0 || len(rep.Pending) != 0 || rep.Imported != 0 || rep.PublishedObjects != 0 {
				quiet = false
			}
		}
	}
	if !quiet {
		t.Fatalf("seed %d: still syncing after 8 full rounds", seed)
	}

	// 1. One state everywhere.
	want := stateHash(t, reps[0], aud)
	for i, w := range reps[1:] {
		if got := stateHash(t, w, aud); got != want {
			t.Fatalf("seed %d: replica %d's state hash %s differs from replica 0's %s\nreplica 0: %s\nreplica %d: %s",
				seed, i+1, got[:12], want[:12], showJSON(t, reps[0], aud), i+1, showJSON(t, w, aud))
		}
	}
	shown := map[string]ItemState{}
	for _, it := range mustAuditState(t, reps[0], aud).Items {
		shown[it.ID] = it
	}
	// Every field in conflict (the same on every replica, as the state
	// hashes say) was listed by one of each replica's sync reports: a
	// conflict only ever arises from applying a bundle, and the reports
	// leave out long texts that merge.
	for _, id := range itemIDs {
		for f := range shown[id].Conflicts {
			for i := range reps {
				if !reported[i][fieldKey{id, f}] {
					t.Fatalf("seed %d: replica %d ends with item %s field %s in conflict, which no sync report listed", seed, i, shown[id].No, f)
				}
			}
		}
	}
	if err := reps[0].st.View(func(tx *bolt.Tx) error {
		for _, id := range []string{g.hearing, g.note} {
			e, err := tx.Entity(id)
			if err != nil {
				return err
			}
			for _, f := range fieldConflicts(tx, e) {
				for i := range reps {
					if !reported[i][fieldKey{id, f}] {
						return fmt.Errorf("replica %d ends with %s field %s in conflict, which no sync report listed", i, e.Type(), f)
					}
				}
			}
		}
		return nil
	}); err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	// 2. Every field holds exactly the writes nothing superseded.
	keys := make([]fieldKey, 0, len(hist))
	for k := range hist {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].entity+keys[i].field < keys[j].entity+keys[j].field })
	err = reps[0].st.View(func(tx *bolt.Tx) error {
		for _, k := range keys {
			ws := hist[k]
			gone := map[change.OpID]bool{}
			for _, w := range ws {
				for _, s := range w.supersedes {
					gone[s] = true
				}
			}
			var survivors []write
			for _, w := range ws {
				if !gone[w.op] {
					survivors = append(survivors, w)
				}
			}
			e, err := tx.Entity(k.entity)
			if err != nil {
				return err
			}
			reg := e.Get(k.field)
			have := map[change.OpID]bool{}
			for _, v := range reg.Values {
				have[v.Op] = true
			}
			for _, w := range survivors {
				if !have[w.op] {
					return fmt.Errorf("item %s field %s: the write %s by replica %d (%q) was superseded by nothing, yet it is gone; the register holds %v",
						k.entity, k.field, w.op, w.replica, w.value, reg.IDs())
				}
			}
			for _, v := range reg.Values {
				if gone[v.Op] {
					return fmt.Errorf("item %s field %s: %s survives though a later write superseded it", k.entity, k.field, v.Op)
				}
				if !contains(survivors, v.Op) {
					return fmt.Errorf("item %s field %s: %s is a value no replica wrote", k.entity, k.field, v.Op)
				}
			}
			vals := map[string]bool{}
			for _, w := range survivors {
				vals[w.value] = true
			}
			if k.entity == g.hearing || k.entity == g.note {
				if err := checkOtherText(tx, e, k.field, survivors, vals, &res); err != nil {
					return fmt.Errorf("%s %s: %w", e.Type(), k.entity, err)
				}
				continue
			}
			it, alive := shown[k.entity]
			if k.field == change.FieldDeleted || !alive {
				continue
			}
			cur := map[string]string{"rating": it.Result.Rating, "observation": it.Result.Observation, "proposal": it.Result.Proposal}[k.field]
			if m := it.Merged[k.field]; len(m) > 0 {
				// Merged: the text combines exactly the surviving
				// writes, with the lines each added and without the
				// line each deleted.
				res.merged++
				if _, c := it.Conflicts[k.field]; c {
					return fmt.Errorf("item %s field %s is both merged and in conflict", it.No, k.field)
				}
				if len(m) != len(survivors) {
					return fmt.Errorf("item %s field %s: the merged text combines %d values; %d writes survive", it.No, k.field, len(m), len(survivors))
				}
				for _, v := range m {
					if id, err := change.ParseOpID(v.Op); err != nil || !contains(survivors, id) {
						return fmt.Errorf("item %s field %s: merged value %s is not a surviving write", it.No, k.field, v.Op)
					}
				}
				lines := map[string]bool{}
				for _, l := range strings.Split(cur, "\n") {
					lines[l] = true
				}
				for _, w := range survivors {
					for _, l := range w.added {
						if !lines[l] {
							return fmt.Errorf("item %s field %s: the merged text %q lacks the line %q that write %s added", it.No, k.field, cur, l, w.op)
						}
					}
					for _, l := range w.removed {
						if lines[l] {
							return fmt.Errorf("item %s field %s: the merged text %q still holds the line %q that write %s deleted", it.No, k.field, cur, l, w.op)
						}
					}
				}
				continue
			}
			if len(vals) <= 1 {
				if len(vals) == 0 && cur != "" || len(vals) == 1 && !vals[cur] {
					return fmt.Errorf("item %s shows %s = %q; the only surviving write is %v", it.No, k.field, cur, survivors)
				}
				continue
			}
			if len(vals) > 1 {
				res.conflicts++
				listed := map[string]bool{}
				for _, v := range it.Conflicts[k.field] {
					listed[v] = true
				}
				for v := range vals {
					if !listed[v] {
						return fmt.Errorf("item %s field %s: concurrent write %q is not among the conflict values %q", it.No, k.field, v, it.Conflicts[k.field])
					}
				}
			}
		}
		// 3. An item stays deleted only when every surviving value was
		// seen by a delete.
		for _, id := range itemIDs {
			e, err := tx.Entity(id)
			if err != nil {
				return err
			}
			_, alive := shown[id]
			covered := map[change.OpID]bool{}
			deleted := false
			for _, v := range e.Get(change.FieldDeleted).Values {
				var d change.DeleteValue
				if json.Unmarshal(v.Value, &d) == nil && d.Deleted {
					deleted = true
					for _, s := range d.Seen {
						covered[s] = true
					}
				}
			}
			unseen := false
			for name, reg := range e.Fields {
				for _, v := range reg.Values {
					if name != change.FieldDeleted && !covered[v.Op] {
						unseen = true
					}
				}
			}
			if want := !deleted || unseen; alive != want {
				return fmt.Errorf("item %s: shown=%v; want %v (deleted=%v, an unseen edit=%v)", id, alive, want, deleted, unseen)
			}
			if deleted && unseen {
				res.restored++
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("seed %d: %v", seed, err)
	}
	// 4. Every piece of evidence reads back intact on every replica.
	for i, w := range reps {
		for _, ev := range evidence {
			_, read, err := w.OpenEvidence(ev.id)
			if err != nil {
				t.Fatalf("seed %d: replica %d: evidence %s: %v", seed, i, ev.id, err)
			}
			data, err := read()
			if err != nil {
				t.Fatalf("seed %d: replica %d: evidence %s: %v", seed, i, ev.id, err)
			}
			if s := sha256.Sum256(data); hex.EncodeToString(s[:]) != ev.sha {
				t.Fatalf("seed %d: replica %d: evidence %s reads back with another SHA-256", seed, i, ev.id)
			}
		}
	}
	res.folder = fsys.stats
	res.ops = edits
	return res
}

func contains(ws []write, id change.OpID) bool {
	for _, w := range ws {
		if w.op == id {
			return true
		}
	}
	return false
}

func registerString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return string(raw)
	}
	return s
}

func mustAuditState(t *testing.T, w *Workspace, aud string) *AuditState {
	t.Helper()
	st, err := w.AuditState(aud)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// stateHash is a canonical hash of everything derived about an audit: the
// version vector, every entity under it (live or deleted) with every
// surviving value of every field, conflicts included, and the `show
// --json` document.
func stateHash(t testing.TB, w *Workspace, aud string) string {
	t.Helper()
	h := sha256.New()
	err := w.st.View(func(tx *bolt.Tx) error {
		vv, err := tx.VersionVector()
		if err != nil {
			return err
		}
		for _, d := range sortedKeys(vv) {
			fmt.Fprintf(h, "vv %s %d\n", d, vv[d])
		}
		ids, err := tx.Children(aud)
		if err != nil {
			return err
		}
		ids = append([]string{aud}, ids...)
		sort.Strings(ids)
		for _, id := range ids {
			e, err := tx.Entity(id)
			if err != nil {
				return err
			}
			fmt.Fprintf(h, "entity %s status %d early %d\n", id, e.Status(), len(e.Early))
			for _, f := range sortedKeys(e.Fields) {
				for _, v := range e.Fields[f].Values {
					fmt.Fprintf(h, " %s %s %d/%d %s %s\n", f, v.Op, v.At.Wall, v.At.Logical, v.Author, v.Value)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("%s: %v", w.Me().Name, err)
	}
	h.Write([]byte(showJSON(t, w, aud)))
	return hex.EncodeToString(h.Sum(nil))
}

// randomEvidence returns a small generated photo (JPEG or PNG) or
// document; now and then the same bytes twice, so that two members
// capture identical content.
func randomEvidence(rng *rand.Rand) (name string, data []byte) {
	w, h := 8+rng.IntN(24), 8+rng.IntN(24)
	if rng.IntN(5) == 0 {
		w, h = 16, 12 // identical content from different hands
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	c := color.RGBA{uint8(w * 7), uint8(h * 5), 90, 255}
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{c.R + uint8(x), c.G + uint8(y), c.B, 255})
		}
	}
	var b bytes.Buffer
	switch rng.IntN(3) {
	case 0:
		jpeg.Encode(&b, img, nil)
		return "photo.jpg", b.Bytes()
	case 1:
		png.Encode(&b, img)
		return "scan.png", b.Bytes()
	default:
		return "memo.txt", fmt.Appendf(nil, "ヒアリングメモ %dx%d\n", w, h)
	}
}

// shownText is the text replica w shows for a long-text field of an
// entity: the merged text when concurrent edits merge (merged is then
// true), else the current value ("" when unset or unknown here).
func shownText(w *Workspace, id, field string) (text string, merged bool) {
	w.st.View(func(tx *bolt.Tx) error {
		e, err := tx.Entity(id)
		if err != nil {
			return nil
		}
		r, m := resolveMerges(tx, e)
		if c, ok := r.Get(field).Current(); ok {
			text = registerString(c.Value)
		}
		_, merged = m[field]
		return nil
	})
	return text, merged
}

// nextLongText returns the next text of a long-text field shown as cur.
// Nine times in ten, when cur has at least three lines, it changes,
// inserts or deletes one line of cur, at either end or anywhere, so
// that concurrent edits by other replicas are sometimes far apart (they
// merge) and sometimes adjacent or on the same line (a conflict);
// otherwise it writes a whole new text of 3 to 7 lines, which touches
// every line. Every new line names tag (the field, replica and edit), so
// it is unique to this edit. added lists the new lines, removed the line
// deleted.
func nextLongText(rng *rand.Rand, cur, tag string) (text string, added, removed []string, lineEdit bool) {
	lines := strings.Split(cur, "\n")
	if cur == "" || len(lines) < 3 || rng.IntN(10) == 0 {
		lines = lines[:0]
		for l := range 3 + rng.IntN(5) {
			lines = append(lines, fmt.Sprintf("%s 行%d", tag, l+1))
		}
		return strings.Join(lines, "\n"), lines, nil, false
	}
	var at int
	switch rng.IntN(4) {
	case 0:
		at = 0 // the first line
	case 1:
		at = len(lines) - 1 // the last line
	default:
		at = rng.IntN(len(lines))
	}
	line := tag + " 改定"
	switch op := rng.IntN(4); {
	case op == 3 && len(lines) > 3: // delete
		removed = []string{lines[at]}
		lines = append(lines[:at:at], lines[at+1:]...)
	case op == 2: // insert before line at
		lines = append(lines[:at:at], append([]string{line}, lines[at:]...)...)
		added = []string{line}
	default: // change
		removed = []string{lines[at]}
		lines = slices.Clone(lines)
		lines[at] = line
		added = []string{line}
	}
	return strings.Join(lines, "\n"), added, removed, true
}

// textTarget is a long-text field.
type textTarget struct{ entity, field string }

// otherTexts are the long texts outside the items.
func otherTexts(g *golden) []textTarget {
	return []textTarget{{g.hearing, "notes"}, {g.hearing, "statements"}, {g.note, "text"}, {g.note, "response"}}
}

// hotTexts are the long texts of the three items half the item text
// edits go to.
func hotTexts(itemIDs []string) []textTarget {
	var out []textTarget
	for _, id := range itemIDs[:3] {
		out = append(out, textTarget{id, "observation"}, textTarget{id, "proposal"})
	}
	return out
}

// nextFieldText is nextLongText for any long-text field. Hearing
// statements are a JSON array merged statement by statement: there a
// "line" is one statement (its JSON), and a new line is a statement
// whose text is the new line.
func nextFieldText(rng *rand.Rand, field, cur, tag string) (text string, added, removed []string, lineEdit bool) {
	if field != "statements" {
		return nextLongText(rng, cur, tag)
	}
	lines := statementLines(cur)
	text, added, removed, lineEdit = nextLongText(rng, strings.Join(lines, "\n"), tag)
	if text == "" {
		return "[]", added, removed, lineEdit
	}
	var out []json.RawMessage
	for _, l := range strings.Split(text, "\n") {
		out = append(out, json.RawMessage(asStatement(l)))
	}
	for i, l := range added {
		added[i] = asStatement(l)
	}
	b, _ := json.Marshal(out)
	return string(b), added, removed, lineEdit
}

// statementLines is a statements value as lines: each statement's JSON.
func statementLines(raw string) []string {
	var st []audit.Statement
	if json.Unmarshal([]byte(raw), &st) != nil {
		return nil
	}
	out := make([]string, len(st))
	for i, s := range st {
		b, _ := json.Marshal(s)
		out[i] = string(b)
	}
	return out
}

// asStatement keeps a statement's JSON as it is and makes any other line
// the text of a new statement.
func asStatement(l string) string {
	var st audit.Statement
	if json.Unmarshal([]byte(l), &st) == nil && st.Text != "" {
		b, _ := json.Marshal(st)
		return string(b)
	}
	b, _ := json.Marshal(audit.Statement{Text: l})
	return string(b)
}

// checkOtherText is pass criterion 2 for a hearing's or review note's long
// text, read as the store resolves it: a merged text combines exactly the
// surviving writes with every line each added and none it deleted; a
// single surviving write is the value; concurrent writes are all listed.
func checkOtherText(tx *bolt.Tx, e *change.Entity, field string, survivors []write, vals map[string]bool, res *seedResult) error {
	r, m := resolveMerges(tx, e)
	cur := ""
	if c, ok := r.Get(field).Current(); ok {
		cur = registerString(c.Value)
	}
	if merged := m[field]; len(merged) > 0 {
		res.merged++
		res.otherMerged++
		if len(merged) != len(survivors) {
			return fmt.Errorf("field %s: the merged text combines %d values; %d writes survive", field, len(merged), len(survivors))
		}
		for _, v := range merged {
			if !contains(survivors, v.Op) {
				return fmt.Errorf("field %s: merged value %s is not a surviving write", field, v.Op)
			}
		}
		lines := strings.Split(cur, "\n")
		if field == "statements" {
			lines = statementLines(cur)
		}
		have := map[string]bool{}
		for _, l := range lines {
			have[l] = true
		}
		for _, w := range survivors {
			for _, l := range w.added {
				if !have[l] {
					return fmt.Errorf("field %s: the merged text %q lacks the line %q that write %s added", field, cur, l, w.op)
				}
			}
			for _, l := range w.removed {
				if have[l] {
					return fmt.Errorf("field %s: the merged text %q still holds the line %q that write %s deleted", field, cur, l, w.op)
				}
			}
		}
		return nil
	}
	if len(vals) <= 1 {
		if len(vals) == 1 && !vals[cur] {
			return fmt.Errorf("field %s shows %q; the only surviving write is %v", field, cur, survivors)
		}
		return nil
	}
	res.conflicts++
	listed := map[string]bool{}
	for _, v := range e.Get(field).Values {
		listed[registerString(v.Value)] = true
	}
	if !slices.Contains(r.Conflicts(), field) {
		return fmt.Errorf("field %s: %d concurrent writes survive, yet it is not in conflict", field, len(vals))
	}
	for v := range vals {
		if !listed[v] {
			return fmt.Errorf("field %s: concurrent write %q is not among the conflict values", field, v)
		}
	}
	return nil
}
