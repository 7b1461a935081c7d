package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"testing"

	"github.com/kansa-audit/kansa/internal/vault"
)

// The tests' stand-in for a sync folder's format: "XOR1", then the
// content XORed with 0x5a. (The real one, age, is exercised by the
// workspace's sync tests.)
const testMagic = "XOR1"

func xorred(p []byte) []byte {
	out := make([]byte, len(p))
	for i, b := range p {
		out[i] = b ^ 0x5a
	}
	return out
}

type xorReader struct{ r io.Reader }

func (x xorReader) Read(p []byte) (int, error) {
	n, err := x.r.Read(p)
	copy(p, xorred(p[:n]))
	return n, err
}

func foreignStore(t testing.TB, dir string) *Store {
	s := New(dir, bytes.Repeat([]byte{7}, 32), nil)
	s.SetForeign(testMagic, func(r io.Reader) (io.Reader, error) {
		var m [4]byte
		if _, err := io.ReadFull(r, m[:]); err != nil || string(m[:]) != testMagic {
			return nil, fmt.Errorf("%w: not the test format", vault.ErrDamaged)
		}
		return xorReader{r}, nil
	})
	return s
}

func refOf(data []byte) Ref {
	sum := sha256.Sum256(data)
	return Ref{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(data))}
}

// fillWith writes data in the test's foreign format, in pieces.
func fillWith(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		if _, err := w.Write([]byte(testMagic)); err != nil {
			return err
		}
		x := xorred(data)
		for len(x) > 0 {
			k := min(len(x), 1<<20)
			if _, err := w.Write(x[:k]); err != nil {
				return err
			}
			x = x[k:]
		}
		return nil
	}
}

func TestPutSealedRoundTrip(t *testing.T) {
	s := foreignStore(t, t.TempDir())
	im := s.Importer()
	for _, n := range []int{0, 1, 65535, 65536, 65537, 3<<20 + 7, 9 << 20} {
		data := content(n, uint64(n)+100)
		ref, err := im.PutSealed(context.Background(), refOf(data), fillWith(data))
		if err != nil {
			t.Fatalf("PutSealed(%d bytes): %v", n, err)
		}
		if ref.Size != int64(n) || ref.Name != s.NameFor(ref.SHA256) {
			t.Fatalf("PutSealed(%d bytes) = %+v", n, ref)
		}
		raw, err := os.ReadFile(s.path(ref.Name))
		if err != nil || !bytes.Equal(raw, append([]byte(testMagic), xorred(data)...)) {
			t.Fatalf("%d bytes: the blob file is not the file as filled (%v)", n, err)
		}
		if err := s.Verify(ref); err != nil {
			t.Fatalf("Verify(%d bytes) = %v", n, err)
		}
		if got := readAll(t, s, ref); !bytes.Equal(got, data) {
			t.Fatalf("round trip of %d bytes differs", n)
		}
	}
	if err := im.Sync(); err != nil {
		t.Fatal(err)
	}
	if len(im.dirs) != 0 {
		t.Fatalf("Sync left %d directories to sync", len(im.dirs))
	}
	entries, _ := os.ReadDir(s.dir)
	for _, e := range entries {
		if !e.IsDir() {
			t.Fatalf("left behind %s", e.Name())
		}
	}
}

// Content that is not what the bundle said is found at the first read to
// the end, and by Verify; a store without a Foreign opener calls such a
// blob damaged instead of guessing.
func TestPutSealedMismatchFoundOnRead(t *testing.T) {
	dir := t.TempDir()
	s := foreignStore(t, dir)
	said, got := content(100_000, 1), content(100_000, 2)
	ref, err := s.Importer().PutSealed(context.Background(), refOf(said), fillWith(got))
	if err != nil {
		t.Fatal(err)
	}
	rc, err := s.Open(ref)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(rc); !errors.Is(err, ErrMismatch) {
		t.Fatalf("reading content other than recorded: %v; want ErrMismatch", err)
	}
	rc.Close()
	if err := s.Verify(ref); !errors.Is(err, ErrMismatch) {
		t.Fatalf("Verify = %v; want ErrMismatch", err)
	}
	plain := New(dir, bytes.Repeat([]byte{7}, 32), nil)
	if _, err := plain.Open(ref); !errors.Is(err, vault.ErrDamaged) {
		t.Fatalf("Open without a Foreign opener = %v; want ErrDamaged", err)
	}
}

