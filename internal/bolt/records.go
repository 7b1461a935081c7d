package bolt

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kansa-audit/kansa/internal/change"
)

// Records are small sealed JSON values that belong to no entity: the
// store's own secrets (signing and encryption keys) and sync bookkeeping
// (bundles applied, objects published). They live in the bucket "rec",
// created on first use, under the key kind || 0 || key. Kinds are short
// fixed words; keys are opaque ids (hashes, member ids), never content.
var bRec = []byte("rec")

func recKey(kind, key string) []byte {
	return append(append([]byte(kind), 0), key...)
}

// PutRecord seals v under kind/key in this read-write transaction.
func (t *Tx) PutRecord(kind, key string, v any) error {
	b, err := t.tx.CreateBucketIfNotExists(bRec)
	if err != nil {
		return fmt.Errorf("record %s: %w", kind, err)
	}
	return t.s.putJSON(b, bRec, recKey(kind, key), v)
}

// GetRecord opens kind/key into v; found is false when there is none.
func (t *Tx) GetRecord(kind, key string, v any) (found bool, err error) {
	b := t.tx.Bucket(bRec)
	if b == nil {
		return false, nil
	}
	k := recKey(kind, key)
	raw := b.Get(k)
	if raw == nil {
		return false, nil
	}
	return true, t.s.openJSON(bRec, k, raw, v)
}

// HasRecord reports whether kind/key exists, without decrypting it.
func (t *Tx) HasRecord(kind, key string) bool {
	b := t.tx.Bucket(bRec)
	return b != nil && b.Get(recKey(kind, key)) != nil
}

// Records calls fn with every key of kind and its sealed value opened as
// JSON; fn decodes it with json.Unmarshal. The bytes are valid only
// during the call.
func (t *Tx) Records(kind string, fn func(key string, raw json.RawMessage) error) error {
	b := t.tx.Bucket(bRec)
	if b == nil {
		return nil
	}
	prefix := append([]byte(kind), 0)
	c := b.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		p, err := t.s.open(bRec, k, v)
		if err != nil {
			return err
		}
		if err := fn(string(k[len(prefix):]), p); err != nil {
			return err
		}
	}
	return nil
}

// PutSecret stores a named secret (sealed like every value), in its own
// durable transaction.
func (s *Store) PutSecret(name string, v any) error {
	return s.Update(func(t *Tx) error { return t.PutRecord("secret", name, v) })
}

// GetSecret reads a named secret; found is false when it was never put.
func (s *Store) GetSecret(name string, v any) (found bool, err error) {
	err = s.View(func(t *Tx) error {
		found, err = t.GetRecord("secret", name, v)
		return err
	})
	return found, err
}

// Skew is the largest amount by which a remote op applied in this
// transaction was ahead of the local clock (zero when none was).
func (t *Tx) Skew() time.Duration { return t.skew }

// LogFrom calls fn with device's ops from sequence from on, in order (the
// ops a sync publishes). Records are decrypted and decoded; the hash chain
// is verified by Check, not here.
func (t *Tx) LogFrom(device string, from uint64, fn func(change.Op) error) error {
	b := t.tx.Bucket(bLog).Bucket([]byte(device))
	if b == nil {
		return nil
	}
	want := from
	c := b.Cursor()
	for k, v := c.Seek(seqKey(from)); k != nil; k, v = c.Next() {
		rec, err := t.s.open(logAAD(device), k, v)
		if err != nil {
			return err
		}
		if len(rec) < sha256.Size {
			return damaged("log record %s:%x is too short", device, k)
		}
		op, err := change.DecodeOp(rec[sha256.Size:])
		if err != nil || op.ID.Seq != want || op.ID.Device != device {
			return damaged("log record %s:%x is not the operation expected", device, k)
		}
		want++
		if err := fn(op); err != nil {
			return err
		}
	}
	return nil
}

// DeleteRecord removes kind/key; removing a record that is not there is
// not an error.
func (t *Tx) DeleteRecord(kind, key string) error {
	b := t.tx.Bucket(bRec)
	if b == nil {
		return nil
	}
	return b.Delete(recKey(kind, key))
}
