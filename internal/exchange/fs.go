package exchange

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"
)

// FS is the folder as exchange needs it. Names are slash-separated paths
// relative to the folder root.
type FS interface {
	// List returns the names of the regular files directly in dir. A
	// missing dir lists as empty: absence means "not arrived", never
	// "deleted".
	List(dir string) ([]string, error)
	// ReadFile returns a file's bytes, or an error wrapping
	// fs.ErrNotExist.
	ReadFile(name string) ([]byte, error)
	// WriteFile stores data under name so that no reader ever sees a
	// partial file under that name.
	WriteFile(name string, data []byte) error
}

// Dir is an FS on a real directory.
type Dir struct {
	Root string
	// Retries and Backoff tune the rename retry loop (Windows sharing
	// violations while a sync client or virus scanner holds the file).
	Retries int
	Backoff time.Duration
	// fault, set only by tests, is called before each step of WriteFile
	// ("write", "sync", "rename") and after the rename ("renamed"); an
	// error fails that step as the OS would (a failed "write" leaves half
	// the data in the temp file, like a disk that fills up). An error
	// wrapping errCrash stops there without cleaning up, as a killed
	// process would.
	fault func(step, name string) error
}

// errCrash marks a fault that simulates the process dying mid-write.
var errCrash = errors.New("simulated crash")

func (d *Dir) step(step, name string) error {
	if d.fault == nil {
		return nil
	}
	return d.fault(step, name)
}

// NewDir returns the folder at root.
func NewDir(root string) *Dir { return &Dir{Root: root, Retries: 6, Backoff: 20 * time.Millisecond} }

func (d *Dir) path(name string) string { return filepath.Join(d.Root, filepath.FromSlash(name)) }

// List implements FS.
func (d *Dir) List(dir string) ([]string, error) {
	ents, err := os.ReadDir(d.path(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	out := make([]string, 0, len(ents))
	for _, e := range ents {
		if e.Type().IsRegular() {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// ReadFile implements FS.
func (d *Dir) ReadFile(name string) ([]byte, error) {
	b, err := os.ReadFile(d.path(name))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return b, nil
}

// WriteFile implements FS: a temp file in the target directory, length
// checked, fsynced and closed, then renamed over name with retries. On any
// failure the temp file is removed and nothing appears under name.
func (d *Dir) WriteFile(name string, data []byte) (err error) {
	final := d.path(name)
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	tmp, err := os.CreateTemp(dir, "."+path.Base(name)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	defer func() {
		if err != nil && !errors.Is(err, errCrash) {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err := d.step("write", name); err != nil {
		tmp.Write(data[:len(data)/2])
		return fmt.Errorf("write %s: %w", name, err)
	}
	n, err := tmp.Write(data)
	if err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if fi, err := tmp.Stat(); err != nil || n != len(data) || fi.Size() != int64(len(data)) {
		return fmt.Errorf("write %s: short write (%d of %d bytes)", name, n, len(data))
	}
	if err := d.step("sync", name); err != nil {
		return fmt.Errorf("write %s: fsync: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("write %s: fsync: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: close: %w", name, err)
	}
	if err := d.step("rename", name); err != nil {
		return fmt.Errorf("write %s: rename: %w", name, err)
	}
	wait := d.Backoff
	for i := 0; ; i++ {
		err = os.Rename(tmp.Name(), final)
		if err == nil || i >= d.Retries {
			break
		}
		time.Sleep(wait)
		wait *= 2
	}
	if err != nil {
		return fmt.Errorf("write %s: rename: %w", name, err)
	}
	if err := d.step("renamed", name); err != nil {
		return fmt.Errorf("write %s: %w", name, err)
	}
	if f, err := os.Open(dir); err == nil {
		f.Sync() // make the rename durable where directories can be synced
		f.Close()
	}
	return nil
}

// Debris reports whether a file name is a sync service's or an editor's
// leftover rather than a file some Kansa wrote: temp files, conflict
// copies, desktop.ini, Office lock files. Names that merely fail the
// expected pattern are ignored too; this only lets the report count them.
func Debris(name string) bool {
	low := strings.ToLower(name)
	return strings.HasSuffix(low, ".tmp") || strings.HasPrefix(low, "~$") ||
		strings.Contains(low, ".sync-conflict-") || strings.Contains(low, "conflicted copy") ||
		low == "desktop.ini" || low == ".ds_store" || low == "thumbs.db" || strings.HasPrefix(name, ".")
}

// DirLister is an FS that can also list the subdirectories of a
// directory; the folder check uses it to find directories outside the
// layout. Dir implements it.
type DirLister interface {
	ListDirs(dir string) ([]string, error)
}

// ListDirs implements DirLister.
func (d *Dir) ListDirs(dir string) ([]string, error) {
	ents, err := os.ReadDir(d.path(dir))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", dir, err)
	}
	var out []string
	for _, e := range ents {
		if e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out, nil
}

// Opener is an FS that can stream a file instead of reading it whole;
// evidence objects are copied through it. Dir implements it.
type Opener interface {
	Open(name string) (io.ReadCloser, error)
}

// Open implements Opener.
func (d *Dir) Open(name string) (io.ReadCloser, error) {
	f, err := os.Open(d.path(name))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return f, nil
}
