package exchange

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"regexp"

	"github.com/kansa-audit/kansa/internal/change"
)

// Bundle is one published run of a device's ops: sequences From..To with
// no gap, the writer's version vector when publishing, and the evidence
// objects its ops refer to (written before the bundle).
type Bundle struct {
	ID         string               `json:"-"` // SHA-256 of the file, its name
	Engagement string               `json:"engagement"`
	Member     string               `json:"member"`
	Device     string               `json:"device"`
	Roster     int                  `json:"roster"` // roster epoch the writer knew
	From       uint64               `json:"from"`
	To         uint64               `json:"to"`
	VV         change.VersionVector `json:"vv"`
	Objects    []Object             `json:"objects,omitempty"`
	Ops        []change.Op          `json:"ops"`
	// Clock is the writer's wall clock when it wrote the bundle (Unix ms;
	// 0 from older writers). It serves only to warn about a clock that
	// runs behind; it changes no merge.
	Clock int64 `json:"clock,omitempty"`
}

// Object names a published evidence object and the content it holds.
type Object struct {
	Path   string `json:"path"`   // m/<member>/o/<xx>/<sha256 of the file>
	SHA256 string `json:"sha256"` // hex SHA-256 of the plaintext
	Size   int64  `json:"size"`
}

var (
	bundleName = regexp.MustCompile(`^([0-9a-f]{64})\.bdl$`)
	objectPath = regexp.MustCompile(`^m/[a-z0-9-]{1,64}/o/([0-9a-f]{2})/([0-9a-f]{64})$`)
	hexSHA     = regexp.MustCompile(`^[0-9a-f]{64}$`)
)

func sum(b []byte) string { s := sha256.Sum256(b); return hex.EncodeToString(s[:]) }

// check verifies the bundle's shape: a gapless run of its own device's
// ops, written by its own member.
func (b *Bundle) check() error {
	if b.From < 1 || b.To < b.From || uint64(len(b.Ops)) != b.To-b.From+1 {
		return fmt.Errorf("%w: bundle range %d..%d holds %d ops", ErrRejected, b.From, b.To, len(b.Ops))
	}
	for i, op := range b.Ops {
		if op.ID.Device != b.Device || op.ID.Seq != b.From+uint64(i) {
			return fmt.Errorf("%w: op %s out of place in bundle %s:%d..%d", ErrRejected, op.ID, b.Device, b.From, b.To)
		}
		if op.Author != b.Member {
			return fmt.Errorf("%w: op %s names author %q, not the bundle's signer", ErrRejected, op.ID, op.Author)
		}
		if err := op.Validate(); err != nil {
			return fmt.Errorf("%w: %v", ErrRejected, err)
		}
	}
	for _, o := range b.Objects {
		if m := objectPath.FindStringSubmatch(o.Path); m == nil || m[1] != m[2][:2] || !hexSHA.MatchString(o.SHA256) || o.Size < 0 {
			return fmt.Errorf("%w: object %q", ErrRejected, o.Path)
		}
	}
	return nil
}

// PutObject encrypts plain for the engagement and writes it to the
// reader's object directory. Call it for every object before the bundle.
func (f *Folder) PutObject(t *Team, plain []byte) (Object, error) {
	o, ct, err := f.SealObject(t, plain)
	if err != nil {
		return Object{}, err
	}
	return o, f.WriteObject(o, ct)
}

// SealObject encrypts plain for the engagement and names it, without
// writing it: a caller can record the name first, so that after a crash
// it finds the file again instead of writing a second copy.
func (f *Folder) SealObject(t *Team, plain []byte) (Object, []byte, error) {
	rcp, err := t.recipient()
	if err != nil {
		return Object{}, nil, err
	}
	ct, err := encrypt(plain, rcp)
	if err != nil {
		return Object{}, nil, err
	}
	name := sum(ct)
	return Object{Path: "m/" + t.Me + "/o/" + name[:2] + "/" + name, SHA256: sum(plain), Size: int64(len(plain))}, ct, nil
}

// WriteObject writes a sealed object under its name and reads it back.
func (f *Folder) WriteObject(o Object, ct []byte) error {
	if m := objectPath.FindStringSubmatch(o.Path); m == nil || m[2] != sum(ct) {
		return fmt.Errorf("publish object %s: %w: not its name", o.Path, ErrRejected)
	}
	if err := f.writeVerified(o.Path, ct); err != nil {
		return fmt.Errorf("publish object: %w", err)
	}
	return nil
}

// HasObject reports whether the object's file is present and complete
// (its bytes match its name). It does not decrypt.
func (f *Folder) HasObject(o Object) bool {
	m := objectPath.FindStringSubmatch(o.Path)
	if m == nil {
		return false
	}
	ct, err := f.fs.ReadFile(o.Path)
	return err == nil && sum(ct) == m[2]
}

