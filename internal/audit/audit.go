package audit

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrInvalid is wrapped by every validation failure, so callers can tell bad
// input from storage trouble with errors.Is.
var ErrInvalid = errors.New("invalid")

// invalid builds a validation error naming the offending field.
func invalid(field, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrInvalid, field, fmt.Sprintf(format, args...))
}

// Role is a team member's role in an engagement.
type Role string

// Roles, as the contract names them (監査人要件).
const (
	RoleChief          Role = "chief"           // 主監査人
	RoleAssistant      Role = "assistant"       // 主監査人補佐
	RoleAuditor        Role = "auditor"         // 監査人
	RoleProjectManager Role = "project-manager" // 業務責任者
)

// Roles lists every role in display order.
var Roles = []Role{RoleChief, RoleAssistant, RoleAuditor, RoleProjectManager}

// Label is the Japanese name of the role.
func (r Role) Label() string {
	switch r {
	case RoleChief:
		return "主監査人"
	case RoleAssistant:
		return "主監査人補佐"
	case RoleAuditor:
		return "監査人"
	case RoleProjectManager:
		return "業務責任者"
	}
	return string(r)
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, k := range Roles {
		if r == k {
			return true
		}
	}
	return false
}

// ParseRole accepts the role id or its common short forms ("pm").
func ParseRole(s string) (Role, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "pm" || s == "manager" {
		return RoleProjectManager, nil
	}
	r := Role(s)
	if !r.Valid() {
		return "", invalid("role", "%q is not one of chief, assistant, auditor, project-manager", s)
	}
	return r, nil
}

// Qualification is a certificate a member holds (ISMS, CISA, ...).
type Qualification struct {
	Name     string `json:"name"`
	Obtained string `json:"obtained,omitempty"` // YYYY-MM-DD when known
}

// Member is one person on the audit team.
type Member struct {
	ID             string          `json:"id"`
	Person         string          `json:"person,omitempty"` // the member's Kansa identity, stable across engagements
	Name           string          `json:"name"`
	Role           Role            `json:"role"`
	Organisation   string          `json:"organisation,omitempty"`
	Title          string          `json:"title,omitempty"`
	Email          string          `json:"email,omitempty"`
	Qualifications []Qualification `json:"qualifications,omitempty"`
}

// Validate checks the member's required fields.
func (m Member) Validate() error {
	if strings.TrimSpace(m.Name) == "" {
		return invalid("member.name", "is empty")
	}
	if !m.Role.Valid() {
		return invalid("member.role", "%q is not a known role", m.Role)
	}
	for i, q := range m.Qualifications {
		if strings.TrimSpace(q.Name) == "" {
			return invalid(fmt.Sprintf("member.qualifications[%d].name", i), "is empty")
		}
		if q.Obtained != "" {
			if _, err := time.Parse(time.DateOnly, q.Obtained); err != nil {
				return invalid(fmt.Sprintf("member.qualifications[%d].obtained", i), "%q is not YYYY-MM-DD", q.Obtained)
			}
		}
	}
	return nil
}

// Engagement is one contract year with one client (業務委託).
type Engagement struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Client     string   `json:"client"`
	FiscalYear int      `json:"fiscal_year"` // Gregorian year in which the fiscal year starts (April)
	Members    []Member `json:"members,omitempty"`
}

// Validate checks the engagement and its team.
func (e Engagement) Validate() error {
	if strings.TrimSpace(e.Title) == "" {
		return invalid("engagement.title", "is empty")
	}
	if strings.TrimSpace(e.Client) == "" {
		return invalid("engagement.client", "is empty")
	}
	if e.FiscalYear < 2019 || e.FiscalYear > 2100 {
		return invalid("engagement.fiscal_year", "%d is outside 2019–2100 (令和元年度 onwards)", e.FiscalYear)
	}
	for _, m := range e.Members {
		if err := m.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// FiscalYearLabel renders the fiscal year in Japanese official style, e.g. 令和8年度.
func FiscalYearLabel(year int) string {
	r := year - 2018
	if r == 1 {
		return "令和元年度"
	}
	return fmt.Sprintf("令和%d年度", r)
}

// Kind is the kind of audit; it decides the checksheet columns and deliverables.
type Kind string

// Audit kinds (domain.md §2).
const (
	KindExternal       Kind = "external"
	KindFollowup       Kind = "followup"
	KindDatacenter     Kind = "datacenter"
	KindOpscenter      Kind = "opscenter"
	KindInternal       Kind = "internal"
	KindCommonPlatform Kind = "common-platform"
)

// Kinds lists every audit kind.
var Kinds = []Kind{KindExternal, KindFollowup, KindDatacenter, KindOpscenter, KindInternal, KindCommonPlatform}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if k == x {
			return true
		}
	}
	return false
}

// Label is the Japanese name of the audit kind.
func (k Kind) Label() string {
	switch k {
	case KindExternal:
		return "外部監査"
	case KindFollowup:
		return "フォローアップ監査"
	case KindDatacenter:
		return "基幹システム外部データセンター監査"
	case KindOpscenter:
		return "オペレーションセンター監査"
	case KindInternal:
		return "内部監査"
	case KindCommonPlatform:
		return "共通基盤システム監査"
	}
	return string(k)
}

