//go:build !unix

package workspace

import "time"

// processCPU is not measured here; the benchmark then reports 0 % CPU.
func processCPU() time.Duration { return 0 }

// peakRSS is not measured here.
func peakRSS() uint64 { return 0 }
