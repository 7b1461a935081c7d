package workspace

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/exchange"
	"github.com/kansa-audit/kansa/internal/report"
)

// TestLintNamesUnreadablePhoto: a photo whose report copy is damaged on
// this device is named before an export (which would list it in words
// instead of showing it); an intact one is not.
func TestLintNamesUnreadablePhoto(t *testing.T) {
	reps, aud := teamOn(t, exchange.NewDir(t.TempDir()), 1)
	w := reps[0]
	ev := addPhoto(t, w, aud)
	damaged := func() []report.Finding {
		t.Helper()
		fs, err := w.Lint(aud)
		if err != nil {
			t.Fatal(err)
		}
		var out []report.Finding
		for _, f := range fs {
			if f.Rule == report.RulePhotoDamaged {
				out = append(out, f)
			}
		}
		return out
	}
	if fs := damaged(); len(fs) != 0 {
		t.Fatalf("intact photo: %+v", fs)
	}
	var rec evidenceRecord
	if err := w.st.View(func(tx *bolt.Tx) error {
		e, err := entityOf(tx, ev.ID, TypeEvidence)
		if err != nil {
			return err
		}
		return decode(e, &rec)
	}); err != nil || rec.Report == nil {
		t.Fatalf("evidence record: %+v, %v", rec, err)
	}
	name := w.blobs.NameFor(rec.Report.SHA256)
	p := filepath.Join(w.dir, "blobs", name[:2], name)
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 1
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	fs := damaged()
	if len(fs) != 1 || fs[0].Item != "1" || !strings.Contains(fs[0].Message, ev.FileName) || !strings.Contains(fs[0].Message, ev.ID) {
		t.Fatalf("damaged report copy: %+v; want one finding on item 1 naming the file", fs)
	}
}
