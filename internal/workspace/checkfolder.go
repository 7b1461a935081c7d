package workspace

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/exchange"
)

// FolderReport is what CheckFolder found in a sync folder.
type FolderReport struct {
	Folder           string `json:"folder"`
	Engagement       string `json:"engagement"`
	Format           int    `json:"format"`
	ChiefFingerprint string `json:"chief_fingerprint"`
	ReadData         bool   `json:"read_data"`
	// Keyless: checked with no store (CheckFolderNames): the roster chain,
	// the members' names and the bundles' content were not verified.
	Keyless bool                  `json:"keyless,omitempty"`
	Rosters []exchange.RosterNote `json:"rosters"`
	Members []FolderMember        `json:"members"`
	Files   int                   `json:"files"`
	Bytes   int64                 `json:"bytes"`
	// Problems is damage: files that do not match their names, rosters or
	// bundles that fail verification, objects whose content is not what
	// their bundle recorded. Any problem makes the check fail.
	Problems []exchange.FileNote `json:"problems"`
	// Pending lists pieces not (yet) there: missing roster epochs or keys,
	// ops no bundle here carries, objects a bundle names that have not
	// arrived, files encrypted for a key this member does not hold.
	Pending      []exchange.FileNote `json:"pending"`
	Debris       []string            `json:"debris"`       // ignored leftovers of sync services and editors
	Foreign      []exchange.FileNote `json:"foreign"`      // outside the layout (not read by sync)
	Unreferenced []string            `json:"unreferenced"` // complete objects no bundle names (read-data only)
}

// FolderMember is one roster member's share of the folder.
type FolderMember struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Role    string `json:"role"`
	Removed bool   `json:"removed,omitempty"`
	Keys    bool   `json:"keys"`    // keys/<id>.age is present
	Bundles int    `json:"bundles"` // complete bundle files
	Objects int    `json:"objects"` // complete object files
	Ops     uint64 `json:"ops"`     // with read-data: ops 1..Ops are all here
}

// OK reports whether the folder is undamaged (pending pieces may still
// arrive and are not damage).
func (r *FolderReport) OK() bool { return len(r.Problems) == 0 }

// CheckFolder verifies the sync folder in dir as this store's member sees
// it: the FORMAT version, the chain of rosters (each signed by the chief
// this store trusts), every bundle's and object's bytes against its name,
// and the debris and foreign files around them. With readData it also
// decrypts every bundle, verifies its signature, checks that each
// member's ops are all there, and decrypts every object a bundle names
// against the SHA-256 recorded for it. It changes nothing, in the folder
// or the store. progress gets the number of files read so far.
func (w *Workspace) CheckFolder(ctx context.Context, dir string, readData bool, progress func(files int)) (*FolderReport, error) {
	return w.checkFolder(ctx, dir, exchange.NewDir(dir), readData, progress)
}

