package bolt

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/kansa-audit/kansa/internal/change"
)

// Op reads one op of the log by id, or returns ErrNotFound when this store
// has not received it (yet). It serves reads that need an op the view no
// longer holds, such as the common base of two concurrent edits of a long
// text. The record is decrypted and decoded; the hash chain is verified by
// Check, not here.
func (t *Tx) Op(id change.OpID) (change.Op, error) {
	rec, err := t.logRecord(id)
	if err != nil {
		return change.Op{}, err
	}
	op, err := change.DecodeOp(rec)
	if err != nil || op.ID != id {
		return change.Op{}, damaged("log record %s is not the operation expected", id)
	}
	return op, nil
}

// Supersedes returns the ids op id supersedes (nil when it replaced
// nothing), or ErrNotFound. It is Op(id).Supersedes, made cheap for walks
// through long histories (a field autosaved hundreds of times): ops never
// change once committed, so the answer is kept in memory for the life of
// the store. The slice is shared: do not modify it.
func (t *Tx) Supersedes(id change.OpID) ([]change.OpID, error) {
	if sup, ok := t.s.sups.get(id); ok {
		return sup, nil
	}
	rec, err := t.logRecord(id)
	if err != nil {
		return nil, err
	}
	var op struct {
		ID         change.OpID   `json:"id"`
		Supersedes []change.OpID `json:"supersedes"`
	}
	if json.Unmarshal(rec, &op) != nil || op.ID != id {
		return nil, damaged("log record %s is not the operation expected", id)
	}
	// Only committed records are cached: an op written by a read-write
	// transaction that then fails must not outlive it.
	if !t.tx.Writable() {
		t.s.sups.put(id, op.Supersedes)
	}
	return op.Supersedes, nil
}

// logRecord returns the op bytes of a log record (without the chain hash).
func (t *Tx) logRecord(id change.OpID) ([]byte, error) {
	b := t.tx.Bucket(bLog).Bucket([]byte(id.Device))
	if b == nil || id.Seq == 0 {
		return nil, fmt.Errorf("op %s: %w", id, ErrNotFound)
	}
	k := seqKey(id.Seq)
	v := b.Get(k)
	if v == nil {
		return nil, fmt.Errorf("op %s: %w", id, ErrNotFound)
	}
	rec, err := t.s.open(logAAD(id.Device), k, v)
	if err != nil {
		return nil, err
	}
	if len(rec) < sha256.Size {
		return nil, damaged("log record %s is too short", id)
	}
	return rec[sha256.Size:], nil
}

// supCacheMax bounds the cache; past it the cache starts afresh.
const supCacheMax = 1 << 17

// supCache maps op ids to what they supersede; safe for concurrent use.
type supCache struct {
	mu sync.Mutex
	m  map[change.OpID][]change.OpID
}

func (c *supCache) get(id change.OpID) ([]change.OpID, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[id]
	return v, ok
}

func (c *supCache) put(id change.OpID, sup []change.OpID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= supCacheMax {
		c.m = map[change.OpID][]change.OpID{}
	}
	c.m[id] = sup
}
