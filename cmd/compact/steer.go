package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/compact-un/compact/client"
	domain "github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// The office steers a running process from the command line: add, cancel,
// move, extend and re-venue stages. Each change needs a reason, which the
// public list of schedule changes shows.

// stageMoveCmd postpones or advances a stage that has not ended.
func stageMoveCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact stage move"
	fs := newFlags("stage move ID STAGE", "Postpones or advances a stage that has not ended, also one whose window is open: what it received stays, its deadline follows; the PGA office's token.", stderr)
	start := fs.String("start", "", "the stage's new first day, YYYY-MM-DD (required)")
	end := fs.String("end", "", "the stage's new last day, YYYY-MM-DD; default: as long as before")
	override := overrideFlags(fs)
	var req wire.MoveStageRequest
	fs.BoolVar(&req.DryRun, "dry-run", false, dryRunUsage)
	return steerCmd(prefix, fs, args, stdout, stderr, func() (err error) {
		if *start == "" {
			return fmt.Errorf("--start is required")
		}
		if req.Start, err = flagDate("start", *start, true); err == nil {
			req.End, err = flagDate("end", *end, true)
		}
		if err == nil {
			req.Override, err = override()
		}
		return err
	}, func(ctx context.Context, c *client.Client, id, stage, reason string) (wire.ScheduledStage, error) {
		req.Reason = reason
		return c.MoveStage(ctx, id, stage, req)
	})
}

// stageExtendCmd lengthens, shortens or ends now a stage that has not ended.
func stageExtendCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact stage extend"
	fs := newFlags("stage extend ID STAGE", "Extends a stage that has not ended by --days (shortens it when negative), or ends a running session or round now with --end-now; the PGA office's token.", stderr)
	days := fs.Int("days", 0, "days to add to its last day; negative to shorten (required, or --end-now)")
	endNow := fs.Bool("end-now", false, "end the running session or round now (required, or --days)")
	override := overrideFlags(fs)
	dry := fs.Bool("dry-run", false, dryRunUsage)
	var o *domain.Override
	return steerCmd(prefix, fs, args, stdout, stderr, func() (err error) {
		if (*days == 0) == !*endNow {
			return fmt.Errorf("give --days N or --end-now")
		}
		o, err = override()
		return err
	}, func(ctx context.Context, c *client.Client, id, stage, reason string) (wire.ScheduledStage, error) {
		return c.ExtendStage(ctx, id, stage, wire.ExtendStageRequest{Days: *days, EndNow: *endNow, Reason: reason, Override: o, DryRun: *dry})
	})
}

// stageVenueCmd moves a stage to another place and time zone.
func stageVenueCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact stage venue"
	fs := newFlags("stage venue ID STAGE", "Moves a stage that has not ended to another place and IANA time zone, in which its deadlines given as a date alone end; the PGA office's token.", stderr)
	place := fs.String("place", "", "the new place, e.g. Vienna (required)")
	zone := fs.String("tz", "", "the venue's IANA time zone, e.g. Europe/Vienna (required)")
	return steerCmd(prefix, fs, args, stdout, stderr, func() error {
		if *place == "" || *zone == "" {
			return fmt.Errorf("--place and --tz are required")
		}
		if _, err := domain.Zone(*zone); err != nil {
			return fmt.Errorf("--tz: %w", err)
		}
		return nil
	}, func(ctx context.Context, c *client.Client, id, stage, reason string) (wire.ScheduledStage, error) {
		return c.SetVenue(ctx, id, stage, wire.VenueRequest{Place: *place, TimeZone: *zone, Reason: reason})
	})
}

// stageCancelCmd cancels a stage that has not started.
func stageCancelCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact stage cancel"
	fs := newFlags("stage cancel ID STAGE", "Cancels a stage that has not started, and its window; the PGA office's token.", stderr)
	return steerCmd(prefix, fs, args, stdout, stderr, func() error { return nil },
		func(ctx context.Context, c *client.Client, id, stage, reason string) (wire.ScheduledStage, error) {
			st, err := c.CancelStage(ctx, id, stage, wire.ReasonRequest{Reason: reason})
			return wire.ScheduledStage{Stage: st}, err
		})
}

