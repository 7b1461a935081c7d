package workspace

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/change"
	"github.com/kansa-audit/kansa/internal/exchange"
)

// Records kept in the store for the team and sync (see bolt.Tx.PutRecord).
const (
	secretTeamKeys = "team-keys"
	recChief       = "chief"  // engagement -> the chief's Ed25519 key, pinned on first read
	recFolder      = "folder" // engagement -> the sync folder last used
	recBundle      = "bundle" // bundle id -> bundleRec: applied, or published by us
	recObject      = "object" // plaintext SHA-256 -> exchange.Object in the folder
)

// Team errors callers distinguish with errors.Is.
var (
	ErrNotFolder   = exchange.ErrNotFolder
	ErrNewerFormat = exchange.ErrNewerFormat
	ErrNotMember   = exchange.ErrNotMember
	ErrRemoved     = exchange.ErrRemoved
	ErrNotChief    = errors.New("only the chief auditor of the engagement changes its team")
)

// TeamMember is one member as shown to people comparing keys.
type TeamMember struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Role        string `json:"role"`
	Fingerprint string `json:"fingerprint"`
	Removed     bool   `json:"removed,omitempty"`
}

// TeamInfo is the roster of an engagement's sync folder.
type TeamInfo struct {
	Engagement string       `json:"engagement"`
	Folder     string       `json:"folder"`
	Epoch      int          `json:"epoch"`
	KeyEpoch   int          `json:"key_epoch"`
	Members    []TeamMember `json:"members"`
}

func teamInfo(dir string, t *exchange.Team) *TeamInfo {
	ti := &TeamInfo{Engagement: t.Engagement, Folder: dir, Epoch: t.Roster.Epoch, KeyEpoch: t.Roster.KeyEpoch, Members: []TeamMember{}}
	for _, m := range t.Roster.Members {
		ti.Members = append(ti.Members, TeamMember{ID: m.ID, Name: m.Name, Role: m.Role, Fingerprint: m.Fingerprint()})
	}
	for _, m := range t.Roster.Removed {
		ti.Members = append(ti.Members, TeamMember{ID: m.ID, Name: m.Name, Role: m.Role, Fingerprint: m.Fingerprint(), Removed: true})
	}
	return ti
}

// teamKeys returns this store's signing and encryption keys, made on
// first use and kept sealed in the store.
func (w *Workspace) teamKeys() (exchange.Keys, error) {
	var k exchange.Keys
	found, err := w.st.GetSecret(secretTeamKeys, &k)
	if err != nil || found {
		return k, err
	}
	if k, err = exchange.NewKeys(w.rand); err != nil {
		return k, err
	}
	return k, w.st.PutSecret(secretTeamKeys, k)
}

// TeamMember returns this store's public member record.
func (w *Workspace) teamMember() (exchange.Keys, exchange.Member, error) {
	k, err := w.teamKeys()
	if err != nil {
		return k, exchange.Member{}, err
	}
	me := w.Me()
	return k, k.Public(me.Member, me.Device, me.Name, me.Role), nil
}

// Fingerprint returns this store's key fingerprint, to compare with what
// the chief (or a member) sees.
func (w *Workspace) Fingerprint() (string, error) {
	_, m, err := w.teamMember()
	return m.Fingerprint(), err
}

// JoinRequest returns the file a new member gives the chief: their name,
// the role they have in their store, and their public keys, self-signed.
func (w *Workspace) JoinRequest() ([]byte, string, error) {
	k, m, err := w.teamMember()
	if err != nil {
		return nil, "", err
	}
	b, err := exchange.JoinRequest(k, m)
	return b, m.Fingerprint(), err
}

// CreateFolder (chief) makes dir the engagement's sync folder, with this
// store's member as the chief and only member.
func (w *Workspace) CreateFolder(engagementID, dir string) (*TeamInfo, error) {
	return w.createFolder(engagementID, dir, exchange.NewDir(dir))
}

func (w *Workspace) createFolder(engagementID, dir string, fsys exchange.FS) (*TeamInfo, error) {
	if audit.Role(w.Me().Role) != audit.RoleChief {
		return nil, fmt.Errorf("create sync folder: %w (this store's role is %s)", ErrNotChief, w.Me().Role)
	}
	if err := w.st.View(func(tx *bolt.Tx) error {
		_, err := entityOf(tx, engagementID, TypeEngagement)
		return err
	}); err != nil {
		return nil, err
	}
	k, m, err := w.teamMember()
	if err != nil {
		return nil, err
	}
	t, err := exchange.Init(fsys, engagementID, k, m)
	if err != nil {
		return nil, fmt.Errorf("create sync folder %s: %w", dir, err)
	}
	if err := w.st.Update(func(tx *bolt.Tx) error {
		if err := tx.PutRecord(recChief, engagementID, m.Sign); err != nil {
			return err
		}
		return tx.PutRecord(recFolder, engagementID, dir)
	}); err != nil {
		return nil, err
	}
	return teamInfo(dir, t), nil
}

// FolderOf returns the sync folder last used for an engagement ("" if none).
func (w *Workspace) FolderOf(engagementID string) (string, error) {
	var dir string
	err := w.st.View(func(tx *bolt.Tx) error {
		_, err := tx.GetRecord(recFolder, engagementID, &dir)
		return err
	})
	return dir, err
}

