package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/iotest"
)

var testPassphrase = []byte("correct horse battery staple")

func newTestKeyslot(t testing.TB) *Keyslot {
	t.Helper()
	ks, err := NewKeyslot(testPassphrase, testKey(), tinyKDF, &countingReader{})
	if err != nil {
		t.Fatal(err)
	}
	return ks
}

// clone deep-copies a keyslot so tests can damage it.
func clone(k *Keyslot) *Keyslot {
	c := *k
	c.Salt = bytes.Clone(k.Salt)
	c.Wrapped = bytes.Clone(k.Wrapped)
	c.Checksum = bytes.Clone(k.Checksum)
	return &c
}

func TestDefaultKDF(t *testing.T) {
	p := DefaultKDF()
	if p != (KDFParams{Time: 1, MemoryKiB: 64 * 1024, Threads: 4}) {
		t.Errorf("DefaultKDF = %+v", p)
	}
	if err := p.Validate(); err != nil {
		t.Errorf("DefaultKDF invalid: %v", err)
	}
}

func TestKDFParamsValidate(t *testing.T) {
	tests := []struct {
		p  KDFParams
		ok bool
	}{
		{tinyKDF, true},
		{DefaultKDF(), true},
		{KDFParams{Time: 1, MemoryKiB: 8, Threads: 1}, true},
		{KDFParams{Time: MaxKDFTime, MemoryKiB: MaxKDFMemoryKiB, Threads: 255}, true},
		{KDFParams{Time: 0, MemoryKiB: 64, Threads: 1}, false},
		{KDFParams{Time: MaxKDFTime + 1, MemoryKiB: 64, Threads: 1}, false},
		{KDFParams{Time: 1, MemoryKiB: 64, Threads: 0}, false},
		{KDFParams{Time: 1, MemoryKiB: MaxKDFMemoryKiB + 1, Threads: 1}, false},
		{KDFParams{Time: 1, MemoryKiB: 1<<32 - 1, Threads: 1}, false},
		{KDFParams{Time: 1, MemoryKiB: 0, Threads: 1}, false},
		{KDFParams{Time: 1, MemoryKiB: 31, Threads: 4}, false},
	}
	for _, tt := range tests {
		if err := tt.p.Validate(); (err == nil) != tt.ok {
			t.Errorf("Validate(%+v) = %v, want ok=%v", tt.p, err, tt.ok)
		}
	}
}

func TestKeyslotUnwrap(t *testing.T) {
	ks := newTestKeyslot(t)
	key, err := ks.Unwrap(testPassphrase)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(key, testKey()) {
		t.Errorf("Unwrap = %x, want %x", key, testKey())
	}

	for _, wrong := range [][]byte{nil, []byte(""), []byte("correct horse battery stapl"), []byte("Correct horse battery staple"), append(bytes.Clone(testPassphrase), 0)} {
		_, err := ks.Unwrap(wrong)
		if !errors.Is(err, ErrWrongPassphrase) || errors.Is(err, ErrDamaged) {
			t.Errorf("Unwrap(%q) err = %v, want ErrWrongPassphrase only", wrong, err)
		}
	}
}

func TestNewKeyslotErrors(t *testing.T) {
	if _, err := NewKeyslot(testPassphrase, make([]byte, 16), tinyKDF, nil); err == nil {
		t.Error("16-byte data key accepted")
	}
	if _, err := NewKeyslot(testPassphrase, testKey(), KDFParams{Time: 1, MemoryKiB: 64}, nil); err == nil {
		t.Error("zero threads accepted")
	}
	boom := errors.New("no entropy")
	if _, err := NewKeyslot(testPassphrase, testKey(), tinyKDF, iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("failing reader: err = %v, want %v", err, boom)
	}
	// Salt read succeeds, nonce read fails.
	short := bytes.NewReader(make([]byte, SaltSize+3))
	if _, err := NewKeyslot(testPassphrase, testKey(), tinyKDF, short); err == nil {
		t.Error("short random reader accepted")
	}
}

