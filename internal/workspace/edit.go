package workspace

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/blob"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/change"
)

// editableAudit checks that an audit exists and is not locked. It reads
// only the lock record that the verified approvals give (review.go): this
// is on the path of every keystroke's autosave.
func editableAudit(tx *bolt.Tx, auditID string) error {
	if _, err := entityOf(tx, auditID, TypeAudit); err != nil {
		return err
	}
	if lock, err := auditLock(tx, auditID); err != nil {
		return err
	} else if lock != "" {
		return ErrLocked
	}
	return nil
}

// scaleOf reads an audit's rating scale.
func scaleOf(tx *bolt.Tx, auditID string) (audit.Scale, error) {
	ent, err := entityOf(tx, auditID, TypeAudit)
	if err != nil {
		return audit.Scale{}, err
	}
	var s audit.Scale
	if !ent.Decode("scale", &s) {
		return audit.DefaultScale(), nil
	}
	return s, nil
}

// findItem finds a live item of the audit by its normalised number.
func findItem(tx *bolt.Tx, auditID, no string) (*change.Entity, error) {
	n := audit.NormalizeNo(no)
	items, err := childrenOf(tx, auditID, TypeItem)
	if err != nil {
		return nil, err
	}
	for _, e := range items {
		if audit.NormalizeNo(e.String("no")) == n {
			return e, nil
		}
	}
	return nil, fmt.Errorf("item %s in audit %s: %w", no, auditID, ErrNotFound)
}

// AddItem adds a checksheet item; its number must be new in the audit.
func (w *Workspace) AddItem(auditID string, it audit.Item) (string, error) {
	it.No = audit.NormalizeNo(it.No)
	if err := it.Validate(); err != nil {
		return "", err
	}
	id := w.newID()
	err := w.st.Update(func(tx *bolt.Tx) error {
		if err := editableAudit(tx, auditID); err != nil {
			return err
		}
		if _, err := findItem(tx, auditID, it.No); err == nil {
			return fmt.Errorf("%w: item %s already exists in this audit", ErrInvalid, it.No)
		}
		return create(tx, id, TypeItem, auditID, it)
	})
	if err != nil {
		return "", fmt.Errorf("add item %s: %w", it.No, err)
	}
	return id, nil
}

// ResultPatch changes some fields of a result; nil fields stay as they are.
type ResultPatch struct {
	Rating       *string // a code or label of the audit's scale
	Observation  *string
	EvidenceSeen *string
	Finding      *string // finding, advice, notable, good, or "" / none
	Proposal     *string
}

