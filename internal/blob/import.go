package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"

	"github.com/kansa-audit/kansa/internal/vault"
)

// Importer keeps evidence pulled from a sync folder, as the folder
// carried it (still encrypted for the engagement key: see the package
// comment), and makes it durable as a batch. It is safe for concurrent
// use.
//
// Such content is checked on its way in: the caller's fill copies the
// folder file and, in the same pass, decrypts it and compares the
// plaintext's SHA-256 and size with what the signed bundle records
// (exchange.Folder.CopySealed). Nothing is read back: the copy is checked
// for length after its fsync and again under its final name, and the
// object stays in the folder. Open checks the SHA-256 again whenever a
// reader reaches the end, and Workspace.Check (kansactl check) decrypts
// and hashes every blob.
//
// Durability is kept: each blob is fsynced before it is renamed into
// place, and Sync fsyncs the directories the renames went into. A caller
// records nothing that refers to an imported blob before Sync has
// returned nil ("blobs before records"); after a crash before that, a
// renamed blob without a record is harmless (its name is its content)
// and the next sync imports the object again.
type Importer struct {
	s    *Store
	mu   sync.Mutex
	dirs map[string]bool // directories renamed into since the last Sync
}

// Importer returns an importer into s.
func (s *Store) Importer() *Importer { return &Importer{s: s, dirs: map[string]bool{}} }

// PutSealed stores, under the name of want's content, the file that fill
// writes in one pass; fill returns an error unless it wrote a genuine copy
// of that content in the store's Foreign format. The blob is fsynced and
// renamed into place, and durable once Sync returns. The context is
// checked before every write; a failed or cancelled PutSealed leaves
// nothing behind.
func (im *Importer) PutSealed(ctx context.Context, want Ref, fill func(io.Writer) error) (Ref, error) {
	s := im.s
	want.Name = s.NameFor(want.SHA256)
	tmp, _, n, err := s.stage(ctx, func(w io.Writer) (Ref, error) { return want, fill(w) })
	if err != nil {
		return Ref{}, err
	}
	defer os.Remove(tmp) // no-op after the rename
	final := s.path(want.Name)
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Ref{}, fmt.Errorf("blob dir: %w", err)
	}
	// The same content may be stored already (attached here too): keep
	// it if it is intact, which spares replacing a file a viewer may hold
	// open; replace it if it is damaged. This is the rare case, and the
	// only one in which PutSealed reads a blob back.
	// Either way its directory is synced with the others, in case an
	// earlier Put renamed it there and was never synced.
	im.mu.Lock()
	im.dirs[dir] = true
	im.mu.Unlock()
	if _, err := os.Lstat(final); err == nil && s.Verify(want) == nil {
		return want, nil
	}
	if err := os.Rename(tmp, final); err != nil {
		return Ref{}, fmt.Errorf("store blob: %w", err)
	}
	if fi, err := os.Stat(final); err != nil || fi.Size() != n {
		os.Remove(final) // damaged: not to be found under its name
		return Ref{}, fmt.Errorf("blob %s: %d bytes under its name, %d expected: %w", want.Name, statSize(fi), n, vault.ErrDamaged)
	}
	return want, nil
}

// Sync makes every blob Put so far durable: it fsyncs the directories
// they were renamed into. It returns the first error; the directories
// that failed stay to be synced by the next call.
func (im *Importer) Sync() error {
	im.mu.Lock()
	dirs := im.dirs
	im.dirs = map[string]bool{}
	im.mu.Unlock()
	// Several at a time: each waits for the disk to flush its cache, and
	// the disk can serve them together.
	var first error
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for d := range dirs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := syncDirErr(d); err != nil {
				im.mu.Lock()
				if first == nil {
					first = fmt.Errorf("sync blob dir: %w", err)
				}
				im.dirs[d] = true
				im.mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return first
}

// SealedSize is the size of the blob file that holds n bytes of content:
// the stream header, then every 64 KiB chunk (at least one) with its tag.
func SealedSize(n int64) int64 {
	chunks := max(1, (n+vault.ChunkSize-1)/vault.ChunkSize)
	return int64(vault.StreamHeaderSize) + n + chunks*16
}

func statSize(fi os.FileInfo) int64 {
	if fi == nil {
		return -1
	}
	return fi.Size()
}

// countingWriter counts what is written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (w *countingWriter) Write(p []byte) (int, error) {
	k, err := w.w.Write(p)
	w.n += int64(k)
	return k, err
}

// stagingFile is a blob's temp file while it is written: it counts the
// bytes for the length check and stops at a cancelled context.
type stagingFile struct {
	f   *os.File
	ctx context.Context
	n   int64
}

func (w *stagingFile) Write(p []byte) (int, error) {
	if err := w.ctx.Err(); err != nil {
		return 0, err
	}
	k, err := w.f.Write(p)
	w.n += int64(k)
	return k, err
}

// dirSyncUnsupported reports whether a directory fsync failed only
// because the platform or file system does not sync directories (Windows
// refuses to flush a directory handle; some network and FUSE file
// systems answer EINVAL or ENOTSUP). A rename there is as durable as the
// file system makes it.
func dirSyncUnsupported(err error) bool {
	return runtime.GOOS == "windows" || errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) || errors.Is(err, errors.ErrUnsupported)
}
