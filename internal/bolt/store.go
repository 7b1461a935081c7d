// Package bolt persists Kansa's operation log and its materialised view in a
// bbolt file, with every value sealed by the vault.
//
// Layout (bucket keys are opaque ids; every value is sealed and bound to its
// bucket and key as associated data, so values cannot be moved or swapped):
//
//	meta   schema (plaintext integer), keyslot (Argon2id-wrapped data key), identity
//	log    one bucket per device: seq -> prev-hash || op; hash-chained
//	heads  device -> last seq, chain hash and HLC reading
//	view   entity id -> change.Entity (derived; rebuilt from the log at will)
//	kids   parent id || child id -> child type (derived index)
//	rec    kind || 0 || key -> small records: named secrets, sync bookkeeping
//	       (created on first use; see records.go)
//
// A store is opened by one process at a time; a second one gets
// ErrAlreadyOpen within Options.Timeout instead of waiting.
package bolt

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"time"

	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/kansa-audit/kansa/internal/change"
	"github.com/kansa-audit/kansa/internal/vault"
)

// FileName is the bbolt file inside a store directory.
const FileName = "kansa.db"

// SchemaVersion is the layout this code reads and writes.
const SchemaVersion = 2

var (
	// ErrAlreadyOpen means another process holds the store.
	ErrAlreadyOpen = errors.New("store is already open in another Kansa process")
	// ErrNoStore means the directory holds no store yet.
	ErrNoStore = errors.New("no store here")
	// ErrExists means Create found a store already.
	ErrExists = errors.New("a store already exists here")
	// ErrNewerSchema means the file was written by a newer Kansa.
	ErrNewerSchema = errors.New("store was written by a newer version of Kansa")
	// ErrNotFound means an entity id is unknown.
	ErrNotFound = errors.New("not found")
)

var (
	bMeta  = []byte("meta")
	bLog   = []byte("log")
	bHeads = []byte("heads")
	bView  = []byte("view")
	bKids  = []byte("kids")

	kSchema   = []byte("schema")
	kKeyslot  = []byte("keyslot")
	kIdentity = []byte("identity")
)

// Identity is who writes through this store: one auditor on one device.
type Identity struct {
	Device string `json:"device"` // random, stable for the store's life
	Member string `json:"member"` // member id, stable across the team
	Name   string `json:"name"`
	Role   string `json:"role"`
}

// Options tune a store. The zero value is fine for production.
type Options struct {
	Timeout time.Duration     // how long to wait for another process's lock; default 1s
	KDF     vault.KDFParams   // for Create; zero means vault.DefaultKDF()
	Rand    io.Reader         // nonces and keys; default crypto/rand
	Now     func() time.Time  // physical clock for the HLC; default time.Now
	NoSync  bool              // skip fsync (benchmarks of non-durable paths only)
	Backup  func(path string) // called with the path of a pre-migration copy
}

func (o *Options) defaults() {
	if o.Timeout == 0 {
		o.Timeout = time.Second
	}
	if o.KDF == (vault.KDFParams{}) {
		o.KDF = vault.DefaultKDF()
	}
	if o.Rand == nil {
		o.Rand = rand.Reader
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// Store is an open, unlocked store.
type Store struct {
	db     *bbolt.DB
	path   string
	sealer *vault.Sealer
	dataKy []byte
	id     Identity
	clock  *change.Clock
	sups   supCache // op id -> supersedes, of committed ops (op.go)
}

// Exists reports whether dir holds a store file.
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, FileName))
	return err == nil
}

func openDB(path string, o Options, create bool) (db *bbolt.DB, err error) {
	if !create {
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s", ErrNoStore, filepath.Dir(path))
		}
	}
	if !create {
		if err := precheck(path); err != nil {
			return nil, err
		}
	}
	// bbolt can panic or fault on a damaged file; turn that into an error.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, damaged("the store file is unreadable (%v)", r)
		}
	}()
	// The freelist is synced on every commit (NoFreelistSync false). Not
	// syncing it would save a page write per edit, but bbolt then rebuilds
	// it at open in a goroutine of its own, where a damaged page panics
	// beyond any recover and kills the process.
	db, err = bbolt.Open(path, 0o600, &bbolt.Options{Timeout: o.Timeout, NoSync: o.NoSync, NoFreelistSync: false})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, ErrAlreadyOpen
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrVersionMismatch):
		return nil, damaged("the store file is not a valid database (%v)", err)
	case err != nil && !create:
		if errors.Is(err, os.ErrPermission) {
			return nil, fmt.Errorf("open store: %w", err)
		}
		return nil, damaged("the store file cannot be opened (%v)", err)
	case err != nil:
		return nil, fmt.Errorf("create store: %w", err)
	}
	if err := checkSize(db, path); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// checkSize catches a truncated file before any read faults on it.
