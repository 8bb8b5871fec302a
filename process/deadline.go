package process

import (
	"fmt"
	"time"
	// Zones are checked against the embedded IANA database, so that a
	// minimal image without /usr/share/zoneinfo knows them too.
	_ "time/tzdata"
)

// The one deadline rule. A deadline is an instant. Given as a date alone,
// it is the end of that day in the venue's time zone: a deadline of
// 1 March at a Geneva session is midnight (Europe/Zurich) between 1 and 2 March in Geneva,
// whoever reads it and wherever. An opening given as a date alone is the
// start of that day there. Every reader shows the instant with its zone.

// Zone is the IANA time zone of a stage's venue; an empty name is UTC.
func Zone(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil || name == "Local" {
		return nil, Errorf("process.Zone", Invalid, "time zone %q is not an IANA time zone name such as Europe/Zurich", name)
	}
	return loc, nil
}

// Location is the time zone of the stage's venue; UTC when none is set or
// the name is unknown (Validate refuses an unknown name).
func (s StageSpec) Location() *time.Location {
	loc, err := Zone(s.TimeZone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// ParseDeadline reads a deadline: RFC 3339 is that instant, a date alone
// is the end of that day in loc.
func ParseDeadline(s string, loc *time.Location) (time.Time, error) {
	return parseInstant("process.ParseDeadline", s, loc, 1)
}

// ParseOpening reads an opening: RFC 3339 is that instant, a date alone is
// the start of that day in loc.
func ParseOpening(s string, loc *time.Location) (time.Time, error) {
	return parseInstant("process.ParseOpening", s, loc, 0)
}

func parseInstant(op, s string, loc *time.Location, days int) (time.Time, error) {
	if t, err := time.ParseInLocation(time.DateOnly, s, loc); err == nil {
		return t.AddDate(0, 0, days).UTC(), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC(), nil
	}
	return time.Time{}, Errorf(op, Invalid, "%q is neither a date (YYYY-MM-DD) nor an RFC 3339 time such as 2027-03-01T17:00:00+01:00", s)
}

// FormatDeadline shows a deadline in loc with the zone named; one at the
// end of a day reads as that day's 24:00, as it was given.
func FormatDeadline(t time.Time, loc *time.Location) string {
	return formatIn(t, loc, true)
}

// FormatInstant shows an instant, such as an opening, in loc with the zone
// named.
func FormatInstant(t time.Time, loc *time.Location) string {
	return formatIn(t, loc, false)
}

func formatIn(t time.Time, loc *time.Location, deadline bool) string {
	if t.IsZero() {
		return ""
	}
	local := t.In(loc)
	clock := local.Format("15:04")
	if day, ok := EndOfDay(t, loc); deadline && ok {
		local, clock = day, "24:00"
	}
	return fmt.Sprintf("%s %s %s (%s)", local.Format(time.DateOnly), clock, loc, t.UTC().Format(time.RFC3339))
}

// EndOfDay reports whether a deadline t falls at midnight in loc, and
// gives the day it then ends, in loc: the day before, whose 24:00 it is.
// Every reader shows such a deadline on that day.
func EndOfDay(t time.Time, loc *time.Location) (time.Time, bool) {
	local := t.In(loc)
	if !local.Equal(time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)) {
		return local, false
	}
	return local.AddDate(0, 0, -1), true
}

// LastDayEndingAt is the End of a stage that ends at t: t itself, or the
// day before when t is a midnight, since a date alone lasts its whole day.
func LastDayEndingAt(t time.Time) Date {
	if t.Equal(t.Truncate(24 * time.Hour)) {
		return Date{t.Add(-24 * time.Hour)}
	}
	return Date{t}
}
