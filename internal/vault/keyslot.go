package vault

import (
	"bytes"
	"crypto/cipher"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// KeyslotVersion is the keyslot format version this package writes and reads.
const KeyslotVersion = 1

const (
	// SaltSize is the size in bytes of a keyslot's Argon2id salt.
	SaltSize = 16

	// wrappedSize is nonce || encrypted data key || tag.
	wrappedSize = chacha20poly1305.NonceSizeX + KeySize + chacha20poly1305.Overhead

	// maxKeyslotSize bounds the JSON ParseKeyslot accepts; a real keyslot
	// is about 250 bytes.
	maxKeyslotSize = 4096

	// keyslotDomain separates keyslot checksums and associated data from
	// any other use of the same hash or cipher.
	keyslotDomain = "kansa/vault/keyslot"
)

// Limits on Argon2id parameters. A keyslot asking for more is refused, so a
// hostile file cannot make Kansa allocate or compute without bound.
const (
	MaxKDFTime      = 20
	MaxKDFMemoryKiB = 4 * 1024 * 1024 // 4 GiB
)

// KDFParams are Argon2id parameters. They are stored alongside the wrapped
// key so they can change later.
type KDFParams struct {
	Time      uint32 `json:"t"`
	MemoryKiB uint32 `json:"m"`
	Threads   uint8  `json:"p"`
}

// DefaultKDF returns the Argon2id parameters for new keyslots: 1 pass over
// 64 MiB with 4 lanes, about 40 ms on a two-core machine. Memory is what
// makes guessing expensive, and 64 MiB at t=1 is above the usual minimum
// (46 MiB at t=1) while keeping unlock instant on a modest laptop. The
// parameters are stored in each keyslot, so they can be raised later.
func DefaultKDF() KDFParams {
	return KDFParams{Time: 1, MemoryKiB: 64 * 1024, Threads: 4}
}

// Validate reports whether p is within the limits this package accepts:
// 1 <= Time <= MaxKDFTime, Threads >= 1, and
// 8*Threads <= MemoryKiB <= MaxKDFMemoryKiB (Argon2 needs 8 KiB per lane).
func (p KDFParams) Validate() error {
	switch {
	case p.Time < 1:
		return errors.New("kdf time must be at least 1")
	case p.Time > MaxKDFTime:
		return fmt.Errorf("kdf time %d exceeds %d", p.Time, MaxKDFTime)
	case p.Threads < 1:
		return errors.New("kdf threads must be at least 1")
	case p.MemoryKiB > MaxKDFMemoryKiB:
		return fmt.Errorf("kdf memory %d KiB exceeds %d KiB", p.MemoryKiB, MaxKDFMemoryKiB)
	case p.MemoryKiB < 8*uint32(p.Threads):
		return fmt.Errorf("kdf memory %d KiB is below 8 KiB for each of %d threads", p.MemoryKiB, p.Threads)
	}
	return nil
}

// Keyslot wraps a data key under a key derived from a passphrase with
// Argon2id. It is stored as JSON (Marshal, ParseKeyslot).
//
// Checksum is SHA-256 over the other fields. It detects accidental damage,
// not forgery: anyone can recompute it. A forged keyslot still cannot reveal
// the data key, and because the version, parameters and salt are also bound
// to the wrapped key as associated data, an attacker who edits them and fixes
// the checksum only produces a keyslot that no passphrase opens.
type Keyslot struct {
	Version  int       `json:"v"`
	KDF      KDFParams `json:"kdf"`
	Salt     []byte    `json:"salt"`    // SaltSize bytes
	Wrapped  []byte    `json:"wrapped"` // nonce (24) || encrypted data key (32) || tag (16)
	Checksum []byte    `json:"sum"`     // SHA-256, see Keyslot
}

// NewKeyslot wraps dataKey (KeySize bytes) under passphrase with Argon2id
// parameters p. The salt and nonce are read from r (crypto/rand.Reader when
// r is nil), salt first.
func NewKeyslot(passphrase []byte, dataKey []byte, p KDFParams, r io.Reader) (*Keyslot, error) {
	if len(dataKey) != KeySize {
		return nil, fmt.Errorf("vault: data key is %d bytes, want %d", len(dataKey), KeySize)
	}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("vault: invalid kdf params: %w", err)
	}
	r = randOrDefault(r)
	k := &Keyslot{
		Version: KeyslotVersion,
		KDF:     p,
		Salt:    make([]byte, SaltSize),
	}
	if _, err := io.ReadFull(r, k.Salt); err != nil {
		return nil, fmt.Errorf("vault: read random salt: %w", err)
	}
	nonce := make([]byte, chacha20poly1305.NonceSizeX, wrappedSize)
	if _, err := io.ReadFull(r, nonce); err != nil {
		return nil, fmt.Errorf("vault: read random nonce: %w", err)
	}
	aead, err := k.kek(passphrase)
	if err != nil {
		return nil, err
	}
	k.Wrapped = aead.Seal(nonce, nonce, dataKey, k.header())
	k.Checksum = k.sum()
	return k, nil
}