func checkSize(db *bbolt.DB, path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("stat store: %w", err)
	}
	return db.View(func(tx *bbolt.Tx) error {
		if want := tx.Size(); fi.Size() < want {
			return damaged("the store file is truncated: %d bytes, but its header says %d", fi.Size(), want)
		}
		return nil
	})
}

// damaged wraps vault.ErrDamaged so callers need one sentinel for "damaged".
func damaged(format string, args ...any) error {
	return fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), vault.ErrDamaged)
}

// Create makes a new store in dir, protected by passphrase.
func Create(dir string, passphrase []byte, id Identity, o Options) (*Store, error) {
	o.defaults()
	if Exists(dir) {
		return nil, fmt.Errorf("%w: %s", ErrExists, dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create store dir: %w", err)
	}
	path := filepath.Join(dir, FileName)
	db, err := openDB(path, o, true)
	if err != nil {
		return nil, err
	}
	key, err := vault.NewDataKey(o.Rand)
	if err != nil {
		db.Close()
		return nil, err
	}
	slot, err := vault.NewKeyslot(passphrase, key, o.KDF, o.Rand)
	if err != nil {
		db.Close()
		return nil, err
	}
	s, err := newStore(db, path, key, o)
	if err != nil {
		db.Close()
		return nil, err
	}
	s.id = id
	err = db.Update(func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bMeta, bLog, bHeads, bView, bKids} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		raw, err := slot.Marshal()
		if err != nil {
			return err
		}
		meta := tx.Bucket(bMeta)
		if err := meta.Put(kKeyslot, raw); err != nil {
			return err
		}
		if err := meta.Put(kSchema, []byte(strconv.Itoa(SchemaVersion))); err != nil {
			return err
		}
		return s.putJSON(meta, bMeta, kIdentity, id)
	})
	if err != nil {
		db.Close()
		os.Remove(path)
		return nil, fmt.Errorf("create store: %w", err)
	}
	return s, nil
}

func newStore(db *bbolt.DB, path string, key []byte, o Options) (*Store, error) {
	sealer, err := vault.NewSealer(vault.DeriveKey(key, "kansa/bolt/value/v1"), o.Rand)
	if err != nil {
		return nil, err
	}
	return &Store{db: db, path: path, sealer: sealer, dataKy: key, clock: change.NewClock(o.Now, change.Time{})}, nil
}

