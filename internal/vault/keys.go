package vault

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"golang.org/x/crypto/hkdf"
)

// KeySize is the size in bytes of data keys and derived subkeys.
const KeySize = 32

// randOrDefault returns r, or crypto/rand.Reader when r is nil.
func randOrDefault(r io.Reader) io.Reader {
	if r == nil {
		return rand.Reader
	}
	return r
}

// NewDataKey returns KeySize random bytes read from r (crypto/rand.Reader
// when r is nil).
func NewDataKey(r io.Reader) ([]byte, error) {
	key := make([]byte, KeySize)
	if _, err := io.ReadFull(randOrDefault(r), key); err != nil {
		return nil, fmt.Errorf("vault: read random data key: %w", err)
	}
	return key, nil
}

// DeriveKey derives a KeySize-byte subkey for one purpose from dataKey with
// HKDF-SHA256, using no salt and purpose as the info string. Different
// purposes give independent keys; the same inputs always give the same key.
func DeriveKey(dataKey []byte, purpose string) []byte {
	out := make([]byte, KeySize)
	// HKDF-SHA256 can produce up to 255*32 bytes; reading 32 cannot fail.
	if _, err := io.ReadFull(hkdf.New(sha256.New, dataKey, nil, []byte(purpose)), out); err != nil {
		panic("vault: hkdf: " + err.Error())
	}
	return out
}

// KeyedHash returns the lowercase hex HMAC-SHA256 of data under key. It names
// blobs by content without revealing the content to anyone without the key.
func KeyedHash(key, data []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return hex.EncodeToString(m.Sum(nil))
}