func (w *Workspace) checkFolder(ctx context.Context, dir string, fsys exchange.FS, readData bool, progress func(files int)) (*FolderReport, error) {
	f, err := exchange.Open(fsys)
	if err != nil {
		return nil, fmt.Errorf("check folder %s: %w", dir, err)
	}
	k, err := w.teamKeys()
	if err != nil {
		return nil, err
	}
	var pinned []byte
	if err := w.st.View(func(tx *bolt.Tx) error {
		_, err := tx.GetRecord(recChief, f.Engagement, &pinned)
		return err
	}); err != nil {
		return nil, err
	}
	t, err := f.Team(k, w.Me().Member, pinned)
	if err != nil {
		return nil, fmt.Errorf("check folder %s: read the team of engagement %s: %w", dir, f.Engagement, err)
	}
	rep := &FolderReport{Folder: dir, Engagement: f.Engagement, Format: f.Version, ChiefFingerprint: t.Chief().Fingerprint(),
		ReadData: readData, Rosters: []exchange.RosterNote{}, Members: []FolderMember{}, Problems: []exchange.FileNote{},
		Pending: []exchange.FileNote{}, Debris: []string{}, Foreign: []exchange.FileNote{}, Unreferenced: []string{}}
	if rep.Rosters, err = f.RosterChain(t); err != nil {
		return nil, err
	}
	for _, r := range rep.Rosters {
		p := exchange.FileNote{Path: fmt.Sprintf("roster/%d.age", r.Epoch), What: r.What}
		switch r.Status {
		case "rejected":
			rep.Problems = append(rep.Problems, p)
		case "missing", "no key":
			rep.Pending = append(rep.Pending, p)
		}
	}
	var ids []string
	byID := map[string]int{}
	add := func(m exchange.Member, removed bool) {
		byID[m.ID] = len(rep.Members)
		ids = append(ids, m.ID)
		_, err := fsys.ReadFile("keys/" + m.ID + ".age")
		rep.Members = append(rep.Members, FolderMember{ID: m.ID, Name: m.Name, Role: m.Role, Removed: removed, Keys: err == nil})
		if err != nil && !removed {
			rep.Pending = append(rep.Pending, exchange.FileNote{Path: "keys/" + m.ID + ".age", What: m.Name + "'s engagement keys are not in the folder (yet)"})
		}
	}
	for _, m := range t.Roster.Members {
		add(m, false)
	}
	for _, r := range t.Roster.Removed {
		add(r.Member, true)
	}
	inv, err := f.Inventory(ids, progress)
	if err != nil {
		return nil, err
	}
	rep.Files, rep.Bytes = inv.Files, inv.Bytes
	rep.Problems = append(rep.Problems, inv.Damaged...)
	rep.Debris = append(rep.Debris, inv.Debris...)
	rep.Foreign = append(rep.Foreign, inv.Foreign...)
	for id, bs := range inv.Bundles {
		rep.Members[byID[id]].Bundles = len(bs)
	}
	for id, objs := range inv.Objects {
		rep.Members[byID[id]].Objects = len(objs)
	}
	if readData {
		if err := w.checkFolderData(ctx, f, t, inv, rep, byID); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

// checkFolderData decrypts and verifies every bundle of the inventory and
// every object they name.
func (w *Workspace) checkFolderData(ctx context.Context, f *exchange.Folder, t *exchange.Team, inv *exchange.Inventory, rep *FolderReport, byID map[string]int) error {
	type span struct{ from, to uint64 }
	spans := map[string][]span{} // member -> the op ranges its bundles carry
	named := map[string]exchange.Object{}
	for _, m := range sortedKeys(inv.Bundles) {
		for _, id := range inv.Bundles[m] {
			if err := ctx.Err(); err != nil {
				return err
			}
			path := "m/" + m + "/b/" + id + ".bdl"
			b, err := f.ReadBundle(t, m, id)
			switch {
			case errors.Is(err, exchange.ErrNoKey):
				rep.Pending = append(rep.Pending, exchange.FileNote{Path: path, What: err.Error()})
				continue
			case errors.Is(err, exchange.ErrRejected), errors.Is(err, exchange.ErrIncomplete):
				rep.Problems = append(rep.Problems, exchange.FileNote{Path: path, What: err.Error()})
				continue
			case err != nil:
				return err
			}
			spans[m] = append(spans[m], span{b.From, b.To})
			for _, o := range b.Objects {
				named[o.Path] = o
			}
		}
	}
	for m, ss := range spans {
		sort.Slice(ss, func(i, j int) bool { return ss[i].from < ss[j].from })
		var upTo uint64
		for _, s := range ss {
			if s.from > upTo+1 {
				rep.Pending = append(rep.Pending, exchange.FileNote{Path: "m/" + m + "/b/",
					What: fmt.Sprintf("ops %d..%d of %s are in no bundle here (yet)", upTo+1, s.from-1, rep.Members[byID[m]].Name)})
			}
			upTo = max(upTo, s.to)
		}
		rep.Members[byID[m]].Ops = upTo
	}
	present := map[string]bool{}
	for _, objs := range inv.Objects {
		for _, o := range objs {
			present[o.Path] = true
		}
	}
	for _, p := range sortedKeys(named) {
		if err := ctx.Err(); err != nil {
			return err
		}
		_, err := f.ReadObject(t, named[p])
		switch {
		case errors.Is(err, exchange.ErrIncomplete) && !present[p]:
			if !damaged(rep, p) {
				rep.Pending = append(rep.Pending, exchange.FileNote{Path: p, What: "named by a bundle, not in the folder (yet)"})
			}
		case errors.Is(err, exchange.ErrNoKey):
			rep.Pending = append(rep.Pending, exchange.FileNote{Path: p, What: err.Error()})
		case errors.Is(err, exchange.ErrIncomplete), errors.Is(err, exchange.ErrRejected):
			rep.Problems = append(rep.Problems, exchange.FileNote{Path: p, What: err.Error()})
		case err != nil:
			return err
		}
	}
	for p := range present {
		if _, ok := named[p]; !ok {
			rep.Unreferenced = append(rep.Unreferenced, p)
		}
	}
	sort.Strings(rep.Unreferenced)
	return nil
}

func damaged(rep *FolderReport, path string) bool {
	for _, p := range rep.Problems {
		if p.Path == path {
			return true
		}
	}
	return false
}
