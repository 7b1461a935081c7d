package vault

import (
	"crypto/cipher"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/chacha20poly1305"
)

const (
	// ChunkSize is the plaintext size of every stream chunk except the last.
	ChunkSize = 64 * 1024

	// StreamHeaderSize is the size of the stream header: magic and nonce
	// prefix.
	StreamHeaderSize = len(StreamMagic) + streamPrefixSize

	// StreamMagic opens every stream.
	StreamMagic      = "KNS1"
	streamPrefixSize = 16
	encChunkSize     = ChunkSize + chacha20poly1305.Overhead
)

var errStreamClosed = errors.New("vault: stream writer is closed")

// streamState holds what writer and reader share: the AEAD, the nonce
// and the per-chunk associated data, both updated in place.
type streamState struct {
	aead    cipher.AEAD
	nonce   [chacha20poly1305.NonceSizeX]byte // prefix || counter
	aad     []byte                            // caller aad || counter || final flag
	counter uint64
}

func newStreamState(key, aad []byte) (*streamState, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("vault: stream key is %d bytes, want %d", len(key), KeySize)
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	s := &streamState{aead: aead, aad: make([]byte, len(aad)+9)}
	copy(s.aad, aad)
	return s, nil
}

// set fills in the nonce and associated data for the current chunk.
func (s *streamState) set(final bool) {
	binary.BigEndian.PutUint64(s.nonce[streamPrefixSize:], s.counter)
	n := len(s.aad) - 9
	binary.BigEndian.PutUint64(s.aad[n:], s.counter)
	s.aad[n+8] = 0
	if final {
		s.aad[n+8] = 1
	}
}

// open tries to authenticate and decrypt ct as the current chunk into dst,
// without disturbing ct.
func (s *streamState) open(dst, ct []byte, final bool) ([]byte, bool) {
	s.set(final)
	pt, err := s.aead.Open(dst[:0], s.nonce[:], ct, s.aad)
	return pt, err == nil
}

// NewStreamWriter returns a writer that encrypts everything written to it
// into w as a chunked stream (see the package documentation) bound to aad.
// The header is written immediately, with a nonce prefix read from r
// (crypto/rand.Reader when r is nil).
//
// Close must be called to write the final chunk; without it the stream is
// reported as truncated when read. Close does not close w.
func NewStreamWriter(w io.Writer, key, aad []byte, r io.Reader) (io.WriteCloser, error) {
	st, err := newStreamState(key, aad)
	if err != nil {
		return nil, err
	}
	hdr := make([]byte, StreamHeaderSize)
	copy(hdr, StreamMagic)
	if _, err := io.ReadFull(randOrDefault(r), hdr[len(StreamMagic):]); err != nil {
		return nil, fmt.Errorf("vault: read random nonce prefix: %w", err)
	}
	copy(st.nonce[:], hdr[len(StreamMagic):])
	if _, err := w.Write(hdr); err != nil {
		return nil, fmt.Errorf("vault: write stream header: %w", err)
	}
	return &streamWriter{
		st:  st,
		w:   w,
		buf: make([]byte, 0, encChunkSize),
	}, nil
}

type streamWriter struct {
	st  *streamState
	w   io.Writer
	buf []byte // plaintext of the pending chunk; capacity encChunkSize so it seals in place
	err error  // sticky: a failed write or Close ends the stream
}

// Write buffers p, writing every full chunk once it is known not to be the
// last one.
func (sw *streamWriter) Write(p []byte) (int, error) {
	if sw.err != nil {
		return 0, sw.err
	}
	n := 0
	for len(p) > 0 {
		if len(sw.buf) == ChunkSize {
			// More data follows, so the buffered chunk is not the final one.
			if err := sw.flush(false); err != nil {
				sw.err = err
				return n, err
			}
		}
		k := copy(sw.buf[len(sw.buf):ChunkSize], p)
		sw.buf = sw.buf[:len(sw.buf)+k]
		p = p[k:]
		n += k
	}
	return n, nil
}

// Close writes the buffered data as the final chunk. It does not close the
// underlying writer. Calling Close again, or Write after Close, returns an
// error.
func (sw *streamWriter) Close() error {
	if sw.err != nil {
		return sw.err
	}
	err := sw.flush(true)
	sw.err = errStreamClosed
	return err
}

