package workspace

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/change"
)

// linkPrefix names the fields that link evidence to items after capture:
// "link:<item id>" holds true (linked) or false (unlinked). Each link is
// its own register, so two auditors who link the same photo to different
// items offline both keep their link after a sync; only a concurrent link
// and unlink of the same pair compete.
const linkPrefix = "link:"

// LinkEvidence links an evidence file already in the audit to one more
// item, so one photo can support several items without being stored
// twice. Linking an item that is already linked changes nothing.
func (w *Workspace) LinkEvidence(auditID, evidenceID, itemNo string) error {
	return w.setEvidenceLink(auditID, evidenceID, itemNo, true)
}

// UnlinkEvidence removes an evidence file from one item. The file stays in
// the audit (and on its other items); evidence linked to no item is still
// listed under the audit.
func (w *Workspace) UnlinkEvidence(auditID, evidenceID, itemNo string) error {
	return w.setEvidenceLink(auditID, evidenceID, itemNo, false)
}

func (w *Workspace) setEvidenceLink(auditID, evidenceID, itemNo string, linked bool) error {
	return w.st.Update(func(tx *bolt.Tx) error {
		if err := editableAudit(tx, auditID); err != nil {
			return err
		}
		ev, err := entityOf(tx, evidenceID, TypeEvidence)
		if err != nil {
			return err
		}
		if ev.Parent() != auditID {
			return fmt.Errorf("evidence %s is not part of audit %s: %w", evidenceID, auditID, ErrNotFound)
		}
		it, err := findItem(tx, auditID, itemNo)
		if err != nil {
			return err
		}
		if slices.Contains(evidenceItems(ev), it.ID) == linked {
			return nil
		}
		_, _, err = tx.Write(evidenceID, linkPrefix+it.ID, linked)
		return err
	})
}

// evidenceItems is the ids of the items an evidence entity is linked to:
// those it was captured for, plus links made later, minus unlinks, in a
// stable order (capture items first, then later links by item id).
func evidenceItems(e *change.Entity) []string {
	var captured []string
	e.Decode("items", &captured)
	return applyLinks(e, captured)
}

// applyLinks adjusts the capture-time item list by the entity's link
// fields.
func applyLinks(e *change.Entity, items []string) []string {
	var later []string
	set := map[string]bool{}
	for _, id := range items {
		set[id] = true
	}
	for name := range e.Fields {
		id, ok := strings.CutPrefix(name, linkPrefix)
		if !ok {
			continue
		}
		var linked bool
		e.Decode(name, &linked)
		switch {
		case linked && !set[id]:
			later = append(later, id)
			set[id] = true
		case !linked:
			delete(set, id)
		}
	}
	slices.Sort(later)
	out := make([]string, 0, len(set))
	for _, id := range append(slices.Clone(items), later...) {
		if set[id] {
			out = append(out, id)
			delete(set, id) // once each
		}
	}
	return out
}
