package workflows

import (
	"fmt"
	"slices"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/process"
)

// Conference runs the intergovernmental conference that adopts the outcome,
// by consensus or by recorded vote.
func Conference(ctx workflow.Context, in StageInput) (StageResult, error) {
	return adopt(ctx, in, "conference")
}

// Endorsement runs the General Assembly's endorsement of the outcome.
func Endorsement(ctx workflow.Context, in StageInput) (StageResult, error) {
	return adopt(ctx, in, "endorsement")
}

// Vote values in a recorded vote; States not named are absent.
const (
	VoteYes     = "yes"
	VoteNo      = "no"
	VoteAbstain = "abstain"
)

type adoption struct {
	*stage
	event     string
	outcome   *process.Outcome
	recording bool
}

// adopt opens the meeting, waits for its outcome (recorded by the PGA's
// office, or the template's history in a simulation), publishes the outcome
// document and closes the meeting at its end.
func adopt(ctx workflow.Context, in StageInput, event string) (StageResult, error) {
	ad := &adoption{stage: newStage(in), event: event}
	if err := setUpdate(ctx, UpdateRecordOutcome, ad.recordOutcome, ad.validateOutcome); err != nil {
		return StageResult{}, err
	}
	spec := in.Stage
	if _, err := ad.clk.wait(ctx, spec.Start.Time, nil); err != nil {
		return StageResult{}, err
	}
	if err := ad.record(ctx, event+".opened", spec.Start.Time, map[string]any{
		"title": spec.Title, "place": spec.Place, "documents": documentsData(spec.Documents),
	}); err != nil {
		return StageResult{}, err
	}
	if in.Simulation != nil && spec.Outcome != nil {
		if _, err := ad.recordOutcome(ctx, historicalRequest(*spec.Outcome)); err != nil {
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
	if err := ad.record(ctx, event+".closed", closes, nil); err != nil {
		return StageResult{}, err
	}
	return StageResult{Stage: spec.ID, Outcome: ad.outcome, EndedAt: closes}, nil
}

// historicalRequest turns a template's historical outcome into the request
// the PGA's office would have made: the named no votes, then yes and
// abstentions from the other States in code order, the rest absent.
func historicalRequest(o process.Outcome) RecordOutcomeRequest {
	req := RecordOutcomeRequest{Method: o.Method, AdoptedBy: o.Adopted, Document: o.Document}
	if o.Method != "recorded-vote" {
		return req
	}
	req.Votes = map[string]string{}
	for _, code := range o.NoVotes {
		req.Votes[code] = VoteNo
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
	switch req.Method {
	case "consensus", "acclamation":
		if req.AdoptedBy < 1 || req.AdoptedBy > len(process.MemberStates()) {
			return process.Errorf(op, process.Invalid, "adoptedBy must count the States that adopted it, 1 to 193")
		}
		if len(req.Votes) > 0 {
			return process.Errorf(op, process.Invalid, "a %s has no recorded votes", req.Method)
		}
	case "recorded-vote":
		if len(req.Votes) == 0 {
			return process.Errorf(op, process.Invalid, "a recorded vote needs the States' votes")
		}
		for code, v := range req.Votes {
			if !process.IsMemberState(code) {
				return process.Errorf(op, process.Invalid, "%q is not a Member State's ISO 3166 alpha-3 code", code)
			}
			if v != VoteYes && v != VoteNo && v != VoteAbstain {
				return process.Errorf(op, process.Invalid, "%s voted %q: want yes, no or abstain", code, v)
			}
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
	paras := []string{spec.Title + ", " + spec.Place + "."}
	if o.Method == "recorded-vote" {
		paras = append(paras, fmt.Sprintf("Recorded vote: %d in favour, %d against, %d abstentions, %d not voting.", o.Yes, o.No, o.Abstain, o.Absent))
	} else {
		paras = append(paras, fmt.Sprintf("Adopted by %s by %d States.", o.Method, o.Adopted))
	}
	var res activities.PublishResult
	err := workflow.ExecuteActivity(withActivityOptions(ctx), a.PublishDocument, activities.PublishInput{
		Document: process.DocumentVersion{
			ProcessID: ad.in.ProcessID, StageID: spec.ID, Name: spec.ID + "-outcome", Kind: "outcome",
			Symbol: o.Document, Title: "Outcome of " + spec.Title, Paragraphs: paras, IssuedAt: ad.clk.now(ctx),
		},
		DiffAgainst: -1,
	}).Get(ctx, &res)
	if err != nil {
		return o, err
	}
	data := map[string]any{
		"method": o.Method, "adopted": adopted, "yes": o.Yes, "no": o.No, "abstain": o.Abstain,
		"absent": o.Absent, "adoptedBy": o.Adopted, "sha256": res.Document.SHA256,
	}
	if o.Document != "" {
		data["document"] = o.Document
	}
	if len(req.Votes) > 0 {
		data["votes"] = req.Votes
	}
	event := ad.event + ".adopted"
	if !adopted {
		event = ad.event + ".rejected"
	}
	at := ad.clk.now(ctx)
	if ad.in.Simulation != nil || at.Before(spec.Start.Time) {
		at = spec.Start.Time
	}
	if err := ad.record(ctx, event, at, data); err != nil {
		return o, err
	}
	ad.outcome = &o
	return o, nil
}

// tally counts a request's votes.
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
		}
	}
	slices.Sort(o.NoVotes)
	o.Absent = len(process.MemberStates()) - o.Yes - o.No - o.Abstain
	o.Adopted = o.Yes
	return o
}
