package ui

import (
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
)

// filePicker asks the user for a file. done runs on the UI goroutine with
// the chosen path, and not at all when the user cancels.
type filePicker interface {
	// open asks for an existing file with the extension ext (".xlsx"),
	// any file when ext is "", in a dialog titled title.
	open(title, ext string, done func(path string))
	// save asks where to write a new file, suggesting name.
	save(title, name, ext string, done func(path string))
}

// dialogPicker is the filePicker of the app: Fyne's file dialogs, which
// start in the folder used last.
type dialogPicker struct {
	win fyne.Window
}

// fileDialogSize fits the dialogs into the smallest window we support.
var fileDialogSize = fyne.NewSize(860, 560)

func (p dialogPicker) open(title, ext string, done func(string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			logError("file open dialog", err)
			return
		}
		if r == nil {
			return // cancelled
		}
		path := r.URI().Path()
		if err := r.Close(); err != nil {
			logError("close "+path, err)
		}
		done(path)
	}, p.win)
	d.SetTitleText(title)
	if ext != "" {
		d.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	}
	d.Resize(fileDialogSize)
	d.Show()
}

func (p dialogPicker) save(title, name, ext string, done func(string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			logError("file save dialog", err)
			return
		}
		if w == nil {
			return // cancelled
		}
		// The dialog has created (or emptied) the file; the export
		// replaces it whole.
		path := w.URI().Path()
		if err := w.Close(); err != nil {
			logError("close "+path, err)
		}
		if !strings.EqualFold(filepath.Ext(path), ext) {
			removeIfEmpty(path)
			path += ext
		}
		done(path)
	}, p.win)
	d.SetTitleText(title)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	d.Resize(fileDialogSize)
	d.Show()
}

// removeIfEmpty removes path if it is an empty file: what the save dialog
// leaves behind when the export that was to fill it fails.
func removeIfEmpty(path string) {
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
		if err := os.Remove(path); err != nil {
			logError("remove "+path, err)
		}
	}
}

// safeFileName makes s usable as a file name on Windows, macOS and Linux.
func safeFileName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r < ' ', strings.ContainsRune(`/\:*?"<>|`, r):
			return '_'
		}
		return r
	}, strings.TrimSpace(s))
	s = strings.Trim(s, ". ")
	if s == "" {
		return "kansa"
	}
	return s
}
