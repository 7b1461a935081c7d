package exchange

import (
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path"
	"sort"
	"strings"
	"sync"
)

// fakeFS is an in-memory sync folder that misbehaves like a sync service:
// scramble hides (drops), truncates, duplicates (conflict copies) files
// written since the last call, List returns names in random order, and
// heal delivers everything intact.
type fakeFS struct {
	mu     sync.Mutex
	files  map[string][]byte
	held   map[string][]byte // true contents of files dropped or truncated
	fresh  []string          // written since the last scramble
	rng    *rand.Rand
	writes int
}

func newFakeFS(seed uint64) *fakeFS {
	return &fakeFS{files: map[string][]byte{}, held: map[string][]byte{}, rng: rand.New(rand.NewPCG(seed, 7))}
}

func (f *fakeFS) List(dir string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for name := range f.files {
		if path.Dir(name) == dir {
			out = append(out, path.Base(name))
		}
	}
	sort.Strings(out)
	f.rng.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out, nil
}

func (f *fakeFS) ReadFile(name string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b, ok := f.files[name]
	if !ok {
		return nil, fmt.Errorf("read %s: %w", name, fs.ErrNotExist)
	}
	return append([]byte(nil), b...), nil
}

func (f *fakeFS) WriteFile(name string, data []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files[name] = append([]byte(nil), data...)
	f.fresh = append(f.fresh, name)
	f.writes++
	return nil
}

// plant puts a file in place as a foreign program would.
func (f *fakeFS) plant(name string, data []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.files[name] = append([]byte(nil), data...)
}

// scramble damages each file written since the last call with
// probability p: dropped, truncated, or shadowed by a conflict copy and a
// case-changed duplicate. Files outside m/ (FORMAT, roster, keys) are left
// alone unless all is set.
func (f *fakeFS) scramble(p float64, all bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, name := range f.fresh {
		if (!all && !strings.HasPrefix(name, "m/")) || f.rng.Float64() >= p {
			continue
		}
		data := f.files[name]
		switch f.rng.IntN(3) {
		case 0: // dropped until healed
			f.held[name] = data
			delete(f.files, name)
		case 1: // partially synced
			f.held[name] = data
			f.files[name] = data[:f.rng.IntN(len(data))]
		case 2: // duplicated
			dir, base := path.Split(name)
			f.files[dir+strings.TrimSuffix(base, ".bdl")+" (conflicted copy).bdl"] = data
			f.files[dir+strings.ToUpper(base)] = data
			f.files[dir+base+".sync-conflict-20260101-120000-ABCDEFG"] = data
		}
	}
	f.fresh = nil
}

// heal delivers every held file intact.
func (f *fakeFS) heal() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for name, data := range f.held {
		f.files[name] = data
	}
	clear(f.held)
}
