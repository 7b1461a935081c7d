package bolt

import (
	"crypto/sha256"
	"fmt"

	"github.com/kansa-audit/kansa/internal/change"
)

// Op reads one op of the log by id, or returns ErrNotFound when this store
// has not received it (yet). It serves reads that need an op the view no
// longer holds, such as the common base of two concurrent edits of a long
// text. The record is decrypted and decoded; the hash chain is verified by
// Check, not here.
func (t *Tx) Op(id change.OpID) (change.Op, error) {
	b := t.tx.Bucket(bLog).Bucket([]byte(id.Device))
	if b == nil || id.Seq == 0 {
		return change.Op{}, fmt.Errorf("op %s: %w", id, ErrNotFound)
	}
	k := seqKey(id.Seq)
	v := b.Get(k)
	if v == nil {
		return change.Op{}, fmt.Errorf("op %s: %w", id, ErrNotFound)
	}
	rec, err := t.s.open(logAAD(id.Device), k, v)
	if err != nil {
		return change.Op{}, err
	}
	if len(rec) < sha256.Size {
		return change.Op{}, damaged("log record %s is too short", id)
	}
	op, err := change.DecodeOp(rec[sha256.Size:])
	if err != nil || op.ID != id {
		return change.Op{}, damaged("log record %s is not the operation expected", id)
	}
	return op, nil
}
