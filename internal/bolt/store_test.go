package bolt

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"

	"github.com/kansa-audit/kansa/internal/change"
	"github.com/kansa-audit/kansa/internal/vault"
)

// fastKDF keeps tests quick; production uses vault.DefaultKDF.
var fastKDF = vault.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}

var pass = []byte("correct horse battery staple")

func mustCreate(t testing.TB) (string, *Store) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "store")
	s, err := Create(dir, pass, Identity{Device: "dev1", Member: "m1", Name: "山田"}, Options{KDF: fastKDF})
	if err != nil {
		t.Fatalf("Create: %v", err)
	}
	return dir, s
}

func mustOpen(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(dir, pass, Options{KDF: fastKDF})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

// edit writes one field in its own transaction.
func edit(t testing.TB, s *Store, entity, field string, v any) change.OpID {
	t.Helper()
	var id change.OpID
	err := s.Update(func(tx *Tx) error {
		if _, err := tx.Entity(entity); errors.Is(err, ErrNotFound) {
			if err := tx.Create(entity, "item", "parent"); err != nil {
				return err
			}
		}
		var err error
		id, _, err = tx.Write(entity, field, v)
		return err
	})
	if err != nil {
		t.Fatalf("edit: %v", err)
	}
	return id
}

func read(t testing.TB, s *Store, entity, field string) string {
	t.Helper()
	var v string
	err := s.View(func(tx *Tx) error {
		e, err := tx.Entity(entity)
		if err != nil {
			return err
		}
		v = e.String(field)
		return nil
	})
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return v
}

func mustCheckClean(t *testing.T, s *Store) {
	t.Helper()
	probs, err := s.Check(context.Background(), nil)
	if err != nil || len(probs) > 0 {
		t.Fatalf("Check = %v, %v; want clean", probs, err)
	}
}

func TestRoundTripAcrossReopen(t *testing.T) {
	dir, s := mustCreate(t)
	edit(t, s, "e1", "title", "入退館管理")
	edit(t, s, "e1", "title", "入退館管理の記録")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = mustOpen(t, dir)
	defer s.Close()
	if got := read(t, s, "e1", "title"); got != "入退館管理の記録" {
		t.Fatalf("title = %q", got)
	}
	if got := s.Identity(); got.Name != "山田" || got.Device != "dev1" {
		t.Fatalf("Identity = %+v", got)
	}
	var kids []string
	s.View(func(tx *Tx) error { kids, _ = tx.Children("parent"); return nil })
	if len(kids) != 1 || kids[0] != "e1" {
		t.Fatalf("Children(parent) = %v; want [e1]", kids)
	}
	mustCheckClean(t, s)
}

func TestWriteSameValueIsNoop(t *testing.T) {
	_, s := mustCreate(t)
	defer s.Close()
	a := edit(t, s, "e1", "title", "x")
	b := edit(t, s, "e1", "title", "x")
	if a != b {
		t.Fatalf("second identical write made op %v; want it to keep %v", b, a)
	}
}

func TestWrongPassphraseIsDistinctAndHarmless(t *testing.T) {
	dir, s := mustCreate(t)
	edit(t, s, "e1", "title", "x")
	s.Close()
	before, _ := os.ReadFile(filepath.Join(dir, FileName))
	_, err := Open(dir, []byte("wrong"), Options{})
	if !errors.Is(err, vault.ErrWrongPassphrase) || errors.Is(err, vault.ErrDamaged) {
		t.Fatalf("Open(wrong) = %v; want ErrWrongPassphrase only", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, FileName))
	if string(before) != string(after) {
		t.Fatal("a wrong passphrase changed the store file")
	}
}

func TestSecondOpenFailsFast(t *testing.T) {
	dir, s := mustCreate(t)
	defer s.Close()
	start := time.Now()
	_, err := Open(dir, pass, Options{Timeout: 200 * time.Millisecond})
	if !errors.Is(err, ErrAlreadyOpen) {
		t.Fatalf("second Open = %v; want ErrAlreadyOpen", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("second Open took %v", d)
	}
}

func TestNoStoreAndExists(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(dir, pass, Options{}); !errors.Is(err, ErrNoStore) {
		t.Fatalf("Open(empty dir) = %v; want ErrNoStore", err)
	}
	d2, s := mustCreate(t)
	s.Close()
	if _, err := Create(d2, pass, Identity{Device: "x"}, Options{KDF: fastKDF}); !errors.Is(err, ErrExists) {
		t.Fatalf("Create over existing = %v; want ErrExists", err)
	}
}

// TestDamagedFile covers truncation and garbage: Open or Check must report
// damage, never crash and never say "wrong passphrase".
func TestDamagedFile(t *testing.T) {
	tests := []struct {
		name   string
		damage func(path string) error
	}{
		{"truncated to half", func(p string) error {
			fi, _ := os.Stat(p)
			return os.Truncate(p, fi.Size()/2)
		}},
		{"truncated to 100 bytes", func(p string) error { return os.Truncate(p, 100) }},
		{"zeroed header", func(p string) error {
			f, err := os.OpenFile(p, os.O_RDWR, 0)
			if err != nil {
				return err
			}
			defer f.Close()
			_, err = f.WriteAt(make([]byte, 8192), 0)
			return err
		}},
		{"not a database", func(p string) error { return os.WriteFile(p, []byte(strings.Repeat("garbage!", 4096)), 0o600) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, s := mustCreate(t)
			for i := range 200 {
				edit(t, s, "e1", "title", strings.Repeat("監査", i))
			}
			s.Close()
			if err := tt.damage(filepath.Join(dir, FileName)); err != nil {
				t.Fatal(err)
			}
			s, err := Open(dir, pass, Options{})
			if err == nil {
				defer s.Close()
				probs, cerr := s.Check(context.Background(), nil)
				if cerr == nil && len(probs) == 0 {
					t.Fatal("damaged file opened and checked clean")
				}
				return
			}
			if !errors.Is(err, vault.ErrDamaged) || errors.Is(err, vault.ErrWrongPassphrase) {
				t.Fatalf("Open(damaged) = %v; want ErrDamaged", err)
			}
		})
	}
}

// TestBitFlipsAreFound flips one byte inside sealed values and expects
// Check to name the damage.
func TestBitFlipsAreFound(t *testing.T) {
	dir, s := mustCreate(t)
	marker := "UNIQUE-監査メモ-0123456789"
	for i := range 50 {
		edit(t, s, "e1", "f", marker+strings.Repeat("x", i))
	}
	s.Close()
	path := filepath.Join(dir, FileName)
	raw, _ := os.ReadFile(path)
	// Every value is sealed, so the marker must not be in the file at all.
	if strings.Contains(string(raw), "UNIQUE") {
		t.Fatal("plaintext found in the store file")
	}
	// Flip bytes at many offsets inside data pages; each damaged copy must
	// either fail to open as damaged or fail its check.
	pageSize := os.Getpagesize()
	flipped := 0
	for off := 4 * pageSize; off < len(raw); off += 997 {
		b := append([]byte(nil), raw...)
		b[off] ^= 0x40
		d := t.TempDir()
		os.WriteFile(filepath.Join(d, FileName), b, 0o600)
		st, err := Open(d, pass, Options{})
		if err != nil {
			if !errors.Is(err, vault.ErrDamaged) {
				t.Fatalf("offset %d: Open = %v; want ErrDamaged", off, err)
			}
			flipped++
			continue
		}
		probs, cerr := st.Check(context.Background(), nil)
		st.Close()
		if cerr == nil && len(probs) == 0 {
			// A flip in free space or page padding is harmless; it must not be in a live value.
			continue
		}
		flipped++
	}
	if flipped == 0 {
		t.Fatal("no bit flip was detected at all")
	}
}

func TestViewEqualsRebuildAndDetectsDrift(t *testing.T) {
	_, s := mustCreate(t)
	defer s.Close()
	edit(t, s, "e1", "title", "a")
	edit(t, s, "e2", "title", "b")
	mustCheckClean(t, s)
	// Corrupt the view (validly sealed, wrong content): check must notice.
	err := s.db.Update(func(btx *bboltTx) error {
		raw, _ := change.NewEntity("e1").MarshalBinary()
		return btx.Bucket(bView).Put([]byte("e1"), s.seal(bView, []byte("e1"), raw))
	})
	if err != nil {
		t.Fatal(err)
	}
	probs, err := s.Check(context.Background(), nil)
	if err != nil || len(probs) == 0 || !strings.Contains(probs[0].What, "differs from a rebuild") {
		t.Fatalf("Check after view drift = %v, %v", probs, err)
	}
	if err := s.Rebuild(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	mustCheckClean(t, s)
	if got := read(t, s, "e1", "title"); got != "a" {
		t.Fatalf("after rebuild title = %q", got)
	}
}

func TestMigrationCopiesFirst(t *testing.T) {
	dir, s := mustCreate(t)
	edit(t, s, "e1", "title", "旧スキーマ")
	if err := s.setSchemaForTest(1); err != nil {
		t.Fatal(err)
	}
	s.Close()
	var backup string
	s, err := Open(dir, pass, Options{Backup: func(p string) { backup = p }})
	if err != nil {
		t.Fatalf("Open(old schema) = %v", err)
	}
	defer s.Close()
	if backup == "" {
		t.Fatal("no backup was taken before migrating")
	}
	if _, err := os.Stat(backup); err != nil {
		t.Fatalf("backup %s: %v", backup, err)
	}
	var kids []string
	s.View(func(tx *Tx) error { kids, _ = tx.Children("parent"); return nil })
	if len(kids) != 1 {
		t.Fatalf("children index after migration = %v", kids)
	}
	mustCheckClean(t, s)
}

func TestNewerSchemaRefused(t *testing.T) {
	dir, s := mustCreate(t)
	s.setSchemaForTest(SchemaVersion + 1)
	s.Close()
	if _, err := Open(dir, pass, Options{}); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open(newer) = %v; want ErrNewerSchema", err)
	}
}

func TestRemoteOpsApplyOnceInOrder(t *testing.T) {
	_, s := mustCreate(t)
	defer s.Close()
	base := edit(t, s, "e1", "title", "base")
	remote := func(seq uint64, v string) change.Op {
		return change.Op{ID: change.OpID{Device: "dev2", Seq: seq}, At: change.Time{Wall: 1}, Author: "m2",
			Entity: "e1", Field: "title", Value: []byte(`"` + v + `"`), Supersedes: []change.OpID{base}}
	}
	err := s.Update(func(tx *Tx) error {
		if _, err := tx.ApplyRemote(remote(2, "gap")); !errors.Is(err, change.ErrGap) {
			t.Errorf("ApplyRemote(gap) = %v; want ErrGap", err)
		}
		for range 2 {
			if _, err := tx.ApplyRemote(remote(1, "remote")); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	edit(t, s, "e2", "x", "y") // local edit after remote: chain continues
	mustCheckClean(t, s)
	if got := read(t, s, "e1", "title"); got != "remote" {
		t.Fatalf("title = %q; want the remote value", got)
	}
}

func TestChangePassphrase(t *testing.T) {
	dir, s := mustCreate(t)
	edit(t, s, "e1", "title", "x")
	if err := s.ChangePassphrase(pass, []byte("new one"), fastKDF); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := Open(dir, pass, Options{}); !errors.Is(err, vault.ErrWrongPassphrase) {
		t.Fatalf("old passphrase: %v", err)
	}
	s2, err := Open(dir, []byte("new one"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if read(t, s2, "e1", "title") != "x" {
		t.Fatal("data lost after passphrase change")
	}
}

func TestCompact(t *testing.T) {
	_, s := mustCreate(t)
	defer s.Close()
	for i := range 100 {
		edit(t, s, "e1", "title", strings.Repeat("長い文章", i))
	}
	dst := filepath.Join(t.TempDir(), "compact.db")
	if err := s.Compact(dst); err != nil {
		t.Fatal(err)
	}
	d2 := filepath.Dir(dst)
	os.Rename(dst, filepath.Join(d2, FileName))
	s2 := mustOpen(t, d2)
	defer s2.Close()
	mustCheckClean(t, s2)
}

type bboltTx = bbolt.Tx

// TestDamagedOpenReleasesTheStore opens a truncated store twice: both times
// must say "damaged", never "already open" (a lock leaked by the first try).
func TestDamagedOpenReleasesTheStore(t *testing.T) {
	for _, size := range []int64{100, 8192, 12288, 3 * 4096, 5 * 4096} {
		dir, s := mustCreate(t)
		for i := range 300 {
			edit(t, s, "e1", "title", strings.Repeat("監査", i))
		}
		s.Close()
		if err := os.Truncate(filepath.Join(dir, FileName), size); err != nil {
			t.Fatal(err)
		}
		for try := range 2 {
			_, err := Open(dir, pass, Options{Timeout: 100 * time.Millisecond})
			if !errors.Is(err, vault.ErrDamaged) {
				t.Fatalf("size %d, try %d: Open = %v; want ErrDamaged", size, try, err)
			}
		}
	}
}
