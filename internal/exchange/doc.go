// Package exchange is the shared sync folder: a directory that a USB stick,
// an SMB share, OneDrive or Syncthing carries between auditors' laptops.
// It publishes and collects signed, encrypted change bundles and evidence
// objects, and keeps the team's roster and wrapped engagement keys.
//
// Layout (one writer per path; every file but FORMAT is encrypted with age):
//
//	FORMAT                        plaintext: "kansa-sync 1" and the engagement id
//	roster/<epoch>.age            the team, signed by the chief; encrypted for
//	                              the engagement key of its key epoch
//	keys/<member>.age             the engagement keys of every key epoch the
//	                              member may read, signed by the chief and
//	                              encrypted for the member's X25519 key
//	m/<member>/b/<sha256>.bdl     change bundles written by that member
//	m/<member>/o/<xx>/<sha256>    evidence objects written by that member
//
// Bundles and objects are immutable and named by the SHA-256 of their
// ciphertext, so a reader checks the name before anything else; a file
// whose bytes do not match is treated as not yet arrived.
//
// Files are written through FS, whose directory implementation writes a
// temp file, fsyncs it, renames it with retries and is read back here
// before a write counts. Readers take only names of the exact expected
// form, so a sync service's debris (temp files, conflict copies,
// desktop.ini, case-changed duplicates) is ignored, and they never infer
// anything from a file's absence or its mtime.
//
// Trust: the chief's Ed25519 key signs the roster and every keys file. A
// member pins the chief's key the first time they read the folder (the
// fingerprint is shown so both sides can compare it) and verifies every
// later roster against it. A bundle is accepted only when signed by the
// Ed25519 key the roster gives its member.
package exchange
