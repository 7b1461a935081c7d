package change

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// stepClock returns a physical clock that walks through the given readings
// (milliseconds) and then stays on the last one.
func stepClock(ms ...int64) func() time.Time {
	i := 0
	return func() time.Time {
		v := ms[min(i, len(ms)-1)]
		i++
		return time.UnixMilli(v)
	}
}

func TestClockMonotonic(t *testing.T) {
	tests := []struct {
		name string
		ms   []int64
	}{
		{"forward", []int64{100, 200, 300}},
		{"stalled", []int64{100, 100, 100, 100}},
		{"backwards", []int64{1000, 900, 500, 10, 1200, 1100}},
		{"jump back by hours", []int64{10_000_000, 1, 2, 3}},
	}
	for _, tt := range tests {
		c := NewClock(stepClock(tt.ms...), Time{})
		prev := Time{}
		for i := range tt.ms {
			now := c.Now()
			if now.Compare(prev) <= 0 {
				t.Fatalf("%s: reading %d = %v; not after %v", tt.name, i, now, prev)
			}
			prev = now
		}
	}
}

func TestClockResumesAfterPersistedReading(t *testing.T) {
	last := Time{Wall: 5000, Logical: 7}
	c := NewClock(stepClock(10), last) // machine clock far behind what was stored
	if got := c.Now(); got.Compare(last) <= 0 {
		t.Fatalf("Now() = %v; want after persisted %v", got, last)
	}
}

func TestClockObserve(t *testing.T) {
	c := NewClock(stepClock(1000), Time{})
	skew := c.Observe(Time{Wall: 61_000, Logical: 3})
	if skew != 60*time.Second {
		t.Errorf("Observe skew = %v; want 60s", skew)
	}
	if got := c.Now(); got.Compare(Time{Wall: 61_000, Logical: 3}) <= 0 {
		t.Errorf("Now() after Observe = %v; want after remote reading", got)
	}
	if skew := c.Observe(Time{Wall: 10}); skew != 0 {
		t.Errorf("Observe(old) skew = %v; want 0", skew)
	}
}

func TestOpIDText(t *testing.T) {
	id := OpID{Device: "a1b2", Seq: 42}
	b, err := json.Marshal(id)
	if err != nil || string(b) != `"a1b2:42"` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var back OpID
	if err := json.Unmarshal(b, &back); err != nil || back != id {
		t.Fatalf("Unmarshal = %v, %v", back, err)
	}
	for _, bad := range []string{"", "x", ":1", "a:", "a:0", "a:-1", "a:b"} {
		if _, err := ParseOpID(bad); !errors.Is(err, ErrMalformed) {
			t.Errorf("ParseOpID(%q) = %v; want ErrMalformed", bad, err)
		}
	}
}

func TestOpValidateAndDecode(t *testing.T) {
	good := Op{ID: OpID{"d", 1}, Entity: "e", Field: "title", Value: json.RawMessage(`"x"`)}
	tests := []struct {
		name string
		mut  func(*Op)
		ok   bool
	}{
		{"ok", func(*Op) {}, true},
		{"no id", func(o *Op) { o.ID = OpID{} }, false},
		{"no entity", func(o *Op) { o.Entity = "" }, false},
		{"no field", func(o *Op) { o.Field = "" }, false},
		{"empty value", func(o *Op) { o.Value = nil }, false},
		{"bad json", func(o *Op) { o.Value = json.RawMessage(`{`) }, false},
		{"self supersede", func(o *Op) { o.Supersedes = []OpID{o.ID} }, false},
	}
	for _, tt := range tests {
		o := good
		tt.mut(&o)
		err := o.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("%s: Validate() = %v; want ok=%v", tt.name, err, tt.ok)
		}
	}
	back, err := DecodeOp(good.Encode())
	if err != nil || !reflect.DeepEqual(back, good) {
		t.Fatalf("DecodeOp(Encode()) = %+v, %v", back, err)
	}
	if _, err := DecodeOp([]byte(`{"id":"d:1"`)); !errors.Is(err, ErrMalformed) {
		t.Errorf("DecodeOp(truncated) = %v; want ErrMalformed", err)
	}
}

