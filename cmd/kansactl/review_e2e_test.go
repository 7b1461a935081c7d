package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// reviewQueueJSON is the part of `review queue --json` the test reads.
type reviewQueueJSON struct {
	AwaitingReview []struct {
		ItemNo string `json:"item_no"`
		Name   string `json:"name"`
	} `json:"awaiting_review"`
	OpenNotes []struct {
		ID       string `json:"id"`
		Status   string `json:"status"`
		Response string `json:"response"`
	} `json:"open_notes"`
	Stale []struct {
		ID     string `json:"id"`
		Reason string `json:"reason"`
	} `json:"stale"`
	Locked bool `json:"locked"`
}

func (c *cli) queue(aud string) reviewQueueJSON {
	c.t.Helper()
	var q reviewQueueJSON
	out := c.ok("review", "queue", "--audit", aud, "--json")
	if err := json.Unmarshal([]byte(out), &q); err != nil {
		c.t.Fatalf("review queue --json: %v\n%s", err, out)
	}
	return q
}

// fails runs a command that must fail with exit code 1 and a message
// containing want.
func (c *cli) fails(want string, args ...string) {
	c.t.Helper()
	_, errs, code := c.run(args...)
	if code != exitError || !strings.Contains(errs, want) {
		c.t.Fatalf("kansactl %s: exit %d, %q; want exit 1 mentioning %q", strings.Join(args, " "), code, errs, want)
	}
}

