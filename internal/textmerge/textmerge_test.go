package textmerge

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	for _, s := range []string{"", "a", "a\n", "a\nb", "a\nb\n", "\n\n", "監査\r\n証拠\n"} {
		l := Lines(s)
		if got := strings.Join(l, ""); got != s {
			t.Errorf("Lines(%q) joins to %q", s, got)
		}
		for i, x := range l {
			if i < len(l)-1 && !strings.HasSuffix(x, "\n") {
				t.Errorf("Lines(%q)[%d] = %q has no newline", s, i, x)
			}
		}
	}
}

// text builds a text from one-letter lines: text("abc") = "a\nb\nc\n".
func text(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
		b.WriteByte('\n')
	}
	return b.String()
}

func TestMerge3Table(t *testing.T) {
	const base = "abcdefgh"
	cases := []struct {
		name    string
		base    string
		a, b    string
		want    string // "" with ok false expected
		wantOK  bool
		rawText bool // a, b, base, want are literal texts
	}{
		{name: "both unchanged", base: base, a: base, b: base, want: base, wantOK: true},
		{name: "one side only", base: base, a: "abXdefgh", b: base, want: "abXdefgh", wantOK: true},
		{name: "other side only", base: base, a: base, b: "abcdeYgh", want: "abcdeYgh", wantOK: true},
		{name: "same full edit", base: base, a: "abXdefgh", b: "abXdefgh", want: "abXdefgh", wantOK: true},
		{name: "disjoint changes", base: base, a: "aXcdefgh", b: "abcdeYgh", want: "aXcdeYgh", wantOK: true},
		{name: "one untouched line between", base: base, a: "aXcdefgh", b: "abcYefgh", want: "aXcYefgh", wantOK: true},
		{name: "adjacent changes", base: base, a: "aXcdefgh", b: "abYdefgh", wantOK: false},
		{name: "same line changed both", base: base, a: "aXcdefgh", b: "aYcdefgh", wantOK: false},
		{name: "same line identical change, other differs", base: base, a: "aXcdefgh", b: "aXcdefgZ", wantOK: false},
		{name: "overlapping ranges", base: base, a: "aXYdefgh", b: "abZWefgh", wantOK: false},
		{name: "insert at same place", base: base, a: "abcXdefgh", b: "abcYdefgh", wantOK: false},
		{name: "insert before changed line", base: base, a: "abcXdefgh", b: "abcYefgh", wantOK: false},
		{name: "insert one line before changed line", base: base, a: "abcXdefgh", b: "abcdYfgh", want: "abcXdYfgh", wantOK: true},
		{name: "insert after changed line", base: base, a: "abcXdefgh", b: "abYdefgh", wantOK: false},
		{name: "inserts separated by a line", base: base, a: "abXcdefgh", b: "abcdYefgh", want: "abXcdYefgh", wantOK: true},
		{name: "inserts one line apart", base: base, a: "abXcdefgh", b: "abcYdefgh", want: "abXcYdefgh", wantOK: true},
		{name: "delete and change far", base: base, a: "acdefgh", b: "abcdefgY", want: "acdefgY", wantOK: true},
		{name: "delete adjacent to change", base: base, a: "acdefgh", b: "abYdefgh", wantOK: false},
		{name: "both delete the same line", base: base, a: "acdefgh", b: "acdefgZ", wantOK: false},
		{name: "prepend and append", base: base, a: "Xabcdefgh", b: "abcdefghY", want: "XabcdefghY", wantOK: true},
		{name: "empty base", base: "", a: "X", b: "Y", wantOK: false},
		{name: "empty base, one side", base: "", a: "XY", b: "", want: "XY", wantOK: true},
		{name: "delete everything vs edit", base: base, a: "", b: "abcdeYgh", wantOK: false},
		{name: "no trailing newline, last line edited and first", rawText: true,
			base: "one\ntwo\nthree\nfour", a: "ONE\ntwo\nthree\nfour", b: "one\ntwo\nthree\nFOUR",
			want: "ONE\ntwo\nthree\nFOUR", wantOK: true},
		{name: "append to a text without final newline touches its last line", rawText: true,
			base: "one\ntwo\nthree", a: "one\ntwo\nthree\nfour", b: "one\ntwo\nTHREE", wantOK: false},
		{name: "paragraphs with blank lines", rawText: true,
			base: "第一段落。\n\n第二段落。\n\n第三段落。\n",
			a:    "第一段落を修正。\n\n第二段落。\n\n第三段落。\n",
			b:    "第一段落。\n\n第二段落。\n\n第三段落を修正。\n追記。\n",
			want: "第一段落を修正。\n\n第二段落。\n\n第三段落を修正。\n追記。\n", wantOK: true},
		{name: "no word-level merge within a line", rawText: true,
			base: "the quick brown fox\n", a: "the slow brown fox\n", b: "the quick brown cat\n", wantOK: false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, x, y, want := c.base, c.a, c.b, c.want
			if !c.rawText {
				b, x, y, want = text(b), text(x), text(y), text(want)
			}
			for _, order := range [][2]string{{x, y}, {y, x}} {
				got, ok := Merge3(b, order[0], order[1])
				if ok != c.wantOK {
					t.Fatalf("Merge3 ok = %v, want %v (got %q)", ok, c.wantOK, got)
				}
				if ok && got != want {
					t.Fatalf("Merge3 = %q, want %q", got, want)
				}
				if !ok && got != "" {
					t.Fatalf("refused merge returned %q", got)
				}
			}
		})
	}
}