// steerCmd parses a steering command's ID, STAGE, --reason and the flags fs
// holds, checks them, and sends the change, printing the stage as it now
// stands.
func steerCmd(prefix string, fs *flag.FlagSet, args []string, stdout, stderr io.Writer, check func() error,
	send func(ctx context.Context, c *client.Client, id, stage, reason string) (wire.ScheduledStage, error)) int {
	var o opsFlags
	o.register(fs)
	reason := fs.String("reason", "", "why, for the public list of schedule changes (required)")
	pos, code, ok := parseOps(fs, prefix, args, "ID", "STAGE")
	if !ok {
		return code
	}
	err := check()
	if err == nil && strings.TrimSpace(*reason) == "" {
		err = fmt.Errorf("--reason is required: the public list of schedule changes shows why")
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
		return 2
	}
	return opsCall(prefix, &o, stdout, stderr, func(ctx context.Context, c *client.Client) (wire.ScheduledStage, error) {
		return send(ctx, c, pos[0], pos[1], *reason)
	}, printStageAnswer(stdout, stderr))
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

// overrideFlags registers --override-rule and --override-reason: a rule of
// the process's modalities set aside for this act, with the reason the
// record keeps. It reads them: nil when neither is given.
func overrideFlags(fs *flag.FlagSet) func() (*domain.Override, error) {
	rule := fs.String("override-rule", "", "set this rule of the process's modalities aside for this act, e.g. A/RES/71/280:phases (with --override-reason)")
	reason := fs.String("override-reason", "", "why the rule is set aside, kept in the record (required with --override-rule)")
	return func() (*domain.Override, error) {
		if *rule == "" && *reason == "" {
			return nil, nil
		}
		o := &domain.Override{Rule: *rule, Reason: *reason}
		if err := o.Check(); err != nil {
			return nil, fmt.Errorf("--override-rule and --override-reason go together: %s", domain.Message(err))
		}
		return o, nil
	}
}

// stageAddCmd adds a stage to a phase: an extra round, hearing or
// intersessional meeting. Its window's dates given alone follow the one
// deadline rule in its venue's zone.
func stageAddCmd(args []string, stdout, stderr io.Writer) int {
	const prefix = "compact stage add"
	fs := newFlags("stage add ID", "Adds a stage to a phase of a running process; the PGA office's token.", stderr)
	var o opsFlags
	o.register(fs)
	var spec domain.StageSpec
	phase := fs.String("phase", "", "the phase it belongs to (required)")
	fs.StringVar(&spec.ID, "stage", "", "the new stage's ID, e.g. round7 (required)")
	kind := fs.String("kind", "", "its kind, e.g. negotiation-round, hearing, thematic-session (required)")
	fs.StringVar(&spec.Title, "title", "", "its title (required)")
	fs.StringVar(&spec.Code, "code", "", "its tracking-number code, for a stage with a window, e.g. TS7")
	fs.StringVar(&spec.Place, "place", "", "where it meets")
	fs.StringVar(&spec.TimeZone, "tz", "", "the venue's IANA time zone, e.g. America/New_York")
	start := fs.String("start", "", "its first day, YYYY-MM-DD (required); a silence's may be an RFC 3339 time, when it is placed")
	end := fs.String("end", "", "its last day, YYYY-MM-DD; a silence's deadline: that day's end at the venue, or an RFC 3339 time")
	opens := fs.String("opens", "", "its window's opening: YYYY-MM-DD (that day's start at the venue) or RFC 3339")
	closes := fs.String("closes", "", "its window's deadline: YYYY-MM-DD (that day's end at the venue) or RFC 3339")
	reason := fs.String("reason", "", "why, for the public list of schedule changes")
	override := overrideFlags(fs)
	dry := fs.Bool("dry-run", false, dryRunUsage)
	pos, code, ok := parseOps(fs, prefix, args, "ID")
	if !ok {
		return code
	}
	spec.Kind = domain.StageKind(*kind)
	err := addedStage(&spec, *phase, *start, *end, *opens, *closes)
	req := wire.AddStageRequest{Phase: *phase, Stage: spec, Reason: *reason, DryRun: *dry}
	if err == nil {
		req.Override, err = override()
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", prefix, err)
		return 2
	}
	return opsCall(prefix, &o, stdout, stderr, func(ctx context.Context, c *client.Client) (wire.ScheduledStage, error) {
		return c.AddStage(ctx, pos[0], req)
	}, printStageAnswer(stdout, stderr))
}

// addedStage completes a stage from stage add's flags, or says what is wrong.
func addedStage(spec *domain.StageSpec, phase, start, end, opens, closes string) error {
	if phase == "" || spec.ID == "" || spec.Kind == "" || spec.Title == "" || start == "" {
		return fmt.Errorf("--phase, --stage, --kind, --title and --start are required")
	}
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
	if (opens == "") != (closes == "") {
		return fmt.Errorf("give both --opens and --closes for a window, or neither")
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
