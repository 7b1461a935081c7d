package main

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// errUsage marks mistakes in how a command was called (exit code 2).
var errUsage = errors.New("usage")

func usageErr(format string, args ...any) error {
	return fmt.Errorf("%w: %s", errUsage, fmt.Sprintf(format, args...))
}

// spec declares a command's flags: names taking a value, boolean names, and
// names that may repeat.
type spec struct {
	values []string
	bools  []string
	multi  []string
}

// args is a parsed command line: flags and positionals, which users may
// interleave in any order ("evidence add FILE --audit A" = "evidence add --audit A FILE").
type args struct {
	vals  map[string][]string
	flags map[string]bool
	pos   []string
}

func (s spec) has(list []string, name string) bool {
	for _, n := range list {
		if n == name {
			return true
		}
	}
	return false
}

// parse reads argv against the spec. "--name value", "--name=value" and
// "-name value" are accepted; "--" ends flag parsing.
func parse(s spec, argv []string) (*args, error) {
	a := &args{vals: map[string][]string{}, flags: map[string]bool{}}
	for i := 0; i < len(argv); i++ {
		arg := argv[i]
		if arg == "--" {
			a.pos = append(a.pos, argv[i+1:]...)
			break
		}
		if !strings.HasPrefix(arg, "-") || arg == "-" {
			a.pos = append(a.pos, arg)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		switch {
		case s.has(s.bools, name):
			if hasVal {
				return nil, usageErr("--%s takes no value", name)
			}
			a.flags[name] = true
		case s.has(s.values, name) || s.has(s.multi, name):
			if !hasVal {
				if i+1 >= len(argv) {
					return nil, usageErr("--%s needs a value", name)
				}
				i++
				val = argv[i]
			}
			if len(a.vals[name]) > 0 && !s.has(s.multi, name) {
				return nil, usageErr("--%s given twice", name)
			}
			a.vals[name] = append(a.vals[name], val)
		default:
			known := append(append(append([]string{}, s.values...), s.bools...), s.multi...)
			sort.Strings(known)
			return nil, usageErr("unknown flag %s (this command takes: --%s)", arg, strings.Join(known, ", --"))
		}
	}
	return a, nil
}

// get returns a flag's value and whether it was given.
func (a *args) get(name string) (string, bool) {
	v, ok := a.vals[name]
	if !ok {
		return "", false
	}
	return v[0], true
}

// str returns a flag's value or "".
func (a *args) str(name string) string { v, _ := a.get(name); return v }

// ptr returns a pointer to the value, or nil when the flag was not given.
func (a *args) ptr(name string) *string {
	if v, ok := a.get(name); ok {
		return &v
	}
	return nil
}

// need returns a required flag's value.
func (a *args) need(name string) (string, error) {
	if err := a.require(name); err != nil {
		return "", err
	}
	return a.str(name), nil
}

// require checks that every named flag was given a non-blank value, and
// names all the missing ones at once.
func (a *args) require(names ...string) error {
	var missing []string
	for _, n := range names {
		if v, ok := a.get(n); !ok || strings.TrimSpace(v) == "" {
			missing = append(missing, "--"+n)
		}
	}
	switch len(missing) {
	case 0:
		return nil
	case 1:
		return usageErr("%s is required", missing[0])
	}
	return usageErr("%s are required", strings.Join(missing, ", "))
}

// all returns every value of a repeatable flag.
func (a *args) all(name string) []string { return a.vals[name] }
