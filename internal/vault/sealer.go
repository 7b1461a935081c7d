package vault

import (
	"crypto/cipher"
	"fmt"
	"io"
	"sync"

	"golang.org/x/crypto/chacha20poly1305"
)

// sealVersion is the first byte of every sealed value.
const sealVersion = 1

// SealOverhead is how many bytes Seal adds to a plaintext: version byte,
// nonce and tag.
const SealOverhead = 1 + 24 + 16

const sealNonceSize = chacha20poly1305.NonceSizeX

// Sealer seals small values with XChaCha20-Poly1305 and a fresh random
// 24-byte nonce per value. The output is
//
//	version (1) || nonce (24) || ciphertext || tag (16)
//
// and the version byte is authenticated along with the caller's aad. A
// Sealer is safe for concurrent use.
type Sealer struct {
	aead cipher.AEAD

	mu   sync.Mutex // guards rand, which need not be safe for concurrent use
	rand io.Reader
}

// NewSealer returns a Sealer for key (KeySize bytes). Nonces are read from r
// (crypto/rand.Reader when r is nil).
func NewSealer(key []byte, r io.Reader) (*Sealer, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("vault: sealer key is %d bytes, want %d", len(key), KeySize)
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	return &Sealer{aead: aead, rand: randOrDefault(r)}, nil
}

// Seal encrypts and authenticates plaintext, binding it to aad, and returns
// a new slice of len(plaintext)+SealOverhead bytes.
//
// Seal panics if the random reader fails: sealing without a fresh nonce
// must never happen, and crypto/rand.Reader does not fail.
func (s *Sealer) Seal(plaintext, aad []byte) []byte {
	out := make([]byte, 1+sealNonceSize, SealOverhead+len(plaintext))
	out[0] = sealVersion
	nonce := out[1 : 1+sealNonceSize]
	s.mu.Lock()
	_, err := io.ReadFull(s.rand, nonce)
	s.mu.Unlock()
	if err != nil {
		panic("vault: read random nonce: " + err.Error())
	}
	return s.aead.Seal(out, nonce, plaintext, sealAAD(sealVersion, aad))
}

// Open authenticates and decrypts a value produced by Seal with the same
// key and aad. Any failure wraps ErrDamaged.
func (s *Sealer) Open(sealed, aad []byte) ([]byte, error) {
	if len(sealed) < SealOverhead {
		return nil, damaged("sealed value is %d bytes, shorter than the %d-byte minimum", len(sealed), SealOverhead)
	}
	if sealed[0] != sealVersion {
		return nil, damaged("unknown sealed value version %d", sealed[0])
	}
	nonce := sealed[1 : 1+sealNonceSize]
	pt, err := s.aead.Open(nil, nonce, sealed[1+sealNonceSize:], sealAAD(sealed[0], aad))
	if err != nil {
		return nil, damaged("sealed value failed authentication")
	}
	return pt, nil
}

// sealAAD is the associated data of a sealed value: version || caller aad.
func sealAAD(version byte, aad []byte) []byte {
	b := make([]byte, 0, 1+len(aad))
	b = append(b, version)
	return append(b, aad...)
}
