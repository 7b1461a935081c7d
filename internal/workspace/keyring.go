package workspace

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/exchange"
)

// recTeamKey keeps the engagement keys this member was granted
// ("<engagement>/<epoch>" -> age identity). Evidence pulled from the sync
// folder is kept as the folder carried it, encrypted for those keys
// (blob.Importer), and read with them long after the folder is gone. A
// key is never dropped: evidence written in an epoch stays readable.
const recTeamKey = "team-key"

// keyring holds the saved engagement keys in memory, so that opening a
// blob never needs a transaction (it may run inside one).
type keyring struct {
	mu   sync.Mutex
	keys map[string]string // recTeamKey key -> identity
	kr   *exchange.Keyring
	err  error // why the saved keys could not be loaded
}

// loadKeyring reads the saved engagement keys; called once at unlock.
func (w *Workspace) loadKeyring() {
	keys := map[string]string{}
	err := w.st.View(func(tx *bolt.Tx) error {
		return tx.Records(recTeamKey, func(k string, raw json.RawMessage) error {
			var id string
			if err := json.Unmarshal(raw, &id); err != nil {
				return err
			}
			keys[k] = id
			return nil
		})
	})
	w.keys.mu.Lock()
	defer w.keys.mu.Unlock()
	w.keys.keys, w.keys.err = keys, err
	if err == nil {
		w.keys.kr, w.keys.err = exchange.NewKeyring(values(keys))
	}
}

// openForeign opens a blob kept as its sync folder carried it.
func (w *Workspace) openForeign(r io.Reader) (io.Reader, error) {
	w.keys.mu.Lock()
	kr, err := w.keys.kr, w.keys.err
	w.keys.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("the store's engagement keys: %w", err)
	}
	return kr.Open(r)
}

// saveTeamKeys records the engagement keys of t that the store does not
// hold yet, before anything encrypted for them is kept.
func (w *Workspace) saveTeamKeys(t *exchange.Team) error {
	w.keys.mu.Lock()
	known := w.keys.keys
	w.keys.mu.Unlock()
	add := map[string]string{}
	for epoch, id := range t.EpochKeys() {
		k := fmt.Sprintf("%s/%d", t.Engagement, epoch)
		if known[k] != id {
			add[k] = id
		}
	}
	if len(add) == 0 {
		return nil
	}
	if err := w.st.Update(func(tx *bolt.Tx) error {
		for _, k := range sortedKeys(add) {
			if err := tx.PutRecord(recTeamKey, k, add[k]); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("save the engagement keys: %w", err)
	}
	w.loadKeyring()
	return nil
}

func values(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	sort.Strings(out)
	return out
}
