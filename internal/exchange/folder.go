package exchange

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"

	"filippo.io/age"
)

// FormatVersion is the folder layout this code reads and writes.
const FormatVersion = 1

const formatMagic = "kansa-sync"

// Folder is an opened sync folder of one engagement.
type Folder struct {
	fs         FS
	Engagement string
	Version    int // the format version FORMAT names
}

// Roster is the team at one epoch, as signed by the chief. Each roster
// lists everyone: a later roster supersedes an earlier one whole.
type Roster struct {
	Engagement string    `json:"engagement"`
	Epoch      int       `json:"epoch"`
	KeyEpoch   int       `json:"key_epoch"` // the engagement key new files are encrypted with
	Chief      string    `json:"chief"`     // member id of the signer
	Members    []Member  `json:"members"`
	Removed    []Removed `json:"removed,omitempty"`
}

// Removed is a former member. Their device's ops up to Until (what the
// chief had received when removing them) stay valid; later ones are
// rejected, and they hold no key of the epochs after their removal.
type Removed struct {
	Member
	Until uint64 `json:"until"`
}

// Find returns the current member with id.
func (r Roster) Find(id string) (Member, bool) {
	for _, m := range r.Members {
		if m.ID == id {
			return m, true
		}
	}
	return Member{}, false
}

// grant is the body of keys/<member>.age: every engagement key the member
// may hold, signed by the chief.
type grant struct {
	Engagement string     `json:"engagement"`
	Member     string     `json:"member"`
	ChiefSign  []byte     `json:"chief_sign"`
	Keys       []epochKey `json:"keys"`
}

type epochKey struct {
	Epoch    int    `json:"epoch"`
	Identity string `json:"identity"`
}

// Team is what one member can read of the folder: the newest roster they
// can decrypt and the engagement keys granted to them.
type Team struct {
	Engagement string
	Roster     Roster
	Me         string // member id
	ChiefSign  []byte // the chief's Ed25519 public key, as the grant names it
	keys       map[int]*age.X25519Identity
}

// Removed reports whether the reader is no longer on the roster.
func (t *Team) Removed() bool { _, ok := t.Roster.Find(t.Me); return !ok }

// Chief returns the chief's member record.
func (t *Team) Chief() Member { m, _ := t.Roster.Find(t.Roster.Chief); return m }

func (t *Team) identities() []age.Identity {
	epochs := make([]int, 0, len(t.keys))
	for e := range t.keys {
		epochs = append(epochs, e)
	}
	sort.Sort(sort.Reverse(sort.IntSlice(epochs)))
	out := make([]age.Identity, 0, len(epochs))
	for _, e := range epochs {
		out = append(out, t.keys[e])
	}
	return out
}

func (t *Team) recipient() (age.Recipient, error) {
	k := t.keys[t.Roster.KeyEpoch]
	if k == nil {
		return nil, fmt.Errorf("%w: key epoch %d", ErrNoKey, t.Roster.KeyEpoch)
	}
	return k.Recipient(), nil
}

// Open reads FORMAT. A missing FORMAT is ErrNotFolder (an empty or
// unmounted share is never taken for an empty team); a newer version is
// ErrNewerFormat.
func Open(f FS) (*Folder, error) {
	b, err := f.ReadFile("FORMAT")
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
		return nil, ErrNotFolder
	}
	if err != nil {
		return nil, err
	}
	version, eng, err := parseFormat(b)
	if err != nil {
		return nil, err
	}
	if version > FormatVersion {
		return nil, fmt.Errorf("%w: format %d, this Kansa reads up to %d; update Kansa before syncing", ErrNewerFormat, version, FormatVersion)
	}
	return &Folder{fs: f, Engagement: eng, Version: version}, nil
}

func formatFile(eng string) []byte {
	return fmt.Appendf(nil, "%s %d\nengagement %s\n", formatMagic, FormatVersion, eng)
}

