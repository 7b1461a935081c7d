package workspace

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/kansa-audit/kansa/internal/blob"
	"github.com/kansa-audit/kansa/internal/bolt"
)

// Problem is one thing Check found wrong.
type Problem = bolt.Problem

// CheckReport is the outcome of a full check.
type CheckReport struct {
	Problems []Problem // damage: the store is not sound
	Orphans  []string  // blob files no evidence refers to (harmless leftovers)
	Ops      int       // operations verified
	Blobs    int       // blobs verified
}

// OK reports whether nothing is damaged.
func (r CheckReport) OK() bool { return len(r.Problems) == 0 }

// Check verifies the store (every value decrypts, hash chains hold, the view
// equals a rebuild) and every evidence blob (decrypts and matches its
// recorded SHA-256). progress receives (done, total) as work proceeds.
func (w *Workspace) Check(ctx context.Context, progress func(done, total int)) (CheckReport, error) {
	var rep CheckReport
	probs, err := w.st.Check(ctx, func(done, total int) {
		rep.Ops = done
		if progress != nil {
			progress(done, total)
		}
	})
	if err != nil {
		return rep, fmt.Errorf("check store: %w", err)
	}
	rep.Problems = probs
	if why := w.keyringProblem(); why != "" {
		rep.Problems = append(rep.Problems, Problem{Where: "engagement keys", What: "the saved engagement keys cannot be read, so evidence pulled from the sync folder cannot be opened: " + why})
	}
	var refs []evidenceRecord
	err = w.st.View(func(tx *bolt.Tx) error {
		engs, err := childrenOf(tx, "", TypeEngagement)
		if err != nil {
			return err
		}
		for _, eng := range engs {
			auds, err := childrenOf(tx, eng.ID, TypeAudit)
			if err != nil {
				return err
			}
			for _, a := range auds {
				evs, err := childrenOf(tx, a.ID, TypeEvidence)
				if err != nil {
					return err
				}
				for _, e := range evs {
					var r evidenceRecord
					if err := decode(e, &r); err != nil {
						rep.Problems = append(rep.Problems, Problem{Where: "evidence " + e.ID, What: err.Error()})
						continue
					}
					r.ID = e.ID
					refs = append(refs, r)
				}
			}
		}
		return nil
	})
	if err != nil {
		// The view could not be read; the store problems say why.
		rep.Problems = append(rep.Problems, Problem{Where: "view", What: err.Error()})
		return rep, nil
	}
	known := map[string]bool{}
	for i, r := range refs {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		for k, ref := range r.refs() {
			ref = w.local(ref) // synced evidence was named by another store
			known[ref.Name] = true
			rep.Blobs++
			err := w.blobs.Verify(ref)
			if err == nil {
				continue
			}
			what := "does not decrypt: " + err.Error()
			switch {
			case errors.Is(err, blob.ErrMissing):
				what = "blob file is missing"
			case errors.Is(err, blob.ErrMismatch):
				what = "content does not match its recorded SHA-256"
			}
			part := []string{"original", "report copy", "thumbnail"}[k]
			rep.Problems = append(rep.Problems, Problem{Where: fmt.Sprintf("evidence %s (%s, %s, blob %s)", r.ID, r.FileName, part, ref.Name), What: what})
		}
		if progress != nil {
			progress(rep.Ops+i+1, rep.Ops+len(refs))
		}
	}
	names, err := w.blobs.List()
	if err != nil {
		return rep, fmt.Errorf("list blobs: %w", err)
	}
	for _, n := range names {
		if !known[n] {
			rep.Orphans = append(rep.Orphans, n)
		}
	}
	sort.Strings(rep.Orphans)
	return rep, nil
}

// Rebuild derives the view again from the operation log.
func (w *Workspace) Rebuild(ctx context.Context, progress func(done, total int)) error {
	return w.st.Rebuild(ctx, progress)
}

// Compact writes a compacted copy of the store file to dst.
func (w *Workspace) Compact(dst string) error { return w.st.Compact(dst) }
