package change

import (
	"fmt"
	"sync"
	"time"
)

// Time is a hybrid logical clock reading: physical milliseconds since the
// Unix epoch plus a logical counter that breaks ties and absorbs clocks that
// go backwards.
type Time struct {
	Wall    int64  `json:"w"`
	Logical uint32 `json:"l,omitempty"`
}

// Compare returns -1, 0 or +1.
func (t Time) Compare(o Time) int {
	switch {
	case t.Wall < o.Wall:
		return -1
	case t.Wall > o.Wall:
		return 1
	case t.Logical < o.Logical:
		return -1
	case t.Logical > o.Logical:
		return 1
	}
	return 0
}

// Time converts the reading to wall-clock time (for display).
func (t Time) Time() time.Time { return time.UnixMilli(t.Wall) }

// String renders the reading for logs.
func (t Time) String() string {
	return fmt.Sprintf("%s+%d", t.Time().UTC().Format("2006-01-02T15:04:05.000Z"), t.Logical)
}

// Clock issues monotonically increasing HLC readings. It is safe for
// concurrent use. Now is injected so tests control the physical clock.
type Clock struct {
	mu   sync.Mutex
	now  func() time.Time
	last Time
}

// NewClock returns a clock that never goes below last (the newest reading
// already persisted), whatever the physical clock says.
func NewClock(now func() time.Time, last Time) *Clock {
	if now == nil {
		now = time.Now
	}
	return &Clock{now: now, last: last}
}

// Now returns a reading strictly greater than every earlier one.
func (c *Clock) Now() Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	pt := c.now().UnixMilli()
	if pt > c.last.Wall {
		c.last = Time{Wall: pt}
	} else {
		c.last.Logical++
	}
	return c.last
}

// Observe folds in a reading from another device so that later local
// readings sort after it. It returns how far ahead of the local physical
// clock the remote reading was (zero or positive), for skew warnings.
func (c *Clock) Observe(remote Time) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	pt := c.now().UnixMilli()
	if remote.Compare(c.last) > 0 {
		c.last = remote
	}
	if remote.Wall > pt {
		return time.Duration(remote.Wall-pt) * time.Millisecond
	}
	return 0
}
