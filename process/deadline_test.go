package process

import (
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"
)

// TestOneDeadlineRule checks what the office means by a deadline: a date
// alone ends with that day at the venue, an instant is itself, and both
// read back as given with the zone named.
func TestOneDeadlineRule(t *testing.T) {
	geneva, err := Zone("Europe/Zurich")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		in, zone, want, shown string
	}{
		{"2027-03-01", "Europe/Zurich", "2027-03-01T23:00:00Z", "2027-03-01 24:00 Europe/Zurich (2027-03-01T23:00:00Z)"},
		{"2027-07-01", "Europe/Zurich", "2027-07-01T22:00:00Z", "2027-07-01 24:00 Europe/Zurich (2027-07-01T22:00:00Z)"},
		{"2027-03-01", "America/New_York", "2027-03-02T05:00:00Z", "2027-03-01 24:00 America/New_York (2027-03-02T05:00:00Z)"},
		{"2027-03-01", "", "2027-03-02T00:00:00Z", "2027-03-01 24:00 UTC (2027-03-02T00:00:00Z)"},
		{"2027-03-01T17:00:00+01:00", "America/New_York", "2027-03-01T16:00:00Z", "2027-03-01 11:00 America/New_York (2027-03-01T16:00:00Z)"},
	} {
		loc, err := Zone(c.zone)
		if err != nil {
			t.Fatal(err)
		}
		got, err := ParseDeadline(c.in, loc)
		if err != nil {
			t.Fatalf("%s in %q: %v", c.in, c.zone, err)
		}
		if got.Format(time.RFC3339) != c.want {
			t.Errorf("deadline %s in %q = %s, want %s", c.in, c.zone, got.Format(time.RFC3339), c.want)
		}
		if s := FormatDeadline(got, loc); s != c.shown {
			t.Errorf("deadline %s in %q shows %q, want %q", c.in, c.zone, s, c.shown)
		}
	}
	opens, err := ParseOpening("2027-03-01", geneva)
	if err != nil || opens.Format(time.RFC3339) != "2027-02-28T23:00:00Z" {
		t.Errorf("opening 2027-03-01 in Geneva = %s, %v", opens.Format(time.RFC3339), err)
	}
	if s := FormatInstant(opens, geneva); s != "2027-03-01 00:00 Europe/Zurich (2027-02-28T23:00:00Z)" {
		t.Errorf("opening shows %q", s)
	}
	for _, bad := range []string{"Europe/Geneva", "Mars/Olympus", "Local", "../etc"} {
		if _, err := Zone(bad); KindOf(err) != Invalid {
			t.Errorf("zone %q: %v, want invalid", bad, err)
		}
	}
	if _, err := ParseDeadline("1 March", time.UTC); KindOf(err) != Invalid {
		t.Errorf("deadline %q: %v, want invalid", "1 March", err)
	}
	spec := StageSpec{ID: "ts1", Kind: ThematicSession, Title: "Session", Start: Date{time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)}, TimeZone: "Europe/Geneva"}
	if err := spec.Validate(); KindOf(err) != Invalid {
		t.Errorf("a stage in zone Europe/Geneva: %v, want invalid", err)
	}
}

// TestGCMCoFacilitators checks that the template carries the co-facilitators
// the sources name, and that a process shifted to new dates does not.
func TestGCMCoFacilitators(t *testing.T) {
	tpl, err := LookupTemplate("gcm-2018")
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, a := range tpl.Appointments {
		states = append(states, a.State+" "+a.Person)
	}
	if len(states) != 2 || states[0] != "MEX Juan José Gómez Camacho" || states[1] != "CHE Jürg Lauber" {
		t.Errorf("appointments = %v", states)
	}
	if got := tpl.Shifted(24 * time.Hour).Appointments; got != nil {
		t.Errorf("a shifted template keeps %v", got)
	}
}

// TestTemplateWindowAtVenue: a template's window given as dates alone opens
// at the start of its first day and closes at the end of its last, in the
// venue's zone, as the API and the CLI read a window; an instant is kept,
// and the instants written back read the same again. A workflow's input,
// decoded without AtVenue, keeps the instants it was started with.
func TestTemplateWindowAtVenue(t *testing.T) {
	const stage = `{"id":"ts1","kind":"thematic-session","code":"TS1","title":"T","timeZone":"Europe/Zurich",
		"start":"2027-03-08","window":{"opens":"2027-02-06","closes":%s}}`
	for _, c := range []struct{ closes, want string }{
		{`"2027-03-07"`, "2027-03-07T23:00:00Z"},                // the end of 7 March in Geneva
		{`"2027-03-07T12:00:00+01:00"`, "2027-03-07T11:00:00Z"}, // an instant is itself
	} {
		var s StageSpec
		if err := json.Unmarshal(fmt.Appendf(nil, stage, c.closes), &s); err != nil {
			t.Fatal(err)
		}
		if !s.Window.Closes.Equal(time.Date(2027, 3, 7, 0, 0, 0, 0, time.UTC)) && c.closes == `"2027-03-07"` {
			t.Errorf("decoded alone, closes %v: want the instant a Date reads, as a workflow's input keeps it", s.Window.Closes)
		}
		s.AtVenue()
		if got := s.Window.Closes.UTC().Format(time.RFC3339); got != c.want {
			t.Errorf("closes %s at the venue: %s, want %s", c.closes, got, c.want)
		}
		if got := s.Window.Opens.UTC().Format(time.RFC3339); got != "2027-02-05T23:00:00Z" {
			t.Errorf("opens at the venue: %s, want the start of 6 February in Geneva", got)
		}
		out, err := json.Marshal(s)
		if err != nil {
			t.Fatal(err)
		}
		var again StageSpec
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatal(err)
		}
		again.AtVenue()
		if !again.Window.Opens.Equal(s.Window.Opens.Time) || !again.Window.Closes.Equal(s.Window.Closes.Time) {
			t.Errorf("read again from %s: %v–%v, want %v–%v", out, again.Window.Opens, again.Window.Closes, s.Window.Opens, s.Window.Closes)
		}
	}
	var s StageSpec
	if err := json.Unmarshal([]byte(`{"id":"a","window":{"opens":"2027-02-06","closez":"2027-03-07"}}`), &s); err == nil {
		t.Error("a window's unknown field decoded; want an error, as in the rest of a template")
	}
}

// TestAClosedWindowNamesItsDeadline: the intake's refusal names its
// deadline in UTC, as the store, which knows no venue, can; told the
// venue's zone, it names it there, a midnight as the day before's 24:00.
func TestAClosedWindowNamesItsDeadline(t *testing.T) {
	closes := time.Date(2027, 3, 1, 23, 0, 0, 0, time.UTC)
	w := ContributionWindow{Code: "TS1", State: WindowOpen, Purpose: ForContributions, OpensAt: closes.AddDate(0, 0, -7), ClosesAt: closes}
	err := w.RefusesContributions("test", closes)
	if got, want := Message(err), "window TS1 closed at 2027-03-01 23:00 UTC (2027-03-01T23:00:00Z)"; got != want || KindOf(err) != Conflict {
		t.Errorf("refusal %q (%s), want %q (conflict)", got, KindOf(err), want)
	}
	var closed *WindowClosed
	if !errors.As(err, &closed) {
		t.Fatalf("%v is no WindowClosed", err)
	}
	closed.Zone, _ = Zone("Europe/Zurich")
	if got, want := Message(err), "window TS1 closed at 2027-03-01 24:00 Europe/Zurich (2027-03-01T23:00:00Z)"; got != want {
		t.Errorf("in Geneva: %q, want %q", got, want)
	}
}
