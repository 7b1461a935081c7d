package ui

import (
	"image/color"
	"os"
	"slices"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// ThemePref is the app preference with the look: ThemeLight, ThemeDark or
// ThemeSystem (the default).
const ThemePref = "theme"

// The looks.
const (
	ThemeLight  = "light"  // the reading palette, whatever the system uses
	ThemeDark   = "dark"   // Fyne's dark palette
	ThemeSystem = "system" // light or dark as the system is set
)

// themeModes are the looks in the order the settings offer them.
var themeModes = []string{ThemeLight, ThemeDark, ThemeSystem}

// idleLockChoices are the idle lock delays the settings offer, in
// minutes; 0 is off.
var idleLockChoices = []int{0, 1, 3, 5, 10, 15, 30, 60}

// lookTheme is the app theme with the look chosen in the settings: the
// variant forced to light or dark, or left to the system; and the light
// variant in a calmer palette for a day of reading and typing (off-white
// paper, near-black text) instead of Fyne's pure white.
type lookTheme struct {
	fyne.Theme
	forced  bool
	variant fyne.ThemeVariant
}

// Reading palette of the light variant.
var (
	readingBackground = color.NRGBA{R: 0xf7, G: 0xf5, B: 0xf0, A: 0xff}
	readingForeground = color.NRGBA{R: 0x1f, G: 0x23, B: 0x28, A: 0xff}
	readingInput      = color.NRGBA{R: 0xff, G: 0xfe, B: 0xfb, A: 0xff}
)

// Color returns base's colour in the forced variant; the light variant
// uses the reading palette.
func (t *lookTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.forced {
		v = t.variant
	}
	if v == theme.VariantLight {
		switch n {
		case theme.ColorNameBackground, theme.ColorNameOverlayBackground, theme.ColorNameMenuBackground:
			return readingBackground
		case theme.ColorNameForeground:
			return readingForeground
		case theme.ColorNameInputBackground:
			return readingInput
		}
	}
	return t.Theme.Color(n, v)
}

// withLook returns base with the look mode (ThemeLight, ThemeDark or
// ThemeSystem; anything else is ThemeSystem).
func withLook(base fyne.Theme, mode string) fyne.Theme {
	if base == nil {
		base = theme.DefaultTheme()
	}
	t := &lookTheme{Theme: base}
	switch mode {
	case ThemeLight:
		t.forced, t.variant = true, theme.VariantLight
	case ThemeDark:
		t.forced, t.variant = true, theme.VariantDark
	}
	return t
}

// themeMode is the look stored in prefs.
func themeMode(prefs fyne.Preferences) string {
	if prefs == nil {
		return ThemeSystem
	}
	m := prefs.StringWithFallback(ThemePref, ThemeSystem)
	if !slices.Contains(themeModes, m) {
		return ThemeSystem
	}
	return m
}

// applyLook sets the app theme: the configured theme with the stored look.
func (a *App) applyLook() {
	a.fyneApp.Settings().SetTheme(withLook(a.cfg.Theme, themeMode(a.prefs)))
}

// settingsDialog is the 設定 dialog: language, look and idle lock. Every
// choice is stored in the app preferences at once; the look applies at
// once, the language at the next start.
type settingsDialog struct {
	dialog   *dialog.CustomDialog
	language *widget.RadioGroup
	langNote *widget.Label
	look     *widget.RadioGroup
	idle     *widget.Select
}

// languageNames are the language choices, each in its own language.
var languageNames = map[string]string{Japanese: "日本語", English: "English"}

// showSettings opens the settings dialog.
func (a *App) showSettings() {
	a.touch()
	d := &settingsDialog{}
	a.settings = d

	current := ChooseLanguage(a.prefs)
	d.langNote = widget.NewLabel("")
	d.langNote.Wrapping = fyne.TextWrapWord
	d.langNote.Importance = widget.MediumImportance
	d.language = widget.NewRadioGroup([]string{languageNames[Japanese], languageNames[English]}, func(choice string) {
		a.touch()
		code := Japanese
		if choice == languageNames[English] {
			code = English
		}
		a.prefs.SetString(LanguagePref, code)
		switch {
		case os.Getenv(LanguageEnv) != "":
			d.langNote.SetText(lang.L("settings.language_env", map[string]any{"Env": LanguageEnv}))
		case code != current:
			d.langNote.SetText(lang.L("settings.language_restart"))
		default:
			d.langNote.SetText("")
		}
	})
	d.language.Horizontal = true
	d.language.Required = true
	d.language.SetSelected(languageNames[ChooseLanguage(a.prefs)])

	lookLabels := map[string]string{
		ThemeLight:  lang.L("settings.theme_light"),
		ThemeDark:   lang.L("settings.theme_dark"),
		ThemeSystem: lang.L("settings.theme_system"),
	}
	var lookOptions []string
	for _, m := range themeModes {
		lookOptions = append(lookOptions, lookLabels[m])
	}
	d.look = widget.NewRadioGroup(lookOptions, func(choice string) {
		a.touch()
		for m, l := range lookLabels {
			if l == choice && m != themeMode(a.prefs) {
				a.prefs.SetString(ThemePref, m)
				a.applyLook()
			}
		}
	})
	d.look.Horizontal = true
	d.look.Required = true
	d.look.SetSelected(lookLabels[themeMode(a.prefs)])

	minutes := a.prefs.IntWithFallback(idleLockPref, defaultIdleLockMinutes)
	if minutes < 0 {
		minutes = 0
	}
	choices := idleLockChoices
	if !slices.Contains(choices, minutes) {
		choices = append(slices.Clone(choices), minutes)
		slices.Sort(choices)
	}
	idleLabel := func(m int) string {
		if m == 0 {
			return lang.L("settings.idle_off")
		}
		return lang.L("settings.idle_minutes", map[string]any{"Minutes": strconv.Itoa(m)})
	}
	var idleOptions []string
	for _, m := range choices {
		idleOptions = append(idleOptions, idleLabel(m))
	}
	d.idle = widget.NewSelect(idleOptions, func(choice string) {
		a.touch()
		for _, m := range choices {
			if idleLabel(m) == choice {
				a.prefs.SetInt(idleLockPref, m)
			}
		}
	})
	d.idle.SetSelected(idleLabel(minutes))
	idleNote := widget.NewLabel(lang.L("settings.idle_note"))
	idleNote.Wrapping = fyne.TextWrapWord
	idleNote.Importance = widget.LowImportance

	form := container.New(layout.NewFormLayout(),
		fieldName(lang.L("settings.language")), container.NewVBox(d.language, d.langNote),
		fieldName(lang.L("settings.theme")), d.look,
		fieldName(lang.L("settings.idle_lock")), container.NewVBox(container.NewHBox(d.idle), idleNote))
	d.dialog = dialog.NewCustom(lang.L("settings.title"), lang.L("item.close"),
		container.New(fixedWidth(520), form), a.win)
	d.dialog.SetOnClosed(func() {
		if a.settings == d {
			a.settings = nil
		}
	})
	d.dialog.Show()
}
