package workspace

import (
	"context"
	"io"
	"sync"
)

// SyncProgress is how far a sync is: the other members' bundles read, of
// those to read; then the bytes of evidence imported into this store, of
// those to import (TotalBytes is 0 while none are to be imported).
type SyncProgress struct {
	Bundles, TotalBundles int
	Bytes, TotalBytes     int64
}

// SyncWithProgress is Sync reporting bundles and bytes: progress (when
// not nil) is called from the sync's goroutines, one call at a time, with
// counts that never go down.
func (w *Workspace) SyncWithProgress(ctx context.Context, dir string, progress func(SyncProgress)) (*SyncReport, error) {
	return w.syncDir(ctx, dir, progress)
}

// syncTracker serialises the progress reports of a sync, whose evidence
// is imported several objects at a time.
type syncTracker struct {
	mu   sync.Mutex
	fn   func(SyncProgress)
	p    SyncProgress
	sent int64 // Bytes at the last report
}

func newSyncTracker(fn func(SyncProgress)) *syncTracker { return &syncTracker{fn: fn} }

// byteStep is how many bytes go between two reports of the bytes.
const byteStep = 1 << 20

func (t *syncTracker) bundles(done, total int) {
	if t == nil || t.fn == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.p.Bundles, t.p.TotalBundles = done, total
	t.fn(t.p)
}

// expect adds n bytes to import.
func (t *syncTracker) expect(n int64) {
	if t == nil || t.fn == nil || n <= 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.p.TotalBytes += n
	t.fn(t.p)
}

// copied counts n bytes imported.
func (t *syncTracker) copied(n int64) {
	if t == nil || t.fn == nil || n <= 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.p.Bytes += n
	if t.p.Bytes-t.sent >= byteStep || t.p.Bytes >= t.p.TotalBytes {
		t.sent = t.p.Bytes
		t.fn(t.p)
	}
}

// staged counts what is written to dst as imported, up to limit bytes
// (the object's plaintext size: its copy is a little longer).
func (t *syncTracker) staged(dst io.Writer, limit int64) io.Writer {
	if t == nil || t.fn == nil {
		return dst
	}
	return &countingStaged{w: dst, t: t, left: limit}
}

type countingStaged struct {
	w    io.Writer
	t    *syncTracker
	left int64
}

func (c *countingStaged) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	k := min(int64(n), c.left)
	c.left -= k
	c.t.copied(k)
	return n, err
}
