package vault

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// sealStream encrypts plain as a stream, with a counting reader starting at
// 0x40 as randomness.
func sealStream(t testing.TB, key, aad, plain []byte) []byte {
	t.Helper()
	return sealStreamRand(t, key, aad, plain, &countingReader{next: 0x40})
}

func sealStreamRand(t testing.TB, key, aad, plain []byte, r io.Reader) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewStreamWriter(&buf, key, aad, r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(plain); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func openStream(stream, key, aad []byte) ([]byte, error) {
	return io.ReadAll(NewStreamReader(bytes.NewReader(stream), key, aad))
}

// streamLen is the encrypted size of a plaintext of n bytes.
func streamLen(n int) int {
	chunks := (n + ChunkSize - 1) / ChunkSize
	if chunks == 0 {
		chunks = 1
	}
	return StreamHeaderSize + n + chunks*16
}

var streamSizes = []int{0, 1, ChunkSize - 1, ChunkSize, ChunkSize + 1, 3*ChunkSize + 5}

func TestStreamRoundTrip(t *testing.T) {
	key, aad := testKey(), []byte("evidence/photo-12")
	for _, n := range streamSizes {
		plain := pattern(n)
		stream := sealStream(t, key, aad, plain)
		if len(stream) != streamLen(n) {
			t.Errorf("size %d: stream is %d bytes, want %d", n, len(stream), streamLen(n))
		}
		got, err := openStream(stream, key, aad)
		if err != nil {
			t.Errorf("size %d: %v", n, err)
			continue
		}
		if !bytes.Equal(got, plain) {
			t.Errorf("size %d: round trip differs", n)
		}
	}
}

func TestStreamEmptyHasFinalChunk(t *testing.T) {
	stream := sealStream(t, testKey(), nil, nil)
	if len(stream) != StreamHeaderSize+16 {
		t.Fatalf("empty stream is %d bytes, want header + one empty chunk (%d)", len(stream), StreamHeaderSize+16)
	}
	if _, err := openStream(stream[:StreamHeaderSize], testKey(), nil); !errors.Is(err, ErrDamaged) {
		t.Errorf("header without final chunk: err = %v, want ErrDamaged", err)
	}
}

// TestStreamWriteSplits checks that the output does not depend on how the
// plaintext is split across Write calls.
func TestStreamWriteSplits(t *testing.T) {
	key, aad := testKey(), []byte("a")
	plain := pattern(3*ChunkSize + 5)
	want := sealStream(t, key, aad, plain)
	for _, step := range []int{1, 7, 4096, ChunkSize - 1, ChunkSize, ChunkSize + 3} {
		if step == 1 && testing.Short() {
			continue
		}
		var buf bytes.Buffer
		w, err := NewStreamWriter(&buf, key, aad, &countingReader{next: 0x40})
		if err != nil {
			t.Fatal(err)
		}
		for p := plain; len(p) > 0; {
			k := min(step, len(p))
			n, err := w.Write(p[:k])
			if err != nil || n != k {
				t.Fatalf("step %d: Write = %d, %v", step, n, err)
			}
			p = p[k:]
		}
		if _, err := w.Write(nil); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(buf.Bytes(), want) {
			t.Errorf("step %d: output differs from a single Write", step)
		}
	}
}

func TestStreamReaderBehaviour(t *testing.T) {
	key, aad := testKey(), []byte("r")
	for _, n := range streamSizes {
		plain := pattern(n)
		stream := sealStream(t, key, aad, plain)
		// Source delivering one byte at a time.
		r := NewStreamReader(iotest.OneByteReader(bytes.NewReader(stream)), key, aad)
		if err := iotest.TestReader(r, plain); err != nil {
			t.Errorf("size %d: %v", n, err)
		}
		// Source that returns data together with io.EOF.
		r = NewStreamReader(iotest.DataErrReader(bytes.NewReader(stream)), key, aad)
		if got, err := io.ReadAll(r); err != nil || !bytes.Equal(got, plain) {
			t.Errorf("size %d, DataErrReader: %v", n, err)
		}
	}
}

func TestStreamReaderEOFIsSticky(t *testing.T) {
	stream := sealStream(t, testKey(), nil, []byte("abc"))
	r := NewStreamReader(bytes.NewReader(stream), testKey(), nil)
	if _, err := io.ReadAll(r); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if n, err := r.Read(make([]byte, 10)); n != 0 || err != io.EOF {
			t.Fatalf("Read after end = %d, %v; want 0, io.EOF", n, err)
		}
	}
}

