package workspace

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// itemEvidence lists the file names of the evidence on item no.
func itemEvidence(t *testing.T, w *Workspace, aud, no string) []string {
	t.Helper()
	st, err := w.AuditState(aud)
	if err != nil {
		t.Fatal(err)
	}
	it, ok := st.Item(no)
	if !ok {
		t.Fatalf("no item %s", no)
	}
	var out []string
	for _, ev := range it.Evidence {
		out = append(out, ev.FileName)
	}
	return out
}

func TestLinkEvidenceToMoreItems(t *testing.T) {
	w := mustWorkspace(t)
	_, aud := mustAudit(t, w, "datacenter")
	path := filepath.Join(t.TempDir(), "rack.jpg")
	if err := os.WriteFile(path, testJPEG(t, 64, 48), 0o600); err != nil {
		t.Fatal(err)
	}
	ev, err := w.AddEvidence(context.Background(), aud, []string{"12"}, path, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.LinkEvidence(aud, ev.ID, "13"); err != nil {
		t.Fatal(err)
	}
	if err := w.LinkEvidence(aud, ev.ID, "13"); err != nil { // again: no change
		t.Fatal(err)
	}
	for _, no := range []string{"12", "13"} {
		if got := itemEvidence(t, w, aud, no); len(got) != 1 || got[0] != "rack.jpg" {
			t.Errorf("item %s has evidence %v, want [rack.jpg]", no, got)
		}
	}
	st, err := w.AuditState(aud)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Evidence) != 1 || len(st.Evidence[0].Items) != 2 {
		t.Fatalf("audit evidence %+v, want one file on two items", st.Evidence)
	}

	// Unlinking the capture item keeps the file on the other one.
	if err := w.UnlinkEvidence(aud, ev.ID, "12"); err != nil {
		t.Fatal(err)
	}
	if got := itemEvidence(t, w, aud, "12"); len(got) != 0 {
		t.Errorf("item 12 still has %v after unlink", got)
	}
	if got := itemEvidence(t, w, aud, "13"); len(got) != 1 {
		t.Errorf("item 13 lost the file: %v", got)
	}
	// And linking it back restores it.
	if err := w.LinkEvidence(aud, ev.ID, "12"); err != nil {
		t.Fatal(err)
	}
	if got := itemEvidence(t, w, aud, "12"); len(got) != 1 {
		t.Errorf("item 12 after relink: %v", got)
	}

	if err := w.LinkEvidence(aud, ev.ID, "no-such-item"); !errors.Is(err, ErrNotFound) {
		t.Errorf("link to a missing item: %v, want ErrNotFound", err)
	}
	if err := w.LinkEvidence(aud, "no-such-evidence", "12"); err == nil {
		t.Error("link of a missing evidence id succeeded")
	}
}
