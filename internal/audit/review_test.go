package audit

import (
	"crypto/ed25519"
	"crypto/rand"
	"testing"
	"time"
)

func TestSignOffSignature(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 25, 9, 30, 0, 123456789, time.FixedZone("JST", 9*3600))
	s := SignOff{ID: "s1", Engagement: "e1", AuditID: "a1", Kind: SignApproval, Target: "a1", Signer: "m1",
		Name: "山田", Role: RoleChief, At: at, Covers: []string{"d:2", "d:1", "x:7"}}
	s.Sign(priv)
	if !s.Verify(pub) {
		t.Fatal("Verify(own signature) = false")
	}
	// The encoding is canonical: the order of covers and the time zone do not matter.
	same := s
	same.Covers = []string{"x:7", "d:1", "d:2"}
	same.At = at.UTC()
	if !same.Verify(pub) {
		t.Fatal("Verify after reordering covers / changing zone = false; want true")
	}
	tamper := map[string]func(*SignOff){
		"id":         func(s *SignOff) { s.ID = "s2" },
		"engagement": func(s *SignOff) { s.Engagement = "e2" },
		"audit":      func(s *SignOff) { s.AuditID = "a2" },
		"kind":       func(s *SignOff) { s.Kind = SignReviewer },
		"target":     func(s *SignOff) { s.Target = "i1" },
		"signer":     func(s *SignOff) { s.Signer = "m2" },
		"role":       func(s *SignOff) { s.Role = RoleAuditor },
		"at":         func(s *SignOff) { s.At = s.At.Add(time.Nanosecond) },
		"covers":     func(s *SignOff) { s.Covers = []string{"d:1", "d:2"} },
		"cover id":   func(s *SignOff) { s.Covers = []string{"d:1", "d:2", "x:8"} },
		"preparer":   func(s *SignOff) { s.Preparer = "m3" },
		"reason":     func(s *SignOff) { s.Reason = "x" },
		"sig":        func(s *SignOff) { s.Sig = append([]byte{s.Sig[0] ^ 1}, s.Sig[1:]...) },
	}
	for name, f := range tamper {
		c := s
		c.Covers = append([]string(nil), s.Covers...)
		f(&c)
		if c.Verify(pub) {
			t.Errorf("Verify after changing %s = true; want false", name)
		}
	}
	other, _, _ := ed25519.GenerateKey(rand.Reader)
	if s.Verify(other) {
		t.Error("Verify(another key) = true")
	}
	// Length prefixes: moving a byte between adjacent fields changes the encoding.
	a, b := s, s
	a.Signer, a.Name = "m1x", "山田"
	b.Signer, b.Name = "m1", "x山田"
	if string(a.SigningBytes()) == string(b.SigningBytes()) {
		t.Error("SigningBytes is ambiguous across field boundaries")
	}
}

func TestRoleMaySign(t *testing.T) {
	tests := []struct {
		role Role
		kind SignOffKind
		want bool
	}{
		{RoleAuditor, SignPreparer, true}, {RoleAuditor, SignReviewer, false}, {RoleAuditor, SignApproval, false},
		{RoleAssistant, SignReviewer, true}, {RoleAssistant, SignApproval, false}, {RoleAssistant, SignReopen, false},
		{RoleChief, SignReviewer, true}, {RoleChief, SignApproval, true}, {RoleChief, SignReopen, true},
		{RoleProjectManager, SignReviewer, false}, {Role("boss"), SignPreparer, false}, {RoleChief, "stamp", false},
	}
	for _, tt := range tests {
		if got := tt.role.MaySign(tt.kind); got != tt.want {
			t.Errorf("Role(%q).MaySign(%q) = %v; want %v", tt.role, tt.kind, got, tt.want)
		}
	}
}

func TestSignOffChanges(t *testing.T) {
	s := SignOff{Covers: []string{"a:1", "b:2"}}
	added, gone := s.Changes([]string{"a:1", "c:3"})
	if len(added) != 1 || added[0] != "c:3" || len(gone) != 1 || gone[0] != "b:2" {
		t.Fatalf("Changes = %v, %v; want [c:3], [b:2]", added, gone)
	}
	if !s.Stale([]string{"a:1"}) {
		t.Error("Stale(a covered value gone) = false; want true")
	}
	r := SignOff{Kind: SignReopen, Target: "ap1", Signer: "m1", Role: RoleChief, At: time.Now()}
	if err := r.Validate(); err == nil {
		t.Error("reopen without a reason validated")
	}
	r.Reason = "追記"
	if err := r.Validate(); err != nil {
		t.Errorf("reopen: %v", err)
	}
	r.Role = RoleAssistant
	if err := r.Validate(); err == nil {
		t.Error("reopen by an assistant validated")
	}
}
