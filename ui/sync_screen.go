package ui

import (
	"context"
	"errors"
	"os"
	"regexp"
	"sort"
	"strings"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/kansa-audit/kansa/internal/audit"
	"github.com/kansa-audit/kansa/internal/jpcal"
	"github.com/kansa-audit/kansa/internal/workspace"
)

// syncWorkspace is what the sync screen needs of the workspace: the
// shared-folder sync and the team kept in the folder.
type syncWorkspace interface {
	// Sync publishes this device's new ops to the folder dir and applies
	// the other members' complete bundles; progress counts the bundles read.
	Sync(ctx context.Context, dir string, progress func(done, total int)) (*workspace.SyncReport, error)
	// SyncWithProgress is Sync counting the bundles read, then the bytes of
	// evidence imported; progress is called off the UI goroutine.
	SyncWithProgress(ctx context.Context, dir string, progress func(workspace.SyncProgress)) (*workspace.SyncReport, error)
	// FolderOf is the folder an engagement last synced with ("" if none).
	FolderOf(engagementID string) (string, error)
	// CreateFolder (chief) makes dir the engagement's sync folder.
	CreateFolder(engagementID, dir string) (*workspace.TeamInfo, error)
	// Team reads the roster of the folder dir.
	Team(dir string) (*workspace.TeamInfo, error)
	// JoinRequest is the file a new member gives the chief, and its
	// fingerprint.
	JoinRequest() ([]byte, string, error)
	// AddTeamMember (chief) adds the member of a join request.
	AddTeamMember(dir string, request []byte, role audit.Role) (workspace.TeamMember, error)
	// Fingerprint is this store's key fingerprint.
	Fingerprint() (string, error)
	// Unsynced counts this device's ops no sync has published yet.
	Unsynced() (int, error)
	// Syncs reports whether the store has read or created a sync folder.
	Syncs() (bool, error)
}

// joinRequestExt is the extension of join request files (JSON, as the
// CLI writes them).
const joinRequestExt = ".json"

// syncScreen syncs the engagement with its shared folder (a USB stick, a
// OneDrive/SMB/Syncthing folder) and manages the team kept there. The
// folder is remembered per engagement. 同期 runs off the UI goroutine with
// progress and Cancel; then the summary says what came in from whom and
// lists pending and rejected bundles, conflicts (each opening its item)
// and warnings.
type syncScreen struct {
	app   *App
	ws    Workspace
	route Route

	ctx    context.Context // cancelled when the screen leaves the window
	cancel context.CancelFunc
	// syncing is closed when the running sync's work has returned; nil
	// when none runs. syncCancel stops it.
	syncing    chan struct{}
	syncCancel context.CancelFunc

	engagement  *audit.Engagement // nil while the store has none (a new member)
	fingerprint string
	team        *workspace.TeamInfo // nil until a folder's roster is read
	teamSeq     int                 // drops roster reads overtaken by newer ones
	summary     *syncSummary        // the last sync's; nil before one

	title       *widget.Label
	subtitle    *widget.Label
	folder      *widget.Entry
	browse      *widget.Button
	syncBtn     *widget.Button
	back        *widget.Button
	unsynced    *widget.Label
	myPrint     *widget.Label
	teamStatus  *widget.Label
	teamBox     *fyne.Container
	create      *widget.Button // chief: make the folder the sync folder
	joinRequest *widget.Button
	addMember   *widget.Button  // chief: add a join request to the roster
	left        *fyne.Container // the folder pane, laid out again when the team changes
	result      *fyne.Container
	resultPane  *container.Scroll
	message     *messageLabel
	busy        *busyIndicator

	// Open dialogs, kept so that tests can drive them.
	progress *progressDialog
	adding   *addMemberDialog
	creating *confirmDialog
}

func newSyncScreen(app *App, r Route) *syncScreen {
	ctx, cancel := context.WithCancel(context.Background())
	return &syncScreen{app: app, ws: app.ws, route: r, ctx: ctx, cancel: cancel}
}

