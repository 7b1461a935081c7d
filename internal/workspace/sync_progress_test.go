package workspace

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"

	"github.com/kansa-audit/kansa/internal/bolt"
)

// TestSyncProgressCountsBytes: a sync that imports evidence reports the
// bundles read, then the bytes imported up to the total, never going down.
func TestSyncProgressCountsBytes(t *testing.T) {
	fsys := newMemFolder(1)
	reps, aud := teamOn(t, fsys, 2)
	a, b := reps[0], reps[1]
	ev := addPhoto(t, a, aud)
	syncOn(t, a, fsys)

	var mu sync.Mutex
	var seen []SyncProgress
	rep, err := b.sync(context.Background(), fsys, func(p SyncProgress) {
		mu.Lock()
		seen = append(seen, p)
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 3 {
		t.Fatalf("imported %d objects, want the photo's 3", rep.Imported)
	}
	if len(seen) == 0 {
		t.Fatal("no progress reported")
	}
	last := seen[len(seen)-1]
	if last.TotalBundles == 0 || last.Bundles != last.TotalBundles {
		t.Errorf("bundles at the end: %+v", last)
	}
	if last.TotalBytes < ev.Size || last.Bytes != last.TotalBytes {
		t.Errorf("bytes at the end: %+v, want all of at least the original's %d", last, ev.Size)
	}
	for i := 1; i < len(seen); i++ {
		p, q := seen[i-1], seen[i]
		if q.Bundles < p.Bundles || q.Bytes < p.Bytes || q.TotalBytes < p.TotalBytes {
			t.Errorf("progress went down: %+v then %+v", p, q)
		}
	}
}

// TestSyncCancelMidway: a sync cancelled from its progress callback while
// it imports evidence stops with context.Canceled. What it did before the
// cancel stays done and sound: this store's own edits are published, the
// objects it recorded are whole (check finds no damage) and are not
// imported again, and no bundle is half applied. A later sync completes
// and ends in the same state as the other member's.
func TestSyncCancelMidway(t *testing.T) {
	fsys := newMemFolder(3)
	reps, aud := teamOn(t, fsys, 2)
	a, b := reps[0], reps[1]
	addPhoto(t, a, aud)
	a.SetResult(aud, "2", ResultPatch{Observation: str("写真のとおり")})
	syncOn(t, a, fsys)
	b.SetResult(aud, "3", ResultPatch{Rating: str("partial")})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var mu sync.Mutex
	var cancelledAt SyncProgress
	_, err := b.sync(ctx, fsys, func(p SyncProgress) {
		mu.Lock()
		defer mu.Unlock()
		if p.Bytes > 0 && cancelledAt.Bytes == 0 {
			cancelledAt = p // mid-way: evidence being imported
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled sync = %v; want context.Canceled", err)
	}
	if cancelledAt.Bytes == 0 || cancelledAt.TotalBytes == 0 {
		t.Fatalf("the sync never reached the evidence import (%+v)", cancelledAt)
	}
	// Published before the cancel: stays published.
	if n, err := b.Unsynced(); err != nil || n != 0 {
		t.Errorf("unsynced after the cancelled sync = %d, %v; want its edit published", n, err)
	}
	if rep, err := b.Check(context.Background(), nil); err != nil || !rep.OK() {
		t.Fatalf("check after the cancelled sync: %+v, %v", rep.Problems, err)
	}
	// No bundle is half applied: a's ops are either all there or none.
	st := mustState(t, b, aud)
	it2, _ := st.Item("2")
	it1, _ := st.Item("1")
	if (it2.Result.Observation == "") != (len(it1.Evidence) == 0) {
		t.Fatalf("half a bundle applied: observation %q, %d evidence", it2.Result.Observation, len(it1.Evidence))
	}
	var kept int
	if err := b.st.View(func(tx *bolt.Tx) error {
		return tx.Records(recObject, func(string, json.RawMessage) error { kept++; return nil })
	}); err != nil {
		t.Fatal(err)
	}
	// A later sync completes, importing only what the cancelled one did not.
	rep := syncOn(t, b, fsys)
	if len(rep.Pending) != 0 || kept+rep.Imported != 3 {
		t.Errorf("sync after the cancel: %d imported (%d kept from before), pending %+v; want the rest of the 3 objects", rep.Imported, kept, rep.Pending)
	}
	syncOn(t, a, fsys)
	if x, y := showJSON(t, a, aud), showJSON(t, b, aud); x != y {
		t.Fatalf("states differ after the later sync:\n%s\n---\n%s", x, y)
	}
	if rep, err := b.Check(context.Background(), nil); err != nil || !rep.OK() {
		t.Fatalf("check after the later sync: %+v, %v", rep.Problems, err)
	}
}