// PutBundle signs, encrypts and writes b as the reader's bundle, filling
// in its engagement, member, roster epoch and ID.
func (f *Folder) PutBundle(k Keys, t *Team, b *Bundle) error {
	me, ok := t.Roster.Find(t.Me)
	if !ok {
		return fmt.Errorf("publish: %w", ErrRemoved)
	}
	b.Engagement, b.Member, b.Roster = f.Engagement, t.Me, t.Roster.Epoch
	if b.Device != me.Device {
		return fmt.Errorf("publish: this store's device %s is not the one the roster gives %s", b.Device, me.Name)
	}
	if err := b.check(); err != nil {
		return fmt.Errorf("publish: %w", err)
	}
	plain, err := signed(k.Sign, "kansa/bundle/v1", b)
	if err != nil {
		return err
	}
	rcp, err := t.recipient()
	if err != nil {
		return err
	}
	ct, err := encrypt(plain, rcp)
	if err != nil {
		return err
	}
	b.ID = sum(ct)
	if err := f.writeVerified("m/"+t.Me+"/b/"+b.ID+".bdl", ct); err != nil {
		return fmt.Errorf("publish bundle: %w", err)
	}
	return nil
}

// ErrRemoved is returned when a removed member tries to publish.
var ErrRemoved = errors.New("this member is no longer on the team")

// ListBundles returns the ids of member's bundles present, and how many
// other files (debris) sit beside them.
func (f *Folder) ListBundles(member string) (ids []string, debris int, err error) {
	names, err := f.fs.List("m/" + member + "/b")
	if err != nil {
		return nil, 0, err
	}
	for _, n := range names {
		if m := bundleName.FindStringSubmatch(n); m != nil {
			ids = append(ids, m[1])
		} else {
			debris++
		}
	}
	return ids, debris, nil
}

// ReadBundle reads, checks, decrypts and verifies one bundle of member.
// Errors wrap ErrIncomplete (missing, partial or not matching its name:
// pending), ErrNoKey (a key epoch the reader does not hold) or ErrRejected
// (complete but failing verification).
func (f *Folder) ReadBundle(t *Team, member, id string) (*Bundle, error) {
	name := "m/" + member + "/b/" + id + ".bdl"
	ct, err := f.fs.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("bundle %s: %w", id, ErrIncomplete)
	}
	if err != nil {
		return nil, err
	}
	if sum(ct) != id {
		return nil, fmt.Errorf("bundle %s: %w: its %d bytes do not match its name (partial, damaged or renamed)", id, ErrIncomplete, len(ct))
	}
	plain, err := decrypt(ct, t.identities())
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", id, err)
	}
	env, err := openSigned(plain)
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", id, err)
	}
	b := &Bundle{ID: id}
	if err := json.Unmarshal(env.Body, b); err != nil {
		return nil, fmt.Errorf("bundle %s: %w: %v", id, ErrRejected, err)
	}
	if b.Engagement != f.Engagement {
		return nil, fmt.Errorf("bundle %s: %w: it belongs to engagement %s", id, ErrRejected, b.Engagement)
	}
	if b.Member != member {
		return nil, fmt.Errorf("bundle %s: %w: found in %s's directory but written by %s", id, ErrRejected, member, b.Member)
	}
	signer, err := t.signer(b)
	if err != nil {
		return nil, fmt.Errorf("bundle %s: %w", id, err)
	}
	if !env.verify(signer, "kansa/bundle/v1") {
		return nil, fmt.Errorf("bundle %s: %w: the signature does not verify with %s's key", id, ErrRejected, member)
	}
	if err := b.check(); err != nil {
		return nil, fmt.Errorf("bundle %s: %w", id, err)
	}
	return b, nil
}

// signer returns the key the roster gives the bundle's member and device.
func (t *Team) signer(b *Bundle) ([]byte, error) {
	if m, ok := t.Roster.Find(b.Member); ok && m.Device == b.Device {
		return m.Sign, nil
	}
	for _, r := range t.Roster.Removed {
		if r.ID == b.Member && r.Device == b.Device {
			if b.To > r.Until {
				return nil, fmt.Errorf("%w: %s was removed from the team after op %d; this bundle runs to %d", ErrRejected, r.Name, r.Until, b.To)
			}
			return r.Sign, nil
		}
	}
	return nil, fmt.Errorf("%w: signed for member %s, whom the roster does not hold", ErrRejected, b.Member)
}

// ReadObject reads and decrypts an object and checks its content against
// the SHA-256 and size the bundle recorded.
func (f *Folder) ReadObject(t *Team, o Object) ([]byte, error) {
	m := objectPath.FindStringSubmatch(o.Path)
	if m == nil {
		return nil, fmt.Errorf("object %q: %w: not an object path", o.Path, ErrRejected)
	}
	ct, err := f.fs.ReadFile(o.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("object %s: %w", o.Path, ErrIncomplete)
	}
	if err != nil {
		return nil, err
	}
	if sum(ct) != m[2] {
		return nil, fmt.Errorf("object %s: %w: its bytes do not match its name", o.Path, ErrIncomplete)
	}
	plain, err := decrypt(ct, t.identities())
	if err != nil {
		return nil, fmt.Errorf("object %s: %w", o.Path, err)
	}
	if sum(plain) != o.SHA256 || int64(len(plain)) != o.Size {
		return nil, fmt.Errorf("object %s: %w: content differs from its recorded SHA-256", o.Path, ErrRejected)
	}
	return plain, nil
}