// op is a test helper building an op on entity "e".
func op(dev string, seq uint64, wall int64, field, val string, sup ...OpID) Op {
	return Op{ID: OpID{dev, seq}, At: Time{Wall: wall}, Author: dev, Entity: "e", Field: field,
		Value: json.RawMessage(val), Supersedes: sup}
}

func id(dev string, seq uint64) OpID { return OpID{dev, seq} }

func values(r Register) []string {
	var out []string
	for _, v := range r.Values {
		out = append(out, string(v.Value))
	}
	return out
}

func TestRegisterSemantics(t *testing.T) {
	tests := []struct {
		name     string
		ops      []Op
		want     []string // surviving values, in display order
		conflict bool
	}{
		{"single write", []Op{op("a", 1, 10, "f", `"x"`)}, []string{`"x"`}, false},
		{"supersede", []Op{op("a", 1, 10, "f", `"x"`), op("a", 2, 20, "f", `"y"`, id("a", 1))}, []string{`"y"`}, false},
		{"concurrent", []Op{
			op("a", 1, 10, "f", `"x"`),
			op("a", 2, 20, "f", `"from a"`, id("a", 1)),
			op("b", 1, 15, "f", `"from b"`, id("a", 1)),
		}, []string{`"from b"`, `"from a"`}, true},
		{"concurrent identical", []Op{
			op("a", 1, 10, "f", `"x"`),
			op("a", 2, 20, "f", `"same"`, id("a", 1)),
			op("b", 1, 30, "f", `"same"`, id("a", 1)),
		}, []string{`"same"`, `"same"`}, false},
		{"resolve", []Op{
			op("a", 1, 10, "f", `"x"`),
			op("a", 2, 20, "f", `"from a"`, id("a", 1)),
			op("b", 1, 15, "f", `"from b"`, id("a", 1)),
			op("a", 3, 40, "f", `"merged"`, id("a", 2), id("b", 1)),
		}, []string{`"merged"`}, false},
		{"superseder arrives first", []Op{
			op("b", 1, 20, "f", `"new"`, id("a", 1)),
			op("a", 1, 10, "f", `"old"`),
		}, []string{`"new"`}, false},
		{"later clock loses nothing", []Op{ // a's clock is far ahead; b's later edit still supersedes
			op("a", 1, 9_000_000, "f", `"a"`),
			op("b", 1, 10, "f", `"b"`, id("a", 1)),
		}, []string{`"b"`}, false},
	}
	for _, tt := range tests {
		s := NewState()
		for _, o := range tt.ops {
			if _, err := s.Apply(o); err != nil {
				t.Fatalf("%s: Apply(%s) = %v", tt.name, o.ID, err)
			}
		}
		reg := s.Entities["e"].Get("f")
		if got := values(reg); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: values = %v; want %v", tt.name, got, tt.want)
		}
		if got := reg.Conflict(); got != tt.conflict {
			t.Errorf("%s: Conflict() = %v; want %v", tt.name, got, tt.conflict)
		}
	}
}

func TestApplyIdempotentAndGaps(t *testing.T) {
	s := NewState()
	o1 := op("a", 1, 10, "f", `"x"`)
	if ok, err := s.Apply(o1); !ok || err != nil {
		t.Fatalf("first Apply = %v, %v", ok, err)
	}
	if ok, err := s.Apply(o1); ok || err != nil {
		t.Fatalf("duplicate Apply = %v, %v; want false, nil", ok, err)
	}
	if _, err := s.Apply(op("a", 3, 30, "f", `"z"`)); !errors.Is(err, ErrGap) {
		t.Fatalf("Apply with gap = %v; want ErrGap", err)
	}
	if got := values(s.Entities["e"].Get("f")); !reflect.DeepEqual(got, []string{`"x"`}) {
		t.Fatalf("after duplicate and gap: %v", got)
	}
}

