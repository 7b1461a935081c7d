package jpcal

import (
	"fmt"
	"testing"
	"time"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func TestWareki(t *testing.T) {
	tests := []struct {
		in   time.Time
		want string
	}{
		{day(2026, 9, 10), "令和8年9月10日"},
		{day(2027, 3, 31), "令和9年3月31日"},
		{day(2019, 5, 1), "令和元年5月1日"},
		{day(2019, 12, 31), "令和元年12月31日"},
		{day(2020, 1, 1), "令和2年1月1日"},
		{day(2019, 4, 30), "平成31年4月30日"},
		{day(1989, 1, 8), "平成元年1月8日"},
		{day(1989, 1, 7), "昭和64年1月7日"},
		{day(2018, 12, 25), "平成30年12月25日"},
		{day(1926, 12, 25), "昭和元年12月25日"},
		{day(1926, 12, 24), "大正15年12月24日"},
		{day(1873, 1, 1), "明治6年1月1日"},
		{day(1872, 12, 31), "1872年12月31日"},
		// The date in the time's own location counts.
		{time.Date(2026, 9, 9, 20, 0, 0, 0, time.UTC).In(JST), "令和8年9月10日"},
		{time.Date(2026, 9, 9, 20, 0, 0, 0, time.UTC), "令和8年9月9日"},
	}
	for _, tt := range tests {
		if got := Wareki(tt.in); got != tt.want {
			t.Errorf("Wareki(%s) = %q; want %q", tt.in.Format(time.RFC3339), got, tt.want)
		}
	}
}

func TestWarekiFormats(t *testing.T) {
	at := time.Date(2026, 9, 10, 14, 5, 0, 0, JST)
	if got, want := WarekiDateTime(at), "令和8年9月10日 14:05"; got != want {
		t.Errorf("WarekiDateTime = %q; want %q", got, want)
	}
	if got, want := WarekiWeekday(at), "令和8年9月10日（木）"; got != want {
		t.Errorf("WarekiWeekday = %q; want %q", got, want)
	}
}

func TestFiscalYear(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		{2026, "令和8年度"}, {2027, "令和9年度"}, {2019, "令和元年度"}, {2020, "令和2年度"},
		{2018, "平成30年度"}, {1989, "平成元年度"}, {1988, "昭和63年度"}, {1900, "1900年度"},
	}
	for _, tt := range tests {
		if got := FiscalYear(tt.year); got != tt.want {
			t.Errorf("FiscalYear(%d) = %q; want %q", tt.year, got, tt.want)
		}
	}
}

func TestFiscalYearOf(t *testing.T) {
	tests := []struct {
		in   time.Time
		want int
	}{
		{day(2026, 4, 1), 2026}, {day(2026, 3, 31), 2025}, {day(2027, 3, 31), 2026},
		{day(2026, 12, 31), 2026}, {day(2027, 1, 1), 2026}, {day(2027, 4, 1), 2027},
	}
	for _, tt := range tests {
		if got := FiscalYearOf(tt.in); got != tt.want {
			t.Errorf("FiscalYearOf(%s) = %d; want %d", tt.in.Format(time.DateOnly), got, tt.want)
		}
	}
}

// official lists the holidays of domain.md §8 for 2026 and 2027, and the
// Cabinet Office's lists for the special years 2019–2021.
var official = map[int][]string{
	2019: {"1/1", "1/14", "2/11", "3/21", "4/29", "4/30", "5/1", "5/2", "5/3", "5/4", "5/5", "5/6",
		"7/15", "8/11", "8/12", "9/16", "9/23", "10/14", "10/22", "11/3", "11/4", "11/23"},
	2020: {"1/1", "1/13", "2/11", "2/23", "2/24", "3/20", "4/29", "5/3", "5/4", "5/5", "5/6",
		"7/23", "7/24", "8/10", "9/21", "9/22", "11/3", "11/23"},
	2021: {"1/1", "1/11", "2/11", "2/23", "3/20", "4/29", "5/3", "5/4", "5/5",
		"7/22", "7/23", "8/8", "8/9", "9/20", "9/23", "11/3", "11/23"},
	2026: {"1/1", "1/12", "2/11", "2/23", "3/20", "4/29", "5/3", "5/4", "5/5", "5/6",
		"7/20", "8/11", "9/21", "9/22", "9/23", "10/12", "11/3", "11/23"},
	2027: {"1/1", "1/11", "2/11", "2/23", "3/21", "3/22", "4/29", "5/3", "5/4", "5/5",
		"7/19", "8/11", "9/20", "9/23", "10/11", "11/3", "11/23"},
}

