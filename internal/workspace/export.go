package workspace

import (
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
)

// The shapes below are the contract of `kansactl show --json`: scripts and
// other tools rely on them. They hold nothing specific to a device or a
// store, so two stores holding the same operations print identical JSON.

// ShowDoc is one audit as printed by show --json.
type ShowDoc struct {
	Audit      ShowAudit     `json:"audit"`
	Items      []ShowItem    `json:"items"`
	Interviews []ShowHearing `json:"interviews"`
	Review     ShowReview    `json:"review"` // notes and sign-offs (review.go)
}

// ShowAudit is the audit header.
type ShowAudit struct {
	ID         string         `json:"id"`
	Engagement string         `json:"engagement"`
	Kind       audit.Kind     `json:"kind"`
	Title      string         `json:"title"`
	Targets    []audit.Target `json:"targets"`
	Plan       audit.Plan     `json:"plan"`
	Ratings    []string       `json:"ratings"`
	Locked     bool           `json:"locked"`
}

// ShowItem is one checksheet item with its result.
type ShowItem struct {
	ID             string              `json:"id"`
	No             string              `json:"no"`
	Section        string              `json:"section"`
	Title          string              `json:"title"`
	Criteria       string              `json:"criteria"`
	Points         string              `json:"points"`
	Examples       string              `json:"examples"`
	HearingPurpose string              `json:"hearing_purpose,omitempty"`
	GuidelineRef   string              `json:"guideline_ref,omitempty"`
	Origin         string              `json:"origin,omitempty"`
	Result         ShowResult          `json:"result"`
	Evidence       []ShowEvidence      `json:"evidence"`
	Conflicts      map[string][]string `json:"conflicts"`
}

// ShowResult is an item's result.
type ShowResult struct {
	Rating       string             `json:"rating"`
	Observation  string             `json:"observation"`
	EvidenceSeen string             `json:"evidence_seen"`
	Finding      audit.FindingClass `json:"finding"`
	Proposal     string             `json:"proposal"`
	// Follow-up audits only.
	Status         audit.ImprovementStatus `json:"status,omitempty"`
	AuditeeComment string                  `json:"auditee_comment,omitempty"`
}

// ShowEvidence is an evidence file linked to an item.
type ShowEvidence struct {
	ID         string    `json:"id"`
	SHA256     string    `json:"sha256"`
	Caption    string    `json:"caption"`
	File       string    `json:"file"`
	Kind       string    `json:"kind"`
	Size       int64     `json:"size"`
	CapturedAt time.Time `json:"captured_at"`
	CapturedBy string    `json:"captured_by"`
}

// ShowHearing is a hearing record; statements name items by number.
type ShowHearing struct {
	ID           string              `json:"id"`
	At           time.Time           `json:"at"`
	Place        string              `json:"place"`
	Interviewees []audit.Interviewee `json:"interviewees"`
	Auditors     []string            `json:"auditors"`
	Statements   []ShowStatement     `json:"statements"`
	FollowUps    []string            `json:"followups"`
	Notes        string              `json:"notes"`
}

// ShowStatement is one statement with the item numbers it concerns.
type ShowStatement struct {
	Text  string   `json:"text"`
	Items []string `json:"items"`
}

// Show renders the state in the show --json shape.
func (s *AuditState) Show() ShowDoc {
	a := s.Audit
	doc := ShowDoc{
		Audit: ShowAudit{ID: a.ID, Engagement: a.EngagementID, Kind: a.Kind, Title: a.Title,
			Targets: nonNil(a.Targets), Plan: a.Plan, Ratings: a.Scale.Codes(), Locked: a.Locked},
		Items:      []ShowItem{},
		Interviews: []ShowHearing{},
	}
	noOf := map[string]string{}
	for _, it := range s.Items {
		noOf[it.ID] = it.No
		si := ShowItem{ID: it.ID, No: it.No, Section: it.Section, Title: it.Title, Criteria: it.Criteria,
			Points: it.Points, Examples: it.Examples, HearingPurpose: it.HearingPurpose, GuidelineRef: it.GuidelineRef, Origin: it.Origin,
			Result: ShowResult{Rating: it.Result.Rating, Observation: it.Result.Observation,
				EvidenceSeen: it.Result.EvidenceSeen, Finding: it.Result.Finding, Proposal: it.Result.Proposal,
				Status: it.Result.Status, AuditeeComment: it.Result.AuditeeComment},
			Evidence: []ShowEvidence{}, Conflicts: map[string][]string{}}
		for _, ev := range it.Evidence {
			si.Evidence = append(si.Evidence, ShowEvidence{ID: ev.ID, SHA256: ev.SHA256, Caption: ev.Caption,
				File: ev.FileName, Kind: string(ev.Kind), Size: ev.Size, CapturedAt: ev.CapturedAt.UTC(), CapturedBy: ev.CapturedBy})
		}
		for k, v := range it.Conflicts {
			si.Conflicts[k] = v
		}
		doc.Items = append(doc.Items, si)
	}
	for _, h := range s.Hearings {
		sh := ShowHearing{ID: h.ID, At: h.At.UTC(), Place: h.Place, Interviewees: nonNil(h.Interviewees),
			Auditors: nonNil(h.Auditors), Statements: []ShowStatement{}, FollowUps: nonNil(h.FollowUps), Notes: h.Notes}
		for _, st := range h.Statements {
			ss := ShowStatement{Text: st.Text, Items: []string{}}
			for _, id := range st.Items {
				if no, ok := noOf[id]; ok {
					ss.Items = append(ss.Items, no)
				}
			}
			sh.Statements = append(sh.Statements, ss)
		}
		doc.Interviews = append(doc.Interviews, sh)
	}
	doc.Review = s.showReview(noOf)
	return doc
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
