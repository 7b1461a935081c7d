package workspace

import (
	"fmt"

	"github.com/kansa-audit/kansa/internal/exchange"
)

// ReadJoinRequest checks a join request and returns who it names and
// their fingerprint, without adding them: the chief compares the
// fingerprint with the one on the new member's screen before AddTeamMember.
func ReadJoinRequest(request []byte) (TeamMember, error) {
	m, err := exchange.ParseJoinRequest(request)
	if err != nil {
		return TeamMember{}, fmt.Errorf("%w: %v", ErrInvalid, err)
	}
	return TeamMember{ID: m.ID, Name: m.Name, Role: m.Role, Fingerprint: m.Fingerprint()}, nil
}