func TestStreamTamper(t *testing.T) {
	key, aad := testKey(), []byte("evidence/audio-3")
	plain := pattern(3*ChunkSize + 5) // chunks 0..2 full, chunk 3 final with 5 bytes
	stream := sealStream(t, key, aad, plain)
	const hdr = StreamHeaderSize
	const enc = ChunkSize + 16
	chunk := func(i int) []byte { return stream[hdr+i*enc : min(hdr+(i+1)*enc, len(stream))] }
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	other := sealStreamRand(t, key, aad, pattern(100), nil)

	// Full-chunk streams for trailing-data and boundary cases.
	exact := sealStream(t, key, aad, pattern(2*ChunkSize))

	cases := []struct {
		name          string
		stream        []byte
		key, aad      []byte
		wantTruncated bool
	}{
		{name: "flip magic", stream: flipBit(stream, 0, 0)},
		{name: "flip last magic byte", stream: flipBit(stream, 3, 7)},
		{name: "flip nonce prefix", stream: flipBit(stream, 4, 0)},
		{name: "flip nonce prefix end", stream: flipBit(stream, hdr-1, 3)},
		{name: "flip first chunk start", stream: flipBit(stream, hdr, 0)},
		{name: "flip first chunk middle", stream: flipBit(stream, hdr+ChunkSize/2, 5)},
		{name: "flip first chunk tag", stream: flipBit(stream, hdr+enc-1, 7)},
		{name: "flip middle chunk", stream: flipBit(stream, hdr+enc+100, 1)},
		{name: "flip final chunk", stream: flipBit(stream, len(stream)-20, 2)},
		{name: "flip final tag", stream: flipBit(stream, len(stream)-1, 0)},

		{name: "empty input", stream: nil, wantTruncated: true},
		{name: "truncated in magic", stream: stream[:3], wantTruncated: true},
		{name: "truncated in header", stream: stream[:hdr-1], wantTruncated: true},
		{name: "header only", stream: stream[:hdr], wantTruncated: true},
		{name: "truncated one byte into chunk", stream: stream[:hdr+1], wantTruncated: true},
		{name: "truncated inside first chunk", stream: stream[:hdr+ChunkSize/2], wantTruncated: true},
		{name: "truncated before first tag ends", stream: stream[:hdr+enc-1], wantTruncated: true},
		{name: "truncated at chunk boundary 1", stream: stream[:hdr+enc], wantTruncated: true},
		{name: "truncated at chunk boundary 2", stream: stream[:hdr+2*enc], wantTruncated: true},
		{name: "final chunk dropped", stream: stream[:hdr+3*enc], wantTruncated: true},
		{name: "truncated inside final chunk", stream: stream[:len(stream)-1], wantTruncated: true},
		{name: "final tag cut short", stream: stream[:len(stream)-10], wantTruncated: true},
		{name: "exact multiple: final chunk dropped", stream: exact[:hdr+enc], wantTruncated: true},

		{name: "swap chunks 0 and 1", stream: join(stream[:hdr], chunk(1), chunk(0), chunk(2), chunk(3))},
		{name: "swap chunks 1 and 2", stream: join(stream[:hdr], chunk(0), chunk(2), chunk(1), chunk(3))},
		{name: "drop middle chunk", stream: join(stream[:hdr], chunk(0), chunk(2), chunk(3))},
		{name: "duplicate chunk", stream: join(stream[:hdr], chunk(0), chunk(0), chunk(1), chunk(2), chunk(3))},
		{name: "final chunk moved earlier", stream: join(stream[:hdr], chunk(0), chunk(3))},

		{name: "one trailing byte", stream: join(stream, []byte{0})},
		{name: "trailing tag-sized garbage", stream: join(stream, make([]byte, 16))},
		{name: "trailing byte after full final chunk", stream: join(exact, []byte{0})},
		{name: "trailing copy of final chunk", stream: join(exact, exact[hdr+enc:])},
		{name: "two streams concatenated", stream: join(stream, stream)},
		{name: "header of another stream", stream: join(other[:hdr], stream[hdr:])},

		{name: "wrong aad", stream: stream, aad: []byte("evidence/audio-4")},
		{name: "empty aad", stream: stream, aad: []byte{}},
		{name: "wrong key", stream: stream, key: otherKey()},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k, a := key, aad
			if tc.key != nil {
				k = tc.key
			}
			if tc.aad != nil {
				a = tc.aad
			}
			_, err := openStream(tc.stream, k, a)
			if !errors.Is(err, ErrDamaged) {
				t.Fatalf("err = %v, want ErrDamaged", err)
			}
			if tc.wantTruncated && !strings.Contains(err.Error(), "truncated") {
				t.Errorf("err = %q, want it to say truncated", err)
			}
		})
	}
}

