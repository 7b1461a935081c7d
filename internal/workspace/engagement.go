package workspace

import (
	"fmt"
	"sort"
	"strings"

	"github.com/kansa-audit/kansa/assets"
	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/change"
)

// CreateEngagement stores a new engagement with the current user as its
// first member, and returns its id.
func (w *Workspace) CreateEngagement(e audit.Engagement) (string, error) {
	me := w.Me()
	if len(e.Members) == 0 {
		e.Members = []audit.Member{{Person: me.Member, Name: me.Name, Role: audit.Role(me.Role)}}
	}
	if err := e.Validate(); err != nil {
		return "", err
	}
	id := w.newID()
	err := w.st.Update(func(tx *bolt.Tx) error {
		members := e.Members
		e.Members = nil
		if err := create(tx, id, TypeEngagement, "", e); err != nil {
			return err
		}
		for _, m := range members {
			if err := create(tx, w.newID(), TypeMember, id, m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("create engagement: %w", err)
	}
	return id, nil
}

// AddMember adds a team member to an engagement.
func (w *Workspace) AddMember(engagementID string, m audit.Member) (string, error) {
	if err := m.Validate(); err != nil {
		return "", err
	}
	id := w.newID()
	err := w.st.Update(func(tx *bolt.Tx) error {
		if _, err := entityOf(tx, engagementID, TypeEngagement); err != nil {
			return err
		}
		return create(tx, id, TypeMember, engagementID, m)
	})
	return id, err
}

// Engagements lists every engagement with its team, newest fiscal year first.
func (w *Workspace) Engagements() ([]audit.Engagement, error) {
	var out []audit.Engagement
	err := w.st.View(func(tx *bolt.Tx) error {
		roots, err := childrenOf(tx, "", TypeEngagement)
		if err != nil {
			return err
		}
		for _, r := range roots {
			e, err := readEngagement(tx, r)
			if err != nil {
				return err
			}
			out = append(out, e)
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].FiscalYear != out[j].FiscalYear {
			return out[i].FiscalYear > out[j].FiscalYear
		}
		return out[i].Title < out[j].Title
	})
	return out, err
}

// Engagement reads one engagement.
func (w *Workspace) Engagement(id string) (audit.Engagement, error) {
	var e audit.Engagement
	err := w.st.View(func(tx *bolt.Tx) error {
		ent, err := entityOf(tx, id, TypeEngagement)
		if err != nil {
			return err
		}
		e, err = readEngagement(tx, ent)
		return err
	})
	return e, err
}

func readEngagement(tx *bolt.Tx, ent *change.Entity) (audit.Engagement, error) {
	var e audit.Engagement
	if err := decode(ent, &e); err != nil {
		return e, err
	}
	e.ID = ent.ID
	ms, err := childrenOf(tx, ent.ID, TypeMember)
	if err != nil {
		return e, err
	}
	for _, m := range ms {
		var mem audit.Member
		if err := decode(m, &mem); err != nil {
			return e, err
		}
		mem.ID = m.ID
		e.Members = append(e.Members, mem)
	}
	sort.SliceStable(e.Members, func(i, j int) bool { return roleRank(e.Members[i].Role) < roleRank(e.Members[j].Role) })
	return e, nil
}

func roleRank(r audit.Role) int {
	for i, x := range audit.Roles {
		if x == r {
			return i
		}
	}
	return len(audit.Roles)
}

// Templates lists the built-in checksheet templates.
func Templates() []string { return assets.TemplateNames() }

// LoadTemplate reads and validates a built-in template.
func LoadTemplate(name string) (audit.Template, error) {
	raw, err := assets.Template(name)
	if err != nil {
		return audit.Template{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return audit.ParseTemplate(raw)
}

// templateFits reports whether a template of kind tk may seed an audit of
// kind ak. The data-center and operations-center audits share procedure
// and checksheet.
func templateFits(tk, ak audit.Kind) bool {
	dc := func(k audit.Kind) bool { return k == audit.KindDatacenter || k == audit.KindOpscenter }
	return tk == ak || (dc(tk) && dc(ak))
}

// NewAudit describes an audit to create.
type NewAudit struct {
	EngagementID string
	Kind         audit.Kind
	Title        string
	Template     string // built-in template name, or "" for an empty checksheet
	Targets      []audit.Target
	Plan         audit.Plan
}

// CreateAudit stores a new audit, seeded with a template's items, and
// returns its id. Everything is one transaction: a template of 50 items is
// either all there or not at all.
func (w *Workspace) CreateAudit(n NewAudit) (string, error) {
	a := audit.Audit{EngagementID: n.EngagementID, Kind: n.Kind, Title: strings.TrimSpace(n.Title),
		Targets: n.Targets, Plan: n.Plan, Scale: audit.DefaultScale()}
	var items []audit.Item
	if n.Template != "" {
		t, err := LoadTemplate(n.Template)
		if err != nil {
			return "", err
		}
		if !templateFits(t.Kind, n.Kind) {
			return "", fmt.Errorf("%w: template %s is for %s audits, not %s", ErrInvalid, t.Name, t.Kind, n.Kind)
		}
		a.Scale = t.EffectiveScale()
		items = t.Items
		if a.Title == "" {
			a.Title = t.Title
		}
	}
	if err := a.Validate(); err != nil {
		return "", err
	}
	id := w.newID()
	err := w.st.Update(func(tx *bolt.Tx) error {
		if _, err := entityOf(tx, n.EngagementID, TypeEngagement); err != nil {
			return err
		}
		if err := create(tx, id, TypeAudit, n.EngagementID, a); err != nil {
			return err
		}
		for _, it := range items {
			it.No = audit.NormalizeNo(it.No)
			if err := create(tx, w.newID(), TypeItem, id, it); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("create audit: %w", err)
	}
	return id, nil
}

// AuditSummary is one audit with its progress, for lists.
type AuditSummary struct {
	audit.Audit
	Items     int // checksheet items
	Rated     int // items with a rating that counts as checked
	Findings  int // items with a finding class of "finding"
	Evidence  int // evidence files
	Hearings  int
	OpenNotes int // review notes not closed
	Conflicts int // items with at least one conflicting field
}

// Audits lists the audits of an engagement with their progress.
func (w *Workspace) Audits(engagementID string) ([]AuditSummary, error) {
	var out []AuditSummary
	err := w.st.View(func(tx *bolt.Tx) error {
		ents, err := childrenOf(tx, engagementID, TypeAudit)
		if err != nil {
			return err
		}
		for _, ent := range ents {
			s, err := readAuditState(tx, ent)
			if err != nil {
				return err
			}
			out = append(out, s.Summary())
		}
		return nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].Title < out[j].Title })
	return out, err
}