func (s *syncScreen) buildUI() fyne.CanvasObject {
	s.busy = newBusyIndicator()
	s.message = newMessageLabel()
	s.title = widget.NewLabelWithStyle(lang.L("sync.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	s.title.SizeName = theme.SizeNameSubHeadingText
	s.subtitle = caption()
	s.back = widget.NewButtonWithIcon(lang.L("sync.back"), theme.NavigateBackIcon(), s.onBack)
	top := container.NewVBox(
		container.NewBorder(nil, nil, s.back, s.busy.widget, container.NewVBox(s.title, s.subtitle)),
		s.message.widget, widget.NewSeparator())

	split := container.NewHSplit(container.NewVScroll(s.buildFolderPane()), s.buildResultPane())
	split.Offset = 0.44
	s.updateState()
	return container.NewPadded(container.NewBorder(top, nil, nil, nil, split))
}

// buildFolderPane makes the left side: the folder and 同期, this device's
// fingerprint, and the team in the folder.
func (s *syncScreen) buildFolderPane() fyne.CanvasObject {
	s.folder = widget.NewEntry()
	s.folder.SetPlaceHolder(lang.L("sync.folder_placeholder"))
	s.folder.OnChanged = func(string) { s.updateState() }
	s.folder.OnSubmitted = func(string) { s.onFolderChosen() }
	s.browse = widget.NewButtonWithIcon(lang.L("sync.browse"), theme.FolderOpenIcon(), s.onBrowse)
	s.syncBtn = widget.NewButtonWithIcon(lang.L("sync.run"), theme.ViewRefreshIcon(), s.onSync)
	s.syncBtn.Importance = widget.HighImportance
	s.unsynced = widget.NewLabel("")
	s.unsynced.Wrapping = fyne.TextWrapWord
	hint := caption()
	hint.Wrapping = fyne.TextWrapWord
	hint.SetText(lang.L("sync.folder_hint"))

	s.myPrint = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	printHint := caption()
	printHint.Wrapping = fyne.TextWrapWord
	printHint.SetText(lang.L("sync.fingerprint_hint"))
	s.teamStatus = widget.NewLabel("")
	s.teamStatus.Wrapping = fyne.TextWrapWord
	s.teamStatus.Hide()
	s.teamBox = container.NewVBox()
	s.create = widget.NewButtonWithIcon(lang.L("sync.create_folder"), theme.FolderNewIcon(), s.onCreateFolder)
	s.create.Hide()
	s.joinRequest = widget.NewButtonWithIcon(lang.L("sync.join_request"), theme.DocumentSaveIcon(), s.onJoinRequest)
	s.addMember = widget.NewButtonWithIcon(lang.L("sync.add_member"), theme.ContentAddIcon(), s.onAddMember)
	s.addMember.Hide()

	s.left = container.NewVBox(
		heading(lang.L("sync.folder")),
		container.NewBorder(nil, nil, nil, s.browse, s.folder),
		hint,
		container.NewBorder(nil, nil, nil, s.syncBtn, s.unsynced),
		widget.NewSeparator(),
		heading(lang.L("sync.my_fingerprint")),
		s.myPrint, printHint,
		widget.NewSeparator(),
		heading(lang.L("sync.team")),
		s.teamStatus, s.teamBox,
		container.NewHBox(s.create, s.addMember, s.joinRequest),
	)
	return s.left
}

// buildResultPane makes the right side, where the summary of a sync goes.
func (s *syncScreen) buildResultPane() fyne.CanvasObject {
	none := widget.NewLabel(lang.L("sync.no_result"))
	none.Wrapping = fyne.TextWrapWord
	s.result = container.NewVBox(heading(lang.L("sync.result")), none)
	s.resultPane = container.NewVScroll(container.NewPadded(s.result))
	return s.resultPane
}

func (s *syncScreen) onShown() { s.load() }

func (s *syncScreen) onHidden() { s.cancel() }

// workRunning keeps the idle lock from closing the store under a sync.
func (s *syncScreen) workRunning() bool { return s.syncing != nil }

// flushSaves runs before the workspace is closed (lock, quit): a running
// sync is cancelled and waited for, so that the store is not closed under
// it. What it applied so far stays applied.
func (s *syncScreen) flushSaves() {
	if s.syncing == nil {
		return
	}
	s.syncCancel()
	<-s.syncing
}

// syncStart is what the screen reads when it opens.
type syncStart struct {
	engagement  *audit.Engagement
	folder      string
	fingerprint string
	unsynced    int
}

// load reads the engagement, its remembered folder, this device's
// fingerprint and the count of unpublished changes, then the folder's team.
func (s *syncScreen) load() {
	s.busy.start()
	s.updateState()
	ws, want := s.ws, s.route.EngagementID
	background(s.app.cfg.Run, func() (syncStart, error) {
		var st syncStart
		engs, err := ws.Engagements()
		if err != nil {
			return st, err
		}
		for i, e := range engs {
			// A store syncs one engagement; with none named, its only one.
			if e.ID == want || (want == "" && len(engs) == 1) {
				st.engagement = &engs[i]
			}
		}
		if st.engagement != nil {
			if st.folder, err = ws.FolderOf(st.engagement.ID); err != nil {
				return st, err
			}
		}
		if st.fingerprint, err = ws.Fingerprint(); err != nil {
			return st, err
		}
		st.unsynced, err = ws.Unsynced()
		return st, err
	}, func(st syncStart, err error) {
		if !s.app.isCurrent(s) {
			return
		}
		s.busy.stop()
		if err != nil {
			s.showError(lang.L("sync.load_failed"), err)
			s.updateState()
			return
		}
		s.onLoaded(st)
	})
}

func (s *syncScreen) onLoaded(st syncStart) {
	s.engagement, s.fingerprint = st.engagement, st.fingerprint
	s.showEngagement()
	s.myPrint.SetText(st.fingerprint)
	s.showUnsynced(st.unsynced)
	if st.folder != "" && strings.TrimSpace(s.folder.Text) == "" {
		s.folder.SetText(st.folder)
	}
	s.updateState()
	s.loadTeam()
}

// showEngagement names the engagement under the title.
func (s *syncScreen) showEngagement() {
	if s.engagement == nil {
		s.subtitle.SetText(lang.L("sync.no_engagement"))
		return
	}
	s.route.EngagementID = s.engagement.ID
	s.app.route.EngagementID = s.engagement.ID
	s.subtitle.SetText(lang.L("sync.subtitle", map[string]any{"Title": s.engagement.Title, "Client": s.engagement.Client}))
}

func (s *syncScreen) showUnsynced(n int) {
	if n == 0 {
		s.unsynced.Importance = widget.SuccessImportance
		s.unsynced.SetText(lang.L("sync.unsynced_none"))
		return
	}
	s.unsynced.Importance = widget.WarningImportance
	s.unsynced.SetText(lang.L("sync.unsynced", map[string]any{"Count": n}))
}

// isChief reports whether this store's user is a chief auditor: only they
// create the folder and add members.
func (s *syncScreen) isChief() bool { return audit.Role(s.ws.Me().Role) == audit.RoleChief }

func (s *syncScreen) folderPath() string { return strings.TrimSpace(s.folder.Text) }

// updateState enables what can be used now.
func (s *syncScreen) updateState() {
	idle := !s.busy.busy()
	hasFolder := s.folderPath() != ""
	setEnabled(s.folder, idle)
	setEnabled(s.browse, idle)
	setEnabled(s.syncBtn, idle && hasFolder)
	setEnabled(s.back, idle)
	setEnabled(s.joinRequest, idle)
	chief := s.isChief()
	s.create.Hidden = !chief || s.engagement == nil || s.team != nil
	setEnabled(s.create, idle && hasFolder)
	s.addMember.Hidden = !chief || s.team == nil
	setEnabled(s.addMember, idle)
	s.create.Refresh()
	s.addMember.Refresh()
}

func (s *syncScreen) onBrowse() {
	d := dialog.NewFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil {
			logError("folder dialog", err)
			return
		}
		if u == nil {
			return // cancelled
		}
		s.folder.SetText(u.Path())
		s.onFolderChosen()
	}, s.app.win)
	d.SetTitleText(lang.L("sync.browse_title"))
	d.Resize(fileDialogSize)
	d.Show()
}

