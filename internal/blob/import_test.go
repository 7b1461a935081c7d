package blob

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"testing"
)

func TestImporterRoundTripAndSealedSize(t *testing.T) {
	s := newStore(t)
	im := s.Importer()
	for _, n := range []int{0, 1, 65535, 65536, 65537, 3<<20 + 7, 9 << 20} {
		data := content(n, uint64(n)+100)
		ref, err := im.Put(context.Background(), bytes.NewReader(data))
		if err != nil {
			t.Fatalf("Put(%d bytes): %v", n, err)
		}
		if ref.Size != int64(n) || ref.Name != s.NameFor(ref.SHA256) {
			t.Fatalf("Put(%d bytes) = %+v", n, ref)
		}
		fi, err := os.Stat(s.path(ref.Name))
		if err != nil || fi.Size() != SealedSize(int64(n)) {
			t.Fatalf("%d bytes sealed into %v bytes; SealedSize says %d (%v)", n, statSize(fi), SealedSize(int64(n)), err)
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

func TestImporterConcurrent(t *testing.T) {
	s := newStore(t)
	im := s.Importer()
	var wg sync.WaitGroup
	refs := make([]Ref, 16)
	errs := make([]error, 16)
	for i := range refs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			refs[i], errs[i] = im.Put(context.Background(), bytes.NewReader(content(100_000+i, uint64(i))))
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
func TestImporterExistingBlob(t *testing.T) {
	s := newStore(t)
	data := content(200_000, 11)
	ref, err := s.Put(context.Background(), bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	p := s.path(ref.Name)
	before, _ := os.ReadFile(p)
	im := s.Importer()
	if got, err := im.Put(context.Background(), bytes.NewReader(data)); err != nil || got != ref {
		t.Fatalf("Put(stored) = %+v, %v", got, err)
	}
	if after, _ := os.ReadFile(p); !bytes.Equal(before, after) {
		t.Fatal("an intact stored blob was replaced")
	}
	os.Truncate(p, int64(len(before))-100)
	if _, err := im.Put(context.Background(), bytes.NewReader(data)); err != nil {
		t.Fatal(err)
	}
	if err := im.Sync(); err != nil {
		t.Fatal(err)
	}
	if err := s.Verify(ref); err != nil {
		t.Fatalf("a damaged stored blob was not repaired: %v", err)
	}
}

// A failing or cancelled source leaves nothing behind, not even under a
// name: the caller records nothing, and nothing partial is there.
func TestImporterFailureLeavesNothing(t *testing.T) {
	s := newStore(t)
	im := s.Importer()
	boom := errors.New("age: chunk failed authentication")
	src := io.MultiReader(bytes.NewReader(content(300_000, 12)), iotestErr{boom})
	if _, err := im.Put(context.Background(), src); !errors.Is(err, boom) {
		t.Fatalf("Put(failing source) = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := im.Put(ctx, bytes.NewReader(content(1<<20, 13))); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put(cancelled) = %v", err)
	}
	if names, _ := s.List(); len(names) != 0 {
		t.Fatalf("failed Puts left blobs %v", names)
	}
	entries, _ := os.ReadDir(s.dir)
	if len(entries) != 0 {
		t.Fatalf("failed Puts left %d files", len(entries))
	}
}

type iotestErr struct{ err error }

func (e iotestErr) Read([]byte) (int, error) { return 0, e.err }

func BenchmarkImporterPut5MiB(b *testing.B) {
	s := New(b.TempDir(), bytes.Repeat([]byte{7}, 32), nil)
	im := s.Importer()
	data := content(5<<20, 6)
	b.SetBytes(int64(len(data)))
	i := 0
	for b.Loop() {
		i++
		copy(data, fmt.Sprint(i)) // new content each time
		if _, err := im.Put(context.Background(), bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
	if err := im.Sync(); err != nil {
		b.Fatal(err)
	}
}
