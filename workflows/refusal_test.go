package workflows

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/compact-un/compact/process"
)

// TestRefusalsNameTheTimeConcerned: a refused change names the field whose
// time would be in the past and shows it and now to the minute, in the
// venue's zone, so that a refusal on the same day never reads as a date
// refused against itself.
func TestRefusalsNameTheTimeConcerned(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		require.NoError(t, err)
		return v
	}
	ts1 := process.StageSpec{ID: "ts1", Kind: process.ThematicSession, Code: "TS1", Title: "Session", Place: "Geneva",
		TimeZone: "Europe/Zurich", Start: date("2027-03-08"), End: date("2027-03-09"),
		Window: &process.Window{Opens: date("2027-03-01"), Closes: date("2027-03-05")}}
	now := at("2027-03-01T10:00:00Z")

	// Rescheduled into the same day: the start and now are told apart by
	// their times.
	same := ts1
	same.Start, same.Window = date("2027-03-01"), nil
	err := checkUpcoming("op", now, same)
	requireKind(t, process.Rule, err)
	require.ErrorContains(t, err, "stage ts1's start would be 2027-03-01 01:00 Europe/Zurich (2027-03-01T00:00:00Z), "+
		"in the past (it is now 2027-03-01 11:00 Europe/Zurich (2027-03-01T10:00:00Z))")
	require.NotContains(t, err.Error(), "before now")

	// A start to come whose window would open in the past names the
	// window's opening, not the stage's beginning.
	err = checkUpcoming("op", now, ts1)
	require.ErrorContains(t, err, "stage ts1's window opening would be 2027-03-01 01:00 Europe/Zurich")
	require.NoError(t, checkUpcoming("op", at("2027-02-28T12:00:00Z"), ts1))

	// Moved while its window is open, a deadline that would pass is named.
	running := StageState{Spec: ts1, Status: process.Running}
	moved := ts1
	moved.Window = &process.Window{Opens: ts1.Window.Opens, Closes: process.Date{Time: at("2027-03-02T09:00:00Z")}}
	err = checkRestaged("op", at("2027-03-02T12:00:00Z"), running, moved)
	requireKind(t, process.Rule, err)
	require.ErrorContains(t, err, "stage ts1's deadline would be 2027-03-02 10:00 Europe/Zurich (2027-03-02T09:00:00Z), "+
		"in the past (it is now 2027-03-02 13:00 Europe/Zurich")

	// The open window's own deadline: in the past, or not after its opening.
	w := window{opens: at("2027-03-01T00:00:00Z"), closes: at("2027-03-05T00:00:00Z"), opened: true}
	zurich := ts1.Location()
	err = validateSetDeadline(at("2027-03-02T12:00:00Z"), zurich, &w, SetDeadlineRequest{Closes: at("2027-03-02T11:00:00Z")})
	requireKind(t, process.Rule, err)
	require.ErrorContains(t, err, "the new deadline would be 2027-03-02 12:00 Europe/Zurich (2027-03-02T11:00:00Z), in the past "+
		"(it is now 2027-03-02 13:00 Europe/Zurich (2027-03-02T12:00:00Z))")
	w.opens, w.opened, w.scheduled = at("2027-03-10T00:00:00Z"), false, true // moved before it opens
	err = validateSetDeadline(at("2027-03-02T12:00:00Z"), zurich, &w, SetDeadlineRequest{Closes: at("2027-03-09T00:00:00Z")})
	require.ErrorContains(t, err, "the new deadline 2027-03-09 01:00 Europe/Zurich (2027-03-09T00:00:00Z) "+
		"would not be after the window's opening 2027-03-10 01:00 Europe/Zurich (2027-03-10T00:00:00Z)")
}
