// Package textmerge is a conservative line-based three-way merge for long
// text (observations, proposals, hearing statements).
//
// Each version is compared with the common base as a sequence of lines. An
// edit is a hunk: a range of base lines [Start, End) replaced by zero or
// more new lines (an insertion is an empty range). The versions merge only
// when every hunk of every version is separated from every hunk of every
// other version by at least one untouched base line: overlapping hunks,
// hunks that abut ("lines 3-4" and "line 5"), and insertions at the same
// place or right next to an edited line all count as touching, and the
// merge is refused. There is no word- or character-level merging: when it
// is refused, the caller keeps every full version as a conflict.
//
// The result depends only on the base and the set of versions, never on
// their order, so replicas that see the same values agree. The package is
// pure and imports the standard library only.
package textmerge

import "strings"

// MaxEdits bounds the line diff: a version that differs from the base by
// more than this many inserted plus deleted lines (after the common head
// and tail are set aside) is treated as one hunk rewriting everything in
// between, which touches any other edit. It keeps memory and time bounded
// for pathological input; real edits of long text are far below it.
const MaxEdits = 1000

// Lines splits s into lines, each keeping its trailing "\n"; the last line
// has none when s does not end in a newline. Joining them gives s back.
func Lines(s string) []string {
	if s == "" {
		return nil
	}
	out := make([]string, 0, strings.Count(s, "\n")+1)
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		if i < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	return out
}

// Merge3 merges two concurrent edits a and b of base. ok is false when
// their edits touch (overlap or are adjacent); merged is then "".
func Merge3(base, a, b string) (merged string, ok bool) {
	return Merge(base, a, b)
}

// Merge merges any number of concurrent edits of base, under the same rule
// as Merge3 applied to every pair. Versions equal to each other count once;
// a version equal to base contributes nothing.
func Merge(base string, versions ...string) (merged string, ok bool) {
	seqs := make([][]string, len(versions))
	for i, v := range versions {
		seqs[i] = Lines(v)
	}
	out, ok := MergeSeq(Lines(base), seqs...)
	if !ok {
		return "", false
	}
	return strings.Join(out, ""), true
}

// Hunk is one edit of a version against the base: base elements
// [Start, End) are replaced by Lines.
type Hunk struct {
	Start, End int
	Lines      []string
}

// MergeSeq is Merge over sequences of arbitrary units (lines, or the
// encoded elements of a list): units are compared as whole strings.
func MergeSeq(base []string, versions ...[]string) ([]string, bool) {
	// Identical versions count once, whatever their order.
	uniq := make([][]string, 0, len(versions))
	for _, v := range versions {
		dup := false
		for _, u := range uniq {
			if equal(u, v) {
				dup = true
				break
			}
		}
		if !dup {
			uniq = append(uniq, v)
		}
	}
	var all []Hunk
	for _, v := range uniq {
		all = append(all, Diff(base, v)...)
	}
	// Order by start, then end; hunks of one version never touch each
	// other, so any two hunks that touch come from different versions.
	sortHunks(all)
	maxEnd := -1
	for _, h := range all {
		if h.Start <= maxEnd {
			return nil, false
		}
		maxEnd = h.End
	}
	out := make([]string, 0, len(base))
	at := 0
	for _, h := range all {
		out = append(out, base[at:h.Start]...)
		out = append(out, h.Lines...)
		at = h.End
	}
	return append(out, base[at:]...), true
}

func sortHunks(hs []Hunk) {
	// Insertion sort: a handful of hunks, and no import of sort needed
	// for a stable, total order.
	for i := 1; i < len(hs); i++ {
		for j := i; j > 0 && hunkLess(hs[j], hs[j-1]); j-- {
			hs[j], hs[j-1] = hs[j-1], hs[j]
		}
	}
}

