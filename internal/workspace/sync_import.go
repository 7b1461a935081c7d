package workspace

import (
	"context"
	"errors"
	"io"
	"runtime"
	"slices"
	"sync"

	"github.com/kansa-audit/kansa/internal/blob"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/exchange"
)

// prefetchObjects imports, several at a time, the evidence objects named
// by the bundles about to be applied that this store does not hold yet,
// and records them in one transaction. Each is copied straight into the
// blob store, checked on the way (importObject). When several members'
// bundles name objects of the same content, they are tried in turn until
// one is genuine: a member's bundle that lies about an object cannot
// shadow another member's. An object that has not arrived (or fails) is
// left for applyBundle, which then finds its bundle pending; one that
// fails verification is remembered in rep, to be reported.
// progress counts the bytes imported.
func (w *Workspace) prefetchObjects(ctx context.Context, f *exchange.Folder, t *exchange.Team, byDevice map[string][]*exchange.Bundle, rep *SyncReport, progress *syncTracker) error {
	var todo [][]exchange.Object // per content, every object that holds it
	at := map[string]int{}
	if err := w.st.View(func(tx *bolt.Tx) error {
		for _, d := range sortedKeys(byDevice) {
			for _, b := range byDevice[d] {
				for _, o := range b.Objects {
					if tx.HasRecord(recObject, o.SHA256) {
						continue
					}
					if i, ok := at[o.SHA256]; ok {
						if !slices.Contains(todo[i], o) {
							todo[i] = append(todo[i], o)
						}
						continue
					}
					at[o.SHA256] = len(todo)
					todo = append(todo, []exchange.Object{o})
				}
			}
		}
		return nil
	}); err != nil || len(todo) == 0 {
		return err
	}
	var total int64
	for _, cands := range todo {
		total += cands[0].Size
	}
	progress.expect(total)
	workers := min(len(todo), max(4, runtime.GOMAXPROCS(0))) // fsync-bound: more than the cores
	imp := w.blobs.Importer()
	jobs := make(chan []exchange.Object)
	var mu sync.Mutex
	var done []exchange.Object
	var firstErr error
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for cands := range jobs {
				for i, o := range cands {
					if i > 0 {
						progress.expect(o.Size) // another member's copy, tried in turn
					}
					err := w.importObject(ctx, imp, f, t, o, progress)
					mu.Lock()
					ok := rep.noteObject(o, err)
					if ok {
						done = append(done, o)
					} else if !isPending(err) && firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					if ok || ctx.Err() != nil || !isPending(err) {
						break // done, cancelled, or this store's own failure
					}
				}
			}
		}()
	}
	for _, cands := range todo {
		if ctx.Err() != nil {
			break
		}
		jobs <- cands
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
// folder carries it, once it is checked to decrypt to the content its
// bundle records (see blob.Importer and exchange.Folder.CopySealed). The
// error says why not: isPending for an object not there yet, for a key
// this member does not hold, or failing verification; anything else is
// this store's failure.
func (w *Workspace) importObject(ctx context.Context, imp *blob.Importer, f *exchange.Folder, t *exchange.Team, o exchange.Object, progress *syncTracker) error {
	_, err := imp.PutSealed(ctx, blob.Ref{SHA256: o.SHA256, Size: o.Size}, func(dst io.Writer) error {
		return f.CopySealed(t, o, progress.staged(dst, o.Size))
	})
	return err
}

// isPending reports whether err is about the folder's object (not there
// yet, not for us, or not genuine) rather than this store.
func isPending(err error) bool {
	return errors.Is(err, exchange.ErrIncomplete) || errors.Is(err, exchange.ErrNoKey) || errors.Is(err, exchange.ErrRejected)
}

// noteObject records the outcome of importing o: ok when it was imported;
// a rejected object is remembered, so that a bundle waiting for it is
// reported as rejected rather than pending for ever.
func (rep *SyncReport) noteObject(o exchange.Object, err error) (ok bool) {
	if err == nil {
		return true
	}
	if errors.Is(err, exchange.ErrRejected) {
		if rep.bad == nil {
			rep.bad = map[string]string{}
		}
		rep.bad[objectKey(o)] = err.Error()
	}
	return false
}
