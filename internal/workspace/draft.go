package workspace

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kansa-audit/kansa/internal/bolt"
)

// recDraft holds drafts: what a form held before it was saved.
const recDraft = "draft"

// PutDraft keeps v (JSON-encodable) as the draft named key: a form being
// filled in (a hearing record) that is not a record yet. Drafts live in
// this store only, sealed like everything in it, are never synced, and
// are written durably, so what an auditor typed survives the idle lock,
// quitting and a crash. The key names what the draft is for, e.g.
// "hearing/<audit id>".
func (w *Workspace) PutDraft(key string, v any) error {
	if strings.TrimSpace(key) == "" {
		return fmt.Errorf("%w: draft key is empty", ErrInvalid)
	}
	return w.st.Update(func(tx *bolt.Tx) error { return tx.PutRecord(recDraft, key, v) })
}

// Draft reads the draft named key into v; found is false when there is
// none.
func (w *Workspace) Draft(key string, v any) (found bool, err error) {
	err = w.st.View(func(tx *bolt.Tx) error {
		var raw json.RawMessage
		if found, err = tx.GetRecord(recDraft, key, &raw); err != nil || !found {
			return err
		}
		return json.Unmarshal(raw, v)
	})
	return found, err
}

// DeleteDraft drops the draft named key, once its form was saved or
// deliberately discarded.
func (w *Workspace) DeleteDraft(key string) error {
	return w.st.Update(func(tx *bolt.Tx) error { return tx.DeleteRecord(recDraft, key) })
}
