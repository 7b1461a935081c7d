package audit

import "strings"

// ImprovementStatus is how far the auditee says an earlier finding has been
// addressed (改善計画書兼進捗状況一覧表).
type ImprovementStatus string

// Improvement states. The empty status means "not reported yet".
const (
	StatusNone       ImprovementStatus = ""
	StatusImproved   ImprovementStatus = "improved"    // 改善済
	StatusInProgress ImprovementStatus = "in-progress" // 改善中
	StatusNotStarted ImprovementStatus = "not-started" // 未着手
)

// ImprovementStatuses lists the reported states in display order.
var ImprovementStatuses = []ImprovementStatus{StatusImproved, StatusInProgress, StatusNotStarted}

// Label is the Japanese name of the status.
func (s ImprovementStatus) Label() string {
	switch s {
	case StatusImproved:
		return "改善済"
	case StatusInProgress:
		return "改善中"
	case StatusNotStarted:
		return "未着手"
	}
	return ""
}

// ParseImprovementStatus accepts a status id or the ways people write it in
// a progress list: 改善済/改善済み/完了/対応済, 改善中/対応中/一部改善,
// 未着手/未対応/未改善.
func ParseImprovementStatus(s string) (ImprovementStatus, error) {
	v := strings.TrimSpace(strings.ReplaceAll(s, "　", ""))
	switch strings.ToLower(v) {
	case "":
		return StatusNone, nil
	case "improved", "改善済", "改善済み", "完了", "対応済", "対応済み", "済":
		return StatusImproved, nil
	case "in-progress", "改善中", "対応中", "一部改善", "一部対応", "実施中":
		return StatusInProgress, nil
	case "not-started", "未着手", "未対応", "未改善", "未実施":
		return StatusNotStarted, nil
	}
	return "", invalid("improvement status", "%q is not 改善済, 改善中 or 未着手", s)
}