// onFolderChosen reads the team of the folder just typed or chosen.
func (s *syncScreen) onFolderChosen() {
	s.message.clear()
	s.updateState()
	s.loadTeam()
}

// loadTeam reads the roster of the folder off the UI goroutine.
func (s *syncScreen) loadTeam() {
	s.teamSeq++
	seq, dir, ws := s.teamSeq, s.folderPath(), s.ws
	if dir == "" {
		s.showTeam(nil, nil)
		return
	}
	s.busy.start()
	s.updateState()
	background(s.app.cfg.Run, func() (*workspace.TeamInfo, error) { return ws.Team(dir) },
		func(t *workspace.TeamInfo, err error) {
			if !s.app.isCurrent(s) {
				return
			}
			s.busy.stop()
			if seq == s.teamSeq {
				s.showTeam(t, err)
			}
			s.updateState()
		})
}

// showTeam lists the folder's members with their fingerprints, or says
// why there is no team to show.
func (s *syncScreen) showTeam(t *workspace.TeamInfo, err error) {
	s.team = t
	s.teamBox.RemoveAll()
	status := ""
	imp := widget.MediumImportance
	switch {
	case s.folderPath() == "":
		status = lang.L("sync.team_no_folder")
	case errors.Is(err, workspace.ErrNotFolder):
		status = lang.L("sync.team_not_folder")
		if s.isChief() && s.engagement != nil {
			status = lang.L("sync.team_not_folder_chief")
		}
	case errors.Is(err, workspace.ErrNotMember):
		status = lang.L("sync.team_not_member")
		imp = widget.WarningImportance
	case errors.Is(err, workspace.ErrNewerFormat):
		status = lang.L("sync.newer_format")
		imp = widget.DangerImportance
	case err != nil:
		logError("read the team", err)
		status = withDetails(lang.L("sync.team_failed"), err)
		imp = widget.DangerImportance
	}
	if status != "" {
		s.teamStatus.Importance = imp
		s.teamStatus.SetText(status)
		s.teamStatus.Show()
		s.left.Refresh()
		return
	}
	s.teamStatus.Hide()
	for _, m := range t.Members {
		s.teamBox.Add(s.memberRow(m))
	}
	s.left.Refresh()
}