// openTeam opens the folder and reads the team as this store's member,
// pinning the chief's key the first time.
func (w *Workspace) openTeam(fsys exchange.FS) (*exchange.Folder, *exchange.Team, exchange.Keys, error) {
	f, err := exchange.Open(fsys)
	if err != nil {
		return nil, nil, exchange.Keys{}, err
	}
	k, err := w.teamKeys()
	if err != nil {
		return nil, nil, k, err
	}
	var pinned []byte
	if err := w.st.View(func(tx *bolt.Tx) error {
		_, err := tx.GetRecord(recChief, f.Engagement, &pinned)
		return err
	}); err != nil {
		return nil, nil, k, err
	}
	t, err := f.CachedTeam(&w.teams, k, w.Me().Member, pinned)
	if err != nil {
		return nil, nil, k, fmt.Errorf("read the team of engagement %s: %w", f.Engagement, err)
	}
	if pinned == nil {
		if err := w.st.Update(func(tx *bolt.Tx) error { return tx.PutRecord(recChief, f.Engagement, t.ChiefSign) }); err != nil {
			return nil, nil, k, err
		}
	}
	return f, t, k, nil
}

// Team reads the roster of the sync folder in dir.
func (w *Workspace) Team(dir string) (*TeamInfo, error) {
	_, t, _, err := w.openTeam(exchange.NewDir(dir))
	if err != nil {
		return nil, err
	}
	return teamInfo(dir, t), nil
}

// AddTeamMember (chief) adds the member in a join request to the folder's
// roster with role, and grants them the engagement keys.
func (w *Workspace) AddTeamMember(dir string, request []byte, role audit.Role) (TeamMember, error) {
	return w.addTeamMember(exchange.NewDir(dir), request, role)
}

func (w *Workspace) addTeamMember(fsys exchange.FS, request []byte, role audit.Role) (TeamMember, error) {
	if !role.Valid() {
		return TeamMember{}, fmt.Errorf("%w: role %q", ErrInvalid, role)
	}
	m, err := exchange.ParseJoinRequest(request)
	if err != nil {
		return TeamMember{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	f, t, k, err := w.openTeam(fsys)
	if err != nil {
		return TeamMember{}, err
	}
	if t.Me != t.Roster.Chief || !bytes.Equal(t.ChiefSign, t.Chief().Sign) {
		return TeamMember{}, ErrNotChief
	}
	m.Role = string(role)
	if _, err := f.AddMember(k, t, m); err != nil {
		return TeamMember{}, fmt.Errorf("add %s to the team: %w", m.Name, err)
	}
	if err := w.joinEngagement(f.Engagement, m, role); err != nil {
		return TeamMember{}, fmt.Errorf("%s is on the sync team, but not yet in the engagement's member list: %w", m.Name, err)
	}
	return TeamMember{ID: m.ID, Name: m.Name, Role: m.Role, Fingerprint: m.Fingerprint()}, nil
}

// joinEngagement puts a new team member in the engagement's member list
// (what reports print), unless they are there already: listed under
// their identity, or typed in by name before they joined (then that entry
// is linked to their identity instead of listing them twice).
func (w *Workspace) joinEngagement(engagementID string, m exchange.Member, role audit.Role) error {
	return w.st.Update(func(tx *bolt.Tx) error {
		if _, err := entityOf(tx, engagementID, TypeEngagement); err != nil {
			return err
		}
		ms, err := childrenOf(tx, engagementID, TypeMember)
		if err != nil {
			return err
		}
		var byName *change.Entity
		for _, e := range ms {
			switch {
			case e.String("person") == m.ID:
				return nil
			case e.String("person") == "" && strings.TrimSpace(e.String("name")) == strings.TrimSpace(m.Name) && byName == nil:
				byName = e
			}
		}
		if byName != nil {
			_, _, err := tx.Write(byName.ID, "person", m.ID)
			return err
		}
		return create(tx, w.newID(), TypeMember, engagementID, audit.Member{Person: m.ID, Name: m.Name, Role: role})
	})
}

// RemoveTeamMember (chief) removes a member and starts a new key epoch:
// nothing written after this can be read with the keys they hold. Their
// ops the chief has already received stay valid; sync first.
func (w *Workspace) RemoveTeamMember(dir, memberID string) error {
	return w.removeTeamMember(exchange.NewDir(dir), memberID)
}

func (w *Workspace) removeTeamMember(fsys exchange.FS, memberID string) error {
	f, t, k, err := w.openTeam(fsys)
	if err != nil {
		return err
	}
	if t.Me != t.Roster.Chief {
		return ErrNotChief
	}
	m, ok := t.Roster.Find(memberID)
	if !ok {
		return fmt.Errorf("member %s: %w", memberID, ErrNotFound)
	}
	var until uint64
	if err := w.st.View(func(tx *bolt.Tx) error {
		vv, err := tx.VersionVector()
		until = vv[m.Device]
		return err
	}); err != nil {
		return err
	}
	if _, err := f.RemoveMember(k, t, memberID, until); err != nil {
		return fmt.Errorf("remove %s from the team: %w", m.Name, err)
	}
	return nil
}
