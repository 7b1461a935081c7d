package workspace

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/change"
	"github.com/kansa-audit/kansa/internal/textmerge"
)

// Long text merges (issue 6 §3).
//
// Every field is a multi-value register; two concurrent edits of one field
// leave two values, a conflict. For the long-text fields listed in
// longText, a conflict is resolved at read time by a conservative
// line-based three-way merge (internal/textmerge) when the edits descend
// from a common base and touch disjoint, non-adjacent lines of it. The
// merged text is then shown as the field's value and no conflict is
// reported; otherwise every full version stays a conflict, as for any
// other field. Nothing is written: the register still holds both values,
// and the next local edit (tx.Write supersedes every value of the
// register) replaces them with text derived from the merged one.
//
// The merge is a pure function of the register's values and of the
// immutable ops in the log, so every replica that holds the same ops shows
// the same text, whatever order the ops arrived in. A replica that lacks
// an ancestor op (not synced yet) shows the conflict until it arrives.
//
// The base. An op's Supersedes set is the register state its writer saw:
// a "state" is a set of op ids, and its text is the value of its single op,
// or, for several ops, their merged text (what the writer was shown). Each
// value's history is the chain of states {v}, v.Supersedes, then the
// Supersedes of that state's op, and so on; a state of several ops
// continues with the base their own merge used. The base of a set of
// values is the first state common to all their chains: since the next
// state is a function of the state, chains that meet coincide from there
// on, so that state is unique and found by walking the chains in lockstep
// (commonBase). The empty state (the field was unset) has the empty text.
// Walks are capped (maxChain states per chain, maxDepth nested merges);
// beyond, the values stay a conflict. A step reads what one op superseded
// (bolt.Tx.Supersedes, cached per store since ops never change), so a
// field autosaved hundreds of times still merges cheaply.
//
// Three or more values merge only when all of them merge cleanly against
// their one common base (every pair of edits disjoint and non-adjacent).
//
// Why not materialise the merge in the view: the base is an op the
// register no longer holds, so the view would need either the superseded
// texts or a log read anyway; reading the few ops of a rare conflict at
// read time keeps the view format (and every existing store) unchanged.

// mergeKind says how a long-text field's values are split into units.
type mergeKind int

const (
	mergeText mergeKind = iota + 1 // a JSON string, merged line by line
	mergeList                      // a JSON array, merged element by element (hearing statements)
)

// longText lists, per entity type, the fields merged line by line.
var longText = map[string]map[string]mergeKind{
	TypeItem: {
		"observation":   mergeText, // 監査実施内容
		"evidence_seen": mergeText, // 監査証拠
		"proposal":      mergeText, // 改善提案
	},
	TypeHearing: {
		"statements": mergeList, // one unit per statement
		"notes":      mergeText,
	},
	TypeNote: {
		"text":     mergeText,
		"response": mergeText,
	},
}

const (
	// maxChain bounds the states walked back from each value. Autosave
	// writes a field every pause in typing, so an afternoon on one
	// proposal is hundreds of ops; each step is a cached map lookup once
	// the op has been read.
	maxChain = 4096
	maxDepth = 3 // merges nested inside a base that are resolved in turn
)

// ConflictValue is one competing value of a field in conflict (or one of
// the values a long-text merge combined), with who wrote it and when: what
// a conflict view shows side by side.
type ConflictValue struct {
	Op     string    `json:"op"`     // op id, "device:seq"
	Author string    `json:"author"` // member name when the team knows it, else the member id
	At     time.Time `json:"at"`     // the write's clock reading (HLC wall time), UTC
	Value  string    `json:"value"`  // display text; strings unquoted, other values as JSON
}

// resolveMerges returns e with each long-text register whose competing
// values merge cleanly replaced by one value holding the merged text (the
// op, time and author of the register's current value), and the values
// merged per field. e itself is untouched: its registers are what a new
// write supersedes. When nothing merges, e is returned as is.
func resolveMerges(tx *bolt.Tx, e *change.Entity) (*change.Entity, map[string][]change.Value) {
	kinds := longText[e.Type()]
	if len(kinds) == 0 {
		return e, nil
	}
	var out *change.Entity
	var merged map[string][]change.Value
	for _, f := range sortedKeys(kinds) {
		reg := e.Get(f)
		if !reg.Conflict() {
			continue
		}
		text, ok := mergeRegister(tx, kinds[f], reg)
		if !ok {
			continue
		}
		if out == nil {
			out = &change.Entity{ID: e.ID, Fields: make(map[string]*change.Register, len(e.Fields)), Early: e.Early}
			for k, r := range e.Fields {
				out.Fields[k] = r
			}
			merged = map[string][]change.Value{}
		}
		cur, _ := reg.Current()
		cur.Value = text
		out.Fields[f] = &change.Register{Values: []change.Value{cur}}
		merged[f] = reg.Values
	}
	if out == nil {
		return e, nil
	}
	return out, merged
}