func parseFormat(b []byte) (version int, eng string, err error) {
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		k, v, _ := strings.Cut(strings.TrimSpace(sc.Text()), " ")
		switch k {
		case formatMagic:
			version, _ = strconv.Atoi(v)
		case "engagement":
			eng = v
		}
	}
	if version < 1 || !validID(eng) {
		return 0, "", fmt.Errorf("%w: FORMAT is unreadable", ErrNotFolder)
	}
	return version, eng, nil
}

// Init makes a new sync folder for engagement with chief as the only
// member: FORMAT, the first engagement key granted to the chief, and
// roster 1.
func Init(f FS, engagement string, k Keys, chief Member) (*Team, error) {
	if !validID(engagement) {
		return nil, fmt.Errorf("engagement id %q cannot name a folder", engagement)
	}
	if err := chief.Validate(); err != nil {
		return nil, err
	}
	if _, err := f.ReadFile("FORMAT"); err == nil {
		return nil, ErrExists
	}
	key, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, err
	}
	fo := &Folder{fs: f, Engagement: engagement, Version: FormatVersion}
	t := &Team{Engagement: engagement, Me: chief.ID, ChiefSign: chief.Sign, keys: map[int]*age.X25519Identity{1: key},
		Roster: Roster{Engagement: engagement, Epoch: 1, KeyEpoch: 1, Chief: chief.ID, Members: []Member{chief}}}
	if err := fo.writeVerified("FORMAT", formatFile(engagement)); err != nil {
		return nil, err
	}
	if err := fo.publishTeam(k, t, []Member{chief}); err != nil {
		return nil, err
	}
	return t, nil
}

// writeVerified writes a file and reads it back before it counts.
func (f *Folder) writeVerified(name string, data []byte) error {
	if err := f.fs.WriteFile(name, data); err != nil {
		return err
	}
	back, err := f.fs.ReadFile(name)
	if err != nil {
		return fmt.Errorf("read back %s: %w", name, err)
	}
	if !bytes.Equal(back, data) {
		return fmt.Errorf("read back %s: %d bytes differ from the %d written", name, len(back), len(data))
	}
	return nil
}

func encrypt(plain []byte, r age.Recipient) ([]byte, error) {
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(plain); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// decrypt returns ErrNoKey when no identity fits, else ErrRejected
// wrapping what age found wrong (damaged or truncated).
func decrypt(ct []byte, ids []age.Identity) ([]byte, error) {
	r, err := age.Decrypt(bytes.NewReader(ct), ids...)
	var nomatch *age.NoIdentityMatchError
	if errors.As(err, &nomatch) {
		return nil, ErrNoKey
	}
	if err != nil {
		return nil, fmt.Errorf("%w: does not decrypt (%v)", ErrRejected, err)
	}
	p, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%w: does not decrypt (%v)", ErrRejected, err)
	}
	return p, nil
}

// publishTeam writes the grants of members (in that order), then the
// roster: a member who can read a roster can read their key first.
func (f *Folder) publishTeam(k Keys, t *Team, grantees []Member) error {
	var all []epochKey
	for e, id := range t.keys {
		all = append(all, epochKey{Epoch: e, Identity: id.String()})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Epoch < all[j].Epoch })
	for _, m := range grantees {
		body, err := signed(k.Sign, "kansa/keys/v1", grant{Engagement: f.Engagement, Member: m.ID, ChiefSign: t.ChiefSign, Keys: all})
		if err != nil {
			return err
		}
		r, err := age.ParseX25519Recipient(m.Box)
		if err != nil {
			return err
		}
		ct, err := encrypt(body, r)
		if err != nil {
			return err
		}
		if err := f.writeVerified("keys/"+m.ID+".age", ct); err != nil {
			return fmt.Errorf("grant keys to %s: %w", m.Name, err)
		}
	}
	body, err := signed(k.Sign, "kansa/roster/v1", t.Roster)
	if err != nil {
		return err
	}
	rcp, err := t.recipient()
	if err != nil {
		return err
	}
	ct, err := encrypt(body, rcp)
	if err != nil {
		return err
	}
	return f.writeVerified(fmt.Sprintf("roster/%d.age", t.Roster.Epoch), ct)
}

