package main

import (
	"errors"
	"reflect"
	"testing"
)

func TestParseInterleaved(t *testing.T) {
	s := spec{values: []string{"audit", "caption"}, bools: []string{"json"}, multi: []string{"item"}}
	tests := []struct {
		argv  []string
		vals  map[string][]string
		flags map[string]bool
		pos   []string
		err   bool
	}{
		{[]string{"f.jpg", "--audit", "A", "--item", "1", "--item=２"}, map[string][]string{"audit": {"A"}, "item": {"1", "２"}}, map[string]bool{}, []string{"f.jpg"}, false},
		{[]string{"--json", "-audit=A", "x", "--", "--not-a-flag"}, map[string][]string{"audit": {"A"}}, map[string]bool{"json": true}, []string{"x", "--not-a-flag"}, false},
		{[]string{"--audit"}, nil, nil, nil, true},
		{[]string{"--audit", "A", "--audit", "B"}, nil, nil, nil, true},
		{[]string{"--colour", "red"}, nil, nil, nil, true},
		{[]string{"--json=yes"}, nil, nil, nil, true},
	}
	for _, tt := range tests {
		a, err := parse(s, tt.argv)
		if tt.err {
			if !errors.Is(err, errUsage) {
				t.Errorf("parse(%q) = %v; want a usage error", tt.argv, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("parse(%q) = %v", tt.argv, err)
		}
		if !reflect.DeepEqual(a.vals, tt.vals) || !reflect.DeepEqual(a.flags, tt.flags) || !reflect.DeepEqual(a.pos, tt.pos) {
			t.Errorf("parse(%q) = %v %v %v; want %v %v %v", tt.argv, a.vals, a.flags, a.pos, tt.vals, tt.flags, tt.pos)
		}
	}
}

func TestRequireNamesAllMissing(t *testing.T) {
	a, _ := parse(spec{values: []string{"a", "b", "c"}}, []string{"--b", " "})
	err := a.require("a", "b", "c")
	if !errors.Is(err, errUsage) || err.Error() != "usage: --a, --b, --c are required" {
		t.Fatalf("require = %v", err)
	}
	a, _ = parse(spec{values: []string{"a"}}, []string{"--a", "x"})
	if err := a.require("a"); err != nil {
		t.Fatalf("require(given) = %v", err)
	}
}
