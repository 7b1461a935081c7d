// Package ui is Kansa's desktop GUI, built with Fyne.
//
// Each screen is one type with a buildUI method that makes its widgets and
// onX methods that handle its events. The App moves between screens by
// typed routes (see Route) and holds the session: the unlocked workspace,
// or none while locked.
//
// The screens talk to the backend only through the Store and Workspace
// interfaces declared here; *workspace.Workspace satisfies Workspace, so
// tests drive the real store. (Reading a workbook for the checksheet import
// preview needs no store: it calls workspace.PreviewChecksheet.) Slow calls
// (unlocking runs Argon2id, loading reads the store, Excel import and
// export, the pre-export lints, PDF and Word export) run off the UI goroutine through a Runner, and their results
// touch widgets only on the UI goroutine (fyne.Do); progress reaches it
// through Config.Do.
//
// The audit workspace screen (PageAudit) edits results in place with no
// Save button: an autosaver debounces each field, writes one field per
// durable transaction off the UI goroutine in order, and is flushed when
// the user leaves a field, an item or the screen, and before the
// workspace is closed (lock, quit). Its keyboard commands sit on the main
// menu, which the driver consults before a focused Entry.
//
// UI text comes from lang.L with keys defined in assets/translations;
// Japanese is the default whatever the system locale (see UseLanguage).
package ui
