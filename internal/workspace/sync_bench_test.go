package workspace

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/exchange"
)

// Sync speed targets of issue 6 (`make bench`):
//
//	BenchmarkSyncNoop          a sync that finds nothing new, with 10,000 ops
//	                           and 1,000 blobs in the folder: <= 200 ms
//	BenchmarkSyncIncremental   publishing 10 edits and pulling them: <= 300 ms
//	BenchmarkSyncFirstPull     a first sync pulling KANSA_BENCH_MB (default
//	                           50; the target is stated for 500) of evidence,
//	                           against `cp -r` of the same files on the same
//	                           disk in the same run: >= 60 % of its throughput
//
// The 500 MB measurement (`make bench` runs it once; the machine's noise
// wants several runs):
//
//	KANSA_BENCH_MB=500 go test -run '^$' -bench SyncFirstPull -benchtime 1x -count 5 -timeout 30m ./internal/workspace/
//
// Each iteration runs cp -r, two first pulls, and cp -r again, so that
// each kind of copy runs once first and once after the other; sync/cp
// compares their totals. It also reports sync/cp+fsync against cp -r
// whose files are then fsynced (the sync's blobs are durable before the
// ops that refer to them are recorded; cp's are not), and the CPU the
// pull spends per MB.
//
// A pull copies each object as the folder carries it (still encrypted:
// see blob.Importer), decrypting and hashing it on the way (0.35 CPU-s
// per 500 MB of ChaCha20-Poly1305 and SHA-256 on the 2-core AMD EPYC
// where this was measured), and fsyncs it: it runs at the speed the disk
// takes durable writes, about that of cp+fsync. cp -r without fsync
// leaves its data in the page cache and runs at memory speed (up to
// 2.3 GB/s there) when the disk has caught up, or at disk speed when it
// has not, so sync/cp swings with what ran before; hence the two orders.