// TestCLIReviewWorkflow: a chief and an auditor on one folder. The
// auditor prepares and signs off; cannot approve or review; the chief
// notes, the auditor answers; the chief reviews (not their own work),
// sees a stale sign-off after an edit, approves (edits refused), reopens.
// Both stores end with the same show --json.
func TestCLIReviewWorkflow(t *testing.T) {
	chief, aud1 := newCLI(t), newCLI(t)
	folder := filepath.Join(t.TempDir(), "share")
	eng, aud := chief.setup()
	chief.ok("team", "create-folder", "--engagement", eng, "--folder", folder)
	aud1.ok("init", "--name", "佐藤 花子", "--role", "auditor")
	req := filepath.Join(t.TempDir(), "join.json")
	aud1.ok("team", "join-request", "--out", req)
	chief.ok("team", "add", "--request", req, "--role", "auditor", "--engagement", eng)
	chief.ok("sync", "--folder", folder)
	aud1.ok("sync", "--folder", folder)

	// The auditor prepares item 1 and signs it off; approving and reviewing are refused.
	aud1.ok("result", "set", "--audit", aud, "--item", "1", "--rating", "conform", "--observation", "入退室記録簿を確認した")
	out := aud1.ok("review", "signoff", "--audit", aud, "--item", "1", "--as", "preparer")
	if !strings.Contains(out, "preparer sign-off of item 1 by 佐藤 花子") {
		t.Fatalf("signoff printed %q", out)
	}
	aud1.fails("needs the role chief", "review", "approve", "--audit", aud)
	aud1.fails("role", "review", "signoff", "--audit", aud, "--item", "1", "--as", "reviewer")
	aud1.fails("nothing to sign off", "review", "signoff", "--audit", aud, "--item", "2", "--as", "preparer")
	if _, errs, code := aud1.run("review", "signoff", "--audit", aud, "--as", "boss"); code != exitUsage {
		t.Fatalf("--as boss: exit %d (%s); want 2", code, errs)
	}
	aud1.ok("sync", "--folder", folder)
	chief.ok("sync", "--folder", folder)

	q := chief.queue(aud)
	if len(q.AwaitingReview) != 1 || q.AwaitingReview[0].ItemNo != "1" || q.AwaitingReview[0].Name != "佐藤 花子" {
		t.Fatalf("chief's queue: awaiting review %+v; want item 1 by 佐藤 花子", q.AwaitingReview)
	}
	// A note, answered by the auditor, closed by the chief.
	note := chief.ok("review", "note", "--audit", aud, "--item", "1", "--text", "確認した期間を明記してください")
	chief.fails("not found", "review", "note", "--audit", aud, "--item", "999", "--text", "x")
	chief.ok("review", "note", "--audit", aud, "--section", "report/summary", "--text", "総括を短く")
	chief.ok("sync", "--folder", folder)
	aud1.ok("sync", "--folder", folder)
	aud1.ok("review", "answer", "--note", note, "--text", "2026年9月分と追記しました")
	aud1.ok("sync", "--folder", folder)
	chief.ok("sync", "--folder", folder)
	q = chief.queue(aud)
	if len(q.OpenNotes) != 2 || q.OpenNotes[0].ID != note || q.OpenNotes[0].Status != "answered" || q.OpenNotes[0].Response == "" {
		t.Fatalf("open notes = %+v; want the answered note first", q.OpenNotes)
	}
	chief.ok("review", "close", "--note", note)
	if q = chief.queue(aud); len(q.OpenNotes) != 1 {
		t.Fatalf("after close: %+v", q.OpenNotes)
	}

	// The chief reviews item 1 (the auditor's work) but not their own item 2.
	chief.ok("review", "signoff", "--audit", aud, "--item", "1", "--as", "reviewer")
	chief.ok("result", "set", "--audit", aud, "--item", "2", "--rating", "partial")
	chief.ok("review", "signoff", "--audit", aud, "--item", "2", "--as", "preparer")
	chief.fails("prepared", "review", "signoff", "--audit", aud, "--item", "2", "--as", "reviewer")
	if q = chief.queue(aud); len(q.AwaitingReview) != 1 || q.AwaitingReview[0].ItemNo != "2" || len(q.Stale) != 0 {
		t.Fatalf("queue after review: %+v", q)
	}
	// An edit after the review makes it stale, naming the field.
	chief.ok("result", "set", "--audit", aud, "--item", "1", "--observation", "入退室記録簿（9月分）を確認した")
	q = chief.queue(aud)
	if len(q.Stale) != 2 || !strings.Contains(q.Stale[0].Reason+q.Stale[1].Reason, "item 1 observation edited by 山田 太郎") {
		t.Fatalf("stale = %+v; want the preparer's and reviewer's sign-offs of item 1, naming the observation", q.Stale)
	}
	if text := chief.ok("review", "queue", "--audit", aud); !strings.Contains(text, "stale sign-offs: 2") {
		t.Fatalf("review queue printed:\n%s", text)
	}

	// Approval locks; reopening unlocks.
	chief.ok("review", "approve", "--audit", aud)
	chief.fails("locked", "result", "set", "--audit", aud, "--item", "3", "--rating", "conform")
	chief.fails("locked", "review", "note", "--audit", aud, "--item", "3", "--text", "x")
	var doc struct {
		Audit struct {
			Locked bool `json:"locked"`
		} `json:"audit"`
		Review struct {
			SignOffs []struct {
				Kind  string `json:"kind"`
				Valid bool   `json:"valid"`
				Locks bool   `json:"locks"`
			} `json:"signoffs"`
		} `json:"review"`
	}
	if err := json.Unmarshal([]byte(chief.ok("show", "--audit", aud, "--json")), &doc); err != nil {
		t.Fatal(err)
	}
	last := doc.Review.SignOffs[len(doc.Review.SignOffs)-1]
	if !doc.Audit.Locked || last.Kind != "approval" || !last.Valid || !last.Locks {
		t.Fatalf("show --json: locked %v, last sign-off %+v", doc.Audit.Locked, last)
	}
	chief.ok("sync", "--folder", folder)
	aud1.ok("sync", "--folder", folder)
	aud1.fails("locked", "result", "set", "--audit", aud, "--item", "1", "--rating", "partial")
	aud1.fails("needs the role chief", "review", "reopen", "--audit", aud, "--reason", "x")
	if _, errs, code := chief.run("review", "reopen", "--audit", aud); code != exitUsage || !strings.Contains(errs, "--reason is required") {
		t.Fatalf("reopen without --reason: exit %d, %q; want 2", code, errs)
	}
	chief.ok("review", "reopen", "--audit", aud, "--reason", "指摘の追記")
	chief.ok("result", "set", "--audit", aud, "--item", "3", "--rating", "conform")
	for range 2 {
		chief.ok("sync", "--folder", folder)
		aud1.ok("sync", "--folder", folder)
	}
	aud1.ok("result", "set", "--audit", aud, "--item", "4", "--rating", "conform")
	aud1.ok("sync", "--folder", folder)
	chief.ok("sync", "--folder", folder)
	if a, b := chief.ok("show", "--audit", aud, "--json"), aud1.ok("show", "--audit", aud, "--json"); a != b {
		t.Fatalf("show --json differs between the stores:\n%s\n---\n%s", a, b)
	}
}
