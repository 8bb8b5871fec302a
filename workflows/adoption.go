package workflows

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
)

// Conference runs the intergovernmental conference that adopts the outcome,
// by consensus or by recorded vote.
func Conference(ctx workflow.Context, in StageInput) (StageResult, error) {
	return adopt(ctx, in, event.Conference)
}

// Endorsement runs the General Assembly's endorsement of the outcome.
func Endorsement(ctx workflow.Context, in StageInput) (StageResult, error) {
	return adopt(ctx, in, event.Endorsement)
}

// Vote values in a recorded vote; States not named are absent.
const (
	VoteYes     = "yes"
	VoteNo      = "no"
	VoteAbstain = "abstain"
)

type adoption struct {
	*stage
	meeting   event.Meeting
	outcome   *process.Outcome
	recording bool
}

// adopt opens the meeting, waits for its outcome (recorded by the PGA's
// office, or the template's history in a simulation), publishes the outcome
// document and closes the meeting at its end.
func adopt(ctx workflow.Context, in StageInput, meeting event.Meeting) (StageResult, error) {
	ad := &adoption{stage: newStage(in), meeting: meeting}
	if err := setUpdate(ctx, UpdateRecordOutcome, ad.recordOutcome, ad.validateOutcome); err != nil {
		return StageResult{}, err
	}
	spec := in.Stage
	if _, err := ad.clk.wait(ctx, spec.Start.Time, nil); err != nil {
		return StageResult{}, err
	}
	if err := ad.record(ctx, meeting.Opened, spec.Start.Time, event.MeetingData{
		Title: spec.Title, Place: spec.Place, Documents: event.Documents(spec.Documents),
	}); err != nil {
		return StageResult{}, err
	}
	if in.Simulation != nil && spec.Outcome != nil {
		req := historicalRequest(*spec.Outcome)
		if workflow.GetVersion(ctx, truthfulOutcome, workflow.DefaultVersion, 1) == 1 {
			// The template's own facts, through the checks a user's request meets.
			req = recordedRequest(*spec.Outcome)
			if workflow.GetVersion(ctx, votesByState, workflow.DefaultVersion, 1) == 1 {
				nameInFavour(req, *spec.Outcome)
			}
			if err := ad.validateOutcome(ctx, req); err != nil {
				return StageResult{}, err
			}
		}
		if _, err := ad.recordOutcome(ctx, req); err != nil {
			return StageResult{}, err
		}
	}
	if err := workflow.Await(ctx, func() bool { return ad.outcome != nil }); err != nil {
		return StageResult{}, err
	}
	closes := spec.Finish()
	if now := ad.clk.now(ctx); in.Simulation == nil && now.After(closes) {
		closes = now // the outcome came after the meeting's scheduled end
	}
	if _, err := ad.clk.wait(ctx, closes, nil); err != nil {
		return StageResult{}, err
	}
	if err := ad.record(ctx, meeting.Closed, closes, nil); err != nil {
		return StageResult{}, err
	}
	return StageResult{Stage: spec.ID, Outcome: ad.outcome, EndedAt: closes}, nil
}

// noVotesNamed is the request for an outcome with, for a recorded vote, the
// States that voted no named.
func noVotesNamed(o process.Outcome) RecordOutcomeRequest {
	req := RecordOutcomeRequest{Method: o.Method, AdoptedBy: o.Adopted, Document: o.Document}
	if o.Method == "recorded-vote" {
		req.Votes = map[string]string{}
		for _, code := range o.NoVotes {
			req.Votes[code] = VoteNo
		}
	}
	return req
}

// truthfulOutcome versions the simulation's outcome: recorded as the
// template has it (named States and counts) and validated, where before
// it named invented States for the counts and skipped the validation.
const truthfulOutcome = "truthful-outcome"

// recordedRequest is the request that records a template's historical
// outcome as the sources give it: the States they name, and the counts.
func recordedRequest(o process.Outcome) RecordOutcomeRequest {
	req := noVotesNamed(o)
	if o.Method != "recorded-vote" {
		return req
	}
	for _, code := range o.AbstainVotes {
		req.Votes[code] = VoteAbstain
	}
	req.Counts = &process.VoteCounts{Yes: o.Yes, No: o.No, Abstain: o.Abstain}
	if o.Absent > 0 {
		req.Counts.Absent = &o.Absent
	}
	req.AdoptedBy = 0
	return req
}