// fieldConflicts lists the fields of e still in conflict once long texts
// are merged: e.Conflicts() without the cleanly merged fields. Sorted.
func fieldConflicts(tx *bolt.Tx, e *change.Entity) []string {
	r, _ := resolveMerges(tx, e)
	return r.Conflicts()
}

// mergeRegister merges a register's competing values against their common
// base; ok is false when they stay a conflict.
func mergeRegister(tx *bolt.Tx, kind mergeKind, reg change.Register) (json.RawMessage, bool) {
	r := &resolver{tx: tx, kind: kind, vals: map[change.OpID]json.RawMessage{}, memo: map[string]mergeResult{}}
	for _, v := range reg.Values {
		r.vals[v.Op] = v.Value
	}
	merged, _, ok := r.mergeState(stateOf(reg.IDs()), 0)
	return merged, ok
}

type mergeResult struct {
	merged json.RawMessage
	base   []change.OpID
	ok     bool
}

// resolver walks one register's history. It is made afresh for each
// register, so nothing it caches carries from one read to another (the
// store's cache of what ops supersede holds only immutable facts).
type resolver struct {
	tx   *bolt.Tx
	kind mergeKind
	vals map[change.OpID]json.RawMessage // values read so far; nil: missing
	memo map[string]mergeResult
}

// stateOf is a state's canonical form: ids sorted, without duplicates.
func stateOf(ids []change.OpID) []change.OpID {
	s := slices.Clone(ids)
	slices.SortFunc(s, func(a, b change.OpID) int {
		switch {
		case a.Less(b):
			return -1
		case b.Less(a):
			return 1
		}
		return 0
	})
	return slices.Compact(s)
}

func stateKey(s []change.OpID) string {
	var b strings.Builder
	for _, id := range s {
		b.WriteString(id.String())
		b.WriteByte(' ')
	}
	return b.String()
}

// val is the value op id wrote, or nil when this store lacks the op (not
// synced yet, or unreadable): whatever needs it stays a conflict.
func (r *resolver) val(id change.OpID) json.RawMessage {
	if v, ok := r.vals[id]; ok {
		return v
	}
	var v json.RawMessage
	if op, err := r.tx.Op(id); err == nil {
		v = op.Value
	}
	r.vals[id] = v
	return v
}

// value is the text of state s: "" for the empty state, the op's value for
// one op, the merged value for several.
func (r *resolver) value(s []change.OpID, depth int) (json.RawMessage, bool) {
	switch len(s) {
	case 0:
		if r.kind == mergeList {
			return json.RawMessage("[]"), true
		}
		return json.RawMessage(`""`), true
	case 1:
		v := r.val(s[0])
		return v, v != nil
	}
	m, _, ok := r.mergeState(s, depth+1)
	return m, ok
}

// next is the state before s in its history.
func (r *resolver) next(s []change.OpID, depth int) ([]change.OpID, bool) {
	switch len(s) {
	case 0:
		return nil, false
	case 1:
		sup, err := r.tx.Supersedes(s[0])
		if err != nil {
			return nil, false
		}
		return stateOf(sup), true
	}
	_, base, ok := r.mergeState(s, depth+1)
	return base, ok
}

// mergeState merges the values of a state of two or more ops against
// their common base, and returns that base.
func (r *resolver) mergeState(s []change.OpID, depth int) (json.RawMessage, []change.OpID, bool) {
	if depth > maxDepth {
		return nil, nil, false
	}
	key := stateKey(s)
	if m, ok := r.memo[key]; ok {
		return m.merged, m.base, m.ok
	}
	// Mark the state in progress: a cycle (only forged ops can make one)
	// ends as "no merge".
	r.memo[key] = mergeResult{}
	m := r.mergeUncached(s, depth)
	r.memo[key] = m
	return m.merged, m.base, m.ok
}

func (r *resolver) mergeUncached(s []change.OpID, depth int) mergeResult {
	vals := make([]json.RawMessage, len(s))
	for i, id := range s {
		if vals[i] = r.val(id); vals[i] == nil {
			return mergeResult{}
		}
	}
	base, ok := r.commonBase(s, depth)
	if !ok {
		return mergeResult{}
	}
	bv, ok := r.value(base, depth)
	if !ok {
		return mergeResult{}
	}
	merged, ok := combine(r.kind, bv, vals)
	if !ok {
		return mergeResult{}
	}
	return mergeResult{merged: merged, base: base, ok: true}
}

