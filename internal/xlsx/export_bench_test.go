package xlsx

import (
	"context"
	"io"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
)

// exportPeakHeap samples the heap while f runs and returns the peak in
// bytes. Sampling every millisecond can miss a short spike, so it is a
// lower bound; a GC before the start keeps the baseline honest.
func exportPeakHeap(f func()) uint64 {
	runtime.GC()
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var ms runtime.MemStats
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			peak = max(peak, ms.HeapAlloc)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	return peak
}

func exportBench(b *testing.B, write exportWriter, a ExportAudit) {
	b.ReportAllocs()
	var peak uint64
	b.ResetTimer()
	for b.Loop() {
		p := exportPeakHeap(func() {
			if err := write(context.Background(), io.Discard, a, nil); err != nil {
				b.Fatal(err)
			}
		})
		peak = max(peak, p)
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
}

// BenchmarkWriteResultList1000 is the target: a result list of
// 1,000 items with 3,000 evidence rows in at most 2 s and 200 MB.
func BenchmarkWriteResultList1000(b *testing.B) {
	exportBench(b, WriteResultList, exportTestAudit(audit.KindExternal, 1000, 3))
}

// BenchmarkWriteChecksheet1000 exports a 1,000-item checksheet.
func BenchmarkWriteChecksheet1000(b *testing.B) {
	exportBench(b, WriteChecksheet, exportTestAudit(audit.KindExternal, 1000, 0))
}