// Unwrap returns the data key.
//
// If the keyslot is malformed or its checksum does not match its contents,
// the error wraps ErrDamaged and no key derivation is attempted. If the
// keyslot is intact but does not open with passphrase, the error is
// ErrWrongPassphrase. A bit flip in a keyslot is therefore reported as
// damage, never as a wrong passphrase.
func (k *Keyslot) Unwrap(passphrase []byte) ([]byte, error) {
	if err := k.check(); err != nil {
		return nil, err
	}
	aead, err := k.kek(passphrase)
	if err != nil {
		return nil, err
	}
	nonce := k.Wrapped[:chacha20poly1305.NonceSizeX]
	key, err := aead.Open(nil, nonce, k.Wrapped[len(nonce):], k.header())
	if err != nil {
		return nil, ErrWrongPassphrase
	}
	return key, nil
}

// Rewrap changes the passphrase: it unwraps the data key with oldPassphrase
// and returns a new keyslot wrapping the same key under newPassphrase with
// parameters p and a fresh salt and nonce from r. The data key, and so
// everything sealed under it, stays the same. k itself is not modified; the
// caller replaces the stored keyslot with the result. Errors from unwrapping
// are as for Unwrap.
func (k *Keyslot) Rewrap(oldPassphrase, newPassphrase []byte, p KDFParams, r io.Reader) (*Keyslot, error) {
	key, err := k.Unwrap(oldPassphrase)
	if err != nil {
		return nil, err
	}
	defer clear(key)
	return NewKeyslot(newPassphrase, key, p, r)
}

// Marshal returns the keyslot as JSON.
func (k *Keyslot) Marshal() ([]byte, error) {
	b, err := json.Marshal(k)
	if err != nil {
		return nil, fmt.Errorf("vault: marshal keyslot: %w", err)
	}
	return b, nil
}

// ParseKeyslot parses a keyslot written by Marshal and checks its version,
// sizes, Argon2id parameters (see KDFParams.Validate) and checksum. Any
// failure wraps ErrDamaged, including a keyslot from a newer version of
// Kansa. It does not need the passphrase.
func ParseKeyslot(b []byte) (*Keyslot, error) {
	if len(b) > maxKeyslotSize {
		return nil, damaged("keyslot is %d bytes, more than the %d allowed", len(b), maxKeyslotSize)
	}
	// Look at the version first, so a newer format with new fields gets a
	// clear message instead of "unknown field".
	var probe struct {
		Version int `json:"v"`
	}
	if err := json.Unmarshal(b, &probe); err != nil {
		return nil, damaged("keyslot is not valid json (%v)", err)
	}
	if probe.Version > KeyslotVersion {
		return nil, damaged("keyslot version %d is newer than this Kansa", probe.Version)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	k := new(Keyslot)
	if err := dec.Decode(k); err != nil {
		return nil, damaged("keyslot is not valid (%v)", err)
	}
	if err := k.check(); err != nil {
		return nil, err
	}
	return k, nil
}

// check verifies version, parameters, sizes and checksum.
func (k *Keyslot) check() error {
	if k == nil {
		return damaged("missing keyslot")
	}
	switch {
	case k.Version > KeyslotVersion:
		return damaged("keyslot version %d is newer than this Kansa", k.Version)
	case k.Version != KeyslotVersion:
		return damaged("unsupported keyslot version %d", k.Version)
	}
	if err := k.KDF.Validate(); err != nil {
		return damaged("keyslot has unacceptable kdf params (%v)", err)
	}
	switch {
	case len(k.Salt) != SaltSize:
		return damaged("keyslot salt is %d bytes, want %d", len(k.Salt), SaltSize)
	case len(k.Wrapped) != wrappedSize:
		return damaged("keyslot wrapped key is %d bytes, want %d", len(k.Wrapped), wrappedSize)
	case len(k.Checksum) != sha256.Size:
		return damaged("keyslot checksum is %d bytes, want %d", len(k.Checksum), sha256.Size)
	}
	if !bytes.Equal(k.sum(), k.Checksum) {
		return damaged("keyslot checksum mismatch")
	}
	return nil
}

// header is the canonical encoding of version, KDF parameters and salt. It
// is the associated data of the wrapped key and the start of the checksum
// input.
func (k *Keyslot) header() []byte {
	b := make([]byte, 0, len(keyslotDomain)+4+4+4+1+2+len(k.Salt))
	b = append(b, keyslotDomain...)
	b = binary.BigEndian.AppendUint32(b, uint32(k.Version))
	b = binary.BigEndian.AppendUint32(b, k.KDF.Time)
	b = binary.BigEndian.AppendUint32(b, k.KDF.MemoryKiB)
	b = append(b, k.KDF.Threads)
	b = binary.BigEndian.AppendUint16(b, uint16(len(k.Salt)))
	b = append(b, k.Salt...)
	return b
}

// sum is the checksum over header and wrapped key.
func (k *Keyslot) sum() []byte {
	h := sha256.New()
	h.Write(k.header())
	h.Write(binary.BigEndian.AppendUint16(nil, uint16(len(k.Wrapped))))
	h.Write(k.Wrapped)
	return h.Sum(nil)
}

// kek derives the key-encryption key from passphrase and returns its AEAD.
// The caller must have validated k.KDF.
func (k *Keyslot) kek(passphrase []byte) (cipher.AEAD, error) {
	key := argon2.IDKey(passphrase, k.Salt, k.KDF.Time, k.KDF.MemoryKiB, k.KDF.Threads, KeySize)
	defer clear(key)
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	return aead, nil
}
