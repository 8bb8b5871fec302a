package process

import (
	"fmt"
	"slices"
	"time"
)

// Sequencing help: the natural order of a process's steps, as its template
// lays them out, beyond the rules its modalities make binding. An office
// act that takes a stage out of that order is not refused: the office is
// told, before it acts and in the answer, and may go on.

// SequenceKind says which natural order a note is about.
type SequenceKind string

const (
	// SequencePhase: a stage of a later phase would begin before a stage
	// of an earlier one ends (a zero draft before the consultations end,
	// a round after the conference).
	SequencePhase SequenceKind = "phase"
	// SequenceFollows: a draft or a round would come before the draft or
	// round it follows in its phase (a revision before its round).
	SequenceFollows SequenceKind = "follows"
	// SequenceOverlap: two meetings of one kind would overlap.
	SequenceOverlap SequenceKind = "overlap"
)

// SequenceNote is one step the act would take out of its natural order:
// Stage, beginning Start, against Other. After says the stage should
// follow Other and would begin before Other ends; otherwise Other should
// follow the stage and would begin (OtherStart) before it ends, or, an
// overlap, the two are held at once.
type SequenceNote struct {
	Kind       SequenceKind `json:"kind"`
	StageID    string       `json:"stageId"`
	Start      Date         `json:"start"`
	After      bool         `json:"after"`
	Other      string       `json:"other"`
	OtherTitle string       `json:"otherTitle"`
	OtherKind  StageKind    `json:"otherKind"`
	OtherStart Date         `json:"otherStart"`
	OtherEnd   Date         `json:"otherEnd"` // its last day
	// Detail says it in one English line, for the CLI and the logs.
	Detail string `json:"detail"`
}

// Sequence lists the notes on a stage in its new place: stage, of phase
// (its phase in the timeline when empty), against the timeline's other
// stages that are not cancelled. Phases are ordered by their first stage in
// the timeline; drafts and rounds within a phase by the template's order,
// which a stage the office adds has not got: it is placed by its dates
// alone. Milestones are dated facts, not steps: they are not noted.
func Sequence(timeline []Stage, phase string, stage StageSpec) []SequenceNote {
	if stage.Kind == Milestone {
		return nil
	}
	rank := map[string]int{} // a phase's place: its first stage's seq
	seq, known := 0, false
	for _, sg := range timeline {
		if r, ok := rank[sg.Phase]; !ok || sg.Seq < r {
			rank[sg.Phase] = sg.Seq
		}
		if sg.Spec.ID == stage.ID {
			seq, known = sg.Seq, true
			if phase == "" {
				phase = sg.Phase
			}
		}
	}
	if _, ok := rank[phase]; !ok {
		rank[phase] = int(^uint(0) >> 1) // a new phase comes last
	}
	var out []SequenceNote
	for _, other := range timeline {
		o := other.Spec
		if o.ID == stage.ID || other.Status == Cancelled || o.Kind == Milestone {
			continue
		}
		var note SequenceNote
		switch {
		case rank[other.Phase] < rank[phase] && stage.Start.Before(o.Finish()):
			note = noteOn(SequencePhase, stage, stage, o)
		case rank[other.Phase] > rank[phase] && o.Start.Before(stage.Finish()):
			note = noteOn(SequencePhase, stage, o, stage)
		case other.Phase == phase && known && sequenced(stage.Kind) && sequenced(o.Kind) &&
			other.Seq < seq && stage.Start.Before(lastDay(o)):
			note = noteOn(SequenceFollows, stage, stage, o)
		case other.Phase == phase && known && sequenced(stage.Kind) && sequenced(o.Kind) &&
			other.Seq > seq && o.Start.Before(lastDay(stage)):
			note = noteOn(SequenceFollows, stage, o, stage)
		case o.Kind == stage.Kind && stage.Kind.Meets() &&
			stage.Start.Before(o.Finish()) && o.Start.Before(stage.Finish()):
			note = noteOn(SequenceOverlap, stage, stage, o)
		default:
			continue
		}
		note.Other, note.OtherTitle, note.OtherKind = o.ID, o.Title, o.Kind
		out = append(out, note)
	}
	return out
}

// noteOn is a note on stage, against the other of later and first: later
// would begin before first ends, or (an overlap) while it is held.
func noteOn(kind SequenceKind, stage, later, first StageSpec) SequenceNote {
	other := first
	if first.ID == stage.ID {
		other = later
	}
	n := SequenceNote{Kind: kind, StageID: stage.ID, Start: stage.Start, After: later.ID == stage.ID && kind != SequenceOverlap,
		OtherStart: other.Start, OtherEnd: Date{lastDay(other)}}
	if kind == SequenceOverlap {
		n.Detail = fmt.Sprintf("%s (%s) would be held from %s, while %s, also a %s, is held until %s",
			stage.ID, stage.Kind, stage.Start.Format(time.DateOnly), other.ID, other.Kind, n.OtherEnd.Format(time.DateOnly))
		return n
	}
	n.Detail = fmt.Sprintf("%s (%s) would begin %s, before %s (%s), which it follows, ends %s",
		later.ID, later.Kind, later.Start.Format(time.DateOnly), first.ID, first.Kind, lastDay(first).Format(time.DateOnly))
	return n
}

// sequenced kinds alternate within a phase: drafts and the rounds on them.
func sequenced(k StageKind) bool { return slices.Contains([]StageKind{Draft, NegotiationRound}, k) }

// lastDay is the stage's last day: a draft published on a round's last
// day follows it.
func lastDay(s StageSpec) time.Time {
	f := s.Finish()
	if f.Equal(f.Truncate(24 * time.Hour)) {
		return f.Add(-24 * time.Hour)
	}
	return f
}
