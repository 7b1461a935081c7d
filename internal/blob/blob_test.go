package blob

import (
	"bytes"
	"context"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kansa-audit/kansa/internal/vault"
)

func newStore(t *testing.T) *Store {
	t.Helper()
	return New(t.TempDir(), bytes.Repeat([]byte{7}, 32), nil)
}

func content(n int, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.IntN(256))
	}
	return b
}

func readAll(t *testing.T, s *Store, ref Ref) []byte {
	t.Helper()
	rc, err := s.Open(ref)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPutOpenRoundTrip(t *testing.T) {
	s := newStore(t)
	for _, n := range []int{0, 1, 65535, 65536, 65537, 1 << 20} {
		data := content(n, uint64(n))
		ref, err := s.Put(context.Background(), bytes.NewReader(data))
		if err != nil {
			t.Fatalf("Put(%d bytes): %v", n, err)
		}
		if ref.Size != int64(n) || len(ref.SHA256) != 64 || ref.Name != s.NameFor(ref.SHA256) {
			t.Fatalf("Put(%d bytes) = %+v", n, ref)
		}
		if got := readAll(t, s, ref); !bytes.Equal(got, data) {
			t.Fatalf("round trip of %d bytes differs", n)
		}
	}
}

func TestNamesRevealNothingAndDeduplicate(t *testing.T) {
	s := newStore(t)
	data := content(5000, 1)
	a, _ := s.Put(context.Background(), bytes.NewReader(data))
	b, _ := s.Put(context.Background(), bytes.NewReader(data))
	if a != b {
		t.Fatalf("same content stored twice under %s and %s", a.Name, b.Name)
	}
	if a.Name == a.SHA256 || strings.Contains(a.Name, a.SHA256[:16]) {
		t.Fatal("blob name reveals the content hash")
	}
	other := New(t.TempDir(), bytes.Repeat([]byte{8}, 32), nil)
	if other.NameFor(a.SHA256) == a.Name {
		t.Fatal("blob names do not depend on the store's key")
	}
	names, _ := s.List()
	if len(names) != 1 {
		t.Fatalf("List = %v; want one blob", names)
	}
	// The sealed file holds no 32-byte run of the plaintext.
	raw, _ := os.ReadFile(s.path(a.Name))
	for i := 0; i+32 <= len(data); i += 32 {
		if bytes.Contains(raw, data[i:i+32]) {
			t.Fatal("plaintext found in the sealed blob")
		}
	}
}

func TestVerifyDetectsDamage(t *testing.T) {
	data := content(200_000, 3)
	tests := []struct {
		name   string
		damage func(path string, ref *Ref)
		want   error
	}{
		{"bit flip", func(p string, _ *Ref) {
			b, _ := os.ReadFile(p)
			b[len(b)/2] ^= 1
			os.WriteFile(p, b, 0o600)
		}, vault.ErrDamaged},
		{"truncated", func(p string, _ *Ref) {
			fi, _ := os.Stat(p)
			os.Truncate(p, fi.Size()-10)
		}, vault.ErrDamaged},
		{"missing", func(p string, _ *Ref) { os.Remove(p) }, ErrMissing},
		{"wrong recorded hash", func(_ string, r *Ref) {
			r.SHA256 = strings.Repeat("0", 64)
		}, ErrMismatch},
		{"swapped with another blob", func(p string, r *Ref) {
			// Another valid blob of this store put in this one's place.
			s := New(filepath.Dir(filepath.Dir(filepath.Dir(p))), bytes.Repeat([]byte{7}, 32), nil)
			o, _ := s.Put(context.Background(), bytes.NewReader(content(1000, 9)))
			b, _ := os.ReadFile(s.path(o.Name))
			os.WriteFile(p, b, 0o600)
		}, ErrMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newStore(t)
			ref, err := s.Put(context.Background(), bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Verify(ref); err != nil {
				t.Fatalf("Verify(intact) = %v", err)
			}
			tt.damage(s.path(ref.Name), &ref)
			if err := s.Verify(ref); !errors.Is(err, tt.want) {
				t.Fatalf("Verify = %v; want %v", err, tt.want)
			}
		})
	}
}

func TestPutCancelledLeavesNothing(t *testing.T) {
	s := newStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Put(ctx, bytes.NewReader(content(1<<20, 4))); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put(cancelled) = %v", err)
	}
	entries, _ := os.ReadDir(s.dir)
	if len(entries) != 0 {
		t.Fatalf("cancelled Put left %d files", len(entries))
	}
}

func BenchmarkPut1MiB(b *testing.B) {
	s := New(b.TempDir(), bytes.Repeat([]byte{7}, 32), nil)
	data := content(1<<20, 5)
	b.SetBytes(int64(len(data)))
	i := 0
	for b.Loop() {
		i++
		data[0] = byte(i) // new content each time, no dedup shortcut
		data[1] = byte(i >> 8)
		if _, err := s.Put(context.Background(), bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
