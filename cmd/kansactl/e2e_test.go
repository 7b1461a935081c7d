package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kansa-audit/kansa/internal/workspace"
)

// The tests here run the real kansactl binary, as a script or a user would.

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func kansactl(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "kansactl-bin")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "kansactl")
		cmd := exec.Command("go", "build", "-o", binPath, ".")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build kansactl: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// cli runs kansactl against store with the passphrase in the environment.
type cli struct {
	t     *testing.T
	bin   string
	store string
	pass  string
}

func newCLI(t *testing.T) *cli {
	return &cli{t: t, bin: kansactl(t), store: filepath.Join(t.TempDir(), "store"), pass: "試験用パスフレーズ-42"}
}

func (c *cli) cmd(args ...string) *exec.Cmd {
	cmd := exec.Command(c.bin, args...)
	cmd.Env = append(os.Environ(), "KANSA_STORE="+c.store, "KANSA_PASSPHRASE="+c.pass)
	return cmd
}

// run returns stdout, stderr and the exit code.
func (c *cli) run(args ...string) (string, string, int) {
	c.t.Helper()
	cmd := c.cmd(args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		c.t.Fatalf("run %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

// ok runs a command that must succeed and returns its trimmed stdout.
func (c *cli) ok(args ...string) string {
	c.t.Helper()
	out, errs, code := c.run(args...)
	if code != 0 {
		c.t.Fatalf("kansactl %s: exit %d\n%s", strings.Join(args, " "), code, errs)
	}
	return strings.TrimSpace(out)
}

// writeJPEG makes a real JPEG with noisy content, so no 64-byte run of it
// is likely to occur anywhere by chance.
func writeJPEG(t *testing.T, path string, seed uint64) []byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	img := image.NewRGBA(image.Rect(0, 0, 320, 240))
	for y := range 240 {
		for x := range 320 {
			img.Set(x, y, color.RGBA{uint8(rng.IntN(256)), uint8(x), uint8(y), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// setup creates a store, an engagement and a datacenter audit from the template.
func (c *cli) setup() (eng, aud string) {
	c.ok("init", "--name", "山田 太郎", "--role", "chief")
	eng = c.ok("engagement", "create", "--title", "令和8年度 情報セキュリティ監査", "--client", "世田谷区", "--fiscal-year", "2026", "--organisation", "さくらシステム監査株式会社")
	aud = c.ok("audit", "create", "--engagement", eng, "--kind", "datacenter", "--title", "基幹DC監査", "--template", "datacenter")
	return eng, aud
}

func TestCLIEndToEnd(t *testing.T) {
	c := newCLI(t)
	_, aud := c.setup()
	sentence := "サーバ室入口の入退室記録簿に2026年9月分の記入漏れが3件あることを確認した（検証用固有文）。"
	// Flags and positionals interleaved, full-width item number.
	c.ok("result", "set", "--audit", aud, "--item", "１２", "--rating", "partial", "--observation", sentence,
		"--finding", "finding", "--proposal", "入退室記録の日次確認を手順化する。")
	jpg := filepath.Join(t.TempDir(), "入口.jpg")
	orig := writeJPEG(t, jpg, 1)
	out := c.ok("evidence", "add", jpg, "--audit", aud, "--item", "12", "--caption", "入退室記録簿")
	parts := strings.Fields(out)
	if len(parts) != 2 || len(parts[1]) != 64 {
		t.Fatalf("evidence add printed %q; want id and sha256", out)
	}
	c.ok("interview", "add", "--audit", aud, "--interviewee", "佐藤", "--role", "運用課長",
		"--at", "2026-09-10T10:00:00+09:00", "--notes", "記録簿は毎朝確認している", "--item", "12", "--item", "DC-01")

	var doc workspace.ShowDoc
	if err := json.Unmarshal([]byte(c.ok("show", "--audit", aud, "--json")), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Items) != 50 {
		t.Fatalf("show: %d items; want 50 from the datacenter template", len(doc.Items))
	}
	var it12 *workspace.ShowItem
	for i := range doc.Items {
		if doc.Items[i].No == "12" {
			it12 = &doc.Items[i]
		}
	}
	if it12 == nil {
		t.Fatal("item 12 missing")
	}
	if it12.Result.Rating != "partial" || it12.Result.Observation != sentence || it12.Result.Finding != "finding" {
		t.Fatalf("item 12 result = %+v", it12.Result)
	}
	if len(it12.Evidence) != 1 || it12.Evidence[0].SHA256 != parts[1] || it12.Evidence[0].File != "入口.jpg" || it12.Evidence[0].Caption != "入退室記録簿" {
		t.Fatalf("item 12 evidence = %+v", it12.Evidence)
	}
	if len(doc.Interviews) != 1 || strings.Join(doc.Interviews[0].Statements[0].Items, ",") != "12,DC-01" {
		t.Fatalf("interviews = %+v", doc.Interviews)
	}
	if !strings.Contains(c.ok("check"), "ok") {
		t.Fatal("check did not say ok")
	}

	// No plaintext at rest: neither the sentence nor any 64-byte run of the
	// evidence file appears in any file under the store.
	assertNoPlaintext(t, c.store, []byte(sentence), orig)
}

func assertNoPlaintext(t *testing.T, dir string, sentence, file []byte) {
	t.Helper()
	runs := map[string]bool{}
	for i := 0; i+64 <= len(file); i++ {
		runs[string(file[i:i+64])] = true
	}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(b, sentence) {
			t.Errorf("%s holds the observation in plaintext", p)
		}
		for i := 0; i+64 <= len(b); i++ {
			if runs[string(b[i:i+64])] {
				t.Errorf("%s holds a 64-byte run of the evidence file at offset %d", p, i)
				break
			}
		}
		return nil
	})
}

func TestCLIShowIsDeviceIndependent(t *testing.T) {
	c := newCLI(t)
	_, aud := c.setup()
	a := c.ok("show", "--audit", aud, "--json")
	// A copy of the store in another directory prints the same JSON.
	d2 := filepath.Join(t.TempDir(), "copy")
	if err := os.CopyFS(d2, os.DirFS(c.store)); err != nil {
		t.Fatal(err)
	}
	c2 := *c
	c2.store = d2
	if b := c2.ok("show", "--audit", aud, "--json"); a != b {
		t.Fatal("show --json differs between two stores holding the same ops")
	}
	if strings.Contains(a, c.store) {
		t.Fatal("show --json contains a local path")
	}
}

func TestCLIWrongPassphrase(t *testing.T) {
	c := newCLI(t)
	_, aud := c.setup()
	before, _ := os.ReadFile(filepath.Join(c.store, "kansa.db"))
	bad := *c
	bad.pass = "wrong"
	_, errs, code := bad.run("result", "set", "--audit", aud, "--item", "1", "--rating", "conform")
	if code != exitWrongPass || !strings.Contains(errs, "wrong passphrase") {
		t.Fatalf("wrong passphrase: exit %d, %q; want 3 and a clear message", code, errs)
	}
	after, _ := os.ReadFile(filepath.Join(c.store, "kansa.db"))
	if !bytes.Equal(before, after) {
		t.Fatal("a wrong passphrase changed the store")
	}
}

func TestCLIErrors(t *testing.T) {
	c := newCLI(t)
	_, aud := c.setup()
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"result", "set", "--audit", aud, "--item", "999", "--rating", "conform"}, exitError, "item 999"},
		{[]string{"result", "set", "--audit", aud, "--item", "1", "--rating", "excellent"}, exitError, "not in this audit's scale"},
		{[]string{"result", "set", "--audit", aud, "--item", "1"}, exitUsage, "nothing to set"},
		{[]string{"result", "set", "--audit", aud, "--item", "1", "--finding", "fatal"}, exitError, "finding"},
		{[]string{"audit", "create", "--engagement", "nope", "--kind", "datacenter", "--title", "x"}, exitError, "not found"},
		{[]string{"audit", "create", "--engagement", "nope", "--kind", "annual", "--title", "x"}, exitError, "annual"},
		{[]string{"interview", "add", "--audit", aud, "--interviewee", "a", "--role", "b", "--at", "yesterday", "--notes", "n"}, exitUsage, "RFC 3339"},
		{[]string{"evidence", "add", "--audit", aud, "--item", "1", "/nonexistent/file.jpg"}, exitError, "no such file"},
		{[]string{"frobnicate"}, exitUsage, "unknown command"},
		{[]string{"show", "--audit", aud, "--colour"}, exitUsage, "unknown flag"},
	}
	for _, tt := range tests {
		_, errs, code := c.run(tt.args...)
		if code != tt.code || !strings.Contains(errs, tt.want) {
			t.Errorf("kansactl %v: exit %d, %q; want exit %d mentioning %q", tt.args, code, errs, tt.code, tt.want)
		}
	}
}

func TestCLIConcurrentOpenFailsFast(t *testing.T) {
	c := newCLI(t)
	_, aud := c.setup()
	hold := c.cmd("debug", "edit-loop", "--audit", aud, "--item", "1", "--count", "1000000")
	stdout, _ := hold.StdoutPipe()
	if err := hold.Start(); err != nil {
		t.Fatal(err)
	}
	defer hold.Process.Kill()
	bufio.NewReader(stdout).ReadString('\n') // it holds the store now
	go func() { bufio.NewScanner(stdout).Scan() }()
	start := time.Now()
	_, errs, code := c.run("check")
	if code != exitBusy || !strings.Contains(errs, "already open") {
		t.Fatalf("second kansactl: exit %d, %q; want 4 and 'already open'", code, errs)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("second kansactl took %v to give up", d)
	}
}

func TestCLIDamageIsNamed(t *testing.T) {
	c := newCLI(t)
	_, aud := c.setup()
	jpg := filepath.Join(t.TempDir(), "e.jpg")
	writeJPEG(t, jpg, 2)
	c.ok("evidence", "add", jpg, "--audit", aud, "--item", "1")
	var blobPath string
	filepath.WalkDir(filepath.Join(c.store, "blobs"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			blobPath = p
		}
		return nil
	})
	orig, _ := os.ReadFile(blobPath)

	// A flipped bit in the blob.
	b := append([]byte(nil), orig...)
	b[len(b)/2] ^= 1
	os.WriteFile(blobPath, b, 0o600)
	out, _, code := c.run("check")
	if code != exitDamaged || !strings.Contains(out, "DAMAGED") || !strings.Contains(out, "e.jpg") {
		t.Fatalf("check after blob bit flip: exit %d\n%s", code, out)
	}
	// A truncated blob.
	os.WriteFile(blobPath, orig[:len(orig)-100], 0o600)
	out, _, code = c.run("check")
	if code != exitDamaged || !strings.Contains(out, "truncated") {
		t.Fatalf("check after blob truncation: exit %d\n%s", code, out)
	}
	os.WriteFile(blobPath, orig, 0o600)
	c.ok("check")

	// A truncated store file.
	db := filepath.Join(c.store, "kansa.db")
	fi, _ := os.Stat(db)
	os.Truncate(db, fi.Size()/2)
	_, errs, code := c.run("check")
	if code != exitDamaged || !strings.Contains(errs, "damaged") {
		t.Fatalf("check after store truncation: exit %d, %q", code, errs)
	}
}

// TestCrashSafety kills kansactl with SIGKILL in the middle of a long run of
// durable edits, at random points, and checks after every kill that the
// store opens, passes check, and holds every edit the CLI reported saved.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test runs a subprocess 20+ times")
	}
	c := newCLI(t)
	_, aud := c.setup()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	kills := 0
	for round := 0; kills < 20; round++ {
		if round > 100 {
			t.Fatalf("only %d kills landed mid-run in %d rounds", kills, round)
		}
		item := strconv.Itoa(1 + round%38)
		cmd := c.cmd("debug", "edit-loop", "--audit", aud, "--item", item, "--count", "100000")
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		lastSaved := 0
		var mu sync.Mutex
		done := make(chan struct{})
		first := make(chan struct{}) // closed at the first saved edit
		go func() {
			defer close(done)
			for sc.Scan() {
				var n int
				if _, err := fmt.Sscanf(sc.Text(), "saved %d", &n); err == nil {
					mu.Lock()
					if lastSaved == 0 {
						close(first)
					}
					lastSaved = n
					mu.Unlock()
				}
			}
		}()
		// The random point is counted from the first saved edit, so that
		// a slow start (Argon2id on a loaded machine) cannot use it up;
		// now and then the kill lands during the start instead.
		if rng.IntN(5) > 0 {
			select {
			case <-first:
			case <-done:
			case <-time.After(60 * time.Second):
			}
		}
		time.Sleep(time.Duration(rng.IntN(400)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		<-done
		cmd.Wait()
		mu.Lock()
		saved := lastSaved
		mu.Unlock()
		if saved == 0 {
			continue // killed before its first edit: not a mid-run kill
		}
		kills++
		var doc workspace.ShowDoc
		if err := json.Unmarshal([]byte(c.ok("show", "--audit", aud, "--json")), &doc); err != nil {
			t.Fatal(err)
		}
		var got string
		for _, it := range doc.Items {
			if it.No == item {
				got = it.Result.Observation
			}
		}
		// The last reported edit, or the one after it (committed but killed
		// before it could print), must be there.
		var n int
		fmt.Sscanf(got, "edit %d:", &n)
		if n != saved && n != saved+1 {
			t.Fatalf("kill %d: item %s holds edit %d; the CLI had reported %d saved", kills, item, n, saved)
		}
		if out := c.ok("check"); !strings.Contains(out, ": ok") {
			t.Fatalf("kill %d: check = %s", kills, out)
		}
	}
}
