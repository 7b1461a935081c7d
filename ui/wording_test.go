package ui

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestJapaneseWording keeps words that misled users out of Kansa's own
// Japanese strings (keys with a dot; the others are Fyne's): 指紋 reads
// as biometrics (a key fingerprint is a 確認コード), 同時に is wrong for
// offline edits days apart, 失効 for a sign-off that needs redoing, and
// フォルダー where Kansa writes フォルダ.
func TestJapaneseWording(t *testing.T) {
	raw, err := os.ReadFile("../assets/translations/ja.json")
	if err != nil {
		t.Fatal(err)
	}
	var ja map[string]string
	if err := json.Unmarshal(raw, &ja); err != nil {
		t.Fatal(err)
	}
	for k, v := range ja {
		if !strings.Contains(k, ".") {
			continue
		}
		for _, bad := range []string{"指紋", "フィンガープリント", "同時に", "失効", "フォルダー", "未対応レビュー", "すべての値"} {
			if strings.Contains(v, bad) {
				t.Errorf("%s = %q: uses %s", k, v, bad)
			}
		}
	}
}
