package workspace

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"sync"

	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/exchange"
)

// recTeamKey keeps every engagement key this member was ever granted
// (SHA-256 of the key -> age identity). Evidence pulled from the sync
// folder is kept as the folder carried it, encrypted for those keys
// (blob.Importer), and read with them long after the folder is gone. A
// key is never replaced or dropped: a chief who makes a new folder for the
// engagement starts again at epoch 1 with a new key, and the evidence
// pulled from the old folder must stay readable.
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
// hold yet, before anything encrypted for them is kept. It refuses while
// the saved keys cannot be read: evidence pulled then could not be read
// either.
func (w *Workspace) saveTeamKeys(t *exchange.Team) error {
	w.keys.mu.Lock()
	known, err := w.keys.keys, w.keys.err
	w.keys.mu.Unlock()
	if err != nil {
		return fmt.Errorf("the store's engagement keys: %w", err)
	}
	add := map[string]string{}
	for _, id := range t.EpochKeys() {
		sum := sha256.Sum256([]byte(id))
		if k := hex.EncodeToString(sum[:16]); known[k] == "" {
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

// keyringProblem is why the saved engagement keys cannot be read, for
// Check ("" when they can).
func (w *Workspace) keyringProblem() string {
	w.keys.mu.Lock()
	defer w.keys.mu.Unlock()
	if w.keys.err == nil {
		return ""
	}
	return w.keys.err.Error()
}