// votesByState versions the simulation's outcome again: the States a
// template names in favour are recorded as voting yes, where before only
// those against and abstaining were named.
const votesByState = "votes-by-state"

// nameInFavour adds to a recorded vote's request the States the template
// names in favour. Those it names as not voting stay out of the votes: a
// State not named is absent, and the counts say how many are.
func nameInFavour(req RecordOutcomeRequest, o process.Outcome) {
	if o.Method != "recorded-vote" {
		return
	}
	for _, code := range o.YesVotes {
		req.Votes[code] = VoteYes
	}
}

// historicalRequest is the request simulations made before truthfulOutcome,
// kept for their histories: the named no votes, then yes and abstentions
// from the other States in code order, the rest absent.
func historicalRequest(o process.Outcome) RecordOutcomeRequest {
	req := noVotesNamed(o)
	if o.Method != "recorded-vote" {
		return req
	}
	yes, abstain := o.Yes, o.Abstain
	for _, st := range process.MemberStates() {
		if _, named := req.Votes[st.Code]; named {
			continue
		}
		switch {
		case yes > 0:
			req.Votes[st.Code], yes = VoteYes, yes-1
		case abstain > 0:
			req.Votes[st.Code], abstain = VoteAbstain, abstain-1
		}
	}
	return req
}

func (ad *adoption) validateOutcome(ctx workflow.Context, req RecordOutcomeRequest) error {
	const op = "workflows.RecordOutcome"
	if ad.outcome != nil || ad.recording {
		return process.Errorf(op, process.Conflict, "the outcome is recorded already")
	}
	if ad.clk.now(ctx).Before(ad.in.Stage.Start.Time) {
		return process.Errorf(op, process.Rule, "the meeting opens on %s", ad.in.Stage.Start.Format(time.DateOnly))
	}
	members := len(process.MemberStates())
	switch req.Method {
	case "consensus", "acclamation":
		// A decision without a vote counts no votes; the States that took
		// part may be counted, or not.
		if req.AdoptedBy < 0 || req.AdoptedBy > members {
			return process.Errorf(op, process.Invalid, "adoptedBy counts the States that adopted it, at most %d", members)
		}
		if len(req.Votes) > 0 || req.Counts != nil {
			return process.Errorf(op, process.Invalid, "a %s has no recorded votes", req.Method)
		}
	case "recorded-vote":
		if len(req.Votes) == 0 && req.Counts == nil {
			return process.Errorf(op, process.Invalid, "a recorded vote needs the States' votes or their counts")
		}
		if req.AdoptedBy != 0 {
			return process.Errorf(op, process.Invalid, "a recorded vote counts its votes, not adoptedBy")
		}
		for _, code := range slices.Sorted(maps.Keys(req.Votes)) { // the first error is the same on every replay
			v := req.Votes[code]
			if !process.IsMemberState(code) {
				return process.Errorf(op, process.Invalid, "%q is not a Member State's ISO 3166 alpha-3 code", code)
			}
			if v != VoteYes && v != VoteNo && v != VoteAbstain {
				return process.Errorf(op, process.Invalid, "%s voted %q: want yes, no or abstain", code, v)
			}
		}
		o := tally(req)
		if c := req.Counts; c != nil {
			named := tally(RecordOutcomeRequest{Method: req.Method, Votes: req.Votes})
			absent := 0
			if c.Absent != nil {
				absent = *c.Absent
			}
			switch {
			case c.Yes < 0 || c.No < 0 || c.Abstain < 0 || absent < 0:
				return process.Errorf(op, process.Invalid, "vote counts cannot be negative")
			case named.Yes > c.Yes || named.No > c.No || named.Abstain > c.Abstain:
				return process.Errorf(op, process.Invalid, "more States named than counted: %d, %d, %d named for %d, %d, %d",
					named.Yes, named.No, named.Abstain, c.Yes, c.No, c.Abstain)
			case c.Yes+c.No+c.Abstain+absent > members:
				return process.Errorf(op, process.Invalid, "%d votes and absences from %d Member States", c.Yes+c.No+c.Abstain+absent, members)
			}
		}
		// The General Assembly decides with a majority of its members present
		// (rules of procedure, rule 67): those voting or abstaining.
		if quorum := members/2 + 1; o.Yes+o.No+o.Abstain < quorum {
			return process.Errorf(op, process.Rule, "%d States voted or abstained: a decision needs a quorum of %d", o.Yes+o.No+o.Abstain, quorum)
		}
	default:
		return process.Errorf(op, process.Invalid, "method %q: want consensus, acclamation or recorded-vote", req.Method)
	}
	return nil
}

