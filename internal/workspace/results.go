package workspace

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/change"
)

// resultFields are the result fields a workbook carries, by JSON name.
var resultFields = []string{"rating", "observation", "evidence_seen", "finding", "proposal"}

// A version token records, per result field, the op ids the exported value
// came from and a short hash of that value:
//
//	v1;rating=dev:12@1a2b3c4d;observation=dev:13,dev2:4@5e6f7a8b;...
//
// On import, a cell whose hash still matches was not edited in Excel and is
// left alone; an edited cell is written superseding exactly those ops, so a
// value changed in Kansa since the export survives beside it as a conflict.
//
// A long text whose concurrent edits merge (merge.go) is exported as the
// merged text, so the token hashes that text, and its op ids are those of
// every value the merge combines: an unchanged cell writes nothing, and an
// edited one supersedes exactly the merged values.

// valueHash fingerprints a cell value as a workbook round trip leaves it.
func valueHash(v string) string {
	sum := sha256.Sum256([]byte(normCell(v)))
	return hex.EncodeToString(sum[:4])
}

// resultVersion builds the token for an item entity: the ids of every
// value its register holds, and the hash of the value shown (the merged
// text when the values merge).
func resultVersion(tx *bolt.Tx, e *change.Entity) string {
	shown, _ := resolveMerges(tx, e)
	parts := []string{"v1"}
	for _, f := range resultFields {
		var ids []string
		for _, id := range e.Get(f).IDs() {
			ids = append(ids, id.String())
		}
		var v string
		if cur, ok := shown.Get(f).Current(); ok {
			json.Unmarshal(cur.Value, &v)
		}
		parts = append(parts, f+"="+strings.Join(ids, ",")+"@"+valueHash(v))
	}
	return strings.Join(parts, ";")
}

type fieldVersion struct {
	ids  []change.OpID
	hash string
}

// parseVersion reads a token; a missing or malformed token gives nil, and
// the import then treats every differing cell as a plain edit.
func parseVersion(tok string) map[string]fieldVersion {
	parts := strings.Split(tok, ";")
	if len(parts) == 0 || parts[0] != "v1" {
		return nil
	}
	out := map[string]fieldVersion{}
	for _, p := range parts[1:] {
		name, rest, ok := strings.Cut(p, "=")
		if !ok {
			return nil
		}
		idList, hash, ok := strings.Cut(rest, "@")
		if !ok {
			return nil
		}
		var fv fieldVersion
		fv.hash = hash
		if idList != "" {
			for _, s := range strings.Split(idList, ",") {
				id, err := change.ParseOpID(s)
				if err != nil {
					return nil
				}
				fv.ids = append(fv.ids, id)
			}
		}
		out[name] = fv
	}
	return out
}

// ResultRow is one row of a filled-in checksheet or result list.
type ResultRow struct {
	Row          int    // sheet row, for messages
	ID           string // hidden item id column
	Version      string // hidden version column
	No           string
	Rating       string // label or code
	Observation  string
	EvidenceSeen string
	Finding      string // label or code
	Proposal     string
}

// ResultsReport says what a results import did.
type ResultsReport struct {
	Updated   []string `json:"updated"`   // item numbers with at least one field written
	Conflicts []string `json:"conflicts"` // item numbers where Excel and Kansa both changed a field
	Unchanged int      `json:"unchanged"`
	Problems  []string `json:"problems"` // rows not imported, and why
}

