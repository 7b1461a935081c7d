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