func TestKeyslotRandomSalt(t *testing.T) {
	a, err := NewKeyslot(testPassphrase, testKey(), tinyKDF, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewKeyslot(testPassphrase, testKey(), tinyKDF, nil)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Salt, b.Salt) || bytes.Equal(a.Wrapped, b.Wrapped) {
		t.Error("two keyslots share salt or wrapped key")
	}
}

// TestKeyslotBitFlipIsDamage flips every bit of every stored field: the
// result must be ErrDamaged, never ErrWrongPassphrase, whatever passphrase
// is tried.
func TestKeyslotBitFlipIsDamage(t *testing.T) {
	ks := newTestKeyslot(t)
	type mutation struct {
		name string
		mut  func(k *Keyslot)
	}
	var muts []mutation
	for _, f := range []struct {
		name  string
		field func(k *Keyslot) []byte
	}{
		{"salt", func(k *Keyslot) []byte { return k.Salt }},
		{"wrapped", func(k *Keyslot) []byte { return k.Wrapped }},
		{"checksum", func(k *Keyslot) []byte { return k.Checksum }},
	} {
		for i := range len(f.field(ks)) {
			for bit := range 8 {
				muts = append(muts, mutation{fmt.Sprintf("%s byte %d bit %d", f.name, i, bit), func(k *Keyslot) { f.field(k)[i] ^= 1 << bit }})
			}
		}
	}
	for bit := range 32 {
		muts = append(muts,
			mutation{fmt.Sprintf("time bit %d", bit), func(k *Keyslot) { k.KDF.Time ^= 1 << bit }},
			mutation{fmt.Sprintf("memory bit %d", bit), func(k *Keyslot) { k.KDF.MemoryKiB ^= 1 << bit }},
			mutation{fmt.Sprintf("version bit %d", bit), func(k *Keyslot) { k.Version ^= 1 << bit }},
		)
	}
	for bit := range 8 {
		muts = append(muts, mutation{fmt.Sprintf("threads bit %d", bit), func(k *Keyslot) { k.KDF.Threads ^= 1 << bit }})
	}
	muts = append(muts,
		mutation{"salt truncated", func(k *Keyslot) { k.Salt = k.Salt[:SaltSize-1] }},
		mutation{"salt missing", func(k *Keyslot) { k.Salt = nil }},
		mutation{"wrapped extended", func(k *Keyslot) { k.Wrapped = append(k.Wrapped, 0) }},
		mutation{"wrapped truncated", func(k *Keyslot) { k.Wrapped = k.Wrapped[:len(k.Wrapped)-1] }},
		mutation{"checksum missing", func(k *Keyslot) { k.Checksum = nil }},
	)

	for _, m := range muts {
		k := clone(ks)
		m.mut(k)
		for _, pass := range [][]byte{testPassphrase, []byte("wrong")} {
			_, err := k.Unwrap(pass)
			if !errors.Is(err, ErrDamaged) || errors.Is(err, ErrWrongPassphrase) {
				t.Fatalf("%s, passphrase %q: err = %v, want ErrDamaged only", m.name, pass, err)
			}
		}
	}
	if _, err := (*Keyslot)(nil).Unwrap(testPassphrase); !errors.Is(err, ErrDamaged) {
		t.Errorf("nil keyslot: err = %v, want ErrDamaged", err)
	}
}

// TestKeyslotJSONBitFlips flips every bit of the stored JSON. Each result
// must either fail to parse or unwrap with ErrDamaged, or (when the flip
// does not change the content, e.g. letter case of a field name) still
// unwrap to the same key. It must never look like a wrong passphrase.
func TestKeyslotJSONBitFlips(t *testing.T) {
	b, err := newTestKeyslot(t).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	harmless := 0
	for i := range b {
		for bit := range uint(8) {
			k, err := ParseKeyslot(flipBit(b, i, bit))
			if err == nil {
				var key []byte
				key, err = k.Unwrap(testPassphrase)
				if err == nil {
					if !bytes.Equal(key, testKey()) {
						t.Fatalf("byte %d bit %d: unwrapped a different key", i, bit)
					}
					harmless++
					continue
				}
			}
			if !errors.Is(err, ErrDamaged) || errors.Is(err, ErrWrongPassphrase) {
				t.Fatalf("byte %d (%q) bit %d: err = %v, want ErrDamaged", i, b[i], bit, err)
			}
		}
	}
	t.Logf("%d of %d flips were harmless (same content)", harmless, 8*len(b))
}

