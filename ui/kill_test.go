package ui

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// Nothing typed may be lost: the test types an observation into the real
// workspace screen in a child process, kills that process with SIGKILL one
// second after the last keystroke, and reopens the store.
//
// The child is this test binary running TestKillChild. It uses the real
// autosave timers (500 ms debounce) and drains the UI queue as the event
// loop would, until it is killed.

const killChildEnv = "KANSA_KILL_CHILD"

func TestKilledAfterTypingLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills a child process")
	}
	store := newDemoStore(t)
	ws, err := workspace.Open(store.Dir, []byte(testPassphrase), fastOptions)
	if err != nil {
		t.Fatal(err)
	}
	var auditID string
	engs, _ := ws.Engagements()
	for _, e := range engs {
		list, _ := ws.Audits(e.ID)
		for _, a := range list {
			if a.Kind == audit.KindDatacenter {
				auditID = a.ID
			}
		}
	}
	ws.Close()
	if auditID == "" {
		t.Fatal("the demo has no data-centre audit")
	}

	for round := range 3 {
		text := fmt.Sprintf("強制終了の検証用に入力した監査実施内容（%d回目、%d）", round+1, time.Now().UnixNano())
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.v")
		cmd.Env = append(os.Environ(), killChildEnv+"="+store.Dir+"|"+auditID+"|"+text)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = cmd.Stdout
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		typed := make(chan time.Time, 1)
		var log strings.Builder
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				log.WriteString(sc.Text() + "\n")
				if strings.HasPrefix(sc.Text(), "KILL-ME-NOW") {
					typed <- time.Now()
				}
			}
		}()
		select {
		case last := <-typed:
			time.Sleep(time.Second - time.Since(last))
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
			t.Fatalf("child never finished typing:\n%s", log.String())
		}
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()

		ws, err := workspace.Open(store.Dir, []byte(testPassphrase), fastOptions)
		if err != nil {
			t.Fatalf("round %d: reopen after SIGKILL: %v", round, err)
		}
		got := stored(t, ws, auditID, "12").Result.Observation
		ws.Close()
		if !strings.Contains(got, text) {
			t.Fatalf("round %d: after SIGKILL one second after typing, the observation is %q; want it to hold %q", round, got, text)
		}
	}
}

// TestKillChild is the child process of TestKilledAfterTypingLosesNothing.
func TestKillChild(t *testing.T) {
	arg := os.Getenv(killChildEnv)
	if arg == "" {
		t.Skip("runs only as the child of TestKilledAfterTypingLosesNothing")
	}
	parts := strings.SplitN(arg, "|", 3)
	store := DirStore{Dir: parts[0], Options: fastOptions}
	u, q := newTestApp(t, store)
	unlockHome(t, u, q)
	s := openAuditAt(t, u, q, parts[1], "12")
	u.win.Canvas().Focus(s.observation)
	test.Type(s.observation, parts[2])
	fmt.Println("KILL-ME-NOW")
	// Play the event loop: run posted callbacks and finished work until the
	// parent kills this process.
	for {
		q.settle(t)
		time.Sleep(20 * time.Millisecond)
	}
}
