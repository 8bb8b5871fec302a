package api

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/workflows"
)

// icsEvent is a VEVENT's properties by name, parameters kept with the name
// ("DTSTART;VALUE=DATE").
type icsEvent map[string]string

// parseICS reads back a calendar: every line must end with CRLF and hold at
// most 75 octets; folded lines are unfolded and TEXT unescaped.
func parseICS(t *testing.T, b []byte) (cal icsEvent, events []icsEvent) {
	t.Helper()
	if !bytes.HasSuffix(b, []byte("\r\n")) {
		t.Fatal("the calendar does not end with CRLF")
	}
	var lines []string
	for i, l := range strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n") {
		if len(l) > 75 || strings.ContainsAny(l, "\r\n") {
			t.Fatalf("line %d is %d octets or holds a bare line break: %q", i+1, len(l), l)
		}
		if strings.HasPrefix(l, " ") {
			lines[len(lines)-1] += l[1:]
			continue
		}
		lines = append(lines, l)
	}
	unescape := strings.NewReplacer(`\n`, "\n", `\,`, ",", `\;`, ";", `\\`, `\`)
	cal = icsEvent{}
	var cur icsEvent
	for _, l := range lines {
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			t.Fatalf("no colon in %q", l)
		}
		value = unescape.Replace(value)
		switch {
		case l == "BEGIN:VEVENT":
			cur = icsEvent{}
		case l == "END:VEVENT":
			events = append(events, cur)
			cur = nil
		case cur != nil:
			cur[name] = value
		default:
			cal[name] = value
		}
	}
	if cal["BEGIN"] != "VCALENDAR" || cal["END"] != "VCALENDAR" || cal["VERSION"] != "2.0" || cal["PRODID"] == "" || cal["CALSCALE"] != "GREGORIAN" {
		t.Fatalf("calendar properties: %v", cal)
	}
	return cal, events
}

func eventByUID(events []icsEvent, uid string) icsEvent {
	for _, e := range events {
		if e["UID"] == uid {
			return e
		}
	}
	return nil
}

func TestCalendarEncoding(t *testing.T) {
	day := func(s string) process.Date {
		d, _ := time.Parse(time.DateOnly, s)
		return process.Date{Time: d}
	}
	created := time.Date(2018, 1, 1, 12, 0, 0, 0, time.UTC)
	p := process.Process{ID: "gcm", Title: "Global compact, for migration; safe\\orderly", CreatedAt: created}
	stages := []process.Stage{
		{Phase: "consultations", Status: process.Scheduled, Spec: process.StageSpec{ID: "ts1", Kind: process.ThematicSession,
			Title: "Thematic session 1: human rights, of all migrants", Theme: strings.Repeat("Réfugiés et migrants — ", 8),
			Place: "Geneva; Palais des Nations", Start: day("2018-05-08"), End: day("2018-05-09"),
			Window:    &process.Window{Opens: day("2018-04-01"), Closes: day("2018-05-01")},
			Documents: []process.Document{{Symbol: "A/RES/71/280", Title: "Modalities", Kind: "resolution"}}}},
		{Phase: "negotiations", Status: process.Cancelled, Spec: process.StageSpec{ID: "round2", Kind: process.NegotiationRound,
			Title: "Second round", Start: process.Date{Time: time.Date(2018, 3, 12, 10, 0, 0, 0, time.UTC)}}},
	}
	moved := time.Date(2018, 4, 2, 9, 30, 0, 0, time.UTC)
	entries := []process.RecordEntry{
		{RecordEvent: process.RecordEvent{StageID: "ts1", Event: "stage.rescheduled"}, RecordedAt: moved},
		{RecordEvent: process.RecordEvent{StageID: "ts1", Event: "window.moved", Data: `{"to":"2018-05-03T17:00:00Z"}`}, RecordedAt: moved},
		{RecordEvent: process.RecordEvent{StageID: "ts1", Event: "window.opened"}, RecordedAt: moved.Add(time.Hour)},
		{RecordEvent: process.RecordEvent{StageID: "round2", Event: "stage.cancelled"}, RecordedAt: moved},
	}
	cal, events := parseICS(t, calendar(p, stages, entries, ""))
	if cal["X-WR-CALNAME"] != p.Title || len(events) != 3 {
		t.Fatalf("calendar %v with %d events", cal, len(events))
	}
	ts1 := eventByUID(events, "ts1@gcm.compact")
	for name, want := range map[string]string{
		"DTSTART;VALUE=DATE": "20180508", "DTEND;VALUE=DATE": "20180510", // the end is exclusive
		"SEQUENCE": "1", "STATUS": "CONFIRMED", "DTSTAMP": "20180402T093000Z",
		"SUMMARY": stages[0].Spec.Title, "LOCATION": stages[0].Spec.Place, "CATEGORIES": "thematic-session",
	} {
		if ts1[name] != want {
			t.Errorf("ts1 %s = %q, want %q", name, ts1[name], want)
		}
	}
	if !strings.Contains(ts1["DESCRIPTION"], "Theme: "+stages[0].Spec.Theme+"\nDocument: A/RES/71/280, Modalities") {
		t.Errorf("ts1 DESCRIPTION %q", ts1["DESCRIPTION"])
	}
	deadline := eventByUID(events, "ts1.deadline@gcm.compact")
	if deadline["DTSTART"] != "20180503T170000Z" || deadline["SEQUENCE"] != "2" || deadline["SUMMARY"] != "Deadline: contributions to "+stages[0].Spec.Title {
		t.Errorf("deadline %v", deadline)
	}
	round2 := eventByUID(events, "round2@gcm.compact")
	if round2["STATUS"] != "CANCELLED" || round2["SEQUENCE"] != "1" || round2["DTSTART"] != "20180312T100000Z" || round2["DTEND"] != "" {
		t.Errorf("round2 %v", round2)
	}
	if _, events := parseICS(t, calendar(p, stages, entries, process.NegotiationRound)); len(events) != 1 || events[0]["UID"] != "round2@gcm.compact" {
		t.Errorf("kind filter: %v", events)
	}
}

func TestCalendarFollowsTheSchedule(t *testing.T) {
	a := newAPIServer(t)
	id, code := uniqueID("calendar")
	start := time.Now()
	tpl := testTemplate(id, code, start)
	runTestProcess(t, tpl)
	path := "/v1/processes/" + id + "/calendar.ics"
	res := a.do("GET", path, "", nil)
	wantStatus(t, "calendar", res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "text/calendar; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	_, before := parseICS(t, res.Body)
	if len(before) != len(tpl.Stages())+2 { // and the two windows' deadlines
		t.Fatalf("%d events", len(before))
	}
	round1 := eventByUID(before, "round1@"+id+".compact")
	if round1["SEQUENCE"] != "0" || round1["DTSTART"] == "" {
		t.Fatalf("round1 before: %v", round1)
	}

	// Move a scheduled stage, cancel another and move a running stage's
	// window, each through its workflow.
	ctx := context.Background()
	day := func(n int) process.Date {
		return process.Date{Time: start.Add(time.Duration(n) * 24 * time.Hour).UTC().Truncate(time.Second)}
	}
	awaitStageWorkflow(t, id, "ts1")
	for _, u := range []struct {
		workflowID, name string
		arg              any
	}{
		{workflows.ProcessWorkflowID(id), workflows.UpdateReschedule, workflows.RescheduleRequest{StageID: "round1", Start: day(23), End: day(24), Reason: "venue"}},
		{workflows.ProcessWorkflowID(id), workflows.UpdateCancelStage, workflows.CancelStageRequest{StageID: "rev1", Reason: "merged"}},
		{workflows.StageWorkflowID(id, "ts1"), workflows.UpdateSetDeadline, workflows.SetDeadlineRequest{Closes: day(9).Time, Reason: "earlier"}},
	} {
		if err := a.s.update(ctx, u.workflowID, u.name, u.arg, nil); err != nil {
			t.Fatalf("%s: %v", u.name, err)
		}
	}
	_, after := parseICS(t, a.do("GET", path, "", nil).Body)
	moved := eventByUID(after, "round1@"+id+".compact")
	if moved["SEQUENCE"] != "1" || moved["DTSTART"] != day(23).Format("20060102T150405Z") || moved["STATUS"] != "CONFIRMED" {
		t.Errorf("round1 after its move: %v", moved)
	}
	if rev1 := eventByUID(after, "rev1@"+id+".compact"); rev1["STATUS"] != "CANCELLED" || rev1["SEQUENCE"] != "1" {
		t.Errorf("rev1 after its cancellation: %v", rev1)
	}
	if dl := eventByUID(after, "ts1.deadline@"+id+".compact"); dl["SEQUENCE"] != "1" || dl["DTSTART"] != day(9).Format("20060102T150405Z") {
		t.Errorf("ts1's deadline after it moved: %v", dl)
	}
	if len(after) != len(before) {
		t.Errorf("%d events after the changes, %d before", len(after), len(before))
	}

	_, sessions := parseICS(t, a.do("GET", path+"?kind=thematic-session", "", nil).Body)
	if len(sessions) != 2 || eventByUID(sessions, "ts1@"+id+".compact") == nil {
		t.Errorf("thematic sessions: %v", sessions)
	}
	wantStatus(t, "unknown kind", a.do("GET", path+"?kind=party", "", nil), http.StatusBadRequest)
	wantStatus(t, "unknown process", a.do("GET", "/v1/processes/nope/calendar.ics", "", nil), http.StatusNotFound)
}
