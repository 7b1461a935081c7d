package ui

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/fixtures"
	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/vault"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// fastOptions keep Argon2id cheap in tests.
var fastOptions = workspace.Options{
	KDF:     vault.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1},
	Timeout: 100 * time.Millisecond,
}

const testPassphrase = "correct horse battery staple"

// queueRunner is the Runner of the tests. Work runs on its own goroutine,
// as in the app; the completions queue up for the test goroutine, which
// plays the UI goroutine and runs them in settle. So the async flows are
// exercised for real, the busy state between start and finish can be
// observed, and -race sees widgets touched from one goroutine only.
// Progress updates that work posts (Config.Do) queue up the same way.
type queueRunner struct {
	done     chan func()
	posts    chan func()
	inFlight int // touched on the test goroutine only
}

func newQueueRunner() *queueRunner {
	return &queueRunner{done: make(chan func(), 64), posts: make(chan func(), 64)}
}

// post is the Config.Do of the tests.
func (q *queueRunner) post(f func()) { q.posts <- f }

// flush runs the posted updates that are already queued.
func (q *queueRunner) flush() {
	for {
		select {
		case f := <-q.posts:
			f()
		default:
			return
		}
	}
}

func (q *queueRunner) run(work, done func()) {
	q.inFlight++
	go func() {
		work()
		q.done <- done
	}()
}

// settle runs completions, and whatever work they start, until none is left.
// Posted updates may start work too (a debounce timer's save), so it loops
// until both are drained.
func (q *queueRunner) settle(t *testing.T) {
	t.Helper()
	for {
		for q.inFlight > 0 {
			select {
			case f := <-q.done:
				q.inFlight--
				f()
			case f := <-q.posts:
				f()
			case <-time.After(20 * time.Second):
				t.Fatalf("background work did not finish (%d in flight)", q.inFlight)
			}
		}
		q.flush()
		if q.inFlight == 0 {
			return
		}
	}
}

// demoFunc adapts fixtures.Demo as cmd/kansa does.
func demoFunc(w Workspace) (string, error) { return fixtures.Demo(w.(*workspace.Workspace)) }

// newTestApp starts the GUI on the Fyne test driver against store, in
// Japanese, its clock stopped at 2026-05-01 09:00 UTC; set, when given,
// adjusts the Config first (a theme, another clock, fake timers).
func newTestApp(t *testing.T, store Store, set ...func(*Config)) (*App, *queueRunner) {
	t.Helper()
	t.Setenv(LanguageEnv, "")
	a := test.NewTempApp(t)
	q := newQueueRunner()
	cfg := Config{Store: store, Demo: demoFunc, Run: q.run, Do: q.post,
		Now: func() time.Time { return time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC) },
		// The idle check is called by hand (checkIdle); no real ticker.
		Every: func(time.Duration, func()) func() { return func() {} }}
	for _, f := range set {
		f(&cfg)
	}
	u := New(a, cfg)
	t.Cleanup(func() {
		q.settle(t)
		u.closeWorkspace()
	})
	return u, q
}

// newDemoStore makes a store holding the demo engagement and closes it.
func newDemoStore(t *testing.T) DirStore {
	t.Helper()
	store := DirStore{Dir: filepath.Join(t.TempDir(), "store"), Options: fastOptions}
	ws, err := workspace.Create(store.Dir, []byte(testPassphrase), "田中 一郎", audit.RoleAuditor, fastOptions)
	if err != nil {
		t.Fatalf("create store: %v", err)
	}
	if _, err := fixtures.Demo(ws); err != nil {
		t.Fatalf("fixtures.Demo: %v", err)
	}
	if err := ws.Close(); err != nil {
		t.Fatal(err)
	}
	return store
}

func screenOf[S screen](t *testing.T, u *App) S {
	t.Helper()
	s, ok := u.screen.(S)
	if !ok {
		t.Fatalf("screen is %T (route %+v), want %T", u.screen, u.route, *new(S))
	}
	return s
}

// visibleTexts lists the text of every visible label in the window,
// dialogs included, in tree order.
func visibleTexts(u *App) []string {
	var out []string
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if o == nil || !o.Visible() {
			return
		}
		switch v := o.(type) {
		case *widget.Label:
			out = append(out, v.Text)
		case *fyne.Container:
			for _, c := range v.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(v).Objects() {
				walk(c)
			}
		}
	}
	c := u.win.Canvas()
	walk(c.Content())
	for _, o := range c.Overlays().List() {
		walk(o)
	}
	return out
}

func assertShows(t *testing.T, u *App, want string) {
	t.Helper()
	texts := visibleTexts(u)
	if !slices.Contains(texts, want) {
		t.Errorf("window does not show %q; it shows:\n%s", want, strings.Join(texts, "\n"))
	}
}

func typeEnter(e *widget.Entry) { e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }

// themedAt gives newTestApp the Kansa theme and a clock stopped at at.
func themedAt(at time.Time) func(*Config) {
	return func(c *Config) {
		c.Theme = NewTheme()
		c.Now = func() time.Time { return at }
	}
}

// children are the objects a container holds or a widget's renderer draws.
func children(o fyne.CanvasObject) []fyne.CanvasObject {
	switch v := o.(type) {
	case *fyne.Container:
		return v.Objects
	case fyne.Widget:
		return test.WidgetRenderer(v).Objects()
	}
	return nil
}
