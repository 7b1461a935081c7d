//go:build linux && !arm

package blob

import (
	"os"
	"syscall"
)

// syncFileRangeWrite is SYNC_FILE_RANGE_WRITE: start writing out the
// range's dirty pages without waiting for them.
const syncFileRangeWrite = 2

// startWriteback starts writing out n bytes of f from off. It is only a
// hint: the fsync that follows is what makes the data durable.
func startWriteback(f *os.File, off, n int64) {
	syscall.SyncFileRange(int(f.Fd()), off, n, syncFileRangeWrite)
}
