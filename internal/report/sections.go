package report

// NoteSection is a section of the audit plan or report that a review note
// can be written on (audit.ReviewNote.Target holds its key; kansactl
// review note --section and the GUI's review queue write them).
type NoteSection struct {
	Key   string
	Title string // as the auditor reads it: the document, then the section's heading
}

// NoteSections are the sections offered for review notes, in document
// order: the plan's, then the report's, titled as the builders title them.
var NoteSections = []NoteSection{
	{"plan/purpose", "監査計画書：監査の目的"},
	{"plan/criteria", "監査計画書：監査基準"},
	{"plan/scope", "監査計画書：監査対象部門及び対象システム"},
	{"plan/team", "監査計画書：監査従事者及び体制"},
	{"plan/method", "監査計画書：監査実施方法の要領"},
	{"plan/evidence", "監査計画書：収集する監査証拠の範囲"},
	{"plan/schedule", "監査計画書：実施スケジュール"},
	{"report/overview", "監査報告書：監査の概要"},
	{"report/summary", "監査報告書：総評"},
	{"report/results", "監査報告書：監査結果一覧"},
	{"report/findings", "監査報告書：指摘事項及び改善提案"},
	{"report/followup", "監査報告書：改善状況の確認結果"},
	{"report/notable", "監査報告書：特記事項及び良好事例"},
}

// SectionTitle is the title of a review note's section key; ok is false
// for a key not in NoteSections.
func SectionTitle(key string) (title string, ok bool) {
	for _, s := range NoteSections {
		if s.Key == key {
			return s.Title, true
		}
	}
	return "", false
}
