package workspace

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kansa-audit/kansa/internal/blob"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/change"
	"github.com/kansa-audit/kansa/internal/exchange"
)

// SkewWarning is how far ahead of or behind this machine another
// device's clock may run before a sync warns. Skew never changes the
// merged result.
const SkewWarning = 24 * time.Hour

// SyncReport says what one sync did.
type SyncReport struct {
	Engagement       string              `json:"engagement"`
	ChiefFingerprint string              `json:"chief_fingerprint"`
	Published        int                 `json:"published"`         // ops of this device published now
	PublishedObjects int                 `json:"published_objects"` // evidence objects written now
	NewOps           map[string]int      `json:"new_ops"`           // member name -> ops applied
	Imported         int                 `json:"imported_objects"`  // evidence objects imported
	Pending          []SyncItem          `json:"pending"`           // bundles waiting for earlier ops or objects
	Rejected         []SyncItem          `json:"rejected"`          // bundles that fail verification
	Conflicts        []SyncConflict      `json:"conflicts"`         // fields that became conflicts
	Warnings         []string            `json:"warnings"`
	Debris           int                 `json:"debris"` // foreign files ignored
	skews            map[string]bool     // devices already warned about
	have             map[string]bool     // objects imported by this sync (sync_import.go)
	bad              map[string]string   // objectKey -> why that object was refused (sync_import.go)
	namedBy          map[string][]string // objectKey -> members whose bundles name it
	members          map[string]string   // member id -> name
}

// SyncItem is one bundle that was not applied, and why.
type SyncItem struct {
	Member string `json:"member"`
	Bundle string `json:"bundle"`
	Reason string `json:"reason"`
}

// SyncConflict is a field whose register holds competing values after a
// bundle was applied, and that are no long-text edits merging cleanly
// (merge.go).
type SyncConflict struct {
	Entity string `json:"entity"`
	Type   string `json:"type"`
	Field  string `json:"field"`
}

// bundleRec is what the store remembers of a bundle.
type bundleRec struct {
	Member string `json:"member"`
	Device string `json:"device"`
	From   uint64 `json:"from"`
	To     uint64 `json:"to"`
}

// Sync publishes this device's unpublished ops to the engagement's sync
// folder in dir, then applies every other member's bundles that are
// complete. It is safe to run at any time and any number of times: a
// bundle is applied once, in the same transaction that records it.
// progress counts the bundles read; SyncWithProgress counts bytes too.
func (w *Workspace) Sync(ctx context.Context, dir string, progress func(done, total int)) (*SyncReport, error) {
	var fn func(SyncProgress)
	if progress != nil {
		last := SyncProgress{Bundles: -1}
		fn = func(p SyncProgress) {
			if p.Bundles != last.Bundles || p.TotalBundles != last.TotalBundles {
				last = p
				progress(p.Bundles, p.TotalBundles)
			}
		}
	}
	return w.syncDir(ctx, dir, fn)
}

func (w *Workspace) syncDir(ctx context.Context, dir string, progress func(SyncProgress)) (*SyncReport, error) {
	rep, err := w.sync(ctx, exchange.NewDir(dir), progress)
	if err == nil {
		err = w.st.Update(func(tx *bolt.Tx) error { return tx.PutRecord(recFolder, rep.Engagement, dir) })
	}
	return rep, err
}

