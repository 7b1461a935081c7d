package ui

import (
	"log"
	"sync"

	"fyne.io/fyne/v2"
)

// Runner runs work off the UI goroutine and afterwards runs done on it.
// Work must not touch widgets; done may.
type Runner func(work, done func())

// goRunner is the production Runner: a goroutine, then fyne.Do.
func goRunner(work, done func()) {
	go func() {
		work()
		fyne.Do(done)
	}()
}

// background runs work through run and hands its result to done on the UI
// goroutine. It is the one place where the goroutine/fyne.Do pattern lives.
func background[T any](run Runner, work func() (T, error), done func(T, error)) {
	var (
		v   T
		err error
	)
	run(func() { v, err = work() }, func() { done(v, err) })
}

// logError keeps the cause of a failure the user was told about.
func logError(what string, err error) { log.Printf("ui: %s: %v", what, err) }

// progressTo returns a progress callback for work running off the UI
// goroutine. It hands the latest (done, total) to show on the UI goroutine
// through do, with at most one update queued at a time, so a fast loop
// cannot flood the UI goroutine.
func progressTo(do func(func()), show func(done, total int)) func(done, total int) {
	var (
		mu          sync.Mutex
		pending     bool
		latestDone  int
		latestTotal int
	)
	return func(done, total int) {
		mu.Lock()
		latestDone, latestTotal = done, total
		post := !pending
		pending = true
		mu.Unlock()
		if !post {
			return
		}
		do(func() {
			mu.Lock()
			d, t := latestDone, latestTotal
			pending = false
			mu.Unlock()
			show(d, t)
		})
	}
}
