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

	"github.com/spf13/cobra"

	"github.com/compact-un/compact/client"
	domain "github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// The operators' commands talk to a running API over HTTP: process,
// stage, window and draft.

// opsCmd is an operators' command, with the flags they share: use names
// its positional arguments, as in "move ID STAGE".
func opsCmd(use, short, long string, o *opsFlags) *cobra.Command {
	cmd := &cobra.Command{Use: use, Short: short, Long: long, Args: positional(strings.Fields(use)[1:]...)}
	o.register(cmd.Flags())
	return cmd
}

// opsCall makes one call and prints its answer: as the API gave it with
// --json, else through render. It returns the exit code.
func opsCall[T any](o *opsFlags, stdout io.Writer,
	call func(context.Context, *client.Client) (T, error), render func(T) error) error {
	c, kept, err := o.client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), opsTimeout)
	defer cancel()
	v, err := call(ctx, c)
	if err == nil && o.json {
		err = writeRaw(stdout, kept.body)
	} else if err == nil {
		err = render(v)
	}
	return failed(err)
}

func newProcessCreateCmd() *cobra.Command {
	var o opsFlags
	cmd := opsCmd("create", "start a process from a built-in template or a template file",
		"Starts a process from a built-in template (--template) or a template file (--template-file); the PGA office's token.", &o)
	fs := cmd.Flags()
	template := fs.String("template", "", "a built-in template's ID, e.g. gcm-2018 (or --template-file)")
	templateFile := fs.String("template-file", "", "a template as a JSON file, sent as templateBody (or --template)")
	id := fs.String("id", "", "the process's ID; default the template's")
	code := fs.String("code", "", "tracking-number prefix; default the template's")
	startsOn := fs.String("starts-on", "", "YYYY-MM-DD: shifts the template's calendar to begin that day")
	scale := fs.Float64("scale", 0, "process seconds per wall second; default 1 (real time)")
	cmd.MarkFlagsOneRequired("template", "template-file")
	cmd.MarkFlagsMutuallyExclusive("template", "template-file")
	if err := cmd.RegisterFlagCompletionFunc("template", completeTemplates); err != nil {
		panic(err)
	}
	cmd.RunE = func(cmd *cobra.Command, _ []string) error {
		starts, err := flagDate("starts-on", *startsOn, true)
		if err != nil {
			return err
		}
		if *scale != 0 && *scale < 1 {
			return fmt.Errorf("--scale %g: want 1 (real time) or more", *scale)
		}
		req := wire.CreateProcessRequest{Template: *template, ID: *id, Code: *code, StartsOn: starts, Scale: *scale}
		if *templateFile != "" {
			t, err := readTemplate(*templateFile)
			if err != nil {
				return failed(err)
			}
			req.TemplateBody = t
		}
		stdout := cmd.OutOrStdout()
		return opsCall(&o, stdout, func(ctx context.Context, c *client.Client) (domain.Process, error) {
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
	return cmd
}

func newProcessStatusCmd() *cobra.Command {
	var o opsFlags
	cmd := opsCmd("status ID", "show a process's phase, running and next stages and open windows",
		"Shows a process: its phase and status, the stages running and the next, and the windows open now with their wall-clock close times.", &o)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		return opsCall(&o, cmd.OutOrStdout(), func(ctx context.Context, c *client.Client) (wire.ProcessStatus, error) {
			return c.Process(ctx, pos[0])
		}, func(st wire.ProcessStatus) error { return printStatus(cmd.OutOrStdout(), st) })
	}
	return cmd
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

func newProcessTimelineCmd() *cobra.Command {
	var o opsFlags
	cmd := opsCmd("timeline ID", "list a process's stages by date",
		"Lists a process's stages by date, with their status and whether they were moved.", &o)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		return opsCall(&o, cmd.OutOrStdout(), func(ctx context.Context, c *client.Client) ([]domain.Stage, error) {
			return c.Stages(ctx, pos[0])
		}, func(stages []domain.Stage) error {
			// The API lists stages in the order they were added: one added at
			// run time comes last whatever its date.
			slices.SortStableFunc(stages, func(a, b domain.Stage) int {
				return cmp.Or(a.Spec.Start.Compare(b.Spec.Start.Time), cmp.Compare(a.Seq, b.Seq))
			})
			return printStages(cmd.OutOrStdout(), stages)
		})
	}
	return cmd
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

func newStageRescheduleCmd() *cobra.Command {
	var o opsFlags
	cmd := opsCmd("reschedule ID STAGE", "move a stage that has not started to new dates",
		"Moves a stage to new dates; the PGA office's token.", &o)
	fs := cmd.Flags()
	start := fs.String("start", "", "the stage's new first day, YYYY-MM-DD")
	end := fs.String("end", "", "the stage's new last day, YYYY-MM-DD")
	reason := fs.String("reason", "", "why, for the record")
	override := overrideFlags(cmd)
	dry := fs.Bool("dry-run", false, dryRunUsage)
	required(cmd, "start")
	cmd.RunE = func(cmd *cobra.Command, pos []string) (err error) {
		body := wire.RescheduleRequest{Reason: *reason, DryRun: *dry}
		if body.Start, err = flagDate("start", *start, false); err == nil {
			body.End, err = flagDate("end", *end, false)
		}
		if err == nil {
			body.Override, err = override()
		}
		if err != nil {
			return err
		}
		return opsCall(&o, cmd.OutOrStdout(), func(ctx context.Context, c *client.Client) (wire.ScheduledStage, error) {
			return c.Reschedule(ctx, pos[0], pos[1], body)
		}, printStageAnswer(cmd.OutOrStdout(), cmd.ErrOrStderr()))
	}
	return cmd
}

func newWindowOpenCmd() *cobra.Command {
	var o opsFlags
	cmd := opsCmd("open ID STAGE", "open a scheduled stage's window now, or move its opening",
		"Opens a scheduled stage's contribution window now, or a running accreditation stage's window before its date, or with --at moves its opening, in process time; the PGA office's token.", &o)
	at := cmd.Flags().String("at", "", "the new opening: YYYY-MM-DD or RFC 3339, in process time; default now")
	reason := cmd.Flags().String("reason", "", "why, for the record")
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		if _, err := flagDate("at", *at, false); err != nil {
			return err
		}
		return moveWindow(cmd, &o, pos, wire.WindowRequest{Open: *at == "", Opens: *at, Reason: *reason})
	}
	return cmd
}

func newWindowExtendCmd() *cobra.Command {
	var o opsFlags
	cmd := opsCmd("extend ID STAGE", "move a stage's contribution deadline",
		"Moves a stage's contribution deadline, in process time; the PGA office's token.", &o)
	closes := cmd.Flags().String("closes", "", "the new deadline, in process time: RFC 3339, or YYYY-MM-DD for the end of that day in the venue's time zone")
	reason := cmd.Flags().String("reason", "", "why, for the record")
	required(cmd, "closes")
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		if _, err := flagDate("closes", *closes, false); err != nil {
			return err
		}
		return moveWindow(cmd, &o, pos, wire.WindowRequest{Closes: *closes, Reason: *reason})
	}
	return cmd
}

func newWindowCloseCmd() *cobra.Command {
	var o opsFlags
	cmd := opsCmd("close ID STAGE", "close a running stage's window now",
		"Closes a running stage's contribution window now, or its special accreditation window (--reason required: it is shown on the public list of schedule changes); the PGA office's token.", &o)
	reason := cmd.Flags().String("reason", "", "why, for the record")
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		return moveWindow(cmd, &o, pos, wire.WindowRequest{Close: true, Reason: *reason})
	}
	return cmd
}

