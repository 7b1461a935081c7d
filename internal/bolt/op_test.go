package bolt

import (
	"errors"
	"testing"

	"github.com/kansa-audit/kansa/internal/change"
)

func TestOpReadsSupersededOps(t *testing.T) {
	_, s := mustCreate(t)
	defer s.Close()
	first := edit(t, s, "e1", "text", "一行目\n")
	second := edit(t, s, "e1", "text", "一行目\n二行目\n")
	err := s.View(func(tx *Tx) error {
		op, err := tx.Op(first)
		if err != nil {
			return err
		}
		if op.ID != first || string(op.Value) != `"一行目\n"` {
			t.Errorf("Op(%s) = %+v", first, op)
		}
		op, err = tx.Op(second)
		if err != nil {
			return err
		}
		if len(op.Supersedes) != 1 || op.Supersedes[0] != first {
			t.Errorf("Op(%s).Supersedes = %v; want [%s]", second, op.Supersedes, first)
		}
		for _, id := range []change.OpID{{Device: "dev1", Seq: 99}, {Device: "nobody", Seq: 1}, {}} {
			if _, err := tx.Op(id); !errors.Is(err, ErrNotFound) {
				t.Errorf("Op(%s) err = %v; want ErrNotFound", id, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSupersedesIsCachedOnlyWhenCommitted(t *testing.T) {
	_, s := mustCreate(t)
	defer s.Close()
	first := edit(t, s, "e1", "text", "a")
	second := edit(t, s, "e1", "text", "b")
	for range 2 { // the second round answers from the cache
		err := s.View(func(tx *Tx) error {
			sup, err := tx.Supersedes(second)
			if err != nil || len(sup) != 1 || sup[0] != first {
				t.Errorf("Supersedes(%s) = %v, %v; want [%s]", second, sup, err, first)
			}
			if sup, err := tx.Supersedes(first); err != nil || len(sup) != 0 {
				t.Errorf("Supersedes(%s) = %v, %v; want none", first, sup, err)
			}
			if _, err := tx.Supersedes(change.OpID{Device: "dev1", Seq: 99}); !errors.Is(err, ErrNotFound) {
				t.Errorf("Supersedes of a missing op: %v", err)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// An op read inside a transaction that fails is not remembered: the
	// next op under that id supersedes something else.
	failed := errors.New("give up")
	err := s.Update(func(tx *Tx) error {
		id, _, err := tx.Write("e1", "other", "x")
		if err != nil {
			return err
		}
		if _, err := tx.Supersedes(id); err != nil {
			return err
		}
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatal(err)
	}
	third := edit(t, s, "e1", "text", "c")
	s.View(func(tx *Tx) error {
		if sup, err := tx.Supersedes(third); err != nil || len(sup) != 1 || sup[0] != second {
			t.Errorf("Supersedes(%s) = %v, %v; want [%s]", third, sup, err, second)
		}
		return nil
	})
}
