// Command kansactl is Kansa's command-line interface: the same use cases as
// the GUI, headless and scriptable, built without cgo.
//
// Run `kansactl help` for the commands. Exit codes: 0 success, 1 error,
// 2 usage mistake, 3 wrong passphrase, 4 store already open elsewhere,
// 5 store damaged (or check found damage).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"

	"golang.org/x/term"

	"github.com/kansa-audit/kansa/internal/workspace"
)

const (
	exitOK        = 0
	exitError     = 1
	exitUsage     = 2
	exitWrongPass = 3
	exitBusy      = 4
	exitDamaged   = 5
)

// version is set by the Makefile from FyneApp.toml.
var version = "dev"

const helpText = `kansactl — Kansa's command line

Usage: kansactl COMMAND [flags and arguments in any order]

Global flags:
  --store DIR     the store (else $KANSA_STORE, else the user config dir)
The passphrase comes from $KANSA_PASSPHRASE, else a terminal prompt.

Commands:
  init --name NAME [--role chief|assistant|auditor|project-manager]
  engagement create --title T --client C --fiscal-year 2026 [--organisation FIRM]
      prints the new id; you join as a member, of FIRM (printed as the reports' issuer)
  engagement list
  audit create --engagement E --kind KIND --title T [--template NAME]   prints the new id
      KIND: external followup datacenter opscenter internal common-platform
  audit list --engagement E
  templates                                      list built-in checksheet templates
  item add --audit A --no N --title T [--section S] [--criteria C] [--points P]
      [--examples X] [--hearing-purpose H] [--guideline-ref G] [--notes TEXT]
  result set --audit A --item N [--rating R] [--observation TEXT]
      [--evidence-seen TEXT] [--finding CLASS] [--proposal TEXT]
      R: a code of the audit's scale (default: conform partial nonconform na unchecked)
      CLASS: finding advice notable good none
  evidence add --audit A --item N [--item N]... FILE [--caption TEXT]   prints id and sha256
  interview add --audit A --interviewee NAME --role ROLE --at RFC3339 --notes TEXT
      [--division D] [--place P] [--item N]...
  show --audit A [--json]
  checksheet import --audit A FILE.xlsx [--sheet NAME] [--dry-run] [--json] [--progress]
      read a checksheet workbook; prints what it adds, changes and orphans
  checksheet export --audit A --out FILE.xlsx [--progress]
  results export --audit A --out FILE.xlsx [--progress]      監査結果一覧
  results import --audit A FILE.xlsx [--json]
      bring back ratings and text filled into an exported checksheet or result list;
      a field also changed in Kansa since the export becomes a visible conflict
  followup create --engagement E --from AUDIT [--title T]   prints the new id
  progress import --audit A FILE.xlsx [--json]
      read the auditee's 改善計画書兼進捗状況一覧表 into a follow-up audit
  export --audit A --doc plan|report --format pdf|docx [--variant ward|jlis] --out FILE
      [--font TTF] [--issuer FIRM] [--names] [--progress]
      監査計画書 / 監査報告書; the lints run first and are printed on stderr
  lint --audit A [--json]                        pre-export checks: {item, rule, message}
  team create-folder --engagement E --folder DIR   (chief) make the engagement's sync folder
  team join-request --out FILE                     write your public keys for the chief
  team add --engagement E --request FILE --role ROLE [--folder DIR]
      (chief) add the member in a join request; compare the printed fingerprint
  team remove --engagement E --member ID [--folder DIR]
      (chief) remove a member; a new key epoch locks them out of later data
  team fingerprint [--json]                        your key fingerprint
  team list --engagement E | --folder DIR [--json] the roster with fingerprints
  sync [--folder DIR] [--engagement E] [--json] [--progress]
      publish your edits and apply the team's; prints new ops, pending items,
      conflicts and warnings. --folder may be left out once recorded: the
      folder last synced for --engagement, or for the store's only engagement
  review note --audit A (--item N | --section KEY) --text T   a review note; prints its id
  review answer --note ID --text T                 the preparer's response
  review close --note ID | review reopen-note --note ID
  review signoff --audit A [--item N] --as preparer|reviewer
      sign off an item (or the whole audit) as the values stand now; a later
      edit makes the sign-off stale. Reviewers: chief or assistant, never
      of work they prepared
  review approve --audit A                         (chief) final approval; locks the audit
  review reopen --audit A --reason R               (chief) unlock an approved audit
  review queue --audit A [--json]                  awaiting review, open notes, stale sign-offs
  check                                          verify every value, chain, view and blob
  check --folder DIR [--read-data] [--no-store] [--json]
      verify a sync folder: FORMAT, the roster chain, every file against its
      SHA-256 name, debris, missing pieces; --read-data also decrypts and
      verifies every bundle and the objects they name (exit 5 if damaged).
      Without --read-data it needs no store when there is none (or with
      --no-store): FORMAT, names against SHA-256 and debris need no keys; the
      roster chain and members' names are encrypted for the team and are then
      not verified
  rebuild                                        derive the view again from the log
  compact --out FILE                             write a compacted copy of the store file
  passwd                                         change the passphrase
  version                                        print the version

Item numbers are those printed on the checksheet; full-width digits are
normalised, so １２ = 12.

Exit codes: 0 ok, 1 error, 2 usage, 3 wrong passphrase, 4 store already open,
5 store damaged.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// env is what a command runs with.
type env struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
	store  string
	args   *args
	getenv func(string) string
}

type command struct {
	spec spec
	// open: whether the command needs an unlocked workspace.
	open bool
	run  func(e *env, ws *workspace.Workspace) error
}

func commands() map[string]command {
	return map[string]command{
		"init":              {spec{values: []string{"name", "role"}}, false, cmdInit},
		"engagement create": {spec{values: []string{"title", "client", "fiscal-year", "organisation"}}, true, cmdEngagementCreate},
		"engagement list":   {spec{bools: []string{"json"}}, true, cmdEngagementList},
		"audit create":      {spec{values: []string{"engagement", "kind", "title", "template"}}, true, cmdAuditCreate},
		"audit list":        {spec{values: []string{"engagement"}, bools: []string{"json"}}, true, cmdAuditList},
		"templates":         {spec{}, false, cmdTemplates},
		"item add": {spec{values: []string{"audit", "no", "title", "section", "criteria", "points", "examples",
			"hearing-purpose", "guideline-ref", "notes"}}, true, cmdItemAdd},
		"result set": {spec{values: []string{"audit", "item", "rating", "observation", "evidence-seen",
			"finding", "proposal"}}, true, cmdResultSet},
		"evidence add": {spec{values: []string{"audit", "caption"}, multi: []string{"item"}}, true, cmdEvidenceAdd},
		"interview add": {spec{values: []string{"audit", "interviewee", "role", "at", "notes", "division", "place"},
			multi: []string{"item"}}, true, cmdInterviewAdd},
		"show":              {spec{values: []string{"audit"}, bools: []string{"json"}}, true, cmdShow},
		"checksheet import": {spec{values: []string{"audit", "sheet"}, bools: []string{"json", "dry-run", "progress"}}, true, cmdChecksheetImport},
		"checksheet export": {spec{values: []string{"audit", "out"}, bools: []string{"progress"}}, true, cmdChecksheetExport},
		"results export":    {spec{values: []string{"audit", "out"}, bools: []string{"progress"}}, true, cmdResultsExport},
		"followup create":   {spec{values: []string{"engagement", "from", "title"}}, true, cmdFollowupCreate},
		"results import":    {spec{values: []string{"audit"}, bools: []string{"json"}}, true, cmdResultsImport},
		"export": {spec{values: []string{"audit", "doc", "format", "variant", "out", "font", "issuer"},
			bools: []string{"progress", "names"}}, true, cmdExport},
		"lint":               {spec{values: []string{"audit"}, bools: []string{"json"}}, true, cmdLint},
		"progress import":    {spec{values: []string{"audit"}, bools: []string{"json"}}, true, cmdProgressImport},
		"check":              {spec{values: []string{"folder"}, bools: []string{"json", "read-data", "progress", "no-store"}}, false, cmdCheck},
		"rebuild":            {spec{}, true, cmdRebuild},
		"compact":            {spec{values: []string{"out"}}, true, cmdCompact},
		"passwd":             {spec{}, false, cmdPasswd},
		"team create-folder": {spec{values: []string{"engagement", "folder"}}, true, cmdTeamCreateFolder},
		"team join-request":  {spec{values: []string{"out"}}, true, cmdTeamJoinRequest},
		"team add":           {spec{values: []string{"engagement", "folder", "request", "role"}}, true, cmdTeamAdd},
		"team remove":        {spec{values: []string{"engagement", "folder", "member"}}, true, cmdTeamRemove},
		"team fingerprint":   {spec{bools: []string{"json"}}, true, cmdTeamFingerprint},
		"team list":          {spec{values: []string{"engagement", "folder"}, bools: []string{"json"}}, true, cmdTeamList},
		"sync":               {spec{values: []string{"engagement", "folder"}, bools: []string{"json", "progress"}}, true, cmdSync},
		"debug edit-loop":    {spec{values: []string{"audit", "item", "count"}}, true, cmdEditLoop},
		// Review workflow (review.go).
		"review note":        {spec{values: []string{"audit", "item", "section", "text"}}, true, cmdReviewNote},
		"review answer":      {spec{values: []string{"note", "text"}}, true, cmdReviewAnswer},
		"review close":       {spec{values: []string{"note"}}, true, cmdReviewClose},
		"review reopen-note": {spec{values: []string{"note"}}, true, cmdReviewReopenNote},
		"review signoff":     {spec{values: []string{"audit", "item", "as"}}, true, cmdReviewSignOff},
		"review approve":     {spec{values: []string{"audit"}}, true, cmdReviewApprove},
		"review reopen":      {spec{values: []string{"audit", "reason"}}, true, cmdReviewReopen},
		"review queue":       {spec{values: []string{"audit"}, bools: []string{"json"}}, true, cmdReviewQueue},
	}
}

// run executes one command line and returns the exit code.
func run(ctx context.Context, argv []string, stdout, stderr io.Writer) int {
	return runEnv(ctx, argv, stdout, stderr, os.Getenv)
}

func runEnv(ctx context.Context, argv []string, stdout, stderr io.Writer, getenv func(string) string) int {
	// Pull out the global --store flag wherever it stands.
	var rest []string
	store := ""
	for i := 0; i < len(argv); i++ {
		a := argv[i]
		switch {
		case a == "--store" || a == "-store":
			if i+1 >= len(argv) {
				fmt.Fprintln(stderr, "kansactl: --store needs a directory")
				return exitUsage
			}
			store = argv[i+1]
			i++
		case strings.HasPrefix(a, "--store="):
			store = strings.TrimPrefix(a, "--store=")
		default:
			rest = append(rest, a)
		}
	}
	if len(rest) == 1 && (rest[0] == "version" || rest[0] == "--version") {
		fmt.Fprintln(stdout, "kansactl", version)
		return exitOK
	}
	if len(rest) == 0 || rest[0] == "help" || rest[0] == "--help" || rest[0] == "-h" {
		fmt.Fprint(stdout, helpText)
		if len(rest) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmds := commands()
	name, cmd, ok := "", command{}, false
	// Two-word commands take precedence ("audit create"), found among the
	// positionals so that flags may come first.
	var words []int
	for i, a := range rest {
		if !strings.HasPrefix(a, "-") {
			words = append(words, i)
			if len(words) == 2 {
				break
			}
		}
	}
	if len(words) >= 2 {
		if c, found := cmds[rest[words[0]]+" "+rest[words[1]]]; found {
			name, cmd, ok = rest[words[0]]+" "+rest[words[1]], c, true
			rest = append(append(append([]string{}, rest[:words[0]]...), rest[words[0]+1:words[1]]...), rest[words[1]+1:]...)
		}
	}
	if !ok && len(words) >= 1 {
		if c, found := cmds[rest[words[0]]]; found {
			name, cmd, ok = rest[words[0]], c, true
			rest = append(append([]string{}, rest[:words[0]]...), rest[words[0]+1:]...)
		}
	}
	if !ok {
		fmt.Fprintf(stderr, "kansactl: unknown command %q; run `kansactl help`\n", strings.Join(rest, " "))
		return exitUsage
	}
	a, err := parse(cmd.spec, rest)
	if err != nil {
		return report(stderr, name, err)
	}
	if store == "" {
		if store, err = workspace.DefaultDir(); err != nil {
			return report(stderr, name, err)
		}
	}
	e := &env{ctx: ctx, stdout: stdout, stderr: stderr, store: store, args: a, getenv: getenv}
	var ws *workspace.Workspace
	if cmd.open {
		if ws, err = e.open(); err != nil {
			return report(stderr, name, err)
		}
		defer ws.Close()
	}
	if err := cmd.run(e, ws); err != nil {
		return report(stderr, name, err)
	}
	return exitOK
}

// open asks for the passphrase and opens the store.
func (e *env) open() (*workspace.Workspace, error) {
	pass, err := e.passphrase("Passphrase: ", false)
	if err != nil {
		return nil, err
	}
	return workspace.Open(e.store, pass, workspace.Options{})
}

// report prints err in plain words and maps it to an exit code.
func report(stderr io.Writer, cmd string, err error) int {
	code, msg := exitError, err.Error()
	switch {
	case errors.Is(err, errUsage):
		code = exitUsage
		msg = strings.TrimPrefix(msg, errUsage.Error()+": ") + "; run `kansactl help`"
	case errors.Is(err, workspace.ErrWrongPassphrase):
		code, msg = exitWrongPass, "wrong passphrase: the store was not opened and nothing was changed"
	case errors.Is(err, workspace.ErrAlreadyOpen):
		code, msg = exitBusy, "the store is already open in another Kansa process (close it, or wait for it to finish)"
	case errors.Is(err, workspace.ErrNoStore):
		msg = "there is no store here yet; create one with `kansactl init --name NAME` (" + msg + ")"
	case errors.Is(err, errFolderDamaged):
		code = exitDamaged
	case errors.Is(err, errCheckFailed):
		code, msg = exitDamaged, "the store is damaged: "+strings.TrimPrefix(msg, errCheckFailed.Error()+": ")
	case errors.Is(err, workspace.ErrDamaged):
		code = exitDamaged
		msg = "the store is damaged: " + msg + "; run `kansactl check` for details"
	case errors.Is(err, workspace.ErrInvalid):
		msg = strings.ReplaceAll(msg, workspace.ErrInvalid.Error()+": ", "")
	}
	fmt.Fprintf(stderr, "kansactl %s: %s\n", cmd, msg)
	return code
}

// passphrase reads $KANSA_PASSPHRASE or prompts on the terminal; confirm
// asks twice (for new passphrases).
func (e *env) passphrase(prompt string, confirm bool) ([]byte, error) {
	if p := e.getenv("KANSA_PASSPHRASE"); p != "" {
		return []byte(p), nil
	}
	tty, err := os.OpenFile("/dev/tty", os.O_RDWR, 0)
	fd := int(os.Stdin.Fd())
	var out io.Writer = e.stderr
	if err == nil {
		defer tty.Close()
		fd, out = int(tty.Fd()), tty
	}
	if !term.IsTerminal(fd) {
		return nil, usageErr("no passphrase: set KANSA_PASSPHRASE or run in a terminal")
	}
	fmt.Fprint(out, prompt)
	p, err := term.ReadPassword(fd)
	fmt.Fprintln(out)
	if err != nil {
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	if confirm {
		fmt.Fprint(out, "Again: ")
		q, err := term.ReadPassword(fd)
		fmt.Fprintln(out)
		if err != nil {
			return nil, fmt.Errorf("read passphrase: %w", err)
		}
		if string(p) != string(q) {
			return nil, usageErr("the two passphrases differ")
		}
	}
	if len(p) == 0 {
		return nil, usageErr("the passphrase is empty")
	}
	return p, nil
}

// errCheckFailed is check's verdict when it found damage (exit 5).
var errCheckFailed = errors.New("check failed")

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
