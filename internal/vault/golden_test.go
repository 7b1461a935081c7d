package vault

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"
)

// Known-answer tests. They pin the exact bytes this package produces for
// fixed keys and a deterministic random source, so any change to a format
// or a derivation is caught. If one fails after a deliberate format change,
// bump the format version; existing workspaces must stay readable.
//
// DeriveKey and KeyedHash values were also checked against Python's hmac
// module (HKDF-SHA256 computed by hand from RFC 5869).

const (
	goldenDataKey   = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	goldenDerive    = "8ec53306091331ffb407ec1e9517f46f962db37043a0430611ed0c2fa5336636"
	goldenKeyedHash = "fc3aa4ff7a4d734d178027e339c3047bdfe48568a19b76d86c992169ff5825cf"
	goldenSeal      = "01000102030405060708090a0b0c0d0e0f10111213141516170887e6e3e681d25bbbc50a4de87ddb4d78e7f438366de025cccceb04"
	goldenStreamLen = 65688 // header 20 + (65536+16) + (100+16)
	goldenStreamSHA = "b98b97b4e60513c09cb547a7490be7ec38bffade8b33bf0b7d3a901b9b26993a"
	goldenKeyslot   = `{"v":1,"kdf":{"t":1,"m":64,"p":1},"salt":"AAECAwQFBgcICQoLDA0ODw==","wrapped":"EBESExQVFhcYGRobHB0eHyAhIiMkJSYniAILlkyhIH/kDvZ6y2ChKJOuRPxKn22IPpBn1k2PxI2AZn1QfYQce8AihCyba0n8","sum":"1rs8x1vSXTN2SYpcZwzsBJvlWrkHrANMEpOy2Fu7moA="}`
)

func TestGoldenDataKey(t *testing.T) {
	k, err := NewDataKey(&countingReader{})
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(k); got != goldenDataKey {
		t.Errorf("NewDataKey = %s, want %s", got, goldenDataKey)
	}
}

func TestGoldenDeriveKey(t *testing.T) {
	if got := hex.EncodeToString(DeriveKey(testKey(), "kansa/records")); got != goldenDerive {
		t.Errorf("DeriveKey = %s, want %s", got, goldenDerive)
	}
}

func TestGoldenKeyedHash(t *testing.T) {
	if got := KeyedHash(testKey(), []byte("evidence photo bytes")); got != goldenKeyedHash {
		t.Errorf("KeyedHash = %s, want %s", got, goldenKeyedHash)
	}
}

func TestGoldenSeal(t *testing.T) {
	s, err := NewSealer(testKey(), &countingReader{})
	if err != nil {
		t.Fatal(err)
	}
	got := s.Seal([]byte("hello, kansa"), []byte("record/42"))
	if h := hex.EncodeToString(got); h != goldenSeal {
		t.Errorf("Seal = %s, want %s", h, goldenSeal)
	}
	// The golden value must also open.
	want := mustHex(t, goldenSeal)
	pt, err := s.Open(want, []byte("record/42"))
	if err != nil || string(pt) != "hello, kansa" {
		t.Errorf("Open(golden) = %q, %v", pt, err)
	}
}

func TestGoldenStream(t *testing.T) {
	// Two chunks: one full, one of 100 bytes.
	plain := pattern(ChunkSize + 100)
	var buf bytes.Buffer
	w, err := NewStreamWriter(&buf, testKey(), []byte("evidence/7"), &countingReader{next: 0x40})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(plain); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(buf.Bytes())
	if buf.Len() != goldenStreamLen || hex.EncodeToString(sum[:]) != goldenStreamSHA {
		t.Errorf("stream: len %d sha256 %x, want len %d sha256 %s", buf.Len(), sum, goldenStreamLen, goldenStreamSHA)
	}
	if wantHdr := "4b4e5331404142434445464748494a4b4c4d4e4f"; hex.EncodeToString(buf.Bytes()[:StreamHeaderSize]) != wantHdr {
		t.Errorf("stream header = %x, want %s", buf.Bytes()[:StreamHeaderSize], wantHdr)
	}
}

func TestGoldenKeyslot(t *testing.T) {
	ks, err := NewKeyslot([]byte("correct horse battery staple"), testKey(), tinyKDF, &countingReader{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ks.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != goldenKeyslot {
		t.Errorf("keyslot = %s\nwant       %s", b, goldenKeyslot)
	}
	// The golden keyslot must parse and open.
	parsed, err := ParseKeyslot([]byte(goldenKeyslot))
	if err != nil {
		t.Fatal(err)
	}
	key, err := parsed.Unwrap([]byte("correct horse battery staple"))
	if err != nil || !bytes.Equal(key, testKey()) {
		t.Errorf("Unwrap(golden) = %x, %v", key, err)
	}
}
