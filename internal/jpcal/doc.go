// Package jpcal is Kansa's Japanese calendar: 和暦 (Japanese era) dates and
// fiscal years, national holidays under 国民の祝日に関する法律, and the
// ward's business days, used for due dates such as "minutes within 3
// business days of a meeting".
//
// # Dates
//
// Every function works on the calendar date of t in t's own location. For
// an instant (a capture time stored in UTC), convert it first with
// t.In(jpcal.JST), or the date may be the day before.
//
// # Holidays
//
// IsHoliday implements the law as it stands since 2019 (the current text,
// in force for the contract years 2026 onwards):
//   - fixed days (元日, 建国記念の日, 天皇誕生日 2/23, 昭和の日, 憲法記念日,
//     みどりの日, こどもの日, 山の日 8/11, 文化の日, 勤労感謝の日);
//   - happy Mondays (成人の日, 海の日, 敬老の日, スポーツの日);
//   - 春分の日 and 秋分の日 by the usual formula for 1980–2099 (domain.md §8);
//   - 振替休日: a holiday on a Sunday moves to the nearest following day
//     that is not itself a holiday; a holiday on a Saturday does not move;
//   - 国民の休日: a day that is not a holiday but lies between two holidays.
//
// The one-off days of 2019–2021 are included: the 2019 enthronement days
// (5/1 天皇の即位の日, 10/22 即位礼正殿の儀の行われる日, and the 国民の休日
// they create on 4/30 and 5/2), 体育の日 as the 2019 name of スポーツの日,
// no 天皇誕生日 in 2019, and the Olympic moves of 海の日, スポーツの日 and
// 山の日 in 2020 and 2021. Days announced later in the 官報 are not
// known here; the user adds them through Overrides. Outside 2019–2099 the
// current rules are applied as they are, which does not reproduce earlier
// law (before 2019) and the equinox formula is not valid after 2099.
//
// # Business days
//
// The ward's offices are closed on Saturdays, Sundays, holidays and from
// 12/29 to 1/3. Overrides adds one-off closed days and, taking precedence
// over everything, days that are open after all.
package jpcal
