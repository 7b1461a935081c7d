package exchange

import (
	"bufio"
	"bytes"
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

// CopySealed copies an object's file, still encrypted for the engagement,
// into dst: a store can keep it as it is, and decrypt it when it is read
// (Keyring). On the way it decrypts the copy and hashes the plaintext, so
// the copy counts only if it is exactly the content the signed bundle
// records; what it saves is a second encryption.
//
// Errors classify like ReadObject's: ErrIncomplete when the file is
// missing or its bytes do not match its name (not arrived completely);
// ErrNoKey when it is for an engagement key t does not hold; ErrRejected
// when it is complete yet does not decrypt or is not the content the
// bundle records (a member's bundle that lies). An error of dst itself
// (this store's disk) is returned as it is. On any error, what dst holds
// is not the object and is to be discarded.
func (f *Folder) CopySealed(t *Team, o Object, dst io.Writer) error {
	m := objectPath.FindStringSubmatch(o.Path)
	if m == nil {
		return fmt.Errorf("object %q: %w: not an object path", o.Path, ErrRejected)
	}
	src, err := f.openFile(o.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("object %s: %w", o.Path, ErrIncomplete)
	}
	if err != nil {
		return err
	}
	defer src.Close()
	// Every byte age reads goes to dst, in megabyte writes.
	out := &keptWriter{w: bufio.NewWriterSize(dst, 1<<20)}
	err = verifyObject(io.TeeReader(bufio.NewReaderSize(src, 1<<20), out), t, o)
	switch {
	case out.err != nil:
		return out.err
	case err != nil:
		return f.recheck(t, o, m[2])
	}
	if err := out.w.Flush(); err != nil {
		return err
	}
	return out.err
}

// verifyObject decrypts the object file read from in to its end and
// checks the plaintext against o: nil, ErrNoKey, or ErrRejected with why.
func verifyObject(in io.Reader, t *Team, o Object) error {
	r, err := age.Decrypt(in, t.identities()...)
	var nomatch *age.NoIdentityMatchError
	switch {
	case errors.As(err, &nomatch):
		return ErrNoKey
	case err != nil:
		return fmt.Errorf("%w: does not decrypt (%v)", ErrRejected, err)
	}
	h := sha256.New()
	n, err := io.Copy(h, r)
	if err == nil {
		_, err = io.Copy(io.Discard, in) // nothing follows the last chunk, which age checks
	}
	switch {
	case err != nil:
		return fmt.Errorf("%w: does not decrypt (%v)", ErrRejected, err)
	case hex.EncodeToString(h.Sum(nil)) != o.SHA256 || n != o.Size:
		return fmt.Errorf("%w: content differs from its recorded SHA-256 (%d bytes)", ErrRejected, n)
	}
	return nil
}

// recheck says why an object failed CopySealed, from a second, whole read
// of its file: one that does not match its name, cannot be read, or now
// passes (it changed while it was copied) has not arrived completely and
// is tried again later; one that matches its name is for a key this
// member lacks, or damaged or forged. A passing read error on a network
// share is thus never taken for a forgery.
func (f *Folder) recheck(t *Team, o Object, name string) error {
	src, err := f.openFile(o.Path)
	if err != nil {
		return fmt.Errorf("object %s: %w: %v", o.Path, ErrIncomplete, err)
	}
	defer src.Close()
	h := sha256.New()
	rd := &errReader{r: bufio.NewReaderSize(src, 1<<20)}
	in := io.TeeReader(rd, h)
	verdict := verifyObject(in, t, o)
	io.Copy(io.Discard, in) // the rest, for the name
	switch {
	case rd.err != nil:
		return fmt.Errorf("object %s: %w: it could not be read (%v)", o.Path, ErrIncomplete, rd.err)
	case hex.EncodeToString(h.Sum(nil)) != name:
		return fmt.Errorf("object %s: %w: its bytes do not match its name", o.Path, ErrIncomplete)
	case verdict == nil:
		return fmt.Errorf("object %s: %w: it changed while it was read", o.Path, ErrIncomplete)
	}
	return fmt.Errorf("object %s: %w", o.Path, verdict)
}

// errReader remembers the first error other than io.EOF its reader gave.
type errReader struct {
	r   io.Reader
	err error
}

func (e *errReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	if err != nil && err != io.EOF && e.err == nil {
		e.err = err
	}
	return n, err
}

// keptWriter remembers the first error of the store's writer, so that it
// is returned as it is and not taken for a fault of the folder's file.
type keptWriter struct {
	w   *bufio.Writer
	err error
}

func (k *keptWriter) Write(p []byte) (int, error) {
	if k.err != nil {
		return 0, k.err
	}
	n, err := k.w.Write(p)
	k.err = err
	return n, err
}

// openFile opens the folder file name, through the folder's Opener when it
// has one.
func (f *Folder) openFile(name string) (io.ReadCloser, error) {
	if op, ok := f.fs.(Opener); ok {
		return op.Open(name)
	}
	b, err := f.fs.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return io.NopCloser(bytes.NewReader(b)), nil
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
