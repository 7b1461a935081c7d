// Package blob keeps evidence files encrypted and content-addressed in a
// store's blobs/ directory.
//
// A blob file holds one of two formats, told apart by its first bytes:
//   - a vault stream ("KNS1"), sealed in 64 KiB chunks with the store's
//     own key: what Put stores for a file attached here;
//   - a file exactly as a sync folder carried it (an age file, encrypted
//     for the engagement key), kept as it is by Importer.PutSealed and
//     opened with the store's Foreign opener (the workspace's saved
//     engagement keys). Pulling evidence thus costs a copy, a decryption
//     and a hash, not a second encryption.
//
// Either way truncation and tampering are detected, and no plaintext
// ever touches the disk. A blob's file name is a keyed hash of the
// original's SHA-256, so names reveal nothing about the content, and the
// same file attached twice is stored once. Open checks the SHA-256 and
// size of what it read when the reader reaches the end; Verify reads a
// blob whole. Every blob Put stores is read back and verified after it is
// written; blobs imported from a sync folder are checked as they are
// copied (see Importer).
package blob

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
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
	foreign Foreign
	magic   string // how a blob kept in the Foreign format starts
}

// Foreign opens a blob kept in the format its sync folder carried it in
// (see the package comment). It gets the whole file and returns the
// plaintext; a reader error means the file is damaged.
type Foreign func(r io.Reader) (io.Reader, error)

// SetForeign sets how the store opens blobs kept as a sync folder carried
// them: files that start with magic (4 bytes or more). Call it before the
// store is used.
func (s *Store) SetForeign(magic string, open Foreign) { s.magic, s.foreign = magic, open }

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
	tmp, ref, _, err := s.stage(ctx, func(w io.Writer) (Ref, error) { return s.seal(w, r) })
	if err != nil {
		return Ref{}, err
	}
	defer os.Remove(tmp) // no-op after the rename
	if err := s.Verify(ref); err == nil {
		return ref, nil // already stored and intact
	}
	final := s.path(ref.Name)
	if err := os.MkdirAll(filepath.Dir(final), 0o700); err != nil {
		return Ref{}, fmt.Errorf("blob dir: %w", err)
	}
	if err := os.Rename(tmp, final); err != nil {
		return Ref{}, fmt.Errorf("store blob: %w", err)
	}
	syncDir(filepath.Dir(final))
	if err := s.Verify(ref); err != nil {
		return Ref{}, fmt.Errorf("blob read-back failed: %w", err)
	}
	return ref, nil
}

// stage writes a new temp file in the blob directory with fill, fsyncs it
// and checks that the disk holds every byte written (n). The caller
// renames it into place or removes it; on error it is gone already. The
// writer fill gets checks the context before every write.
func (s *Store) stage(ctx context.Context, fill func(w io.Writer) (Ref, error)) (tmp string, ref Ref, n int64, err error) {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return "", Ref{}, 0, fmt.Errorf("blob dir: %w", err)
	}
	f, err := os.CreateTemp(s.dir, ".put-*.tmp")
	if err != nil {
		return "", Ref{}, 0, fmt.Errorf("blob temp file: %w", err)
	}
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("close blob: %w", cerr)
		}
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	w := &stagingFile{f: f, ctx: ctx}
	if ref, err = fill(w); err != nil {
		return "", Ref{}, 0, err
	}
	if err := f.Sync(); err != nil {
		return "", Ref{}, 0, fmt.Errorf("sync blob: %w", err)
	}
	if fi, err := f.Stat(); err != nil || fi.Size() != w.n {
		return "", Ref{}, 0, fmt.Errorf("write blob: %d bytes on disk, %d written", statSize(fi), w.n)
	}
	return f.Name(), ref, w.n, nil
}

// seal encrypts the content of r into w as a vault stream and returns its
// reference.
func (s *Store) seal(w io.Writer, r io.Reader) (Ref, error) {
	h := sha256.New()
	fw := &countingWriter{w: w}
	sw, err := vault.NewStreamWriter(fw, s.key, aad, s.rand)
	if err != nil {
		return Ref{}, err
	}
	buf := make([]byte, 1<<20)
	var n int64
	for {
		k, rerr := r.Read(buf)
		if k > 0 {
			h.Write(buf[:k])
			if _, err := sw.Write(buf[:k]); err != nil {
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
	if err := sw.Close(); err != nil {
		return Ref{}, fmt.Errorf("write blob: %w", err)
	}
	if fw.n != SealedSize(n) {
		return Ref{}, fmt.Errorf("write blob: %d bytes written, %d expected", fw.n, SealedSize(n))
	}
	sum := hex.EncodeToString(h.Sum(nil))
	return Ref{Name: s.NameFor(sum), SHA256: sum, Size: n}, nil
}

// Open returns a reader of the original bytes, in whichever format the
// blob is kept. Reading reports vault.ErrDamaged on tampering or
// truncation, and ErrMismatch at the end when what was read is not the
// content ref records (ref.SHA256 and Size; a ref without a SHA-256 is
// not checked).
func (s *Store) Open(ref Ref) (io.ReadCloser, error) {
	f, err := os.Open(s.path(ref.Name))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", ref.Name, ErrMissing)
	}
	if err != nil {
		return nil, err
	}
	var magic [4]byte
	k, _ := io.ReadFull(f, magic[:])
	src := io.MultiReader(bytes.NewReader(magic[:k]), f)
	var r io.Reader
	switch {
	case k == len(magic) && string(magic[:]) == vault.StreamMagic:
		r = vault.NewStreamReader(src, s.key, aad)
	case k == len(magic) && s.foreign != nil && strings.HasPrefix(s.magic, string(magic[:])):
		fr, err := s.foreign(bufio.NewReaderSize(src, 256<<10))
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("blob %s: %w", ref.Name, err)
		}
		r = foreignReader{fr}
	default:
		f.Close()
		return nil, fmt.Errorf("blob %s: %w: not a blob file", ref.Name, vault.ErrDamaged)
	}
	if ref.SHA256 != "" {
		r = &checkedReader{r: r, h: sha256.New(), ref: ref}
	}
	return struct {
		io.Reader
		io.Closer
	}{r, f}, nil
}

// foreignReader reports a blob kept as its folder carried it that fails
// to decrypt as damaged, like a vault stream that fails.
type foreignReader struct{ r io.Reader }

func (fr foreignReader) Read(p []byte) (int, error) {
	n, err := fr.r.Read(p)
	if err != nil && err != io.EOF && !errors.Is(err, vault.ErrDamaged) {
		err = fmt.Errorf("%w: %w", vault.ErrDamaged, err)
	}
	return n, err
}

// checkedReader hashes what is read and, at the end, reports ErrMismatch
// instead of io.EOF when it is not the recorded content.
type checkedReader struct {
	r   io.Reader
	h   hash.Hash
	n   int64
	ref Ref
}

func (c *checkedReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	if err == io.EOF && (c.n != c.ref.Size || hex.EncodeToString(c.h.Sum(nil)) != c.ref.SHA256) {
		err = fmt.Errorf("blob %s: %w", c.ref.Name, ErrMismatch)
	}
	return n, err
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
	if _, err := io.Copy(io.Discard, rc); err != nil {
		if errors.Is(err, ErrMismatch) {
			return err
		}
		return fmt.Errorf("blob %s: %w", ref.Name, err)
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
