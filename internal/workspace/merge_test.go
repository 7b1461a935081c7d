package workspace

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/change"
)

// Replicas here exchange ops directly, log to log, as a sync does once
// the bundles are in: every op of every device the receiver lacks, in each
// device's order. sync_test.go covers the folder itself.

func mergeReplica(t *testing.T, name string) *Workspace {
	t.Helper()
	w, err := Create(filepath.Join(t.TempDir(), "store"), []byte("pass"), name, audit.RoleAuditor, Options{KDF: testKDF})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// allOps returns every op in w's log, device by device in device order.
func allOps(t *testing.T, w *Workspace) []change.Op {
	t.Helper()
	var ops []change.Op
	err := w.st.View(func(tx *bolt.Tx) error {
		vv, err := tx.VersionVector()
		if err != nil {
			return err
		}
		for _, d := range sortedKeys(vv) {
			if err := tx.LogFrom(d, 1, func(op change.Op) error { ops = append(ops, op); return nil }); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ops
}

func applyOps(t *testing.T, w *Workspace, ops []change.Op) {
	t.Helper()
	err := w.st.Update(func(tx *bolt.Tx) error {
		for _, op := range ops {
			if _, err := tx.ApplyRemote(op); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// push gives to every op from holds.
func push(t *testing.T, from, to *Workspace) { t.Helper(); applyOps(t, to, allOps(t, from)) }

// paragraphs builds a proposal of n paragraphs separated by blank lines.
func paragraphs(n int, edit map[int]string) string {
	var ps []string
	for i := range n {
		p := fmt.Sprintf("第%d段落：入退室管理の記録を確認し、承認の手続が規程どおりであることを確かめた。", i+1)
		if e, ok := edit[i]; ok {
			p = e
		}
		ps = append(ps, p)
	}
	return strings.Join(ps, "\n\n") + "\n"
}

// mergeTeam makes n replicas sharing one audit whose item 1 has a
// five-paragraph proposal; it returns them, the audit and the item id.
func mergeTeam(t *testing.T, n int) ([]*Workspace, string, string) {
	t.Helper()
	reps := []*Workspace{mergeReplica(t, "山田")}
	_, aud := mustAudit(t, reps[0], "datacenter")
	if err := reps[0].SetResult(aud, "1", ResultPatch{Proposal: str(paragraphs(5, nil))}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < n; i++ {
		w := mergeReplica(t, []string{"佐藤", "鈴木", "高橋", "田中"}[i-1])
		push(t, reps[0], w)
		reps = append(reps, w)
	}
	st, err := reps[0].AuditState(aud)
	if err != nil {
		t.Fatal(err)
	}
	it, _ := st.Item("1")
	return reps, aud, it.ID
}

func itemState(t *testing.T, w *Workspace, aud, no string) ItemState {
	t.Helper()
	st, err := w.AuditState(aud)
	if err != nil {
		t.Fatal(err)
	}
	it, ok := st.Item(no)
	if !ok {
		t.Fatalf("item %s missing", no)
	}
	return it
}

func setProposal(t *testing.T, w *Workspace, aud, text string) {
	t.Helper()
	if err := w.SetResult(aud, "1", ResultPatch{Proposal: &text}); err != nil {
		t.Fatal(err)
	}
}

// exchangeAll makes every replica hold every op.
func exchangeAll(t *testing.T, reps []*Workspace) {
	t.Helper()
	for _, a := range reps {
		for _, b := range reps {
			if a != b {
				push(t, a, b)
			}
		}
	}
}

func TestLongTextDisjointEditsMerge(t *testing.T) {
	reps, aud, _ := mergeTeam(t, 2)
	a, b := reps[0], reps[1]
	setProposal(t, a, aud, paragraphs(5, map[int]string{0: "第1段落：山田が書き直した。"}))
	setProposal(t, b, aud, paragraphs(5, map[int]string{3: "第4段落：佐藤が書き直した。", 4: "第5段落：佐藤が補足した。"}))
	push(t, a, b)
	push(t, b, a)
	want := paragraphs(5, map[int]string{0: "第1段落：山田が書き直した。", 3: "第4段落：佐藤が書き直した。", 4: "第5段落：佐藤が補足した。"})
	for _, w := range reps {
		it := itemState(t, w, aud, "1")
		if it.Result.Proposal != want {
			t.Fatalf("%s shows %q; want the merge %q", w.Me().Name, it.Result.Proposal, want)
		}
		if len(it.Conflicts) != 0 || len(it.ConflictDetails) != 0 {
			t.Fatalf("%s reports conflicts %v", w.Me().Name, it.Conflicts)
		}
		if m := it.Merged["proposal"]; len(m) != 2 || m[0].Op == m[1].Op {
			t.Fatalf("%s: Merged = %+v; want the two edits", w.Me().Name, it.Merged)
		}
	}
	if showJSON(t, a, aud) != showJSON(t, b, aud) {
		t.Fatal("replicas differ")
	}
	// The next edit supersedes both values with text built on the merge.
	next := strings.Replace(want, "第2段落", "第二段落", 1)
	setProposal(t, b, aud, next)
	push(t, b, a)
	for _, w := range reps {
		it := itemState(t, w, aud, "1")
		if it.Result.Proposal != next || len(it.Merged) != 0 || len(it.Conflicts) != 0 {
			t.Fatalf("%s after the next edit: %q merged %v conflicts %v", w.Me().Name, it.Result.Proposal, it.Merged, it.Conflicts)
		}
		w.st.View(func(tx *bolt.Tx) error {
			e, _ := tx.Entity(it.ID)
			if n := len(e.Get("proposal").Values); n != 1 {
				t.Errorf("%s: register holds %d values", w.Me().Name, n)
			}
			return nil
		})
	}
}

func TestLongTextTouchingEditsStayAConflict(t *testing.T) {
	cases := []struct {
		name string
		a, b map[int]string
	}{
		{"same paragraph", map[int]string{2: "山田の第3段落。"}, map[int]string{2: "佐藤の第3段落。"}},
		// Paragraphs 2 and 3 are lines 2 and 4, with the blank line 3
		// between them: touching line 3 on one side makes them adjacent.
		{"adjacent lines", map[int]string{1: "山田の第2段落。\n追記"}, map[int]string{2: "佐藤の第3段落。"}},
		{"overlapping", map[int]string{1: "山田の第2段落。", 2: "山田の第3段落。"}, map[int]string{2: "佐藤の第3段落。", 3: "佐藤の第4段落。"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reps, aud, _ := mergeTeam(t, 2)
			a, b := reps[0], reps[1]
			ta, tb := paragraphs(5, c.a), paragraphs(5, c.b)
			if c.name == "adjacent lines" {
				// Insert a line right after paragraph 2 on one side and
				// change the blank line after it on the other.
				ta = strings.Replace(paragraphs(5, nil), "\n\n第3段落", "\n追記\n\n第3段落", 1)
				tb = strings.Replace(paragraphs(5, nil), "\n\n第3段落", "\n（空行を編集）\n第3段落", 1)
			}
			setProposal(t, a, aud, ta)
			setProposal(t, b, aud, tb)
			exchangeAll(t, reps)
			for _, w := range reps {
				it := itemState(t, w, aud, "1")
				got := it.Conflicts["proposal"]
				if len(got) != 2 || !(got[0] == ta && got[1] == tb || got[0] == tb && got[1] == ta) {
					t.Fatalf("%s: conflicts = %q; want both full versions", w.Me().Name, got)
				}
				d := it.ConflictDetails["proposal"]
				if len(d) != 2 || d[0].Value != got[0] || d[1].Value != got[1] {
					t.Fatalf("%s: details = %+v", w.Me().Name, d)
				}
				authors := map[string]bool{d[0].Author: true, d[1].Author: true}
				if !authors["山田"] && !authors[a.Me().Member] {
					t.Fatalf("details authors = %v", authors)
				}
				for _, v := range d {
					if v.At.IsZero() || time.Since(v.At) > time.Hour || v.Op == "" {
						t.Fatalf("detail %+v lacks time or op", v)
					}
				}
				if len(it.Merged) != 0 {
					t.Fatalf("Merged = %v for a conflict", it.Merged)
				}
			}
		})
	}
}

func TestConflictDetailsNameTheAuthor(t *testing.T) {
	reps, aud, id := mergeTeam(t, 2)
	a, b := reps[0], reps[1]
	// b is on the team of the engagement under its member id.
	st, _ := a.AuditState(aud)
	if _, err := a.AddMember(st.Audit.EngagementID, audit.Member{Person: b.Me().Member, Name: "佐藤", Role: audit.RoleAuditor}); err != nil {
		t.Fatal(err)
	}
	if err := a.SetField(aud, id, "rating", "conform"); err != nil {
		t.Fatal(err)
	}
	if err := b.SetField(aud, id, "rating", "partial"); err != nil {
		t.Fatal(err)
	}
	exchangeAll(t, reps)
	d := itemState(t, a, aud, "1").ConflictDetails["rating"]
	names := map[string]string{}
	for _, v := range d {
		names[v.Value] = v.Author
	}
	if names["conform"] != "山田" || names["partial"] != "佐藤" {
		t.Fatalf("authors = %v; want 山田 and 佐藤", names)
	}
}

func TestLongTextThreeReplicas(t *testing.T) {
	reps, aud, _ := mergeTeam(t, 3)
	edits := []map[int]string{{0: "第1段落（山田）"}, {2: "第3段落（佐藤）"}, {4: "第5段落（鈴木）"}}
	for i, w := range reps {
		setProposal(t, w, aud, paragraphs(5, edits[i]))
	}
	exchangeAll(t, reps)
	want := paragraphs(5, map[int]string{0: "第1段落（山田）", 2: "第3段落（佐藤）", 4: "第5段落（鈴木）"})
	for _, w := range reps {
		it := itemState(t, w, aud, "1")
		if it.Result.Proposal != want || len(it.Conflicts) != 0 || len(it.Merged["proposal"]) != 3 {
			t.Fatalf("%s: %q conflicts %v merged %d", w.Me().Name, it.Result.Proposal, it.Conflicts, len(it.Merged["proposal"]))
		}
	}

	// One of three touching another: all three stay a conflict.
	reps, aud, _ = mergeTeam(t, 3)
	edits = []map[int]string{{0: "第1段落（山田）"}, {2: "第3段落（佐藤）"}, {2: "第3段落（鈴木）"}}
	for i, w := range reps {
		setProposal(t, w, aud, paragraphs(5, edits[i]))
	}
	exchangeAll(t, reps)
	for _, w := range reps {
		if it := itemState(t, w, aud, "1"); len(it.Conflicts["proposal"]) != 3 {
			t.Fatalf("%s: conflicts %v; want all three versions", w.Me().Name, it.Conflicts)
		}
	}
}

// A value edited several times still finds the common base, and edits
// made on top of a merge merge again with the merge as their base.
func TestLongTextHistoryChains(t *testing.T) {
	reps, aud, _ := mergeTeam(t, 3)
	a, b, c := reps[0], reps[1], reps[2]
	setProposal(t, a, aud, paragraphs(5, map[int]string{0: "一回目"}))
	setProposal(t, a, aud, paragraphs(5, map[int]string{0: "二回目"}))
	setProposal(t, b, aud, paragraphs(5, map[int]string{4: "末尾"}))
	push(t, a, b)
	push(t, b, a)
	merged := paragraphs(5, map[int]string{0: "二回目", 4: "末尾"})
	if got := itemState(t, b, aud, "1").Result.Proposal; got != merged {
		t.Fatalf("chain merge = %q; want %q", got, merged)
	}
	// a and b both edit on top of the merge, concurrently: each of their
	// ops supersedes both merged values, so their base is the merge.
	setProposal(t, a, aud, paragraphs(5, map[int]string{0: "二回目", 1: "山田の追記", 4: "末尾"}))
	setProposal(t, b, aud, paragraphs(5, map[int]string{0: "二回目", 3: "佐藤の追記", 4: "末尾"}))
	exchangeAll(t, reps)
	want := paragraphs(5, map[int]string{0: "二回目", 1: "山田の追記", 3: "佐藤の追記", 4: "末尾"})
	for _, w := range []*Workspace{a, b, c} {
		it := itemState(t, w, aud, "1")
		if it.Result.Proposal != want || len(it.Conflicts) != 0 {
			t.Fatalf("%s: %q conflicts %v; want %q", w.Me().Name, it.Result.Proposal, it.Conflicts, want)
		}
	}
}

// An op whose ancestry has not arrived yet leaves a conflict, which turns
// into the merge once the missing op arrives.
func TestLongTextMissingBaseIsAConflictUntilItArrives(t *testing.T) {
	reps, aud, _ := mergeTeam(t, 3)
	a, b, c := reps[0], reps[1], reps[2]
	setProposal(t, b, aud, paragraphs(5, map[int]string{1: "佐藤"})) // b1
	push(t, b, c)
	setProposal(t, c, aud, paragraphs(5, map[int]string{1: "佐藤", 3: "鈴木"})) // supersedes b1
	setProposal(t, a, aud, paragraphs(5, map[int]string{0: "山田"}))
	// a gets c's ops but not b's: c's value supersedes b1, which a lacks.
	var cOps []change.Op
	for _, op := range allOps(t, c) {
		if op.ID.Device == c.Me().Device {
			cOps = append(cOps, op)
		}
	}
	applyOps(t, a, cOps)
	if it := itemState(t, a, aud, "1"); len(it.Conflicts["proposal"]) != 2 {
		t.Fatalf("without the base: conflicts %v, shown %q", it.Conflicts, it.Result.Proposal)
	}
	push(t, b, a)
	want := paragraphs(5, map[int]string{0: "山田", 1: "佐藤", 3: "鈴木"})
	if it := itemState(t, a, aud, "1"); it.Result.Proposal != want || len(it.Conflicts) != 0 {
		t.Fatalf("with the base: %q conflicts %v", it.Result.Proposal, it.Conflicts)
	}
}

func TestLongTextOrderIndependent(t *testing.T) {
	merges, conflicts := 0, 0
	defer func() {
		t.Logf("%d seeds ended merged, %d in conflict", merges, conflicts)
		if merges == 0 || conflicts == 0 {
			t.Errorf("the seeds should give both merges and conflicts")
		}
	}()
	for seed := range uint64(10) {
		rng := rand.New(rand.NewPCG(seed, 11))
		reps, aud, _ := mergeTeam(t, 3)
		setProposal(t, reps[0], aud, paragraphs(9, nil))
		exchangeAll(t, reps)
		// Rounds of edits of random paragraphs, each replica mostly in
		// its own third of the text, with partial exchanges between.
		for round := range 3 {
			for i, w := range reps {
				if rng.IntN(3) == 0 {
					continue
				}
				cur := itemState(t, w, aud, "1").Result.Proposal
				ps := strings.Split(cur, "\n\n")
				k := 3*i + rng.IntN(3)
				if rng.IntN(4) == 0 {
					k = rng.IntN(len(ps))
				}
				ps[k] = fmt.Sprintf("%s 版%d-%d", w.Me().Name, round, i)
				setProposal(t, w, aud, strings.Join(ps, "\n\n"))
			}
			a, b := rng.IntN(3), rng.IntN(3)
			if a != b {
				push(t, reps[a], reps[b])
			}
		}
		exchangeAll(t, reps)
		if it := itemState(t, reps[0], aud, "1"); len(it.Merged) > 0 {
			merges++
		} else if len(it.Conflicts) > 0 {
			conflicts++
		}
		want := showJSON(t, reps[0], aud)
		for _, w := range reps[1:] {
			if got := showJSON(t, w, aud); got != want {
				t.Fatalf("seed %d: %s differs:\n%s\nvs\n%s", seed, w.Me().Name, got, want)
			}
		}
		// A fresh replica fed every op in a random interleaving of the
		// devices shows the same.
		byDev := map[string][]change.Op{}
		for _, op := range allOps(t, reps[0]) {
			byDev[op.ID.Device] = append(byDev[op.ID.Device], op)
		}
		var mixed []change.Op
		devs := sortedKeys(byDev)
		for len(devs) > 0 {
			i := rng.IntN(len(devs))
			d := devs[i]
			mixed = append(mixed, byDev[d][0])
			if byDev[d] = byDev[d][1:]; len(byDev[d]) == 0 {
				devs = append(devs[:i], devs[i+1:]...)
			}
		}
		fresh := mergeReplica(t, "新規")
		for len(mixed) > 0 {
			n := min(len(mixed), 1+rng.IntN(5))
			applyOps(t, fresh, mixed[:n])
			mixed = mixed[n:]
		}
		if got := showJSON(t, fresh, aud); got != want {
			t.Fatalf("seed %d: a replica fed in another order differs", seed)
		}
	}
}

func TestHearingStatementsAndNotesMerge(t *testing.T) {
	reps, aud, _ := mergeTeam(t, 2)
	a, b := reps[0], reps[1]
	st1 := []NewStatement{{Text: "入館証は受付で発行している。"}, {Text: "退館時に回収している。"}, {Text: "紛失時は警備室へ届け出る。"}, {Text: "月次で棚卸しする。"}}
	hid, err := a.AddHearing(aud, NewHearing{At: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC), Interviewees: []audit.Interviewee{{Name: "総務課長"}},
		Statements: st1, Notes: "一行目\n二行目\n三行目\n"})
	if err != nil {
		t.Fatal(err)
	}
	push(t, a, b)
	hearing := func(w *Workspace) audit.Hearing {
		st, err := w.AuditState(aud)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range st.Hearings {
			if h.ID == hid {
				return h
			}
		}
		t.Fatal("hearing missing")
		return audit.Hearing{}
	}
	h := hearing(a)
	sa := append([]audit.Statement(nil), h.Statements...)
	sa[0].Text = "入館証は受付で本人確認のうえ発行している。"
	sb := append([]audit.Statement(nil), h.Statements...)
	sb = append(sb, audit.Statement{Text: "棚卸しの記録は保存している。"})
	if err := a.SetField(aud, hid, "statements", sa); err != nil {
		t.Fatal(err)
	}
	if err := b.SetField(aud, hid, "statements", sb); err != nil {
		t.Fatal(err)
	}
	if err := a.SetField(aud, hid, "notes", "一行目（山田）\n二行目\n三行目\n"); err != nil {
		t.Fatal(err)
	}
	if err := b.SetField(aud, hid, "notes", "一行目\n二行目\n三行目（佐藤）\n"); err != nil {
		t.Fatal(err)
	}
	exchangeAll(t, reps)
	for _, w := range reps {
		h := hearing(w)
		if len(h.Statements) != 5 || h.Statements[0].Text != sa[0].Text || h.Statements[4].Text != "棚卸しの記録は保存している。" {
			t.Fatalf("%s: statements %+v", w.Me().Name, h.Statements)
		}
		if h.Notes != "一行目（山田）\n二行目\n三行目（佐藤）\n" {
			t.Fatalf("%s: notes %q", w.Me().Name, h.Notes)
		}
		st, _ := w.AuditState(aud)
		if len(st.RecordConflicts) != 0 {
			t.Fatalf("record conflicts %v", st.RecordConflicts)
		}
	}
	// Both edit the same statement: a conflict, listed for the hearing.
	h = hearing(a)
	sa, sb = append([]audit.Statement(nil), h.Statements...), append([]audit.Statement(nil), h.Statements...)
	sa[2].Text, sb[2].Text = "山田版", "佐藤版"
	a.SetField(aud, hid, "statements", sa)
	b.SetField(aud, hid, "statements", sb)
	exchangeAll(t, reps)
	for _, w := range reps {
		st, _ := w.AuditState(aud)
		if d := st.RecordConflicts[hid]["statements"]; len(d) != 2 {
			t.Fatalf("%s: record conflicts %+v", w.Me().Name, st.RecordConflicts)
		}
	}

	// Review note text.
	nid, err := a.AddNote(aud, "1", "確認してください。\n根拠資料を添付のこと。\n期限は来週。")
	if err != nil {
		t.Fatal(err)
	}
	push(t, a, b)
	a.SetField(aud, nid, "text", "至急確認してください。\n根拠資料を添付のこと。\n期限は来週。")
	b.SetField(aud, nid, "text", "確認してください。\n根拠資料を添付のこと。\n期限は来週金曜。")
	exchangeAll(t, reps)
	for _, w := range reps {
		st, _ := w.AuditState(aud)
		for _, n := range st.Notes {
			if n.ID == nid && n.Text != "至急確認してください。\n根拠資料を添付のこと。\n期限は来週金曜。" {
				t.Fatalf("%s: note text %q", w.Me().Name, n.Text)
			}
		}
	}
}

func TestFieldConflictsSkipsMergedFields(t *testing.T) {
	reps, aud, id := mergeTeam(t, 2)
	a, b := reps[0], reps[1]
	setProposal(t, a, aud, paragraphs(5, map[int]string{0: "山田"}))
	setProposal(t, b, aud, paragraphs(5, map[int]string{4: "佐藤"}))
	a.SetField(aud, id, "rating", "conform")
	b.SetField(aud, id, "rating", "partial")
	exchangeAll(t, reps)
	a.st.View(func(tx *bolt.Tx) error {
		e, _ := tx.Entity(id)
		if got := fmt.Sprint(e.Conflicts()); got != "[proposal rating]" {
			t.Errorf("raw conflicts = %s", got)
		}
		if got := fmt.Sprint(fieldConflicts(tx, e)); got != "[rating]" {
			t.Errorf("fieldConflicts = %s; want [rating]", got)
		}
		// The entity in the transaction is untouched by the read.
		if n := len(e.Get("proposal").Values); n != 2 {
			t.Errorf("register holds %d values", n)
		}
		return nil
	})
}

func BenchmarkLongTextMergeRead(b *testing.B) {
	w1 := mustWorkspace(b)
	_, aud := mustAudit(b, w1, "datacenter")
	base := paragraphs(40, nil)
	w1.SetResult(aud, "1", ResultPatch{Proposal: &base})
	st, _ := w1.AuditState(aud)
	it, _ := st.Item("1")
	var baseID change.OpID
	w1.st.View(func(tx *bolt.Tx) error {
		e, _ := tx.Entity(it.ID)
		baseID = e.Get("proposal").Values[0].Op
		return nil
	})
	w1.SetResult(aud, "1", ResultPatch{Proposal: str(paragraphs(40, map[int]string{1: "山田"}))})
	other, _ := json.Marshal(paragraphs(40, map[int]string{30: "佐藤"}))
	err := w1.st.Update(func(tx *bolt.Tx) error {
		_, err := tx.ApplyRemote(change.Op{ID: change.OpID{Device: "other", Seq: 1}, At: change.Time{Wall: 1}, Author: "m2",
			Entity: it.ID, Field: "proposal", Value: other, Supersedes: []change.OpID{baseID}})
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		w1.st.View(func(tx *bolt.Tx) error {
			e, _ := tx.Entity(it.ID)
			if _, m := resolveMerges(tx, e); len(m) != 1 {
				b.Fatal("no merge")
			}
			return nil
		})
	}
}

// Through the real sync folder: two members edit disjoint paragraphs of
// the same proposal offline; after syncing both show the merge.
func TestLongTextMergeThroughSyncFolder(t *testing.T) {
	fsys, chief, member, aud := proposalTeam(t, 5)
	setProposal(t, chief, aud, paragraphs(6, map[int]string{0: "主査が修正した第1段落。"}))
	setProposal(t, member, aud, paragraphs(6, map[int]string{5: "監査人が修正した第6段落。"}))
	mustSync(t, chief, fsys)
	mustSync(t, member, fsys)
	mustSync(t, chief, fsys)
	want := paragraphs(6, map[int]string{0: "主査が修正した第1段落。", 5: "監査人が修正した第6段落。"})
	for _, w := range []*Workspace{chief, member} {
		it := itemState(t, w, aud, "1")
		if it.Result.Proposal != want || len(it.Conflicts) != 0 {
			t.Fatalf("%s: %q conflicts %v", w.Me().Name, it.Result.Proposal, it.Conflicts)
		}
	}
	if showJSON(t, chief, aud) != showJSON(t, member, aud) {
		t.Fatal("replicas differ after sync")
	}
}

// Autosave writes a field at every pause in typing: a long history on one
// side still finds the base the other side started from.
func TestLongTextMergeAfterManyAutosaves(t *testing.T) {
	reps, aud, _ := mergeTeam(t, 2)
	a, b := reps[0], reps[1]
	const saves = 300
	text := paragraphs(5, nil)
	for i := range saves {
		text = paragraphs(5, map[int]string{0: fmt.Sprintf("第1段落を書いている途中%d", i)})
		setProposal(t, a, aud, text)
	}
	setProposal(t, b, aud, paragraphs(5, map[int]string{4: "第5段落（佐藤）"}))
	exchangeAll(t, reps)
	want := paragraphs(5, map[int]string{0: fmt.Sprintf("第1段落を書いている途中%d", saves-1), 4: "第5段落（佐藤）"})
	for _, w := range reps {
		start := time.Now()
		it := itemState(t, w, aud, "1")
		if it.Result.Proposal != want || len(it.Conflicts) != 0 {
			t.Fatalf("%s: %q conflicts %d", w.Me().Name, it.Result.Proposal, len(it.Conflicts))
		}
		t.Logf("%s: first read with a %d-op history %v", w.Me().Name, saves, time.Since(start))
	}
}

// An edit made on top of a shown merge meets an edit made on one of the
// merged versions only: their lowest common ancestor is that version, so
// they merge too.
func TestLongTextMergeOverAMergeMeetsAnEditOfOneSide(t *testing.T) {
	reps, aud, _ := mergeTeam(t, 3)
	a, b, c := reps[0], reps[1], reps[2]
	setProposal(t, a, aud, paragraphs(5, map[int]string{0: "A"}))
	setProposal(t, b, aud, paragraphs(5, map[int]string{4: "B"}))
	push(t, a, c) // c has A, not B
	push(t, b, a) // a shows the merge of A and B
	if got := itemState(t, a, aud, "1").Result.Proposal; got != paragraphs(5, map[int]string{0: "A", 4: "B"}) {
		t.Fatalf("first merge = %q", got)
	}
	setProposal(t, a, aud, paragraphs(5, map[int]string{0: "A", 2: "C", 4: "B"})) // supersedes A and B
	setProposal(t, c, aud, paragraphs(5, map[int]string{0: "A", 1: "D"}))         // supersedes A
	exchangeAll(t, reps)
	want := paragraphs(5, map[int]string{0: "A", 1: "D", 2: "C", 4: "B"})
	for _, w := range reps {
		it := itemState(t, w, aud, "1")
		if it.Result.Proposal != want || len(it.Conflicts) != 0 {
			t.Fatalf("%s: %q conflicts %v; want %q", w.Me().Name, it.Result.Proposal, it.Conflicts, want)
		}
	}
}

// A delete that saw one of two merged edits: the other keeps the item
// alive, flagged as restored, and the merged text is shown.
func TestLongTextMergeKeepsRestoredFlag(t *testing.T) {
	reps, aud, _ := mergeTeam(t, 2)
	a, b := reps[0], reps[1]
	setProposal(t, b, aud, paragraphs(5, map[int]string{4: "B"}))
	time.Sleep(2 * time.Millisecond) // a's edit is the later value
	setProposal(t, a, aud, paragraphs(5, map[int]string{0: "A"}))
	if err := a.DeleteItem(aud, "1"); err != nil {
		t.Fatal(err)
	}
	exchangeAll(t, reps)
	for _, w := range reps {
		it := itemState(t, w, aud, "1")
		if !it.Restored || it.Result.Proposal != paragraphs(5, map[int]string{0: "A", 4: "B"}) {
			t.Fatalf("%s: restored %v, proposal %q", w.Me().Name, it.Restored, it.Result.Proposal)
		}
	}
}

// The sync summary lists a long text only when its concurrent edits are
// really in conflict after the merge: disjoint paragraphs merge and are
// not listed; overlapping edits of one paragraph are.
func TestSyncReportListsOnlyUnmergedConflicts(t *testing.T) {
	fsys, chief, member, aud := proposalTeam(t, 7)
	proposalConflicts := func(rep *SyncReport) int {
		n := 0
		for _, c := range rep.Conflicts {
			if c.Field == "proposal" {
				n++
			}
		}
		return n
	}

	// Disjoint paragraphs: merged, no conflict in either summary.
	setProposal(t, chief, aud, paragraphs(6, map[int]string{0: "主査が修正した第1段落。"}))
	setProposal(t, member, aud, paragraphs(6, map[int]string{5: "監査人が修正した第6段落。"}))
	for _, w := range []*Workspace{chief, member, chief} {
		if rep := mustSync(t, w, fsys); len(rep.Conflicts) != 0 {
			t.Fatalf("%s: disjoint edits reported as conflicts %+v", w.Me().Name, rep.Conflicts)
		}
	}
	merged := paragraphs(6, map[int]string{0: "主査が修正した第1段落。", 5: "監査人が修正した第6段落。"})
	for _, w := range []*Workspace{chief, member} {
		it := itemState(t, w, aud, "1")
		if it.Result.Proposal != merged || len(it.Conflicts) != 0 || len(it.Merged["proposal"]) != 2 {
			t.Fatalf("%s: proposal %q, conflicts %v, merged %d values", w.Me().Name, it.Result.Proposal, it.Conflicts, len(it.Merged["proposal"]))
		}
	}

	// The same paragraph on both sides: a conflict, listed once by the
	// replica that receives the other edit.
	setProposal(t, chief, aud, paragraphs(6, map[int]string{0: "主査が修正した第1段落。", 2: "主査の第3段落。", 5: "監査人が修正した第6段落。"}))
	setProposal(t, member, aud, paragraphs(6, map[int]string{0: "主査が修正した第1段落。", 2: "監査人の第3段落。", 5: "監査人が修正した第6段落。"}))
	if rep := mustSync(t, chief, fsys); len(rep.Conflicts) != 0 {
		t.Fatalf("chief: nothing new to apply, yet conflicts %+v", rep.Conflicts)
	}
	if rep := mustSync(t, member, fsys); proposalConflicts(rep) != 1 {
		t.Fatalf("member: conflicts %+v; want the proposal", rep.Conflicts)
	}
	if rep := mustSync(t, chief, fsys); proposalConflicts(rep) != 1 {
		t.Fatalf("chief: conflicts %+v; want the proposal", rep.Conflicts)
	}
	for _, w := range []*Workspace{chief, member} {
		if it := itemState(t, w, aud, "1"); len(it.Conflicts["proposal"]) != 2 {
			t.Fatalf("%s: conflicts %v", w.Me().Name, it.Conflicts)
		}
	}
}

// proposalTeam makes a chief and a member, both synced, sharing item 1's
// proposal of six paragraphs.
func proposalTeam(t *testing.T, seed uint64) (fsys *memFolder, chief, member *Workspace, aud string) {
	t.Helper()
	fsys = newMemFolder(seed)
	reps, aud := newTeam(t, fsys, 2)
	chief, member = reps[0], reps[1]
	base := paragraphs(6, nil)
	if err := chief.SetResult(aud, "1", ResultPatch{Proposal: &base}); err != nil {
		t.Fatal(err)
	}
	mustSync(t, chief, fsys)
	mustSync(t, member, fsys)
	return fsys, chief, member, aud
}
