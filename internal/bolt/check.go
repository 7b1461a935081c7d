package bolt

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"
	"strconv"
	"time"

	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/kansa-audit/kansa/internal/change"
)

// Problem is one thing check found wrong, in words a user can act on.
type Problem struct {
	Where string `json:"where"`
	What  string `json:"what"`
}

func (p Problem) String() string { return p.Where + ": " + p.What }

// Progress reports work done out of a total; either may grow.
type Progress func(done, total int)

// readLog decodes one device's log in order, verifying the hash chain.
// fn receives each op; problems are reported, and reading stops at the
// first break since later records cannot be trusted to follow.
func (s *Store) readLog(btx *bbolt.Tx, device []byte, fn func(change.Op) error) ([]Problem, error) {
	var probs []Problem
	where := "log of device " + string(device)
	b := btx.Bucket(bLog).Bucket(device)
	if b == nil {
		return []Problem{{where, "missing"}}, nil
	}
	prev := make([]byte, sha256.Size)
	var want uint64 = 1
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if len(k) != 8 {
			return append(probs, Problem{where, fmt.Sprintf("unexpected key %x", k)}), nil
		}
		seq := binary.BigEndian.Uint64(k)
		if seq != want {
			return append(probs, Problem{where, fmt.Sprintf("sequence jumps from %d to %d: records are missing", want-1, seq)}), nil
		}
		rec, err := s.open(logAAD(string(device)), k, v)
		if err != nil {
			return append(probs, Problem{where, fmt.Sprintf("record %d of %s does not decrypt (damaged or tampered); later records cannot be trusted", seq, plural(b.Stats().KeyN, "record"))}), nil
		}
		if len(rec) < sha256.Size || !bytes.Equal(rec[:sha256.Size], prev) {
			return append(probs, Problem{where, fmt.Sprintf("hash chain broken at record %d", seq)}), nil
		}
		op, err := change.DecodeOp(rec[sha256.Size:])
		if err != nil || op.ID.Device != string(device) || op.ID.Seq != seq {
			return append(probs, Problem{where, fmt.Sprintf("record %d is not a valid operation", seq)}), nil
		}
		sum := sha256.Sum256(rec)
		prev = sum[:]
		want++
		if err := fn(op); err != nil {
			return probs, err
		}
	}
	var h head
	if err := s.getJSON(btx.Bucket(bHeads), bHeads, device, &h); err != nil {
		return append(probs, Problem{where, fmt.Sprintf("head record unreadable: %v", err)}), nil
	}
	if h.Seq != want-1 || !bytes.Equal(h.Hash, prev) {
		probs = append(probs, Problem{where, fmt.Sprintf("head says %d records, the log holds %d: the log was cut short or extended", h.Seq, want-1)})
	}
	return probs, nil
}

func devices(btx *bbolt.Tx) [][]byte {
	var out [][]byte
	btx.Bucket(bLog).ForEachBucket(func(k []byte) error {
		out = append(out, bytes.Clone(k))
		return nil
	})
	btx.Bucket(bHeads).ForEach(func(k, _ []byte) error {
		for _, d := range out {
			if bytes.Equal(d, k) {
				return nil
			}
		}
		out = append(out, bytes.Clone(k))
		return nil
	})
	return out
}

// derive rebuilds the full state from the log.
func (s *Store) derive(ctx context.Context, btx *bbolt.Tx, progress Progress) (*change.State, []Problem, error) {
	st := change.NewState()
	var probs []Problem
	total := 0
	btx.Bucket(bHeads).ForEach(func(k, v []byte) error {
		var h head
		if s.openJSON(bHeads, k, v, &h) == nil {
			total += int(h.Seq)
		}
		return nil
	})
	done := 0
	for _, d := range devices(btx) {
		p, err := s.readLog(btx, d, func(op change.Op) error {
			if _, err := st.Apply(op); err != nil {
				return err
			}
			done++
			if done%4096 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				if progress != nil {
					progress(done, total)
				}
			}
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
		probs = append(probs, p...)
	}
	if progress != nil {
		progress(done, total)
	}
	return st, probs, nil
}

// Rebuild discards the view and the children index and derives them again
// from the log.
func (s *Store) Rebuild(ctx context.Context, progress Progress) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer guard(&err)
	return s.db.Update(func(btx *bbolt.Tx) error { return s.rebuild(ctx, btx, progress) })
}

