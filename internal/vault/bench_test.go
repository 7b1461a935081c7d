package vault

import (
	"bytes"
	"io"
	"testing"
)

func BenchmarkUnwrapDefaultKDF(b *testing.B) {
	ks, err := NewKeyslot(testPassphrase, testKey(), DefaultKDF(), nil)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := ks.Unwrap(testPassphrase); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSeal256B(b *testing.B) {
	s, err := NewSealer(testKey(), nil)
	if err != nil {
		b.Fatal(err)
	}
	plain, aad := pattern(256), []byte("record/1")
	b.SetBytes(int64(len(plain)))
	for b.Loop() {
		s.Seal(plain, aad)
	}
}

func BenchmarkOpen256B(b *testing.B) {
	s, err := NewSealer(testKey(), nil)
	if err != nil {
		b.Fatal(err)
	}
	plain, aad := pattern(256), []byte("record/1")
	sealed := s.Seal(plain, aad)
	b.SetBytes(int64(len(plain)))
	for b.Loop() {
		if _, err := s.Open(sealed, aad); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStream1MiB(b *testing.B) {
	key, aad := testKey(), []byte("evidence/1")
	plain := pattern(1 << 20)
	b.Run("write", func(b *testing.B) {
		b.SetBytes(int64(len(plain)))
		for b.Loop() {
			w, err := NewStreamWriter(io.Discard, key, aad, nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := w.Write(plain); err != nil {
				b.Fatal(err)
			}
			if err := w.Close(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read", func(b *testing.B) {
		stream := sealStream(b, key, aad, plain)
		b.SetBytes(int64(len(plain)))
		for b.Loop() {
			r := NewStreamReader(bytes.NewReader(stream), key, aad)
			if _, err := io.Copy(io.Discard, r); err != nil {
				b.Fatal(err)
			}
		}
	})
}
