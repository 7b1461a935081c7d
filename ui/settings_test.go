package ui

import (
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
)

// menuItem finds the main menu item labelled label.
func menuItem(t *testing.T, u *App, label string) *fyne.MenuItem {
	t.Helper()
	for _, m := range u.win.MainMenu().Items {
		for _, it := range m.Items {
			if it.Label == label {
				return it
			}
		}
	}
	t.Fatalf("no menu item %q", label)
	return nil
}

func TestSettingsStoreLookLanguageAndIdleLock(t *testing.T) {
	u, _ := newTestApp(t, DirStore{Dir: filepath.Join(t.TempDir(), "store"), Options: fastOptions})
	menuItem(t, u, "設定…").Action()
	d := u.settings
	if d == nil {
		t.Fatal("the menu opened no settings dialog")
	}
	assertShows(t, u, "設定")

	d.look.SetSelected("ダーク")
	if got := u.prefs.String(ThemePref); got != ThemeDark {
		t.Errorf("theme preference = %q, want %q", got, ThemeDark)
	}
	th := u.fyneApp.Settings().Theme()
	if lt, ok := th.(*lookTheme); !ok || !lt.forced || lt.variant != theme.VariantDark {
		t.Fatalf("app theme is %T %+v, want one forced dark", th, th)
	}
	dark := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark)
	if got := th.Color(theme.ColorNameBackground, theme.VariantLight); got != dark {
		t.Errorf("dark look: background %v, want Fyne's dark %v", got, dark)
	}

	d.look.SetSelected("ライト")
	th = u.fyneApp.Settings().Theme()
	if got := th.Color(theme.ColorNameBackground, theme.VariantDark); got != readingBackground {
		t.Errorf("light look: background %v, want the reading palette's %v", got, readingBackground)
	}
	if got := u.prefs.String(ThemePref); got != ThemeLight {
		t.Errorf("theme preference = %q, want %q", got, ThemeLight)
	}

	d.language.SetSelected("English")
	if got := u.prefs.String(LanguagePref); got != English {
		t.Errorf("lang preference = %q, want %q", got, English)
	}
	if ChooseLanguage(u.prefs) != English {
		t.Error("ChooseLanguage does not pick the stored English")
	}
	if d.langNote.Text != lang.L("settings.language_restart") {
		t.Errorf("language note %q, want the restart note", d.langNote.Text)
	}

	d.idle.SetSelected("10分")
	if got := u.idleLockDelay(); got != 10*time.Minute {
		t.Errorf("idle lock delay = %v, want 10m", got)
	}
	d.idle.SetSelected("オフ")
	if got := u.prefs.Int(idleLockPref); got != 0 || u.idleLockDelay() != 0 {
		t.Errorf("idle lock off: preference %d, delay %v", got, u.idleLockDelay())
	}

	// The stored look applies at the next start.
	d.look.SetSelected("ダーク")
	u.fyneApp.Settings().SetTheme(theme.DefaultTheme())
	u2 := New(u.fyneApp, u.cfg)
	defer u2.win.Close()
	if lt, ok := u2.fyneApp.Settings().Theme().(*lookTheme); !ok || lt.variant != theme.VariantDark {
		t.Errorf("after a restart the theme is %T, want the stored dark look", u2.fyneApp.Settings().Theme())
	}
}
