package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/compact-un/compact/client"
	domain "github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// The office steers a running process from the command line: add, cancel,
// move, extend and re-venue stages. Each change needs a reason, which the
// public list of schedule changes shows.

// newStageMoveCmd postpones or advances a stage that has not ended.
func newStageMoveCmd() *cobra.Command {
	var s steering
	cmd := steerCmd("move ID STAGE", "postpone or advance a stage that has not ended",
		"Postpones or advances a stage that has not ended, also one whose window is open: what it received stays, its deadline follows; the PGA office's token.", &s)
	start := cmd.Flags().String("start", "", "the stage's new first day, YYYY-MM-DD")
	end := cmd.Flags().String("end", "", "the stage's new last day, YYYY-MM-DD; default: as long as before")
	override := overrideFlags(cmd)
	dry := cmd.Flags().Bool("dry-run", false, dryRunUsage)
	required(cmd, "start")
	cmd.RunE = func(cmd *cobra.Command, pos []string) (err error) {
		req := wire.MoveStageRequest{Reason: s.reason, DryRun: *dry}
		if req.Start, err = flagDate("start", *start, true); err == nil {
			req.End, err = flagDate("end", *end, true)
		}
		if err == nil {
			req.Override, err = override()
		}
		if err != nil {
			return err
		}
		return s.send(cmd, func(ctx context.Context, c *client.Client) (wire.ScheduledStage, error) {
			return c.MoveStage(ctx, pos[0], pos[1], req)
		})
	}
	return cmd
}

// newStageExtendCmd lengthens, shortens or ends now a stage that has not ended.
func newStageExtendCmd() *cobra.Command {
	var s steering
	cmd := steerCmd("extend ID STAGE", "extend a stage by days, or end it now",
		"Extends a stage that has not ended by --days (shortens it when negative), or ends a running session or round now with --end-now; the PGA office's token.", &s)
	days := cmd.Flags().Int("days", 0, "days to add to its last day; negative to shorten (or --end-now)")
	endNow := cmd.Flags().Bool("end-now", false, "end the running session or round now (or --days)")
	override := overrideFlags(cmd)
	dry := cmd.Flags().Bool("dry-run", false, dryRunUsage)
	cmd.MarkFlagsOneRequired("days", "end-now")
	cmd.MarkFlagsMutuallyExclusive("days", "end-now")
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		if *days == 0 && !*endNow {
			return errors.New("--days 0: give a number of days, or --end-now")
		}
		o, err := override()
		if err != nil {
			return err
		}
		return s.send(cmd, func(ctx context.Context, c *client.Client) (wire.ScheduledStage, error) {
			return c.ExtendStage(ctx, pos[0], pos[1], wire.ExtendStageRequest{Days: *days, EndNow: *endNow, Reason: s.reason, Override: o, DryRun: *dry})
		})
	}
	return cmd
}

// newStageVenueCmd moves a stage to another place and time zone.
func newStageVenueCmd() *cobra.Command {
	var s steering
	cmd := steerCmd("venue ID STAGE", "move a stage to another place",
		"Moves a stage that has not ended to another place and IANA time zone, in which its deadlines given as a date alone end; the PGA office's token.", &s)
	place := cmd.Flags().String("place", "", "the new place, e.g. Vienna")
	zone := cmd.Flags().String("tz", "", "the venue's IANA time zone, e.g. Europe/Vienna")
	required(cmd, "place", "tz")
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		if _, err := domain.Zone(*zone); err != nil {
			return fmt.Errorf("--tz: %w", err)
		}
		return s.send(cmd, func(ctx context.Context, c *client.Client) (wire.ScheduledStage, error) {
			return c.SetVenue(ctx, pos[0], pos[1], wire.VenueRequest{Place: *place, TimeZone: *zone, Reason: s.reason})
		})
	}
	return cmd
}