func TestKeyslotMarshalParse(t *testing.T) {
	ks := newTestKeyslot(t)
	b, err := ks.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := ParseKeyslot(b)
	if err != nil {
		t.Fatal(err)
	}
	key, err := parsed.Unwrap(testPassphrase)
	if err != nil || !bytes.Equal(key, testKey()) {
		t.Fatalf("Unwrap after round trip = %x, %v", key, err)
	}
	// Whitespace does not matter.
	var indented bytes.Buffer
	if err := json.Indent(&indented, b, "", "  "); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseKeyslot(indented.Bytes()); err != nil {
		t.Errorf("indented keyslot: %v", err)
	}
}

// keyslotJSON marshals the test keyslot after applying edit to its
// generic JSON form, optionally recomputing the checksum.
func keyslotJSON(t *testing.T, edit func(m map[string]any), fixSum bool) []byte {
	t.Helper()
	b, err := newTestKeyslot(t).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !fixSum {
		return out
	}
	// Decode leniently into a Keyslot and recompute the checksum, as a
	// hostile file would.
	var k Keyslot
	if err := json.Unmarshal(out, &k); err != nil {
		t.Fatal(err)
	}
	k.Checksum = k.sum()
	out, err = json.Marshal(&k)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestParseKeyslotRejects(t *testing.T) {
	good, err := newTestKeyslot(t).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	kdf := func(t, m, p float64) func(map[string]any) {
		return func(j map[string]any) { j["kdf"] = map[string]any{"t": t, "m": m, "p": p} }
	}
	tests := []struct {
		name string
		in   []byte
		want string // substring of the error, if any
	}{
		{name: "empty", in: nil},
		{name: "garbage", in: []byte("\x00\x01 not json at all")},
		{name: "json null", in: []byte("null")},
		{name: "json array", in: []byte("[1,2,3]")},
		{name: "empty object", in: []byte("{}")},
		{name: "truncated json", in: good[:len(good)/2]},
		{name: "truncated by one", in: good[:len(good)-1]},
		{name: "trailing garbage", in: append(bytes.Clone(good), "x"...)},
		{name: "two objects", in: append(bytes.Clone(good), good...)},
		{name: "huge", in: append(bytes.Clone(good), bytes.Repeat([]byte(" "), maxKeyslotSize)...)},
		{name: "version 0", in: keyslotJSON(t, func(m map[string]any) { m["v"] = 0 }, true), want: "version 0"},
		{name: "negative version", in: keyslotJSON(t, func(m map[string]any) { m["v"] = -1 }, true)},
		{name: "future version", in: keyslotJSON(t, func(m map[string]any) { m["v"] = 2; m["newfield"] = "x" }, false), want: "keyslot version 2 is newer than this Kansa"},
		{name: "version as string", in: keyslotJSON(t, func(m map[string]any) { m["v"] = "1" }, false)},
		{name: "unknown field", in: keyslotJSON(t, func(m map[string]any) { m["extra"] = 1 }, false)},
		{name: "missing salt", in: keyslotJSON(t, func(m map[string]any) { delete(m, "salt") }, true)},
		{name: "salt not base64", in: keyslotJSON(t, func(m map[string]any) { m["salt"] = "!!!!" }, false)},
		{name: "short salt", in: keyslotJSON(t, func(m map[string]any) { m["salt"] = "AAECAw==" }, true)},
		{name: "missing wrapped", in: keyslotJSON(t, func(m map[string]any) { delete(m, "wrapped") }, true)},
		{name: "missing checksum", in: keyslotJSON(t, func(m map[string]any) { delete(m, "sum") }, false)},
		{name: "stale checksum", in: keyslotJSON(t, func(m map[string]any) { m["kdf"].(map[string]any)["t"] = 2 }, false), want: "checksum"},
		// Hostile parameters, with a valid checksum: refused before any
		// key derivation.
		{name: "memory over 4 GiB", in: keyslotJSON(t, kdf(1, MaxKDFMemoryKiB+1, 1), true), want: "unacceptable kdf params"},
		{name: "memory max uint32", in: keyslotJSON(t, kdf(1, 1<<32-1, 1), true), want: "unacceptable kdf params"},
		{name: "memory overflows uint32", in: keyslotJSON(t, kdf(1, 1<<33, 1), false)},
		{name: "time 21", in: keyslotJSON(t, kdf(MaxKDFTime+1, 64, 1), true), want: "unacceptable kdf params"},
		{name: "time huge", in: keyslotJSON(t, kdf(1<<31, 64, 1), true), want: "unacceptable kdf params"},
		{name: "time 0", in: keyslotJSON(t, kdf(0, 64, 1), true), want: "unacceptable kdf params"},
		{name: "threads 0", in: keyslotJSON(t, kdf(1, 64, 0), true), want: "unacceptable kdf params"},
		{name: "threads 256", in: keyslotJSON(t, kdf(1, 64, 256), false)},
		{name: "negative memory", in: keyslotJSON(t, kdf(1, -1, 1), false)},
		{name: "memory below 8 KiB per thread", in: keyslotJSON(t, kdf(1, 8, 4), true), want: "unacceptable kdf params"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := ParseKeyslot(tt.in)
			if !errors.Is(err, ErrDamaged) {
				t.Fatalf("ParseKeyslot = %+v, %v; want ErrDamaged", k, err)
			}
			if k != nil {
				t.Errorf("ParseKeyslot returned a keyslot with an error")
			}
			if tt.want != "" && !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestKeyslotForgedParams: an attacker who edits the parameters and fixes
// the checksum gets a keyslot that parses but that no passphrase opens,
// because the parameters are bound to the wrapped key.
func TestKeyslotForgedParams(t *testing.T) {
	b := keyslotJSON(t, func(m map[string]any) {
		m["kdf"] = map[string]any{"t": 2, "m": 64, "p": 1}
	}, true)
	k, err := ParseKeyslot(b)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := k.Unwrap(testPassphrase); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("err = %v, want ErrWrongPassphrase", err)
	}
}

func TestKeyslotRewrap(t *testing.T) {
	ks := newTestKeyslot(t)
	newPass := []byte("a much better passphrase")
	newParams := KDFParams{Time: 2, MemoryKiB: 128, Threads: 2}

	re, err := ks.Rewrap(testPassphrase, newPass, newParams, &countingReader{next: 0x77})
	if err != nil {
		t.Fatal(err)
	}
	if re.KDF != newParams {
		t.Errorf("rewrapped params = %+v, want %+v", re.KDF, newParams)
	}
	if bytes.Equal(re.Salt, ks.Salt) {
		t.Error("rewrap reused the salt")
	}
	key, err := re.Unwrap(newPass)
	if err != nil || !bytes.Equal(key, testKey()) {
		t.Fatalf("new passphrase: %x, %v", key, err)
	}
	if _, err := re.Unwrap(testPassphrase); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("old passphrase on rewrapped slot: err = %v, want ErrWrongPassphrase", err)
	}
	// The original slot is untouched.
	if key, err := ks.Unwrap(testPassphrase); err != nil || !bytes.Equal(key, testKey()) {
		t.Errorf("original slot after rewrap: %x, %v", key, err)
	}

	// Rewrap with the wrong old passphrase fails and says so.
	if _, err := ks.Rewrap([]byte("guess"), newPass, newParams, nil); !errors.Is(err, ErrWrongPassphrase) {
		t.Errorf("wrong old passphrase: err = %v, want ErrWrongPassphrase", err)
	}
	// Rewrap of a damaged slot is damage.
	bad := clone(ks)
	bad.Salt[0] ^= 1
	if _, err := bad.Rewrap(testPassphrase, newPass, newParams, nil); !errors.Is(err, ErrDamaged) {
		t.Errorf("damaged slot: err = %v, want ErrDamaged", err)
	}
	// Rewrap with invalid new params fails.
	if _, err := ks.Rewrap(testPassphrase, newPass, KDFParams{}, nil); err == nil {
		t.Error("rewrap with zero params succeeded")
	}
}
