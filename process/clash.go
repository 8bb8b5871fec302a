package process

import (
	"slices"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
)

// Meets says whether a stage of kind k is a meeting: held somewhere, over
// days, with people in the room. Milestones, windows, drafts and silence
// procedures are not.
func (k StageKind) Meets() bool {
	switch k {
	case ThematicSession, RegionalConsultation, Hearing, Stocktaking, FormalConsultation,
		NegotiationRound, Conference, Endorsement:
		return true
	}
	return false
}

// Meeting is a process's meeting with the States that co-facilitate the
// process.
type Meeting struct {
	Stage          Stage
	CoFacilitators []string
}

// Clash is another process's meeting that overlaps one being scheduled, at
// the same venue or with a co-facilitator in common: the office is warned,
// and may go on.
type Clash struct {
	ProcessID string    `json:"processId"`
	StageID   string    `json:"stageId"`
	Title     string    `json:"title"`
	Place     string    `json:"place,omitempty"`
	Start     time.Time `json:"start"`
	Finish    time.Time `json:"finish"` // the end of its last day
	SameVenue bool      `json:"sameVenue"`
	// CoFacilitators are the States co-facilitating both processes.
	CoFacilitators []string `json:"coFacilitators,omitempty"`
}

// Clashes lists the meetings of other processes, in the order given, that
// overlap m in time at its venue or share one of its co-facilitators. A
// stage that is not a meeting, or is cancelled, clashes with nothing.
func Clashes(m Meeting, others []Meeting) []Clash {
	if !m.Stage.Spec.Kind.Meets() || m.Stage.Status == Cancelled {
		return nil
	}
	start, finish := m.Stage.Spec.Start.Time, m.Stage.Spec.Finish()
	venue := SameVenueKey(m.Stage.Spec.Place)
	var out []Clash
	for _, o := range others {
		spec := o.Stage.Spec
		if o.Stage.ProcessID == m.Stage.ProcessID || !spec.Kind.Meets() || o.Stage.Status == Cancelled ||
			!spec.Start.Before(finish) || !start.Before(spec.Finish()) {
			continue
		}
		c := Clash{ProcessID: o.Stage.ProcessID, StageID: spec.ID, Title: spec.Title, Place: spec.Place,
			Start: spec.Start.Time, Finish: spec.Finish(), SameVenue: venue != "" && venue == SameVenueKey(spec.Place)}
		for _, s := range o.CoFacilitators {
			if slices.Contains(m.CoFacilitators, s) {
				c.CoFacilitators = append(c.CoFacilitators, s)
			}
		}
		if c.SameVenue || len(c.CoFacilitators) > 0 {
			out = append(out, c)
		}
	}
	return out
}

// SameVenueKey is a place's city as venues are compared: "New York",
// "new york" and "New York, United Nations Headquarters" are one venue.
func SameVenueKey(place string) string {
	city, _, _ := strings.Cut(place, ",")
	return strings.ToLower(strings.Join(strings.Fields(norm.NFC.String(city)), " "))
}