func hunkLess(a, b Hunk) bool {
	if a.Start != b.Start {
		return a.Start < b.Start
	}
	return a.End < b.End
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Diff returns the hunks that turn base into v, in base order. Consecutive
// hunks are separated by at least one unchanged base unit. The diff is a
// shortest edit script (Myers), so it is deterministic for given inputs.
func Diff(base, v []string) []Hunk {
	// Set aside the common head and tail.
	pre := 0
	for pre < len(base) && pre < len(v) && base[pre] == v[pre] {
		pre++
	}
	suf := 0
	for suf < len(base)-pre && suf < len(v)-pre && base[len(base)-1-suf] == v[len(v)-1-suf] {
		suf++
	}
	x, y := base[pre:len(base)-suf], v[pre:len(v)-suf]
	if len(x) == 0 && len(y) == 0 {
		return nil
	}
	// Compare small integers rather than strings.
	ids := map[string]int32{}
	intern := func(s []string) []int32 {
		out := make([]int32, len(s))
		for i, l := range s {
			id, ok := ids[l]
			if !ok {
				id = int32(len(ids))
				ids[l] = id
			}
			out[i] = id
		}
		return out
	}
	xs, ys := intern(x), intern(y)
	pairs, ok := lcsPairs(xs, ys, MaxEdits)
	if !ok {
		return []Hunk{{Start: pre, End: pre + len(x), Lines: clone(y)}}
	}
	// Walk the matched pairs; every gap between two of them is a hunk.
	var out []Hunk
	pi, pj := -1, -1
	pairs = append(pairs, [2]int{len(x), len(y)})
	for _, p := range pairs {
		i, j := p[0], p[1]
		if i > pi+1 || j > pj+1 {
			out = append(out, Hunk{Start: pre + pi + 1, End: pre + i, Lines: clone(y[pj+1 : j])})
		}
		pi, pj = i, j
	}
	return out
}

func clone(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return append([]string(nil), s...)
}

// lcsPairs runs Myers' greedy shortest-edit-script search and returns the
// matched index pairs (i, j) with x[i] == y[j], increasing in both. ok is
// false when the script needs more than maxD edits.
func lcsPairs(x, y []int32, maxD int) (pairs [][2]int, ok bool) {
	n, m := len(x), len(y)
	lim := min(n+m, maxD)
	off := lim + 1
	v := make([]int32, 2*lim+3)
	// snaps[d] holds v[k] for k in [-d, d] after step d.
	snaps := make([][]int32, 0, 16)
	final := -1
	for d := 0; d <= lim && final < 0; d++ {
		for k := -d; k <= d; k += 2 {
			var i int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				i = int(v[off+k+1]) // step down: an insertion
			} else {
				i = int(v[off+k-1]) + 1 // step right: a deletion
			}
			j := i - k
			for i < n && j < m && x[i] == y[j] {
				i++
				j++
			}
			v[off+k] = int32(i)
			if i >= n && j >= m {
				final = d
			}
		}
		snaps = append(snaps, append([]int32(nil), v[off-d:off+d+1]...))
	}
	if final < 0 {
		return nil, false
	}
	at := func(d, k int) int { return int(snaps[d][k+d]) }
	i, j := n, m
	for d := final; d > 0; d-- {
		k := i - j
		var pk int
		if k == -d || (k != d && at(d-1, k-1) < at(d-1, k+1)) {
			pk = k + 1
		} else {
			pk = k - 1
		}
		// The snake of step d started right after the edit from the
		// previous furthest point on diagonal pk.
		pi := at(d-1, pk)
		pj := pi - pk
		si, sj := pi, pj
		if pk == k+1 {
			sj++ // the insertion of y[pj]
		} else {
			si++ // the deletion of x[pi]
		}
		for i > si && j > sj {
			i--
			j--
			pairs = append(pairs, [2]int{i, j})
		}
		i, j = pi, pj
	}
	for i > 0 && j > 0 {
		i--
		j--
		pairs = append(pairs, [2]int{i, j})
	}
	for a, b := 0, len(pairs)-1; a < b; a, b = a+1, b-1 {
		pairs[a], pairs[b] = pairs[b], pairs[a]
	}
	return pairs, true
}
