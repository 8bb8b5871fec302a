package process

import (
	"testing"
	"time"
)

func TestShiftedMovesEveryDateAndLeavesTheOriginal(t *testing.T) {
	gcm, err := LookupTemplate("gcm-2018")
	if err != nil {
		t.Fatal(err)
	}
	first := time.Date(2027, 1, 11, 0, 0, 0, 0, time.UTC)
	shifted := gcm.Shifted(first.Sub(gcm.Begins()))
	if !shifted.Begins().Equal(first) {
		t.Fatalf("shifted begins %s, want %s", shifted.Begins(), first)
	}
	if err := shifted.Validate(); err != nil {
		t.Fatal(err)
	}
	orig, _ := gcm.Stage("ts1")
	moved, _ := shifted.Stage("ts1")
	d := first.Sub(gcm.Begins())
	if !moved.Start.Equal(orig.Start.Add(d)) || !moved.Window.Closes.Equal(orig.Window.Closes.Add(d)) {
		t.Fatalf("ts1 moved to %s (window closes %s); want both shifted by %s", moved.Start, moved.Window.Closes, d)
	}
	again, _ := LookupTemplate("gcm-2018")
	if a, _ := again.Stage("ts1"); !a.Start.Equal(orig.Start.Time) || orig.Window == moved.Window {
		t.Fatal("shifting changed the original template")
	}
}

func TestOutOfOrder(t *testing.T) {
	at := func(days int) RecordEntry {
		return RecordEntry{RecordEvent: RecordEvent{At: time.Date(2018, 1, 1+days, 0, 0, 0, 0, time.UTC)}}
	}
	if i := OutOfOrder([]RecordEntry{at(0), at(0), at(2)}); i != -1 {
		t.Errorf("in order, OutOfOrder = %d", i)
	}
	if i := OutOfOrder([]RecordEntry{at(0), at(3), at(2)}); i != 2 {
		t.Errorf("OutOfOrder = %d, want 2", i)
	}
}
