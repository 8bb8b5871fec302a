package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/internal/ical"
	"github.com/compact-un/compact/process"
)

// getCalendar serves a process's schedule as iCalendar (RFC 5545), all
// stages or those of one kind (?kind=thematic-session), so that delegations
// subscribe to it and see moves and cancellations.
func (s *Server) getCalendar(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), r.PathValue("id")
	kind := process.StageKind(r.URL.Query().Get("kind"))
	if kind != "" && !kind.Valid() {
		s.fail(w, r, process.Errorf("api.getCalendar", process.Invalid, "kind=%q is not a stage kind", kind))
		return
	}
	p, stages, err := s.processStages(ctx, id)
	var entries []process.RecordEntry
	if err == nil {
		entries, err = s.store.EntriesOf(ctx, id, calendarEvents)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf("inline; filename=%q", id+".ics"))
	_, _ = w.Write(calendar(p, stages, entries, kind))
}

// calendarEvents are the record's events that change a calendar's events.
var calendarEvents = event.Strings(event.StageRescheduled, event.StageCancelled, event.VenueChanged, event.DeadlineMoved, event.WindowMoved, event.StageAdded)

// stageChanges is what the record says about one stage's schedule.
type stageChanges struct {
	moves         int       // reschedules and the cancellation: the stage's SEQUENCE
	deadlineMoves int       // moves of its window's close, besides
	closes        time.Time // the close of its window, when moved after it opened
	changed       time.Time // when the schedule last changed: DTSTAMP
}

func scheduleChanges(entries []process.RecordEntry) map[string]*stageChanges {
	changes := map[string]*stageChanges{}
	for _, e := range entries {
		c := changes[e.StageID]
		if c == nil {
			c = &stageChanges{}
			changes[e.StageID] = c
		}
		switch event.Name(e.Event) {
		// A calendar client applies an update only when SEQUENCE rises,
		// so a cancellation and a new venue count as well as a move.
		case event.StageRescheduled, event.StageCancelled, event.VenueChanged:
			c.moves++
		case event.DeadlineMoved:
			c.deadlineMoves++
		case event.WindowMoved: // an open window's close; the stage's row keeps the old one
			c.deadlineMoves++
			if d, err := event.DecodeAs[event.WindowMovedData]([]byte(e.Data)); err == nil {
				c.closes = d.To
			}
		case event.StageAdded:
		default:
			continue
		}
		c.changed = e.RecordedAt
	}
	return changes
}

// calendar writes the VCALENDAR: one VEVENT per stage, UID stable across
// moves, and one per contribution window's deadline.
func calendar(p process.Process, stages []process.Stage, entries []process.RecordEntry, kind process.StageKind) []byte {
	var c calendarWriter
	c.beginCalendar(p.Title)
	c.events(p, stages, entries, func(spec process.StageSpec) bool { return kind == "" || spec.Kind == kind })
	c.End("VCALENDAR")
	return c.Bytes()
}

// beginCalendar opens a VCALENDAR named name.
func (c *calendarWriter) beginCalendar(name string) {
	c.Begin("VCALENDAR")
	c.Prop("VERSION", "2.0")
	c.Prop("PRODID", "-//Compact//Compact process calendar//EN")
	c.Prop("CALSCALE", "GREGORIAN")
	c.Text("X-WR-CALNAME", name)
}

