package exchange

import (
	"errors"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
)

// Inventory is what a full scan of a folder finds, without decrypting
// anything: every bundle and object under its exact name with bytes that
// match it, and everything else.
type Inventory struct {
	Bundles map[string][]string // member id -> bundle ids (complete)
	Objects map[string][]Object // member id -> objects (complete; Path only)
	Damaged []FileNote          // under a final name, but the bytes do not match it
	Debris  []string            // temp files, conflict copies, desktop.ini, ...
	Foreign []FileNote          // outside the layout: unknown names, directories of no member
	Files   int                 // files looked at
	Bytes   int64               // bytes hashed
}

// FileNote is one file and what is wrong with it.
type FileNote struct {
	Path string `json:"path"`
	What string `json:"what"`
}

var objectDir = regexp.MustCompile(`^[0-9a-f]{2}$`)

// Inventory scans the folder's member directories (those of members,
// the ids on the roster) and checks every file's name against its bytes.
// progress, if set, gets the number of files looked at so far.
func (f *Folder) Inventory(members []string, progress func(files int)) (*Inventory, error) {
	inv := &Inventory{Bundles: map[string][]string{}, Objects: map[string][]Object{}}
	known := map[string]bool{}
	for _, m := range members {
		known[m] = true
	}
	note := func() {
		inv.Files++
		if progress != nil {
			progress(inv.Files)
		}
	}
	if dl, ok := f.fs.(DirLister); ok {
		dirs, err := dl.ListDirs("m")
		if err != nil {
			return nil, err
		}
		for _, d := range dirs {
			if !known[d] {
				inv.Foreign = append(inv.Foreign, FileNote{"m/" + d + "/", "a directory of no member on the roster"})
			}
		}
	}
	// Top-level files other than FORMAT, and roster and keys names.
	for dir, ok := range map[string]*regexp.Regexp{"": regexp.MustCompile(`^FORMAT$`),
		"roster": regexp.MustCompile(`^[1-9][0-9]*\.age$`), "keys": regexp.MustCompile(`^[a-z0-9-]{1,64}\.age$`)} {
		names, err := f.fs.List(dir)
		if err != nil {
			return nil, err
		}
		for _, n := range names {
			p := n
			if dir != "" {
				p = dir + "/" + n
			}
			switch {
			case ok.MatchString(n):
			case Debris(n):
				inv.Debris = append(inv.Debris, p)
			default:
				inv.Foreign = append(inv.Foreign, FileNote{p, "not a name Kansa writes"})
			}
		}
	}
	for _, m := range members {
		bdir := "m/" + m + "/b"
		names, err := f.fs.List(bdir)
		if err != nil {
			return nil, err
		}
		sort.Strings(names)
		for _, n := range names {
			p := bdir + "/" + n
			mm := bundleName.FindStringSubmatch(n)
			if mm == nil {
				f.classify(inv, p, n)
				continue
			}
			note()
			switch err := f.matches(inv, p, mm[1]); {
			case err == nil:
				inv.Bundles[m] = append(inv.Bundles[m], mm[1])
			case errors.Is(err, fs.ErrNotExist), errors.Is(err, errDamaged):
			default:
				return nil, err
			}
		}
		var subs []string
		if dl, ok := f.fs.(DirLister); ok {
			if subs, err = dl.ListDirs("m/" + m + "/o"); err != nil {
				return nil, err
			}
		} else {
			for i := range 256 {
				subs = append(subs, fmt.Sprintf("%02x", i))
			}
		}
		sort.Strings(subs)
		for _, sub := range subs {
			odir := "m/" + m + "/o/" + sub
			if !objectDir.MatchString(sub) {
				inv.Foreign = append(inv.Foreign, FileNote{odir + "/", "not an object directory"})
				continue
			}
			names, err := f.fs.List(odir)
			if err != nil {
				return nil, err
			}
			sort.Strings(names)
			for _, n := range names {
				p := odir + "/" + n
				if !hexSHA.MatchString(n) || n[:2] != sub {
					f.classify(inv, p, n)
					continue
				}
				note()
				switch err := f.matches(inv, p, n); {
				case err == nil:
					inv.Objects[m] = append(inv.Objects[m], Object{Path: p})
				case errors.Is(err, fs.ErrNotExist), errors.Is(err, errDamaged):
				default:
					return nil, err
				}
			}
		}
	}
	return inv, nil
}

func (f *Folder) classify(inv *Inventory, p, name string) {
	if Debris(name) {
		inv.Debris = append(inv.Debris, p)
	} else {
		inv.Foreign = append(inv.Foreign, FileNote{p, "not a name Kansa writes (a renamed copy?)"})
	}
}

// matches hashes the file at p and records it as damaged when it does
// not match want; a file gone meanwhile is fs.ErrNotExist.
func (f *Folder) matches(inv *Inventory, p, want string) error {
	b, err := f.fs.ReadFile(p)
	if err != nil {
		return err
	}
	inv.Bytes += int64(len(b))
	if got := sum(b); got != want {
		what := fmt.Sprintf("its %d bytes do not match its name (partial, damaged or renamed)", len(b))
		if len(b) == 0 {
			what = "empty (0 bytes)"
		}
		inv.Damaged = append(inv.Damaged, FileNote{p, what})
		return errDamaged
	}
	return nil
}

var errDamaged = errors.New("damaged")

// RosterNote is one roster epoch as the reader finds it.
type RosterNote struct {
	Epoch   int    `json:"epoch"`
	Members int    `json:"members,omitempty"`
	Chief   string `json:"chief,omitempty"`
	Status  string `json:"status"` // "ok", "missing", "no key", "rejected"
	What    string `json:"what,omitempty"`
}

// RosterChain checks every roster epoch from 1 to the newest present:
// each must be there, signed by the chief key the reader trusts, name its
// own epoch and engagement, and keep the same chief. Epochs encrypted for
// a key the reader does not hold (after their removal) are "no key".
func (f *Folder) RosterChain(t *Team) ([]RosterNote, error) {
	names, err := f.fs.List("roster")
	if err != nil {
		return nil, err
	}
	top := 0
	for _, n := range names {
		if e, ok := rosterEpoch(n); ok {
			top = max(top, e)
		}
	}
	var out []RosterNote
	chief := ""
	for e := 1; e <= top; e++ {
		r, err := f.readRoster(t, e)
		n := RosterNote{Epoch: e, Status: "ok"}
		switch {
		case errors.Is(err, fs.ErrNotExist):
			n.Status, n.What = "missing", "not in the folder (yet)"
		case errors.Is(err, ErrNoKey):
			n.Status, n.What = "no key", err.Error()
		case err != nil:
			n.Status, n.What = "rejected", err.Error()
		default:
			n.Members, n.Chief = len(r.Members), r.Chief
			if chief != "" && r.Chief != chief {
				n.Status, n.What = "rejected", fmt.Sprintf("the chief changed from %s to %s", chief, r.Chief)
			}
			chief = r.Chief
		}
		out = append(out, n)
	}
	return out, nil
}