func (w *Workspace) sync(ctx context.Context, fsys exchange.FS, progressFn func(SyncProgress)) (*SyncReport, error) {
	progress := newSyncTracker(progressFn)
	f, t, k, err := w.openTeam(fsys)
	if err != nil {
		return nil, fmt.Errorf("sync: %w", err)
	}
	rep := &SyncReport{Engagement: f.Engagement, ChiefFingerprint: t.Chief().Fingerprint(), NewOps: map[string]int{},
		Pending: []SyncItem{}, Rejected: []SyncItem{}, Conflicts: []SyncConflict{}, Warnings: []string{},
		skews: map[string]bool{}, members: map[string]string{}, have: map[string]bool{}}
	if err := w.onlyEngagement(f.Engagement); err != nil {
		return nil, err
	}
	if err := w.saveTeamKeys(t); err != nil {
		return nil, err
	}
	var all []exchange.Member
	all = append(all, t.Roster.Members...)
	for _, r := range t.Roster.Removed {
		all = append(all, r.Member)
	}
	for _, m := range all {
		rep.members[m.ID] = m.Name
	}
	if t.Removed() {
		rep.Warnings = append(rep.Warnings, "you are no longer on this engagement's team: nothing was published")
	} else if err := w.publish(ctx, f, t, k, rep); err != nil {
		return rep, fmt.Errorf("sync: %w: %w", ErrPublish, err)
	}
	err = w.collect(ctx, f, t, all, rep, progress)
	for _, k := range sortedKeys(rep.bad) {
		// A member's signed bundle named an object that is not what it
		// says: a fault of their device or a forgery, worth telling. The
		// blame goes to the bundles' signers, not to the path's owner:
		// any bundle may name any member's object.
		var by []string
		for _, m := range rep.namedBy[k] {
			by = append(by, rep.memberName(m))
		}
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("an evidence object named in a bundle of %s was refused: %s",
			strings.Join(by, ", "), rep.bad[k]))
	}
	if err != nil {
		return rep, fmt.Errorf("sync: %w", err)
	}
	return rep, nil
}

// onlyEngagement refuses to sync a store that holds other engagements:
// a device's log is published whole, and would carry them to this team.
func (w *Workspace) onlyEngagement(eng string) error {
	return w.st.View(func(tx *bolt.Tx) error {
		roots, err := tx.Roots()
		if err != nil {
			return err
		}
		for _, r := range roots {
			if r != eng {
				return fmt.Errorf("%w: this store also holds engagement %s; a store syncs one engagement only, so that no other engagement's data reaches this team", ErrInvalid, r)
			}
		}
		return nil
	})
}

// publish writes the evidence objects and then one bundle for this
// device's ops that the folder does not hold yet.
func (w *Workspace) publish(ctx context.Context, f *exchange.Folder, t *exchange.Team, k exchange.Keys, rep *SyncReport) error {
	me := w.Me()
	ids, _, err := f.ListBundles(t.Me)
	if err != nil {
		return err
	}
	if err := w.adoptOwnBundles(f, t, ids); err != nil {
		return err
	}
	var have []bundleRec
	var ops []change.Op
	var vv change.VersionVector
	refs := map[string]blob.Ref{}
	objects := map[string]exchange.Object{}
	err = w.st.View(func(tx *bolt.Tx) error {
		for _, id := range ids {
			var r bundleRec
			if ok, err := tx.GetRecord(recBundle, id, &r); err != nil {
				return err
			} else if ok && r.Device == me.Device {
				have = append(have, r)
			}
		}
		if vv, err = tx.VersionVector(); err != nil {
			return err
		}
		from := publishedUpTo(have) + 1
		if from > vv[me.Device] {
			return nil
		}
		if err := tx.LogFrom(me.Device, from, func(op change.Op) error {
			ops = append(ops, op)
			return nil
		}); err != nil {
			return err
		}
		for _, op := range ops {
			e, err := tx.Entity(op.Entity)
			if err != nil || e.Type() != TypeEvidence {
				continue
			}
			var ev evidenceRecord
			if err := decode(e, &ev); err != nil {
				return err
			}
			for _, r := range ev.refs() {
				var o exchange.Object
				if ok, err := tx.GetRecord(recObject, r.SHA256, &o); err != nil {
					return err
				} else if ok {
					objects[r.SHA256] = o
				} else {
					refs[r.SHA256] = w.local(r)
				}
			}
		}
		return nil
	})
	if err != nil || len(ops) == 0 {
		return err
	}
	// Objects first, each recorded once it is written and read back.
	if err := w.publishObjects(ctx, f, t, refs, objects, rep); err != nil {
		return err
	}
	b := &exchange.Bundle{Device: me.Device, From: ops[0].ID.Seq, To: ops[len(ops)-1].ID.Seq, VV: vv, Ops: ops,
		Clock: w.now().UnixMilli()}
	for _, s := range sortedKeys(objects) {
		b.Objects = append(b.Objects, objects[s])
	}
	if err := f.PutBundle(k, t, b); err != nil {
		return err
	}
	rep.Published = len(ops)
	return w.st.Update(func(tx *bolt.Tx) error {
		return tx.PutRecord(recBundle, b.ID, bundleRec{Member: t.Me, Device: me.Device, From: b.From, To: b.To})
	})
}