// events writes a VEVENT for each of a process's stages that keep takes,
// and one for its window's deadline.
func (c *calendarWriter) events(p process.Process, stages []process.Stage, entries []process.RecordEntry, keep func(process.StageSpec) bool) {
	changes := scheduleChanges(entries)
	for _, st := range stages {
		spec := st.Spec
		if spec.Start.IsZero() || !keep(spec) {
			continue
		}
		ch := changes[spec.ID]
		if ch == nil {
			ch = &stageChanges{}
		}
		stamp := ch.changed
		if stamp.IsZero() {
			stamp = p.CreatedAt
		}
		status := "CONFIRMED"
		switch {
		case st.Status == process.Cancelled:
			status = "CANCELLED"
		case spec.Unconfirmed:
			status = "TENTATIVE"
		}

		c.Begin("VEVENT")
		c.Prop("UID", spec.ID+"@"+p.ID+".compact")
		c.DateTime("DTSTAMP", stamp)
		c.DateTime("LAST-MODIFIED", stamp)
		c.when("DTSTART", spec.Start.Time, spec.Finish())
		if spec.Finish().After(spec.Start.Time) { // DTEND must be later; without it the event is an instant
			c.when("DTEND", spec.Finish(), spec.Start.Time)
		}
		c.Prop("SEQUENCE", strconv.Itoa(ch.moves))
		c.Prop("STATUS", status)
		c.Text("SUMMARY", spec.Title)
		if spec.Place != "" {
			c.Text("LOCATION", spec.Place)
		}
		c.Text("CATEGORIES", string(spec.Kind))
		c.Text("DESCRIPTION", describeStage(st))
		c.End("VEVENT")

		if spec.Window == nil {
			continue
		}
		closes := spec.Window.Closes.Time
		if !ch.closes.IsZero() {
			closes = ch.closes
		}
		what := "contributions to "
		if spec.Kind == process.AccreditationWindow {
			what = "applications for "
		}
		c.Begin("VEVENT")
		c.Prop("UID", spec.ID+".deadline@"+p.ID+".compact") // stage IDs hold no dot: no clash
		c.DateTime("DTSTAMP", stamp)
		c.DateTime("DTSTART", closes) // an instant: no DTEND
		c.Prop("SEQUENCE", strconv.Itoa(ch.moves+ch.deadlineMoves))
		c.Prop("STATUS", status)
		c.Prop("TRANSP", "TRANSPARENT")
		c.Text("SUMMARY", "Deadline: "+what+spec.Title)
		loc := spec.Location()
		c.Text("DESCRIPTION", fmt.Sprintf("The window opened %s and closes %s.",
			process.FormatInstant(spec.Window.Opens.Time, loc), process.FormatDeadline(closes, loc)))
		c.End("VEVENT")
	}
}

// describeStage is a VEVENT's DESCRIPTION: the theme, the documents, the
// window and the notes, a line each.
func describeStage(st process.Stage) string {
	spec := st.Spec
	lines := []string{fmt.Sprintf("%s, phase %s.", spec.Kind, st.Phase)}
	if spec.Theme != "" {
		lines = append(lines, "Theme: "+spec.Theme)
	}
	for _, d := range spec.Documents {
		line := "Document: " + d.Title
		if d.Symbol != "" {
			line = "Document: " + d.Symbol + ", " + d.Title
		}
		lines = append(lines, line)
	}
	if w := spec.Window; w != nil {
		loc := spec.Location() // the window's instants, named in the venue's zone
		lines = append(lines, fmt.Sprintf("Contributions from %s until %s.", process.FormatInstant(w.Opens.Time, loc), process.FormatDeadline(w.Closes.Time, loc)))
	}
	if spec.Unconfirmed {
		lines = append(lines, "The date is not confirmed.")
	}
	if spec.Note != "" {
		lines = append(lines, spec.Note)
	}
	if st.Status == process.Cancelled {
		lines = append(lines, "Cancelled.")
	}
	return strings.Join(lines, "\n")
}

// calendarWriter writes a process's schedule as iCalendar components.
type calendarWriter struct{ ical.Writer }

// when writes a DATE when both ends of the stage fall on midnight UTC (the
// template gave bare dates), a UTC DATE-TIME otherwise.
func (w *calendarWriter) when(name string, t, other time.Time) {
	if midnight(t) && midnight(other) {
		w.Date(name, t)
		return
	}
	w.DateTime(name, t)
}

func midnight(t time.Time) bool { return t.Equal(t.Truncate(24 * time.Hour)) }
