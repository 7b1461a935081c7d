package workspace

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/docx"
	"github.com/kansa-audit/kansa/internal/pdf"
	"github.com/kansa-audit/kansa/internal/report"
)

// DocKind selects a document deliverable.
type DocKind string

// Document deliverables.
const (
	DocPlan   DocKind = "plan"   // 監査計画書 (deliverables 1, 5, 9, 23)
	DocReport DocKind = "report" // 監査報告書 (deliverables 4, 8, 12, 26)
)

// DocFormat is the file format of a document.
type DocFormat string

// Formats.
const (
	FormatPDF  DocFormat = "pdf"
	FormatDOCX DocFormat = "docx"
)

// DocRequest describes one document export.
type DocRequest struct {
	AuditID         string
	Doc             DocKind
	Format          DocFormat
	Variant         report.Variant // common-platform reports: ward or jlis
	Path            string
	FontPath        string // PDF: a configured TTF/TTC; "" finds a system font
	Issuer          string // the audit firm; "" uses the chief's organisation
	NamesInHearings bool   // print interviewees' names in the hearing log
}

// ParseDocRequest validates the words a user gave (CLI, settings).
func ParseDocRequest(doc, format, variant string) (DocKind, DocFormat, report.Variant, error) {
	d := DocKind(strings.ToLower(strings.TrimSpace(doc)))
	if d != DocPlan && d != DocReport {
		return "", "", "", fmt.Errorf("%w: document %q is not plan or report", ErrInvalid, doc)
	}
	f := DocFormat(strings.ToLower(strings.TrimSpace(format)))
	if f != FormatPDF && f != FormatDOCX {
		return "", "", "", fmt.Errorf("%w: format %q is not pdf or docx", ErrInvalid, format)
	}
	v, err := report.ParseVariant(variant)
	return d, f, v, err
}

// reportInput assembles what the report builders and lints need, in one
// read. Photos are given to the renderers as their upright report-size
// copies, read on demand.
func (w *Workspace) reportInput(auditID string, names bool, issuer string) (report.Input, error) {
	var in report.Input
	err := w.st.View(func(tx *bolt.Tx) error {
		st, eng, err := auditWithEngagement(tx, auditID)
		if err != nil {
			return err
		}
		in = report.Input{Engagement: eng, Audit: st.Audit, Evidence: st.Evidence, Hearings: st.Hearings,
			Notes: st.Notes, Date: w.now(), NamesInHearings: names, Issuer: issuer}
		for _, it := range st.Items {
			in.Items = append(in.Items, report.ItemInput{Item: it.Item, Result: it.Result, Evidence: it.Evidence, Hearings: it.Hearings})
		}
		return nil
	})
	in.Image = func(id string) (report.Image, bool) {
		jpg, wd, ht, ok, err := w.EvidenceImage(id, false)
		if err != nil || !ok {
			return report.Image{}, false
		}
		return report.Image{JPEG: jpg, Width: wd, Height: ht}, true
	}
	return in, err
}

// Lint runs the pre-export checks on an audit: short proposals, findings
// without evidence, rated items without observation, unrated items,
// assurance wording, open review notes; and photos whose report copy
// cannot be read (damaged or missing on this device), which a report
// would list in words instead of showing.
func (w *Workspace) Lint(auditID string) ([]report.Finding, error) {
	in, err := w.reportInput(auditID, false, "")
	if err != nil {
		return nil, err
	}
	return append(report.Lint(in, nil), w.unreadablePhotos(in)...), nil
}

// unreadablePhotos reads the report copy of every photo of in, once each,
// and names those that fail.
func (w *Workspace) unreadablePhotos(in report.Input) []report.Finding {
	var out []report.Finding
	seen := map[string]bool{}
	for _, it := range in.Items {
		for _, e := range it.Evidence {
			if e.Kind != audit.EvidencePhoto || seen[e.ID] {
				continue
			}
			seen[e.ID] = true
			if _, _, _, _, err := w.EvidenceImage(e.ID, false); err != nil {
				out = append(out, report.Finding{Item: it.Item.No, Rule: report.RulePhotoDamaged,
					Message: fmt.Sprintf("項目%sの写真「%s」（証跡ID %s）を読み出せません。報告書には図ではなく文字で載ります。kansactl check で証跡を確認し、同期し直すか添付し直してください（%v）", it.Item.No, e.FileName, e.ID, err)})
			}
		}
	}
	return out
}

// BuildDocument builds the document model of a deliverable.
func (w *Workspace) BuildDocument(req DocRequest) (*report.Document, error) {
	in, err := w.reportInput(req.AuditID, req.NamesInHearings, req.Issuer)
	if err != nil {
		return nil, err
	}
	if req.Doc == DocPlan {
		return report.BuildPlan(in)
	}
	return report.BuildReport(in, req.Variant)
}

// ExportDocument builds and renders a plan or report to req.Path. The file
// is written to a temporary name, synced, read back and checked, then
// renamed into place.
func (w *Workspace) ExportDocument(ctx context.Context, req DocRequest, progress func(done, total int)) error {
	doc, err := w.BuildDocument(req)
	if err != nil {
		return err
	}
	render := func(out io.Writer) error {
		if req.Format == FormatDOCX {
			return docx.Render(ctx, out, doc, progress)
		}
		return pdf.Render(ctx, out, doc, pdf.Options{FontPath: req.FontPath}, progress)
	}
	return writeFileAtomic(req.Path, render, func(p string) error { return checkDocument(p, req.Format) })
}

// checkDocument reads an export back: a PDF must start and end like one, a
// docx must be a zip holding word/document.xml.
func checkDocument(path string, f DocFormat) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	switch f {
	case FormatPDF:
		if !bytes.HasPrefix(data, []byte("%PDF-")) || !bytes.Contains(data[max(0, len(data)-1024):], []byte("%%EOF")) {
			return fmt.Errorf("not a complete PDF (%d bytes)", len(data))
		}
	case FormatDOCX:
		zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return fmt.Errorf("not a complete docx: %w", err)
		}
		found := false
		for _, f := range zr.File {
			found = found || f.Name == "word/document.xml"
		}
		if !found {
			return fmt.Errorf("docx without word/document.xml")
		}
	}
	return nil
}
