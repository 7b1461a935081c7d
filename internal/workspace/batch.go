package workspace

import (
	"context"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/kansa-audit/kansa/internal/audit"
)

// BatchResult is the outcome of one file of AddEvidenceBatch: the evidence
// recorded, or why the file was not (a refused photo's Err wraps
// ErrBadPhoto; a file not reached because the batch was cancelled has the
// context's error).
type BatchResult struct {
	Path     string
	Evidence audit.Evidence
	Err      error
}

// AddEvidenceBatch imports the files at paths as evidence of the items
// itemNos, exactly as AddEvidence does each of them, but on every core:
// photos are read, derived, sealed and written by GOMAXPROCS+1 workers
// (at most 3; the extra one keeps the cores busy while another waits on
// fsync), one photo per worker at a time, while the files are recorded in
// the order given, each in its own durable transaction after its blobs are
// verified. A file that fails is reported in its result and the others
// still import.
//
// progress, when not nil, is called on the calling goroutine before each
// file is stored, with the number of files finished, the total, and the
// name of the file now being worked on, and once at the end with
// done == total and an empty name.
//
// The results are in the order of paths. The error is non-nil when the
// batch could not start (unknown item, locked audit: no result then) or
// when ctx was cancelled: the files not stored by then have ctx's error.
// AddEvidenceBatch returns only once its workers have stopped.
func (w *Workspace) AddEvidenceBatch(ctx context.Context, auditID string, itemNos []string, paths []string,
	progress func(done, total int, name string)) ([]BatchResult, error) {
	itemIDs, err := w.resolveItems(auditID, itemNos)
	if err != nil {
		return nil, err
	}
	results := make([]BatchResult, len(paths))
	for i, p := range paths {
		results[i].Path = p
	}
	if progress == nil {
		progress = func(int, int, string) {}
	}
	if len(paths) == 0 {
		progress(0, 0, "")
		return results, nil
	}

	type prepared struct {
		ev  evidenceRecord
		err error
	}
	workers := min(3, runtime.GOMAXPROCS(0)+1, len(paths))
	// Each file has a slot of its own, buffered so a worker never waits
	// for the writer. The window bounds the files dispatched but not yet
	// recorded, so at most workers photos are in memory at a time and the
	// writer never falls far behind.
	slots := make([]chan prepared, len(paths))
	for i := range slots {
		slots[i] = make(chan prepared, 1)
	}
	window := make(chan struct{}, workers+1)
	jobs := make(chan int)
	stop, cancel := context.WithCancel(ctx)
	defer cancel()

	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // the dispatcher, in file order
		defer wg.Done()
		defer close(jobs)
		for i := range paths {
			select {
			case window <- struct{}{}:
			case <-stop.Done():
				return
			}
			select {
			case jobs <- i:
			case <-stop.Done():
				return
			}
		}
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if err := stop.Err(); err != nil {
					slots[i] <- prepared{err: err}
					continue
				}
				var ev evidenceRecord
				p, err := prepareEvidence(paths[i])
				if err == nil {
					ev, err = w.storeEvidence(stop, p, "")
					p.close()
				}
				slots[i] <- prepared{ev, err}
			}
		}()
	}

	done := 0
	for i, path := range paths {
		progress(done, len(paths), filepath.Base(path))
		var r prepared
		select {
		case r = <-slots[i]:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		if r.err == nil {
			results[i].Evidence, r.err = w.recordEvidence(auditID, itemIDs, r.ev)
		}
		results[i].Err = r.err
		<-window
		done++
	}
	cancel()
	wg.Wait()
	// Blobs the workers stored for files not recorded stay unreferenced.
	for i := done; i < len(paths); i++ {
		results[i].Err = ctx.Err()
	}
	if err := ctx.Err(); err != nil && done < len(paths) {
		return results, err
	}
	progress(done, len(paths), "")
	return results, nil
}
