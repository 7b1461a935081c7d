// Package change is Kansa's operation log: every edit is an Op, and the
// state of every entity is derived from the ops.
//
// Each field of an entity is a multi-value register. An op names the op ids
// of the values it replaces (Supersedes); the register's current values are
// the ops that nothing supersedes. One value is the normal case; two or more
// are a conflict that is kept and shown, never dropped. Resolving a conflict
// is one more op that supersedes all the competing values.
//
// Deletion is an op on the reserved field "_deleted" that records which
// field values the deleter had seen. An edit the deleter had not seen (a
// concurrent edit) wins: the entity stays alive and is flagged.
//
// The hybrid logical clock orders values for display only; supersedes sets
// decide what is concurrent. Everything here is pure and stdlib-only.
package change

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Reserved field names.
const (
	FieldType    = "_type"    // entity type, written once at creation
	FieldParent  = "_parent"  // parent entity id, written once at creation
	FieldDeleted = "_deleted" // tombstone register; see DeleteValue
)

// ErrMalformed is wrapped when an op or id does not parse.
var ErrMalformed = errors.New("malformed operation")

// OpID identifies an op: the device that wrote it and that device's gapless
// sequence number, starting at 1.
type OpID struct {
	Device string
	Seq    uint64
}

// String renders "device:seq".
func (id OpID) String() string { return id.Device + ":" + strconv.FormatUint(id.Seq, 10) }

// IsZero reports whether id is unset.
func (id OpID) IsZero() bool { return id.Device == "" && id.Seq == 0 }

// ParseOpID parses "device:seq".
func ParseOpID(s string) (OpID, error) {
	i := strings.LastIndexByte(s, ':')
	if i <= 0 {
		return OpID{}, fmt.Errorf("%w: op id %q", ErrMalformed, s)
	}
	n, err := strconv.ParseUint(s[i+1:], 10, 64)
	if err != nil || n == 0 {
		return OpID{}, fmt.Errorf("%w: op id %q", ErrMalformed, s)
	}
	return OpID{Device: s[:i], Seq: n}, nil
}

// MarshalText implements encoding.TextMarshaler.
func (id OpID) MarshalText() ([]byte, error) { return []byte(id.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (id *OpID) UnmarshalText(b []byte) error {
	v, err := ParseOpID(string(b))
	if err != nil {
		return err
	}
	*id = v
	return nil
}

// Less orders ids by device, then sequence.
func (id OpID) Less(o OpID) bool {
	if id.Device != o.Device {
		return id.Device < o.Device
	}
	return id.Seq < o.Seq
}

// Op is one edit of one field of one entity.
type Op struct {
	ID         OpID            `json:"id"`
	At         Time            `json:"at"`
	Author     string          `json:"author"` // member id or name of the person who made the edit
	Entity     string          `json:"entity"`
	Field      string          `json:"field"`
	Value      json.RawMessage `json:"value"`
	Supersedes []OpID          `json:"supersedes,omitempty"`
}

// Validate checks the op's shape.
func (o Op) Validate() error {
	switch {
	case o.ID.Device == "" || o.ID.Seq == 0:
		return fmt.Errorf("%w: missing id", ErrMalformed)
	case o.Entity == "":
		return fmt.Errorf("%w: %s has no entity", ErrMalformed, o.ID)
	case o.Field == "":
		return fmt.Errorf("%w: %s has no field", ErrMalformed, o.ID)
	case len(o.Value) == 0 || !json.Valid(o.Value):
		return fmt.Errorf("%w: %s has an invalid value", ErrMalformed, o.ID)
	}
	for _, s := range o.Supersedes {
		if s == o.ID {
			return fmt.Errorf("%w: %s supersedes itself", ErrMalformed, o.ID)
		}
	}
	return nil
}

// Encode returns the op's canonical bytes (what the hash chain covers).
func (o Op) Encode() []byte {
	b, err := json.Marshal(o)
	if err != nil {
		// Only a RawMessage that is not valid JSON can fail, and Validate
		// refuses those before an op is ever encoded.
		panic(fmt.Sprintf("change: encode %s: %v", o.ID, err))
	}
	return b
}

// DecodeOp parses and validates an op.
func DecodeOp(b []byte) (Op, error) {
	var o Op
	if err := json.Unmarshal(b, &o); err != nil {
		return Op{}, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return o, o.Validate()
}

// DeleteValue is the value of an op on FieldDeleted.
type DeleteValue struct {
	Deleted bool   `json:"deleted"`
	Seen    []OpID `json:"seen,omitempty"` // field values the deleter had seen
}

// Value is one surviving value of a register.
type Value struct {
	Op     OpID            `json:"op"`
	At     Time            `json:"at"`
	Author string          `json:"author"`
	Value  json.RawMessage `json:"value"`
}

// Register is a multi-value register: the values nothing supersedes,
// kept sorted by time then op id so the winner is deterministic.
type Register struct {
	Values []Value `json:"v"`
}

// Current is the value to display: the latest by HLC, ties by op id.
// ok is false when the register is empty.
func (r Register) Current() (v Value, ok bool) {
	if len(r.Values) == 0 {
		return Value{}, false
	}
	return r.Values[len(r.Values)-1], true
}

// Conflict reports whether the register holds two or more distinct values.
// Concurrent writes of identical bytes are not a conflict.
func (r Register) Conflict() bool {
	for _, v := range r.Values[min(1, len(r.Values)):] {
		if !bytes.Equal(v.Value, r.Values[0].Value) {
			return true
		}
	}
	return false
}

// IDs returns the op ids of the surviving values: what a new write supersedes.
func (r Register) IDs() []OpID {
	out := make([]OpID, len(r.Values))
	for i, v := range r.Values {
		out[i] = v.Op
	}
	return out
}

func (r *Register) insert(v Value) {
	i := len(r.Values)
	for i > 0 && valueLess(v, r.Values[i-1]) {
		i--
	}
	r.Values = append(r.Values, Value{})
	copy(r.Values[i+1:], r.Values[i:])
	r.Values[i] = v
}

func (r *Register) remove(id OpID) bool {
	for i, v := range r.Values {
		if v.Op == id {
			r.Values = append(r.Values[:i], r.Values[i+1:]...)
			return true
		}
	}
	return false
}

func valueLess(a, b Value) bool {
	if c := a.At.Compare(b.At); c != 0 {
		return c < 0
	}
	return a.Op.Less(b.Op)
}