// SetResult records (part of) the result of the item numbered no. It is one
// durable transaction; fields not in the patch are untouched.
func (w *Workspace) SetResult(auditID, no string, p ResultPatch) error {
	err := w.st.Update(func(tx *bolt.Tx) error {
		if err := editableAudit(tx, auditID); err != nil {
			return err
		}
		scale, err := scaleOf(tx, auditID)
		if err != nil {
			return err
		}
		item, err := findItem(tx, auditID, no)
		if err != nil {
			return err
		}
		set := map[string]any{}
		if p.Rating != nil {
			code := ""
			if strings.TrimSpace(*p.Rating) != "" {
				r, ok := scale.Lookup(*p.Rating)
				if !ok {
					return fmt.Errorf("%w: rating %q is not in this audit's scale (%s)", ErrInvalid, *p.Rating, strings.Join(scale.Codes(), ", "))
				}
				code = r.Code
			}
			set["rating"] = code
		}
		if p.Finding != nil {
			f, err := audit.ParseFindingClass(*p.Finding)
			if err != nil {
				return err
			}
			set["finding"] = f
		}
		for k, v := range map[string]*string{"observation": p.Observation, "evidence_seen": p.EvidenceSeen, "proposal": p.Proposal} {
			if v != nil {
				set[k] = *v
			}
		}
		for _, k := range []string{"rating", "observation", "evidence_seen", "finding", "proposal"} {
			if v, ok := set[k]; ok {
				if _, _, err := tx.Write(item.ID, k, v); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("set result of item %s: %w", no, err)
	}
	return nil
}

// SetField writes one field of any entity of an editable audit: the GUI's
// autosave path. The value must be the field's JSON-compatible Go value.
// Writing a field that is in conflict resolves the conflict with value.
func (w *Workspace) SetField(auditID, entityID, field string, value any) error {
	if strings.HasPrefix(field, "_") || skipKeys[field] {
		return fmt.Errorf("%w: field %q cannot be edited", ErrInvalid, field)
	}
	return w.st.Update(func(tx *bolt.Tx) error {
		if err := editableAudit(tx, auditID); err != nil {
			return err
		}
		e, err := tx.Entity(entityID)
		if err != nil {
			return err
		}
		if e.Parent() != auditID {
			return fmt.Errorf("%s is not part of audit %s: %w", entityID, auditID, ErrNotFound)
		}
		_, _, err = tx.Write(entityID, field, value)
		return err
	})
}

// evidenceRecord is how evidence is stored: the domain record plus the
// names of its sealed blobs (the original, and for photos the derived
// report-size copy and thumbnail).
type evidenceRecord struct {
	audit.Evidence
	Blob   string    `json:"blob"`
	Report *blob.Ref `json:"report,omitempty"`
	Thumb  *blob.Ref `json:"thumb,omitempty"`
	Width  int       `json:"width,omitempty"` // of the report copy, upright
	Height int       `json:"height,omitempty"`
}

// refs lists every blob the record refers to, named as in the store that
// captured it; Workspace.local renames them for this store.
func (r evidenceRecord) refs() []blob.Ref {
	out := []blob.Ref{{Name: r.Blob, SHA256: r.SHA256, Size: r.Size}}
	for _, d := range []*blob.Ref{r.Report, r.Thumb} {
		if d != nil {
			out = append(out, *d)
		}
	}
	return out
}

// MaxPhotoBytes bounds a photo read into memory to derive its copies; a
// larger "photo" is refused (real camera files are well below).
const MaxPhotoBytes = 256 << 20

// ErrBadPhoto wraps every reason a photo is refused: not an image, damaged,
// or a decompression bomb. The message names the file.
var ErrBadPhoto = errors.New("photo refused")

// AddEvidence seals the file at path into the blob store, verifies it, and
// records it against the given items. A photo is processed once, here: its
// EXIF capture time and orientation are read, and a report-size copy and a
// thumbnail are made (upright). A file named like a photo that does not
// decode, or that has over 100 megapixels, is refused and nothing is stored.
//
// The blobs are written and verified before the record that refers to
// them, so a crash leaves at worst unreferenced blobs, never a record
// without its file. AddEvidenceBatch does the same for many files.
func (w *Workspace) AddEvidence(ctx context.Context, auditID string, itemNos []string, path, caption string) (audit.Evidence, error) {
	itemIDs, err := w.resolveItems(auditID, itemNos)
	if err != nil {
		return audit.Evidence{}, err
	}
	p, err := prepareEvidence(path)
	if err != nil {
		return audit.Evidence{}, err
	}
	defer p.close()
	return w.commitEvidence(ctx, auditID, itemIDs, p, caption)
}

// resolveItems checks that the audit is editable and finds the ids of the
// items numbered itemNos, so that a typo fails before any work is done.
func (w *Workspace) resolveItems(auditID string, itemNos []string) ([]string, error) {
	var itemIDs []string
	err := w.st.View(func(tx *bolt.Tx) error {
		if err := editableAudit(tx, auditID); err != nil {
			return err
		}
		for _, no := range itemNos {
			it, err := findItem(tx, auditID, no)
			if err != nil {
				return err
			}
			itemIDs = append(itemIDs, it.ID)
		}
		return nil
	})
	return itemIDs, err
}

// preparedEvidence is an evidence file made ready to store: a photo read
// into memory and derived, or a document kept open to be streamed. It is
// made without touching the workspace, so that several files can be
// prepared at once.
type preparedEvidence struct {
	name    string
	kind    audit.EvidenceKind
	file    *os.File // a document, streamed into the blob store; nil for a photo
	data    []byte   // a photo's original bytes
	derived *blob.Derived
}

// close releases the file of a prepared document.
func (p *preparedEvidence) close() {
	if p != nil && p.file != nil {
		p.file.Close()
		p.file = nil
	}
}

// prepareEvidence opens the file at path and, for a photo, reads it and
// makes its derived images (the CPU-heavy part of an import). A refused
// photo's error wraps ErrBadPhoto and names the file.
func prepareEvidence(path string) (*preparedEvidence, error) {
	name := filepath.Base(path)
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open evidence file %s: %w", name, err)
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("open evidence file %s: %w", name, err)
	}
	if fi.IsDir() {
		f.Close()
		return nil, fmt.Errorf("%w: %s is a folder, not a file", ErrInvalid, path)
	}
	p := &preparedEvidence{name: name, kind: audit.KindForFile(name)}
	if p.kind != audit.EvidencePhoto {
		p.file = f
		return p, nil
	}
	defer f.Close()
	if fi.Size() > MaxPhotoBytes {
		return nil, fmt.Errorf("%w: %s is %d MB; a photo may be at most %d MB", ErrBadPhoto, name, fi.Size()>>20, MaxPhotoBytes>>20)
	}
	// Read into a buffer of the file's size: no regrowth, no garbage.
	buf := bytes.NewBuffer(make([]byte, 0, fi.Size()+bytes.MinRead))
	if _, err := buf.ReadFrom(io.LimitReader(f, MaxPhotoBytes+1)); err != nil {
		return nil, fmt.Errorf("read evidence file %s: %w", name, err)
	}
	if buf.Len() > MaxPhotoBytes {
		return nil, fmt.Errorf("%w: %s is over %d MB", ErrBadPhoto, name, MaxPhotoBytes>>20)
	}
	p.data = buf.Bytes()
	if p.derived, err = blob.Derive(p.data); err != nil {
		return nil, fmt.Errorf("%w: %s: %w", ErrBadPhoto, name, err)
	}
	return p, nil
}

// commitEvidence stores a prepared file: its blobs, written and verified,
// then its record in one durable transaction.
func (w *Workspace) commitEvidence(ctx context.Context, auditID string, itemIDs []string, p *preparedEvidence, caption string) (audit.Evidence, error) {
	ev, err := w.storeEvidence(ctx, p, caption)
	if err != nil {
		return audit.Evidence{}, err
	}
	return w.recordEvidence(auditID, itemIDs, ev)
}

// storeEvidence seals a prepared file's original and, for a photo, its
// report copy and thumbnail into the blob store, each verified by reading
// it back. It touches no transaction, so several files can be stored at
// once; a blob stored for a file that is never recorded is unreferenced,
// never a record without its file.
func (w *Workspace) storeEvidence(ctx context.Context, p *preparedEvidence, caption string) (evidenceRecord, error) {
	ev := evidenceRecord{Evidence: audit.Evidence{
		Kind: p.kind, FileName: p.name, Caption: strings.TrimSpace(caption),
	}}
	var src io.Reader = p.file
	if p.derived != nil {
		if !p.derived.TakenAt.IsZero() {
			ev.CapturedAt = p.derived.TakenAt.UTC()
		}
		src = bytes.NewReader(p.data)
	}
	ref, err := w.blobs.Put(ctx, src)
	if err != nil {
		return ev, fmt.Errorf("store evidence %s: %w", p.name, err)
	}
	ev.Blob, ev.Size, ev.SHA256 = ref.Name, ref.Size, ref.SHA256
	if d := p.derived; d != nil {
		rep, err := w.blobs.Put(ctx, bytes.NewReader(d.Report))
		if err != nil {
			return ev, fmt.Errorf("store report copy of %s: %w", p.name, err)
		}
		th, err := w.blobs.Put(ctx, bytes.NewReader(d.Thumb))
		if err != nil {
			return ev, fmt.Errorf("store thumbnail of %s: %w", p.name, err)
		}
		ev.Report, ev.Thumb, ev.Width, ev.Height = &rep, &th, d.Width, d.Height
	}
	return ev, nil
}

// recordEvidence records stored evidence against the audit's items in one
// durable transaction.
func (w *Workspace) recordEvidence(auditID string, itemIDs []string, ev evidenceRecord) (audit.Evidence, error) {
	ev.Items, ev.CapturedBy = itemIDs, w.Me().Name
	if ev.CapturedAt.IsZero() { // no EXIF time: the time it was recorded, in file order
		ev.CapturedAt = w.now().UTC().Truncate(time.Second)
	}
	if err := ev.Validate(); err != nil {
		return audit.Evidence{}, err
	}
	ev.ID = w.newID()
	err := w.st.Update(func(tx *bolt.Tx) error {
		if err := editableAudit(tx, auditID); err != nil {
			return err
		}
		return create(tx, ev.ID, TypeEvidence, auditID, ev)
	})
	if err != nil {
		return audit.Evidence{}, fmt.Errorf("record evidence %s: %w", ev.FileName, err)
	}
	ev.AuditID = auditID
	return ev.Evidence, nil
}

// EvidenceImage returns the upright report-size JPEG of a photo, with its
// size in pixels; ok is false for evidence that is not a photo.
func (w *Workspace) EvidenceImage(evidenceID string, thumb bool) (jpg []byte, width, height int, ok bool, err error) {
	var ev evidenceRecord
	err = w.st.View(func(tx *bolt.Tx) error {
		e, err := entityOf(tx, evidenceID, TypeEvidence)
		if err != nil {
			return err
		}
		return decode(e, &ev)
	})
	if err != nil || ev.Report == nil {
		return nil, 0, 0, false, err
	}
	ref := *ev.Report
	if thumb {
		ref = *ev.Thumb
	}
	rc, err := w.blobs.Open(w.local(ref))
	if err != nil {
		return nil, 0, 0, false, err
	}
	defer rc.Close()
	jpg, err = io.ReadAll(rc)
	if err != nil {
		return nil, 0, 0, false, err
	}
	return jpg, ev.Width, ev.Height, true, nil
}

// OpenEvidence returns the original bytes of an evidence file.
func (w *Workspace) OpenEvidence(evidenceID string) (audit.Evidence, func() ([]byte, error), error) {
	var ev evidenceRecord
	err := w.st.View(func(tx *bolt.Tx) error {
		e, err := entityOf(tx, evidenceID, TypeEvidence)
		if err != nil {
			return err
		}
		ev.ID, ev.AuditID = e.ID, e.Parent()
		return decode(e, &ev)
	})
	if err != nil {
		return audit.Evidence{}, nil, err
	}
	read := func() ([]byte, error) {
		rc, err := w.blobs.Open(w.local(blob.Ref{Name: ev.Blob, SHA256: ev.SHA256, Size: ev.Size}))
		if err != nil {
			return nil, err
		}
		defer rc.Close()
		return io.ReadAll(rc)
	}
	return ev.Evidence, read, nil
}

// NewHearing describes a hearing to record; items are checksheet numbers.
type NewHearing struct {
	At           time.Time
	Place        string
	Interviewees []audit.Interviewee
	Auditors     []string
	Statements   []NewStatement
	FollowUps    []string
	Notes        string
}

// NewStatement is a statement with the item numbers it concerns.
type NewStatement struct {
	Text    string
	ItemNos []string
}

// AddHearing records a hearing and returns its id.
func (w *Workspace) AddHearing(auditID string, n NewHearing) (string, error) {
	h := audit.Hearing{At: n.At.UTC(), Place: n.Place, Interviewees: n.Interviewees, Auditors: n.Auditors,
		FollowUps: n.FollowUps, Notes: n.Notes}
	if len(h.Auditors) == 0 {
		h.Auditors = []string{w.Me().Name}
	}
	id := w.newID()
	err := w.st.Update(func(tx *bolt.Tx) error {
		if err := editableAudit(tx, auditID); err != nil {
			return err
		}
		for _, s := range n.Statements {
			st := audit.Statement{Text: s.Text}
			for _, no := range s.ItemNos {
				it, err := findItem(tx, auditID, no)
				if err != nil {
					return err
				}
				st.Items = append(st.Items, it.ID)
			}
			h.Statements = append(h.Statements, st)
		}
		if err := h.Validate(); err != nil {
			return err
		}
		return create(tx, id, TypeHearing, auditID, h)
	})
	if err != nil {
		return "", fmt.Errorf("add hearing: %w", err)
	}
	return id, nil
}

// DeleteItem tombstones an item. An edit made concurrently elsewhere keeps
// it alive when the two meet.
func (w *Workspace) DeleteItem(auditID, no string) error {
	return w.st.Update(func(tx *bolt.Tx) error {
		if err := editableAudit(tx, auditID); err != nil {
			return err
		}
		it, err := findItem(tx, auditID, no)
		if err != nil {
			return err
		}
		return tx.Delete(it.ID)
	})
}
