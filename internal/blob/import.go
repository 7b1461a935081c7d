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

// Importer puts blobs whose content arrives already authenticated, as
// evidence pulled from a sync folder does, and makes them durable as a
// batch. It is safe for concurrent use.
//
// Such content has been checked before it reaches the store: every age
// chunk of the folder object was authenticated as it was decrypted, and
// the caller compares the SHA-256 that Put computes in the same pass with
// the one the signed bundle records before it records anything. The
// object also stays in the shared folder. Reading the new blob back in
// full, as Store.Put does, would only re-check what was just computed
// from the same bytes in memory, at the cost of decrypting and hashing
// everything twice; Put here checks instead that the file holds exactly
// the sealed length of the bytes hashed, after its fsync and again under
// its final name. Media damage after that is what Workspace.Check (and
// kansactl check) finds: it decrypts and hashes every blob.
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

// Put seals the content of r into the store in one pass (hash, encrypt,
// write), fsyncs it and renames it under its name, without reading it
// back. The blob is durable only once Sync returns. The context is checked
// between chunks; a failed or cancelled Put leaves nothing behind.
func (im *Importer) Put(ctx context.Context, r io.Reader) (Ref, error) {
	s := im.s
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return Ref{}, fmt.Errorf("blob dir: %w", err)
	}
	tmp, err := os.CreateTemp(s.dir, ".put-*.tmp")
	if err != nil {
		return Ref{}, fmt.Errorf("blob temp file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	ref, err := s.write(ctx, tmp, r)
	if cerr := tmp.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close blob: %w", cerr)
	}
	if err != nil {
		return Ref{}, err
	}
	final := s.path(ref.Name)
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return Ref{}, fmt.Errorf("blob dir: %w", err)
	}
	// The same content may be stored already (attached here too): keep
	// it if it is intact, which spares replacing a file a viewer may hold
	// open; replace it if it is damaged. This is the rare case, and the
	// only one in which Put reads a blob back.
	// Either way its directory is synced with the others, in case an
	// earlier Put renamed it there and was never synced.
	im.mu.Lock()
	im.dirs[dir] = true
	im.mu.Unlock()
	if _, err := os.Lstat(final); err == nil && s.Verify(ref) == nil {
		return ref, nil
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return Ref{}, fmt.Errorf("store blob: %w", err)
	}
	if fi, err := os.Stat(final); err != nil || fi.Size() != SealedSize(ref.Size) {
		os.Remove(final) // damaged: not to be found under its name
		return Ref{}, fmt.Errorf("blob %s: %d bytes under its name, %d expected: %w", ref.Name, statSize(fi), SealedSize(ref.Size), vault.ErrDamaged)
	}
	return ref, nil
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

// countingWriter counts what is written to a blob's temp file, for the
// length check.
type countingWriter struct {
	f *os.File
	n int64
}

func (w *countingWriter) Write(p []byte) (int, error) {
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
