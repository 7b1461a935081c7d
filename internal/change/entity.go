package change

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
)

// ErrGap is returned when an op arrives before an earlier op of its device.
var ErrGap = errors.New("sequence gap")

// Entity is the derived state of one entity: a register per field.
type Entity struct {
	ID     string               `json:"id"`
	Fields map[string]*Register `json:"f"`
	// Early holds ids superseded by an applied op before the superseded op
	// itself arrived (possible when devices' logs are merged in any order).
	// When such an op arrives it is not added to its register.
	Early []OpID `json:"e,omitempty"`
}

// NewEntity returns an empty entity.
func NewEntity(id string) *Entity {
	return &Entity{ID: id, Fields: map[string]*Register{}}
}

// Apply folds op into the entity. seen reports whether an op id has already
// been applied anywhere (the caller's version vector). Apply is not
// idempotent by itself: callers skip ops they have already applied.
func (e *Entity) Apply(op Op, seen func(OpID) bool) {
	reg := e.Fields[op.Field]
	if reg == nil {
		reg = &Register{}
		e.Fields[op.Field] = reg
	}
	if i := indexOf(e.Early, op.ID); i >= 0 {
		e.Early = append(e.Early[:i], e.Early[i+1:]...)
	} else {
		reg.insert(Value{Op: op.ID, At: op.At, Author: op.Author, Value: op.Value})
	}
	for _, s := range op.Supersedes {
		if reg.remove(s) {
			continue
		}
		if !seen(s) && indexOf(e.Early, s) < 0 {
			e.Early = append(e.Early, s)
		}
	}
	if len(reg.Values) == 0 {
		delete(e.Fields, op.Field)
	}
}

func indexOf(ids []OpID, id OpID) int {
	for i, x := range ids {
		if x == id {
			return i
		}
	}
	return -1
}

// Get returns the register of field (empty if unset).
func (e *Entity) Get(field string) Register {
	if r := e.Fields[field]; r != nil {
		return *r
	}
	return Register{}
}

// String decodes the current value of a string field ("" if unset).
func (e *Entity) String(field string) string {
	var s string
	e.Decode(field, &s)
	return s
}

// Decode unmarshals the current value of field into v; it reports whether
// the field had a value that decoded.
func (e *Entity) Decode(field string, v any) bool {
	cur, ok := e.Get(field).Current()
	if !ok {
		return false
	}
	return json.Unmarshal(cur.Value, v) == nil
}

// Type is the entity's type as written at creation.
func (e *Entity) Type() string { return e.String(FieldType) }

// Parent is the entity's parent id as written at creation.
func (e *Entity) Parent() string { return e.String(FieldParent) }

// Status is an entity's life state.
type Status int

// Entity states.
const (
	Alive          Status = iota
	Deleted               // tombstoned, and every value was seen by the delete
	RestoredByEdit        // tombstoned, but an edit the deleter had not seen keeps it alive
)

// Status derives whether the entity is deleted. A delete covers only the
// field values it saw; any other surviving value is an edit concurrent with
// (or after) the delete, and the edit wins.
func (e *Entity) Status() Status {
	var covered map[OpID]bool
	for _, v := range e.Get(FieldDeleted).Values {
		var d DeleteValue
		if json.Unmarshal(v.Value, &d) != nil || !d.Deleted {
			continue
		}
		if covered == nil {
			covered = map[OpID]bool{}
		}
		for _, id := range d.Seen {
			covered[id] = true
		}
	}
	if covered == nil {
		return Alive
	}
	for name, reg := range e.Fields {
		if name == FieldDeleted {
			continue
		}
		for _, v := range reg.Values {
			if !covered[v.Op] {
				return RestoredByEdit
			}
		}
	}
	return Deleted
}

// Heads lists every surviving op id of every field except the tombstone,
// sorted: what a delete of this entity must record as seen.
func (e *Entity) Heads() []OpID {
	var out []OpID
	for name, reg := range e.Fields {
		if name != FieldDeleted {
			out = append(out, reg.IDs()...)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Less(out[j]) })
	return out
}

// Conflicts returns the fields whose registers hold competing values.
func (e *Entity) Conflicts() []string {
	var out []string
	for name, reg := range e.Fields {
		if reg.Conflict() {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// VersionVector maps each device to the highest sequence applied. Because
// every device's ops are applied in order, that number says exactly which
// of its ops have been seen.
type VersionVector map[string]uint64

// Seen reports whether id has been applied.
func (vv VersionVector) Seen(id OpID) bool { return id.Seq <= vv[id.Device] }

// Check decides whether op is next for its device: (true, nil) to apply,
// (false, nil) for a duplicate, ErrGap when earlier ops are missing.
func (vv VersionVector) Check(op Op) (bool, error) {
	last := vv[op.ID.Device]
	switch {
	case op.ID.Seq <= last:
		return false, nil
	case op.ID.Seq != last+1:
		return false, fmt.Errorf("%w: %s arrived after %s:%d", ErrGap, op.ID, op.ID.Device, last)
	}
	return true, nil
}

// State is the full derived state of a set of ops, built in memory. The
// store keeps the same per-entity records; State is how a rebuild or a test
// derives them from scratch.
type State struct {
	Entities map[string]*Entity
	VV       VersionVector
}

// NewState returns an empty state.
func NewState() *State {
	return &State{Entities: map[string]*Entity{}, VV: VersionVector{}}
}

// Apply applies op if it is the next op of its device. Duplicates are
// ignored (applied = false), so replaying a log or a bundle is harmless.
func (s *State) Apply(op Op) (applied bool, err error) {
	ok, err := s.VV.Check(op)
	if !ok || err != nil {
		return false, err
	}
	e := s.Entities[op.Entity]
	if e == nil {
		e = NewEntity(op.Entity)
		s.Entities[op.Entity] = e
	}
	e.Apply(op, s.VV.Seen)
	s.VV[op.ID.Device] = op.ID.Seq
	return true, nil
}