// publishedUpTo is the highest sequence n such that the bundles present
// cover 1..n without a gap.
func publishedUpTo(rs []bundleRec) uint64 {
	sort.Slice(rs, func(i, j int) bool { return rs[i].From < rs[j].From })
	var n uint64
	for _, r := range rs {
		if r.From <= n+1 && r.To > n {
			n = r.To
		}
	}
	return n
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// local maps a blob reference written by any store to this store's name
// for the same content (blob names are keyed per store).
func (w *Workspace) local(r blob.Ref) blob.Ref {
	r.Name = w.blobs.NameFor(r.SHA256)
	return r
}

func (w *Workspace) readBlob(r blob.Ref) ([]byte, error) {
	rc, err := w.blobs.Open(r)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

// collect reads every other member's new bundles and applies those whose
// earlier sequences and objects are present, in per-device order, until
// nothing more applies.
func (w *Workspace) collect(ctx context.Context, f *exchange.Folder, t *exchange.Team, all []exchange.Member, rep *SyncReport, progress *syncTracker) error {
	type cand struct {
		member string
		id     string
	}
	var cands []cand
	err := w.st.View(func(tx *bolt.Tx) error {
		for _, m := range all {
			if m.ID == t.Me {
				continue
			}
			ids, debris, err := f.ListBundles(m.ID)
			if err != nil {
				return err
			}
			rep.Debris += debris
			for _, id := range ids {
				if !tx.HasRecord(recBundle, id) {
					cands = append(cands, cand{m.ID, id})
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	total := len(cands)
	progress.bundles(0, total)
	byDevice := map[string][]*exchange.Bundle{}
	for i, c := range cands {
		if err := ctx.Err(); err != nil {
			return err
		}
		b, err := f.ReadBundle(t, c.member, c.id)
		switch {
		case errors.Is(err, exchange.ErrIncomplete), errors.Is(err, exchange.ErrNoKey):
			rep.Pending = append(rep.Pending, SyncItem{rep.members[c.member], c.id, err.Error()})
		case errors.Is(err, exchange.ErrRejected):
			rep.Rejected = append(rep.Rejected, SyncItem{rep.members[c.member], c.id, err.Error()})
		case err != nil:
			return err
		default:
			byDevice[b.Device] = append(byDevice[b.Device], b)
		}
		progress.bundles(i+1, total)
	}
	rep.namedBy = map[string][]string{}
	for _, d := range sortedKeys(byDevice) {
		for _, b := range byDevice[d] {
			for _, o := range b.Objects {
				if k := objectKey(o); !slices.Contains(rep.namedBy[k], b.Member) {
					rep.namedBy[k] = append(rep.namedBy[k], b.Member)
				}
			}
		}
	}
	if err := w.prefetchObjects(ctx, f, t, byDevice, rep, progress); err != nil {
		return err
	}
	devices := sortedKeys(byDevice)
	for _, d := range devices {
		bs := byDevice[d]
		sort.Slice(bs, func(i, j int) bool { return bs[i].From < bs[j].From || bs[i].From == bs[j].From && bs[i].To > bs[j].To })
	}
	for progressed := true; progressed; {
		progressed = false
		for _, d := range devices {
			var rest []*exchange.Bundle
			for _, b := range byDevice[d] {
				ok, err := w.applyBundle(ctx, f, t, b, rep)
				if err != nil {
					return err
				}
				if ok {
					progressed = true
				} else {
					rest = append(rest, b)
				}
			}
			byDevice[d] = rest
		}
	}
	var vv change.VersionVector
	if err := w.st.View(func(tx *bolt.Tx) (err error) { vv, err = tx.VersionVector(); return err }); err != nil {
		return err
	}
	for _, d := range devices {
		for _, b := range byDevice[d] {
			reason := fmt.Sprintf("waiting for ops %d..%d of its device", vv[b.Device]+1, b.From-1)
			if b.From <= vv[b.Device]+1 {
				reason = "waiting for its evidence objects"
			}
			if why := w.badObject(rep, b); why != "" {
				// It names an object that is not what it says: waiting
				// will not help, so say so.
				rep.Rejected = append(rep.Rejected, SyncItem{rep.members[b.Member], b.ID, why})
				continue
			}
			rep.Pending = append(rep.Pending, SyncItem{rep.members[b.Member], b.ID, reason})
		}
	}
	return nil
}

// applyBundle applies b if its predecessors are applied and its objects
// are at hand: the objects are imported first, then its ops and its id
// are recorded in one transaction. ok is false when it must wait.
func (w *Workspace) applyBundle(ctx context.Context, f *exchange.Folder, t *exchange.Team, b *exchange.Bundle, rep *SyncReport) (ok bool, err error) {
	var last uint64
	if err := w.st.View(func(tx *bolt.Tx) error {
		vv, err := tx.VersionVector()
		last = vv[b.Device]
		return err
	}); err != nil {
		return false, err
	}
	if b.From > last+1 {
		return false, nil
	}
	if b.To > last {
		for _, o := range b.Objects {
			if err := ctx.Err(); err != nil {
				return false, err
			}
			if rep.have[o.SHA256] || w.blobs.Verify(w.local(blob.Ref{SHA256: o.SHA256, Size: o.Size})) == nil {
				continue
			}
			imp := w.blobs.Importer()
			if err := w.importObject(ctx, imp, f, t, o, nil); !rep.noteObject(o, err) {
				if isPending(err) {
					return false, nil
				}
				return false, err
			}
			if err := imp.Sync(); err != nil {
				return false, err
			}
			if err := w.st.Update(func(tx *bolt.Tx) error { return tx.PutRecord(recObject, o.SHA256, o) }); err != nil {
				return false, err
			}
			rep.Imported++
		}
	}
	applied := 0
	var skew, behind time.Duration
	var found []SyncConflict
	var restored []string
	err = w.st.Update(func(tx *bolt.Tx) error {
		applied, skew, behind, found, restored = 0, 0, 0, nil, nil
		before := map[string]map[string]bool{}
		status := map[string]change.Status{}
		for _, op := range b.Ops {
			if _, seen := before[op.Entity]; seen {
				continue
			}
			before[op.Entity] = map[string]bool{}
			if e, err := tx.Entity(op.Entity); err == nil {
				for _, fld := range fieldConflicts(tx, e) {
					before[op.Entity][fld] = true
				}
				status[op.Entity] = e.Status()
			} else if !errors.Is(err, ErrNotFound) {
				return err
			}
		}
		for _, op := range b.Ops {
			ok, err := tx.ApplyRemote(op)
			if err != nil {
				return fmt.Errorf("apply %s: %w", op.ID, err)
			}
			if ok {
				applied++
			}
		}
		for _, id := range sortedKeys(before) {
			e, err := tx.Entity(id)
			if err != nil {
				return err
			}
			// Long texts whose concurrent edits merge cleanly are no
			// conflict (merge.go), before or after.
			for _, fld := range fieldConflicts(tx, e) {
				if !before[id][fld] {
					found = append(found, SyncConflict{Entity: id, Type: e.Type(), Field: fld})
				}
			}
			if e.Status() == change.RestoredByEdit && status[id] != change.RestoredByEdit {
				restored = append(restored, id)
			}
		}
		skew = tx.Skew()
		behind = clockBehind(tx, b, w.Me().Device, w.now())
		// Review hook (review.go): verify the sign-offs and approvals in b.
		if err := w.reviewSyncHook(tx, t, b, rep); err != nil {
			return err
		}
		return tx.PutRecord(recBundle, b.ID, bundleRec{Member: b.Member, Device: b.Device, From: b.From, To: b.To})
	})
	if err != nil {
		return false, fmt.Errorf("bundle %s of %s: %w", b.ID, rep.members[b.Member], err)
	}
	if applied > 0 {
		rep.NewOps[rep.members[b.Member]] += applied
	}
	rep.Conflicts = append(rep.Conflicts, found...)
	for _, id := range restored {
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s was deleted by one member and edited by another; the edit wins and it is back", id))
	}
	switch {
	case rep.skews[b.Device]:
	case skew > SkewWarning:
		rep.skews[b.Device] = true
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s's clock runs %s ahead of this one; the merge is unaffected, but check the laptop's date", rep.members[b.Member], skew.Round(time.Hour)))
	case behind > SkewWarning:
		rep.skews[b.Device] = true
		rep.Warnings = append(rep.Warnings, fmt.Sprintf("%s's clock runs %s behind this one; the merge is unaffected, but check the laptop's date", rep.members[b.Member], behind.Round(time.Hour)))
	}
	return true, nil
}

// clockBehind is how far the clock of b's writer ran behind this
// machine's, as far as b proves it (zero when it does not). Op times
// cannot show it: they are hybrid logical clock readings, which never go
// below what the writer had seen. An old bundle read today proves nothing
// either. But b names (VV) the newest op of this device its writer had
// seen, so b was written after that op; when the writer's wall clock
// then (b.Clock) read earlier than that op's time by this machine's
// clock, the writer's clock was behind by at least the difference. An
// op time ahead of this clock now is not a reading of it (it carries an
// ahead device's time, as hybrid clocks do) and proves nothing.
func clockBehind(tx *bolt.Tx, b *exchange.Bundle, me string, now time.Time) time.Duration {
	seq := b.VV[me]
	if b.Clock == 0 || seq == 0 || b.Device == me {
		return 0
	}
	oid := change.OpID{Device: me, Seq: seq}
	var at change.Time
	err := tx.LogFrom(me, seq, func(op change.Op) error {
		if op.ID == oid {
			at = op.At
		}
		return errFound
	})
	if !errors.Is(err, errFound) || at.Wall == 0 || at.Wall > now.UnixMilli() || at.Wall <= b.Clock {
		return 0
	}
	return time.Duration(at.Wall-b.Clock) * time.Millisecond
}

// badObject is why b cannot apply when it names an object (this exact
// path, content and size) that was refused and whose content this store
// does not hold from elsewhere ("" when there is none): waiting will not
// help it.
func (w *Workspace) badObject(rep *SyncReport, b *exchange.Bundle) string {
	for _, o := range b.Objects {
		why, ok := rep.bad[objectKey(o)]
		if !ok || rep.have[o.SHA256] {
			continue
		}
		held := false
		w.st.View(func(tx *bolt.Tx) error { held = tx.HasRecord(recObject, o.SHA256); return nil })
		if !held {
			return "its evidence " + why
		}
	}
	return ""
}

// objectKey names an object as a bundle does: path, content and size.
func objectKey(o exchange.Object) string {
	return fmt.Sprintf("%s %s %d", o.Path, o.SHA256, o.Size)
}

// memberName is a member's name when the team knows it, else the id.
func (rep *SyncReport) memberName(id string) string {
	if n, ok := rep.members[id]; ok {
		return n
	}
	return id
}
