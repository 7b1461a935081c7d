package workspace

import (
	"context"
	"fmt"

	"github.com/kansa-audit/kansa/internal/blob"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/exchange"
)

// recObjectTry remembers an object sealed and about to be written (plain
// SHA-256 -> exchange.Object), so that a publish killed between the write
// and recording it finds the file again instead of writing a second copy.
const recObjectTry = "object-try"

// adoptOwnBundles records this device's bundles that are in the folder but
// not in the store: a publish killed after its bundle reached its final
// name and before the store recorded it. Without this the next sync would
// publish the same ops a second time. Files that are partial, damaged or
// not this device's are left alone.
func (w *Workspace) adoptOwnBundles(f *exchange.Folder, t *exchange.Team, ids []string) error {
	me := w.Me()
	var unknown []string
	var mine uint64
	if err := w.st.View(func(tx *bolt.Tx) error {
		for _, id := range ids {
			if !tx.HasRecord(recBundle, id) {
				unknown = append(unknown, id)
			}
		}
		vv, err := tx.VersionVector()
		mine = vv[me.Device]
		return err
	}); err != nil || len(unknown) == 0 {
		return err
	}
	for _, id := range unknown {
		b, err := f.ReadBundle(t, t.Me, id)
		if err != nil || b.Device != me.Device || b.To > mine {
			continue
		}
		if err := w.st.Update(func(tx *bolt.Tx) error {
			return tx.PutRecord(recBundle, b.ID, bundleRec{Member: t.Me, Device: me.Device, From: b.From, To: b.To})
		}); err != nil {
			return err
		}
	}
	return nil
}

// publishObjects writes the evidence objects in refs (plain SHA-256 ->
// this store's blob) and adds each to objects once it is written and read
// back. Each object's name is recorded before its file is written, in the
// transaction that records the previous object as published; an object
// found complete under a recorded name is taken as published.
func (w *Workspace) publishObjects(ctx context.Context, f *exchange.Folder, t *exchange.Team, refs map[string]blob.Ref, objects map[string]exchange.Object, rep *SyncReport) error {
	shas := sortedKeys(refs)
	tries := map[string]exchange.Object{}
	if err := w.st.View(func(tx *bolt.Tx) error {
		for _, s := range shas {
			var o exchange.Object
			if ok, err := tx.GetRecord(recObjectTry, s, &o); err != nil {
				return err
			} else if ok {
				tries[s] = o
			}
		}
		return nil
	}); err != nil {
		return err
	}
	adopted := map[string]bool{}
	for _, s := range sortedKeys(tries) {
		if o := tries[s]; f.HasObject(o) {
			adopted[s] = true
			objects[s] = o
		}
	}
	if len(adopted) > 0 {
		if err := w.st.Update(func(tx *bolt.Tx) error {
			for s := range adopted {
				if err := tx.PutRecord(recObject, s, objects[s]); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			return err
		}
	}
	prev := ""
	done := func(tx *bolt.Tx) error {
		if prev == "" {
			return nil
		}
		return tx.PutRecord(recObject, prev, objects[prev])
	}
	for _, s := range shas {
		if adopted[s] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		data, err := w.readBlob(refs[s])
		if err != nil {
			return fmt.Errorf("evidence blob %s: %w", s, err)
		}
		o, ct, err := f.SealObject(t, data)
		if err != nil {
			return err
		}
		if err := w.st.Update(func(tx *bolt.Tx) error {
			if err := done(tx); err != nil {
				return err
			}
			return tx.PutRecord(recObjectTry, s, o)
		}); err != nil {
			return err
		}
		if err := f.WriteObject(o, ct); err != nil {
			return err
		}
		objects[s] = o
		prev = s
		rep.PublishedObjects++
	}
	return w.st.Update(done)
}