func deleteOp(dev string, seq uint64, wall int64, seen ...OpID) Op {
	v, _ := json.Marshal(DeleteValue{Deleted: true, Seen: seen})
	return Op{ID: OpID{dev, seq}, At: Time{Wall: wall}, Author: dev, Entity: "e", Field: FieldDeleted, Value: v}
}

func TestDeleteAgainstEdit(t *testing.T) {
	create := []Op{op("a", 1, 10, FieldType, `"item"`), op("a", 2, 11, "title", `"入退館"`)}
	tests := []struct {
		name string
		ops  []Op
		want Status
	}{
		{"no delete", nil, Alive},
		{"delete after seeing all", []Op{deleteOp("a", 3, 20, id("a", 1), id("a", 2))}, Deleted},
		{"concurrent edit wins", []Op{
			deleteOp("a", 3, 20, id("a", 1), id("a", 2)),
			op("b", 1, 15, "title", `"入退館管理"`, id("a", 2)),
		}, RestoredByEdit},
		{"concurrent edit wins, other order", []Op{
			op("b", 1, 15, "title", `"入退館管理"`, id("a", 2)),
			deleteOp("a", 3, 20, id("a", 1), id("a", 2)),
		}, RestoredByEdit},
		{"edit seen by delete", []Op{
			op("b", 1, 15, "title", `"入退館管理"`, id("a", 2)),
			deleteOp("a", 3, 20, id("a", 1), id("b", 1)),
		}, Deleted},
		{"restore", []Op{
			deleteOp("a", 3, 20, id("a", 1), id("a", 2)),
			{ID: id("a", 4), At: Time{Wall: 30}, Entity: "e", Field: FieldDeleted, Value: json.RawMessage(`{"deleted":false}`), Supersedes: []OpID{id("a", 3)}},
		}, Alive},
	}
	for _, tt := range tests {
		s := NewState()
		for _, o := range append(append([]Op{}, create...), tt.ops...) {
			if _, err := s.Apply(o); err != nil {
				t.Fatalf("%s: Apply(%s) = %v", tt.name, o.ID, err)
			}
		}
		if got := s.Entities["e"].Status(); got != tt.want {
			t.Errorf("%s: Status() = %v; want %v", tt.name, got, tt.want)
		}
	}
}

// TestMergeOrderIndependent applies the same three-device history in many
// interleavings (each device's ops in order) and expects one state.
func TestMergeOrderIndependent(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	logs := map[string][]Op{}
	heads := map[string][]OpID{} // what each device currently sees per field, simplified: shared base
	seq := map[string]uint64{}
	devices := []string{"a", "b", "c"}
	for i := range 60 {
		d := devices[rng.IntN(3)]
		seq[d]++
		f := fmt.Sprintf("f%d", rng.IntN(4))
		o := Op{ID: OpID{d, seq[d]}, At: Time{Wall: int64(rng.IntN(1000))}, Author: d,
			Entity: fmt.Sprintf("e%d", rng.IntN(3)), Field: f, Value: json.RawMessage(fmt.Sprintf(`%d`, i))}
		// Supersede a random subset of earlier ops of this device on the same field.
		for _, h := range heads[d+f] {
			if rng.IntN(2) == 0 {
				o.Supersedes = append(o.Supersedes, h)
			}
		}
		heads[d+f] = append(heads[d+f], o.ID)
		logs[d] = append(logs[d], o)
	}
	var want *State
	for trial := range 50 {
		s := NewState()
		pos := map[string]int{}
		for remaining := 60; remaining > 0; {
			d := devices[rng.IntN(3)]
			if pos[d] >= len(logs[d]) {
				continue
			}
			if _, err := s.Apply(logs[d][pos[d]]); err != nil {
				t.Fatal(err)
			}
			pos[d]++
			remaining--
		}
		if want == nil {
			want = s
			continue
		}
		if !reflect.DeepEqual(normalise(s), normalise(want)) {
			t.Fatalf("trial %d: state differs by merge order", trial)
		}
	}
}

