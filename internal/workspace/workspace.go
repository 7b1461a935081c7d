// Package workspace holds Kansa's use cases: unlock a store, create and
// edit engagements, audits, items, results, evidence and hearings, read an
// audit's state, and check the store. The GUI (ui/) and the CLI
// (cmd/kansactl) both call these and nothing below them.
//
// Each use case is one durable transaction: when a method returns nil, the
// edit is on disk.
package workspace

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/blob"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/exchange"
	"github.com/kansa-audit/kansa/internal/vault"
)

// Errors callers distinguish with errors.Is.
var (
	ErrWrongPassphrase = vault.ErrWrongPassphrase
	ErrDamaged         = vault.ErrDamaged
	ErrAlreadyOpen     = bolt.ErrAlreadyOpen
	ErrNoStore         = bolt.ErrNoStore
	ErrExists          = bolt.ErrExists
	ErrNewerSchema     = bolt.ErrNewerSchema
	ErrNotFound        = bolt.ErrNotFound
	ErrInvalid         = audit.ErrInvalid
	ErrLocked          = errors.New("the audit is approved and locked; reopen it to edit")
	// ErrPublish wraps a failure to write this device's changes to the
	// sync folder (its disk full, unplugged, read-only), as opposed to a
	// failure of this store.
	ErrPublish = errors.New("writing to the sync folder failed")
)

// Entity types as stored.
const (
	TypeEngagement = "engagement"
	TypeMember     = "member"
	TypeAudit      = "audit"
	TypeItem       = "item"
	TypeEvidence   = "evidence"
	TypeHearing    = "hearing"
	TypeNote       = "review-note"
	TypeSignOff    = "signoff"
)

// Options tune a workspace; the zero value is right for production.
type Options struct {
	Now     func() time.Time // clock for timestamps; default time.Now
	Rand    io.Reader        // ids, keys and nonces; default crypto/rand
	KDF     vault.KDFParams  // Argon2id parameters for Create; default vault.DefaultKDF
	Timeout time.Duration    // wait for another process's lock; default 1s
}

// Workspace is one unlocked store.
type Workspace struct {
	dir   string
	st    *bolt.Store
	blobs *blob.Store
	now   func() time.Time
	rand  io.Reader
	teams exchange.TeamCache // the sync folder's team as last read (team.go)
	keys  keyring            // engagement keys for evidence kept as synced (keyring.go)
}

// Me is the person working through this workspace.
type Me = bolt.Identity

// DefaultDir is the store directory when none is given: $KANSA_STORE, else
// the OS user config dir.
func DefaultDir() (string, error) {
	if d := os.Getenv("KANSA_STORE"); d != "" {
		return d, nil
	}
	base, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the user config dir: %w", err)
	}
	return filepath.Join(base, "kansa"), nil
}

// Exists reports whether dir holds a store.
func Exists(dir string) bool { return bolt.Exists(dir) }

func (o *Options) defaults() {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	} else if o.Rand != rand.Reader {
		// A caller's source (a test's seeded one) need not be safe for
		// concurrent use; evidence is stored by several goroutines.
		o.Rand = &lockedReader{r: o.Rand}
	}
}

// lockedReader serialises reads of a source not known to be safe for
// concurrent use.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}

func (o Options) bolt() bolt.Options {
	return bolt.Options{Now: o.Now, Rand: o.Rand, KDF: o.KDF, Timeout: o.Timeout}
}

// Create makes a new store in dir for the named auditor.
func Create(dir string, passphrase []byte, name string, role audit.Role, o Options) (*Workspace, error) {
	o.defaults()
	if len(passphrase) == 0 {
		return nil, fmt.Errorf("%w: passphrase is empty", ErrInvalid)
	}
	m := audit.Member{Name: name, Role: role}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	id := bolt.Identity{Device: newID(o.Rand), Member: newID(o.Rand), Name: name, Role: string(role)}
	st, err := bolt.Create(dir, passphrase, id, o.bolt())
	if err != nil {
		return nil, err
	}
	return wrap(dir, st, o), nil
}

// Open unlocks the store in dir.
func Open(dir string, passphrase []byte, o Options) (*Workspace, error) {
	o.defaults()
	st, err := bolt.Open(dir, passphrase, o.bolt())
	if err != nil {
		return nil, err
	}
	return wrap(dir, st, o), nil
}

func wrap(dir string, st *bolt.Store, o Options) *Workspace {
	w := &Workspace{dir: dir, st: st, blobs: blob.New(dir, st.DataKey(), o.Rand), now: o.Now, rand: o.Rand}
	w.blobs.SetForeign("age-encryption.org/", w.openForeign)
	w.loadKeyring()
	return w
}

// Close locks the store again.
func (w *Workspace) Close() error { return w.st.Close() }

// Dir is the store directory.
func (w *Workspace) Dir() string { return w.dir }

// Me returns who is working.
func (w *Workspace) Me() Me { return w.st.Identity() }

// ChangePassphrase rewraps the data key under a new passphrase.
func (w *Workspace) ChangePassphrase(old, new []byte) error {
	if len(new) == 0 {
		return fmt.Errorf("%w: new passphrase is empty", ErrInvalid)
	}
	return w.st.ChangePassphrase(old, new, vault.KDFParams{})
}

// newID returns a random opaque id: 16 hex digits.
func newID(r io.Reader) string {
	b := make([]byte, 8)
	if _, err := io.ReadFull(r, b); err != nil {
		panic("workspace: random source failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

func (w *Workspace) newID() string { return newID(w.rand) }
