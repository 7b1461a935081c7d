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
// The base. An op's Supersedes set is the register state its writer saw,
// so the ops of a field form a history graph: each op's parents are the
// ops it superseded (an op that superseded nothing descends from the
// empty root: the field unset, with the empty text). The base of a set of
// values is their lowest common ancestor: the common ancestors that are
// not an ancestor of another common ancestor. When there is one, its text
// is the base; when there are several (each writer had seen a merge of
// the same values, or a criss-cross), the base is their own merge,
// resolved the same way in turn (as git's recursive merge does), up to
// maxDepth levels. So an edit made on top of a shown merge merges again
// with an edit made on one of the merged versions only. Computing the
// common ancestors takes every value's whole history: an op missing from
// this store, or a history beyond maxHistory ops, leaves a conflict. Each
// step reads what one op superseded (bolt.Tx.Supersedes, cached per store
// since ops never change), so a field autosaved hundreds of times still
// merges cheaply.
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
	// maxHistory bounds the ops of one value's history. Autosave writes a
	// field at every pause in typing, so an afternoon on one proposal is
	// hundreds of ops; each is a cached map lookup once read.
	maxHistory = 1 << 14
	maxDepth   = 3 // nested merges of several lowest common ancestors
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
	r := &resolver{tx: tx, kind: kind, vals: map[change.OpID]json.RawMessage{},
		hist: map[change.OpID]map[change.OpID]bool{}, memo: map[string]mergeResult{}}
	for _, v := range reg.Values {
		r.vals[v.Op] = v.Value
	}
	return r.mergeState(stateOf(reg.IDs()), 0)
}

type mergeResult struct {
	merged json.RawMessage
	ok     bool
}

// resolver walks one register's history. It is made afresh for each
// register, so nothing it caches carries from one read to another (the
// store's cache of what ops supersede holds only immutable facts).
type resolver struct {
	tx   *bolt.Tx
	kind mergeKind
	vals map[change.OpID]json.RawMessage // values read so far; nil: missing
	hist map[change.OpID]map[change.OpID]bool
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
	return r.mergeState(s, depth+1)
}

// mergeState merges the values of a state of two or more ops against
// their common base.
func (r *resolver) mergeState(s []change.OpID, depth int) (json.RawMessage, bool) {
	if depth > maxDepth {
		return nil, false
	}
	key := stateKey(s)
	if m, ok := r.memo[key]; ok {
		return m.merged, m.ok
	}
	// Mark the state in progress: a cycle (only forged ops can make one)
	// ends as "no merge".
	r.memo[key] = mergeResult{}
	m := r.mergeUncached(s, depth)
	r.memo[key] = m
	return m.merged, m.ok
}

func (r *resolver) mergeUncached(s []change.OpID, depth int) mergeResult {
	vals := make([]json.RawMessage, len(s))
	for i, id := range s {
		if vals[i] = r.val(id); vals[i] == nil {
			return mergeResult{}
		}
	}
	base, ok := r.commonBase(s)
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
	return mergeResult{merged: merged, ok: true}
}

// root stands for the empty state, the parent of ops that superseded
// nothing.
var root = change.OpID{}

// history returns id and all its ancestors (root included), or false when
// an ancestor is missing here or the history is longer than maxHistory.
func (r *resolver) history(id change.OpID) (map[change.OpID]bool, bool) {
	if h, ok := r.hist[id]; ok {
		return h, h != nil
	}
	h := map[change.OpID]bool{id: true}
	todo := []change.OpID{id}
	for len(todo) > 0 {
		n := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		if n == root {
			continue
		}
		sup, err := r.tx.Supersedes(n)
		if err != nil || len(h) > maxHistory {
			r.hist[id] = nil
			return nil, false
		}
		if len(sup) == 0 {
			sup = []change.OpID{root}
		}
		for _, p := range sup {
			if !h[p] {
				h[p] = true
				todo = append(todo, p)
			}
		}
	}
	r.hist[id] = h
	return h, true
}

// commonBase returns the lowest common ancestors of the ops of s, as a
// state (empty: the root).
func (r *resolver) commonBase(s []change.OpID) ([]change.OpID, bool) {
	hs := make([]map[change.OpID]bool, len(s))
	for i, id := range s {
		h, ok := r.history(id)
		if !ok {
			return nil, false
		}
		hs[i] = h
	}
	var common []change.OpID
	for id := range hs[0] {
		all := true
		for _, h := range hs[1:] {
			if !h[id] {
				all = false
				break
			}
		}
		if all {
			common = append(common, id)
		}
	}
	// Common ancestors are closed under "parent of"; the lowest are those
	// that are no common ancestor's parent.
	parent := map[change.OpID]bool{}
	for _, c := range common {
		if c == root {
			continue
		}
		sup, err := r.tx.Supersedes(c)
		if err != nil {
			return nil, false
		}
		if len(sup) == 0 {
			parent[root] = true
		}
		for _, p := range sup {
			parent[p] = true
		}
	}
	var lowest []change.OpID
	for _, c := range common {
		if !parent[c] {
			lowest = append(lowest, c)
		}
	}
	switch {
	case len(lowest) == 0:
		return nil, false // only a cycle (forged ops) gets here
	case len(lowest) == 1 && lowest[0] == root:
		return []change.OpID{}, true
	}
	if slices.Contains(lowest, root) {
		return nil, false // the root is everyone's ancestor: cannot be lowest beside another
	}
	return stateOf(lowest), true
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