func TestMergeThreeVersions(t *testing.T) {
	base := text("abcdefghij")
	a, b, c := text("aXcdefghij"), text("abcdeYghij"), text("abcdefghZj")
	want := text("aXcdeYghZj")
	perms := [][3]string{{a, b, c}, {a, c, b}, {b, a, c}, {b, c, a}, {c, a, b}, {c, b, a}}
	for _, p := range perms {
		got, ok := Merge(base, p[0], p[1], p[2])
		if !ok || got != want {
			t.Fatalf("Merge(%q) = %q, %v; want %q", p, got, ok, want)
		}
	}
	// One pair touching spoils the whole merge.
	if _, ok := Merge(base, a, b, text("abcdefYhij")); ok {
		t.Fatal("three-way merge with two adjacent edits succeeded")
	}
	// Duplicates count once.
	if got, ok := Merge(base, a, b, a); !ok || got != text("aXcdeYghij") {
		t.Fatalf("duplicate version: %q %v", got, ok)
	}
}

func TestDiffHunks(t *testing.T) {
	base := Lines(text("abcdefgh"))
	got := Diff(base, Lines(text("aXcdeYYgh")))
	want := []Hunk{{1, 2, []string{"X\n"}}, {5, 6, []string{"Y\n", "Y\n"}}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("Diff = %v, want %v", got, want)
	}
	if h := Diff(base, base); len(h) != 0 {
		t.Fatalf("Diff of equal = %v", h)
	}
}

// apply applies hunks to base, to check Diff's output.
func apply(base []string, hs []Hunk) []string {
	var out []string
	at := 0
	for _, h := range hs {
		out = append(out, base[at:h.Start]...)
		out = append(out, h.Lines...)
		at = h.End
	}
	return append(out, base[at:]...)
}

func TestDiffIsMinimalAndApplies(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		x := randSeq(rng, rng.IntN(30), 4)
		y := randSeq(rng, rng.IntN(30), 4)
		hs := Diff(x, y)
		if got := apply(x, hs); !equal(got, y) {
			t.Fatalf("Diff(%q, %q) = %v applies to %q", x, y, hs, got)
		}
		// The number of unchanged lines equals the LCS length.
		changedBase := 0
		for i, h := range hs {
			changedBase += h.End - h.Start
			if i > 0 && h.Start <= hs[i-1].End {
				t.Fatalf("hunks touch: %v", hs)
			}
		}
		if lcs := lcsLen(x, y); len(x)-changedBase != lcs {
			t.Fatalf("Diff(%q, %q) keeps %d lines, LCS is %d", x, y, len(x)-changedBase, lcs)
		}
	}
}

