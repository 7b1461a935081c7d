package workspace

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/bolt"
	"github.com/kansa-audit/kansa/internal/vault"
)

// Speed targets of the foundation issue, re-runnable with
//
//	go test -run '^$' -bench . -benchtime 2000x ./internal/workspace/
//
// Durable edit: median <= 2 ms, p99 <= 10 ms, within 3x of a bare 4 KiB
// write+fsync measured in the same run. Open + read one audit of a store
// with 10,000 results and 1,000 evidence records: <= 150 ms (production
// Argon2id parameters included). Rebuild of 100,000 ops: <= 2 s.

func percentile(d []time.Duration, p float64) time.Duration {
	s := append([]time.Duration(nil), d...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// BenchmarkDurableEdit times one autosave: a single field, one durable
// commit, exactly as the GUI and `result set` do it. It also times a bare
// 4 KiB write+fsync in the same directory for comparison.
func BenchmarkDurableEdit(b *testing.B) {
	w := mustWorkspace(b)
	eng, err := w.CreateEngagement(audit.Engagement{Title: "t", Client: "c", FiscalYear: 2026})
	if err != nil {
		b.Fatal(err)
	}
	aud, err := w.CreateAudit(NewAudit{EngagementID: eng, Kind: audit.KindDatacenter, Template: "datacenter"})
	if err != nil {
		b.Fatal(err)
	}
	st, err := w.AuditState(aud)
	if err != nil {
		b.Fatal(err)
	}
	item := st.Items[11].ID

	// The bare baseline is a 4 KiB write+fsync to a file in the same
	// directory, interleaved with the edits so both see the same disk
	// conditions (a baseline measured once, before, swings with the
	// machine's load and makes the ratio meaningless).
	f, err := os.Create(filepath.Join(w.Dir(), "fsync-probe"))
	if err != nil {
		b.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	page := make([]byte, 4096)
	var lat, bare []time.Duration
	i := 0
	for b.Loop() {
		i++
		t0 := time.Now()
		if _, err := f.WriteAt(page, int64(i%16)*4096); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if err := w.SetField(aud, item, "observation", fmt.Sprintf("記録 %d: 入退室記録簿を確認した。", i)); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t1))
		bare = append(bare, t1.Sub(t0))
	}
	med, p99, bareMed := percentile(lat, 0.5), percentile(lat, 0.99), percentile(bare, 0.5)
	b.ReportMetric(ms(med), "median-ms")
	b.ReportMetric(ms(p99), "p99-ms")
	b.ReportMetric(ms(bareMed), "bare-fsync-median-ms")
	b.ReportMetric(float64(med)/float64(bareMed), "x-bare")
}

// bigStore builds a store with audits×items results and evidence records,
// written through the same code paths as real edits but batched per audit.
func bigStore(b *testing.B, audits, items, evidence int) (dir, auditID string) {
	b.Helper()
	dir = filepath.Join(b.TempDir(), "big")
	w, err := Create(dir, []byte("pass"), "山田", audit.RoleChief, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	eng, err := w.CreateEngagement(audit.Engagement{Title: "大規模", Client: "世田谷区", FiscalYear: 2026})
	if err != nil {
		b.Fatal(err)
	}
	sum := strings.Repeat("ab", 32)
	for a := range audits {
		aid, err := w.CreateAudit(NewAudit{EngagementID: eng, Kind: audit.KindInternal, Title: fmt.Sprintf("内部監査 %d", a)})
		if err != nil {
			b.Fatal(err)
		}
		if a == 0 {
			auditID = aid
		}
		err = w.st.Update(func(tx *bolt.Tx) error {
			var ids []string
			for i := range items {
				id := w.newID()
				ids = append(ids, id)
				it := struct {
					audit.Item
					audit.Result
				}{audit.Item{No: fmt.Sprint(i + 1), Section: "人的セキュリティ", Title: "離席時の画面ロック",
					Criteria: "情報セキュリティポリシー", Points: "・離席時にロックしているか"},
					audit.Result{Rating: "conform", Observation: "執務室を巡回し、離席中の端末20台すべてがロックされていることを確認した。",
						EvidenceSeen: "巡回記録", Finding: audit.FindingAdvice, Proposal: strings.Repeat("改善提案の本文。", 40)}}
				if err := create(tx, id, TypeItem, aid, it); err != nil {
					return err
				}
			}
			for e := range evidence / audits {
				ev := evidenceRecord{Blob: w.blobs.NameFor(sum), Evidence: audit.Evidence{Kind: audit.EvidencePhoto,
					FileName: fmt.Sprintf("IMG_%04d.JPG", e), Size: 1 << 20, SHA256: sum, CapturedAt: time.Now().UTC(),
					CapturedBy: "山田", Caption: "執務室の状況", Items: []string{ids[e%len(ids)]}}}
				if err := create(tx, w.newID(), TypeEvidence, aid, ev); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return dir, auditID
}

// BenchmarkOpenAndReadAudit opens a store holding 10,000 results and 1,000
// evidence records with the production Argon2id parameters, and reads one
// audit's full state (1,000 items, 100 evidence records).
func BenchmarkOpenAndReadAudit(b *testing.B) {
	dir, aid := bigStore(b, 10, 1000, 1000)
	for b.Loop() {
		w, err := Open(dir, []byte("pass"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		st, err := w.AuditState(aid)
		if err != nil {
			b.Fatal(err)
		}
		if len(st.Items) != 1000 || len(st.Evidence) != 100 {
			b.Fatalf("read %d items, %d evidence", len(st.Items), len(st.Evidence))
		}
		w.Close()
	}
}

// BenchmarkRebuild100kOps derives the whole view again from 100,000 ops.
func BenchmarkRebuild100kOps(b *testing.B) {
	// Each item above is 12 ops (type, parent and 10 fields), so 8,334
	// items in 10 audits give just over 100,000 ops.
	dir, _ := bigStore(b, 10, 834, 0)
	w, err := Open(dir, []byte("pass"), Options{KDF: vault.KDFParams{Time: 1, MemoryKiB: 64, Threads: 1}})
	if err != nil {
		b.Fatal(err)
	}
	defer w.Close()
	var ops int
	w.Rebuild(context.Background(), func(done, total int) { ops = total })
	if ops < 100_000 {
		b.Fatalf("store holds %d ops; want >= 100,000", ops)
	}
	b.ReportMetric(float64(ops), "ops")
	for b.Loop() {
		if err := w.Rebuild(context.Background(), nil); err != nil {
			b.Fatal(err)
		}
	}
}
