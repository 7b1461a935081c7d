package vault

import (
	"encoding/hex"
	"testing"
)

// countingReader is a deterministic stand-in for crypto/rand.Reader: it
// yields next, next+1, next+2, ... (mod 256). It is not safe for concurrent
// use, which lets the race detector check that callers serialise access.
type countingReader struct{ next byte }

func (r *countingReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = r.next
		r.next++
	}
	return len(p), nil
}

// testKey is the fixed 32-byte key used across tests: 0x80, 0x81, ..., 0x9f.
func testKey() []byte {
	k := make([]byte, KeySize)
	for i := range k {
		k[i] = 0x80 + byte(i)
	}
	return k
}

// otherKey differs from testKey in every byte.
func otherKey() []byte {
	k := testKey()
	for i := range k {
		k[i] ^= 0xff
	}
	return k
}

// pattern returns n bytes of a non-repeating-looking deterministic pattern.
func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte((i*7 + i/251) % 256)
	}
	return b
}

// flipBit returns a copy of b with bit (0..7) of byte i inverted.
func flipBit(b []byte, i int, bit uint) []byte {
	c := append([]byte(nil), b...)
	c[i] ^= 1 << bit
	return c
}

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// tinyKDF keeps Argon2id cheap in tests.
var tinyKDF = KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}
