package ui

import (
	"fmt"
	"sync"

	"fyne.io/fyne/v2/lang"

	"github.com/kansa-audit/kansa/internal/workspace"
)

// syncProgressTo returns a progress callback for Workspace.SyncWithProgress
// that shows the latest counts on the UI goroutine through do, at most one
// update waiting at a time (the sync reports from its own goroutines).
func syncProgressTo(do func(func()), show func(workspace.SyncProgress)) func(workspace.SyncProgress) {
	var (
		mu      sync.Mutex
		pending bool
		latest  workspace.SyncProgress
	)
	return func(p workspace.SyncProgress) {
		mu.Lock()
		latest = p
		post := !pending
		pending = true
		mu.Unlock()
		if !post {
			return
		}
		do(func() {
			mu.Lock()
			p := latest
			pending = false
			mu.Unlock()
			show(p)
		})
	}
}

// syncProgressText says how far a sync is: the files read, then the
// evidence imported in bytes.
func syncProgressText(p workspace.SyncProgress) string {
	if p.TotalBytes > 0 {
		return lang.L("sync.progress_bytes", map[string]any{"Done": byteSize(p.Bytes), "Total": byteSize(p.TotalBytes)})
	}
	return lang.L("sync.progress", map[string]any{"Done": p.Bundles, "Total": p.TotalBundles})
}

// byteSize is a size for people: 512 B, 3.4 KB, 120.5 MB, 1.2 GB.
func byteSize(n int64) string {
	switch {
	case n < 1000:
		return fmt.Sprintf("%d B", n)
	case n < 1000*1000:
		return fmt.Sprintf("%.1f KB", float64(n)/1e3)
	case n < 1000*1000*1000:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	}
	return fmt.Sprintf("%.2f GB", float64(n)/1e9)
}
