package workspace

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
)

// recordConflictTeam makes two replicas whose hearing notes, hearing
// statements and review note text are in conflict.
func recordConflictTeam(t *testing.T) (a, b *Workspace, aud, hid, nid string) {
	t.Helper()
	reps, aud, _ := mergeTeam(t, 2)
	a, b = reps[0], reps[1]
	hid, err := a.AddHearing(aud, NewHearing{At: time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC),
		Interviewees: []audit.Interviewee{{Name: "総務課長"}},
		Statements:   []NewStatement{{Text: "入館証は受付で発行している。", ItemNos: []string{"1"}}}, Notes: "録音なし"})
	if err != nil {
		t.Fatal(err)
	}
	nid, err = a.AddNote(aud, "1", "根拠資料を確認してください。")
	if err != nil {
		t.Fatal(err)
	}
	push(t, a, b)
	for _, e := range []struct {
		w          *Workspace
		notes, stm string
	}{{a, "録音なし（山田）", "山田版"}, {b, "録音なし（佐藤）", "佐藤版"}} {
		if err := e.w.SetField(aud, hid, "notes", e.notes); err != nil {
			t.Fatal(err)
		}
		if err := e.w.SetField(aud, hid, "statements", []audit.Statement{{Text: e.stm}}); err != nil {
			t.Fatal(err)
		}
		if err := e.w.SetField(aud, nid, "text", e.notes); err != nil {
			t.Fatal(err)
		}
	}
	exchangeAll(t, reps)
	st := mustState(t, a, aud)
	for _, f := range []string{"notes", "statements"} {
		if len(st.RecordConflicts[hid][f]) != 2 {
			t.Fatalf("hearing %s not in conflict: %+v", f, st.RecordConflicts)
		}
	}
	if len(st.RecordConflicts[nid]["text"]) != 2 {
		t.Fatalf("note text not in conflict: %+v", st.RecordConflicts)
	}
	return a, b, aud, hid, nid
}

func TestResolveRecordConflict(t *testing.T) {
	a, b, aud, hid, nid := recordConflictTeam(t)
	st := mustState(t, a, aud)
	// Keep one statements value as shown (JSON), merge the notes by hand.
	var kept string
	for _, v := range st.RecordConflicts[hid]["statements"] {
		if json.Valid([]byte(v.Value)) && strings.Contains(v.Value, "佐藤版") {
			kept = v.Value
		}
	}
	if kept == "" {
		t.Fatalf("no value 佐藤版 among %+v", st.RecordConflicts[hid]["statements"])
	}
	if err := a.ResolveRecordConflict(aud, hid, "statements", kept); err != nil {
		t.Fatal(err)
	}
	if err := a.ResolveRecordConflict(aud, hid, "notes", "録音なし（山田・佐藤）"); err != nil {
		t.Fatal(err)
	}
	if err := a.ResolveRecordConflict(aud, nid, "text", "根拠資料（規程と記録）を確認してください。"); err != nil {
		t.Fatal(err)
	}
	// The other replica receives the resolution: the same values, no conflicts.
	push(t, a, b)
	for _, w := range []*Workspace{a, b} {
		st := mustState(t, w, aud)
		if len(st.RecordConflicts) != 0 {
			t.Errorf("%s: conflicts left %+v", w.Me().Name, st.RecordConflicts)
		}
		for _, h := range st.Hearings {
			if h.ID == hid && (h.Notes != "録音なし（山田・佐藤）" || len(h.Statements) != 1 || h.Statements[0].Text != "佐藤版") {
				t.Errorf("%s: hearing %+v", w.Me().Name, h)
			}
		}
		for _, n := range st.Notes {
			if n.ID == nid && n.Text != "根拠資料（規程と記録）を確認してください。" {
				t.Errorf("%s: note text %q", w.Me().Name, n.Text)
			}
		}
	}
}

func TestResolveRecordConflictRefuses(t *testing.T) {
	a, _, aud, hid, nid := recordConflictTeam(t)
	st := mustState(t, a, aud)
	cases := []struct {
		name, entity, field, value string
	}{
		{"not JSON for a list", hid, "statements", "山田版"},
		{"a hearing with nobody heard", hid, "interviewees", "[]"},
		{"an empty note", nid, "text", "  "},
		{"a reserved field", nid, "_type", "x"},
		{"an item", st.Items[0].ID, "observation", "x"},
	}
	for _, c := range cases {
		err := a.ResolveRecordConflict(aud, c.entity, c.field, c.value)
		if err == nil {
			t.Errorf("%s: no error", c.name)
		} else if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: %v, want ErrInvalid or ErrNotFound", c.name, err)
		}
	}
	// Nothing was written.
	if got := mustState(t, a, aud).RecordConflicts; len(got[hid]) != 2 || len(got[nid]) != 1 {
		t.Errorf("conflicts after refused writes: %+v", got)
	}
}
