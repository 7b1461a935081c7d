package ui

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"

	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// attachJob is an evidence import: files attached to one item by one
// workspace batch, off the UI goroutine (photos derived on up to two
// cores, stored in order), with a progress dialog and Cancel.
type attachJob struct {
	ctx    context.Context
	cancel context.CancelFunc
	itemID string
	itemNo string
	paths  []string
	next   int // files tried to the end
	added  int
	failed []string // what the user reads about each refused file
	dialog *progressDialog
	// working is closed when the batch has returned; nil once its
	// results are taken.
	working chan struct{}
}

// onAttach asks for a file to attach to the selected item. Fyne has no
// multi-file open dialog; several files at once come by dropping them on
// the window.
func (s *auditScreen) onAttach() {
	s.app.touch()
	if !s.editable() || s.attaching != nil {
		return
	}
	s.app.files.open(lang.L("attach.dialog_title"), "", func(path string) {
		if s.app.isCurrent(s) {
			s.attachFiles([]string{path})
		}
	})
}

// attachFiles imports paths as evidence of the selected item.
func (s *auditScreen) attachFiles(paths []string) {
	if len(paths) == 0 {
		return
	}
	if !s.editable() {
		s.message.show(lang.L("attach.not_editable"), widget.WarningImportance)
		return
	}
	if s.attaching != nil {
		s.message.show(lang.L("attach.busy"), widget.WarningImportance)
		return
	}
	it := s.state.Items[s.current]
	ctx, cancel := context.WithCancel(context.Background())
	j := &attachJob{ctx: ctx, cancel: cancel, itemID: it.ID, itemNo: it.No, paths: paths}
	j.dialog = newProgressDialog(lang.L("attach.progress_title", map[string]any{"No": it.No}), "", true, cancel, s.app.win)
	s.attaching = j
	s.message.clear()
	s.busy.start()
	j.dialog.show()
	s.attachRun(j)
}

// attachRun imports all files of j in one workspace batch and shows its
// progress: the file being worked on, n of m.
func (s *auditScreen) attachRun(j *attachJob) {
	var (
		mu   sync.Mutex
		name string
	)
	show := progressTo(s.app.cfg.Do, func(done, total int) {
		if s.attaching != j || done >= total {
			return
		}
		mu.Lock()
		file := name
		mu.Unlock()
		j.dialog.text.SetText(lang.L("attach.progress", map[string]any{"N": done + 1, "Total": total, "File": file}))
		j.dialog.setProgress(done, total)
	})
	progress := func(done, total int, file string) {
		mu.Lock()
		name = file
		mu.Unlock()
		show(done, total)
	}
	j.dialog.text.SetText(lang.L("attach.progress", map[string]any{"N": 1, "Total": len(j.paths), "File": filepath.Base(j.paths[0])}))
	j.dialog.setProgress(0, len(j.paths))
	ws, auditID, no, paths := s.ws, s.route.AuditID, j.itemNo, j.paths
	working := make(chan struct{})
	j.working = working
	background(s.app.cfg.Run, func() ([]workspace.BatchResult, error) {
		defer close(working)
		return ws.AddEvidenceBatch(j.ctx, auditID, []string{no}, paths, progress)
	}, func(res []workspace.BatchResult, err error) {
		j.working = nil
		if s.attaching != j {
			return // stopped: the workspace may be closed
		}
		if len(res) == 0 && err != nil && !errors.Is(err, context.Canceled) {
			// The batch could not start (item gone, audit locked): every
			// file failed for the same reason.
			for _, p := range paths {
				s.attachResult(j, p, audit.Evidence{}, err)
			}
		}
		for _, r := range res {
			s.attachResult(j, r.Path, r.Evidence, r.Err)
		}
		s.attachDone(j)
	})
}

// attachResult takes the outcome of one file.
func (s *auditScreen) attachResult(j *attachJob, path string, ev audit.Evidence, err error) {
	j.next++
	name := filepath.Base(path)
	switch {
	case err == nil:
		j.added++
		if s.state != nil {
			for i := range s.state.Items {
				if s.state.Items[i].ID == j.itemID {
					s.state.Items[i].Evidence = append(s.state.Items[i].Evidence, ev)
				}
			}
		}
	case errors.Is(err, context.Canceled):
		j.next-- // not tried to the end
	case errors.Is(err, workspace.ErrBadPhoto):
		logError("attach "+path, err)
		j.failed = append(j.failed, lang.L("attach.bad_photo", map[string]any{"File": name}))
	default:
		logError("attach "+path, err)
		j.failed = append(j.failed, lang.L("attach.failed_file", map[string]any{"File": name, "Err": err.Error()}))
	}
}

// attachDone closes the progress dialog, redraws the item's evidence and
// says what was attached and what was not.
func (s *auditScreen) attachDone(j *attachJob) {
	j.cancel()
	if s.attaching == j {
		s.attaching = nil
	}
	j.dialog.hide()
	if !s.app.isCurrent(s) || s.state == nil {
		return
	}
	s.busy.stop()
	for i := range s.state.Items {
		if s.state.Items[i].ID == j.itemID {
			s.hay[i] = ""
			s.refreshRow(i)
		}
	}
	if s.current >= 0 && s.state.Items[s.current].ID == j.itemID {
		s.fillEvidence()
	}
	text := lang.L("attach.done", map[string]any{"Count": j.added})
	imp := widget.SuccessImportance
	if len(j.failed) > 0 {
		text += lang.L("attach.refused", map[string]any{"Count": len(j.failed), "Files": strings.Join(j.failed, "、")})
		imp = widget.DangerImportance
	}
	if rest := len(j.paths) - j.next; rest > 0 {
		text += lang.L("attach.cancelled", map[string]any{"Count": rest})
		if imp == widget.SuccessImportance {
			imp = widget.WarningImportance
		}
	}
	s.message.show(text, imp)
}

// workRunning reports an evidence import; the idle lock waits for it.
func (s *auditScreen) workRunning() bool { return s.attaching != nil }

// cancelAttach stops an import after the file being stored.
func (s *auditScreen) cancelAttach() {
	if j := s.attaching; j != nil {
		j.cancel()
	}
}

// stopAttach cancels an import and waits for the batch to return, so that
// the workspace can be closed under it.
func (s *auditScreen) stopAttach() {
	j := s.attaching
	if j == nil {
		return
	}
	j.cancel()
	if j.working != nil {
		<-j.working
	}
	s.attaching = nil
	j.dialog.hide()
}
