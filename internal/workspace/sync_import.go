package workspace

import (
	"context"
	"errors"
	"runtime"
	"sync"

	"github.com/kansa-audit/kansa/internal/blob"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/exchange"
)

// prefetchObjects imports, several at a time, the evidence objects named
// by the bundles about to be applied that this store does not hold yet,
// and records them in one transaction. Each is decrypted straight into
// the blob store. An object that has not arrived (or fails) is left for
// applyBundle, which then finds its bundle pending.
// progress counts the bytes imported.
func (w *Workspace) prefetchObjects(ctx context.Context, f *exchange.Folder, t *exchange.Team, byDevice map[string][]*exchange.Bundle, rep *SyncReport, progress *syncTracker) error {
	var todo []exchange.Object
	seen := map[string]bool{}
	if err := w.st.View(func(tx *bolt.Tx) error {
		for _, d := range sortedKeys(byDevice) {
			for _, b := range byDevice[d] {
				for _, o := range b.Objects {
					if !seen[o.SHA256] && !tx.HasRecord(recObject, o.SHA256) {
						todo = append(todo, o)
					}
					seen[o.SHA256] = true
				}
			}
		}
		return nil
	}); err != nil || len(todo) == 0 {
		return err
	}
	var total int64
	for _, o := range todo {
		total += o.Size
	}
	progress.expect(total)
	workers := min(len(todo), max(4, runtime.GOMAXPROCS(0))) // fsync-bound: more than the cores
	imp := w.blobs.Importer()
	jobs := make(chan exchange.Object)
	var mu sync.Mutex
	var done []exchange.Object
	var firstErr error
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for o := range jobs {
				ok, err := w.importObject(ctx, imp, f, t, o, progress)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				if ok {
					done = append(done, o)
				}
				mu.Unlock()
			}
		}()
	}
	for _, o := range todo {
		if ctx.Err() != nil {
			break
		}
		jobs <- o
	}
	close(jobs)
	wg.Wait()
	// Blobs before records: the imported blobs are durable before the
	// transaction that records them.
	if err := imp.Sync(); err != nil {
		return err
	}
	if err := w.st.Update(func(tx *bolt.Tx) error {
		for _, o := range done {
			if err := tx.PutRecord(recObject, o.SHA256, o); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	for _, o := range done {
		rep.have[o.SHA256] = true
		rep.Imported++
	}
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return firstErr
}

// importObject keeps one object in the blob store through imp, as the
// folder carries it (see blob.Importer and exchange.Folder.CopySealed).
// ok is false when it is not there to import yet (missing, partial, for a
// key this member does not hold, or failing verification).
func (w *Workspace) importObject(ctx context.Context, imp *blob.Importer, f *exchange.Folder, t *exchange.Team, o exchange.Object, progress *syncTracker) (ok bool, err error) {
	_, err = imp.PutSealed(ctx, blob.Ref{SHA256: o.SHA256, Size: o.Size}, func(dst blob.Staged) error {
		return f.CopySealed(t, o, progress.staged(dst, o.Size))
	})
	switch {
	case errors.Is(err, exchange.ErrIncomplete), errors.Is(err, exchange.ErrNoKey), errors.Is(err, exchange.ErrRejected):
		return false, nil
	case err != nil:
		return false, err
	}
	return true, nil
}
