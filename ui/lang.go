package ui

import (
	"fmt"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/kansa-audit/kansa/assets"
)

// UI languages. Japanese is the default.
const (
	Japanese = "ja"
	English  = "en"
)

// Where the user's language choice is read from: the environment first,
// then the app preferences (for a future settings screen).
const (
	LanguageEnv  = "KANSA_LANG"
	LanguagePref = "lang"
)

// ChooseLanguage returns the UI language the user asked for, or Japanese.
// The system locale is deliberately not consulted: Kansa's users work in
// Japanese even on an English Windows.
func ChooseLanguage(prefs fyne.Preferences) string {
	choice := os.Getenv(LanguageEnv)
	if choice == "" && prefs != nil {
		choice = prefs.String(LanguagePref)
	}
	if strings.HasPrefix(strings.ToLower(strings.TrimSpace(choice)), English) {
		return English
	}
	return Japanese
}

// UseLanguage makes code ("ja" or "en") the language of every lang.L call,
// Fyne's own strings (Cancel, Copy, ...) included where our files carry them.
//
// Fyne 2.7 has no API to pick the language: lang.L uses the translation
// whose locale best matches the system locales (LANG and friends on Unix,
// the user's UI languages on Windows and macOS), falling back to "en". So
// lang.AddTranslationsFS, which registers ja.json as "ja" and en.json as
// "en", would show English on any non-Japanese system. Instead we register
// the chosen file under every locale Fyne can end up using: "en" (its
// fallback and the bundle's default) and the system locale, with and
// without region. Whatever Fyne matches then carries our strings. Calling
// this again with another code switches the language; screens built
// afterwards use it.
func UseLanguage(code string) error {
	data, err := assets.Translations.ReadFile("translations/" + code + ".json")
	if err != nil {
		return fmt.Errorf("load %s translations: %w", code, err)
	}
	for _, l := range localesToCover() {
		if err := lang.AddTranslationsForLocale(data, l); err != nil {
			return fmt.Errorf("register %s translations as %s: %w", code, l, err)
		}
	}
	return nil
}

// localesToCover lists the locales Fyne may pick for lang.L.
func localesToCover() []fyne.Locale {
	sys := lang.SystemLocale()
	base, _, _ := strings.Cut(string(sys), "-")
	out := []fyne.Locale{"en"}
	for _, l := range []fyne.Locale{sys, fyne.Locale(base)} {
		// "und" is what Fyne makes of an unparsable locale such as C.UTF-8.
		if l != "" && l != "en" && l != "und" && (len(out) < 2 || l != out[len(out)-1]) {
			out = append(out, l)
		}
	}
	return out
}