// memberRow shows one member: name and role, fingerprint, and whether it
// is this device's user.
func (s *syncScreen) memberRow(m workspace.TeamMember) fyne.CanvasObject {
	name := widget.NewLabelWithStyle(m.Name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	detail := roleLabel(audit.Role(m.Role))
	if m.ID == s.ws.Me().Member {
		detail = lang.L("sync.member_me", map[string]any{"Role": detail})
	}
	if m.Removed {
		detail = lang.L("sync.member_removed", map[string]any{"Role": detail})
		name.Importance = widget.LowImportance
	}
	role := caption()
	role.SetText(detail)
	print := widget.NewLabelWithStyle(m.Fingerprint, fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
	return container.NewBorder(nil, nil, container.NewHBox(name, role), nil, print)
}

// onSync syncs with the folder off the UI goroutine, with a progress bar
// counting the bundles read, then the bytes of evidence imported, and
// Cancel. A cancelled sync keeps what it
// has applied: each bundle goes in with its own transaction.
func (s *syncScreen) onSync() {
	dir := s.folderPath()
	if dir == "" || s.busy.busy() {
		return
	}
	ctx, cancel := context.WithCancel(s.ctx)
	s.message.clear()
	s.busy.start()
	s.updateState()
	d := newProgressDialog(lang.L("sync.progress_title"), lang.L("sync.progress_start"), true, cancel, s.app.win)
	s.progress = d
	d.show()
	ws, now := s.ws, s.app.cfg.Now()
	running := make(chan struct{})
	s.syncing, s.syncCancel = running, cancel
	progress := syncProgressTo(s.app.cfg.Do, func(p workspace.SyncProgress) { // sync_progress.go
		if d.cancel.Disabled() {
			return // cancelling: keep saying so
		}
		d.text.SetText(syncProgressText(p))
		if p.TotalBytes > 0 {
			d.setProgress(int(p.Bytes), int(p.TotalBytes))
		} else {
			d.setProgress(p.Bundles, p.TotalBundles)
		}
	})
	background(s.app.cfg.Run, func() (*syncSummary, error) {
		defer close(running)
		rep, err := ws.SyncWithProgress(ctx, dir, progress)
		if err != nil {
			return nil, err
		}
		sum := &syncSummary{report: rep, folder: dir, at: now}
		sum.items, err = itemsOf(ws, rep)
		if err != nil {
			logError("name the synced items", err) // the summary shows ids instead
		}
		sum.audits = map[string]string{}
		if len(rep.Warnings) > 0 {
			if list, err := ws.Audits(rep.Engagement); err == nil {
				for _, a := range list {
					sum.audits[a.ID] = a.Title
				}
			}
		}
		sum.unsynced, err = ws.Unsynced()
		return sum, err
	}, func(sum *syncSummary, err error) {
		cancel()
		if s.syncing == running {
			s.syncing, s.syncCancel = nil, nil
		}
		if !s.app.isCurrent(s) {
			return
		}
		s.busy.stop()
		d.hide()
		switch {
		case errors.Is(err, context.Canceled):
			s.message.show(lang.L("sync.cancelled"), widget.MediumImportance)
		case err != nil:
			s.showError(syncErrorText(err), err)
		default:
			s.onSynced(sum)
		}
		s.updateState()
	})
}

// syncErrorText is what the user reads about a failed sync.
func syncErrorText(err error) string {
	switch {
	case errors.Is(err, workspace.ErrNotFolder):
		return lang.L("sync.not_folder")
	case errors.Is(err, workspace.ErrNewerFormat):
		return lang.L("sync.newer_format")
	case errors.Is(err, workspace.ErrNotMember):
		return lang.L("sync.team_not_member")
	case errors.Is(err, workspace.ErrInvalid) && strings.Contains(err.Error(), "syncs one engagement"):
		return lang.L("sync.one_engagement")
	case errors.Is(err, syscall.ENOSPC) && errors.Is(err, workspace.ErrPublish):
		return lang.L("sync.folder_full")
	case errors.Is(err, syscall.ENOSPC):
		return lang.L("sync.store_full")
	}
	return lang.L("sync.failed")
}

// onSynced shows the summary of a finished sync. The store may have just
// received its engagement (a new member's first sync), so the screen
// reloads what it shows.
func (s *syncScreen) onSynced(sum *syncSummary) {
	s.summary = sum
	s.route.EngagementID = sum.report.Engagement
	s.showUnsynced(sum.unsynced)
	s.showSummary()
	s.message.show(lang.L("sync.done"), widget.SuccessImportance)
	if s.engagement == nil || s.engagement.ID != sum.report.Engagement {
		s.reloadEngagement()
	}
	s.loadTeam()
}

// reloadEngagement reads the engagement named by the route again.
func (s *syncScreen) reloadEngagement() {
	ws, id := s.ws, s.route.EngagementID
	background(s.app.cfg.Run, func() ([]audit.Engagement, error) { return ws.Engagements() },
		func(engs []audit.Engagement, err error) {
			if !s.app.isCurrent(s) {
				return
			}
			if err != nil {
				logError("reload engagements", err)
				return
			}
			for i := range engs {
				if engs[i].ID == id {
					s.engagement = &engs[i]
				}
			}
			s.showEngagement()
			s.updateState()
		})
}

// itemRef names an item for the summary and says where it is.
type itemRef struct {
	auditID, no, title string
}

// itemsOf names the items the report mentions (conflicts, restored
// items), by entity id, reading the audits of the synced engagement.
func itemsOf(ws Workspace, rep *workspace.SyncReport) (map[string]itemRef, error) {
	want := map[string]bool{}
	for _, c := range rep.Conflicts {
		want[c.Entity] = true
	}
	for _, w := range rep.Warnings {
		if m := restoredWarning.FindStringSubmatch(w); m != nil {
			want[m[1]] = true
		}
	}
	out := map[string]itemRef{}
	if len(want) == 0 {
		return out, nil
	}
	audits, err := ws.Audits(rep.Engagement)
	if err != nil {
		return out, err
	}
	for _, a := range audits {
		st, err := ws.AuditState(a.ID)
		if err != nil {
			return out, err
		}
		for _, it := range st.Items {
			if want[it.ID] {
				out[it.ID] = itemRef{auditID: a.ID, no: it.No, title: oneLine(it.Title)}
			}
		}
	}
	return out, nil
}

// syncSummary is what one sync did, as the screen shows it.
type syncSummary struct {
	report   *workspace.SyncReport
	folder   string
	at       time.Time
	items    map[string]itemRef // entity id -> item, for links
	audits   map[string]string  // audit id -> title, for warnings
	unsynced int
	// links are the 開く buttons of the conflicts, in the order shown;
	// kept for tests.
	links []*widget.Button
}

// The warnings package workspace writes (in English) that the summary
// words in the user's language; others show as they are.
var (
	restoredWarning = regexp.MustCompile(`^(\S+) was deleted by one member and edited by another`)
	skewWarning     = regexp.MustCompile(`^(.+)'s clock runs (\S+) (ahead of|behind) this one`)
	removedWarning  = regexp.MustCompile(`^you are no longer on this engagement's team`)
	rejectedWarning = regexp.MustCompile(`^rejected the (.+?) \S+ of audit (\S+) published by (.+?): (.*); it is ignored$`)
	lateEditWarning = regexp.MustCompile(`^(\d+) edits by (.+?) to approved audit (\S+) arrived`)
	refusedWarning  = regexp.MustCompile(`^an evidence object named in a bundle of (.+?) was refused: (.*)$`)
)

// signOffNouns words the kinds of sign-off the rejection warning names.
var signOffNouns = map[string]string{
	"approval": "review.kind_approval", "reopening": "sync.kind_reopen",
	"preparer sign-off": "review.kind_preparer", "reviewer sign-off": "review.kind_reviewer",
}

// showSummary fills the result pane with the last sync's summary.
func (s *syncScreen) showSummary() {
	sum := s.summary
	rep := sum.report
	sum.links = nil
	s.result.RemoveAll()
	s.result.Add(heading(lang.L("sync.result")))
	when := caption()
	when.Wrapping = fyne.TextWrapWord
	when.SetText(lang.L("sync.result_meta", map[string]any{"At": sum.at.In(jpcal.JST).Format("2006/01/02 15:04"), "Folder": sum.folder}))
	s.result.Add(when)

	// Counts first: what went out, what came in.
	sent := lang.L("sync.sent_none")
	if rep.Published > 0 || rep.PublishedObjects > 0 {
		sent = lang.L("sync.sent", map[string]any{"Ops": rep.Published, "Objects": rep.PublishedObjects})
	}
	s.result.Add(summaryLine(theme.UploadIcon(), sent, widget.MediumImportance))
	members := make([]string, 0, len(rep.NewOps))
	for m := range rep.NewOps {
		members = append(members, m)
	}
	sort.Strings(members)
	if len(members) == 0 {
		s.result.Add(summaryLine(theme.DownloadIcon(), lang.L("sync.received_none"), widget.MediumImportance))
	}
	for _, m := range members {
		s.result.Add(summaryLine(theme.DownloadIcon(), lang.L("sync.received", map[string]any{"Member": m, "Count": rep.NewOps[m]}), widget.MediumImportance))
	}
	if rep.Imported > 0 {
		s.result.Add(summaryLine(theme.FileImageIcon(), lang.L("sync.imported", map[string]any{"Count": rep.Imported}), widget.MediumImportance))
	}

	// Then what needs the user: conflicts, warnings, rejected and pending.
	s.result.Add(widget.NewSeparator())
	s.result.Add(sectionHeading(lang.L("sync.conflicts", map[string]any{"Count": len(rep.Conflicts)}), len(rep.Conflicts) > 0))
	if len(rep.Conflicts) == 0 {
		s.result.Add(captionText(lang.L("sync.conflicts_none")))
	} else {
		s.result.Add(captionText(lang.L("sync.conflicts_hint")))
	}
	for _, c := range rep.Conflicts {
		s.result.Add(s.conflictRow(c))
	}
	if len(rep.Warnings) > 0 {
		s.result.Add(sectionHeading(lang.L("sync.warnings", map[string]any{"Count": len(rep.Warnings)}), true))
		for _, w := range rep.Warnings {
			s.result.Add(summaryLine(theme.WarningIcon(), s.warningText(w), widget.WarningImportance))
		}
	}
	if len(rep.Rejected) > 0 {
		s.result.Add(sectionHeading(lang.L("sync.rejected", map[string]any{"Count": len(rep.Rejected)}), true))
		s.result.Add(captionText(lang.L("sync.rejected_hint")))
		for _, r := range rep.Rejected {
			s.result.Add(bundleRow(theme.ErrorIcon(), r, r.Reason, widget.DangerImportance))
		}
	}
	s.result.Add(sectionHeading(lang.L("sync.pending", map[string]any{"Count": len(rep.Pending)}), false))
	if len(rep.Pending) == 0 {
		s.result.Add(captionText(lang.L("sync.pending_none")))
	} else {
		s.result.Add(captionText(lang.L("sync.pending_hint")))
	}
	for _, p := range rep.Pending {
		s.result.Add(bundleRow(theme.HistoryIcon(), p, pendingReason(p.Reason), widget.MediumImportance))
	}
	if rep.Debris > 0 {
		s.result.Add(captionText(lang.L("sync.debris", map[string]any{"Count": rep.Debris})))
	}
	s.result.Refresh()
	s.resultPane.ScrollToTop()
}

// conflictRow names a field in conflict, and for an item has 開く, which
// opens the item in the audit workspace.
func (s *syncScreen) conflictRow(c workspace.SyncConflict) fyne.CanvasObject {
	field := resultFieldName(c.Field)
	it, ok := s.summary.items[c.Entity]
	text := lang.L("sync.conflict_other", map[string]any{"Type": c.Type, "Field": field})
	if ok {
		text = lang.L("sync.conflict_item", map[string]any{"No": it.no, "Title": it.title, "Field": field})
	}
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	if !ok {
		return container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), nil, l)
	}
	open := widget.NewButtonWithIcon(lang.L("sync.open_item"), theme.NavigateNextIcon(), func() {
		s.app.navigate(Route{Page: PageAudit, EngagementID: s.route.EngagementID, AuditID: it.auditID, ItemID: c.Entity})
	})
	open.Importance = widget.WarningImportance
	s.summary.links = append(s.summary.links, open)
	return container.NewBorder(nil, nil, widget.NewIcon(theme.WarningIcon()), open, l)
}