func (sw *streamWriter) flush(final bool) error {
	if sw.st.counter == ^uint64(0) {
		return errors.New("vault: stream too long")
	}
	sw.st.set(final)
	ct := sw.st.aead.Seal(sw.buf[:0], sw.st.nonce[:], sw.buf, sw.st.aad)
	if _, err := sw.w.Write(ct); err != nil {
		return fmt.Errorf("vault: write stream chunk %d: %w", sw.st.counter, err)
	}
	sw.st.counter++
	sw.buf = sw.buf[:0]
	return nil
}

// NewStreamReader returns a reader that decrypts and authenticates a stream
// written by NewStreamWriter with the same key and aad.
//
// Read returns only authenticated plaintext, and returns io.EOF only after
// the final chunk has been authenticated. Damage or tampering gives an error
// wrapping ErrDamaged; a stream that ends before its final chunk gives an
// error wrapping ErrDamaged that says "truncated". Errors from r other than
// io.EOF are returned as they are. Plaintext of earlier chunks is delivered
// before later chunks are checked, so a caller must not act on the content
// as a whole until Read has returned io.EOF.
//
// A bad key length is reported by the first Read.
func NewStreamReader(r io.Reader, key, aad []byte) io.Reader {
	st, err := newStreamState(key, aad)
	return &streamReader{st: st, err: err, src: r}
}

type streamReader struct {
	st  *streamState
	src io.Reader
	err error // sticky

	started bool
	buf     []byte // one encrypted chunk plus one byte of look-ahead
	have    int    // bytes of buf filled
	pt      []byte // plaintext of the current chunk
	pos     int    // bytes of pt already returned
	done    bool   // the final chunk has been authenticated
}

func (sr *streamReader) Read(p []byte) (int, error) {
	for {
		if sr.err != nil {
			return 0, sr.err
		}
		if sr.pos < len(sr.pt) || len(p) == 0 {
			n := copy(p, sr.pt[sr.pos:])
			sr.pos += n
			return n, nil
		}
		if sr.done {
			return 0, io.EOF
		}
		sr.err = sr.next()
	}
}

// next reads, authenticates and decrypts the next chunk into sr.pt.
func (sr *streamReader) next() error {
	if !sr.started {
		if err := sr.readHeader(); err != nil {
			return err
		}
	}
	// Read one byte beyond a full chunk: if it is there, the chunk cannot
	// be the last one in the stream.
	n, err := io.ReadFull(sr.src, sr.buf[sr.have:])
	sr.have += n
	last := false
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		last = true
	case err != nil:
		return fmt.Errorf("vault: read stream chunk %d: %w", sr.st.counter, err)
	}
	i := sr.st.counter
	if i == ^uint64(0) {
		return damaged("stream has too many chunks")
	}

	if last {
		ct := sr.buf[:sr.have]
		switch {
		case len(ct) == 0 && i == 0:
			return damaged("stream truncated: no chunks after header")
		case len(ct) == 0:
			return damaged("stream truncated: final chunk missing after chunk %d", i-1)
		case len(ct) < chacha20poly1305.Overhead:
			return damaged("stream truncated inside chunk %d", i)
		}
		if pt, ok := sr.st.open(sr.pt, ct, true); ok {
			sr.pt, sr.pos, sr.done = pt, 0, true
			sr.have = 0
			sr.st.counter++
			return nil
		}
		if len(ct) == encChunkSize {
			if _, ok := sr.st.open(sr.pt, ct, false); ok {
				return damaged("stream truncated: final chunk missing after chunk %d", i)
			}
		}
		return damaged("stream chunk %d failed authentication (truncated or tampered)", i)
	}

	ct := sr.buf[:encChunkSize]
	pt, ok := sr.st.open(sr.pt, ct, false)
	if !ok {
		if _, ok := sr.st.open(sr.pt, ct, true); ok {
			return damaged("stream has trailing data after final chunk %d", i)
		}
		return damaged("stream chunk %d failed authentication", i)
	}
	sr.pt, sr.pos = pt, 0
	sr.buf[0] = sr.buf[encChunkSize]
	sr.have = 1
	sr.st.counter++
	return nil
}

func (sr *streamReader) readHeader() error {
	var hdr [StreamHeaderSize]byte
	if _, err := io.ReadFull(sr.src, hdr[:]); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return damaged("stream truncated inside header")
		}
		return fmt.Errorf("vault: read stream header: %w", err)
	}
	if string(hdr[:len(StreamMagic)]) != StreamMagic {
		return damaged("not a kansa stream (bad magic)")
	}
	copy(sr.st.nonce[:], hdr[len(StreamMagic):])
	sr.buf = make([]byte, encChunkSize+1)
	sr.pt = make([]byte, 0, ChunkSize)
	sr.started = true
	return nil
}
