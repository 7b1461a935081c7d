package workspace

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/bolt"
)

// ResolveRecordConflict writes value as the new value of field of a
// hearing or a review note of an editable audit: the value kept from a
// conflict (AuditState.RecordConflicts) or merged by hand. The write
// supersedes every competing value, so the conflict is resolved and the
// values stay in the history.
//
// value is given as a ConflictValue shows it: plain text for a text field
// (a hearing's notes, a note's text or response), JSON for any other
// field (a hearing's statements, say). The record must still be valid
// once written (a hearing keeps someone heard, a note keeps its text).
func (w *Workspace) ResolveRecordConflict(auditID, entityID, field, value string) error {
	err := w.st.Update(func(tx *bolt.Tx) error {
		if err := editableAudit(tx, auditID); err != nil {
			return err
		}
		e, err := tx.Entity(entityID)
		if err != nil {
			return err
		}
		if !alive(e) || e.Parent() != auditID || (e.Type() != TypeHearing && e.Type() != TypeNote) {
			return fmt.Errorf("hearing or review note %s of audit %s: %w", entityID, auditID, ErrNotFound)
		}
		if strings.HasPrefix(field, "_") || skipKeys[field] {
			return fmt.Errorf("%w: field %q cannot be edited", ErrInvalid, field)
		}
		cur, ok := e.Get(field).Current()
		if !ok {
			return fmt.Errorf("%w: %s has no field %q", ErrInvalid, e.Type(), field)
		}
		var v any = value
		if len(cur.Value) == 0 || cur.Value[0] != '"' { // not a text field: value is JSON
			raw := json.RawMessage(value)
			if !json.Valid(raw) {
				return fmt.Errorf("%w: the value of %q is not JSON", ErrInvalid, field)
			}
			v = raw
		}
		if _, _, err := tx.Write(entityID, field, v); err != nil {
			return err
		}
		return validRecord(tx, entityID)
	})
	if err != nil {
		return fmt.Errorf("resolve the conflict of %s.%s: %w", entityID, field, err)
	}
	return nil
}

// validRecord checks that a hearing or note still reads as a valid record.
func validRecord(tx *bolt.Tx, id string) error {
	e, err := tx.Entity(id)
	if err != nil {
		return err
	}
	var rec interface{ Validate() error }
	switch e.Type() {
	case TypeHearing:
		rec = &audit.Hearing{}
	default:
		rec = &audit.ReviewNote{}
	}
	if err := decode(e, rec); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	if err := rec.Validate(); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return nil
}
