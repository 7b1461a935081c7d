package audit

import (
	"crypto/ed25519"
	"encoding/binary"
	"slices"
	"strings"
	"time"
)

// NoteStatus is the state of a review note.
type NoteStatus string

// Review note states.
const (
	NoteOpen     NoteStatus = "open"
	NoteAnswered NoteStatus = "answered"
	NoteClosed   NoteStatus = "closed"
)

// ReviewNote is a reviewer's question or request on an item or a document
// section, with the preparer's response.
type ReviewNote struct {
	ID        string     `json:"id"`
	AuditID   string     `json:"audit"`
	Target    string     `json:"target"` // item id, or a document section key
	Author    string     `json:"author"`
	At        time.Time  `json:"at"`
	Text      string     `json:"text"`
	Status    NoteStatus `json:"status"`
	Response  string     `json:"response,omitempty"`
	Responder string     `json:"responder,omitempty"`
}

// Validate checks the note and its state.
func (n ReviewNote) Validate() error {
	if strings.TrimSpace(n.Target) == "" {
		return invalid("review_note.target", "is empty")
	}
	if strings.TrimSpace(n.Author) == "" {
		return invalid("review_note.author", "is empty")
	}
	if strings.TrimSpace(n.Text) == "" {
		return invalid("review_note.text", "is empty")
	}
	switch n.Status {
	case NoteOpen:
	case NoteAnswered:
		if strings.TrimSpace(n.Response) == "" {
			return invalid("review_note.response", "an answered note needs a response")
		}
	case NoteClosed:
	default:
		return invalid("review_note.status", "%q is not open, answered or closed", n.Status)
	}
	return nil
}

// SignOffKind is the kind of sign-off.
type SignOffKind string

// Sign-off kinds.
const (
	SignPreparer SignOffKind = "preparer" // the auditor who did the work
	SignReviewer SignOffKind = "reviewer" // a reviewer other than the preparer
	SignApproval SignOffKind = "approval" // the chief's final approval; locks the audit
	SignReopen   SignOffKind = "reopen"   // the chief reopens an approved audit; Target is the approval id
)

// MaySign reports whether a member with role r may make a sign-off of kind
// k. Anyone on the team signs off as preparer. Reviewing is for the chief
// and the chief's assistant (主監査人補佐): the contract's roles have no
// separate "reviewer". Only the chief approves and reopens.
func (r Role) MaySign(k SignOffKind) bool {
	switch k {
	case SignPreparer:
		return r.Valid()
	case SignReviewer:
		return r == RoleChief || r == RoleAssistant
	case SignApproval, SignReopen:
		return r == RoleChief
	}
	return false
}

// SignOff records that someone vouched for exact versions of the work: it
// names the op ids it covers, so any later edit makes it stale.
type SignOff struct {
	ID       string      `json:"id"`
	AuditID  string      `json:"audit"`
	Kind     SignOffKind `json:"kind"`
	Target   string      `json:"target"` // item id, or the audit id for the whole audit
	Signer   string      `json:"signer"` // member id
	Role     Role        `json:"role"`
	At       time.Time   `json:"at"`
	Covers   []string    `json:"covers"`             // op ids, "device:seq"
	Preparer string      `json:"preparer,omitempty"` // member id of the preparer, for reviewer sign-offs

	Engagement string `json:"engagement,omitempty"` // engagement id, so a signature never verifies in another
	Name       string `json:"name,omitempty"`       // the signer's display name
	Reason     string `json:"reason,omitempty"`     // why an approval was reopened (SignReopen)
	Sig        []byte `json:"sig,omitempty"`        // Ed25519 signature over SigningBytes
}

// Validate checks the sign-off, including the rule that nobody reviews their
// own work and that only a chief approves.
func (s SignOff) Validate() error {
	switch s.Kind {
	case SignPreparer, SignReviewer, SignApproval, SignReopen:
	default:
		return invalid("signoff.kind", "%q is not preparer, reviewer, approval or reopen", s.Kind)
	}
	if strings.TrimSpace(s.Target) == "" {
		return invalid("signoff.target", "is empty")
	}
	if strings.TrimSpace(s.Signer) == "" {
		return invalid("signoff.signer", "is empty")
	}
	if s.At.IsZero() {
		return invalid("signoff.at", "is missing")
	}
	if len(s.Covers) == 0 && s.Kind != SignReopen {
		return invalid("signoff.covers", "names no operations")
	}
	if s.Kind == SignReviewer && s.Preparer == s.Signer {
		return invalid("signoff.signer", "a preparer cannot review their own work")
	}
	if s.Kind == SignApproval && s.Role != RoleChief {
		return invalid("signoff.role", "only the chief auditor approves (got %q)", s.Role)
	}
	if s.Kind == SignReopen {
		if s.Role != RoleChief {
			return invalid("signoff.role", "only the chief auditor reopens an approved audit (got %q)", s.Role)
		}
		if strings.TrimSpace(s.Reason) == "" {
			return invalid("signoff.reason", "reopening needs a reason")
		}
	}
	return nil
}

// SigningBytes is the canonical encoding a signature covers: a domain
// string, then id, engagement, audit, kind, target, signer, name, role,
// time (UTC, RFC 3339 with nanoseconds), preparer and reason, each
// length-prefixed, then the covered op ids sorted, counted and
// length-prefixed. Field order, map order and time zones cannot change it.
func (s SignOff) SigningBytes() []byte {
	b := []byte("kansa/signoff/v1\x00")
	str := func(v string) {
		b = binary.AppendUvarint(b, uint64(len(v)))
		b = append(b, v...)
	}
	for _, v := range []string{s.ID, s.Engagement, s.AuditID, string(s.Kind), s.Target, s.Signer, s.Name,
		string(s.Role), s.At.UTC().Format(time.RFC3339Nano), s.Preparer, s.Reason} {
		str(v)
	}
	covers := slices.Clone(s.Covers)
	slices.Sort(covers)
	b = binary.AppendUvarint(b, uint64(len(covers)))
	for _, c := range covers {
		str(c)
	}
	return b
}

// Sign sets s.Sig with the signer's private key.
func (s *SignOff) Sign(key ed25519.PrivateKey) {
	s.Sig = ed25519.Sign(key, s.SigningBytes())
}

// Verify reports whether s.Sig is a signature of s by the public key pub.
func (s SignOff) Verify(pub ed25519.PublicKey) bool {
	return len(pub) == ed25519.PublicKeySize && len(s.Sig) == ed25519.SignatureSize &&
		ed25519.Verify(pub, s.SigningBytes(), s.Sig)
}

// Stale reports whether a sign-off no longer covers the current state: it is
// stale when any op id of current is not among those it covers (an edit
// since), or when a covered op is no longer current (its value is gone,
// say with a deleted item).
func (s SignOff) Stale(current []string) bool {
	added, gone := s.Changes(current)
	return len(added) > 0 || len(gone) > 0
}

// Changes returns the op ids of current that the sign-off does not cover
// (edits made since) and the covered ids that are no longer current, each
// in the order given.
func (s SignOff) Changes(current []string) (added, gone []string) {
	covered := make(map[string]bool, len(s.Covers))
	for _, id := range s.Covers {
		covered[id] = true
	}
	now := make(map[string]bool, len(current))
	for _, id := range current {
		now[id] = true
		if !covered[id] {
			added = append(added, id)
		}
	}
	for _, id := range s.Covers {
		if !now[id] {
			gone = append(gone, id)
		}
	}
	return added, gone
}
