package workspace

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/change"
	"github.com/kansa-audit/kansa/internal/exchange"
)

// The review workflow: review notes, preparer and reviewer sign-offs, the
// chief's approval that locks an audit, and reopening.
//
// A sign-off (approval and reopening included) is an audit.SignOff signed
// with the signer's Ed25519 team key. It names the exact op ids of the
// values it covers: the item's result and checksheet definition, and the
// evidence and hearings linked to it (readCovers), so any later edit of
// that work makes it stale. It is stored as an entity of type TypeSignOff holding the whole
// signed record in one field, so it travels with the signer's ops through
// sync, and each store keeps its own ledger of the sign-offs it has seen
// (records recSignOff) with the verdict of its verification:
//
//   - made here: signed with this store's keys after checking this
//     member's role (the role the team roster gave this member at the last
//     sync, else the store's own role when there is no team yet);
//   - arriving by sync: verified by reviewSyncHook against the CURRENT
//     roster: the key it gives the signer, and a role that may make that
//     kind (approval and reopening: chief only). A failing one is kept in
//     the ledger as invalid, shown as such, ignored for the lock and the
//     queue, and named in the sync report's warnings.
//
// The ledger, not the entity's current value, is what counts: a later op
// overwriting or deleting a sign-off entity changes nothing, and the first
// valid record seen under an id is kept.
//
// The lock. An audit is locked while a valid approval exists that no valid
// reopening names. editableAudit reads the cached verdict (record recLock),
// which Approve, Reopen and the sync hook keep current; the replicated
// "locked" field of the audit is not trusted (any member could write it).
// Every local edit of a locked audit fails with ErrLocked. Remote ops are a
// different matter: an op made on another laptop concurrently with the
// approval (before that laptop had seen it) is still applied when it
// arrives, since nothing is ever lost, and the device's log must stay
// gapless. Such an edit of a covered field makes the approval stale; the
// audit stays locked, the review queue lists the stale approval with the
// field and op that made it stale, and the sync report warns. The chief
// then reopens, looks, and approves again.

// Records of the review workflow (see bolt.Tx.PutRecord). They are local
// to this store and derived from ops plus verification; never synced.
const (
	recSignOff = "signoff"      // sign-off id -> ledgerEntry
	recLock    = "lock"         // audit id -> lockRec
	recRoster  = "review-roles" // engagement id -> map member id -> rosterRole, as the last sync saw the roster
)

// fieldSignOff is the field of a TypeSignOff entity that holds the signed
// record.
const fieldSignOff = "signoff"

// signedFields are the result fields of an item (readCovers: a sign-off
// covers these and more): the whole result,
// follow-up progress included.
var signedFields = []string{"rating", "observation", "evidence_seen", "finding", "proposal", "status", "auditee_comment"}

// Review errors callers distinguish with errors.Is.
var (
	// ErrRole: the member's role does not allow this sign-off (reviewing
	// needs chief or assistant; approving and reopening need chief).
	ErrRole = errors.New("your role does not allow this")
	// ErrSelfReview: a reviewer sign-off of work the signer prepared.
	ErrSelfReview = errors.New("a reviewer cannot sign off work they prepared")
	// ErrNotApproved: Reopen of an audit that is not locked.
	ErrNotApproved = errors.New("the audit is not approved")
)

// ledgerEntry is one sign-off as this store has seen it.
type ledgerEntry struct {
	SignOff audit.SignOff `json:"signoff"`
	Valid   bool          `json:"valid"`
	Reason  string        `json:"reason,omitempty"` // why it is invalid
}

// lockRec names the approval that locks an audit ("" = unlocked).
type lockRec struct {
	Approval string `json:"approval"`
}

// rosterRole is what the roster says of one member.
type rosterRole struct {
	Name string `json:"name"`
	Role string `json:"role"`
	Sign []byte `json:"sign"`
}

// SignOffState is a sign-off as the audit state shows it.
type SignOffState struct {
	audit.SignOff
	ItemNo       string        `json:"item_no,omitempty"` // the item's number; "" for the whole audit
	Valid        bool          `json:"valid"`
	Invalid      string        `json:"invalid,omitempty"` // why verification rejected it
	Stale        bool          `json:"stale"`
	Changes      []StaleChange `json:"changes,omitempty"` // what made it stale
	Reopened     bool          `json:"reopened,omitempty"`
	ReopenReason string        `json:"reopen_reason,omitempty"`
	Locks        bool          `json:"locks,omitempty"` // the approval that locks the audit now
}

// StaleChange is one reason a sign-off is stale: a value of a covered
// field written since (Op is its id), or a covered value that is gone
// (Gone: a deleted item, say).
type StaleChange struct {
	ItemNo string    `json:"item_no"`
	Field  string    `json:"field,omitempty"`
	Op     string    `json:"op"`
	Author string    `json:"author,omitempty"` // name, else member id
	At     time.Time `json:"at,omitzero"`
	Gone   bool      `json:"gone,omitempty"`
}

func (c StaleChange) String() string {
	if c.Gone {
		return fmt.Sprintf("item %s: signed value %s is gone", c.ItemNo, c.Op)
	}
	return fmt.Sprintf("item %s %s edited by %s (op %s)", c.ItemNo, c.Field, c.Author, c.Op)
}

// ReviewItem is an item (or the whole audit) signed off by its preparer
// and not yet by a reviewer.
type ReviewItem struct {
	Target     string    `json:"target"`  // item id, or the audit id
	ItemNo     string    `json:"item_no"` // "" for the whole audit
	Title      string    `json:"title"`
	Preparer   string    `json:"preparer"` // member id
	Name       string    `json:"name"`     // preparer's name
	PreparedAt time.Time `json:"prepared_at"`
	SignOff    string    `json:"signoff"` // the preparer sign-off's id
}

