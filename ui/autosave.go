package ui

import (
	"time"
)

// autosaveDelay is how long after the last keystroke a text field is
// saved. A choice (rating, finding class) and leaving a field or an item
// save at once, so every change is durable within about a second.
const autosaveDelay = 500 * time.Millisecond

// AfterFunc calls f on its own goroutine after d, like time.AfterFunc, and
// returns a function that stops the timer if it has not fired yet. Tests
// inject one they fire by hand.
type AfterFunc func(d time.Duration, f func()) (stop func() bool)

func realAfterFunc(d time.Duration, f func()) func() bool { return time.AfterFunc(d, f).Stop }

// fieldKey names one field of one entity: what a save writes.
type fieldKey struct {
	entityID, field string
}

// saveJob is one write of the autosave: a field and its value.
type saveJob struct {
	key   fieldKey
	value any
}

// pendingEdit is a change waiting for its debounce timer.
type pendingEdit struct {
	value any
	stop  func() bool
	gen   int // which timer is current; an older one that fires is ignored
}

// runningSave is the save being written off the UI goroutine.
type runningSave struct {
	job      saveJob
	err      error         // set by the work before finished is closed
	finished chan struct{} // closed when the write has returned
	handled  bool          // its result has been taken (by flushNow)
}

// saveState is what the 保存済み indicator shows.
type saveState int

const (
	saveSaved  saveState = iota // everything typed is stored
	saveSaving                  // changes are waiting or being written
	saveFailed                  // a write failed; the text stays in the widget
)

// autosaver writes edits to the store without a Save button. A text edit
// waits autosaveDelay after the last keystroke (debounce per field); a
// flush sends it at once. Writes run one at a time, in the order they were
// sent, off the UI goroutine through the Runner, so edits never reorder.
// A failed write is kept and retried with the next flush; its text stays
// in the widget, so nothing typed is lost. All methods run on the UI
// goroutine.
type autosaver struct {
	run   Runner
	do    func(func()) // onto the UI goroutine, for the timers
	after AfterFunc
	delay time.Duration
	// save writes one field durably (Workspace.SetField).
	save func(key fieldKey, value any) error
	// saved runs on the UI goroutine after a write succeeded.
	saved func(key fieldKey, value any)
	// changed reports the indicator's state after every transition; err
	// is the latest failure while the state is saveFailed.
	changed func(state saveState, err error)

	pending map[fieldKey]*pendingEdit
	queue   []saveJob
	running *runningSave
	failed  map[fieldKey]saveJob // the latest failed write per field
	lastErr error
	gen     int
	closed  bool // after the final flush (lock, quit): nothing more is written
}

func newAutosaver(run Runner, do func(func()), after AfterFunc, save func(fieldKey, any) error) *autosaver {
	if after == nil {
		after = realAfterFunc
	}
	return &autosaver{run: run, do: do, after: after, delay: autosaveDelay, save: save,
		pending: map[fieldKey]*pendingEdit{}, failed: map[fieldKey]saveJob{}}
}

// edit records a change of a text field; it is written once the user
// pauses for the delay, or at the next flush.
func (a *autosaver) edit(key fieldKey, value any) {
	if a.closed {
		return
	}
	p := a.pending[key]
	if p == nil {
		p = &pendingEdit{}
		a.pending[key] = p
	} else if p.stop != nil {
		p.stop()
	}
	a.gen++
	gen := a.gen
	p.value, p.gen = value, gen
	p.stop = a.after(a.delay, func() { a.do(func() { a.fire(key, gen) }) })
	a.report()
}

// set records a change and sends it at once: a choice, not typing.
func (a *autosaver) set(key fieldKey, value any) {
	if a.closed {
		return
	}
	if p := a.pending[key]; p != nil {
		if p.stop != nil {
			p.stop()
		}
		delete(a.pending, key)
	}
	a.enqueue(saveJob{key, value})
}

// fire is the debounce timer of key going off.
func (a *autosaver) fire(key fieldKey, gen int) {
	p := a.pending[key]
	if p == nil || p.gen != gen {
		return // flushed or edited again since
	}
	delete(a.pending, key)
	a.enqueue(saveJob{key, p.value})
}

