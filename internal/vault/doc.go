// Package vault is Kansa's key handling and sealing layer. It knows nothing
// about audits: it creates and protects keys, and encrypts and authenticates
// the bytes other packages hand it.
//
// # Keys
//
// A workspace has one random 32-byte data key (NewDataKey). The data key is
// never stored in the clear: a Keyslot wraps it with XChaCha20-Poly1305 under
// a key-encryption key derived from the user's passphrase with Argon2id. The
// Argon2id parameters live inside the keyslot, so they can be raised later
// without breaking old workspaces; Rewrap changes the passphrase (and the
// parameters) without touching the data key or any sealed data.
//
// Each keyslot carries a SHA-256 checksum over its other fields. The checksum
// is not a secret-keyed MAC; its job is to tell an accidentally damaged
// keyslot (disk error, bad copy, hand edit) apart from a wrong passphrase, so
// the application can say "this file is damaged" instead of asking the user
// to type the passphrase again. ParseKeyslot also refuses Argon2id parameters
// that would let a hostile file exhaust memory or time.
//
// Purpose-specific subkeys (one for sealing records, one for evidence
// streams, one for naming blobs, ...) are derived from the data key with
// DeriveKey, so a key is never used for two different jobs.
//
// # Sealing
//
// Sealer encrypts small values (records, index entries) with
// XChaCha20-Poly1305 and a fresh random 24-byte nonce per value. A sealed
// value is
//
//	version (1 byte, = 1) || nonce (24 bytes) || ciphertext || tag (16 bytes)
//
// The version byte is also authenticated. Callers pass associated data (for
// example a record's identity) so a sealed value cannot be moved to another
// place without detection.
//
// # Streams
//
// NewStreamWriter and NewStreamReader encrypt large files (evidence photos,
// audio) in chunks of 64 KiB of plaintext, so neither side needs the whole
// file in memory. A stream is
//
//	"KNS1" || nonce prefix (16 random bytes) || chunk 0 || chunk 1 || ...
//
// where every chunk is the XChaCha20-Poly1305 encryption of up to 64 KiB
// with nonce = prefix || 8-byte big-endian chunk counter and associated data
// = caller aad || 8-byte big-endian chunk counter || final flag (0 or 1).
// All chunks except the last are full; the last chunk carries the final flag
// and is written even when the plaintext is empty. Truncation, reordering,
// dropped or duplicated chunks, data appended after the final chunk and
// swapping whole files (different aad) are all detected.
//
// # Errors
//
// Every authentication or format failure of stored data wraps ErrDamaged. A
// keyslot that is intact but does not open with the given passphrase yields
// ErrWrongPassphrase. Test with errors.Is.
//
// # Randomness
//
// Functions that need randomness take an io.Reader, which is
// crypto/rand.Reader in production (nil means crypto/rand.Reader) and a
// deterministic reader in tests.
package vault
