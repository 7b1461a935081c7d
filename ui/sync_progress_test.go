package ui

import (
	"testing"

	"github.com/kansa-audit/kansa/internal/workspace"
)

func TestSyncProgressText(t *testing.T) {
	if err := UseLanguage(Japanese); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p    workspace.SyncProgress
		want string
	}{
		{workspace.SyncProgress{Bundles: 2, TotalBundles: 5}, "他のメンバーの変更を読み込んでいます… 2 / 5 ファイル"},
		{workspace.SyncProgress{Bundles: 5, TotalBundles: 5, Bytes: 3_400_000, TotalBytes: 512_000_000}, "証跡 3.4 MB / 512.0 MB を取り込み中…"},
		{workspace.SyncProgress{Bundles: 1, TotalBundles: 1, Bytes: 900, TotalBytes: 1_500_000_000}, "証跡 900 B / 1.50 GB を取り込み中…"},
	} {
		if got := syncProgressText(c.p); got != c.want {
			t.Errorf("syncProgressText(%+v) = %q, want %q", c.p, got, c.want)
		}
	}
}