// StaleSignOff is a sign-off a later edit made stale, with a sentence
// naming the field and op.
type StaleSignOff struct {
	SignOffState
	Reason string `json:"reason"`
}

// ReviewQueue is the chief's review queue of one audit.
type ReviewQueue struct {
	AwaitingReview []ReviewItem       `json:"awaiting_review"`
	OpenNotes      []audit.ReviewNote `json:"open_notes"` // open or answered, not closed
	Stale          []StaleSignOff     `json:"stale"`
	Locked         bool               `json:"locked"`
	Invalid        []SignOffState     `json:"invalid"` // rejected sign-offs, ignored
}

// ---- notes ----

// AddNote writes a review note on target: an item's number or id, else a
// document section key (any other non-blank text, e.g. "report/summary").
// It returns the note's id. Notes, like every edit, are refused with
// ErrLocked while the audit is approved.
func (w *Workspace) AddNote(auditID, target, text string) (string, error) {
	text = strings.TrimSpace(text)
	me := w.Me()
	id := w.newID()
	err := w.st.Update(func(tx *bolt.Tx) error {
		if err := editableAudit(tx, auditID); err != nil {
			return err
		}
		n := audit.ReviewNote{Target: resolveTarget(tx, auditID, target), Author: me.Member, At: w.now().UTC(),
			Text: text, Status: audit.NoteOpen}
		if err := n.Validate(); err != nil {
			return err
		}
		return create(tx, id, TypeNote, auditID, n)
	})
	if err != nil {
		return "", fmt.Errorf("add review note: %w", err)
	}
	return id, nil
}

// resolveTarget maps an item number or id to the item id; anything else
// is kept as a document section key.
func resolveTarget(tx *bolt.Tx, auditID, target string) string {
	target = strings.TrimSpace(target)
	if it, err := findItem(tx, auditID, target); err == nil {
		return it.ID
	}
	return target
}

// AnswerNote records the preparer's response; the note becomes answered.
func (w *Workspace) AnswerNote(noteID, response string) error {
	response = strings.TrimSpace(response)
	if response == "" {
		return fmt.Errorf("answer review note: %w: the response is empty", ErrInvalid)
	}
	me := w.Me()
	return w.editNote(noteID, "answer", func(tx *bolt.Tx, n audit.ReviewNote) (map[string]any, error) {
		if n.Status == audit.NoteClosed {
			return nil, fmt.Errorf("%w: the note is closed; reopen it first", ErrInvalid)
		}
		return map[string]any{"response": response, "responder": me.Member, "status": audit.NoteAnswered}, nil
	})
}

// CloseNote closes a note: its author, or a reviewer (chief, assistant).
func (w *Workspace) CloseNote(noteID string) error {
	return w.setNoteStatus(noteID, "close", audit.NoteClosed)
}

// ReopenNote opens a closed or answered note again (its author or a
// reviewer).
func (w *Workspace) ReopenNote(noteID string) error {
	return w.setNoteStatus(noteID, "reopen", audit.NoteOpen)
}

func (w *Workspace) setNoteStatus(noteID, verb string, status audit.NoteStatus) error {
	me := w.Me()
	return w.editNote(noteID, verb, func(tx *bolt.Tx, n audit.ReviewNote) (map[string]any, error) {
		if n.Author != me.Member {
			eng, err := engagementOf(tx, n.AuditID)
			if err != nil {
				return nil, err
			}
			role, err := w.roleIn(tx, eng)
			if err != nil {
				return nil, err
			}
			if !role.MaySign(audit.SignReviewer) {
				return nil, fmt.Errorf("%w: only the note's author or a reviewer (chief, assistant) may %s it (your role is %s)", ErrRole, verb, role)
			}
		}
		return map[string]any{"status": status}, nil
	})
}

