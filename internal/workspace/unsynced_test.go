package workspace

import (
	"testing"

	"github.com/kansa-audit/kansa/internal/audit"
)

// TestUnsyncedCountsWhatTheNextSyncPublishes: local edits raise the count,
// a sync that publishes them brings it back to zero, and ops received from
// others never count.
func TestUnsyncedCountsWhatTheNextSyncPublishes(t *testing.T) {
	fsys := newMemFolder(1)
	reps, aud := newTeam(t, fsys, 2)
	chief, member := reps[0], reps[1]
	loner := newReplica(t, "単独", "auditor", nil)
	if _, err := loner.CreateEngagement(audit.Engagement{Title: "単独の監査", Client: "世田谷区", FiscalYear: 2026}); err != nil {
		t.Fatal(err)
	}
	if syncs, err := loner.Syncs(); err != nil || syncs {
		t.Fatalf("a store that never met a folder: Syncs = %v, %v; want false", syncs, err)
	}
	for _, w := range reps {
		if syncs, err := w.Syncs(); err != nil || !syncs {
			t.Fatalf("%s after the first sync: Syncs = %v, %v; want true", w.Me().Name, syncs, err)
		}
		if n, err := w.Unsynced(); err != nil || n != 0 {
			t.Fatalf("%s after the first sync: Unsynced = %d, %v; want 0", w.Me().Name, n, err)
		}
	}
	st, err := member.AuditState(aud)
	if err != nil {
		t.Fatal(err)
	}
	for _, no := range []string{st.Items[0].No, st.Items[1].No} {
		if err := member.SetResult(aud, no, ResultPatch{Observation: str("所見 " + no)}); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := member.Unsynced(); err != nil || n != 2 {
		t.Fatalf("after two edits: Unsynced = %d, %v; want 2", n, err)
	}
	mustSync(t, member, fsys)
	if n, err := member.Unsynced(); err != nil || n != 0 {
		t.Fatalf("after publishing: Unsynced = %d, %v; want 0", n, err)
	}
	mustSync(t, chief, fsys)
	if n, err := chief.Unsynced(); err != nil || n != 0 {
		t.Fatalf("chief after receiving: Unsynced = %d, %v; want 0", n, err)
	}
}
