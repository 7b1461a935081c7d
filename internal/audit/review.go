package audit

import (
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
)

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
}

// Validate checks the sign-off, including the rule that nobody reviews their
// own work and that only a chief approves.
func (s SignOff) Validate() error {
	switch s.Kind {
	case SignPreparer, SignReviewer, SignApproval:
	default:
		return invalid("signoff.kind", "%q is not preparer, reviewer or approval", s.Kind)
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
	if len(s.Covers) == 0 {
		return invalid("signoff.covers", "names no operations")
	}
	if s.Kind == SignReviewer && s.Preparer == s.Signer {
		return invalid("signoff.signer", "a preparer cannot review their own work")
	}
	if s.Kind == SignApproval && s.Role != RoleChief {
		return invalid("signoff.role", "only the chief auditor approves (got %q)", s.Role)
	}
	return nil
}

// Stale reports whether a sign-off no longer covers the current state: it is
// stale when any op id of current is not among those it covers.
func (s SignOff) Stale(current []string) bool {
	covered := make(map[string]bool, len(s.Covers))
	for _, id := range s.Covers {
		covered[id] = true
	}
	for _, id := range current {
		if !covered[id] {
			return true
		}
	}
	return false
}
