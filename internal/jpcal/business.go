package jpcal

import "time"

// Overrides are the user's one-off corrections to the ward's calendar:
// days announced in the 官報 or by the ward. Only the calendar date of each
// time counts. Open wins over Closed and over every built-in rule.
type Overrides struct {
	Closed []time.Time // extra days the offices are closed
	Open   []time.Time // days the offices are open after all
}

func (o Overrides) has(list []time.Time, d date) bool {
	for _, t := range list {
		if dateOf(t) == d {
			return true
		}
	}
	return false
}

// IsBusinessDay reports whether the ward's offices are open on t's date:
// not a Saturday, Sunday or holiday, not 12/29–1/3, and not a closed
// override, unless an open override says otherwise.
func IsBusinessDay(t time.Time, ov Overrides) bool {
	return businessDay(dateOf(t), ov)
}

func businessDay(d date, ov Overrides) bool {
	if ov.has(ov.Open, d) {
		return true
	}
	if ov.has(ov.Closed, d) {
		return false
	}
	if wd := d.weekday(); wd == time.Saturday || wd == time.Sunday {
		return false
	}
	if (d.m == time.December && d.d >= 29) || (d.m == time.January && d.d <= 3) {
		return false
	}
	ok, _ := holiday(d)
	return !ok
}

// AddBusinessDays returns the n-th business day after t, counting from the
// day after t, so "within 3 business days" of a meeting on Friday
// 2026-09-18 ends on Monday 2026-09-28 (9/19–20 are a weekend and
// 9/21–9/23 holidays; 9/24, 9/25 and 9/28 are the three days). t
// itself never counts, whether or not it is a business day. A negative n
// counts backwards from the day before; n = 0 returns t. The clock time and
// location of t are kept.
func AddBusinessDays(t time.Time, n int, ov Overrides) time.Time {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		t = t.AddDate(0, 0, step)
		if businessDay(dateOf(t), ov) {
			n--
		}
	}
	return t
}