// newStageCancelCmd cancels a stage that has not started.
func newStageCancelCmd() *cobra.Command {
	var s steering
	cmd := steerCmd("cancel ID STAGE", "cancel a stage that has not started",
		"Cancels a stage that has not started, and its window; the PGA office's token.", &s)
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		return s.send(cmd, func(ctx context.Context, c *client.Client) (wire.ScheduledStage, error) {
			st, err := c.CancelStage(ctx, pos[0], pos[1], wire.ReasonRequest{Reason: s.reason})
			return wire.ScheduledStage{Stage: st}, err
		})
	}
	return cmd
}

// steering is what the steering commands share: the operators' flags, and
// --reason, which the public list of schedule changes shows.
type steering struct {
	opsFlags
	reason string
}

// steerCmd is a steering command of stage STAGE of process ID.
func steerCmd(use, short, long string, s *steering) *cobra.Command {
	cmd := opsCmd(use, short, long, &s.opsFlags)
	cmd.Flags().StringVar(&s.reason, "reason", "", "why, for the public list of schedule changes")
	required(cmd, "reason")
	return cmd
}

// send sends a change and prints the stage as it now stands.
func (s *steering) send(cmd *cobra.Command, call func(context.Context, *client.Client) (wire.ScheduledStage, error)) error {
	if strings.TrimSpace(s.reason) == "" {
		return errors.New("--reason is blank: the public list of schedule changes shows why")
	}
	return opsCall(&s.opsFlags, cmd.OutOrStdout(), call, printStageAnswer(cmd.OutOrStdout(), cmd.ErrOrStderr()))
}

// dryRunUsage explains --dry-run, on every command that schedules.
const dryRunUsage = "check the change and print its warnings (steps out of their natural order, clashes) without making it"

// printStageAnswer prints a stage the API answered with, its window's
// times in its venue's zone, and a warning for each step it takes out of
// the process's natural order and each meeting of another process it
// clashes with.
func printStageAnswer(stdout, stderr io.Writer) func(wire.ScheduledStage) error {
	return func(sg wire.ScheduledStage) error {
		if sg.DryRun {
			if _, err := fmt.Fprintln(stdout, "dry run: nothing changed; the stage would stand as"); err != nil {
				return err
			}
		}
		if err := printStages(stdout, []domain.Stage{sg.Stage}); err != nil {
			return err
		}
		if w := sg.Spec.Window; w != nil {
			loc := sg.Spec.Location()
			if _, err := fmt.Fprintf(stdout, "window opens %s, closes %s\n", domain.FormatInstant(w.Opens.Time, loc), domain.FormatDeadline(w.Closes.Time, loc)); err != nil {
				return err
			}
		}
		for _, n := range sg.Sequence {
			fmt.Fprintf(stderr, "warning: out of order: %s\n", n.Detail)
		}
		for _, c := range sg.Clashes {
			fmt.Fprintf(stderr, "warning: %s\n", describeClash(c))
		}
		return nil
	}
}

// describeClash says what a clash is, in one line.
func describeClash(c domain.Clash) string {
	var why []string
	if c.SameVenue {
		why = append(why, "also in "+c.Place)
	}
	if len(c.CoFacilitators) > 0 {
		why = append(why, "same co-facilitators ("+strings.Join(c.CoFacilitators, ", ")+")")
	}
	return fmt.Sprintf("overlaps %s %q of %s, %s to %s: %s", c.StageID, c.Title, c.ProcessID,
		c.Start.UTC().Format(time.DateOnly), c.Finish.Add(-time.Nanosecond).UTC().Format(time.DateOnly), strings.Join(why, "; "))
}

// overrideFlags registers --override-rule and --override-reason on a
// command whose request takes an override: a rule of the process's
// modalities set aside for this act, with the reason the record keeps. It
// reads them: nil when neither is given.
func overrideFlags(cmd *cobra.Command) func() (*domain.Override, error) {
	rule := cmd.Flags().String("override-rule", "", "set this rule of the process's modalities aside for this act, e.g. A/RES/71/280:phases (with --override-reason)")
	reason := cmd.Flags().String("override-reason", "", "why the rule is set aside, kept in the record (with --override-rule)")
	cmd.MarkFlagsRequiredTogether("override-rule", "override-reason")
	return func() (*domain.Override, error) {
		if *rule == "" && *reason == "" {
			return nil, nil
		}
		o := &domain.Override{Rule: *rule, Reason: *reason}
		if err := o.Check(); err != nil {
			return nil, fmt.Errorf("--override-rule and --override-reason: %s", domain.Message(err))
		}
		return o, nil
	}
}