// editNote writes fields of a note of an editable audit in one transaction.
func (w *Workspace) editNote(noteID, verb string, fn func(*bolt.Tx, audit.ReviewNote) (map[string]any, error)) error {
	err := w.st.Update(func(tx *bolt.Tx) error {
		e, err := entityOf(tx, noteID, TypeNote)
		if err != nil {
			return err
		}
		var n audit.ReviewNote
		if err := decode(e, &n); err != nil {
			return err
		}
		n.ID, n.AuditID = e.ID, e.Parent()
		if err := editableAudit(tx, n.AuditID); err != nil {
			return err
		}
		set, err := fn(tx, n)
		if err != nil {
			return err
		}
		for _, k := range sortedKeys(set) {
			if _, _, err := tx.Write(noteID, k, set[k]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s review note %s: %w", verb, noteID, err)
	}
	return nil
}

// ---- sign-offs ----

// SignOff signs off one item (target = its number or id) or the whole
// audit (target = the audit id) as preparer or reviewer. It covers the op
// ids of the target's current result values; an item with no result yet
// cannot be signed off. A reviewer sign-off needs the role chief or
// assistant, and is refused (ErrSelfReview) when the signer wrote any of
// the covered values or signed the target off as preparer.
func (w *Workspace) SignOff(auditID, target string, kind audit.SignOffKind) (audit.SignOff, error) {
	if kind != audit.SignPreparer && kind != audit.SignReviewer {
		return audit.SignOff{}, fmt.Errorf("sign off: %w: kind %q is not preparer or reviewer (use Approve)", ErrInvalid, kind)
	}
	so, err := w.sign(auditID, kind, func(tx *bolt.Tx, so *audit.SignOff) error {
		if strings.TrimSpace(target) == "" || target == auditID {
			so.Target = auditID
		} else if it, err := findItem(tx, auditID, target); err == nil {
			so.Target = it.ID
		} else if e, err2 := entityOf(tx, target, TypeItem); err2 == nil && e.Parent() == auditID {
			so.Target = e.ID
		} else {
			return err
		}
		return nil
	})
	if err != nil {
		return audit.SignOff{}, fmt.Errorf("sign off %s as %s: %w", orAudit(target), kind, err)
	}
	return so, nil
}

func orAudit(target string) string {
	if target == "" {
		return "the audit"
	}
	return target
}

// Approve (chief only) signs the final approval of the whole audit, which
// locks it: every local edit then fails with ErrLocked until Reopen, on
// this store and on every store that has synced the approval.
//
// Edits that other members made concurrently with the approval (before
// their store had received it) are still applied when they arrive by
// sync: nothing is lost, and a device's log cannot skip ops. They make the
// approval stale; the audit stays locked, ReviewQueue lists the approval
// under Stale naming the field and op, and the sync report warns. The
// chief reviews the change, then reopens or approves again.
func (w *Workspace) Approve(auditID string) (audit.SignOff, error) {
	so, err := w.sign(auditID, audit.SignApproval, func(tx *bolt.Tx, so *audit.SignOff) error {
		so.Target = auditID
		return nil
	})
	if err != nil {
		return audit.SignOff{}, fmt.Errorf("approve audit %s: %w", auditID, err)
	}
	return so, nil
}

// Reopen (chief only) unlocks an approved audit. The approval is kept,
// marked as reopened with the reason, and no longer counts.
func (w *Workspace) Reopen(auditID, reason string) error {
	if strings.TrimSpace(reason) == "" {
		return fmt.Errorf("reopen audit %s: %w: give a reason", auditID, ErrInvalid)
	}
	_, err := w.sign(auditID, audit.SignReopen, func(tx *bolt.Tx, so *audit.SignOff) error {
		var l lockRec
		if _, err := tx.GetRecord(recLock, auditID, &l); err != nil {
			return err
		}
		if l.Approval == "" {
			return ErrNotApproved
		}
		so.Target, so.Reason = l.Approval, strings.TrimSpace(reason)
		return nil
	})
	if err != nil {
		return fmt.Errorf("reopen audit %s: %w", auditID, err)
	}
	return nil
}

// sign makes, signs and records one sign-off of kind; target fills in
// its Target (and Reason) inside the transaction.
func (w *Workspace) sign(auditID string, kind audit.SignOffKind, target func(*bolt.Tx, *audit.SignOff) error) (audit.SignOff, error) {
	keys, err := w.teamKeys()
	if err != nil {
		return audit.SignOff{}, err
	}
	me := w.Me()
	var so audit.SignOff
	err = w.st.Update(func(tx *bolt.Tx) error {
		if kind == audit.SignReopen {
			if _, err := entityOf(tx, auditID, TypeAudit); err != nil {
				return err
			}
		} else if err := editableAudit(tx, auditID); err != nil {
			return err
		}
		eng, err := engagementOf(tx, auditID)
		if err != nil {
			return err
		}
		role, err := w.roleIn(tx, eng)
		if err != nil {
			return err
		}
		if !role.MaySign(kind) {
			return fmt.Errorf("%w: %s needs the role %s (yours is %s)", ErrRole, kindWords(kind), rolesFor(kind), role)
		}
		if k, ok, err := rosterOf(tx, eng, me.Member); err != nil {
			return err
		} else if ok && !bytes.Equal(k.Sign, keys.Sign.Public().(ed25519.PublicKey)) {
			return fmt.Errorf("%w: this store's signing key is not the one the team roster holds for %s", ErrRole, me.Name)
		}
		so = audit.SignOff{ID: w.newID(), Engagement: eng, AuditID: auditID, Kind: kind, Signer: me.Member,
			Name: me.Name, Role: role, At: w.now().UTC()}
		if err := target(tx, &so); err != nil {
			return err
		}
		if kind != audit.SignReopen {
			idx, err := readCovers(tx, auditID)
			if err != nil {
				return err
			}
			cur := idx.of(auditID, so.Target)
			if len(resultCovers(cur)) == 0 {
				return fmt.Errorf("%w: nothing to sign off: no result has been recorded yet", ErrInvalid)
			}
			for _, c := range cur {
				so.Covers = append(so.Covers, c.Op)
			}
			sort.Strings(so.Covers)
			if kind == audit.SignReviewer {
				if err := setPreparer(tx, &so, resultCovers(cur)); err != nil {
					return err
				}
			}
		}
		if err := so.Validate(); err != nil {
			return err
		}
		so.Sign(keys.Sign)
		if err := tx.Create(so.ID, TypeSignOff, auditID); err != nil {
			return err
		}
		if _, _, err := tx.Write(so.ID, fieldSignOff, so); err != nil {
			return err
		}
		if err := tx.PutRecord(recSignOff, so.ID, ledgerEntry{SignOff: so, Valid: true}); err != nil {
			return err
		}
		_, err = relock(tx, auditID)
		return err
	})
	return so, err
}

func kindWords(k audit.SignOffKind) string {
	switch k {
	case audit.SignReviewer:
		return "a reviewer sign-off"
	case audit.SignApproval:
		return "approving an audit"
	case audit.SignReopen:
		return "reopening an approved audit"
	}
	return "a preparer sign-off"
}

func rolesFor(k audit.SignOffKind) string {
	var out []string
	for _, r := range audit.Roles {
		if r.MaySign(k) {
			out = append(out, string(r))
		}
	}
	return strings.Join(out, " or ")
}

// setPreparer refuses a reviewer sign-off by someone who prepared the
// work (wrote a covered value, or signed the target off as preparer) and
// names the preparer in the sign-off.
func setPreparer(tx *bolt.Tx, so *audit.SignOff, cur []coverOp) error {
	var preparers []string
	entries, err := ledgerOf(tx, so.AuditID)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if e.Valid && e.SignOff.Kind == audit.SignPreparer && e.SignOff.Target == so.Target {
			preparers = append(preparers, e.SignOff.Signer)
		}
	}
	for _, c := range cur {
		preparers = append(preparers, c.Author)
	}
	if slices.Contains(preparers, so.Signer) {
		return ErrSelfReview
	}
	if len(preparers) > 0 {
		so.Preparer = preparers[0]
	}
	return nil
}

// roleIn is this member's role in the engagement: what the team roster
// gave this member at the last sync, else (no team yet) the store's own.
func (w *Workspace) roleIn(tx *bolt.Tx, engagement string) (audit.Role, error) {
	me := w.Me()
	r, ok, err := rosterOf(tx, engagement, me.Member)
	if err != nil || !ok {
		return audit.Role(me.Role), err
	}
	return audit.Role(r.Role), nil
}

func rosterOf(tx *bolt.Tx, engagement, member string) (rosterRole, bool, error) {
	var roles map[string]rosterRole
	if ok, err := tx.GetRecord(recRoster, engagement, &roles); err != nil || !ok {
		return rosterRole{}, false, err
	}
	r, ok := roles[member]
	return r, ok, nil
}

func engagementOf(tx *bolt.Tx, auditID string) (string, error) {
	e, err := entityOf(tx, auditID, TypeAudit)
	if err != nil {
		return "", err
	}
	return e.Parent(), nil
}

// coverOp is one current value a sign-off covers.
type coverOp struct {
	Op     string
	ItemID string
	ItemNo string
	Field  string // an item field; "evidence" or "hearing" for a linked record's value
	Result bool   // a value of one of the item's result fields (signedFields)
	Author string
	At     time.Time
}

// StaleChange.Field of a change to a record linked to the item: its
// evidence or a hearing. Other values name a field of the item: a result
// field, or a checksheet field (IsChecksheetField).
const (
	CoverEvidence = "evidence"
	CoverHearing  = "hearing"
)

// IsChecksheetField reports whether an item field is part of its
// checksheet definition (title, criteria, points, ...), not its result.
func IsChecksheetField(f string) bool {
	for _, c := range checksheetFields {
		if c.name == f {
			return true
		}
	}
	return false
}

// coverIndex holds every value a sign-off of one audit can cover, read in
// one pass over the audit's children.
type coverIndex struct {
	byItem map[string][]coverOp // item id -> what a sign-off of the item covers
	whole  []coverOp            // what a whole-audit sign-off covers
}

// readCovers reads what the sign-offs of an audit cover. A sign-off of an
// item covers every edit of the work on it, so that any later edit makes it
// stale (issue 6 §4):
//
//   - every field of the item: its result and its checksheet definition
//     (title, criteria, points, ...);
//   - every field of each evidence record captured for the item or ever
//     linked to or unlinked from it (its "items" list, its "link:<item>"
//     field, caption and file), except its links to other items;
//   - every field of each hearing whose statements (any competing value)
//     link to the item.
//
// Unlinking evidence or a statement writes a value the sign-off did not
// cover (or removes the record from the item, so its covered values are
// gone); a deleted record's values are gone. A whole-audit sign-off covers
// all the items, all the evidence and all the hearings of the audit.
// The engine's bookkeeping fields ("_type", "_parent", "_deleted") are
// left out. The result depends only on the replicated state, so it is the
// same on every replica; each list is in a stable order.
func readCovers(tx *bolt.Tx, auditID string) (*coverIndex, error) {
	ids, err := tx.Children(auditID)
	if err != nil {
		return nil, err
	}
	var items, records []*change.Entity
	for _, id := range ids {
		e, err := tx.Entity(id)
		if err != nil {
			return nil, err
		}
		if !alive(e) {
			continue
		}
		switch e.Type() {
		case TypeItem:
			items = append(items, e)
		case TypeEvidence, TypeHearing:
			records = append(records, e)
		}
	}
	sortByID := func(es []*change.Entity) {
		sort.Slice(es, func(i, j int) bool { return es[i].ID < es[j].ID })
	}
	sortByID(items)
	sortByID(records)
	c := &coverIndex{byItem: map[string][]coverOp{}}
	noOf := map[string]string{}
	for _, it := range items {
		no := it.String("no")
		noOf[it.ID] = no
		for _, f := range coverFields(it) {
			for _, v := range it.Get(f).Values {
				op := coverOp{Op: v.Op.String(), ItemID: it.ID, ItemNo: no, Field: f,
					Result: slices.Contains(signedFields, f), Author: v.Author, At: v.At.Time().UTC()}
				c.byItem[it.ID] = append(c.byItem[it.ID], op)
				c.whole = append(c.whole, op)
			}
		}
	}
	for _, r := range records {
		kind, linked := CoverHearing, hearingItems(r)
		if r.Type() == TypeEvidence {
			kind, linked = CoverEvidence, evidenceLinks(r)
		}
		fields := coverFields(r)
		first, firstNo := "", "" // the first live item it links to, to name in a stale change
		for _, item := range linked {
			if no, ok := noOf[item]; ok {
				first, firstNo = item, no
				break
			}
		}
		for _, f := range fields {
			for _, v := range r.Get(f).Values {
				c.whole = append(c.whole, coverOp{Op: v.Op.String(), ItemID: first, ItemNo: firstNo, Field: kind,
					Author: v.Author, At: v.At.Time().UTC()})
			}
		}
		for _, item := range linked {
			no, ok := noOf[item]
			if !ok {
				continue // not a live item of this audit
			}
			for _, f := range fields {
				if other, ok := strings.CutPrefix(f, linkPrefix); ok && other != item {
					continue // a link to another item is that item's business
				}
				for _, v := range r.Get(f).Values {
					c.byItem[item] = append(c.byItem[item], coverOp{Op: v.Op.String(), ItemID: item, ItemNo: no,
						Field: kind, Author: v.Author, At: v.At.Time().UTC()})
				}
			}
		}
	}
	return c, nil
}

// of returns what a sign-off of target (an item id, or the audit id)
// covers.
func (c *coverIndex) of(auditID, target string) []coverOp {
	if target == auditID {
		return c.whole
	}
	return c.byItem[target]
}

// coverFields lists an entity's fields in name order, without the
// engine's bookkeeping fields.
func coverFields(e *change.Entity) []string {
	out := make([]string, 0, len(e.Fields))
	for f := range e.Fields {
		if !strings.HasPrefix(f, "_") {
			out = append(out, f)
		}
	}
	slices.Sort(out)
	return out
}

// evidenceLinks lists the items an evidence record concerns: those in
// any value of its capture-time "items" list and those named by a link
// field, linked or unlinked.
func evidenceLinks(e *change.Entity) []string {
	var out []string
	for _, v := range e.Get("items").Values {
		var ids []string
		if json.Unmarshal(v.Value, &ids) == nil {
			out = append(out, ids...)
		}
	}
	for f := range e.Fields {
		if id, ok := strings.CutPrefix(f, linkPrefix); ok {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// hearingItems lists the items the statements of a hearing link to, in
// any of the statements' competing values.
func hearingItems(e *change.Entity) []string {
	var out []string
	for _, v := range e.Get("statements").Values {
		var sts []audit.Statement
		if json.Unmarshal(v.Value, &sts) == nil {
			for _, s := range sts {
				out = append(out, s.Items...)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// resultCovers keeps the values of result fields: the work a preparer did
// on an item, as opposed to its definition or linked records.
func resultCovers(cur []coverOp) []coverOp {
	var out []coverOp
	for _, c := range cur {
		if c.Result {
			out = append(out, c)
		}
	}
	return out
}

// ledgerOf returns the ledger entries of one audit, oldest first.
func ledgerOf(tx *bolt.Tx, auditID string) ([]ledgerEntry, error) {
	var out []ledgerEntry
	err := tx.Records(recSignOff, func(_ string, raw json.RawMessage) error {
		var e ledgerEntry
		if err := json.Unmarshal(raw, &e); err != nil {
			return err
		}
		if e.SignOff.AuditID == auditID {
			out = append(out, e)
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].SignOff, out[j].SignOff
		if !a.At.Equal(b.At) {
			return a.At.Before(b.At)
		}
		return a.ID < b.ID
	})
	return out, err
}

// lockFrom derives the approval that locks an audit: the latest valid
// approval that no valid reopening names ("" when none).
func lockFrom(entries []ledgerEntry) string {
	reopened := map[string]bool{}
	for _, e := range entries {
		if e.Valid && e.SignOff.Kind == audit.SignReopen {
			reopened[e.SignOff.Target] = true
		}
	}
	lock := ""
	for _, e := range entries {
		if e.Valid && e.SignOff.Kind == audit.SignApproval && !reopened[e.SignOff.ID] {
			lock = e.SignOff.ID
		}
	}
	return lock
}

// relock derives the audit's lock from the ledger and records it.
func relock(tx *bolt.Tx, auditID string) (string, error) {
	entries, err := ledgerOf(tx, auditID)
	if err != nil {
		return "", err
	}
	l := lockRec{Approval: lockFrom(entries)}
	var old lockRec
	if ok, err := tx.GetRecord(recLock, auditID, &old); err != nil {
		return "", err
	} else if ok && old == l {
		return l.Approval, nil
	}
	return l.Approval, tx.PutRecord(recLock, auditID, l)
}

// auditLock returns the id of the approval that locks the audit ("" when
// it is editable). It reads one small record: it is on the path of every
// autosave.
func auditLock(tx *bolt.Tx, auditID string) (string, error) {
	var l lockRec
	_, err := tx.GetRecord(recLock, auditID, &l)
	return l.Approval, err
}

// ---- state ----

// readReview fills the audit state's sign-offs and derives its lock; it is
// called by readAuditState.
func readReview(tx *bolt.Tx, s *AuditState) error {
	entries, err := ledgerOf(tx, s.Audit.ID)
	if err != nil {
		return err
	}
	lock := lockFrom(entries)
	s.Audit.Locked = lock != ""
	s.SignOffs = nil
	if len(entries) == 0 {
		return nil
	}
	names := memberNames(tx, s.Audit.EngagementID)
	for _, e := range entries {
		names[e.SignOff.Signer] = e.SignOff.Name
	}
	reopen := map[string]string{}
	for _, e := range entries {
		if e.Valid && e.SignOff.Kind == audit.SignReopen {
			reopen[e.SignOff.Target] = e.SignOff.Reason
		}
	}
	noOf := map[string]string{}
	for _, it := range s.Items {
		noOf[it.ID] = it.No
	}
	var idx *coverIndex
	for _, e := range entries {
		so := e.SignOff
		st := SignOffState{SignOff: so, ItemNo: noOf[so.Target], Valid: e.Valid, Invalid: e.Reason, Locks: so.ID == lock}
		if r, ok := reopen[so.ID]; ok && so.Kind == audit.SignApproval {
			st.Reopened, st.ReopenReason = true, r
		}
		if so.Kind != audit.SignReopen {
			if idx == nil {
				if idx, err = readCovers(tx, s.Audit.ID); err != nil {
					return err
				}
			}
			cur := idx.of(s.Audit.ID, so.Target)
			st.Changes = staleChanges(so, cur, names, noOf)
			st.Stale = len(st.Changes) > 0
		}
		s.SignOffs = append(s.SignOffs, st)
	}
	return nil
}

// staleChanges names what changed since so was signed: the values written
// since, else (nothing new, but something gone) the covered values gone.
func staleChanges(so audit.SignOff, cur []coverOp, names, noOf map[string]string) []StaleChange {
	ids := make([]string, len(cur))
	byID := map[string]coverOp{}
	for i, c := range cur {
		ids[i] = c.Op
		byID[c.Op] = c
	}
	added, gone := so.Changes(ids)
	var out []StaleChange
	for _, id := range added {
		c := byID[id]
		who := names[c.Author]
		if who == "" {
			who = c.Author
		}
		out = append(out, StaleChange{ItemNo: c.ItemNo, Field: c.Field, Op: id, Author: who, At: c.At})
	}
	if len(out) == 0 {
		for _, id := range gone {
			out = append(out, StaleChange{ItemNo: noOf[so.Target], Op: id, Gone: true})
		}
	}
	return out
}

// MemberNames maps member ids (as in notes, sign-offs and op authors) to
// names: the engagement's team, the sync roster as last seen, and this
// store's user.
func (w *Workspace) MemberNames(engagementID string) (map[string]string, error) {
	var out map[string]string
	err := w.st.View(func(tx *bolt.Tx) error {
		out = memberNames(tx, engagementID)
		return nil
	})
	me := w.Me()
	if out != nil && out[me.Member] == "" {
		out[me.Member] = me.Name
	}
	return out, err
}

// memberNames maps member ids (Kansa identities) to names, from the
// engagement's team and the sync roster.
func memberNames(tx *bolt.Tx, engagement string) map[string]string {
	out := map[string]string{}
	var roles map[string]rosterRole
	if ok, _ := tx.GetRecord(recRoster, engagement, &roles); ok {
		for id, r := range roles {
			out[id] = r.Name
		}
	}
	ms, err := childrenOf(tx, engagement, TypeMember)
	if err != nil {
		return out
	}
	for _, e := range ms {
		var m audit.Member
		if decode(e, &m) == nil && m.Person != "" {
			out[m.Person] = m.Name
		}
	}
	return out
}

// ReviewQueue returns the chief's review queue of an audit: items signed
// off by their preparer and not (or no longer) by a reviewer, notes not
// closed, and sign-offs a later edit made stale, each naming the field
// and op. Invalid sign-offs count for nothing; they are listed apart.
func (w *Workspace) ReviewQueue(auditID string) (*ReviewQueue, error) {
	st, err := w.AuditState(auditID)
	if err != nil {
		return nil, err
	}
	return st.ReviewQueue(), nil
}

// ReviewQueue derives the review queue from the state.
func (s *AuditState) ReviewQueue() *ReviewQueue {
	q := &ReviewQueue{AwaitingReview: []ReviewItem{}, OpenNotes: []audit.ReviewNote{}, Stale: []StaleSignOff{},
		Invalid: []SignOffState{}, Locked: s.Audit.Locked}
	reviewed := map[string]bool{} // target -> a current reviewer sign-off
	fresh := map[string]bool{}    // kind|target -> a current sign-off of that kind
	prepared := map[string]int{}  // target -> index of the latest preparer sign-off
	for i, so := range s.SignOffs {
		if !so.Valid {
			q.Invalid = append(q.Invalid, so)
			continue
		}
		if so.Reopened || so.Kind == audit.SignReopen {
			continue
		}
		if !so.Stale {
			fresh[string(so.Kind)+"|"+so.Target] = true
			if so.Kind == audit.SignReviewer {
				reviewed[so.Target] = true
			}
		}
		if so.Kind == audit.SignPreparer {
			prepared[so.Target] = i
		}
	}
	for _, so := range s.SignOffs {
		if !so.Valid || so.Reopened || so.Kind == audit.SignReopen || !so.Stale || fresh[string(so.Kind)+"|"+so.Target] {
			continue
		}
		var why []string
		for _, c := range so.Changes {
			why = append(why, c.String())
		}
		what := "the audit"
		if so.ItemNo != "" {
			what = "item " + so.ItemNo
		}
		q.Stale = append(q.Stale, StaleSignOff{SignOffState: so,
			Reason: fmt.Sprintf("%s sign-off of %s by %s is stale: %s", so.Kind, what, so.Name, strings.Join(why, "; "))})
	}
	titles := map[string]string{}
	for _, it := range s.Items {
		titles[it.ID] = it.Title
	}
	for target, i := range prepared {
		if reviewed[target] {
			continue
		}
		so := s.SignOffs[i]
		title := titles[target]
		if target == s.Audit.ID {
			title = s.Audit.Title
		}
		q.AwaitingReview = append(q.AwaitingReview, ReviewItem{Target: target, ItemNo: so.ItemNo, Title: title,
			Preparer: so.Signer, Name: so.Name, PreparedAt: so.At, SignOff: so.ID})
	}
	sort.Slice(q.AwaitingReview, func(i, j int) bool {
		a, b := q.AwaitingReview[i], q.AwaitingReview[j]
		if (a.ItemNo == "") != (b.ItemNo == "") {
			return a.ItemNo == ""
		}
		return audit.CompareNo(a.ItemNo, b.ItemNo) < 0
	})
	for _, n := range s.Notes {
		if n.Status != audit.NoteClosed {
			q.OpenNotes = append(q.OpenNotes, n)
		}
	}
	sort.SliceStable(q.OpenNotes, func(i, j int) bool { return q.OpenNotes[i].At.Before(q.OpenNotes[j].At) })
	return q
}

// ---- sync ----

// reviewSyncHook is the review workflow's one hook into sync: applyBundle
// calls it inside the transaction that applies bundle b, after its ops.
// It verifies every sign-off in b against the CURRENT roster (the key it
// gives the signer, and a role allowed for the kind; approval and
// reopening: chief only), records each in the ledger as valid or invalid,
// re-derives the lock of the audits concerned, and warns in rep about
// rejected sign-offs and about edits that arrived for an approved audit
// (applied, since nothing is lost; they make the approval stale). It also
// remembers the roster's roles and keys, for the local role checks.
func (w *Workspace) reviewSyncHook(tx *bolt.Tx, t *exchange.Team, b *exchange.Bundle, rep *SyncReport) error {
	roles := map[string]rosterRole{}
	for _, m := range t.Roster.Members {
		roles[m.ID] = rosterRole{Name: m.Name, Role: m.Role, Sign: m.Sign}
	}
	var old map[string]rosterRole
	if _, err := tx.GetRecord(recRoster, t.Engagement, &old); err != nil {
		return err
	}
	if !sameRoles(old, roles) {
		if err := tx.PutRecord(recRoster, t.Engagement, roles); err != nil {
			return err
		}
	}
	name := func(id string) string {
		if n := rep.members[id]; n != "" {
			return n
		}
		return id
	}
	touched := map[string]bool{}
	locked := map[string]string{} // audit id -> approval locking it, read once
	edits := map[string]int{}     // locked audit -> result edits applied
	var auditsEdited []string
	for _, op := range b.Ops {
		if op.Field == fieldSignOff {
			e, err := tx.Entity(op.Entity)
			if err != nil || e.Type() != TypeSignOff {
				continue // not a sign-off entity: nothing reads this field
			}
			so, verr := verifyRemote(tx, t, op, e)
			if so.AuditID == "" {
				so.AuditID = e.Parent()
			}
			var prev ledgerEntry
			if ok, err := tx.GetRecord(recSignOff, op.Entity, &prev); err != nil {
				return err
			} else if ok && (prev.Valid || bytes.Equal(prev.SignOff.Sig, so.Sig)) {
				continue // the first valid record under an id stands; this one was judged already
			}
			entry := ledgerEntry{SignOff: so, Valid: verr == nil}
			if verr != nil {
				entry.Reason = verr.Error()
				rep.Warnings = append(rep.Warnings, fmt.Sprintf("rejected the %s %s of audit %s published by %s: %s; it is ignored",
					kindNoun(so.Kind), op.Entity, so.AuditID, name(op.Author), verr))
			}
			if err := tx.PutRecord(recSignOff, op.Entity, entry); err != nil {
				return err
			}
			touched[so.AuditID] = true
			continue
		}
		if op.Field == change.FieldType || op.Field == change.FieldParent {
			continue // a new record: its other fields count
		}
		e, err := tx.Entity(op.Entity)
		if err != nil {
			continue
		}
		if t := e.Type(); t != TypeItem && t != TypeEvidence && t != TypeHearing {
			continue // not covered work (a review note, say)
		}
		aud := e.Parent()
		if _, ok := locked[aud]; !ok {
			if locked[aud], err = auditLock(tx, aud); err != nil {
				return err
			}
			auditsEdited = append(auditsEdited, aud)
		}
		if locked[aud] != "" {
			edits[aud]++
		}
	}
	for _, aud := range sortedKeys(touched) {
		if _, err := relock(tx, aud); err != nil {
			return err
		}
	}
	for _, aud := range auditsEdited {
		if n := edits[aud]; n > 0 {
			rep.Warnings = append(rep.Warnings, fmt.Sprintf("%d edits by %s to approved audit %s arrived, made before they saw the approval; they are applied, and the approval is now stale: the chief should review and reopen or approve again",
				n, name(b.Member), aud))
		}
	}
	return nil
}

func kindNoun(k audit.SignOffKind) string {
	switch k {
	case audit.SignApproval:
		return "approval"
	case audit.SignReopen:
		return "reopening"
	case audit.SignPreparer, audit.SignReviewer:
		return string(k) + " sign-off"
	}
	return "sign-off"
}

func sameRoles(a, b map[string]rosterRole) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || v.Role != w.Role || v.Name != w.Name || !bytes.Equal(v.Sign, w.Sign) {
			return false
		}
	}
	return true
}

// verifyRemote checks one sign-off op from another member against the
// current roster. It returns the record (as far as it decoded) and why it
// is invalid, or nil.
func verifyRemote(tx *bolt.Tx, t *exchange.Team, op change.Op, e *change.Entity) (audit.SignOff, error) {
	var so audit.SignOff
	if err := json.Unmarshal(op.Value, &so); err != nil {
		return so, fmt.Errorf("not a sign-off record: %v", err)
	}
	switch {
	case so.ID != op.Entity || so.AuditID != e.Parent():
		return so, fmt.Errorf("the record names sign-off %s of audit %s, but sits in %s of audit %s", so.ID, so.AuditID, op.Entity, e.Parent())
	case so.Engagement != t.Engagement:
		return so, fmt.Errorf("signed for engagement %q, not this one", so.Engagement)
	case so.Signer != op.Author:
		return so, fmt.Errorf("signed as member %s but published by member %s", so.Signer, op.Author)
	}
	m, ok := t.Roster.Find(so.Signer)
	if !ok {
		return so, fmt.Errorf("the roster does not hold signer %s", so.Signer)
	}
	if !so.Verify(m.Sign) {
		return so, fmt.Errorf("the signature does not verify with the key the roster gives %s", m.Name)
	}
	if !audit.Role(m.Role).MaySign(so.Kind) {
		return so, fmt.Errorf("the roster gives %s the role %s, which may not make this (%s only)", m.Name, m.Role, rolesFor(so.Kind))
	}
	if err := so.Validate(); err != nil {
		return so, err
	}
	if so.Kind == audit.SignReviewer {
		for _, id := range so.Covers {
			if op, ok := opOf(tx, id); ok && op.Author == so.Signer && isResultOp(tx, op) {
				return so, fmt.Errorf("%s reviewed work they prepared (op %s)", m.Name, id)
			}
		}
	}
	return so, nil
}

var errFound = errors.New("found")

// opOf returns op id when this store holds it.
func opOf(tx *bolt.Tx, id string) (change.Op, bool) {
	oid, err := change.ParseOpID(id)
	if err != nil {
		return change.Op{}, false
	}
	var found change.Op
	err = tx.LogFrom(oid.Device, oid.Seq, func(op change.Op) error {
		if op.ID == oid {
			found = op
		}
		return errFound
	})
	return found, errors.Is(err, errFound) && found.Author != ""
}

// isResultOp reports whether op wrote a result field of an item: the
// preparer's work, which its author may not review (the checksheet
// definition and linked records are covered, but writing them does not
// make one a preparer).
func isResultOp(tx *bolt.Tx, op change.Op) bool {
	if !slices.Contains(signedFields, op.Field) {
		return false
	}
	e, err := tx.Entity(op.Entity)
	return err == nil && e.Type() == TypeItem
}

// ---- show --json ----

// ShowReview is the review part of show --json: notes and sign-offs with
// their verdicts. Items are named by number.
type ShowReview struct {
	Locked   bool          `json:"locked"`
	Notes    []ShowNote    `json:"notes"`
	SignOffs []ShowSignOff `json:"signoffs"`
}

// ShowNote is a review note.
type ShowNote struct {
	ID        string           `json:"id"`
	Target    string           `json:"target"` // item number, or a document section key
	Author    string           `json:"author"`
	At        time.Time        `json:"at"`
	Text      string           `json:"text"`
	Status    audit.NoteStatus `json:"status"`
	Response  string           `json:"response,omitempty"`
	Responder string           `json:"responder,omitempty"`
}

// ShowSignOff is a sign-off, approval or reopening.
type ShowSignOff struct {
	ID           string            `json:"id"`
	Kind         audit.SignOffKind `json:"kind"`
	Target       string            `json:"target"` // item number, "audit", or (reopen) the approval id
	Signer       string            `json:"signer"`
	Name         string            `json:"name"`
	Role         audit.Role        `json:"role"`
	At           time.Time         `json:"at"`
	Covers       []string          `json:"covers"`
	Preparer     string            `json:"preparer,omitempty"`
	Reason       string            `json:"reason,omitempty"`
	Valid        bool              `json:"valid"`
	Invalid      string            `json:"invalid,omitempty"`
	Stale        bool              `json:"stale"`
	StaleBecause []string          `json:"stale_because,omitempty"`
	Reopened     bool              `json:"reopened,omitempty"`
	Locks        bool              `json:"locks,omitempty"`
}

// showReview renders the review part of show --json.
func (s *AuditState) showReview(noOf map[string]string) ShowReview {
	r := ShowReview{Locked: s.Audit.Locked, Notes: []ShowNote{}, SignOffs: []ShowSignOff{}}
	notes := slices.Clone(s.Notes)
	sort.SliceStable(notes, func(i, j int) bool {
		if !notes[i].At.Equal(notes[j].At) {
			return notes[i].At.Before(notes[j].At)
		}
		return notes[i].ID < notes[j].ID
	})
	for _, n := range notes {
		target := n.Target
		if no, ok := noOf[target]; ok {
			target = no
		}
		r.Notes = append(r.Notes, ShowNote{ID: n.ID, Target: target, Author: n.Author, At: n.At.UTC(), Text: n.Text,
			Status: n.Status, Response: n.Response, Responder: n.Responder})
	}
	for _, so := range s.SignOffs {
		target := so.Target
		switch {
		case so.ItemNo != "":
			target = so.ItemNo
		case target == s.Audit.ID:
			target = "audit"
		}
		ss := ShowSignOff{ID: so.ID, Kind: so.Kind, Target: target, Signer: so.Signer, Name: so.Name, Role: so.Role,
			At: so.At.UTC(), Covers: nonNil(so.Covers), Preparer: so.Preparer, Reason: so.Reason, Valid: so.Valid,
			Invalid: so.Invalid, Stale: so.Stale, Reopened: so.Reopened, Locks: so.Locks}
		for _, c := range so.Changes { // by op id, not name: show is the same in every store
			what := c.Field
			if c.Gone {
				what = "gone"
			}
			ss.StaleBecause = append(ss.StaleBecause, fmt.Sprintf("item %s %s op %s", c.ItemNo, what, c.Op))
		}
		r.SignOffs = append(r.SignOffs, ss)
	}
	return r
}