// ApplyResults writes the results filled in a workbook back as ordinary
// edits, in one transaction. Rows are matched by the hidden item id, else
// by number. A bad rating or finding in one row is reported and that row's
// bad cell skipped; the rest still imports.
func (w *Workspace) ApplyResults(auditID string, rows []ResultRow) (*ResultsReport, error) {
	rep := &ResultsReport{}
	err := w.st.Update(func(tx *bolt.Tx) error {
		*rep = ResultsReport{}
		if err := editableAudit(tx, auditID); err != nil {
			return err
		}
		scale, err := scaleOf(tx, auditID)
		if err != nil {
			return err
		}
		vv, err := tx.VersionVector()
		if err != nil {
			return err
		}
		items, err := childrenOf(tx, auditID, TypeItem)
		if err != nil {
			return err
		}
		byID, byNo := map[string]*change.Entity{}, map[string]*change.Entity{}
		for _, e := range items {
			byID[e.ID] = e
			byNo[audit.NormalizeNo(e.String("no"))] = e
		}
		for _, r := range rows {
			e := byID[r.ID]
			if e == nil {
				e = byNo[audit.NormalizeNo(r.No)]
			}
			if e == nil {
				rep.Problems = append(rep.Problems, fmt.Sprintf("row %d: item %s is not in this audit", r.Row, r.No))
				continue
			}
			no := e.String("no")
			values, probs := r.values(scale)
			for _, p := range probs {
				rep.Problems = append(rep.Problems, fmt.Sprintf("row %d (item %s): %s", r.Row, no, p))
			}
			ver := parseVersion(r.Version)
			shown, _ := resolveMerges(tx, e) // merged long texts as exported
			wrote, conflict := false, false
			for _, f := range resultFields {
				v, ok := values[f]
				if !ok {
					continue
				}
				raw, _ := json.Marshal(v)
				cur, sh := e.Get(f), shown.Get(f)
				if c, has := sh.Current(); (has && string(c.Value) == string(raw) && !sh.Conflict()) || (!has && v == "") {
					continue // the same as Kansa already holds (or shows merged)
				}
				fv, known := ver[f]
				if known && fv.hash == valueHash(v) {
					continue // not edited in Excel; Kansa's newer value stands
				}
				if !known {
					if _, _, err := tx.Write(e.ID, f, v); err != nil {
						return err
					}
					wrote = true
					continue
				}
				seen := fv.ids[:0:0]
				for _, id := range fv.ids {
					if vv.Seen(id) {
						seen = append(seen, id)
					}
				}
				if !sameIDs(seen, cur.IDs()) {
					conflict = true
				}
				if _, err := tx.WriteOver(e.ID, f, v, seen); err != nil {
					return err
				}
				wrote = true
			}
			switch {
			case conflict:
				rep.Conflicts = append(rep.Conflicts, no)
				rep.Updated = append(rep.Updated, no)
			case wrote:
				rep.Updated = append(rep.Updated, no)
			default:
				rep.Unchanged++
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("import results: %w", err)
	}
	sort.Slice(rep.Updated, func(i, j int) bool { return audit.CompareNo(rep.Updated[i], rep.Updated[j]) < 0 })
	sort.Slice(rep.Conflicts, func(i, j int) bool { return audit.CompareNo(rep.Conflicts[i], rep.Conflicts[j]) < 0 })
	return rep, nil
}

func sameIDs(a, b []change.OpID) bool {
	if len(a) != len(b) {
		return false
	}
	m := map[change.OpID]bool{}
	for _, x := range a {
		m[x] = true
	}
	for _, x := range b {
		if !m[x] {
			return false
		}
	}
	return true
}

// values turns the row's cells into stored values, reporting cells that
// do not parse (those are left out, the rest of the row still imports).
func (r ResultRow) values(scale audit.Scale) (map[string]string, []string) {
	out := map[string]string{
		"observation":   normCell(r.Observation),
		"evidence_seen": normCell(r.EvidenceSeen),
		"proposal":      normCell(r.Proposal),
	}
	var probs []string
	if s := strings.TrimSpace(r.Rating); s == "" {
		out["rating"] = ""
	} else if rt, ok := scale.Lookup(s); ok {
		out["rating"] = rt.Code
	} else {
		probs = append(probs, fmt.Sprintf("rating %q is not in the audit's scale (%s); left as it was", s, strings.Join(scale.Codes(), ", ")))
	}
	if f, err := audit.ParseFindingClass(r.Finding); err == nil {
		out["finding"] = string(f)
	} else {
		probs = append(probs, fmt.Sprintf("finding class %q is unknown; left as it was", strings.TrimSpace(r.Finding)))
	}
	return out, probs
}

// normCell normalises line breaks the way Excel and LibreOffice vary them.
func normCell(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.TrimRight(strings.ReplaceAll(s, "\r", "\n"), " \n")
}

// ResultVersions returns the version token of every item of the audit, by
// item id, for the export's hidden column.
func (w *Workspace) resultVersions(tx *bolt.Tx, auditID string) (map[string]string, error) {
	items, err := childrenOf(tx, auditID, TypeItem)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(items))
	for _, e := range items {
		out[e.ID] = resultVersion(tx, e)
	}
	return out, nil
}