// ParseKind validates a kind id.
func ParseKind(s string) (Kind, error) {
	k := Kind(strings.ToLower(strings.TrimSpace(s)))
	if !k.Valid() {
		return "", invalid("kind", "%q is not one of external, followup, datacenter, opscenter, internal, common-platform", s)
	}
	return k, nil
}

// Column is a checksheet column.
type Column string

// Checksheet columns.
const (
	ColNo             Column = "no"
	ColSection        Column = "section"
	ColTitle          Column = "title"           // 監査項目
	ColCriteria       Column = "criteria"        // 適用基準
	ColPoints         Column = "points"          // 確認の要点 / 監査内容／確認ポイント
	ColExamples       Column = "examples"        // 監査証拠の例示
	ColHearingPurpose Column = "hearing_purpose" // ヒアリング目的
	ColGuidelineRef   Column = "guideline_ref"   // 例文番号
	ColNotes          Column = "notes"           // 備考
)

// Columns returns the checksheet columns the kind requires, in order (domain.md §3).
func (k Kind) Columns() []Column {
	switch k {
	case KindInternal:
		return []Column{ColNo, ColSection, ColTitle, ColHearingPurpose, ColPoints, ColExamples, ColCriteria}
	case KindCommonPlatform:
		return []Column{ColNo, ColSection, ColTitle, ColGuidelineRef, ColPoints, ColExamples}
	}
	return []Column{ColNo, ColSection, ColTitle, ColCriteria, ColPoints, ColExamples, ColNotes}
}

// Target is one audited division (被監査部門) and its system.
type Target struct {
	Division    string `json:"division"`
	Responsible string `json:"responsible,omitempty"`
	System      string `json:"system,omitempty"`
	Vendor      bool   `json:"vendor,omitempty"` // an outsourced vendor rather than a ward division
}

// ScheduleEntry is one line of the plan's schedule (実施スケジュール).
type ScheduleEntry struct {
	Date     string `json:"date"` // YYYY-MM-DD
	Activity string `json:"activity"`
	Place    string `json:"place,omitempty"`
}

// Plan holds the fields an audit plan must state (domain.md §3).
type Plan struct {
	Purpose            string          `json:"purpose,omitempty"`             // 監査目的
	Criteria           string          `json:"criteria,omitempty"`            // 監査基準
	Method             string          `json:"method,omitempty"`              // 監査実施方法の要領
	EvidenceScope      string          `json:"evidence_scope,omitempty"`      // 収集する監査証拠の範囲
	EvidenceCollection string          `json:"evidence_collection,omitempty"` // 監査証拠の収集方法
	Schedule           []ScheduleEntry `json:"schedule,omitempty"`            // 実施スケジュール
	PeriodStart        string          `json:"period_start,omitempty"`        // YYYY-MM-DD
	PeriodEnd          string          `json:"period_end,omitempty"`
	Other              string          `json:"other,omitempty"` // その他必要な事項
}

// Validate checks dates in the plan.
func (p Plan) Validate() error {
	for name, d := range map[string]string{"plan.period_start": p.PeriodStart, "plan.period_end": p.PeriodEnd} {
		if d == "" {
			continue
		}
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			return invalid(name, "%q is not YYYY-MM-DD", d)
		}
	}
	if p.PeriodStart != "" && p.PeriodEnd != "" && p.PeriodEnd < p.PeriodStart {
		return invalid("plan.period_end", "%s is before the start %s", p.PeriodEnd, p.PeriodStart)
	}
	for i, s := range p.Schedule {
		if _, err := time.Parse(time.DateOnly, s.Date); err != nil {
			return invalid(fmt.Sprintf("plan.schedule[%d].date", i), "%q is not YYYY-MM-DD", s.Date)
		}
		if strings.TrimSpace(s.Activity) == "" {
			return invalid(fmt.Sprintf("plan.schedule[%d].activity", i), "is empty")
		}
	}
	return nil
}

// Audit is one audit of one kind within an engagement.
type Audit struct {
	ID           string   `json:"id"`
	EngagementID string   `json:"engagement"`
	Kind         Kind     `json:"kind"`
	Title        string   `json:"title"`
	Targets      []Target `json:"targets,omitempty"`
	Plan         Plan     `json:"plan"`
	Scale        Scale    `json:"scale"`
	Locked       bool     `json:"locked,omitempty"` // set by the chief's final approval
}

// Validate checks the audit, its plan and its scale.
func (a Audit) Validate() error {
	if !a.Kind.Valid() {
		return invalid("audit.kind", "%q is not a known kind", a.Kind)
	}
	if strings.TrimSpace(a.Title) == "" {
		return invalid("audit.title", "is empty")
	}
	for i, t := range a.Targets {
		if strings.TrimSpace(t.Division) == "" {
			return invalid(fmt.Sprintf("audit.targets[%d].division", i), "is empty")
		}
	}
	if err := a.Plan.Validate(); err != nil {
		return err
	}
	return a.Scale.Validate()
}