func moveWindow(cmd *cobra.Command, o *opsFlags, pos []string, body wire.WindowRequest) error {
	stdout := cmd.OutOrStdout()
	return opsCall(o, stdout, func(ctx context.Context, c *client.Client) (wire.WindowMove, error) {
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

func newDraftPublishCmd() *cobra.Command {
	var o opsFlags
	cmd := opsCmd("publish ID STAGE", "publish a draft stage's revision from a text file",
		"Publishes a draft stage's revision from a text file whose blank-line-separated paragraphs are the draft's; the PGA office's or a co-facilitator's token.", &o)
	fs := cmd.Flags()
	revision := fs.Int("revision", 0, "the revision the stage publishes, 0 for the zero draft")
	file := fs.String("file", "", "the draft's text")
	title := fs.String("title", "", "the draft's title; default the stage's")
	symbol := fs.String("symbol", "", "the document symbol; default the stage's")
	override := overrideFlags(cmd)
	required(cmd, "revision", "file")
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		if *revision < 0 {
			return fmt.Errorf("--revision %d: 0 or more", *revision)
		}
		ov, err := override()
		if err != nil {
			return err
		}
		return publishDraft(cmd.OutOrStdout(), &o, pos, *file, wire.DraftRequest{Revision: revision, Title: *title, Symbol: *symbol, Override: ov})
	}
	return cmd
}

// publishDraft publishes the paragraphs of file as the draft body asks.
func publishDraft(stdout io.Writer, o *opsFlags, pos []string, file string, body wire.DraftRequest) error {
	text, err := os.ReadFile(file)
	if err != nil {
		return failed(err)
	}
	if body.Paragraphs = paragraphs(string(text)); len(body.Paragraphs) == 0 {
		return failed(fmt.Errorf("%s has no paragraphs", file))
	}
	type published struct {
		wire.Document
		created bool
	}
	return opsCall(o, stdout, func(ctx context.Context, c *client.Client) (published, error) {
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
