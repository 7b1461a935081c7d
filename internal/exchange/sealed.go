package exchange

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"

	"filippo.io/age"
)

// SealedFile is where CopySealed writes an object: a store's temp file,
// written in one pass and then read back at two places (the header and
// the last chunk) to check that it opens.
type SealedFile interface {
	io.Writer
	io.ReaderAt
}

// CopySealed copies an object's file, still encrypted for the engagement,
// into dst: a store can keep it as it is, and decrypt it when it is read
// (Keyring). It costs one SHA-256 pass over the ciphertext and no
// decryption, so a first pull runs near the speed of a plain copy.
//
// The copy counts only if it is the object the signed bundle names:
//   - its bytes hash to its name (the path in the bundle): otherwise it
//     has not arrived completely, ErrIncomplete;
//   - its header opens with one of t's engagement keys: otherwise ErrNoKey
//     (pending until a grant arrives), or ErrRejected if it is no age file;
//   - its last chunk authenticates and the plaintext size it implies is
//     the size the bundle records, else ErrRejected.
//
// The plaintext SHA-256 is the bundle's word, bound to this ciphertext by
// the signed name: a reader of the copy checks it when it reaches the end
// (blob.Store.Open), and Workspace.Check decrypts every copy in full. An
// error from dst itself is returned as it is. On any error, what dst
// holds is not the object and is to be discarded.
func (f *Folder) CopySealed(t *Team, o Object, dst SealedFile) error {
	m := objectPath.FindStringSubmatch(o.Path)
	if m == nil {
		return fmt.Errorf("object %q: %w: not an object path", o.Path, ErrRejected)
	}
	h := sha256.New()
	n, err := f.copyFile(o.Path, io.MultiWriter(h, dst))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("object %s: %w", o.Path, ErrIncomplete)
	}
	if err != nil {
		return err
	}
	if hex.EncodeToString(h.Sum(nil)) != m[2] {
		return fmt.Errorf("object %s: %w: its bytes do not match its name", o.Path, ErrIncomplete)
	}
	_, size, err := age.DecryptReaderAt(dst, n, t.identities()...)
	var nomatch *age.NoIdentityMatchError
	switch {
	case errors.As(err, &nomatch):
		return fmt.Errorf("object %s: %w", o.Path, ErrNoKey)
	case err != nil:
		return fmt.Errorf("object %s: %w: does not decrypt (%v)", o.Path, ErrRejected, err)
	case size != o.Size:
		return fmt.Errorf("object %s: %w: holds %d bytes, its bundle records %d", o.Path, ErrRejected, size, o.Size)
	}
	return nil
}

// copyFile streams the folder file name into w, through the folder's
// Opener when it has one.
func (f *Folder) copyFile(name string, w io.Writer) (int64, error) {
	op, ok := f.fs.(Opener)
	if !ok {
		b, err := f.fs.ReadFile(name)
		if err != nil {
			return 0, err
		}
		k, err := w.Write(b)
		return int64(k), err
	}
	rc, err := op.Open(name)
	if err != nil {
		return 0, err
	}
	defer rc.Close()
	// A large buffer: each Write hashes and writes a whole megabyte.
	return bufio.NewReaderSize(rc, 1<<20).WriteTo(w)
}

// EpochKeys returns the engagement keys t holds, by key epoch, in age's
// text form: a store keeps them (sealed) to read the objects it copied
// with CopySealed after the folder is gone.
func (t *Team) EpochKeys() map[int]string {
	out := make(map[int]string, len(t.keys))
	for e, k := range t.keys {
		out[e] = k.String()
	}
	return out
}

// Keyring opens objects kept as CopySealed copied them, with engagement
// keys a store saved from EpochKeys. It is safe for concurrent use.
type Keyring struct {
	ids []age.Identity
}

// NewKeyring parses keys (EpochKeys values, of any engagements).
func NewKeyring(keys []string) (*Keyring, error) {
	sort.Strings(keys) // a stable order: age tries them in turn
	kr := &Keyring{}
	for _, k := range keys {
		id, err := age.ParseX25519Identity(strings.TrimSpace(k))
		if err != nil {
			return nil, fmt.Errorf("engagement key: %w", err)
		}
		kr.ids = append(kr.ids, id)
	}
	return kr, nil
}

// Open returns the plaintext of an object copied by CopySealed. The
// reader authenticates every chunk; a damaged or truncated copy fails
// with ErrRejected, one for an engagement key not in the ring with
// ErrNoKey.
func (kr *Keyring) Open(r io.Reader) (io.Reader, error) {
	if kr == nil || len(kr.ids) == 0 {
		return nil, fmt.Errorf("evidence copied from the sync folder: %w (this store has no engagement key yet)", ErrNoKey)
	}
	pr, err := age.Decrypt(r, kr.ids...)
	var nomatch *age.NoIdentityMatchError
	switch {
	case errors.As(err, &nomatch):
		return nil, fmt.Errorf("evidence copied from the sync folder: %w", ErrNoKey)
	case err != nil:
		return nil, fmt.Errorf("evidence copied from the sync folder: %w: does not decrypt (%v)", ErrRejected, err)
	}
	return rejectReader{pr}, nil
}

// rejectReader reports a chunk that fails to authenticate as ErrRejected.
type rejectReader struct{ r io.Reader }

func (r rejectReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("evidence copied from the sync folder: %w: does not decrypt (%v)", ErrRejected, err)
	}
	return n, err
}