// commonBase walks the histories of the ops of s in lockstep and returns
// the first state found in all of them. Because the state before a state
// is a function of it, histories that meet coincide from there on: the
// first state common to all is met before any later one, whatever the
// order of the walk, and the walk stops as soon as it is met (the cost is
// the length of the histories since the fork, not of the whole field).
func (r *resolver) commonBase(s []change.OpID, depth int) ([]change.OpID, bool) {
	cur := make([][]change.OpID, len(s))
	seen := make([]map[string]bool, len(s))
	live := make([]bool, len(s))
	for i, id := range s {
		cur[i] = []change.OpID{id}
		seen[i] = map[string]bool{stateKey(cur[i]): true}
		live[i] = true
	}
	inAll := func(k string) bool {
		for _, m := range seen {
			if !m[k] {
				return false
			}
		}
		return true
	}
	for range maxChain {
		moved := false
		for i := range cur {
			if !live[i] {
				continue
			}
			n, ok := r.next(cur[i], depth)
			if !ok {
				live[i] = false
				continue
			}
			k := stateKey(n)
			seen[i][k] = true
			if inAll(k) {
				return n, true
			}
			cur[i], moved = n, true
		}
		if !moved {
			break
		}
	}
	return nil, false
}

// combine merges the values against base under the textmerge rule.
func combine(kind mergeKind, base json.RawMessage, vals []json.RawMessage) (json.RawMessage, bool) {
	switch kind {
	case mergeText:
		var b string
		if json.Unmarshal(base, &b) != nil {
			return nil, false
		}
		vs := make([]string, len(vals))
		for i, v := range vals {
			if json.Unmarshal(v, &vs[i]) != nil {
				return nil, false
			}
		}
		m, ok := textmerge.Merge(b, vs...)
		if !ok {
			return nil, false
		}
		raw, err := json.Marshal(m)
		return raw, err == nil
	case mergeList:
		b, ok := listUnits(base)
		if !ok {
			return nil, false
		}
		vs := make([][]string, len(vals))
		for i, v := range vals {
			if vs[i], ok = listUnits(v); !ok {
				return nil, false
			}
		}
		m, ok := textmerge.MergeSeq(b, vs...)
		if !ok {
			return nil, false
		}
		return json.RawMessage("[" + strings.Join(m, ",") + "]"), true
	}
	return nil, false
}

// listUnits splits a JSON array into its elements in compact form (null
// is the empty list).
func listUnits(raw json.RawMessage) ([]string, bool) {
	var elems []json.RawMessage
	if json.Unmarshal(raw, &elems) != nil {
		return nil, false
	}
	out := make([]string, len(elems))
	for i, e := range elems {
		var b bytes.Buffer
		if json.Compact(&b, e) != nil {
			return nil, false
		}
		out[i] = b.String()
	}
	return out, true
}

// conflictDetails returns, for each field in conflict, every competing
// value with its op, author and time, oldest first (the order of
// conflicts()).
func conflictDetails(e *change.Entity, names map[string]string) map[string][]ConflictValue {
	fs := e.Conflicts()
	if len(fs) == 0 {
		return nil
	}
	out := make(map[string][]ConflictValue, len(fs))
	for _, f := range fs {
		out[f] = conflictValues(e.Get(f).Values, names)
	}
	return out
}

func conflictValues(vals []change.Value, names map[string]string) []ConflictValue {
	out := make([]ConflictValue, 0, len(vals))
	for _, v := range vals {
		var s string
		if json.Unmarshal(v.Value, &s) != nil {
			s = string(v.Value)
		}
		who := v.Author
		if n := names[who]; n != "" {
			who = n
		}
		out = append(out, ConflictValue{Op: v.Op.String(), Author: who, At: v.At.Time().UTC(), Value: s})
	}
	return out
}

// authorNames maps member ids (Kansa identities) to names, from the team
// of the engagement.
func authorNames(tx *bolt.Tx, engagement string) map[string]string {
	out := map[string]string{}
	ms, err := childrenOf(tx, engagement, TypeMember)
	if err != nil {
		return out
	}
	for _, e := range ms {
		var m audit.Member
		if decode(e, &m) == nil && m.Person != "" {
			out[m.Person] = m.Name
		}
	}
	return out
}