// warningText words a sync warning.
func (s *syncScreen) warningText(w string) string {
	if m := restoredWarning.FindStringSubmatch(w); m != nil {
		if it, ok := s.summary.items[m[1]]; ok {
			return lang.L("sync.warning_restored", map[string]any{"No": it.no, "Title": it.title})
		}
	}
	if m := skewWarning.FindStringSubmatch(w); m != nil {
		key := "sync.warning_skew"
		if m[3] == "behind" {
			key = "sync.warning_skew_behind"
		}
		return lang.L(key, map[string]any{"Member": m[1], "Skew": skewText(m[2])})
	}
	if removedWarning.MatchString(w) {
		return lang.L("sync.warning_removed")
	}
	if m := rejectedWarning.FindStringSubmatch(w); m != nil {
		kind := m[1]
		if k, ok := signOffNouns[kind]; ok {
			kind = lang.L(k)
		}
		return lang.L("sync.warning_rejected_signoff", map[string]any{"Kind": kind, "Audit": s.auditTitle(m[2]), "Member": m[3], "Reason": m[4]})
	}
	if m := lateEditWarning.FindStringSubmatch(w); m != nil {
		return lang.L("sync.warning_late_edits", map[string]any{"Count": m[1], "Member": m[2], "Audit": s.auditTitle(m[3])})
	}
	if m := refusedWarning.FindStringSubmatch(w); m != nil {
		return lang.L("sync.warning_object_refused", map[string]any{"Member": m[1], "Reason": m[2]})
	}
	return w
}

