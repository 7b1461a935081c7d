package docx

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/kansa-audit/kansa/internal/report"
)

var (
	benchOnce sync.Once
	benchDoc  *report.Document
)

// benchDocument is the acceptance report: 60 findings with a proposal of
// about 1,500 characters each, 300 photos (20 distinct 1600x1200 JPEGs,
// every use with its own bytes) and 40 hearings.
func benchDocument(b *testing.B) *report.Document {
	benchOnce.Do(func() {
		photos := make([][]byte, 20)
		var wg sync.WaitGroup
		for i := range photos {
			wg.Go(func() { photos[i] = testJPEG(b, 1600, 1200, i+1) })
		}
		wg.Wait()
		benchDoc = buildDocument(docSpec{findings: 60, photosPerFinding: 5, hearings: 40, summaryRows: 60, photos: photos})
	})
	return benchDoc
}

// peakHeap samples the live heap every millisecond until stop is closed
// and returns the largest value seen.
func peakHeap(stop <-chan struct{}) <-chan uint64 {
	out := make(chan uint64, 1)
	go func() {
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// BenchmarkRender60Findings renders the acceptance report to a file.
// Target: ≤ 10 s per report. Reports the file size, the peak live heap,
// and the peak above the model itself (whose photos alone are ~100 MB).
func BenchmarkRender60Findings(b *testing.B) {
	doc := benchDocument(b)
	var photoBytes int
	for _, bl := range doc.Blocks {
		if f, ok := bl.(report.Figure); ok {
			photoBytes += len(f.Image.JPEG)
		}
	}
	dir := b.TempDir()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc

	stop := make(chan struct{})
	peak := peakHeap(stop)
	var size int64
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		p := filepath.Join(dir, "report.docx")
		f, err := os.Create(p)
		if err != nil {
			b.Fatal(err)
		}
		if err := Render(context.Background(), f, doc, nil); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		st, err := os.Stat(p)
		if err != nil {
			b.Fatal(err)
		}
		size = st.Size()
	}
	b.StopTimer()
	close(stop)
	p := <-peak
	b.ReportMetric(float64(size)/1e6, "file-MB")
	b.ReportMetric(float64(photoBytes)/1e6, "photos-MB")
	b.ReportMetric(float64(p)/1e6, "peak-heap-MB")
	b.ReportMetric(float64(p-min(p, base))/1e6, "heap-over-model-MB")
}
