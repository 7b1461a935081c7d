//go:build unix

package workspace

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system) this process has used, so a
// benchmark can report how many cores it kept busy.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS is the largest resident set this process has had, in bytes
// (Linux reports ru_maxrss in KiB).
func peakRSS() uint64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return uint64(ru.Maxrss) << 10
}