// TeamCache remembers the last team a member read from a folder, with the
// bytes it was read from, so that a sync that finds the same grant and
// rosters skips decrypting and verifying them again. Keep one per unlocked
// store; the zero value is empty and ready.
type TeamCache struct {
	mu   sync.Mutex
	key  [32]byte
	team *Team
}

// CachedTeam reads the team like Folder.Team, from c when the grant and every
// roster file are byte for byte those it was last read from.
func (f *Folder) CachedTeam(c *TeamCache, k Keys, me string, pinned []byte) (*Team, error) {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%x\x00%x\x00", f.Engagement, me, pinned, k.Sign.Public())
	ct, err := f.fs.ReadFile("keys/" + me + ".age")
	if err != nil {
		return f.Team(k, me, pinned)
	}
	h.Write(ct)
	names, err := f.fs.List("roster")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	for _, n := range names {
		if _, ok := rosterEpoch(n); !ok {
			continue
		}
		b, err := f.fs.ReadFile("roster/" + n)
		if err != nil {
			return f.Team(k, me, pinned)
		}
		fmt.Fprintf(h, "\x00%s\x00%d\x00", n, len(b))
		h.Write(b)
	}
	var key [32]byte
	h.Sum(key[:0])
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.team != nil && c.key == key {
		return c.team.clone(), nil
	}
	t, err := f.Team(k, me, pinned)
	if err != nil {
		return nil, err
	}
	c.key, c.team = key, t.clone()
	return t, nil
}

// Team reads the reader's grant and the newest roster it can decrypt and
// verify. pinned is the chief key recorded on an earlier read (nil the
// first time: the grant's chief key is then trusted on first use, and its
// fingerprint is what people compare). ErrNotMember means no grant yet.
func (f *Folder) Team(k Keys, me string, pinned []byte) (*Team, error) {
	ct, err := f.fs.ReadFile("keys/" + me + ".age")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, ErrNotMember
	}
	if err != nil {
		return nil, err
	}
	plain, err := decrypt(ct, []age.Identity{k.Box})
	if err != nil {
		return nil, fmt.Errorf("keys for %s: %w", me, err)
	}
	env, err := openSigned(plain)
	if err != nil {
		return nil, fmt.Errorf("keys for %s: %w", me, err)
	}
	var g grant
	if err := json.Unmarshal(env.Body, &g); err != nil {
		return nil, fmt.Errorf("keys for %s: %w: %v", me, ErrRejected, err)
	}
	if pinned != nil && !bytes.Equal(pinned, g.ChiefSign) {
		return nil, fmt.Errorf("keys for %s: %w: signed by a chief key other than the one first seen", me, ErrRejected)
	}
	if !env.verify(g.ChiefSign, "kansa/keys/v1") || g.Engagement != f.Engagement || g.Member != me {
		return nil, fmt.Errorf("keys for %s: %w: signature or engagement does not match", me, ErrRejected)
	}
	t := &Team{Engagement: f.Engagement, Me: me, ChiefSign: g.ChiefSign, keys: map[int]*age.X25519Identity{}}
	for _, ek := range g.Keys {
		id, err := age.ParseX25519Identity(ek.Identity)
		if err != nil {
			return nil, fmt.Errorf("keys for %s: %w: %v", me, ErrRejected, err)
		}
		t.keys[ek.Epoch] = id
	}
	names, err := f.fs.List("roster")
	if err != nil {
		return nil, err
	}
	var epochs []int
	for _, n := range names {
		if e, ok := rosterEpoch(n); ok {
			epochs = append(epochs, e)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(epochs)))
	for _, e := range epochs {
		r, err := f.readRoster(t, e)
		if err != nil {
			continue // a newer key epoch, or not complete yet: try the one before
		}
		t.Roster = r
		return t, nil
	}
	return nil, fmt.Errorf("%w: no readable roster", ErrIncomplete)
}

// rosterEpoch parses "<epoch>.age" in its canonical form only.
func rosterEpoch(name string) (int, bool) {
	s, ok := strings.CutSuffix(name, ".age")
	if !ok {
		return 0, false
	}
	e, err := strconv.Atoi(s)
	return e, err == nil && e > 0 && strconv.Itoa(e) == s
}

