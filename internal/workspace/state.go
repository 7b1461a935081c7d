package workspace

import (
	"sort"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/change"
)

// ItemState is one checksheet item with everything recorded against it.
type ItemState struct {
	audit.Item
	Result    audit.Result
	Evidence  []audit.Evidence    // linked evidence, in capture order
	Hearings  []string            // ids of hearings whose statements link here
	Conflicts map[string][]string // field -> competing values
	Restored  bool                // deleted elsewhere, kept alive by an edit here
	// ConflictDetails holds the same conflicts as Conflicts, each value
	// with its op id, author and time (for the conflict view).
	ConflictDetails map[string][]ConflictValue
	// Merged lists, per long-text field whose concurrent edits merged
	// line by line (merge.go), the values the shown text combines.
	Merged map[string][]ConflictValue
}

// AuditState is an audit's full state.
type AuditState struct {
	Audit    audit.Audit
	Items    []ItemState // in checksheet-number order
	Evidence []audit.Evidence
	Hearings []audit.Hearing
	Notes    []audit.ReviewNote
	SignOffs []SignOffState // every sign-off seen, oldest first, with its verdict (review.go)

	// RecordConflicts holds the conflicts of hearings and review notes:
	// entity id -> field -> competing values (ItemState has its own).
	RecordConflicts map[string]map[string][]ConflictValue
}

// Summary counts the audit's progress.
func (s *AuditState) Summary() AuditSummary {
	sum := AuditSummary{Audit: s.Audit, Items: len(s.Items), Evidence: len(s.Evidence), Hearings: len(s.Hearings)}
	for _, it := range s.Items {
		if r, ok := s.Audit.Scale.Lookup(it.Result.Rating); ok && r.Rated {
			sum.Rated++
		}
		if it.Result.Finding == audit.FindingMajor {
			sum.Findings++
		}
		if len(it.Conflicts) > 0 {
			sum.Conflicts++
		}
	}
	for _, n := range s.Notes {
		if n.Status != audit.NoteClosed {
			sum.OpenNotes++
		}
	}
	return sum
}

// Item finds an item by its checksheet number (normalised).
func (s *AuditState) Item(no string) (ItemState, bool) {
	n := audit.NormalizeNo(no)
	for _, it := range s.Items {
		if audit.NormalizeNo(it.No) == n {
			return it, true
		}
	}
	return ItemState{}, false
}

// AuditState reads an audit's full state in one transaction.
func (w *Workspace) AuditState(auditID string) (*AuditState, error) {
	var s *AuditState
	err := w.st.View(func(tx *bolt.Tx) error {
		ent, err := entityOf(tx, auditID, TypeAudit)
		if err != nil {
			return err
		}
		s, err = readAuditState(tx, ent)
		return err
	})
	return s, err
}

func readAuditState(tx *bolt.Tx, ent *change.Entity) (*AuditState, error) {
	s := &AuditState{}
	if err := decode(ent, &s.Audit); err != nil {
		return nil, err
	}
	s.Audit.ID, s.Audit.EngagementID = ent.ID, ent.Parent()
	ids, err := tx.Children(ent.ID)
	if err != nil {
		return nil, err
	}
	byItem := map[string]int{}
	var names map[string]string // member id -> name, read at the first conflict
	details := func(e *change.Entity) map[string][]ConflictValue {
		if len(e.Conflicts()) == 0 {
			return nil
		}
		if names == nil {
			names = authorNames(tx, ent.Parent())
		}
		return conflictDetails(e, names)
	}
	record := func(e *change.Entity) {
		if d := details(e); d != nil {
			if s.RecordConflicts == nil {
				s.RecordConflicts = map[string]map[string][]ConflictValue{}
			}
			s.RecordConflicts[e.ID] = d
		}
	}
	for _, id := range ids {
		e, err := tx.Entity(id)
		if err != nil {
			return nil, err
		}
		if !alive(e) {
			continue
		}
		// Long texts whose concurrent edits merge cleanly read as merged;
		// the life status counts every value, merged ones included.
		status := e.Status()
		e, merged := resolveMerges(tx, e)
		switch e.Type() {
		case TypeItem:
			var both struct {
				audit.Item
				audit.Result
			}
			if err := decode(e, &both); err != nil {
				return nil, err
			}
			it := ItemState{Item: both.Item, Result: both.Result}
			it.ID, it.AuditID = e.ID, ent.ID
			it.Conflicts = conflicts(e)
			it.ConflictDetails = details(e)
			for f, vals := range merged {
				if names == nil {
					names = authorNames(tx, ent.Parent())
				}
				if it.Merged == nil {
					it.Merged = map[string][]ConflictValue{}
				}
				it.Merged[f] = conflictValues(vals, names)
			}
			it.Restored = status == change.RestoredByEdit
			s.Items = append(s.Items, it)
		case TypeEvidence:
			var ev evidenceRecord
			if err := decode(e, &ev); err != nil {
				return nil, err
			}
			ev.ID, ev.AuditID = e.ID, ent.ID
			ev.Items = applyLinks(e, ev.Items)
			s.Evidence = append(s.Evidence, ev.Evidence)
		case TypeHearing:
			var h audit.Hearing
			if err := decode(e, &h); err != nil {
				return nil, err
			}
			h.ID, h.AuditID = e.ID, ent.ID
			s.Hearings = append(s.Hearings, h)
			record(e)
		case TypeNote:
			var n audit.ReviewNote
			if err := decode(e, &n); err != nil {
				return nil, err
			}
			n.ID, n.AuditID = e.ID, ent.ID
			s.Notes = append(s.Notes, n)
			record(e)
		}
	}
	sort.SliceStable(s.Items, func(i, j int) bool { return audit.CompareNo(s.Items[i].No, s.Items[j].No) < 0 })
	for i, it := range s.Items {
		byItem[it.ID] = i
	}
	sort.SliceStable(s.Evidence, func(i, j int) bool { return s.Evidence[i].CapturedAt.Before(s.Evidence[j].CapturedAt) })
	for _, ev := range s.Evidence {
		for _, iid := range ev.Items {
			if i, ok := byItem[iid]; ok {
				s.Items[i].Evidence = append(s.Items[i].Evidence, ev)
			}
		}
	}
	// Review (review.go): sign-offs, and the lock derived from verified approvals.
	if err := readReview(tx, s); err != nil {
		return nil, err
	}
	sort.SliceStable(s.Hearings, func(i, j int) bool { return s.Hearings[i].At.Before(s.Hearings[j].At) })
	for _, h := range s.Hearings {
		for _, iid := range h.ItemIDs() {
			if i, ok := byItem[iid]; ok {
				s.Items[i].Hearings = append(s.Items[i].Hearings, h.ID)
			}
		}
	}
	return s, nil
}

// auditWithEngagement reads an audit's full state and its engagement, for
// the exports.
func auditWithEngagement(tx *bolt.Tx, auditID string) (*AuditState, audit.Engagement, error) {
	ent, err := entityOf(tx, auditID, TypeAudit)
	if err != nil {
		return nil, audit.Engagement{}, err
	}
	st, err := readAuditState(tx, ent)
	if err != nil {
		return nil, audit.Engagement{}, err
	}
	engEnt, err := entityOf(tx, st.Audit.EngagementID, TypeEngagement)
	if err != nil {
		return nil, audit.Engagement{}, err
	}
	eng, err := readEngagement(tx, engEnt)
	return st, eng, err
}