// auditTitle names an audit of the synced engagement by its title.
func (s *syncScreen) auditTitle(id string) string {
	if t := s.summary.audits[id]; t != "" {
		return t
	}
	return id
}

// skewText words a clock skew as printed by package workspace (72h0m0s):
// 約1年, 約3日, 約5時間.
func skewText(d string) string {
	v, err := time.ParseDuration(d)
	if err != nil {
		return d
	}
	const year = 365 * 24 * time.Hour
	if v >= year*9/10 {
		return lang.L("sync.skew_years", map[string]any{"N": int(float64(v)/float64(year) + 0.5)})
	}
	if v >= 48*time.Hour {
		return lang.L("sync.skew_days", map[string]any{"N": int(v.Hours()/24 + 0.5)})
	}
	return lang.L("sync.skew_hours", map[string]any{"N": int(v.Hours() + 0.5)})
}

// pendingReason words why a bundle waits.
func pendingReason(r string) string {
	switch {
	case strings.HasPrefix(r, "waiting for ops"):
		return lang.L("sync.pending_ops")
	case strings.HasPrefix(r, "waiting for its evidence"):
		return lang.L("sync.pending_objects")
	}
	return lang.L("sync.pending_incomplete")
}

// resultFieldName is the label of a result field; other fields show their name.
func resultFieldName(f string) string {
	switch f {
	case fieldRating:
		return lang.L("workspace.rating")
	case fieldObservation:
		return lang.L("workspace.observation")
	case fieldEvidenceSeen:
		return lang.L("workspace.evidence_seen")
	case fieldFinding:
		return lang.L("workspace.finding")
	case fieldProposal:
		return lang.L("workspace.proposal")
	case workspace.CoverEvidence:
		return lang.L("review.field_evidence")
	case workspace.CoverHearing:
		return lang.L("review.field_hearing")
	}
	if workspace.IsChecksheetField(f) {
		return lang.L("review.field_checksheet")
	}
	return f
}

