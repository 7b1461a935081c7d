package workspace

import (
	"fmt"
	"strings"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/bolt"
)

// ItemChange is an item whose checksheet text differs between Kansa and an
// imported sheet.
type ItemChange struct {
	ID     string     `json:"id"`
	Old    audit.Item `json:"old"`
	New    audit.Item `json:"new"`
	Fields []string   `json:"fields"` // JSON names of the fields that differ
}

// Orphan is an item in Kansa that the imported sheet no longer has. It is
// kept, results and all; the report lists it so nobody loses work silently.
type Orphan struct {
	audit.Item
	HasResult bool `json:"has_result"`
}

// ChecksheetDiff is what importing a checksheet into an audit changes.
type ChecksheetDiff struct {
	Added     []audit.Item `json:"added"`
	Changed   []ItemChange `json:"changed"`
	Orphaned  []Orphan     `json:"orphaned"`
	Unchanged int          `json:"unchanged"`
}

// Empty reports whether the import changes nothing.
func (d *ChecksheetDiff) Empty() bool { return len(d.Added) == 0 && len(d.Changed) == 0 }

// checksheetFields are the item fields a checksheet carries, by JSON name.
var checksheetFields = []struct {
	name string
	col  audit.Column
}{
	{"no", audit.ColNo}, {"section", audit.ColSection}, {"title", audit.ColTitle},
	{"criteria", audit.ColCriteria}, {"points", audit.ColPoints}, {"examples", audit.ColExamples},
	{"hearing_purpose", audit.ColHearingPurpose}, {"guideline_ref", audit.ColGuidelineRef}, {"notes", audit.ColNotes},
}

func normTitle(s string) string { return strings.Join(strings.Fields(s), " ") }

// diffChecksheet matches sheet items to the audit's items: first by number
// and title together, then by title alone (a renumbered item), then by
// number alone (a reworded item). What is left is added, or orphaned.
func diffChecksheet(existing []ItemState, sheet []audit.Item) *ChecksheetDiff {
	d := &ChecksheetDiff{}
	used := make([]bool, len(existing))
	matched := make([]int, len(sheet))
	for i := range matched {
		matched[i] = -1
	}
	passes := []func(e audit.Item, s audit.Item) bool{
		func(e, s audit.Item) bool {
			return audit.NormalizeNo(e.No) == audit.NormalizeNo(s.No) && normTitle(e.Title) == normTitle(s.Title)
		},
		func(e, s audit.Item) bool { return normTitle(e.Title) == normTitle(s.Title) },
		func(e, s audit.Item) bool { return audit.NormalizeNo(e.No) == audit.NormalizeNo(s.No) },
	}
	for _, match := range passes {
		for si, s := range sheet {
			if matched[si] >= 0 {
				continue
			}
			for ei, e := range existing {
				if !used[ei] && match(e.Item, s) {
					used[ei], matched[si] = true, ei
					break
				}
			}
		}
	}
	for si, s := range sheet {
		s.No = audit.NormalizeNo(s.No)
		ei := matched[si]
		if ei < 0 {
			d.Added = append(d.Added, s)
			continue
		}
		old := existing[ei].Item
		var fields []string
		for _, f := range checksheetFields {
			if old.Text(f.col) != s.Text(f.col) {
				fields = append(fields, f.name)
			}
		}
		if len(fields) == 0 {
			d.Unchanged++
			continue
		}
		s.ID = old.ID
		d.Changed = append(d.Changed, ItemChange{ID: old.ID, Old: old, New: s, Fields: fields})
	}
	for ei, e := range existing {
		if !used[ei] {
			d.Orphaned = append(d.Orphaned, Orphan{Item: e.Item, HasResult: e.Result != (audit.Result{})})
		}
	}
	return d
}

// PlanChecksheet reports what importing items into the audit would change,
// without changing anything: the GUI preview and `--dry-run` show it.
func (w *Workspace) PlanChecksheet(auditID string, items []audit.Item) (*ChecksheetDiff, error) {
	st, err := w.AuditState(auditID)
	if err != nil {
		return nil, err
	}
	return diffChecksheet(st.Items, items), nil
}

// ApplyChecksheet imports items into the audit in one transaction: new
// items are created, changed ones get their changed fields written as
// ordinary edits, and items missing from the sheet are kept (and listed as
// orphans). Results are never touched.
func (w *Workspace) ApplyChecksheet(auditID string, items []audit.Item) (*ChecksheetDiff, error) {
	seen := map[string]bool{}
	for _, it := range items {
		it.No = audit.NormalizeNo(it.No)
		if err := it.Validate(); err != nil {
			return nil, err
		}
		if seen[it.No] {
			return nil, fmt.Errorf("%w: item number %s appears twice in the sheet", ErrInvalid, it.No)
		}
		seen[it.No] = true
	}
	var d *ChecksheetDiff
	err := w.st.Update(func(tx *bolt.Tx) error {
		if err := editableAudit(tx, auditID); err != nil {
			return err
		}
		ent, err := entityOf(tx, auditID, TypeAudit)
		if err != nil {
			return err
		}
		st, err := readAuditState(tx, ent)
		if err != nil {
			return err
		}
		d = diffChecksheet(st.Items, items)
		for _, it := range d.Added {
			if err := create(tx, w.newID(), TypeItem, auditID, it); err != nil {
				return err
			}
		}
		for _, c := range d.Changed {
			for _, f := range checksheetFields {
				for _, name := range c.Fields {
					if name == f.name {
						if _, _, err := tx.Write(c.ID, name, c.New.Text(f.col)); err != nil {
							return err
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("import checksheet: %w", err)
	}
	return d, nil
}