// Open unlocks the store in dir. A wrong passphrase gives an error wrapping
// vault.ErrWrongPassphrase and changes nothing; a damaged file gives one
// wrapping vault.ErrDamaged.
func Open(dir string, passphrase []byte, o Options) (*Store, error) {
	o.defaults()
	path := filepath.Join(dir, FileName)
	db, err := openDB(path, o, false)
	if err != nil {
		return nil, err
	}
	s, err := unlock(db, path, passphrase, o)
	if err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func unlock(db *bbolt.DB, path string, passphrase []byte, o Options) (s *Store, err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, damaged("the store file is unreadable (%v)", r)
		}
	}()
	var slotRaw []byte
	schema := -1
	err = db.View(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bMeta)
		if meta == nil {
			return damaged("the store has no header")
		}
		slotRaw = bytes.Clone(meta.Get(kKeyslot))
		if v := meta.Get(kSchema); v != nil {
			n, err := strconv.Atoi(string(v))
			if err != nil {
				return damaged("the schema version %q is unreadable", v)
			}
			schema = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if schema < 0 || slotRaw == nil {
		return nil, damaged("the store header is incomplete")
	}
	if schema > SchemaVersion {
		return nil, fmt.Errorf("%w: schema %d, this Kansa reads up to %d", ErrNewerSchema, schema, SchemaVersion)
	}
	slot, err := vault.ParseKeyslot(slotRaw)
	if err != nil {
		return nil, err
	}
	key, err := slot.Unwrap(passphrase)
	if err != nil {
		return nil, err
	}
	s, err = newStore(db, path, key, o)
	if err != nil {
		return nil, err
	}
	if schema < SchemaVersion {
		if err := s.migrate(schema, o); err != nil {
			return nil, err
		}
	}
	err = db.View(func(tx *bbolt.Tx) error {
		if err := s.getJSON(tx.Bucket(bMeta), bMeta, kIdentity, &s.id); err != nil {
			return err
		}
		var last change.Time
		err := tx.Bucket(bHeads).ForEach(func(k, v []byte) error {
			var h head
			if err := s.openJSON(bHeads, k, v, &h); err != nil {
				return err
			}
			if h.At.Compare(last) > 0 {
				last = h.At
			}
			return nil
		})
		s.clock = change.NewClock(o.Now, last)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Close releases the store and its lock.
func (s *Store) Close() error {
	clear(s.dataKy)
	return s.db.Close()
}

// Identity returns who writes through this store.
func (s *Store) Identity() Identity { return s.id }

// DataKey returns the store's data key, for sibling stores (blobs) that
// derive their own subkeys. It must not be written anywhere.
func (s *Store) DataKey() []byte { return s.dataKy }

// Path is the bbolt file's path.
func (s *Store) Path() string { return s.path }

// SetIdentity replaces the identity record (e.g. after joining a team).
func (s *Store) SetIdentity(id Identity) error {
	if err := s.db.Update(func(tx *bbolt.Tx) error { return s.putJSON(tx.Bucket(bMeta), bMeta, kIdentity, id) }); err != nil {
		return err
	}
	s.id = id
	return nil
}

// ChangePassphrase rewraps the data key; nothing else is re-encrypted.
func (s *Store) ChangePassphrase(old, new []byte, p vault.KDFParams) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bMeta)
		slot, err := vault.ParseKeyslot(meta.Get(kKeyslot))
		if err != nil {
			return err
		}
		if p == (vault.KDFParams{}) {
			p = slot.KDF
		}
		ns, err := slot.Rewrap(old, new, p, nil)
		if err != nil {
			return err
		}
		raw, err := ns.Marshal()
		if err != nil {
			return err
		}
		return meta.Put(kKeyslot, raw)
	})
}

// Compact rewrites the file without free pages (bbolt files never shrink)
// into dst, a path that must not exist.
func (s *Store) Compact(dst string) error {
	ndb, err := bbolt.Open(dst, 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		return fmt.Errorf("compact: %w", err)
	}
	if err := bbolt.Compact(ndb, s.db, 1<<20); err != nil {
		ndb.Close()
		return fmt.Errorf("compact: %w", err)
	}
	return ndb.Close()
}

// aad binds a sealed value to its bucket and key.
func aad(bucket, key []byte) []byte {
	out := make([]byte, 0, len(bucket)+1+len(key))
	out = append(out, bucket...)
	out = append(out, 0)
	return append(out, key...)
}

func (s *Store) seal(bucket, key, plain []byte) []byte { return s.sealer.Seal(plain, aad(bucket, key)) }

func (s *Store) open(bucket, key, sealed []byte) ([]byte, error) {
	p, err := s.sealer.Open(sealed, aad(bucket, key))
	if err != nil {
		return nil, fmt.Errorf("%s/%x: %w", bucket, key, err)
	}
	return p, nil
}

func (s *Store) putJSON(b *bbolt.Bucket, name, key []byte, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return b.Put(key, s.seal(name, key, raw))
}

func (s *Store) getJSON(b *bbolt.Bucket, name, key []byte, v any) error {
	raw := b.Get(key)
	if raw == nil {
		return fmt.Errorf("%s/%s: %w", name, key, ErrNotFound)
	}
	return s.openJSON(name, key, raw, v)
}

func (s *Store) openJSON(bucket, key, sealed []byte, v any) error {
	p, err := s.open(bucket, key, sealed)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(p, v); err != nil {
		return damaged("%s/%x holds unreadable data (%v)", bucket, key, err)
	}
	return nil
}