// normalise drops bookkeeping that may legitimately differ by order.
func normalise(s *State) map[string]map[string][]string {
	out := map[string]map[string][]string{}
	for id, e := range s.Entities {
		out[id] = map[string][]string{}
		for f, r := range e.Fields {
			for _, v := range r.Values {
				out[id][f] = append(out[id][f], v.Op.String()+"="+string(v.Value))
			}
		}
	}
	return out
}

func TestEntityHeadsAndConflicts(t *testing.T) {
	s := NewState()
	for _, o := range []Op{
		op("a", 1, 10, "title", `"x"`),
		op("a", 2, 11, "rating", `"conform"`),
		op("b", 1, 12, "rating", `"partial"`),
	} {
		if _, err := s.Apply(o); err != nil {
			t.Fatal(err)
		}
	}
	e := s.Entities["e"]
	if got, want := e.Heads(), []OpID{id("a", 1), id("a", 2), id("b", 1)}; !reflect.DeepEqual(got, want) {
		t.Errorf("Heads() = %v; want %v", got, want)
	}
	if got := e.Conflicts(); !reflect.DeepEqual(got, []string{"rating"}) {
		t.Errorf("Conflicts() = %v; want [rating]", got)
	}
	if got := e.String("rating"); got != "partial" {
		t.Errorf("String(rating) = %q; want the later value partial", got)
	}
}

func TestEntityBinaryRoundTrip(t *testing.T) {
	s := NewState()
	for _, o := range []Op{
		op("a", 1, 10, FieldType, `"item"`),
		op("a", 2, 11, "title", `"入退館"`),
		op("b", 1, 12, "title", `"入退館管理"`, id("a", 1)),
		op("c", 1, 13, "rating", `"conform"`, id("z", 9)), // leaves an early supersede
	} {
		if _, err := s.Apply(o); err != nil {
			t.Fatal(err)
		}
	}
	e := s.Entities["e"]
	b, err := e.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Entity
	if err := back.UnmarshalBinary(b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(normalise(&State{Entities: map[string]*Entity{"e": &back}}), normalise(s)) || !reflect.DeepEqual(back.Early, e.Early) {
		t.Fatalf("round trip lost data: %+v", back)
	}
	b2, _ := back.MarshalBinary()
	if !reflect.DeepEqual(b, b2) {
		t.Fatal("encoding is not deterministic")
	}
	// Every truncation and a wrong version are refused, never a panic.
	for i := range len(b) {
		var x Entity
		if err := x.UnmarshalBinary(b[:i]); !errors.Is(err, ErrBadEncoding) {
			t.Fatalf("truncated at %d: %v", i, err)
		}
	}
	if err := (&Entity{}).UnmarshalBinary(append([]byte{9}, b[1:]...)); !errors.Is(err, ErrBadEncoding) {
		t.Fatalf("wrong version: %v", err)
	}
	if err := (&Entity{}).UnmarshalBinary(append(b, 0)); !errors.Is(err, ErrBadEncoding) {
		t.Fatalf("trailing byte: %v", err)
	}
}

func FuzzEntityUnmarshal(f *testing.F) {
	e := NewEntity("x")
	e.Apply(op("a", 1, 1, "f", `"v"`), func(OpID) bool { return false })
	b, _ := e.MarshalBinary()
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		var x Entity
		if x.UnmarshalBinary(data) == nil {
			if _, err := x.MarshalBinary(); err != nil {
				t.Fatal(err)
			}
		}
	})
}
