package workspace

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/change"
)

// Domain structs are stored field by field: each JSON key of the struct is
// one register, so two auditors editing different fields of the same item
// never conflict, and the same field edited concurrently is a visible
// conflict rather than a lost value.

// skipKeys are JSON keys that are not stored as fields: the id is the
// entity's key, and the parent link is the reserved _parent field.
var skipKeys = map[string]bool{"id": true, "audit": true, "engagement": true}

// fields flattens v (a struct) into its JSON keys and values.
func fields(v any) (map[string]json.RawMessage, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, err
	}
	for k := range skipKeys {
		delete(m, k)
	}
	return m, nil
}

// writeFields writes every field of v, in key order, into entity.
func writeFields(tx *bolt.Tx, entity string, v any) error {
	m, err := fields(v)
	if err != nil {
		return err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, _, err := tx.Write(entity, k, m[k]); err != nil {
			return err
		}
	}
	return nil
}

// create makes a new entity of typ under parent holding v's fields.
func create(tx *bolt.Tx, id, typ, parent string, v any) error {
	if err := tx.Create(id, typ, parent); err != nil {
		return err
	}
	return writeFields(tx, id, v)
}

// decode fills v (a pointer to a struct) from the entity's current values.
func decode(e *change.Entity, v any) error {
	var buf bytes.Buffer
	buf.WriteByte('{')
	first := true
	for name, reg := range e.Fields {
		if strings.HasPrefix(name, "_") {
			continue
		}
		cur, ok := reg.Current()
		if !ok {
			continue
		}
		if !first {
			buf.WriteByte(',')
		}
		first = false
		k, _ := json.Marshal(name)
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(cur.Value)
	}
	buf.WriteByte('}')
	if err := json.Unmarshal(buf.Bytes(), v); err != nil {
		return fmt.Errorf("decode %s %s: %w", e.Type(), e.ID, err)
	}
	return nil
}

// conflicts returns, for each field in conflict, every competing value as
// display text (strings unquoted), oldest first.
func conflicts(e *change.Entity) map[string][]string {
	names := e.Conflicts()
	if len(names) == 0 {
		return nil
	}
	out := map[string][]string{}
	for _, n := range names {
		for _, v := range e.Get(n).Values {
			var s string
			if json.Unmarshal(v.Value, &s) != nil {
				s = string(v.Value)
			}
			out[n] = append(out[n], s)
		}
	}
	return out
}

// alive reports whether the entity exists and is not deleted.
func alive(e *change.Entity) bool {
	return e != nil && e.Type() != "" && e.Status() != change.Deleted
}

// childrenOf loads the live children of parent that have type typ.
func childrenOf(tx *bolt.Tx, parent, typ string) ([]*change.Entity, error) {
	ids, err := tx.Children(parent)
	if err != nil {
		return nil, err
	}
	var out []*change.Entity
	for _, id := range ids {
		e, err := tx.Entity(id)
		if err != nil {
			return nil, err
		}
		if alive(e) && e.Type() == typ {
			out = append(out, e)
		}
	}
	return out, nil
}

// entityOf loads a live entity of the given type, or ErrNotFound.
func entityOf(tx *bolt.Tx, id, typ string) (*change.Entity, error) {
	e, err := tx.Entity(id)
	if errors.Is(err, ErrNotFound) || (err == nil && (!alive(e) || e.Type() != typ)) {
		return nil, fmt.Errorf("%s %s: %w", typ, id, ErrNotFound)
	}
	return e, err
}