// TestStreamTruncatedEverywhere cuts a small multi-chunk stream at many
// offsets: every proper prefix must fail, none may end in a clean io.EOF.
func TestStreamTruncatedEverywhere(t *testing.T) {
	key := testKey()
	stream := sealStream(t, key, nil, pattern(2*ChunkSize+3))
	step := 997
	if testing.Short() {
		step = 9973
	}
	cuts := []int{0, 1, StreamHeaderSize, StreamHeaderSize + ChunkSize + 16, len(stream) - 1}
	for n := 0; n < len(stream); n += step {
		cuts = append(cuts, n)
	}
	for _, n := range cuts {
		_, err := openStream(stream[:n], key, nil)
		if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "truncated") {
			t.Fatalf("cut at %d of %d: err = %v, want truncated ErrDamaged", n, len(stream), err)
		}
	}
}

func TestStreamErrorIsSticky(t *testing.T) {
	stream := sealStream(t, testKey(), nil, pattern(ChunkSize+1))
	r := NewStreamReader(bytes.NewReader(flipBit(stream, StreamHeaderSize+1, 0)), testKey(), nil)
	_, err1 := r.Read(make([]byte, 10))
	_, err2 := r.Read(make([]byte, 10))
	if !errors.Is(err1, ErrDamaged) || err2 != err1 {
		t.Errorf("errors %v then %v, want the same ErrDamaged twice", err1, err2)
	}
}

func TestStreamNoPlaintextBeforeAuthentication(t *testing.T) {
	// A damaged first chunk must not yield any bytes.
	stream := sealStream(t, testKey(), nil, pattern(ChunkSize+1))
	r := NewStreamReader(bytes.NewReader(flipBit(stream, StreamHeaderSize+5, 0)), testKey(), nil)
	n, err := r.Read(make([]byte, ChunkSize))
	if n != 0 || !errors.Is(err, ErrDamaged) {
		t.Errorf("Read = %d, %v; want 0, ErrDamaged", n, err)
	}
}

func TestStreamIOErrorsPassThrough(t *testing.T) {
	boom := errors.New("disk on fire")
	stream := sealStream(t, testKey(), nil, pattern(2*ChunkSize))
	for _, n := range []int{0, 5, StreamHeaderSize, StreamHeaderSize + 100} {
		src := io.MultiReader(bytes.NewReader(stream[:n]), iotest.ErrReader(boom))
		_, err := io.ReadAll(NewStreamReader(src, testKey(), nil))
		if !errors.Is(err, boom) || errors.Is(err, ErrDamaged) {
			t.Errorf("cut at %d: err = %v, want %v and not ErrDamaged", n, err, boom)
		}
	}
}

func TestStreamBadKey(t *testing.T) {
	if _, err := NewStreamWriter(io.Discard, make([]byte, 16), nil, nil); err == nil {
		t.Error("NewStreamWriter accepted a 16-byte key")
	}
	_, err := NewStreamReader(bytes.NewReader(nil), make([]byte, 16), nil).Read(make([]byte, 1))
	if err == nil || errors.Is(err, ErrDamaged) || err == io.EOF {
		t.Errorf("reader with 16-byte key: err = %v, want a key error", err)
	}
}

type failWriter struct {
	n   int // writes allowed
	err error
}

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n == 0 {
		return 0, w.err
	}
	w.n--
	return len(p), nil
}

func TestStreamWriterErrors(t *testing.T) {
	boom := errors.New("disk full")

	if _, err := NewStreamWriter(&failWriter{err: boom}, testKey(), nil, nil); !errors.Is(err, boom) {
		t.Errorf("header write: err = %v, want %v", err, boom)
	}
	if _, err := NewStreamWriter(io.Discard, testKey(), nil, iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("random reader: err = %v, want %v", err, boom)
	}

	// Header succeeds, first chunk write fails; the error sticks.
	w, err := NewStreamWriter(&failWriter{n: 1, err: boom}, testKey(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(pattern(ChunkSize + 1)); !errors.Is(err, boom) {
		t.Errorf("chunk write: err = %v, want %v", err, boom)
	}
	if _, err := w.Write([]byte("x")); !errors.Is(err, boom) {
		t.Errorf("write after failure: err = %v, want %v", err, boom)
	}
	if err := w.Close(); !errors.Is(err, boom) {
		t.Errorf("close after failure: err = %v, want %v", err, boom)
	}

	// Final chunk write fails in Close.
	w, err = NewStreamWriter(&failWriter{n: 1, err: boom}, testKey(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("x")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); !errors.Is(err, boom) {
		t.Errorf("final chunk write: err = %v, want %v", err, boom)
	}
}

func TestStreamWriterAfterClose(t *testing.T) {
	w, err := NewStreamWriter(io.Discard, testKey(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("late")); err == nil {
		t.Error("Write after Close succeeded")
	}
	if err := w.Close(); err == nil {
		t.Error("second Close succeeded")
	}
}

func TestStreamFreshPrefix(t *testing.T) {
	var a, b bytes.Buffer
	for _, buf := range []*bytes.Buffer{&a, &b} {
		w, err := NewStreamWriter(buf, testKey(), nil, nil) // crypto/rand
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("same content"))
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("two streams of the same content are identical")
	}
}
