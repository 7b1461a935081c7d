package pdf

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkRender60Findings renders the acceptance-size report: 60
// findings of about 1,500 characters, 300 photos (20 distinct 1600x1200
// JPEGs, each use made distinct by a JPEG comment segment, so nothing is
// deduplicated) and 40 hearings. Targets: ≤ 10 s, ≤ 400 MB peak heap,
// ≤ 60 MB file. It reports peak-MB (sampled HeapAlloc, the document and
// its photos included) and file-MB.
func BenchmarkRender60Findings(b *testing.B) {
	needFonts(b)
	jpegs := make([][]byte, 20)
	var wg sync.WaitGroup
	for i := range jpegs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			jpegs[i] = sampleJPEG(b, 1600, 1200, i+10)
		}()
	}
	wg.Wait()
	doc := sampleReport(sampleSpec{findings: 60, photos: 300, hearings: 40, indexRows: 300,
		jpegs: jpegs, jpegW: 1600, jpegH: 1200})
	photoBytes := 0
	for _, j := range jpegs {
		photoBytes += len(j)
	}
	b.Logf("average photo %.0f KB", float64(photoBytes)/float64(len(jpegs))/1024)
	path := filepath.Join(b.TempDir(), "report.pdf")

	runtime.GC()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		var ms runtime.MemStats
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	var size int64
	for b.Loop() {
		// Collect the previous iteration's PDF so the peak is one render's.
		b.StopTimer()
		runtime.GC()
		b.StartTimer()
		f, err := os.Create(path)
		if err != nil {
			b.Fatal(err)
		}
		if err := Render(context.Background(), f, doc, Options{}, nil); err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
		st, err := os.Stat(path)
		if err != nil {
			b.Fatal(err)
		}
		size = st.Size()
	}
	close(stop)
	<-done
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-MB")
	b.ReportMetric(float64(size)/(1<<20), "file-MB")
}
