package jpcal

import (
	"fmt"
	"time"
)

// JST is Japan Standard Time, for turning stored instants into the dates
// printed on Japanese documents.
var JST = time.FixedZone("JST", 9*60*60)

// era is one Japanese era: its first day and the Gregorian year of its
// first year (元年).
type era struct {
	name      string
	y         int
	m         time.Month
	d         int
	firstYear int
}

// eras, newest first. Before 明治6年 (1873) Japan used the lunisolar
// calendar, so earlier dates are printed in the Gregorian calendar.
var eras = []era{
	{"令和", 2019, time.May, 1, 2019},
	{"平成", 1989, time.January, 8, 1989},
	{"昭和", 1926, time.December, 25, 1926},
	{"大正", 1912, time.July, 30, 1912},
	{"明治", 1873, time.January, 1, 1868},
}

func (e era) contains(y int, m time.Month, d int) bool {
	return dayKey(y, m, d) >= dayKey(e.y, e.m, e.d)
}

func dayKey(y int, m time.Month, d int) int { return y*10000 + int(m)*100 + d }

// eraYear formats the year within an era: 元 for the first year.
func eraYear(name string, n int) string {
	if n == 1 {
		return name + "元"
	}
	return fmt.Sprintf("%s%d", name, n)
}

// Wareki formats t's date in the Japanese era calendar as official
// documents print it: 「令和8年9月10日」, 「令和元年5月1日」,
// 「平成31年4月30日」. Dates before 1873 are printed as 「1872年12月31日」.
func Wareki(t time.Time) string {
	y, m, d := t.Date()
	for _, e := range eras {
		if e.contains(y, m, d) {
			return fmt.Sprintf("%s年%d月%d日", eraYear(e.name, y-e.firstYear+1), int(m), d)
		}
	}
	return fmt.Sprintf("%d年%d月%d日", y, int(m), d)
}

// WarekiDateTime formats t's date and clock time: 「令和8年9月10日 14:05」.
func WarekiDateTime(t time.Time) string {
	return Wareki(t) + " " + t.Format("15:04")
}

var weekdays = [...]string{"日", "月", "火", "水", "木", "金", "土"}

// Weekday is the one-character Japanese name of t's weekday: 「木」.
func Weekday(t time.Time) string { return weekdays[t.Weekday()] }

// WarekiWeekday formats the date with its weekday: 「令和8年9月10日（木）」.
func WarekiWeekday(t time.Time) string { return Wareki(t) + "（" + Weekday(t) + "）" }

// FiscalYear names the Japanese fiscal year that starts in April of the
// given Gregorian year: 2026 → 「令和8年度」, 2019 → 「令和元年度」 (the
// fiscal year that began in 平成31年4月 is called 令和元年度 by
// convention), 2018 → 「平成30年度」.
func FiscalYear(year int) string {
	switch {
	case year >= 2019:
		return eraYear("令和", year-2018) + "年度"
	case year >= 1989:
		return eraYear("平成", year-1988) + "年度"
	case year >= 1926:
		return eraYear("昭和", year-1925) + "年度"
	}
	return fmt.Sprintf("%d年度", year)
}

// FiscalYearOf is the fiscal year (by the Gregorian year in which it
// starts) that t's date falls in: April to the next March.
func FiscalYearOf(t time.Time) int {
	y, m, _ := t.Date()
	if m < time.April {
		return y - 1
	}
	return y
}