func (s *Store) rebuild(ctx context.Context, btx *bbolt.Tx, progress Progress) error {
	st, probs, err := s.derive(ctx, btx, progress)
	if err != nil {
		return err
	}
	if len(probs) > 0 {
		return damaged("cannot rebuild: %s", probs[0])
	}
	for _, b := range [][]byte{bView, bKids} {
		if err := btx.DeleteBucket(b); err != nil && !errors.Is(err, berrors.ErrBucketNotFound) {
			return err
		}
		if _, err := btx.CreateBucket(b); err != nil {
			return err
		}
	}
	ids := make([]string, 0, len(st.Entities))
	for id := range st.Entities {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return writeView(s, btx, ids, func(id string) *change.Entity { return st.Entities[id] }, nil)
}

// Check verifies the whole file: bbolt's own page consistency, that every
// value decrypts, that every device's hash chain holds and matches its head,
// and that the view equals a rebuild from the log. It returns the problems
// found; an error means the check itself could not run.
func (s *Store) Check(ctx context.Context, progress Progress) (probs []Problem, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			probs = append(probs, Problem{"store file", fmt.Sprintf("unreadable page (%v)", r)})
			err = nil
		}
	}()
	err = s.db.View(func(btx *bbolt.Tx) error {
		// bbolt's own Tx.Check walks pages in a goroutine of its own, where
		// a damaged page panics beyond our recover; the walks below touch
		// every page in this goroutine instead, with faults made recoverable.
		// Every value decrypts.
		for _, b := range [][]byte{bMeta, bHeads, bView, bKids} {
			bucket := btx.Bucket(b)
			if bucket == nil {
				probs = append(probs, Problem{string(b), "bucket missing"})
				continue
			}
			bucket.ForEach(func(k, v []byte) error {
				if bytes.Equal(b, bMeta) && (bytes.Equal(k, kSchema) || bytes.Equal(k, kKeyslot)) {
					return nil // plaintext header, checked at unlock
				}
				if _, err := s.open(b, k, v); err != nil {
					probs = append(probs, Problem{string(b), fmt.Sprintf("value %x does not decrypt", k)})
				}
				return nil
			})
		}
		if rec := btx.Bucket(bRec); rec != nil {
			rec.ForEach(func(k, v []byte) error {
				if _, err := s.open(bRec, k, v); err != nil {
					probs = append(probs, Problem{string(bRec), fmt.Sprintf("value %x does not decrypt", k)})
				}
				return nil
			})
		}
		// Hash chains, and a rebuild to compare with the view.
		st, p, err := s.derive(ctx, btx, progress)
		if err != nil {
			return err
		}
		probs = append(probs, p...)
		if len(p) > 0 {
			// A rebuild from a damaged log differs everywhere; one line
			// says so instead of one per entity.
			probs = append(probs, Problem{"view", "not compared with the log, because the log is damaged"})
			return nil
		}
		probs = append(probs, s.compareView(btx, st)...)
		return nil
	})
	return probs, err
}

func (s *Store) compareView(btx *bbolt.Tx, st *change.State) []Problem {
	var probs []Problem
	seen := map[string]bool{}
	btx.Bucket(bView).ForEach(func(k, v []byte) error {
		id := string(k)
		seen[id] = true
		want, ok := st.Entities[id]
		if !ok {
			probs = append(probs, Problem{"view", fmt.Sprintf("entity %s has no operations behind it", id)})
			return nil
		}
		got, err := s.openEntity(k, v)
		if err != nil {
			return nil // reported by the decrypt pass
		}
		a, _ := got.MarshalBinary()
		b, _ := want.MarshalBinary()
		if !bytes.Equal(a, b) {
			probs = append(probs, Problem{"view", fmt.Sprintf("entity %s differs from a rebuild from the log", id)})
		}
		return nil
	})
	for id := range st.Entities {
		if !seen[id] {
			probs = append(probs, Problem{"view", fmt.Sprintf("entity %s is missing from the view", id)})
		}
	}
	sort.Slice(probs, func(i, j int) bool { return probs[i].What < probs[j].What })
	return probs
}

// migrations upgrade the layout from version k to k+1. A copy of the file
// is taken before any of them runs.
var migrations = map[int]func(s *Store, btx *bbolt.Tx) error{
	// Schema 1 had no children index; it and the view are derived, so the
	// upgrade derives them again from the log.
	1: func(s *Store, btx *bbolt.Tx) error {
		if _, err := btx.CreateBucketIfNotExists(bKids); err != nil {
			return err
		}
		return s.rebuild(context.Background(), btx, nil)
	},
}

func (s *Store) migrate(from int, o Options) error {
	backup := fmt.Sprintf("%s.schema%d-%s.bak", s.path, from, time.Now().UTC().Format("20060102T150405Z"))
	err := s.db.View(func(btx *bbolt.Tx) error { return btx.CopyFile(backup, 0o600) })
	if err != nil {
		return fmt.Errorf("copy store before migration: %w", err)
	}
	if o.Backup != nil {
		o.Backup(backup)
	}
	err = s.db.Update(func(btx *bbolt.Tx) error {
		for v := from; v < SchemaVersion; v++ {
			m, ok := migrations[v]
			if !ok {
				return fmt.Errorf("no migration from schema %d", v)
			}
			if err := m(s, btx); err != nil {
				return fmt.Errorf("migrate schema %d: %w", v, err)
			}
		}
		return btx.Bucket(bMeta).Put(kSchema, []byte(strconv.Itoa(SchemaVersion)))
	})
	if err != nil {
		return fmt.Errorf("%w (the untouched copy is %s)", err, backup)
	}
	return nil
}

// setSchemaForTest lets tests simulate an older file.
func (s *Store) setSchemaForTest(v int) error {
	return s.db.Update(func(btx *bbolt.Tx) error {
		if v < 2 {
			if err := btx.DeleteBucket(bKids); err != nil {
				return err
			}
		}
		return btx.Bucket(bMeta).Put(kSchema, []byte(strconv.Itoa(v)))
	})
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
