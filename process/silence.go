package process

import (
	"cmp"
	"time"
)

// A silence procedure: the office places a text under silence until a
// deadline; a Member State breaks the silence with a letter, and it ends
// broken; if none does by the deadline, the text stands adopted. A silence
// stage starts when the text is placed and ends at the deadline.

// SilenceOutcome is how a silence procedure ended.
type SilenceOutcome string

const (
	SilencePassed SilenceOutcome = "passed" // no State broke it by the deadline: the text stands adopted
	SilenceBroken SilenceOutcome = "broken" // a State's letter broke it
	// SilenceNotInSources: a simulation's silence reaches its deadline
	// without anyone breaking it because nobody plays the States' letters;
	// what happened is not what the sources say, so it records neither.
	SilenceNotInSources SilenceOutcome = "not-in-sources"
)

// SilenceResult is a silence procedure as its stage ran it.
type SilenceResult struct {
	Deadline time.Time      `json:"deadline"`          // process time
	Outcome  SilenceOutcome `json:"outcome,omitempty"` // empty while it runs
	Break    *SilenceBreak  `json:"break,omitempty"`
}

// SilenceBreak is a Member State's letter breaking a silence. The record
// keeps the letter's and the proposal's SHA-256, which their authors can
// check against what they sent.
type SilenceBreak struct {
	State          string    `json:"state"` // ISO 3166 alpha-3
	At             time.Time `json:"at"`    // process time
	LetterSHA256   string    `json:"letterSha256"`
	ProposalSHA256 string    `json:"proposalSha256,omitempty"` // of the text the State proposes instead, if any
}

// MaxSilenceLetter bounds a letter breaking silence and its proposed text,
// in bytes each: they travel in a workflow update.
const MaxSilenceLetter = 32 << 10

// SilenceEnds is a silence stage's deadline by the one deadline rule: its
// last day (End, or Start when it has none) given as a date alone ends
// with that day in the stage's time zone; an instant is itself.
func (s StageSpec) SilenceEnds() time.Time {
	end := cmp.Or(s.End, s.Start)
	if !end.Equal(end.Truncate(24 * time.Hour)) {
		return end.Time
	}
	y, m, d := end.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, s.Location()).UTC()
}
