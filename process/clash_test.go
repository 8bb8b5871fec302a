package process

import (
	"slices"
	"testing"
	"time"
)

func TestClashes(t *testing.T) {
	day := func(d int) Date { return Date{Time: time.Date(2026, 3, d, 0, 0, 0, 0, time.UTC)} }
	meeting := func(processID, id string, kind StageKind, place string, start, end int, states ...string) Meeting {
		spec := StageSpec{ID: id, Kind: kind, Title: id, Place: place, Start: day(start)}
		if end > 0 {
			spec.End = day(end)
		}
		return Meeting{Stage: Stage{ProcessID: processID, Spec: spec, Status: Scheduled}, CoFacilitators: states}
	}
	m := meeting("gcm", "round1", NegotiationRound, "New York", 10, 12, "MEX", "CHE")
	cancelled := meeting("imrf", "cancelled", NegotiationRound, "New York", 11, 0)
	cancelled.Stage.Status = Cancelled
	others := []Meeting{
		meeting("gcm", "round2", NegotiationRound, "New York", 11, 0),                       // same process
		meeting("gcr", "hearing", Hearing, "new york, United Nations Headquarters", 12, 13), // same venue, overlapping last day
		meeting("gcr", "after", Hearing, "New York", 13, 14),                                // the day after: no overlap
		meeting("imrf", "geneva", ThematicSession, "Geneva", 9, 10, "CHE", "BGD"),           // shares a co-facilitator
		meeting("imrf", "vienna", ThematicSession, "Vienna", 10, 0, "ESP"),                  // elsewhere, no one shared
		meeting("imrf", "resolution", Milestone, "New York", 10, 0),                         // not a meeting
		cancelled,
	}
	got := Clashes(m, others)
	var ids []string
	for _, c := range got {
		ids = append(ids, c.ProcessID+"/"+c.StageID)
	}
	if !slices.Equal(ids, []string{"gcr/hearing", "imrf/geneva"}) {
		t.Fatalf("clashes %v", ids)
	}
	if !got[0].SameVenue || got[0].CoFacilitators != nil || got[1].SameVenue || !slices.Equal(got[1].CoFacilitators, []string{"CHE"}) {
		t.Fatalf("clashes %+v", got)
	}
	if !got[1].Finish.Equal(day(11).Time) {
		t.Fatalf("geneva finishes %v, want the end of its last day", got[1].Finish)
	}
	if c := Clashes(meeting("gcm", "zero", Draft, "New York", 10, 0), others); c != nil {
		t.Fatalf("a draft clashes: %+v", c)
	}
}
