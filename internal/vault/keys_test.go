package vault

import (
	"bytes"
	"errors"
	"testing"
	"testing/iotest"
)

func TestNewDataKey(t *testing.T) {
	a, err := NewDataKey(nil) // crypto/rand
	if err != nil {
		t.Fatal(err)
	}
	b, err := NewDataKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(a) != KeySize || len(b) != KeySize {
		t.Fatalf("key sizes %d, %d, want %d", len(a), len(b), KeySize)
	}
	if bytes.Equal(a, b) {
		t.Error("two random data keys are equal")
	}

	boom := errors.New("boom")
	if _, err := NewDataKey(iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("failing reader: err = %v, want %v", err, boom)
	}
	if _, err := NewDataKey(bytes.NewReader(make([]byte, KeySize-1))); err == nil {
		t.Error("short reader: no error")
	}
}

func TestDeriveKey(t *testing.T) {
	k := testKey()
	tests := []struct {
		name       string
		a, b       []byte
		wantEquals bool
	}{
		{"same inputs", DeriveKey(k, "records"), DeriveKey(k, "records"), true},
		{"different purpose", DeriveKey(k, "records"), DeriveKey(k, "blobs"), false},
		{"different key", DeriveKey(k, "records"), DeriveKey(otherKey(), "records"), false},
		{"not the data key", DeriveKey(k, "records"), k, false},
		{"empty purpose differs", DeriveKey(k, ""), DeriveKey(k, "records"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.a) != KeySize {
				t.Fatalf("len = %d, want %d", len(tt.a), KeySize)
			}
			if got := bytes.Equal(tt.a, tt.b); got != tt.wantEquals {
				t.Errorf("equal = %v, want %v", got, tt.wantEquals)
			}
		})
	}
}

func TestKeyedHash(t *testing.T) {
	k := testKey()
	h := KeyedHash(k, []byte("data"))
	if len(h) != 64 {
		t.Fatalf("len = %d, want 64 hex digits", len(h))
	}
	if h != KeyedHash(k, []byte("data")) {
		t.Error("not deterministic")
	}
	if h == KeyedHash(otherKey(), []byte("data")) {
		t.Error("same hash under a different key")
	}
	if h == KeyedHash(k, []byte("datb")) {
		t.Error("same hash for different data")
	}
}