func (ad *adoption) recordOutcome(ctx workflow.Context, req RecordOutcomeRequest) (process.Outcome, error) {
	ad.recording = true
	defer func() { ad.recording = false }()
	o := tally(req)
	adopted := o.Method != "recorded-vote" || o.Yes > o.No
	spec := ad.in.Stage
	paras := []string{spec.Title + ", " + spec.Place + ".", outcomeParagraph(o, req.Counts)}
	var res activities.PublishResult
	err := ad.storeActivity(ctx, a.PublishDocument, activities.PublishInput{
		Document: process.DocumentVersion{
			ProcessID: ad.in.ProcessID, StageID: spec.ID, Name: spec.ID + "-outcome", Kind: "outcome",
			Symbol: o.Document, Title: "Outcome of " + spec.Title, Paragraphs: paras, IssuedAt: ad.clk.now(ctx),
		},
		DiffAgainst: -1,
	}).Get(ctx, &res)
	if err != nil {
		return o, err
	}
	data := event.OutcomeData{Method: o.Method, Adopted: adopted, SHA256: res.Document.SHA256, Document: o.Document, Votes: req.Votes}
	switch {
	case o.Method != "recorded-vote":
		if o.Adopted > 0 {
			data.AdoptedBy = &o.Adopted
		}
	case req.Counts != nil: // named where the sources name them, counted otherwise
		data.Yes, data.No, data.Abstain = &o.Yes, &o.No, &o.Abstain
		if req.Counts.Absent != nil {
			data.Absent = &o.Absent
		}
		named := len(req.Votes)
		data.Named = &named
	default:
		data.Yes, data.No, data.Abstain, data.Absent, data.AdoptedBy = &o.Yes, &o.No, &o.Abstain, &o.Absent, &o.Adopted
	}
	name := ad.meeting.Adopted
	if !adopted {
		name = ad.meeting.Rejected
	}
	at := ad.clk.now(ctx)
	if ad.in.Simulation != nil || at.Before(spec.Start.Time) {
		at = spec.Start.Time
	}
	if err := ad.record(ctx, name, at, data); err != nil {
		return o, err
	}
	ad.outcome = &o
	return o, nil
}

// tally counts a request's votes: its Counts where it has them, the named
// States otherwise.
func tally(req RecordOutcomeRequest) process.Outcome {
	o := process.Outcome{Method: req.Method, Adopted: req.AdoptedBy, Document: req.Document}
	if req.Method != "recorded-vote" {
		return o
	}
	for code, v := range req.Votes {
		switch v {
		case VoteYes:
			o.Yes++
		case VoteNo:
			o.No++
			o.NoVotes = append(o.NoVotes, code)
		case VoteAbstain:
			o.Abstain++
			o.AbstainVotes = append(o.AbstainVotes, code)
		}
	}
	slices.Sort(o.NoVotes)
	slices.Sort(o.AbstainVotes)
	if c := req.Counts; c != nil {
		o.Yes, o.No, o.Abstain, o.Absent = c.Yes, c.No, c.Abstain, 0
		if c.Absent != nil {
			o.Absent = *c.Absent
		}
		o.Adopted = o.Yes
		return o
	}
	o.Absent = len(process.MemberStates()) - o.Yes - o.No - o.Abstain
	o.Adopted = o.Yes
	return o
}

// outcomeParagraph states an outcome for its document: a vote by its
// counts (the number not voting where known), a decision without a vote by
// its method and, where counted, the States that took it.
func outcomeParagraph(o process.Outcome, counts *process.VoteCounts) string {
	switch {
	case o.Method == "recorded-vote" && (counts == nil || counts.Absent != nil):
		return fmt.Sprintf("Recorded vote: %d in favour, %d against, %d abstentions, %d not voting.", o.Yes, o.No, o.Abstain, o.Absent)
	case o.Method == "recorded-vote":
		return fmt.Sprintf("Recorded vote: %d in favour, %d against, %d abstentions.", o.Yes, o.No, o.Abstain)
	case o.Adopted > 0:
		return fmt.Sprintf("Adopted by %s by %d States.", o.Method, o.Adopted)
	}
	return fmt.Sprintf("Adopted by %s.", o.Method)
}