// bulkOps writes n ops on the auditor's items in transactions of 1,000,
// syncing after each so that the folder holds n/1000 bundles.
func bulkOps(b *testing.B, w *Workspace, aud string, fsys exchange.FS, n int) {
	st, err := w.AuditState(aud)
	if err != nil {
		b.Fatal(err)
	}
	for done := 0; done < n; {
		k := min(1000, n-done)
		err := w.st.Update(func(tx *bolt.Tx) error {
			for i := range k {
				it := st.Items[(done+i)%len(st.Items)]
				if _, _, err := tx.Write(it.ID, "observation", fmt.Sprintf("所見 %d\n確認した記録 %d", done+i, i)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		done += k
		syncOn(b, w, fsys)
	}
}

// docs writes n small distinct evidence documents and attaches them.
func docs(b *testing.B, w *Workspace, aud string, n, size int) {
	dir := b.TempDir()
	rng := rand.New(rand.NewPCG(uint64(n), uint64(size)))
	buf := make([]byte, size)
	for i := range n {
		for j := range buf {
			buf[j] = byte(rng.Uint32())
		}
		p := filepath.Join(dir, fmt.Sprintf("資料%04d.pdf", i))
		if err := os.WriteFile(p, buf, 0o600); err != nil {
			b.Fatal(err)
		}
		if _, err := w.AddEvidence(context.Background(), aud, []string{fmt.Sprint(1 + i%4)}, p, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// fullFolder makes a chief and an auditor whose folder holds 10,000 edits
// and 1,000 evidence files of the auditor's (about 20,000 ops in all),
// all synced by the chief.
func fullFolder(b *testing.B) (chief, a *Workspace, aud string, dir *exchange.Dir) {
	dir = exchange.NewDir(b.TempDir())
	reps, aud := teamOn(b, dir, 2)
	chief, a = reps[0], reps[1]
	docs(b, a, aud, 1000, 2048)
	bulkOps(b, a, aud, dir, 10000)
	syncOn(b, chief, dir)
	return chief, a, aud, dir
}

func BenchmarkSyncNoop(b *testing.B) {
	chief, a, _, dir := fullFolder(b)
	var ops uint64
	a.st.View(func(tx *bolt.Tx) error { vv, _ := tx.VersionVector(); ops = vv[a.Me().Device]; return nil })
	b.ResetTimer()
	for b.Loop() {
		rep := syncOn(b, chief, dir)
		if rep.Published != 0 || len(rep.NewOps) != 0 {
			b.Fatalf("not a no-op: %+v", rep)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(ops), "ops-in-folder")
	if ms := float64(b.Elapsed().Milliseconds()) / float64(b.N); ms > 200 {
		b.Logf("TARGET MISSED: no-op sync takes %.0f ms (target 200 ms)", ms)
	}
}

func BenchmarkSyncIncremental(b *testing.B) {
	chief, a, aud, dir := fullFolder(b)
	var total time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		for k := range 10 {
			if err := a.SetResult(aud, fmt.Sprint(1+k%4), ResultPatch{Observation: str(fmt.Sprintf("追記 %d-%d", i, k))}); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start := time.Now()
		if rep := syncOn(b, a, dir); rep.Published != 10 {
			b.Fatalf("published %d ops; want 10", rep.Published)
		}
		if rep := syncOn(b, chief, dir); rep.NewOps[a.Me().Name] != 10 {
			b.Fatalf("pulled %+v; want 10 ops", rep.NewOps)
		}
		total += time.Since(start)
	}
	if ms := float64(total.Milliseconds()) / float64(b.N); ms > 300 {
		b.Logf("TARGET MISSED: publishing and pulling 10 edits takes %.0f ms (target 300 ms)", ms)
	}
}

func BenchmarkSyncFirstPull(b *testing.B) {
	mb := 50
	if s := os.Getenv("KANSA_BENCH_MB"); s != "" {
		var err error
		if mb, err = strconv.Atoi(s); err != nil || mb < 1 {
			b.Fatalf("KANSA_BENCH_MB=%q", s)
		}
	}
	const fileMB = 5 // a large scan or a long recording
	root := b.TempDir()
	dir := exchange.NewDir(root)
	reps, aud := teamOn(b, dir, 2)
	chief, a := reps[0], reps[1]
	docs(b, a, aud, mb/fileMB, fileMB<<20)
	syncOn(b, a, dir)
	objects := filepath.Join(root, "m", a.Me().Member, "o")
	// copyTree times cp -r of the folder's objects into a new directory,
	// from a clean page cache (sync first), and then, for durable, the
	// fsync of every file it wrote, as the sync's blobs are fsynced.
	copyTree := func(durable bool) time.Duration {
		dst := filepath.Join(b.TempDir(), "copy")
		exec.Command("sync").Run()
		start := time.Now()
		if out, err := exec.Command("cp", "-r", objects, dst).CombinedOutput(); err != nil {
			b.Fatalf("cp -r: %v %s", err, out)
		}
		if durable {
			filepath.WalkDir(dst, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					if f, err := os.Open(p); err == nil {
						f.Sync()
						f.Close()
					}
				}
				return nil
			})
		}
		return time.Since(start)
	}
	var pull, cp, cpDurable, pullCPU time.Duration
	pullOnce := func() {
		// A fresh member's first sync: the chief's store is copied, so
		// only the evidence is new to it.
		b.StopTimer()
		fresh := newReplica(b, "新任", "auditor", nil)
		req, _, _ := fresh.JoinRequest()
		if _, err := chief.addTeamMember(dir, req, "auditor"); err != nil {
			b.Fatal(err)
		}
		exec.Command("sync").Run()
		b.StartTimer()
		start, cpu := time.Now(), processCPU()
		rep := syncOn(b, fresh, dir)
		pull += time.Since(start)
		pullCPU += processCPU() - cpu
		b.StopTimer()
		if rep.Imported != mb/fileMB {
			b.Fatalf("imported %d objects; want %d", rep.Imported, mb/fileMB)
		}
	}
	b.ResetTimer()
	for range b.N {
		// Each goes first once: whatever runs second finds the disk
		// still writing back what the first wrote, and a plain copy
		// (which does not wait for the disk) is then much slower.
		cp += copyTree(false)
		pullOnce()
		pullOnce()
		cp += copyTree(false)
		cpDurable += copyTree(true)
		b.StartTimer()
	}
	b.StopTimer()
	bytes := float64(mb/fileMB*fileMB) * (1 << 20) * float64(2*b.N) // two pulls and two copies each
	b.ReportMetric(bytes/pull.Seconds()/(1<<20), "sync-MB/s")
	b.ReportMetric(bytes/cp.Seconds()/(1<<20), "cp-MB/s")
	b.ReportMetric(bytes/2/cpDurable.Seconds()/(1<<20), "cp+fsync-MB/s")
	ratio := cp.Seconds() / pull.Seconds()
	b.ReportMetric(ratio, "sync/cp")
	b.ReportMetric(2*cpDurable.Seconds()/pull.Seconds(), "sync/cp+fsync")
	b.ReportMetric(float64(pullCPU.Milliseconds())/(bytes/(1<<20)), "sync-CPU-ms/MB")
	if ratio < 0.6 {
		b.Logf("TARGET MISSED: sync pulls at %.0f %% of plain cp -r's throughput (target 60 %%); %.0f %% of cp -r whose files are then fsynced",
			ratio*100, 200*cpDurable.Seconds()/pull.Seconds())
	}
}
