package exchange

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"filippo.io/age"
)

// Errors callers distinguish with errors.Is.
var (
	// ErrNotFolder: no FORMAT file (not a sync folder, or not mounted).
	ErrNotFolder = errors.New("not a Kansa sync folder (no FORMAT file): is the share mounted?")
	// ErrNewerFormat: the folder was written by a newer Kansa.
	ErrNewerFormat = errors.New("the sync folder was written by a newer version of Kansa")
	// ErrExists: Init found a folder already.
	ErrExists = errors.New("a Kansa sync folder already exists here")
	// ErrNotMember: the folder holds no keys for this member (not added yet).
	ErrNotMember = errors.New("this member has not been added to the team yet")
	// ErrIncomplete: a file is missing, partial or does not match its name;
	// it may still arrive, so it is pending, not an error.
	ErrIncomplete = errors.New("not arrived completely yet")
	// ErrNoKey: the file is encrypted for a key epoch this member does not hold.
	ErrNoKey = errors.New("encrypted for a key this member does not hold")
	// ErrRejected: a complete file that fails verification (bad signature,
	// a signer the roster does not hold, another engagement, bad shape).
	ErrRejected = errors.New("rejected")
	// ErrBadRequest: a join request that does not parse or verify.
	ErrBadRequest = errors.New("invalid join request")
)

// Keys are a member's private keys: Ed25519 to sign, X25519 (age) to
// receive the engagement key.
type Keys struct {
	Sign ed25519.PrivateKey
	Box  *age.X25519Identity
}

// NewKeys makes fresh keys; r feeds Ed25519 (age draws from crypto/rand).
func NewKeys(r io.Reader) (Keys, error) {
	_, priv, err := ed25519.GenerateKey(r)
	if err != nil {
		return Keys{}, fmt.Errorf("new signing key: %w", err)
	}
	box, err := age.GenerateX25519Identity()
	if err != nil {
		return Keys{}, fmt.Errorf("new encryption key: %w", err)
	}
	return Keys{Sign: priv, Box: box}, nil
}

type keysJSON struct {
	Sign []byte `json:"sign"`
	Box  string `json:"box"`
}

// MarshalJSON stores the private keys (only ever inside a sealed store).
func (k Keys) MarshalJSON() ([]byte, error) {
	return json.Marshal(keysJSON{Sign: k.Sign, Box: k.Box.String()})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (k *Keys) UnmarshalJSON(b []byte) error {
	var j keysJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if len(j.Sign) != ed25519.PrivateKeySize {
		return fmt.Errorf("signing key has %d bytes", len(j.Sign))
	}
	box, err := age.ParseX25519Identity(j.Box)
	if err != nil {
		return fmt.Errorf("encryption key: %w", err)
	}
	k.Sign, k.Box = ed25519.PrivateKey(j.Sign), box
	return nil
}

// Member is one team member as the roster lists them: public keys only.
type Member struct {
	ID     string `json:"id"`     // member id (the store identity's Member)
	Device string `json:"device"` // the device whose op log the member publishes
	Name   string `json:"name"`
	Role   string `json:"role"`
	Sign   []byte `json:"sign"` // Ed25519 public key
	Box    string `json:"box"`  // age X25519 recipient
}

// Public returns the member record for these keys.
func (k Keys) Public(id, device, name, role string) Member {
	return Member{ID: id, Device: device, Name: name, Role: role,
		Sign: bytes.Clone(k.Sign.Public().(ed25519.PublicKey)), Box: k.Box.Recipient().String()}
}

// Validate checks a member record's shape.
func (m Member) Validate() error {
	if !validID(m.ID) || !validID(m.Device) || strings.TrimSpace(m.Name) == "" || m.Role == "" {
		return fmt.Errorf("member %q: id, device, name and role are required", m.Name)
	}
	if len(m.Sign) != ed25519.PublicKeySize {
		return fmt.Errorf("member %q: signing key has %d bytes", m.Name, len(m.Sign))
	}
	if _, err := age.ParseX25519Recipient(m.Box); err != nil {
		return fmt.Errorf("member %q: encryption key: %v", m.Name, err)
	}
	return nil
}

// validID accepts the opaque ids used in paths: 1 to 64 lowercase hex
// digits or letters, digits and '-'.
func validID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Fingerprint is what two people read aloud to compare keys: base32 of the
// SHA-256 of both public keys, the first 100 bits in groups of four.
func (m Member) Fingerprint() string {
	h := sha256.New()
	h.Write([]byte("kansa/fingerprint/v1\x00"))
	h.Write(m.Sign)
	h.Write([]byte(m.Box))
	s := base32.StdEncoding.EncodeToString(h.Sum(nil))[:20]
	var parts []string
	for i := 0; i < len(s); i += 4 {
		parts = append(parts, s[i:i+4])
	}
	return strings.Join(parts, "-")
}

// envelope is a signed JSON body. The signature covers a domain string and
// the body's exact bytes, so a signature for one kind of file never
// verifies another.
type envelope struct {
	Body json.RawMessage `json:"body"`
	Sig  []byte          `json:"sig"`
}

func signed(k ed25519.PrivateKey, domain string, v any) ([]byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return json.Marshal(envelope{Body: body, Sig: ed25519.Sign(k, append([]byte(domain+"\x00"), body...))})
}

// openSigned parses an envelope and returns its body; verify checks the
// signature with the key that the body itself (or the caller) names.
func openSigned(b []byte) (envelope, error) {
	var e envelope
	if err := json.Unmarshal(b, &e); err != nil || len(e.Body) == 0 {
		return envelope{}, fmt.Errorf("%w: not a signed record", ErrRejected)
	}
	return e, nil
}

func (e envelope) verify(pub []byte, domain string) bool {
	return len(pub) == ed25519.PublicKeySize &&
		ed25519.Verify(ed25519.PublicKey(pub), append([]byte(domain+"\x00"), e.Body...), e.Sig)
}

// JoinRequest is the small file a new member hands the chief: their public
// keys, self-signed to show they hold the private half.
func JoinRequest(k Keys, m Member) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	return signed(k.Sign, "kansa/join/v1", m)
}

// ParseJoinRequest verifies a join request and returns the member in it.
func ParseJoinRequest(b []byte) (Member, error) {
	e, err := openSigned(b)
	if err != nil {
		return Member{}, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	var m Member
	if err := json.Unmarshal(e.Body, &m); err != nil {
		return Member{}, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	if err := m.Validate(); err != nil {
		return Member{}, fmt.Errorf("%w: %v", ErrBadRequest, err)
	}
	if !e.verify(m.Sign, "kansa/join/v1") {
		return Member{}, fmt.Errorf("%w: the signature does not match the keys in it", ErrBadRequest)
	}
	return m, nil
}
