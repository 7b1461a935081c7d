package ui

import (
	"context"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/report"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// Store is the encrypted store on this device, whether locked or not.
type Store interface {
	// Exists reports whether the store has been created yet.
	Exists() bool
	// Create makes the store and returns it unlocked. It runs Argon2id.
	Create(passphrase []byte, name string, role audit.Role) (Workspace, error)
	// Open unlocks the store. It runs Argon2id.
	Open(passphrase []byte) (Workspace, error)
}

// Workspace is what the screens need of an unlocked store.
// *workspace.Workspace implements it.
type Workspace interface {
	Close() error
	Me() workspace.Me
	Engagements() ([]audit.Engagement, error)
	CreateEngagement(audit.Engagement) (string, error)
	Audits(engagementID string) ([]workspace.AuditSummary, error)
	CreateAudit(workspace.NewAudit) (string, error)
	// ImportChecksheet reads a checksheet workbook against an audit: with
	// dryRun it only reports what would change (the preview), otherwise it
	// stores the items. Results are never touched.
	ImportChecksheet(ctx context.Context, auditID, path string, opt workspace.ImportOptions, dryRun bool) (*workspace.ChecksheetImport, error)
	// ExportExcel writes the audit's checksheet or result list to path,
	// replacing the file only once the new one is complete.
	ExportExcel(ctx context.Context, auditID string, kind workspace.ExportKind, path string, progress func(done, total int)) error
	// AuditState reads an audit whole: the audit, its items with their
	// results, evidence, hearings and review notes.
	AuditState(auditID string) (*workspace.AuditState, error)
	// SetField writes one result field of an entity of an editable audit
	// durably (one transaction): the workspace screen's autosave. Writing
	// a field that is in conflict resolves the conflict.
	SetField(auditID, entityID, field string, value any) error
	// AddEvidence seals the file at path and links it to the items
	// itemNos; a refused photo's error wraps workspace.ErrBadPhoto.
	AddEvidence(ctx context.Context, auditID string, itemNos []string, path, caption string) (audit.Evidence, error)
	// AddEvidenceBatch imports files as evidence of the items itemNos,
	// photos derived on up to two cores, stored in the order given, each
	// file its own transaction. Results are in file order; a refused
	// photo's Err wraps workspace.ErrBadPhoto and the others still import.
	// progress is called off the UI goroutine with the files finished and
	// the name of the file being worked on. Cancelling ctx stops the
	// files not yet stored (their Err is the context's).
	AddEvidenceBatch(ctx context.Context, auditID string, itemNos []string, paths []string, progress func(done, total int, name string)) ([]workspace.BatchResult, error)
	// LinkEvidence links evidence already in the audit to one more item;
	// UnlinkEvidence removes it from one item (the file stays).
	LinkEvidence(auditID, evidenceID, itemNo string) error
	UnlinkEvidence(auditID, evidenceID, itemNo string) error
	// EvidenceImage returns the upright JPEG of a photo, the thumbnail
	// when thumb is set; ok is false for evidence that is not a photo.
	EvidenceImage(evidenceID string, thumb bool) (jpg []byte, width, height int, ok bool, err error)
	// PutDraft, Draft and DeleteDraft keep what a form holds before it is
	// saved (the hearing form), sealed in the store, never synced.
	PutDraft(key string, v any) error
	Draft(key string, v any) (bool, error)
	DeleteDraft(key string) error
	// MemberNames maps member ids to names for an engagement.
	MemberNames(engagementID string) (map[string]string, error)
	// AddHearing records a hearing of an editable audit, its statements
	// linked to the items they name; it returns the hearing's id.
	AddHearing(auditID string, n workspace.NewHearing) (string, error)
	// Lint runs the pre-export checks of the plan and report on an audit.
	Lint(auditID string) ([]report.Finding, error)
	// ExportDocument writes the audit plan or report as PDF or Word to
	// req.Path, replacing the file only once the new one is complete.
	ExportDocument(ctx context.Context, req workspace.DocRequest, progress func(done, total int)) error
	// The shared-folder sync and the team (sync_screen.go).
	syncWorkspace
	// Review notes, sign-offs and approval (review.go).
	reviewWorkspace
}

var _ Workspace = (*workspace.Workspace)(nil)

// DirStore is the Store kept in a directory by package workspace.
type DirStore struct {
	Dir     string
	Options workspace.Options
}

var _ Store = DirStore{}

// Exists reports whether Dir holds a store.
func (s DirStore) Exists() bool { return workspace.Exists(s.Dir) }

// Create makes a new store in Dir.
func (s DirStore) Create(passphrase []byte, name string, role audit.Role) (Workspace, error) {
	ws, err := workspace.Create(s.Dir, passphrase, name, role, s.Options)
	if err != nil {
		return nil, err // not a typed nil inside the interface
	}
	return ws, nil
}

// Open unlocks the store in Dir.
func (s DirStore) Open(passphrase []byte) (Workspace, error) {
	ws, err := workspace.Open(s.Dir, passphrase, s.Options)
	if err != nil {
		return nil, err
	}
	return ws, nil
}