// newStageAddCmd adds a stage to a phase: an extra round, hearing or
// intersessional meeting. Its window's dates given alone follow the one
// deadline rule in its venue's zone.
func newStageAddCmd() *cobra.Command {
	var o opsFlags
	cmd := opsCmd("add ID", "add a stage to a phase", "Adds a stage to a phase of a running process; the PGA office's token.", &o)
	fs := cmd.Flags()
	var spec domain.StageSpec
	phase := fs.String("phase", "", "the phase it belongs to")
	fs.StringVar(&spec.ID, "stage", "", "the new stage's ID, e.g. round7")
	kind := fs.String("kind", "", "its kind, e.g. negotiation-round, hearing, thematic-session")
	fs.StringVar(&spec.Title, "title", "", "its title")
	fs.StringVar(&spec.Code, "code", "", "its tracking-number code, for a stage with a window, e.g. TS7")
	fs.StringVar(&spec.Place, "place", "", "where it meets")
	fs.StringVar(&spec.TimeZone, "tz", "", "the venue's IANA time zone, e.g. America/New_York")
	start := fs.String("start", "", "its first day, YYYY-MM-DD; a silence's may be an RFC 3339 time, when it is placed")
	end := fs.String("end", "", "its last day, YYYY-MM-DD; a silence's deadline: that day's end at the venue, or an RFC 3339 time")
	opens := fs.String("opens", "", "its window's opening: YYYY-MM-DD (that day's start at the venue) or RFC 3339")
	closes := fs.String("closes", "", "its window's deadline: YYYY-MM-DD (that day's end at the venue) or RFC 3339")
	reason := fs.String("reason", "", "why, for the public list of schedule changes")
	override := overrideFlags(cmd)
	dry := fs.Bool("dry-run", false, dryRunUsage)
	required(cmd, "phase", "stage", "kind", "title", "start")
	cmd.MarkFlagsRequiredTogether("opens", "closes")
	cmd.RunE = func(cmd *cobra.Command, pos []string) error {
		spec.Kind = domain.StageKind(*kind)
		err := addedStage(&spec, *start, *end, *opens, *closes)
		req := wire.AddStageRequest{Phase: *phase, Stage: spec, Reason: *reason, DryRun: *dry}
		if err == nil {
			req.Override, err = override()
		}
		if err != nil {
			return err
		}
		return opsCall(&o, cmd.OutOrStdout(), func(ctx context.Context, c *client.Client) (wire.ScheduledStage, error) {
			return c.AddStage(ctx, pos[0], req)
		}, printStageAnswer(cmd.OutOrStdout(), cmd.ErrOrStderr()))
	}
	return cmd
}

// addedStage completes a stage from stage add's flags, or says what is wrong.
func addedStage(spec *domain.StageSpec, start, end, opens, closes string) error {
	loc, err := domain.Zone(spec.TimeZone)
	if err != nil {
		return fmt.Errorf("--tz: %w", err)
	}
	for _, f := range []struct {
		name, value string
		to          *domain.Date
	}{{"start", start, &spec.Start}, {"end", end, &spec.End}} {
		if f.value == "" {
			continue
		}
		// A silence is placed, and ends, at a time of day as often as on a day.
		d, err := flagDate(f.name, f.value, spec.Kind != domain.Silence)
		if err != nil {
			return err
		}
		*f.to = d
	}
	if opens == "" {
		return nil
	}
	o, err := domain.ParseOpening(opens, loc)
	if err != nil {
		return fmt.Errorf("--opens: %w", err)
	}
	c, err := domain.ParseDeadline(closes, loc)
	if err != nil {
		return fmt.Errorf("--closes: %w", err)
	}
	spec.Window = &domain.Window{Opens: domain.Date{Time: o}, Closes: domain.Date{Time: c}}
	return nil
}
