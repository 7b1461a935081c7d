package audit

import (
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// EvidenceKind says what an evidence file is.
type EvidenceKind string

// Evidence kinds.
const (
	EvidencePhoto    EvidenceKind = "photo"
	EvidenceDocument EvidenceKind = "document"
	EvidenceAudio    EvidenceKind = "audio"
)

// KindForFile guesses the evidence kind from a file name's extension.
func KindForFile(name string) EvidenceKind {
	n := strings.ToLower(name)
	for _, ext := range []string{".jpg", ".jpeg", ".png", ".heic", ".gif", ".webp", ".tif", ".tiff", ".bmp"} {
		if strings.HasSuffix(n, ext) {
			return EvidencePhoto
		}
	}
	for _, ext := range []string{".m4a", ".mp3", ".wav", ".ogg", ".opus", ".aac", ".flac"} {
		if strings.HasSuffix(n, ext) {
			return EvidenceAudio
		}
	}
	return EvidenceDocument
}

// Evidence is one captured file. The original is never altered; its SHA-256
// is recorded at capture.
type Evidence struct {
	ID         string       `json:"id"`
	AuditID    string       `json:"audit"`
	Kind       EvidenceKind `json:"kind"`
	FileName   string       `json:"file"` // original base name, never a local path
	Size       int64        `json:"size"`
	SHA256     string       `json:"sha256"` // hex of the original bytes
	CapturedAt time.Time    `json:"captured_at"`
	CapturedBy string       `json:"captured_by"`
	Caption    string       `json:"caption,omitempty"`
	Items      []string     `json:"items,omitempty"` // linked item ids
}

// Validate checks the evidence record.
func (e Evidence) Validate() error {
	switch e.Kind {
	case EvidencePhoto, EvidenceDocument, EvidenceAudio:
	default:
		return invalid("evidence.kind", "%q is not photo, document or audio", e.Kind)
	}
	if strings.TrimSpace(e.FileName) == "" || strings.ContainsAny(e.FileName, `/\`) {
		return invalid("evidence.file", "%q must be a plain file name", e.FileName)
	}
	if b, err := hex.DecodeString(e.SHA256); err != nil || len(b) != 32 {
		return invalid("evidence.sha256", "%q is not a hex SHA-256", e.SHA256)
	}
	if e.Size < 0 {
		return invalid("evidence.size", "is negative")
	}
	if e.CapturedAt.IsZero() {
		return invalid("evidence.captured_at", "is missing")
	}
	if strings.TrimSpace(e.CapturedBy) == "" {
		return invalid("evidence.captured_by", "is empty")
	}
	return nil
}

// ShortHash is the first 12 hex digits of the SHA-256, as printed under figures.
func (e Evidence) ShortHash() string {
	if len(e.SHA256) < 12 {
		return e.SHA256
	}
	return e.SHA256[:12]
}

// Interviewee is a person heard in a hearing.
type Interviewee struct {
	Name     string `json:"name"`
	Division string `json:"division,omitempty"`
	Role     string `json:"role,omitempty"` // 役職 / 担当
}

// Statement is one thing said in a hearing, linked to checksheet items.
type Statement struct {
	Text  string   `json:"text"`
	Items []string `json:"items,omitempty"` // linked item ids
}

// Hearing is a hearing record (ヒアリング記録).
type Hearing struct {
	ID           string        `json:"id"`
	AuditID      string        `json:"audit"`
	At           time.Time     `json:"at"`
	Place        string        `json:"place,omitempty"`
	Interviewees []Interviewee `json:"interviewees"`
	Auditors     []string      `json:"auditors,omitempty"`
	Statements   []Statement   `json:"statements,omitempty"`
	FollowUps    []string      `json:"followups,omitempty"`
	Notes        string        `json:"notes,omitempty"`
}

// Validate checks the hearing record.
func (h Hearing) Validate() error {
	if h.At.IsZero() {
		return invalid("hearing.at", "is missing")
	}
	if len(h.Interviewees) == 0 {
		return invalid("hearing.interviewees", "names nobody")
	}
	for i, p := range h.Interviewees {
		if strings.TrimSpace(p.Name) == "" && strings.TrimSpace(p.Role) == "" {
			return invalid(fmt.Sprintf("hearing.interviewees[%d]", i), "has neither name nor role")
		}
	}
	for i, s := range h.Statements {
		if strings.TrimSpace(s.Text) == "" {
			return invalid(fmt.Sprintf("hearing.statements[%d].text", i), "is empty")
		}
	}
	return nil
}

// ItemIDs returns every item the hearing is linked to, in first-seen order.
func (h Hearing) ItemIDs() []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range h.Statements {
		for _, id := range s.Items {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out
}
