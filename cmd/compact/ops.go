package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/compact-un/compact/client"
	domain "github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// The operators' commands talk to a running API over HTTP: process,
// stage, window and draft.

const processUsage = `Usage: compact process <command> [flags]

Starts and reads processes through the HTTP API (--server).

Commands:
  create    start a process from a built-in template or a template file
  status    show a process's phase, running and next stages and open windows
  timeline  list a process's stages by date

Run 'compact process <command> -h' for a command's flags.
`

const stageUsage = `Usage: compact stage <command> [flags]

Commands:
  add         add a stage to a phase: compact stage add ID --phase P --stage S --kind K --title T --start DATE
  cancel      cancel a stage that has not started: compact stage cancel ID STAGE --reason TEXT
  move        postpone or advance a stage that has not ended: compact stage move ID STAGE --start DATE --reason TEXT
  extend      extend a stage by days, or end it now: compact stage extend ID STAGE --days N|--end-now --reason TEXT
  venue       move a stage to another place: compact stage venue ID STAGE --place P --tz ZONE --reason TEXT
  reschedule  move a stage that has not started to new dates: compact stage reschedule ID STAGE --start DATE

Run 'compact stage <command> -h' for a command's flags.
`

const windowUsage = `Usage: compact window <command> [flags]

Commands:
  open    open a scheduled stage's window now, or move its opening: compact window open ID STAGE [--at TIME]
  extend  move a stage's contribution deadline: compact window extend ID STAGE --closes TIME
  close   close a running stage's window now: compact window close ID STAGE

Run 'compact window <command> -h' for a command's flags.
`

const draftUsage = `Usage: compact draft <command> [flags]

Commands:
  publish  publish a draft stage's revision from a text file:
           compact draft publish ID STAGE --revision N --file draft.txt

Run 'compact draft <command> -h' for a command's flags.
`

type opsCommand func(args []string, stdout, stderr io.Writer) int

// opsDispatch runs the subcommand args name among cmds.
func opsDispatch(group, usage string, cmds map[string]opsCommand, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd, rest := args[0], args[1:]
	if f, ok := cmds[cmd]; ok {
		return f(rest, stdout, stderr)
	}
	switch cmd {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "compact %s: unknown command %q\n\n%s", group, cmd, usage)
	return 2
}

func processCmd(args []string, stdout, stderr io.Writer) int {
	return opsDispatch("process", processUsage, map[string]opsCommand{
		"create": processCreateCmd, "status": processStatusCmd, "timeline": processTimelineCmd,
	}, args, stdout, stderr)
}

func stageCmd(args []string, stdout, stderr io.Writer) int {
	return opsDispatch("stage", stageUsage, map[string]opsCommand{
		"reschedule": stageRescheduleCmd, "add": stageAddCmd, "cancel": stageCancelCmd,
		"move": stageMoveCmd, "extend": stageExtendCmd, "venue": stageVenueCmd,
	}, args, stdout, stderr)
}

func windowCmd(args []string, stdout, stderr io.Writer) int {
	return opsDispatch("window", windowUsage, map[string]opsCommand{
		"open": windowOpenCmd, "extend": windowExtendCmd, "close": windowCloseCmd,
	}, args, stdout, stderr)
}

func draftCmd(args []string, stdout, stderr io.Writer) int {
	return opsDispatch("draft", draftUsage, map[string]opsCommand{"publish": draftPublishCmd}, args, stdout, stderr)
}

// opsCall makes one call and prints its answer: as the API gave it with
// --json, else through render. It returns the exit code.
func opsCall[T any](prefix string, o *opsFlags, stdout, stderr io.Writer,
	call func(context.Context, *client.Client) (T, error), render func(T) error) int {
	c, kept, err := o.client()
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), opsTimeout)
	defer cancel()
	v, err := call(ctx, c)
	if err == nil && o.json {
		err = writeRaw(stdout, kept.body)
	} else if err == nil {
		err = render(v)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
		return 1
	}
	return 0
}

func processCreateCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact process create"
	fs := newFlags("process create", "Starts a process from a built-in template (--template) or a template file (--template-file); the PGA office's token.", stderr)
	var o opsFlags
	o.register(fs)
	template := fs.String("template", "", "a built-in template's ID, e.g. gcm-2018 (required, or --template-file)")
	templateFile := fs.String("template-file", "", "a template as a JSON file, sent as templateBody (required, or --template)")
	id := fs.String("id", "", "the process's ID; default the template's")
	code := fs.String("code", "", "tracking-number prefix; default the template's")
	startsOn := fs.String("starts-on", "", "YYYY-MM-DD: shifts the template's calendar to begin that day")
	scale := fs.Float64("scale", 0, "process seconds per wall second; default 1 (real time)")
	if _, code, ok := parseOps(fs, prefix, args); !ok {
		return code
	}
	if (*template == "") == (*templateFile == "") {
		fmt.Fprintf(stderr, "%s: give either --template or --template-file\n", prefix)
		return 2
	}
	starts, err := flagDate("starts-on", *startsOn, true)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
		return 2
	}
	if *scale != 0 && *scale < 1 {
		fmt.Fprintf(stderr, "%s: --scale %g: want 1 (real time) or more\n", prefix, *scale)
		return 2
	}
	req := wire.CreateProcessRequest{Template: *template, ID: *id, Code: *code, StartsOn: starts, Scale: *scale}
	if *templateFile != "" {
		t, err := readTemplate(*templateFile)
		if err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
			return 1
		}
		req.TemplateBody = t
	}
	return opsCall(prefix, &o, stdout, stderr, func(ctx context.Context, c *client.Client) (domain.Process, error) {
		return c.CreateProcess(ctx, req)
	}, func(p domain.Process) error {
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "created\t%s\n", p.ID)
		fmt.Fprintf(tw, "template\t%s\n", p.TemplateID)
		fmt.Fprintf(tw, "title\t%s\n", p.Title)
		fmt.Fprintf(tw, "code\t%s\n", p.Code)
		fmt.Fprintf(tw, "phase\t%s\n", p.Phase)
		fmt.Fprintf(tw, "status\t%s\n", p.Status)
		return tw.Flush()
	})
}

func processStatusCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact process status"
	fs := newFlags("process status ID", "Shows a process: its phase and status, the stages running and the next, and the windows open now with their wall-clock close times.", stderr)
	var o opsFlags
	o.register(fs)
	pos, code, ok := parseOps(fs, prefix, args, "ID")
	if !ok {
		return code
	}
	return opsCall(prefix, &o, stdout, stderr, func(ctx context.Context, c *client.Client) (wire.ProcessStatus, error) {
		return c.Process(ctx, pos[0])
	}, func(st wire.ProcessStatus) error { return printStatus(stdout, st) })
}

func printStatus(w io.Writer, st wire.ProcessStatus) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintf(tw, "process\t%s\n", st.ID)
	fmt.Fprintf(tw, "title\t%s\n", st.Title)
	fmt.Fprintf(tw, "code\t%s\n", st.Code)
	fmt.Fprintf(tw, "phase\t%s\n", st.Phase)
	fmt.Fprintf(tw, "status\t%s\n", st.Status)
	fmt.Fprintf(tw, "current\t%s\n", orDash(strings.Join(st.Current, ", ")))
	next := "-"
	if st.Next != nil {
		next = fmt.Sprintf("%s on %s: %s", st.Next.StageID, fmtDate(st.Next.Start), st.Next.Title)
	}
	fmt.Fprintf(tw, "next\t%s\n", next)
	var counts []string
	for _, s := range slices.Sorted(maps.Keys(st.Counts)) {
		counts = append(counts, fmt.Sprintf("%s %d", s, st.Counts[s]))
	}
	fmt.Fprintf(tw, "stages\t%s\n", orDash(strings.Join(counts, ", ")))
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(st.OpenWindows) == 0 {
		_, err := fmt.Fprintln(w, "\nno window open")
		return err
	}
	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "OPEN WINDOW\tCODE\tOPENS\tCLOSES")
	for _, win := range st.OpenWindows {
		loc, err := domain.Zone(win.TimeZone)
		if err != nil {
			return err
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", win.StageID, orDash(win.Code),
			domain.FormatInstant(win.OpensAt, loc), domain.FormatDeadline(win.ClosesAt, loc))
	}
	return tw.Flush()
}

func processTimelineCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact process timeline"
	fs := newFlags("process timeline ID", "Lists a process's stages by date, with their status and whether they were moved.", stderr)
	var o opsFlags
	o.register(fs)
	pos, code, ok := parseOps(fs, prefix, args, "ID")
	if !ok {
		return code
	}
	return opsCall(prefix, &o, stdout, stderr, func(ctx context.Context, c *client.Client) ([]domain.Stage, error) {
		return c.Stages(ctx, pos[0])
	}, func(stages []domain.Stage) error {
		// The API lists stages in the order they were added: one added at
		// run time comes last whatever its date.
		slices.SortStableFunc(stages, func(a, b domain.Stage) int {
			return cmp.Or(a.Spec.Start.Compare(b.Spec.Start.Time), cmp.Compare(a.Seq, b.Seq))
		})
		return printStages(stdout, stages)
	})
}

func printStages(w io.Writer, stages []domain.Stage) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SEQ\tSTART\tEND\tSTAGE\tKIND\tSTATUS\tMOVED\tPLACE")
	for _, sg := range stages {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", sg.Seq, fmtDate(sg.Spec.Start), fmtDate(sg.Spec.End),
			sg.Spec.ID, sg.Spec.Kind, sg.Status, yesNo(sg.Moved), orDash(sg.Spec.Place))
	}
	return tw.Flush()
}

func stageRescheduleCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact stage reschedule"
	fs := newFlags("stage reschedule ID STAGE", "Moves a stage to new dates; the PGA office's token.", stderr)
	var o opsFlags
	o.register(fs)
	start := fs.String("start", "", "the stage's new first day, YYYY-MM-DD (required)")
	end := fs.String("end", "", "the stage's new last day, YYYY-MM-DD")
	reason := fs.String("reason", "", "why, for the record")
	dry := fs.Bool("dry-run", false, dryRunUsage)
	pos, code, ok := parseOps(fs, prefix, args, "ID", "STAGE")
	if !ok {
		return code
	}
	if *start == "" {
		fmt.Fprintf(stderr, "%s: --start is required\n", prefix)
		return 2
	}
	body := wire.RescheduleRequest{Reason: *reason, DryRun: *dry}
	var err error
	if body.Start, err = flagDate("start", *start, false); err == nil {
		body.End, err = flagDate("end", *end, false)
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
		return 2
	}
	return opsCall(prefix, &o, stdout, stderr, func(ctx context.Context, c *client.Client) (wire.ScheduledStage, error) {
		return c.Reschedule(ctx, pos[0], pos[1], body)
	}, printStageAnswer(stdout, stderr))
}

func windowOpenCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact window open"
	fs := newFlags("window open ID STAGE", "Opens a scheduled stage's contribution window now, or a running accreditation stage's window before its date, or with --at moves its opening, in process time; the PGA office's token.", stderr)
	var o opsFlags
	o.register(fs)
	at := fs.String("at", "", "the new opening: YYYY-MM-DD or RFC 3339, in process time; default now")
	reason := fs.String("reason", "", "why, for the record")
	pos, code, ok := parseOps(fs, prefix, args, "ID", "STAGE")
	if !ok {
		return code
	}
	if _, err := flagDate("at", *at, false); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
		return 2
	}
	body := wire.WindowRequest{Open: *at == "", Opens: *at, Reason: *reason}
	return moveWindow(prefix, &o, stdout, stderr, pos, body)
}

func windowExtendCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact window extend"
	fs := newFlags("window extend ID STAGE", "Moves a stage's contribution deadline, in process time; the PGA office's token.", stderr)
	var o opsFlags
	o.register(fs)
	closes := fs.String("closes", "", "the new deadline, in process time: RFC 3339, or YYYY-MM-DD for the end of that day in the venue's time zone (required)")
	reason := fs.String("reason", "", "why, for the record")
	pos, code, ok := parseOps(fs, prefix, args, "ID", "STAGE")
	if !ok {
		return code
	}
	if *closes == "" {
		fmt.Fprintf(stderr, "%s: --closes is required\n", prefix)
		return 2
	}
	if _, err := flagDate("closes", *closes, false); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
		return 2
	}
	body := wire.WindowRequest{Closes: *closes, Reason: *reason}
	return moveWindow(prefix, &o, stdout, stderr, pos, body)
}

func windowCloseCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact window close"
	fs := newFlags("window close ID STAGE", "Closes a running stage's contribution window now, or its special accreditation window (--reason required: it is shown on the public list of schedule changes); the PGA office's token.", stderr)
	var o opsFlags
	o.register(fs)
	reason := fs.String("reason", "", "why, for the record")
	pos, code, ok := parseOps(fs, prefix, args, "ID", "STAGE")
	if !ok {
		return code
	}
	body := wire.WindowRequest{Close: true, Reason: *reason}
	return moveWindow(prefix, &o, stdout, stderr, pos, body)
}

func moveWindow(prefix string, o *opsFlags, stdout, stderr io.Writer, pos []string, body wire.WindowRequest) int {
	return opsCall(prefix, o, stdout, stderr, func(ctx context.Context, c *client.Client) (wire.WindowMove, error) {
		return c.MoveWindow(ctx, pos[0], pos[1], body)
	}, func(res wire.WindowMove) error {
		loc, err := domain.Zone(res.TimeZone)
		if err != nil {
			return err
		}
		if !res.Opens.IsZero() {
			_, err := fmt.Fprintf(stdout, "stage %s: window opens %s, closes %s\n",
				res.StageID, domain.FormatInstant(res.Opens, loc), domain.FormatDeadline(res.Closes, loc))
			return err
		}
		_, err = fmt.Fprintf(stdout, "stage %s: window closes %s\n", res.StageID, domain.FormatDeadline(res.Closes, loc))
		return err
	})
}

func draftPublishCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact draft publish"
	fs := newFlags("draft publish ID STAGE", "Publishes a draft stage's revision from a text file whose blank-line-separated paragraphs are the draft's; the PGA office's or a co-facilitator's token.", stderr)
	var o opsFlags
	o.register(fs)
	revision := fs.Int("revision", -1, "the revision the stage publishes, 0 for the zero draft (required)")
	file := fs.String("file", "", "the draft's text (required)")
	title := fs.String("title", "", "the draft's title; default the stage's")
	symbol := fs.String("symbol", "", "the document symbol; default the stage's")
	pos, code, ok := parseOps(fs, prefix, args, "ID", "STAGE")
	if !ok {
		return code
	}
	switch {
	case *revision < 0:
		fmt.Fprintf(stderr, "%s: --revision is required, 0 or more\n", prefix)
		return 2
	case *file == "":
		fmt.Fprintf(stderr, "%s: --file is required\n", prefix)
		return 2
	}
	text, err := os.ReadFile(*file)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
		return 1
	}
	paras := paragraphs(string(text))
	if len(paras) == 0 {
		fmt.Fprintf(stderr, "%s: %s has no paragraphs\n", prefix, *file)
		return 1
	}
	body := wire.DraftRequest{Revision: revision, Title: *title, Symbol: *symbol, Paragraphs: paras}
	type published struct {
		wire.Document
		created bool
	}
	return opsCall(prefix, &o, stdout, stderr, func(ctx context.Context, c *client.Client) (published, error) {
		d, created, err := c.PublishDraft(ctx, pos[0], pos[1], body)
		return published{d, created}, err
	}, func(d published) error {
		verb := "published"
		if !d.created {
			verb = "already published" // a retry of the same text
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintf(tw, "%s\t%s revision %d\n", verb, d.Name, d.Revision)
		fmt.Fprintf(tw, "stage\t%s\n", d.StageID)
		fmt.Fprintf(tw, "symbol\t%s\n", orDash(d.Symbol))
		fmt.Fprintf(tw, "title\t%s\n", d.Title)
		fmt.Fprintf(tw, "paragraphs\t%d\n", d.ParagraphCount)
		fmt.Fprintf(tw, "sha256\t%s\n", d.SHA256)
		fmt.Fprintf(tw, "record seq\t%d\n", d.PublishedSeq)
		return tw.Flush()
	})
}
