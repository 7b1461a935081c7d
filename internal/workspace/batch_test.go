package workspace

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/kansa-audit/kansa/fixtures/photo"
)

// bombOf is jpg with its SOF0 frame size patched to 20000×20000.
func bombOf(jpg []byte) []byte {
	bomb := append([]byte(nil), jpg...)
	for i := 2; i+9 < len(bomb); i++ {
		if bomb[i] == 0xFF && bomb[i+1] == 0xC0 {
			binary.BigEndian.PutUint16(bomb[i+5:], 20000)
			binary.BigEndian.PutUint16(bomb[i+7:], 20000)
			break
		}
	}
	return bomb
}

func TestAddEvidenceBatchKeepsOrderAndGoodFiles(t *testing.T) {
	w := mustWorkspace(t)
	clock := time.Date(2026, 9, 10, 0, 0, 0, 0, time.UTC) // a second per file: a stable order
	w.now = func() time.Time { clock = clock.Add(time.Second); return clock }
	_, aud := mustAudit(t, w, "datacenter")
	dir := t.TempDir()
	good, good2 := testJPEG(t, 640, 480), testJPEG(t, 300, 500)
	files := []struct {
		name string
		data []byte
	}{
		{"good.jpg", good}, {"bomb.jpg", bombOf(good)}, {"truncated.jpg", good[:len(good)/2]}, {"good2.jpg", good2},
	}
	var paths []string
	for _, f := range files {
		p := filepath.Join(dir, f.name)
		if err := os.WriteFile(p, f.data, 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	var calls []string
	res, err := w.AddEvidenceBatch(context.Background(), aud, []string{"12"}, paths, func(done, total int, name string) {
		calls = append(calls, fmt.Sprintf("%d/%d %s", done, total, name))
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 4 {
		t.Fatalf("%d results", len(res))
	}
	for i, wantOK := range []bool{true, false, false, true} {
		r := res[i]
		if r.Path != paths[i] {
			t.Errorf("result %d is for %s", i, r.Path)
		}
		if wantOK && (r.Err != nil || r.Evidence.FileName != files[i].name || r.Evidence.ID == "") {
			t.Errorf("%s: %+v, %v", files[i].name, r.Evidence, r.Err)
		}
		if !wantOK && !errors.Is(r.Err, ErrBadPhoto) {
			t.Errorf("%s: err = %v, want ErrBadPhoto", files[i].name, r.Err)
		}
	}
	want := "[0/4 good.jpg 1/4 bomb.jpg 2/4 truncated.jpg 3/4 good2.jpg 4/4 ]"
	if got := fmt.Sprint(calls); got != want {
		t.Errorf("progress %s, want %s", got, want)
	}
	st, err := w.AuditState(aud)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, it := range st.Items {
		if it.No == "12" {
			for _, ev := range it.Evidence {
				names = append(names, ev.FileName)
			}
		}
	}
	if fmt.Sprint(names) != "[good.jpg good2.jpg]" {
		t.Errorf("item 12 has evidence %v", names)
	}

	// A cancelled batch stores nothing more and says so.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err = w.AddEvidenceBatch(ctx, aud, []string{"12"}, paths, nil)
	if !errors.Is(err, context.Canceled) || len(res) != 4 || !errors.Is(res[3].Err, context.Canceled) {
		t.Errorf("cancelled batch: %v, %+v", err, res)
	}
	// An unknown item fails the batch before any work.
	if _, err := w.AddEvidenceBatch(context.Background(), aud, []string{"999"}, paths, nil); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown item: %v", err)
	}
}

// photo12MP makes one 4000×3000 JPEG that compresses like a photo.
func photo12MP(tb testing.TB) []byte {
	tb.Helper()
	jpg, err := photo.Camera(4000, 3000)
	if err != nil {
		tb.Fatal(err)
	}
	return jpg
}

// BenchmarkImport100Photos12MP imports 100 distinct 12-megapixel photos
// into one item with AddEvidenceBatch. Targets (issue 3) on a 2-core
// machine: <= 40 s per batch, both cores busy (cpu-% near 200) and
// <= 500 MB peak memory. Run with
//
//	go test -run '^$' -bench Import100 -benchtime 1x ./internal/workspace/
func BenchmarkImport100Photos12MP(b *testing.B) {
	const n = 100
	src := photo12MP(b)
	dir := b.TempDir()
	paths := make([]string, n)
	for i := range paths {
		paths[i] = filepath.Join(dir, fmt.Sprintf("IMG_%04d.jpg", i+1))
		if err := os.WriteFile(paths[i], photo.WithComment(src, fmt.Sprintf("kansa benchmark photo %d", i)), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	var peak uint64
	var cpu, wall time.Duration
	for b.Loop() {
		b.StopTimer()
		w := mustWorkspace(b)
		_, aud := mustAudit(b, w, "datacenter")
		runtime.GC()
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(10 * time.Millisecond)
			defer t.Stop()
			var ms runtime.MemStats
			for {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse+ms.StackInuse)
				select {
				case <-stop:
					return
				case <-t.C:
				}
			}
		}()
		b.StartTimer()
		cpu0, t0 := processCPU(), time.Now()
		res, err := w.AddEvidenceBatch(context.Background(), aud, []string{"12"}, paths, nil)
		cpu, wall = cpu+processCPU()-cpu0, wall+time.Since(t0)
		b.StopTimer()
		close(stop)
		wg.Wait()
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res {
			if r.Err != nil {
				b.Fatal(r.Err)
			}
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-MB")
	// The process's peak resident set, test set-up included (the 12 MP
	// source image is decoded and encoded once before the import).
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-rss-MB")
	b.ReportMetric(float64(len(src))/(1<<20), "MB/photo")
	// 200 % means both cores of a 2-core machine were busy throughout.
	b.ReportMetric(100*cpu.Seconds()/wall.Seconds(), "cpu-%")
}