func summaryLine(icon fyne.Resource, text string, imp widget.Importance) fyne.CanvasObject {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	l.Importance = imp
	return container.NewBorder(nil, nil, widget.NewIcon(icon), nil, l)
}

// bundleRow is one pending or rejected bundle: whose, and why.
func bundleRow(icon fyne.Resource, b workspace.SyncItem, why string, imp widget.Importance) fyne.CanvasObject {
	member := b.Member
	if member == "" {
		member = lang.L("sync.unknown_member")
	}
	l := widget.NewLabel(lang.L("sync.bundle", map[string]any{"Member": member, "Reason": why}))
	l.Wrapping = fyne.TextWrapWord
	l.Importance = imp
	id := caption()
	id.Truncation = fyne.TextTruncateEllipsis
	id.SetText(shortID(b.Bundle))
	return container.NewBorder(nil, nil, widget.NewIcon(icon), nil, container.NewVBox(l, id))
}

func shortID(id string) string {
	if len(id) > 16 {
		return id[:16] + "…"
	}
	return id
}

// sectionHeading titles a part of the summary; alert colours it as a
// warning.
func sectionHeading(text string, alert bool) *widget.Label {
	l := heading(text)
	if alert {
		l.Importance = widget.WarningImportance
	}
	return l
}

func captionText(text string) *widget.Label {
	l := caption()
	l.Wrapping = fyne.TextWrapWord
	l.SetText(text)
	return l
}

// onCreateFolder (chief) makes the chosen folder the engagement's sync
// folder, after a confirmation.
func (s *syncScreen) onCreateFolder() {
	dir := s.folderPath()
	if dir == "" || s.engagement == nil || s.busy.busy() {
		return
	}
	s.creating = newConfirmDialog(lang.L("sync.create_title"),
		lang.L("sync.create_question", map[string]any{"Folder": dir, "Title": s.engagement.Title}),
		lang.L("sync.create_confirm"), lang.L("form.cancel"), func() { s.createFolder(dir) }, s.app.win)
	s.creating.dialog.Show()
}

func (s *syncScreen) createFolder(dir string) {
	s.busy.start()
	s.updateState()
	ws, eng := s.ws, s.engagement.ID
	background(s.app.cfg.Run, func() (*workspace.TeamInfo, error) {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, err
		}
		return ws.CreateFolder(eng, dir)
	}, func(t *workspace.TeamInfo, err error) {
		if !s.app.isCurrent(s) {
			return
		}
		s.busy.stop()
		if err != nil {
			s.showError(lang.L("sync.create_failed"), err)
		} else {
			s.message.show(lang.L("sync.created", map[string]any{"Folder": dir}), widget.SuccessImportance)
			s.teamSeq++
			s.showTeam(t, nil)
		}
		s.updateState()
	})
}

// onJoinRequest writes this store's join request where the user says and
// shows the fingerprint the chief must read on their side.
func (s *syncScreen) onJoinRequest() {
	name := safeFileName(lang.L("sync.join_file", map[string]any{"Name": s.ws.Me().Name})) + joinRequestExt
	s.app.files.save(lang.L("sync.join_request"), name, joinRequestExt, s.writeJoinRequest)
}

func (s *syncScreen) writeJoinRequest(path string) {
	if !s.app.isCurrent(s) || s.busy.busy() {
		removeIfEmpty(path)
		return
	}
	s.busy.start()
	s.updateState()
	ws := s.ws
	background(s.app.cfg.Run, func() (string, error) {
		b, fp, err := ws.JoinRequest()
		if err != nil {
			return "", err
		}
		return fp, os.WriteFile(path, b, 0o600)
	}, func(fp string, err error) {
		if !s.app.isCurrent(s) {
			return
		}
		s.busy.stop()
		if err != nil {
			removeIfEmpty(path)
			s.showError(lang.L("sync.join_failed"), err)
		} else {
			s.message.show(lang.L("sync.join_written", map[string]any{"Path": path, "Fingerprint": fp}), widget.SuccessImportance)
		}
		s.updateState()
	})
}

// onAddMember (chief) reads a join request, shows who it names and their
// fingerprint to compare with the new member's screen, and adds them
// with the role chosen.
func (s *syncScreen) onAddMember() {
	if s.team == nil || s.busy.busy() {
		return
	}
	s.app.files.open(lang.L("sync.add_member_open"), joinRequestExt, s.readJoinRequest)
}

