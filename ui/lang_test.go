package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/test"

	"github.com/kansa-audit/kansa/assets"
	"github.com/kansa-audit/kansa/internal/audit"
)

func TestJapaneseIsTheDefaultWhateverTheSystemLocale(t *testing.T) {
	t.Cleanup(func() { _ = UseLanguage(Japanese) })
	for _, sys := range []string{"en_US.UTF-8", "de_DE.UTF-8", "ja_JP.UTF-8", "fr_FR.UTF-8", "C"} {
		t.Run(sys, func(t *testing.T) {
			t.Setenv("LANGUAGE", "")
			t.Setenv("LC_ALL", "")
			t.Setenv("LC_MESSAGES", "")
			t.Setenv("LANG", sys)
			t.Setenv(LanguageEnv, "")
			if err := UseLanguage(ChooseLanguage(nil)); err != nil {
				t.Fatal(err)
			}
			for key, want := range map[string]string{"unlock.button": "ロック解除", "Cancel": "キャンセル"} {
				if got := lang.L(key); got != want {
					t.Errorf("LANG=%s: lang.L(%q) = %q; want %q", sys, key, got, want)
				}
			}
			t.Setenv(LanguageEnv, "en")
			if err := UseLanguage(ChooseLanguage(nil)); err != nil {
				t.Fatal(err)
			}
			if got, want := lang.L("unlock.button"), "Unlock"; got != want {
				t.Errorf("LANG=%s %s=en: lang.L(unlock.button) = %q; want %q", sys, LanguageEnv, got, want)
			}
		})
	}
}

func TestChooseLanguage(t *testing.T) {
	a := test.NewTempApp(t)
	prefs := a.Preferences()
	for _, tc := range []struct{ env, pref, want string }{
		{"", "", Japanese},
		{"", "en", English},
		{"", "ja", Japanese},
		{"en", "", English},
		{"en_US", "", English},
		{"ja", "en", Japanese}, // the environment wins
		{"fr", "", Japanese},   // unknown: the default
	} {
		t.Setenv(LanguageEnv, tc.env)
		prefs.SetString(LanguagePref, tc.pref)
		if got := ChooseLanguage(prefs); got != tc.want {
			t.Errorf("ChooseLanguage(env %q, pref %q) = %q; want %q", tc.env, tc.pref, got, tc.want)
		}
	}
}

func readTranslations(t *testing.T, code string) map[string]string {
	t.Helper()
	data, err := assets.Translations.ReadFile("translations/" + code + ".json")
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s.json: %v", code, err)
	}
	return m
}

func TestTranslationsCoverEveryKey(t *testing.T) {
	ja, en := readTranslations(t, Japanese), readTranslations(t, English)
	for k := range ja {
		if _, ok := en[k]; !ok {
			t.Errorf("en.json lacks %q", k)
		}
	}
	for k := range en {
		if _, ok := ja[k]; !ok {
			t.Errorf("ja.json lacks %q", k)
		}
	}
	// Every literal key used in the code exists.
	files, _ := filepath.Glob("*.go")
	used := regexp.MustCompile(`lang\.L\("([^"]+)"[,)]`)
	var keys []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(src), -1) {
			keys = append(keys, m[1])
		}
	}
	sort.Strings(keys)
	if len(keys) < 20 {
		t.Fatalf("found only %d lang.L keys in the sources; is the pattern stale?", len(keys))
	}
	for _, k := range keys {
		if _, ok := ja[k]; !ok {
			t.Errorf("key %q is used but not in ja.json", k)
		}
	}
	// Dynamic keys, and the Japanese labels equal the domain's.
	for _, r := range audit.Roles {
		if got, want := ja["role."+string(r)], r.Label(); got != want {
			t.Errorf("ja role.%s = %q; want %q (audit.Role.Label)", r, got, want)
		}
	}
	for _, k := range audit.Kinds {
		if got, want := ja["kind."+string(k)], k.Label(); got != want {
			t.Errorf("ja kind.%s = %q; want %q (audit.Kind.Label)", k, got, want)
		}
	}
}
