package workspace

import (
	"context"
	"sync"
	"testing"
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
