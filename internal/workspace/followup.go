package workspace

import (
	"fmt"
	"strings"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/bolt"
)

// followupClasses are the finding classes a follow-up audit re-checks:
// findings, advice and noteworthy matters, not good practice.
var followupClasses = map[audit.FindingClass]bool{audit.FindingMajor: true, audit.FindingAdvice: true, audit.FindingNotable: true}

// CreateFollowup creates a follow-up audit in engagementID whose items are
// the findings of the earlier audit source (which may belong to an earlier
// engagement). Each item keeps the earlier number and section and carries
// the earlier observation and proposal as the points to check.
func (w *Workspace) CreateFollowup(engagementID, sourceAuditID, title string) (string, error) {
	src, err := w.AuditState(sourceAuditID)
	if err != nil {
		return "", fmt.Errorf("read the earlier audit: %w", err)
	}
	if strings.TrimSpace(title) == "" {
		title = src.Audit.Title + " フォローアップ監査"
	}
	a := audit.Audit{EngagementID: engagementID, Kind: audit.KindFollowup, Title: title, Scale: audit.DefaultScale(),
		Targets: src.Audit.Targets}
	if err := a.Validate(); err != nil {
		return "", err
	}
	var items []audit.Item
	for _, it := range src.Items {
		if !followupClasses[it.Result.Finding] {
			continue
		}
		var points []string
		points = append(points, "・前回の"+it.Result.Finding.Label()+"："+oneLineText(it.Result.Observation))
		if p := strings.TrimSpace(it.Result.Proposal); p != "" {
			points = append(points, "・改善提案："+oneLineText(p))
		}
		points = append(points, "・改善計画書兼進捗状況一覧表の記載どおり改善が進んでいるか")
		items = append(items, audit.Item{
			No: it.No, Section: it.Section, Title: it.Title, Criteria: it.Criteria,
			Points:   strings.Join(points, "\n"),
			Examples: "・改善計画書兼進捗状況一覧表\n・改善を示す規程・手順書・記録",
			Origin:   fmt.Sprintf("%s No.%s（%s）", src.Audit.Title, it.No, it.Result.Finding.Label()),
		})
	}
	if len(items) == 0 {
		return "", fmt.Errorf("%w: %s has no findings, advice or noteworthy matters to follow up", ErrInvalid, src.Audit.Title)
	}
	id := w.newID()
	err = w.st.Update(func(tx *bolt.Tx) error {
		if _, err := entityOf(tx, engagementID, TypeEngagement); err != nil {
			return err
		}
		if err := create(tx, id, TypeAudit, engagementID, a); err != nil {
			return err
		}
		for _, it := range items {
			if err := create(tx, w.newID(), TypeItem, id, it); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("create follow-up audit: %w", err)
	}
	return id, nil
}

func oneLineText(s string) string { return strings.Join(strings.Fields(s), " ") }

// ProgressRow is one line of the auditee's improvement plan and progress
// list (改善計画書兼進捗状況一覧表).
type ProgressRow struct {
	Row     int
	No      string
	Title   string
	Status  string // 改善済 / 改善中 / 未着手, or a variant
	Comment string
}

// ProgressReport says what a progress-list import did.
type ProgressReport struct {
	Updated   []string `json:"updated"`
	Unchanged int      `json:"unchanged"`
	Problems  []string `json:"problems"`
}

// ApplyProgress fills each follow-up item's improvement status and the
// auditee's comment from the progress list, matching rows by number (else
// by title). Unknown statuses and unmatched rows are reported; the rest
// imports, in one transaction.
func (w *Workspace) ApplyProgress(auditID string, rows []ProgressRow) (*ProgressReport, error) {
	rep := &ProgressReport{}
	err := w.st.Update(func(tx *bolt.Tx) error {
		*rep = ProgressReport{}
		if err := editableAudit(tx, auditID); err != nil {
			return err
		}
		items, err := childrenOf(tx, auditID, TypeItem)
		if err != nil {
			return err
		}
		for _, r := range rows {
			var match string
			for _, e := range items {
				if audit.NormalizeNo(e.String("no")) == audit.NormalizeNo(r.No) && r.No != "" {
					match = e.ID
					break
				}
			}
			if match == "" && strings.TrimSpace(r.Title) != "" {
				for _, e := range items {
					if normTitle(e.String("title")) == normTitle(r.Title) {
						match = e.ID
						break
					}
				}
			}
			if match == "" {
				rep.Problems = append(rep.Problems, fmt.Sprintf("row %d: no item %s %s in this audit", r.Row, r.No, r.Title))
				continue
			}
			st, err := audit.ParseImprovementStatus(r.Status)
			if err != nil {
				rep.Problems = append(rep.Problems, fmt.Sprintf("row %d: %v", r.Row, err))
				continue
			}
			_, c1, err := tx.Write(match, "status", st)
			if err != nil {
				return err
			}
			_, c2, err := tx.Write(match, "auditee_comment", normCell(r.Comment))
			if err != nil {
				return err
			}
			e, _ := tx.Entity(match)
			if c1 || c2 {
				rep.Updated = append(rep.Updated, e.String("no"))
			} else {
				rep.Unchanged++
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("import progress list: %w", err)
	}
	return rep, nil
}
