package vault

import (
	"errors"
	"fmt"
)

var (
	// ErrWrongPassphrase means a keyslot is intact but the passphrase does
	// not open it.
	ErrWrongPassphrase = errors.New("wrong passphrase")

	// ErrDamaged means stored data failed authentication or is not in a
	// format this version understands: a bit flip, truncation, tampering or
	// a file that belongs somewhere else.
	ErrDamaged = errors.New("damaged or tampered data")
)

// damaged returns an error wrapping ErrDamaged, described by format and args
// (which must not use %w).
func damaged(format string, args ...any) error {
	return fmt.Errorf("vault: %s: %w", fmt.Sprintf(format, args...), ErrDamaged)
}