// flush sends every waiting edit now, and retries failed writes: on focus
// loss, on switching items, on leaving the screen.
func (a *autosaver) flush() {
	if a.closed {
		return
	}
	a.retryFailed()
	for _, k := range a.pendingKeys() {
		p := a.pending[k]
		if p.stop != nil {
			p.stop()
		}
		delete(a.pending, k)
		a.queue = append(a.queue, saveJob{k, p.value})
	}
	a.pump()
	a.report()
}

// flushField sends the waiting edit of one field now (its widget lost the
// focus).
func (a *autosaver) flushField(key fieldKey) {
	if p := a.pending[key]; p != nil && !a.closed {
		if p.stop != nil {
			p.stop()
		}
		delete(a.pending, key)
		a.enqueue(saveJob{key, p.value})
	}
}

// pendingKeys lists the waiting edits in the order they were made.
func (a *autosaver) pendingKeys() []fieldKey {
	keys := make([]fieldKey, 0, len(a.pending))
	for k := range a.pending {
		keys = append(keys, k)
	}
	// Order by generation so that edits go out as they were made.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && a.pending[keys[j]].gen < a.pending[keys[j-1]].gen; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// retryFailed queues the failed writes again, unless a newer edit of the
// same field is waiting.
func (a *autosaver) retryFailed() {
	for k, j := range a.failed {
		if _, newer := a.pending[k]; !newer {
			a.queue = append(a.queue, j)
		}
		delete(a.failed, k)
	}
}

func (a *autosaver) enqueue(j saveJob) {
	a.queue = append(a.queue, j)
	a.pump()
	a.report()
}

// pump starts the next write if none is running.
func (a *autosaver) pump() {
	if a.running != nil || len(a.queue) == 0 || a.closed {
		return
	}
	r := &runningSave{job: a.queue[0], finished: make(chan struct{})}
	a.queue = a.queue[1:]
	a.running = r
	save := a.save
	a.run(func() {
		defer close(r.finished)
		r.err = save(r.job.key, r.job.value)
	}, func() {
		if r.handled {
			return // flushNow took the result already
		}
		a.finish(r)
		a.pump()
		a.report()
	})
}

// finish takes the result of a write that has returned.
func (a *autosaver) finish(r *runningSave) {
	r.handled = true
	if a.running == r {
		a.running = nil
	}
	if r.err != nil {
		logError("autosave "+r.job.key.field, r.err)
		a.failed[r.job.key] = r.job
		a.lastErr = r.err
		return
	}
	delete(a.failed, r.job.key)
	if a.saved != nil {
		a.saved(r.job.key, r.job.value)
	}
}

// flushNow writes everything on the calling (UI) goroutine and returns
// when it is stored: before the workspace is closed by a lock or on quit.
// It waits for a write already running. Afterwards the autosaver is
// closed. It returns the last failure, if any write failed.
func (a *autosaver) flushNow() error {
	if a.closed {
		return nil
	}
	a.retryFailed()
	for _, k := range a.pendingKeys() {
		p := a.pending[k]
		if p.stop != nil {
			p.stop()
		}
		delete(a.pending, k)
		a.queue = append(a.queue, saveJob{k, p.value})
	}
	if r := a.running; r != nil {
		<-r.finished
		a.finish(r)
	}
	for len(a.queue) > 0 {
		j := a.queue[0]
		a.queue = a.queue[1:]
		r := &runningSave{job: j, finished: make(chan struct{})}
		r.err = a.save(j.key, j.value)
		a.finish(r)
	}
	a.closed = true
	a.report()
	if len(a.failed) > 0 {
		return a.lastErr
	}
	return nil
}

// busy reports whether anything is waiting or being written.
func (a *autosaver) busy() bool {
	return len(a.pending) > 0 || len(a.queue) > 0 || a.running != nil
}

// state is what the indicator shows now.
func (a *autosaver) state() (saveState, error) {
	switch {
	case len(a.failed) > 0:
		return saveFailed, a.lastErr
	case a.busy():
		return saveSaving, nil
	}
	return saveSaved, nil
}

func (a *autosaver) report() {
	if a.changed != nil {
		st, err := a.state()
		a.changed(st, err)
	}
}