func lcsLen(x, y []string) int {
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for i := range x {
		for j := range y {
			if x[i] == y[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(cur[j], prev[j+1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(y)]
}

func randSeq(rng *rand.Rand, n, alphabet int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = string(rune('a'+rng.IntN(alphabet))) + "\n"
	}
	return out
}

func TestDiffFallsBackBeyondMaxEdits(t *testing.T) {
	var x, y []string
	for i := range MaxEdits {
		x = append(x, fmt.Sprintf("x%d\n", i))
		y = append(y, fmt.Sprintf("y%d\n", i))
	}
	base := append(append([]string{"head\n"}, x...), "tail\n")
	v := append(append([]string{"head\n"}, y...), "tail\n")
	hs := Diff(base, v)
	if len(hs) != 1 || hs[0].Start != 1 || hs[0].End != 1+MaxEdits {
		t.Fatalf("fallback hunk = %d hunks", len(hs))
	}
	if !equal(apply(base, hs), v) {
		t.Fatal("fallback hunk does not apply")
	}
}

// edit replaces, inserts or deletes lines in [lo, hi) of base with fresh,
// unique lines tagged tag.
func edit(rng *rand.Rand, base []string, lo, hi int, tag string) []string {
	out := append([]string(nil), base[:lo]...)
	for i := range rng.IntN(3) + boolInt(lo == hi) {
		out = append(out, fmt.Sprintf("%s%d\n", tag, i))
	}
	return append(out, base[hi:]...)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestMergeAppliesDisjointEdits(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 9))
	for n := range 3000 {
		base := make([]string, 3+rng.IntN(20))
		for i := range base {
			base[i] = fmt.Sprintf("base%d\n", i)
		}
		// Two ranges separated by at least one untouched line.
		s1 := rng.IntN(len(base) - 2)
		e1 := s1 + rng.IntN(min(3, len(base)-s1-2)+1)
		s2 := e1 + 1 + rng.IntN(len(base)-e1-1)
		e2 := s2 + rng.IntN(len(base)-s2+1)
		a := edit(rng, base, s1, e1, "A")
		b := edit(rng, base, s2, e2, "B")
		want := append(append(append([]string(nil), a[:len(a)-(len(base)-e1)]...), base[e1:s2]...), b[s2:]...)
		for _, order := range [][2][]string{{a, b}, {b, a}} {
			got, ok := MergeSeq(base, order[0], order[1])
			if equal(a, base) || equal(b, base) || ok {
				if !ok || !equal(got, want) {
					t.Fatalf("case %d: merge of [%d,%d) and [%d,%d) = %q %v, want %q", n, s1, e1, s2, e2, got, ok, want)
				}
			} else {
				t.Fatalf("case %d: disjoint edits [%d,%d) and [%d,%d) refused", n, s1, e1, s2, e2)
			}
		}
		// Now make them adjacent: b edits right after a's range.
		if e1 < len(base) {
			b2 := edit(rng, base, e1, e1+1, "C")
			if _, ok := MergeSeq(base, a, b2); ok && !equal(a, base) {
				t.Fatalf("case %d: adjacent edits [%d,%d) and [%d,%d) merged", n, s1, e1, e1, e1+1)
			}
		}
	}
}

func FuzzMerge3(f *testing.F) {
	f.Add("a\nb\nc\nd\n", "a\nX\nc\nd\n", "a\nb\nc\nY\n")
	f.Add("", "x", "y")
	f.Add("a\nb", "a\nb\nc", "z\nb")
	f.Add("第一\n\n第二\n", "第一改\n\n第二\n", "第一\n\n第二改\n")
	f.Fuzz(func(t *testing.T, base, a, b string) {
		if got, ok := Merge3(base, a, base); !ok || got != a {
			t.Fatalf("merge(base, a, base) = %q %v, want a", got, ok)
		}
		if got, ok := Merge3(base, base, a); !ok || got != a {
			t.Fatalf("merge(base, base, a) = %q %v, want a", got, ok)
		}
		if got, ok := Merge3(base, a, a); !ok || got != a {
			t.Fatalf("merge(base, a, a) = %q %v, want a", got, ok)
		}
		m1, ok1 := Merge3(base, a, b)
		m2, ok2 := Merge3(base, b, a)
		if ok1 != ok2 || m1 != m2 {
			t.Fatalf("not symmetric: %q %v vs %q %v", m1, ok1, m2, ok2)
		}
		if !ok1 || a == b {
			return
		}
		// A clean merge keeps both edits: b's hunks, shifted by the lines
		// a added or removed before them, applied to a give the merge.
		bl := Lines(base)
		ha, hb := Diff(bl, Lines(a)), Diff(bl, Lines(b))
		var shifted []Hunk
		for _, h := range hb {
			d := 0
			for _, x := range ha {
				if x.End <= h.Start {
					d += len(x.Lines) - (x.End - x.Start)
				}
			}
			shifted = append(shifted, Hunk{Start: h.Start + d, End: h.End + d, Lines: h.Lines})
		}
		if got := strings.Join(apply(Lines(a), shifted), ""); got != m1 {
			t.Fatalf("merge = %q, b's edits applied to a = %q", m1, got)
		}
	})
}

func BenchmarkMerge3(b *testing.B) {
	// About 3,000 characters in 66 paragraphs, edited at both ends.
	var lines []string
	for i := range 66 {
		lines = append(lines, fmt.Sprintf("第%d段落：監査対象部門の手続を確認した。記録は適切に保管されており、承認も得られていた。\n", i))
	}
	base := strings.Join(lines, "")
	la := append([]string(nil), lines...)
	la[3] = "第3段落：修正した。\n"
	la = append(la[:10], append([]string{"追加の段落。\n"}, la[10:]...)...)
	lb := append([]string(nil), lines...)
	lb[30] = "第30段落：別の監査人が修正した。\n"
	lb = lb[:len(lb)-1]
	a, c := strings.Join(la, ""), strings.Join(lb, "")
	if len([]rune(base)) < 2900 {
		b.Fatalf("base too short: %d chars", len([]rune(base)))
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := Merge3(base, a, c); !ok {
			b.Fatal("refused")
		}
	}
}
