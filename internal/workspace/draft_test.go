package workspace

import (
	"path/filepath"
	"testing"

	"github.com/kansa-audit/kansa/internal/audit"
)

func TestDraftSurvivesReopenAndIsDeleted(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	w, err := Create(dir, []byte("pass"), "田中", audit.RoleAuditor, Options{KDF: testKDF})
	if err != nil {
		t.Fatal(err)
	}
	type form struct {
		Place string   `json:"place"`
		Lines []string `json:"lines"`
	}
	in := form{Place: "第二データセンター 会議室", Lines: []string{"入退室記録は月次で確認している。", "鍵は施錠保管。"}}
	if err := w.PutDraft("hearing/a1", in); err != nil {
		t.Fatal(err)
	}
	if err := w.PutDraft("", in); err == nil {
		t.Error("a draft with an empty key was accepted")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	w, err = Open(dir, []byte("pass"), Options{KDF: testKDF})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	var out form
	found, err := w.Draft("hearing/a1", &out)
	if err != nil || !found || out.Place != in.Place || len(out.Lines) != 2 || out.Lines[1] != in.Lines[1] {
		t.Fatalf("draft after reopen: found %v, %+v, %v", found, out, err)
	}
	if found, _ := w.Draft("hearing/other", &out); found {
		t.Error("another key found a draft")
	}
	if err := w.DeleteDraft("hearing/a1"); err != nil {
		t.Fatal(err)
	}
	if found, err := w.Draft("hearing/a1", &out); found || err != nil {
		t.Errorf("deleted draft: found %v, %v", found, err)
	}
	if err := w.DeleteDraft("hearing/a1"); err != nil {
		t.Errorf("deleting again: %v", err)
	}
}
