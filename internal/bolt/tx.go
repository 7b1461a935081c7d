package bolt

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/kansa-audit/kansa/internal/change"
)

// head is the last record of one device's log.
type head struct {
	Seq  uint64      `json:"seq"`
	Hash []byte      `json:"hash"`
	At   change.Time `json:"at"`
}

// Tx is one read or read-write transaction. Entities read through it are
// decrypted once and cached; a read-write Tx writes the log and the view
// together, so one user action is one durable commit.
type Tx struct {
	s     *Store
	tx    *bbolt.Tx
	cache map[string]*change.Entity
	dirty map[string]bool
	heads map[string]*head
	ops   []change.Op
	born  map[string]bool // entities whose parent link was written here
	skew  time.Duration   // largest clock skew seen by ApplyRemote
}

// Update runs fn in a read-write transaction and commits it durably (two
// fsyncs). If fn returns an error nothing is written.
func (s *Store) Update(fn func(*Tx) error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer guard(&err)
	return s.db.Update(func(btx *bbolt.Tx) error {
		t := s.newTx(btx)
		if err := fn(t); err != nil {
			return err
		}
		return t.flush()
	})
}

// View runs fn in a read-only transaction.
func (s *Store) View(fn func(*Tx) error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer guard(&err)
	return s.db.View(func(btx *bbolt.Tx) error { return fn(s.newTx(btx)) })
}

// guard turns a panic or memory fault inside bbolt (a damaged file) into
// an error instead of a crash. Callers enable debug.SetPanicOnFault first.
func guard(err *error) {
	if r := recover(); r != nil {
		*err = damaged("the store file is unreadable (%v)", r)
	}
}

func (s *Store) newTx(btx *bbolt.Tx) *Tx {
	return &Tx{s: s, tx: btx, cache: map[string]*change.Entity{}, dirty: map[string]bool{}, heads: map[string]*head{}, born: map[string]bool{}}
}

// Ops returns the ops appended in this transaction so far.
func (t *Tx) Ops() []change.Op { return t.ops }

// Entity returns the derived state of an entity, or ErrNotFound.
// The returned value belongs to the transaction; do not keep it after.
func (t *Tx) Entity(id string) (*change.Entity, error) {
	if e, ok := t.cache[id]; ok {
		if e == nil {
			return nil, fmt.Errorf("entity %s: %w", id, ErrNotFound)
		}
		return e, nil
	}
	raw := t.tx.Bucket(bView).Get([]byte(id))
	if raw == nil {
		t.cache[id] = nil
		return nil, fmt.Errorf("entity %s: %w", id, ErrNotFound)
	}
	e, err := t.s.openEntity([]byte(id), raw)
	if err != nil {
		return nil, err
	}
	t.cache[id] = e
	return e, nil
}

// Children lists the ids of entities whose parent is parent, in key order.
func (t *Tx) Children(parent string) ([]string, error) {
	prefix := append([]byte(parent), 0)
	var out []string
	c := t.tx.Bucket(bKids).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, string(k[len(prefix):]))
	}
	return out, nil
}

// Roots lists entities that have no parent (engagements).
func (t *Tx) Roots() ([]string, error) { return t.Children("") }

// Create writes the type and parent of a new entity.
func (t *Tx) Create(id, typ, parent string) error {
	if _, err := t.Entity(id); err == nil {
		return fmt.Errorf("create %s %s: already exists", typ, id)
	}
	if _, _, err := t.Write(id, change.FieldType, typ); err != nil {
		return err
	}
	_, _, err := t.Write(id, change.FieldParent, parent)
	return err
}

// Write sets field of entity to value, superseding every value the field
// currently holds (which also resolves a conflict). Writing the value the
// field already holds alone is a no-op and reports changed = false.
func (t *Tx) Write(entity, field string, value any) (id change.OpID, changed bool, err error) {
	raw, err := json.Marshal(value)
	if err != nil {
		return change.OpID{}, false, fmt.Errorf("write %s.%s: %w", entity, field, err)
	}
	var reg change.Register
	if e, err := t.Entity(entity); err == nil {
		reg = e.Get(field)
	} else if !errors.Is(err, ErrNotFound) {
		return change.OpID{}, false, err
	}
	if len(reg.Values) == 1 && bytes.Equal(reg.Values[0].Value, raw) {
		return reg.Values[0].Op, false, nil
	}
	op := change.Op{Author: t.s.id.Member, Entity: entity, Field: field, Value: raw, Supersedes: reg.IDs()}
	if err := t.appendLocal(&op); err != nil {
		return change.OpID{}, false, err
	}
	return op.ID, true, nil
}

// WriteOver sets field to value superseding exactly the given op ids (the
// values the writer had seen), not whatever the field holds now. A value
// written since those ops survives beside the new one as a conflict: this
// is how an edit made offline elsewhere (a workbook filled in Excel) meets
// edits made in Kansa meanwhile.
func (t *Tx) WriteOver(entity, field string, value any, seen []change.OpID) (change.OpID, error) {
	raw, err := json.Marshal(value)
	if err != nil {
		return change.OpID{}, fmt.Errorf("write %s.%s: %w", entity, field, err)
	}
	if _, err := t.Entity(entity); err != nil {
		return change.OpID{}, err
	}
	op := change.Op{Author: t.s.id.Member, Entity: entity, Field: field, Value: raw, Supersedes: seen}
	if err := t.appendLocal(&op); err != nil {
		return change.OpID{}, err
	}
	return op.ID, nil
}

