// Package blob keeps evidence files encrypted and content-addressed in a
// store's blobs/ directory.
//
// A blob is sealed in 64 KiB chunks (vault streams), so truncation and
// tampering are detected. Its file name is a keyed hash of the original's
// SHA-256, so names reveal nothing about the content, and the same file
// attached twice is stored once. Every blob Put stores is read back and
// verified after it is written; blobs imported from a sync folder, whose
// content is authenticated on the way in, are length-checked instead (see
// Importer). No plaintext ever touches the disk.
package blob

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/kansa-audit/kansa/internal/vault"
)

// Dir is the blob directory inside a store directory.
const Dir = "blobs"

// ErrMismatch means a blob decrypted but its content is not what was recorded.
var ErrMismatch = errors.New("blob content does not match its recorded SHA-256")

// ErrMissing means the blob file is not there.
var ErrMissing = errors.New("blob file is missing")

// Ref identifies a stored blob.
type Ref struct {
	Name   string `json:"name"`   // file name under blobs/xx/
	SHA256 string `json:"sha256"` // hex SHA-256 of the original bytes
	Size   int64  `json:"size"`
}

// Store is a directory of sealed blobs.
type Store struct {
	dir     string
	key     []byte
	nameKey []byte
	rand    io.Reader
}

// aad binds every blob stream to this format.
var aad = []byte("kansa/blob/v1")

// New returns the blob store under storeDir, keyed from the store's data key.
func New(storeDir string, dataKey []byte, r io.Reader) *Store {
	if r == nil {
		r = rand.Reader
	}
	return &Store{
		dir:     filepath.Join(storeDir, Dir),
		key:     vault.DeriveKey(dataKey, "kansa/blob/content/v1"),
		nameKey: vault.DeriveKey(dataKey, "kansa/blob/name/v1"),
		rand:    r,
	}
}

// NameFor returns the blob name for content with the given SHA-256 (hex).
func (s *Store) NameFor(sha string) string {
	return vault.KeyedHash(s.nameKey, []byte(sha))
}

func (s *Store) path(name string) string {
	return filepath.Join(s.dir, name[:2], name)
}

// Put seals the content of r into the store and verifies it by reading it
// back. The context is checked between chunks so a long import can be
// cancelled; a cancelled Put leaves nothing behind.
func (s *Store) Put(ctx context.Context, r io.Reader) (Ref, error) {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return Ref{}, fmt.Errorf("blob dir: %w", err)
	}
	tmp, err := os.CreateTemp(s.dir, ".put-*.tmp")
	if err != nil {
		return Ref{}, fmt.Errorf("blob temp file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	ref, err := s.write(ctx, tmp, r)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close blob: %w", cerr)
	}
	if err != nil {
		return Ref{}, err
	}
	final := s.path(ref.Name)
	if err := s.Verify(ref); err == nil {
		return ref, nil // already stored and intact
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return Ref{}, fmt.Errorf("blob dir: %w", err)
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return Ref{}, fmt.Errorf("store blob: %w", err)
	}
	syncDir(filepath.Dir(final))
	if err := s.Verify(ref); err != nil {
		return Ref{}, fmt.Errorf("blob read-back failed: %w", err)
	}
	return ref, nil
}

func (s *Store) write(ctx context.Context, f *os.File, r io.Reader) (Ref, error) {
	h := sha256.New()
	fw := &countingWriter{f: f}
	w, err := vault.NewStreamWriter(fw, s.key, aad, s.rand)
	if err != nil {
		return Ref{}, err
	}
	buf := make([]byte, 1<<20)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return Ref{}, err
		}
		k, rerr := r.Read(buf)
		if k > 0 {
			h.Write(buf[:k])
			if _, err := w.Write(buf[:k]); err != nil {
				return Ref{}, fmt.Errorf("write blob: %w", err)
			}
			n += int64(k)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return Ref{}, fmt.Errorf("read evidence file: %w", rerr)
		}
	}
	if err := w.Close(); err != nil {
		return Ref{}, fmt.Errorf("write blob: %w", err)
	}
	if err := f.Sync(); err != nil {
		return Ref{}, fmt.Errorf("sync blob: %w", err)
	}
	if fi, err := f.Stat(); err != nil || fw.n != SealedSize(n) || fi.Size() != fw.n {
		return Ref{}, fmt.Errorf("write blob: %d bytes on disk, %d written, %d expected", statSize(fi), fw.n, SealedSize(n))
	}
	sum := hex.EncodeToString(h.Sum(nil))
	return Ref{Name: s.NameFor(sum), SHA256: sum, Size: n}, nil
}

// Open returns a reader of the original bytes. Reading reports
// vault.ErrDamaged on tampering or truncation; callers that need the full
// guarantee use Verify or check the SHA-256 themselves.
func (s *Store) Open(ref Ref) (io.ReadCloser, error) {
	f, err := os.Open(s.path(ref.Name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", ref.Name, ErrMissing)
	}
	if err != nil {
		return nil, err
	}
	return struct {
		io.Reader
		io.Closer
	}{vault.NewStreamReader(f, s.key, aad), f}, nil
}

// Verify decrypts the blob fully and compares its SHA-256 and size.
func (s *Store) Verify(ref Ref) error {
	if len(ref.Name) < 3 {
		return fmt.Errorf("blob name %q: %w", ref.Name, vault.ErrDamaged)
	}
	if ref.Name != s.NameFor(ref.SHA256) {
		return fmt.Errorf("blob %s: name does not belong to its SHA-256: %w", ref.Name, ErrMismatch)
	}
	rc, err := s.Open(ref)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, rc)
	if err != nil {
		return fmt.Errorf("blob %s: %w", ref.Name, err)
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != ref.SHA256 || n != ref.Size {
		return fmt.Errorf("blob %s: %w", ref.Name, ErrMismatch)
	}
	return nil
}

// List returns the names of all blob files present, ignoring temp files.
func (s *Store) List() ([]string, error) {
	var out []string
	err := filepath.WalkDir(s.dir, func(p string, d os.DirEntry, err error) error {
		if errors.Is(err, os.ErrNotExist) {
			return filepath.SkipAll
		}
		if err != nil {
			return err
		}
		if !d.IsDir() && !strings.HasSuffix(d.Name(), ".tmp") {
			out = append(out, d.Name())
		}
		return nil
	})
	return out, err
}

// syncDir makes a rename durable; failures are ignored where the platform
// cannot sync directories.
func syncDir(dir string) { syncDirErr(dir) }

// syncDirErr is syncDir reporting a failure, except where directories
// cannot be synced at all (an error opening or syncing them there is not
// a lost write).
func syncDirErr(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		if runtime.GOOS == "windows" {
			return nil
		}
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !dirSyncUnsupported(err) {
		return err
	}
	return nil
}
