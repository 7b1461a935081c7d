package xlsx

import (
	"context"
	"fmt"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"testing"
	"time"
)

// importBenchBook is a 1,000-item checksheet as people make them: title
// rows, a header at row 4, sections merged over 100 rows, multi-line text.
func importBenchBook(b *testing.B) string {
	rows := [][]any{importRow("令和6年度 情報セキュリティ外部監査 チェックシート"), importRow("対象：全課"), nil, importJP}
	var merges []string
	for i := 1; i <= 1000; i++ {
		sec := any(nil)
		if i%100 == 1 {
			sec = fmt.Sprintf("区分%d", i/100+1)
			merges = append(merges, fmt.Sprintf("B%d:B%d", i+4, i+103))
		}
		rows = append(rows, importRow(i, sec,
			fmt.Sprintf("監査項目 %d：情報資産の管理状況を確認する", i),
			"情報セキュリティポリシー 第3章\n対策基準 3.2",
			strings.Repeat("・確認の要点を記載する。\n", 4),
			"台帳、手順書、記録",
			""))
	}
	return importBook(b, importSheet{name: "チェックシート", rows: rows, merges: merges})
}

// importPeakHeap samples the live heap until stop is called and returns the
// largest value seen.
func importPeakHeap() (stop func() uint64) {
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	var (
		peak uint64
		mu   sync.Mutex
		done = make(chan struct{})
		wg   sync.WaitGroup
	)
	read := func() {
		metrics.Read(sample)
		mu.Lock()
		peak = max(peak, sample[0].Value.Uint64())
		mu.Unlock()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				read()
			}
		}
	}()
	return func() uint64 {
		read()
		close(done)
		wg.Wait()
		return peak
	}
}

// BenchmarkImport1000Items: target ≤ 1 s per import and ≤ 200 MB peak heap.
func BenchmarkImport1000Items(b *testing.B) {
	path := importBenchBook(b)
	runtime.GC()
	stop := importPeakHeap()
	b.ReportAllocs()
	for b.Loop() {
		rep, err := ReadChecksheet(context.Background(), path, ImportOptions{})
		if err != nil {
			b.Fatal(err)
		}
		if len(rep.Items) != 1000 || rep.Items[999].Section != "区分10" {
			b.Fatalf("%d items, last section %q", len(rep.Items), rep.Items[len(rep.Items)-1].Section)
		}
	}
	b.ReportMetric(float64(stop())/(1<<20), "peak-heap-MB")
}