// Delete tombstones an entity, recording every value it has seen so that a
// concurrent edit elsewhere still wins.
func (t *Tx) Delete(entity string) error {
	e, err := t.Entity(entity)
	if err != nil {
		return err
	}
	v := change.DeleteValue{Deleted: true, Seen: e.Heads()}
	_, _, err = t.Write(entity, change.FieldDeleted, v)
	return err
}

func (t *Tx) head(device string) (*head, error) {
	if h, ok := t.heads[device]; ok {
		return h, nil
	}
	h := &head{Hash: make([]byte, sha256.Size)}
	if raw := t.tx.Bucket(bHeads).Get([]byte(device)); raw != nil {
		if err := t.s.openJSON(bHeads, []byte(device), raw, h); err != nil {
			return nil, err
		}
	}
	t.heads[device] = h
	return h, nil
}

// VersionVector reads every device's last sequence.
func (t *Tx) VersionVector() (change.VersionVector, error) {
	vv := change.VersionVector{}
	err := t.tx.Bucket(bHeads).ForEach(func(k, _ []byte) error {
		h, err := t.head(string(k))
		if err != nil {
			return err
		}
		vv[string(k)] = h.Seq
		return nil
	})
	return vv, err
}

func (t *Tx) seen(id change.OpID) bool {
	h, err := t.head(id.Device)
	return err == nil && id.Seq <= h.Seq
}

func (t *Tx) appendLocal(op *change.Op) error {
	h, err := t.head(t.s.id.Device)
	if err != nil {
		return err
	}
	op.ID = change.OpID{Device: t.s.id.Device, Seq: h.Seq + 1}
	op.At = t.s.clock.Now()
	return t.append(*op, h)
}

// ApplyRemote records an op written by another device (sync). Ops already
// applied are ignored (applied = false); an op whose predecessors have not
// arrived returns change.ErrGap and changes nothing.
func (t *Tx) ApplyRemote(op change.Op) (applied bool, err error) {
	if err := op.Validate(); err != nil {
		return false, err
	}
	h, err := t.head(op.ID.Device)
	if err != nil {
		return false, err
	}
	ok, err := change.VersionVector{op.ID.Device: h.Seq}.Check(op)
	if !ok || err != nil {
		return false, err
	}
	if d := t.s.clock.Observe(op.At); d > t.skew {
		t.skew = d
	}
	return true, t.append(op, h)
}

// append writes op to its device's hash-chained log, advances the head and
// folds the op into the cached entity.
func (t *Tx) append(op change.Op, h *head) error {
	if err := op.Validate(); err != nil {
		return err
	}
	enc := op.Encode()
	rec := make([]byte, 0, sha256.Size+len(enc))
	rec = append(append(rec, h.Hash...), enc...)
	sum := sha256.Sum256(rec)

	logs, err := t.tx.Bucket(bLog).CreateBucketIfNotExists([]byte(op.ID.Device))
	if err != nil {
		return err
	}
	key := seqKey(op.ID.Seq)
	if err := logs.Put(key, t.s.seal(logAAD(op.ID.Device), key, rec)); err != nil {
		return err
	}
	h.Seq, h.Hash, h.At = op.ID.Seq, sum[:], op.At
	if err := t.s.putJSON(t.tx.Bucket(bHeads), bHeads, []byte(op.ID.Device), h); err != nil {
		return err
	}

	e, err := t.Entity(op.Entity)
	if errors.Is(err, ErrNotFound) {
		e = change.NewEntity(op.Entity)
		t.cache[op.Entity] = e
	} else if err != nil {
		return err
	}
	// The head already counts op, so exclude it from "seen" for itself.
	e.Apply(op, func(id change.OpID) bool { return id != op.ID && t.seen(id) })
	t.dirty[op.Entity] = true
	if op.Field == change.FieldType || op.Field == change.FieldParent {
		t.born[op.Entity] = true
	}
	t.ops = append(t.ops, op)
	return nil
}

func logAAD(device string) []byte { return append(append([]byte{}, bLog...), device...) }

func seqKey(seq uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, seq)
	return k
}

// flush writes every entity changed in this transaction to the view and
// the children index.
func (t *Tx) flush() error {
	ids := make([]string, 0, len(t.dirty))
	for id := range t.dirty {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return writeView(t.s, t.tx, ids, func(id string) *change.Entity { return t.cache[id] }, t.born)
}

// writeView stores entities in the view, and in the children index those
// in index (nil: all), since an entity's parent never changes after birth.
func writeView(s *Store, btx *bbolt.Tx, ids []string, get func(string) *change.Entity, index map[string]bool) error {
	view, kids := btx.Bucket(bView), btx.Bucket(bKids)
	for _, id := range ids {
		e := get(id)
		raw, err := e.MarshalBinary()
		if err != nil {
			return err
		}
		if err := view.Put([]byte(id), s.seal(bView, []byte(id), raw)); err != nil {
			return err
		}
		if index != nil && !index[id] {
			continue
		}
		if p, typ := e.Parent(), e.Type(); typ != "" {
			key := append(append([]byte(p), 0), id...)
			if err := kids.Put(key, s.seal(bKids, key, []byte(typ))); err != nil {
				return err
			}
		}
	}
	return nil
}

// openEntity decrypts and decodes one view record.
func (s *Store) openEntity(key, sealed []byte) (*change.Entity, error) {
	p, err := s.open(bView, key, sealed)
	if err != nil {
		return nil, err
	}
	e := &change.Entity{}
	if err := e.UnmarshalBinary(p); err != nil {
		return nil, damaged("view record %x is unreadable (%v)", key, err)
	}
	return e, nil
}