// TestOfficialHolidays checks every day of each listed year: a day is a
// holiday exactly when the official list has it.
func TestOfficialHolidays(t *testing.T) {
	for year, list := range official {
		want := map[string]bool{}
		for _, s := range list {
			want[s] = true
		}
		for d := day(year, 1, 1); d.Year() == year; d = d.AddDate(0, 0, 1) {
			key := fmt.Sprintf("%d/%d", d.Month(), d.Day())
			got, name := IsHoliday(d)
			if got != want[key] {
				t.Errorf("IsHoliday(%s) = %v (%q); want %v", d.Format(time.DateOnly), got, name, want[key])
			}
		}
		if n := len(Holidays(year)); n != len(list) {
			t.Errorf("len(Holidays(%d)) = %d; want %d", year, n, len(list))
		}
	}
}

func TestHolidayNames(t *testing.T) {
	tests := []struct {
		d    time.Time
		want string
	}{
		{day(2026, 1, 12), "成人の日"},
		{day(2026, 5, 6), Substitute},
		{day(2026, 9, 21), "敬老の日"},
		{day(2026, 9, 22), Sandwiched},
		{day(2026, 9, 23), "秋分の日"},
		{day(2026, 10, 12), "スポーツの日"},
		{day(2027, 3, 22), Substitute},
		{day(2027, 7, 19), "海の日"},
		{day(2019, 10, 14), "体育の日"},
		{day(2019, 5, 1), "天皇の即位の日"},
		{day(2019, 4, 30), Sandwiched},
		{day(2019, 5, 2), Sandwiched},
		{day(2019, 5, 6), Substitute},
		{day(2019, 10, 22), "即位礼正殿の儀の行われる日"},
		{day(2020, 2, 24), Substitute},
		{day(2020, 7, 23), "海の日"},
		{day(2020, 7, 24), "スポーツの日"},
		{day(2020, 8, 10), "山の日"},
		{day(2021, 7, 22), "海の日"},
		{day(2021, 7, 23), "スポーツの日"},
		{day(2021, 8, 8), "山の日"},
		{day(2021, 8, 9), Substitute},
		{day(2032, 9, 21), Sandwiched}, // 敬老の日 9/20, 秋分の日 9/22
		{day(2029, 4, 30), Substitute}, // 昭和の日 on a Sunday
		{day(2025, 11, 24), Substitute},
	}
	for _, tt := range tests {
		ok, name := IsHoliday(tt.d)
		if !ok || name != tt.want {
			t.Errorf("IsHoliday(%s) = %v, %q; want true, %q", tt.d.Format(time.DateOnly), ok, name, tt.want)
		}
	}
	notHolidays := []time.Time{
		day(2019, 12, 23), // no 天皇誕生日 after 平成
		day(2019, 2, 23),  // nor before 令和2年
		day(2020, 10, 12), // スポーツの日 moved to July
		day(2021, 10, 11),
		day(2020, 8, 11), // 山の日 moved
		day(2021, 7, 19), // 海の日 moved
		day(2026, 5, 7),
		day(2027, 9, 21), // 敬老の日 9/20 and 秋分の日 9/23 leave two days between
		day(2027, 9, 22),
		day(2026, 10, 31),
		day(2028, 4, 30), // 昭和の日 on a Saturday is not moved (the Sunday is no holiday)
		day(2028, 5, 1),
	}
	for _, d := range notHolidays {
		if ok, name := IsHoliday(d); ok {
			t.Errorf("IsHoliday(%s) = true, %q; want false", d.Format(time.DateOnly), name)
		}
	}
}

func TestEquinoxes(t *testing.T) {
	// Published by the National Astronomical Observatory of Japan.
	tests := []struct{ year, spring, autumn int }{
		{2019, 21, 23}, {2020, 20, 22}, {2023, 21, 23}, {2024, 20, 22}, {2025, 20, 23},
		{2026, 20, 23}, {2027, 21, 23}, {2028, 20, 22}, {2029, 20, 23}, {2030, 20, 23},
	}
	for _, tt := range tests {
		if got := VernalEquinox(tt.year); got != tt.spring {
			t.Errorf("VernalEquinox(%d) = %d; want %d", tt.year, got, tt.spring)
		}
		if got := AutumnalEquinox(tt.year); got != tt.autumn {
			t.Errorf("AutumnalEquinox(%d) = %d; want %d", tt.year, got, tt.autumn)
		}
		if ok, name := IsHoliday(day(tt.year, 3, tt.spring)); !ok || name != "春分の日" {
			t.Errorf("IsHoliday(%d-03-%02d) = %v, %q; want 春分の日", tt.year, tt.spring, ok, name)
		}
		if ok, _ := IsHoliday(day(tt.year, 9, tt.autumn)); !ok {
			t.Errorf("IsHoliday(%d-09-%02d) = false; want 秋分の日", tt.year, tt.autumn)
		}
	}
}