func (s *syncScreen) readJoinRequest(path string) {
	if !s.app.isCurrent(s) || s.busy.busy() {
		return
	}
	type request struct {
		data   []byte
		member workspace.TeamMember
	}
	s.busy.start()
	s.updateState()
	background(s.app.cfg.Run, func() (request, error) {
		b, err := os.ReadFile(path)
		if err != nil {
			return request{}, err
		}
		m, err := workspace.ReadJoinRequest(b)
		return request{b, m}, err
	}, func(r request, err error) {
		if !s.app.isCurrent(s) {
			return
		}
		s.busy.stop()
		s.updateState()
		if err != nil {
			s.showError(lang.L("sync.bad_request"), err)
			return
		}
		s.adding = newAddMemberDialog(r.member, func(role audit.Role) { s.addTeamMember(r.data, role) }, s.app.win)
		s.adding.dialog.Show()
	})
}

func (s *syncScreen) addTeamMember(request []byte, role audit.Role) {
	s.busy.start()
	s.updateState()
	ws, dir := s.ws, s.folderPath()
	background(s.app.cfg.Run, func() (workspace.TeamMember, error) { return ws.AddTeamMember(dir, request, role) },
		func(m workspace.TeamMember, err error) {
			if !s.app.isCurrent(s) {
				return
			}
			s.busy.stop()
			if err != nil {
				s.showError(lang.L("sync.add_failed"), err)
			} else {
				s.message.show(lang.L("sync.added", map[string]any{"Name": m.Name, "Fingerprint": m.Fingerprint}), widget.SuccessImportance)
			}
			s.updateState()
			s.loadTeam()
		})
}

// addMemberDialog shows a join request before the chief adds it: the
// name and the fingerprint to compare, and the role to give.
type addMemberDialog struct {
	dialog *dialog.CustomDialog
	role   *widget.Select
	add    *widget.Button
}

// memberRoles are the roles the chief can give a new member.
var memberRoles = []audit.Role{audit.RoleAuditor, audit.RoleAssistant, audit.RoleProjectManager}

func newAddMemberDialog(m workspace.TeamMember, add func(audit.Role), parent fyne.Window) *addMemberDialog {
	d := &addMemberDialog{}
	var options []string
	for _, r := range memberRoles {
		options = append(options, roleLabel(r))
	}
	d.role = widget.NewSelect(options, nil)
	d.role.SetSelectedIndex(0)
	print := widget.NewLabelWithStyle(m.Fingerprint, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	compare := widget.NewLabel(lang.L("sync.add_compare", map[string]any{"Name": m.Name}))
	compare.Wrapping = fyne.TextWrapWord
	form := container.New(layout.NewFormLayout(),
		formLabel(lang.L("sync.add_name")), widget.NewLabel(m.Name),
		formLabel(lang.L("sync.add_fingerprint")), print,
		formLabel(lang.L("sync.add_role")), d.role)
	d.dialog = dialog.NewCustomWithoutButtons(lang.L("sync.add_title"),
		container.New(fixedWidth(480), container.NewVBox(compare, form)), parent)
	cancel := widget.NewButton(lang.L("form.cancel"), func() { d.dialog.Hide() })
	d.add = widget.NewButtonWithIcon(lang.L("sync.add_confirm"), theme.ConfirmIcon(), func() {
		d.dialog.Hide()
		add(memberRoles[max(0, d.role.SelectedIndex())])
	})
	d.add.Importance = widget.HighImportance
	d.dialog.SetButtons([]fyne.CanvasObject{cancel, d.add})
	return d
}

func (s *syncScreen) onBack() {
	s.app.navigate(Route{Page: PageHome, EngagementID: s.route.EngagementID})
}

// showError shows text with the cause on a details line and logs it.
func (s *syncScreen) showError(text string, err error) {
	logError(text, err)
	s.message.show(withDetails(text, err), widget.DangerImportance)
}

// syncShortcut opens the sync screen: Ctrl+Shift+S (Cmd+Shift+S on macOS).
var syncShortcut = &desktop.CustomShortcut{KeyName: fyne.KeyS, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}

// buildSyncMenuItem makes the main menu's 同期… command: the sync screen of
// the engagement being worked on.
func (a *App) buildSyncMenuItem() *fyne.MenuItem {
	a.syncItem = fyne.NewMenuItem(lang.L("menu.sync"), a.openSync)
	a.syncItem.Shortcut = syncShortcut
	a.syncItem.Disabled = true
	return a.syncItem
}

// openSync shows the sync screen of the current engagement, once the
// current screen's edits are on their way.
func (a *App) openSync() {
	if a.ws == nil {
		return
	}
	if _, on := a.screen.(*syncScreen); on {
		return
	}
	a.navigate(Route{Page: PageSync, EngagementID: a.route.EngagementID})
}

// onSync (home) opens the sync screen of the selected engagement.
func (s *homeScreen) onSync() {
	if s.busy.busy() {
		return
	}
	s.app.navigate(Route{Page: PageSync, EngagementID: s.selectedID()})
}
