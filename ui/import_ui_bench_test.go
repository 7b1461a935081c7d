package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/kansa-audit/kansa/fixtures/photo"
)

// uiLoop plays the UI goroutine for a benchmark: work runs on goroutines
// of its own, as in the app, and everything meant for the UI goroutine
// (the Runner's completions and every Do) is run by serve on the calling
// goroutine and timed, one callback at a time.
type uiLoop struct {
	calls   chan func()
	running int // work started and not yet completed; serve's goroutine only
	longest time.Duration
	total   time.Duration
	count   int
}

func newUILoop() *uiLoop { return &uiLoop{calls: make(chan func(), 256)} }

func (l *uiLoop) run(work, done func()) {
	l.running++
	go func() {
		work()
		l.calls <- func() { l.running--; done() }
	}()
}

func (l *uiLoop) do(f func()) { l.calls <- f }

// timed runs f as the UI goroutine would, and records how long it held it.
func (l *uiLoop) timed(f func()) {
	t := time.Now()
	f()
	d := time.Since(t)
	l.longest = max(l.longest, d)
	l.total += d
	l.count++
}

// serve runs UI callbacks until no work is running and none is queued.
func (l *uiLoop) serve(b *testing.B) {
	for {
		select {
		case f := <-l.calls:
			l.timed(f)
		case <-time.After(2 * time.Minute):
			b.Fatalf("UI work did not finish (%d running)", l.running)
		}
		if l.running == 0 && len(l.calls) == 0 {
			return
		}
	}
}

// BenchmarkImportUIThread imports 12-megapixel photos dropped on the
// workspace screen, through the real attach flow (progress dialog,
// per-file progress, thumbnails, the evidence strip), and reports the
// longest single piece of work the UI goroutine ran: the tap or drop
// handler, each progress update and each completion. Target (issue 3):
// no piece over 50 ms, so the window stays responsive during an import.
//
//	go test -run '^$' -bench ImportUIThread -benchtime 1x ./ui/
//
// KANSA_UI_PHOTOS sets the number of photos (default 20).
func BenchmarkImportUIThread(b *testing.B) {
	n := 20
	if v, err := strconv.Atoi(os.Getenv("KANSA_UI_PHOTOS")); err == nil && v > 0 {
		n = v
	}
	src, err := photo.Camera(4000, 3000)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	paths := make([]string, n)
	for i := range paths {
		paths[i] = filepath.Join(dir, fmt.Sprintf("IMG_%04d.jpg", i+1))
		if err := os.WriteFile(paths[i], photo.WithComment(src, fmt.Sprint("ui benchmark ", i)), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	var longest, total time.Duration
	var calls int
	for b.Loop() {
		b.StopTimer()
		l := newUILoop()
		u, ws, id := benchWorkspaceOn(b, 50, l.run, l.do)
		l.timed(func() { u.navigate(Route{Page: PageAudit, AuditID: id}) })
		l.serve(b)
		s := u.screen.(*auditScreen)
		if s.state == nil || s.current < 0 {
			b.Fatal("the audit did not open")
		}
		l.longest, l.total, l.count = 0, 0, 0 // the import only
		b.StartTimer()
		l.timed(func() { s.attachFiles(paths) })
		l.serve(b)
		b.StopTimer()
		if s.attaching != nil {
			b.Fatal("import still running")
		}
		st, err := ws.AuditState(id)
		if err != nil {
			b.Fatal(err)
		}
		if got := len(st.Items[s.current].Evidence); got != n {
			b.Fatalf("item has %d evidence, want %d", got, n)
		}
		if want := min(n, evidencePage); stripImages(s) < want {
			b.Fatalf("evidence strip shows %d thumbnails, want %d", stripImages(s), want)
		}
		longest, total, calls = max(longest, l.longest), total+l.total, calls+l.count
		b.StartTimer()
	}
	b.ReportMetric(float64(longest.Microseconds())/1000, "max-ui-ms")
	b.ReportMetric(float64(total.Microseconds())/1000/float64(max(calls, 1)), "mean-ui-ms")
	b.ReportMetric(float64(calls)/float64(b.N), "ui-calls/op")
}
