package vault

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	mathrand "math/rand/v2"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
)

func newTestSealer(t testing.TB, key []byte) *Sealer {
	t.Helper()
	s, err := NewSealer(key, &countingReader{})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestNewSealerKeySize(t *testing.T) {
	for _, n := range []int{0, 16, 31, 33, 64} {
		if _, err := NewSealer(make([]byte, n), nil); err == nil {
			t.Errorf("key of %d bytes accepted", n)
		}
	}
}

func TestSealRoundTrip(t *testing.T) {
	s := newTestSealer(t, testKey())
	tests := []struct {
		name      string
		plaintext []byte
		aad       []byte
	}{
		{"empty, no aad", nil, nil},
		{"empty plaintext, aad", []byte{}, []byte("record/1")},
		{"one byte", []byte{0}, nil},
		{"text", []byte("finding: door left open"), []byte("audit/7/item/3")},
		{"256 B", pattern(256), []byte("x")},
		{"large aad", []byte("v"), pattern(10000)},
		{"64 KiB", pattern(64 * 1024), []byte("blob")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sealed := s.Seal(tt.plaintext, tt.aad)
			if len(sealed) != len(tt.plaintext)+SealOverhead {
				t.Fatalf("len = %d, want %d", len(sealed), len(tt.plaintext)+SealOverhead)
			}
			if sealed[0] != 1 {
				t.Errorf("version byte = %d, want 1", sealed[0])
			}
			got, err := s.Open(sealed, tt.aad)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.plaintext) {
				t.Errorf("Open = %x, want %x", got, tt.plaintext)
			}
		})
	}
}

func TestSealFreshNonces(t *testing.T) {
	s, err := NewSealer(testKey(), nil) // crypto/rand
	if err != nil {
		t.Fatal(err)
	}
	a := s.Seal([]byte("same"), nil)
	b := s.Seal([]byte("same"), nil)
	if bytes.Equal(a, b) {
		t.Error("sealing the same value twice gave identical output")
	}
}

func TestSealTamper(t *testing.T) {
	s := newTestSealer(t, testKey())
	plaintext, aad := []byte("rating: 3 of 5"), []byte("result/9")
	sealed := s.Seal(plaintext, aad)

	regions := []struct {
		name       string
		start, end int
	}{
		{"version", 0, 1},
		{"nonce", 1, 25},
		{"ciphertext", 25, len(sealed) - 16},
		{"tag", len(sealed) - 16, len(sealed)},
	}
	for _, reg := range regions {
		t.Run("flip "+reg.name, func(t *testing.T) {
			for i := reg.start; i < reg.end; i++ {
				for bit := uint(0); bit < 8; bit++ {
					got, err := s.Open(flipBit(sealed, i, bit), aad)
					if !errors.Is(err, ErrDamaged) {
						t.Fatalf("byte %d bit %d: Open = %q, %v; want ErrDamaged", i, bit, got, err)
					}
				}
			}
		})
	}

	t.Run("truncated", func(t *testing.T) {
		for n := 0; n < len(sealed); n++ {
			if _, err := s.Open(sealed[:n], aad); !errors.Is(err, ErrDamaged) {
				t.Fatalf("length %d: err = %v, want ErrDamaged", n, err)
			}
		}
	})

	other := newTestSealer(t, otherKey())
	cases := []struct {
		name   string
		s      *Sealer
		sealed []byte
		aad    []byte
	}{
		{"appended byte", s, append(append([]byte(nil), sealed...), 0), aad},
		{"wrong aad", s, sealed, []byte("result/8")},
		{"missing aad", s, sealed, nil},
		{"wrong key", other, sealed, aad},
		{"version 2", s, append([]byte{2}, sealed[1:]...), aad},
		{"nil", s, nil, aad},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.s.Open(tc.sealed, tc.aad); !errors.Is(err, ErrDamaged) {
				t.Errorf("err = %v, want ErrDamaged", err)
			}
		})
	}

	// aad boundaries are unambiguous: the version byte is prepended, so
	// moving a byte between version and aad cannot help.
	t.Run("aad shift", func(t *testing.T) {
		sealed := s.Seal([]byte("x"), []byte{1, 2})
		if _, err := s.Open(sealed, []byte{2}); !errors.Is(err, ErrDamaged) {
			t.Errorf("err = %v, want ErrDamaged", err)
		}
	})
}

func TestSealErrorMessage(t *testing.T) {
	s := newTestSealer(t, testKey())
	_, err := s.Open([]byte("short"), nil)
	if err == nil || !strings.Contains(err.Error(), "damaged or tampered data") {
		t.Errorf("err = %v, want a message mentioning damage", err)
	}
}

func TestSealConcurrent(t *testing.T) {
	// A ChaCha8 generator is deterministic and not safe for concurrent use;
	// the race detector checks that Sealer serialises access to it.
	s, err := NewSealer(testKey(), mathrand.NewChaCha8([32]byte{1}))
	if err != nil {
		t.Fatal(err)
	}
	const goroutines, each = 8, 200
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		nonces = make(map[string]bool)
	)
	errs := make(chan error, goroutines)
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				msg := fmt.Appendf(nil, "goroutine %d value %d", g, i)
				aad := []byte{byte(g)}
				sealed := s.Seal(msg, aad)
				got, err := s.Open(sealed, aad)
				if err != nil || !bytes.Equal(got, msg) {
					errs <- fmt.Errorf("round trip %q: %q, %v", msg, got, err)
					return
				}
				mu.Lock()
				nonces[string(sealed[1:25])] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if len(nonces) != goroutines*each {
		t.Errorf("%d distinct nonces for %d seals", len(nonces), goroutines*each)
	}
}

func TestSealPanicsWithoutRandomness(t *testing.T) {
	s, err := NewSealer(testKey(), iotest.ErrReader(errors.New("no entropy")))
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if recover() == nil {
			t.Error("Seal did not panic when the random reader failed")
		}
	}()
	s.Seal([]byte("x"), nil)
}

func TestSealRealRandomOpensWithFreshSealer(t *testing.T) {
	// A sealed value does not depend on the Sealer instance or its reader.
	a, err := NewSealer(testKey(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	b := newTestSealer(t, testKey())
	got, err := b.Open(a.Seal([]byte("portable"), []byte("k")), []byte("k"))
	if err != nil || string(got) != "portable" {
		t.Errorf("Open = %q, %v", got, err)
	}
}