func TestHolidaysEveryYear(t *testing.T) {
	// Sanity over the whole range: 16 国民の祝日 a year from 2020 (2019 had
	// no 天皇誕生日 but two enthronement days), none on a Sunday without a
	// substitute day after it.
	for y := 2020; y <= 2099; y++ {
		national := 0
		for _, h := range Holidays(y) {
			if h.Name != Substitute && h.Name != Sandwiched {
				national++
			}
			if h.Date.Weekday() == time.Sunday && h.Name != Substitute {
				next := h.Date.AddDate(0, 0, 1)
				for {
					ok, _ := IsHoliday(next)
					if !ok {
						t.Errorf("%s %s falls on a Sunday and no substitute follows", h.Date.Format(time.DateOnly), h.Name)
						break
					}
					if _, name := IsHoliday(next); name == Substitute {
						break
					}
					next = next.AddDate(0, 0, 1)
				}
			}
		}
		if national != 16 {
			t.Errorf("%d has %d 国民の祝日; want 16", y, national)
		}
	}
}

func TestIsBusinessDay(t *testing.T) {
	ov := Overrides{
		Closed: []time.Time{day(2026, 8, 14)},
		Open:   []time.Time{time.Date(2026, 12, 29, 9, 30, 0, 0, JST)},
	}
	tests := []struct {
		d    time.Time
		ov   Overrides
		want bool
	}{
		{day(2026, 9, 10), Overrides{}, true},  // Thursday
		{day(2026, 9, 12), Overrides{}, false}, // Saturday
		{day(2026, 9, 13), Overrides{}, false}, // Sunday
		{day(2026, 9, 22), Overrides{}, false}, // 国民の休日
		{day(2026, 5, 6), Overrides{}, false},  // 振替休日
		{day(2026, 12, 28), Overrides{}, true},
		{day(2026, 12, 29), Overrides{}, false},
		{day(2026, 12, 30), Overrides{}, false},
		{day(2026, 12, 31), Overrides{}, false},
		{day(2027, 1, 1), Overrides{}, false},
		{day(2027, 1, 4), Overrides{}, true}, // Monday after the closure
		{day(2028, 1, 3), Overrides{}, false},
		{day(2028, 1, 4), Overrides{}, true},
		{day(2026, 8, 14), Overrides{}, true},
		{day(2026, 8, 14), ov, false},
		{day(2026, 12, 29), ov, true},
		{day(2026, 12, 30), ov, false},
	}
	for _, tt := range tests {
		if got := IsBusinessDay(tt.d, tt.ov); got != tt.want {
			t.Errorf("IsBusinessDay(%s, %v) = %v; want %v", tt.d.Format(time.DateOnly), tt.ov, got, tt.want)
		}
	}
}

func TestAddBusinessDays(t *testing.T) {
	tests := []struct {
		from time.Time
		n    int
		ov   Overrides
		want time.Time
	}{
		{day(2026, 9, 10), 3, Overrides{}, day(2026, 9, 15)}, // Thu → Fri, Mon, Tue
		{day(2026, 9, 18), 3, Overrides{}, day(2026, 9, 28)}, // over the September holidays
		{day(2026, 9, 18), 1, Overrides{}, day(2026, 9, 24)},
		{day(2026, 9, 19), 1, Overrides{}, day(2026, 9, 24)}, // a Saturday meeting
		{day(2026, 12, 25), 3, Overrides{}, day(2027, 1, 5)}, // 12/28, then 1/4 and 1/5 after the closure
		{day(2026, 4, 30), 3, Overrides{}, day(2026, 5, 8)},  // over Golden Week
		{day(2026, 9, 10), 0, Overrides{}, day(2026, 9, 10)},
		{day(2026, 9, 15), -3, Overrides{}, day(2026, 9, 10)},
		{day(2026, 9, 10), 3, Overrides{Closed: []time.Time{day(2026, 9, 11)}}, day(2026, 9, 16)},
		{day(2026, 9, 10), 1, Overrides{Open: []time.Time{day(2026, 9, 11)}}, day(2026, 9, 11)},
		{day(2026, 9, 11), 1, Overrides{Open: []time.Time{day(2026, 9, 12)}}, day(2026, 9, 12)},
	}
	for _, tt := range tests {
		if got := AddBusinessDays(tt.from, tt.n, tt.ov); !got.Equal(tt.want) {
			t.Errorf("AddBusinessDays(%s, %d) = %s; want %s", tt.from.Format(time.DateOnly), tt.n,
				got.Format(time.DateOnly), tt.want.Format(time.DateOnly))
		}
	}
	// The clock and location are kept.
	at := time.Date(2026, 9, 10, 15, 30, 0, 0, JST)
	if got, want := AddBusinessDays(at, 3, Overrides{}), time.Date(2026, 9, 15, 15, 30, 0, 0, JST); !got.Equal(want) || got.Location() != JST {
		t.Errorf("AddBusinessDays(%s, 3) = %s; want %s", at, got, want)
	}
}
