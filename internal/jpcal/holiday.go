package jpcal

import (
	"math"
	"time"
)

// Holiday names for the days that are not 国民の祝日 themselves.
const (
	Substitute = "振替休日"  // a Sunday holiday moved to the next free day
	Sandwiched = "国民の休日" // a day between two holidays
)

// date is a calendar day without a clock or location.
type date struct {
	y int
	m time.Month
	d int
}

func dateOf(t time.Time) date {
	y, m, d := t.Date()
	return date{y, m, d}
}

func (d date) time() time.Time { return time.Date(d.y, d.m, d.d, 0, 0, 0, 0, time.UTC) }

func (d date) add(days int) date { return dateOf(d.time().AddDate(0, 0, days)) }

func (d date) weekday() time.Weekday { return d.time().Weekday() }

// nthMonday is the day of the month of the n-th Monday of y/m.
func nthMonday(y int, m time.Month, n int) int {
	first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC).Weekday()
	off := (int(time.Monday) - int(first) + 7) % 7
	return 1 + off + 7*(n-1)
}

// VernalEquinox is the day in March of 春分の日 (1980–2099).
func VernalEquinox(y int) int {
	return equinox(20.8431, y)
}

// AutumnalEquinox is the day in September of 秋分の日 (1980–2099).
func AutumnalEquinox(y int) int {
	return equinox(23.2488, y)
}

func equinox(base float64, y int) int {
	n := y - 1980
	return int(math.Floor(base + 0.242194*float64(n) - math.Floor(float64(n)/4)))
}

// nationalHoliday returns the name of the 国民の祝日 on d, "" if none. It
// does not include 振替休日 or 国民の休日.
func nationalHoliday(d date) string {
	y := d.y
	switch d.m {
	case time.January:
		switch d.d {
		case 1:
			return "元日"
		case nthMonday(y, time.January, 2):
			return "成人の日"
		}
	case time.February:
		switch {
		case d.d == 11:
			return "建国記念の日"
		case d.d == 23 && y >= 2020:
			return "天皇誕生日"
		}
	case time.March:
		if d.d == VernalEquinox(y) {
			return "春分の日"
		}
	case time.April:
		if d.d == 29 {
			return "昭和の日"
		}
	case time.May:
		switch {
		case d.d == 1 && y == 2019:
			return "天皇の即位の日"
		case d.d == 3:
			return "憲法記念日"
		case d.d == 4:
			return "みどりの日"
		case d.d == 5:
			return "こどもの日"
		}
	case time.July:
		switch {
		case y == 2020 && d.d == 23, y == 2021 && d.d == 22:
			return "海の日"
		case y == 2020 && d.d == 24, y == 2021 && d.d == 23:
			return "スポーツの日"
		case y != 2020 && y != 2021 && d.d == nthMonday(y, time.July, 3):
			return "海の日"
		}
	case time.August:
		switch {
		case y == 2020:
			if d.d == 10 {
				return "山の日"
			}
		case y == 2021:
			if d.d == 8 {
				return "山の日"
			}
		case d.d == 11:
			return "山の日"
		}
	case time.September:
		switch d.d {
		case nthMonday(y, time.September, 3):
			return "敬老の日"
		case AutumnalEquinox(y):
			return "秋分の日"
		}
	case time.October:
		switch {
		case y == 2019 && d.d == 22:
			return "即位礼正殿の儀の行われる日"
		case y == 2020 || y == 2021:
			// moved to July for the Olympic Games
		case d.d == nthMonday(y, time.October, 2):
			if y <= 2019 {
				return "体育の日"
			}
			return "スポーツの日"
		}
	case time.November:
		switch d.d {
		case 3:
			return "文化の日"
		case 23:
			return "勤労感謝の日"
		}
	}
	return ""
}

// IsHoliday reports whether t's date is a holiday (国民の祝日, 振替休日 or
// 国民の休日) and names it. See the package documentation for the rules
// and the years they cover.
func IsHoliday(t time.Time) (bool, string) {
	return holiday(dateOf(t))
}

func holiday(d date) (bool, string) {
	if name := nationalHoliday(d); name != "" {
		return true, name
	}
	// 振替休日: the nearest non-holiday after a run of holidays that
	// contains a Sunday (only the run's last Sunday can matter, and a run
	// of holidays is at most a few days long).
	for k := 1; k <= 7; k++ {
		p := d.add(-k)
		if nationalHoliday(p) == "" {
			break
		}
		if p.weekday() == time.Sunday {
			return true, Substitute
		}
	}
	// 国民の休日: both neighbours are 国民の祝日.
	if nationalHoliday(d.add(-1)) != "" && nationalHoliday(d.add(1)) != "" {
		return true, Sandwiched
	}
	return false, ""
}

// Holiday is one holiday of a year.
type Holiday struct {
	Date time.Time // midnight UTC of the day
	Name string
}

// Holidays lists the year's holidays in date order.
func Holidays(year int) []Holiday {
	var out []Holiday
	for d := (date{year, time.January, 1}); d.y == year; d = d.add(1) {
		if ok, name := holiday(d); ok {
			out = append(out, Holiday{Date: d.time(), Name: name})
		}
	}
	return out
}
