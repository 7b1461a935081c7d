package workspace

import (
	"testing"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/exchange"
)

// TestTeamAddJoinsEngagementMembers: adding someone to the sync team also
// lists them among the engagement's members, once: a member typed in by
// name earlier is linked to their identity rather than listed twice, and
// the list reaches the other stores by sync.
func TestTeamAddJoinsEngagementMembers(t *testing.T) {
	fsys := newMemFolder(40)
	chief := newReplica(t, "主査", audit.RoleChief, nil)
	eng, err := chief.CreateEngagement(audit.Engagement{Title: "監査", Client: "区", FiscalYear: 2026})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chief.AddMember(eng, audit.Member{Name: "鈴木 一郎", Role: audit.RoleAuditor, Organisation: "監査部"}); err != nil {
		t.Fatal(err)
	}
	if _, err := chief.createFolder(eng, "mem", fsys); err != nil {
		t.Fatal(err)
	}
	sato := newReplica(t, "佐藤 花子", audit.RoleAuditor, nil)
	suzuki := newReplica(t, "鈴木 一郎", audit.RoleAuditor, nil)
	for _, w := range []*Workspace{sato, suzuki} {
		req, _, _ := w.JoinRequest()
		if _, err := chief.addTeamMember(fsys, req, audit.RoleAuditor); err != nil {
			t.Fatal(err)
		}
	}
	// Idempotent: the same person again changes nothing.
	if err := chief.joinEngagement(eng, mustMember(t, sato), audit.RoleAuditor); err != nil {
		t.Fatal(err)
	}
	check := func(w *Workspace) {
		t.Helper()
		e, err := w.Engagement(eng)
		if err != nil {
			t.Fatal(err)
		}
		byPerson := map[string]audit.Member{}
		for _, m := range e.Members {
			if _, dup := byPerson[m.Person]; dup {
				t.Fatalf("%s: %s listed twice: %+v", w.Me().Name, m.Name, e.Members)
			}
			byPerson[m.Person] = m
		}
		if len(e.Members) != 3 {
			t.Fatalf("%s: members %+v; want the chief, 佐藤 and 鈴木", w.Me().Name, e.Members)
		}
		if m := byPerson[sato.Me().Member]; m.Name != "佐藤 花子" || m.Role != audit.RoleAuditor {
			t.Fatalf("%s: 佐藤 = %+v", w.Me().Name, m)
		}
		if m := byPerson[suzuki.Me().Member]; m.Name != "鈴木 一郎" || m.Organisation != "監査部" {
			t.Fatalf("%s: 鈴木 = %+v; want the entry typed in earlier, linked", w.Me().Name, m)
		}
	}
	check(chief)
	mustSync(t, chief, fsys)
	mustSync(t, sato, fsys)
	check(sato)
}

func mustMember(t *testing.T, w *Workspace) (m exchange.Member) {
	t.Helper()
	_, m, err := w.teamMember()
	if err != nil {
		t.Fatal(err)
	}
	return m
}