func (f *Folder) readRoster(t *Team, epoch int) (Roster, error) {
	ct, err := f.fs.ReadFile(fmt.Sprintf("roster/%d.age", epoch))
	if err != nil {
		return Roster{}, err
	}
	plain, err := decrypt(ct, t.identities())
	if err != nil {
		return Roster{}, err
	}
	env, err := openSigned(plain)
	if err != nil {
		return Roster{}, err
	}
	var r Roster
	if err := json.Unmarshal(env.Body, &r); err != nil {
		return Roster{}, fmt.Errorf("%w: roster %d: %v", ErrRejected, epoch, err)
	}
	chief, ok := r.Find(r.Chief)
	if !ok || !bytes.Equal(chief.Sign, t.ChiefSign) || !env.verify(t.ChiefSign, "kansa/roster/v1") ||
		r.Epoch != epoch || r.Engagement != f.Engagement {
		return Roster{}, fmt.Errorf("%w: roster %d is not signed by the chief", ErrRejected, epoch)
	}
	return r, nil
}

// AddMember (chief only) adds m to a new roster epoch and grants them
// every engagement key, so they can read the whole history.
func (f *Folder) AddMember(k Keys, t *Team, m Member) (*Team, error) {
	if err := f.checkChief(k, t); err != nil {
		return nil, err
	}
	if err := m.Validate(); err != nil {
		return nil, err
	}
	if _, ok := t.Roster.Find(m.ID); ok {
		return nil, fmt.Errorf("%s is already on the team", m.Name)
	}
	for _, r := range t.Roster.Removed {
		if r.ID == m.ID {
			return nil, fmt.Errorf("%s was removed; a removed member joins again with a new store", m.Name)
		}
	}
	nt := t.clone()
	nt.Roster.Epoch++
	nt.Roster.Members = append(nt.Roster.Members, m)
	return nt, f.publishTeam(k, nt, []Member{m})
}

// RemoveMember (chief only) takes a member off the roster and starts a new
// key epoch granted to the remaining members only. until is the highest
// sequence of the member's device the chief has received: their ops up to
// there stay valid.
func (f *Folder) RemoveMember(k Keys, t *Team, id string, until uint64) (*Team, error) {
	if err := f.checkChief(k, t); err != nil {
		return nil, err
	}
	m, ok := t.Roster.Find(id)
	if !ok {
		return nil, fmt.Errorf("member %s is not on the team", id)
	}
	if id == t.Roster.Chief {
		return nil, errors.New("the chief cannot remove themself")
	}
	key, err := age.GenerateX25519Identity()
	if err != nil {
		return nil, err
	}
	nt := t.clone()
	nt.Roster.Epoch++
	nt.Roster.KeyEpoch = maxEpoch(nt.keys) + 1
	nt.keys[nt.Roster.KeyEpoch] = key
	nt.Roster.Members = nil
	for _, x := range t.Roster.Members {
		if x.ID != id {
			nt.Roster.Members = append(nt.Roster.Members, x)
		}
	}
	nt.Roster.Removed = append(nt.Roster.Removed, Removed{Member: m, Until: until})
	return nt, f.publishTeam(k, nt, nt.Roster.Members)
}

func maxEpoch(m map[int]*age.X25519Identity) int {
	n := 0
	for e := range m {
		n = max(n, e)
	}
	return n
}

func (f *Folder) checkChief(k Keys, t *Team) error {
	chief := t.Chief()
	if t.Me != t.Roster.Chief || !bytes.Equal(chief.Sign, k.Sign.Public().(ed25519.PublicKey)) {
		return errors.New("only the chief auditor changes the team")
	}
	return nil
}

func (t *Team) clone() *Team {
	nt := *t
	nt.keys = map[int]*age.X25519Identity{}
	for e, k := range t.keys {
		nt.keys[e] = k
	}
	nt.Roster.Members = append([]Member(nil), t.Roster.Members...)
	nt.Roster.Removed = append([]Removed(nil), t.Roster.Removed...)
	return &nt
}
