package workspace

import (
	"encoding/json"
	"errors"

	"github.com/kansa-audit/kansa/internal/bolt"
)

// Unsynced counts this device's ops that no sync has published yet: the
// ops after the highest sequence its published bundles cover without a
// gap (what the next Sync would publish). A store that has never synced
// counts every op it has made.
func (w *Workspace) Unsynced() (int, error) {
	me := w.Me()
	var n uint64
	err := w.st.View(func(tx *bolt.Tx) error {
		var mine []bundleRec
		if err := tx.Records(recBundle, func(_ string, raw json.RawMessage) error {
			var r bundleRec
			if err := json.Unmarshal(raw, &r); err != nil {
				return err
			}
			if r.Device == me.Device {
				mine = append(mine, r)
			}
			return nil
		}); err != nil {
			return err
		}
		vv, err := tx.VersionVector()
		if err != nil {
			return err
		}
		if up := publishedUpTo(mine); vv[me.Device] > up {
			n = vv[me.Device] - up
		}
		return nil
	})
	return int(n), err
}

// Syncs reports whether this store works with a team: it has read or
// created a sync folder. A store that never has counts every op it made
// as unsynced, which says nothing to an auditor working alone.
func (w *Workspace) Syncs() (bool, error) {
	found := errors.New("found")
	err := w.st.View(func(tx *bolt.Tx) error {
		for _, kind := range []string{recChief, recFolder} {
			if err := tx.Records(kind, func(string, json.RawMessage) error { return found }); err != nil {
				return err
			}
		}
		return nil
	})
	if err == found {
		return true, nil
	}
	return false, err
}