// A blob whose first bytes are neither format's is damaged; it is not
// handed to the Foreign opener (whose message would blame the folder).
func TestOpenUnknownFormatIsDamaged(t *testing.T) {
	s := foreignStore(t, t.TempDir())
	called := false
	open := s.foreign
	s.SetForeign(testMagic, func(r io.Reader) (io.Reader, error) { called = true; return open(r) })
	data := content(70_000, 3)
	ref, err := s.Put(context.Background(), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(s.path(ref.Name))
	b[0] ^= 0xff // the magic
	os.WriteFile(s.path(ref.Name), b, 0o600)
	if _, err := s.Open(ref); !errors.Is(err, vault.ErrDamaged) || called {
		t.Fatalf("Open(damaged magic) = %v (foreign opener called: %v); want ErrDamaged from the store", err, called)
	}
}

func TestPutSealedConcurrent(t *testing.T) {
	s := foreignStore(t, t.TempDir())
	im := s.Importer()
	var wg sync.WaitGroup
	refs := make([]Ref, 16)
	errs := make([]error, 16)
	for i := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data := content(100_000+i, uint64(i))
			refs[i], errs[i] = im.PutSealed(context.Background(), refOf(data), fillWith(data))
		}()
	}
	wg.Wait()
	if err := im.Sync(); err != nil {
		t.Fatal(err)
	}
	for i, ref := range refs {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		if err := s.Verify(ref); err != nil {
			t.Fatal(err)
		}
	}
}

// A blob already stored intact is kept; a damaged one is replaced.
func TestPutSealedExistingBlob(t *testing.T) {
	s := foreignStore(t, t.TempDir())
	data := content(200_000, 11)
	ref, err := s.Put(context.Background(), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	p := s.path(ref.Name)
	before, _ := os.ReadFile(p)
	im := s.Importer()
	if got, err := im.PutSealed(context.Background(), refOf(data), fillWith(data)); err != nil || got != ref {
		t.Fatalf("PutSealed(stored) = %+v, %v", got, err)
	}
	if after, _ := os.ReadFile(p); !bytes.Equal(before, after) {
		t.Fatal("an intact stored blob was replaced")
	}
	os.Truncate(p, int64(len(before))-100)
	if _, err := im.PutSealed(context.Background(), refOf(data), fillWith(data)); err != nil {
		t.Fatal(err)
	}
	if err := im.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(ref); err != nil {
		t.Fatalf("a damaged stored blob was not repaired: %v", err)
	}
}

// A failing fill or a cancelled context leaves nothing behind, not even
// under a name: the caller records nothing, and nothing partial is there.
func TestPutSealedFailureLeavesNothing(t *testing.T) {
	s := foreignStore(t, t.TempDir())
	im := s.Importer()
	data := content(300_000, 12)
	boom := errors.New("object: its bytes do not match its name")
	if _, err := im.PutSealed(context.Background(), refOf(data), func(w io.Writer) error {
		fillWith(data)(w)
		return boom
	}); !errors.Is(err, boom) {
		t.Fatalf("PutSealed(failing fill) = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := im.PutSealed(ctx, refOf(data), fillWith(data)); !errors.Is(err, context.Canceled) {
		t.Fatalf("PutSealed(cancelled) = %v", err)
	}
	if names, _ := s.List(); len(names) != 0 {
		t.Fatalf("failed imports left blobs %v", names)
	}
	entries, _ := os.ReadDir(s.dir)
	if len(entries) != 0 {
		t.Fatalf("failed imports left %d files", len(entries))
	}
}

func BenchmarkPutSealed5MiB(b *testing.B) {
	s := foreignStore(b, b.TempDir())
	im := s.Importer()
	data := content(5<<20, 6)
	b.SetBytes(int64(len(data)))
	i := 0
	for b.Loop() {
		i++
		copy(data, fmt.Sprint(i)) // new content each time
		if _, err := im.PutSealed(context.Background(), refOf(data), fillWith(data)); err != nil {
			b.Fatal(err)
		}
	}
	if err := im.Sync(); err != nil {
		b.Fatal(err)
	}
}
