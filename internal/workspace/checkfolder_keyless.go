package workspace

import (
	"context"
	"fmt"
	"sort"

	"github.com/kansa-audit/kansa/internal/exchange"
)

// CheckFolderNames checks the sync folder in dir with no store and no
// keys: what can be checked of it in the open. That is the FORMAT version,
// every bundle and object file against the SHA-256 its name carries, the
// members' directories, and the debris and foreign files around them. The
// rest needs a member's store: the rosters and the engagement keys are
// encrypted for the team, so the roster chain (each signed by the chief
// the store trusts), the members' names and roles, and the bundles'
// content can only be verified by CheckFolder. The report says so
// (Keyless); it lists as members the directories under m/. It changes
// nothing.
func CheckFolderNames(ctx context.Context, dir string, progress func(files int)) (*FolderReport, error) {
	return checkFolderNames(ctx, dir, exchange.NewDir(dir), progress)
}

func checkFolderNames(ctx context.Context, dir string, fsys exchange.FS, progress func(files int)) (*FolderReport, error) {
	f, err := exchange.Open(fsys)
	if err != nil {
		return nil, fmt.Errorf("check folder %s: %w", dir, err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var ids []string
	if dl, ok := fsys.(exchange.DirLister); ok {
		if ids, err = dl.ListDirs("m"); err != nil {
			return nil, err
		}
	}
	sort.Strings(ids)
	inv, err := f.Inventory(ids, progress)
	if err != nil {
		return nil, err
	}
	rep := &FolderReport{Folder: dir, Engagement: f.Engagement, Format: f.Version, Keyless: true,
		Rosters: []exchange.RosterNote{}, Members: []FolderMember{}, Problems: inv.Damaged,
		Pending: []exchange.FileNote{}, Debris: inv.Debris, Foreign: inv.Foreign, Unreferenced: []string{},
		Files: inv.Files, Bytes: inv.Bytes}
	for _, id := range ids {
		_, err := fsys.ReadFile("keys/" + id + ".age")
		rep.Members = append(rep.Members, FolderMember{ID: id, Keys: err == nil,
			Bundles: len(inv.Bundles[id]), Objects: len(inv.Objects[id])})
	}
	if rep.Problems == nil {
		rep.Problems = []exchange.FileNote{}
	}
	if rep.Debris == nil {
		rep.Debris = []string{}
	}
	if rep.Foreign == nil {
		rep.Foreign = []exchange.FileNote{}
	}
	return rep, nil
}
