package workflows

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/compact-un/compact/process"
)

// stageInput runs one stage of the test template on its own.
func (h *harness) stageInput(id string) StageInput {
	tmpl := testTemplate()
	spec, ok := tmpl.Stage(id)
	require.True(h.t, ok, id)
	clk := testClock()
	clk.Start = h.env.Now()
	return StageInput{ProcessID: "test", ProcessCode: "TST", Stage: spec, Clock: clk, Rules: tmpl.Rules}
}

// registered puts the test process's rows in the store, as the Process
// workflow would before running its stages.
func (h *harness) registered() {
	ctx := context.Background()
	require.NoError(h.t, h.store.PutProcess(ctx, process.Process{ID: "test", TemplateID: "test", Title: "Test process", Code: "TST", Status: "running"}))
}

func (h *harness) submit(stageID, party, role, key string) (process.Receipt, error) {
	return h.store.Submit(context.Background(), process.Submission{
		ProcessID: "test", StageID: stageID, Party: party, Role: role, IdempotencyKey: key,
		Title: "Contribution", Body: "Text of " + key,
	}, h.env.Now())
}

func TestConsultationWindowHoldsItsDeadline(t *testing.T) {
	h := newHarness(t)
	h.registered()
	id := StageWorkflowID("test", "ts1")
	type attempt struct {
		key string
		err error
	}
	var attempts []attempt
	try := func(key string) {
		_, err := h.submit("ts1", "MEX", "member-state", key)
		attempts = append(attempts, attempt{key, err})
	}
	h.at(day("2030-01-20"), func() { try("before-open") })
	h.at(day("2030-02-10"), func() { try("in-time") })
	h.at(day("2030-02-28").Add(23*time.Hour), func() { try("last-hour") })
	h.at(day("2030-03-01").Add(time.Minute), func() { try("late") })
	h.at(day("2030-03-01").Add(2*time.Minute), func() { try("in-time") }) // a retry of an acknowledged one
	h.run(id, Consultation, h.stageInput("ts1"))
	require.NoError(t, h.env.GetWorkflowError())

	byKey := map[string][]error{}
	for _, a := range attempts {
		byKey[a.key] = append(byKey[a.key], a.err)
	}
	// Alone, the stage has no window in the store until it opens.
	requireKind(t, process.NotFound, byKey["before-open"][0])
	require.NoError(t, byKey["in-time"][0])
	require.NoError(t, byKey["last-hour"][0])
	requireKind(t, process.Conflict, byKey["late"][0])
	require.NoError(t, byKey["in-time"][1], "the same key after the deadline returns the first receipt")

	var res StageResult
	require.NoError(t, h.env.GetWorkflowResult(&res))
	require.Equal(t, 2, res.Contributions)
	require.Len(t, res.Digest, 64)
	events := h.events("test")
	require.Equal(t, []string{"ts1 stage.announced", "ts1 window.opened", "ts1 session.opened",
		"ts1 window.closed", "ts1 session.held", "ts1 summary.recorded"}, events)
}

func TestConsultationDeadlineMoves(t *testing.T) {
	h := newHarness(t)
	h.registered()
	id := StageWorkflowID("test", "ts1")
	var extend, past, beforeOpen, closeNow *updateOutcome
	var lateButExtended, afterClose error
	h.at(day("2030-01-15"), func() {
		beforeOpen = h.update(id, UpdateSetDeadline, SetDeadlineRequest{})
	})
	h.at(day("2030-02-10"), func() {
		past = h.update(id, UpdateSetDeadline, SetDeadlineRequest{Closes: day("2030-02-01")})
		extend = h.update(id, UpdateSetDeadline, SetDeadlineRequest{Closes: day("2030-03-05"), Reason: "many requests"})
	})
	h.at(day("2030-03-02").Add(12*time.Hour), func() {
		_, lateButExtended = h.submit("ts1", "CHE", "member-state", "k1")
		closeNow = h.update(id, UpdateSetDeadline, SetDeadlineRequest{Reason: "closed early"})
	})
	h.at(day("2030-03-02").Add(18*time.Hour), func() {
		_, afterClose = h.submit("ts1", "CHE", "member-state", "k2")
	})
	h.run(id, Consultation, h.stageInput("ts1"))
	require.NoError(t, h.env.GetWorkflowError())

	requireKind(t, process.Conflict, beforeOpen.rejected)
	requireKind(t, process.Rule, past.rejected)
	require.NoError(t, extend.err)
	require.NoError(t, lateButExtended, "the deadline moved to 5 March")
	require.NoError(t, closeNow.err)
	requireKind(t, process.Conflict, afterClose)

	var moves []process.RecordEntry
	for _, e := range h.record("test") {
		if e.Event == "window.moved" {
			moves = append(moves, e)
		}
		if e.Event == "window.closed" {
			require.Equal(t, day("2030-03-02").Add(12*time.Hour), e.At)
			require.Contains(t, e.Data, `"count":1`)
		}
	}
	require.Len(t, moves, 2, "refused changes are not recorded")
	require.Contains(t, moves[0].Data, "many requests")
}

func TestAccreditationObjectionBlocks(t *testing.T) {
	h := newHarness(t)
	h.registered()
	ctx := context.Background()
	id := StageWorkflowID("test", "acc")
	apply := func(party string, ecosoc bool) {
		a := process.Application{ProcessID: "test", Party: party, Name: party,
			Category: "civil-society", ECOSOC: ecosoc, AppliedAt: h.env.Now()}
		if ecosoc { // verified against the list, as the API does
			a.Match = &process.ECOSOCMatch{Result: process.MatchExact}
		}
		_, err := h.store.Apply(ctx, a, nil)
		require.NoError(t, err)
	}
	var circulate, again, objection, badState, notListed, late *updateOutcome
	var beforeApproval error
	h.at(day("2030-01-11"), func() {
		apply("ngo-a", false)
		apply("ngo-b", false)
		apply("ecosoc-c", true)
		_, beforeApproval = h.store.Submit(ctx, process.Submission{ProcessID: "test", StageID: "acc", Party: "ngo-a",
			Role: "stakeholder", IdempotencyKey: "x", Title: "t", Body: "b"}, h.env.Now())
	})
	h.at(day("2030-01-12"), func() {
		circulate = h.update(id, UpdateCirculate, CirculateRequest{})
	})
	h.at(day("2030-01-13"), func() {
		again = h.update(id, UpdateCirculate, CirculateRequest{})
		objection = h.update(id, UpdateObject, ObjectRequest{Party: "ngo-b", State: "HUN", Reason: "not a migrants' organisation"})
		badState = h.update(id, UpdateObject, ObjectRequest{Party: "ngo-a", State: "XXX"})
		notListed = h.update(id, UpdateObject, ObjectRequest{Party: "ecosoc-c", State: "USA"})
	})
	h.at(day("2030-01-23"), func() {
		late = h.update(id, UpdateObject, ObjectRequest{Party: "ngo-a", State: "USA"})
		a, err := h.store.GetApplication(ctx, "test", "", "ngo-a")
		require.NoError(t, err)
		require.Equal(t, process.Approved, a.State)
	})
	h.run(id, Accreditation, h.stageInput("acc"))
	require.NoError(t, h.env.GetWorkflowError())

	require.NoError(t, circulate.err)
	require.Equal(t, 2, circulate.result.(CirculateResult).Applications, "ECOSOC-status organisations register directly")
	requireKind(t, process.Conflict, again.rejected)
	require.NoError(t, objection.err)
	requireKind(t, process.Invalid, badState.rejected)
	requireKind(t, process.NotFound, notListed.rejected)
	requireKind(t, process.Conflict, late.rejected)
	requireKind(t, process.Conflict, beforeApproval) // an accreditation window takes applications, not contributions

	var res StageResult
	require.NoError(t, h.env.GetWorkflowResult(&res))
	require.Equal(t, StageResult{Stage: "acc", Approved: 1, Rejected: 1, EndedAt: day("2030-01-31")}, res)
	b, err := h.store.GetApplication(ctx, "test", "", "ngo-b")
	require.NoError(t, err)
	require.Equal(t, process.Rejected, b.State)
	require.Equal(t, []process.Objection{{State: "HUN", Reason: "not a migrants' organisation"}}, b.Objections)
	for _, e := range h.record("test") {
		require.NotContains(t, e.Data, "not a migrants", "an objection's reason stays out of the public record")
	}
}

func TestDraftingRoundPublishesWhatTheCoFacilitatorsStored(t *testing.T) {
	h := newHarness(t)
	h.registered()
	ctx := context.Background()
	in := h.stageInput("rev1")
	in.Drafting = &DraftingContext{Revision: 1, Previous: "zero", AmendUntil: day("2030-05-20")}
	id := StageWorkflowID("test", "rev1")
	put := func(rev int, paras ...string) string {
		d, err := h.store.PutDocument(ctx, process.DocumentVersion{ProcessID: "test", StageID: "rev1", Name: DraftName,
			Revision: rev, Title: "Draft", Kind: "draft", Paragraphs: paras})
		require.NoError(t, err)
		return d.SHA256
	}
	put(0, "Preamble.", "Objective 1.", "Objective 2.")
	var early, wrongRev, badHash, unknown, ok, twice *updateOutcome
	var before, after DraftStatus // what the stage says it publishes, asked before the text is stored
	query := func(st *DraftStatus) {
		v, err := h.env.QueryWorkflow(QueryDraft)
		require.NoError(t, err)
		require.NoError(t, v.Get(st))
	}
	h.at(day("2030-04-20"), func() {
		query(&before)
		sha := put(1, "Preamble.", "Objective 1, amended.", "Objective 2.", "Objective 3.")
		early = h.update(id, UpdatePublishRevision, PublishRevisionRequest{Revision: 1, SHA256: sha})
	})
	h.at(day("2030-05-01").Add(time.Hour), func() {
		doc, err := h.store.GetDocument(ctx, "test", DraftName, 1)
		require.NoError(t, err)
		sum := sha256.Sum256([]byte("something else"))
		wrongRev = h.update(id, UpdatePublishRevision, PublishRevisionRequest{Revision: 2, SHA256: doc.SHA256})
		badHash = h.update(id, UpdatePublishRevision, PublishRevisionRequest{Revision: 1, SHA256: "zz"})
		unknown = h.update(id, UpdatePublishRevision, PublishRevisionRequest{Revision: 1, SHA256: hex.EncodeToString(sum[:])})
	})
	h.at(day("2030-05-01").Add(2*time.Hour), func() {
		doc, err := h.store.GetDocument(ctx, "test", DraftName, 1)
		require.NoError(t, err)
		ok = h.update(id, UpdatePublishRevision, PublishRevisionRequest{Revision: 1, SHA256: doc.SHA256})
	})
	h.at(day("2030-05-02"), func() {
		twice = h.update(id, UpdatePublishRevision, PublishRevisionRequest{Revision: 1, SHA256: strings.Repeat("0", 64)})
		query(&after)
	})
	h.run(id, DraftingRound, in)
	require.NoError(t, h.env.GetWorkflowError())
	require.Equal(t, DraftStatus{Document: process.DocumentVersion{ProcessID: "test", StageID: "rev1", Name: DraftName, Revision: 1,
		Title: in.Stage.Title, Kind: "draft", IssuedAt: in.Stage.Start.Time}}, before)
	require.True(t, after.Published)

	requireKind(t, process.Rule, early.rejected)
	requireKind(t, process.Rule, wrongRev.rejected)
	requireKind(t, process.Invalid, badHash.rejected)
	requireKind(t, process.Conflict, unknown.err)
	require.NoError(t, ok.err)
	requireKind(t, process.Conflict, twice.rejected)

	var published []process.RecordEntry
	for _, e := range h.record("test") {
		if e.Event == "draft.published" {
			published = append(published, e)
		}
	}
	require.Len(t, published, 1)
	require.Contains(t, published[0].Data, `"diff":{"added":2,"kept":2,"removed":1}`)
	require.Equal(t, day("2030-05-01"), published[0].At)
}

func TestEndorsementRecordsAVote(t *testing.T) {
	h := newHarness(t)
	h.registered()
	id := StageWorkflowID("test", "endorsement")
	votes := map[string]string{}
	for i, st := range process.MemberStates() {
		switch {
		case i < 150:
			votes[st.Code] = VoteYes
		case i < 155:
			votes[st.Code] = VoteNo
		case i < 160:
			votes[st.Code] = VoteAbstain
		}
	}
	var early, badCode, badVote, consensusVotes, consensusCounts, noQuorum, overNamed, ok *updateOutcome
	h.at(day("2030-06-19"), func() {
		early = h.update(id, UpdateRecordOutcome, RecordOutcomeRequest{Method: "recorded-vote", Votes: votes})
	})
	h.at(day("2030-06-20").Add(time.Hour), func() {
		badCode = h.update(id, UpdateRecordOutcome, RecordOutcomeRequest{Method: "recorded-vote", Votes: map[string]string{"ZZZ": VoteYes}})
		badVote = h.update(id, UpdateRecordOutcome, RecordOutcomeRequest{Method: "recorded-vote", Votes: map[string]string{"MEX": "maybe"}})
		consensusVotes = h.update(id, UpdateRecordOutcome, RecordOutcomeRequest{Method: "consensus", AdoptedBy: 10, Votes: votes})
		consensusCounts = h.update(id, UpdateRecordOutcome, RecordOutcomeRequest{Method: "consensus", Counts: &process.VoteCounts{Yes: 150}})
		noQuorum = h.update(id, UpdateRecordOutcome, RecordOutcomeRequest{Method: "recorded-vote", Counts: &process.VoteCounts{Yes: 60, No: 30}})
		overNamed = h.update(id, UpdateRecordOutcome, RecordOutcomeRequest{Method: "recorded-vote", Votes: votes, Counts: &process.VoteCounts{Yes: 100, No: 5, Abstain: 5}})
		ok = h.update(id, UpdateRecordOutcome, RecordOutcomeRequest{Method: "recorded-vote", Votes: votes, Document: "A/RES/99/2"})
	})
	h.run(id, Endorsement, h.stageInput("endorsement"))
	require.NoError(t, h.env.GetWorkflowError())
	requireKind(t, process.Rule, early.rejected)
	requireKind(t, process.Invalid, badCode.rejected)
	requireKind(t, process.Invalid, badVote.rejected)
	requireKind(t, process.Invalid, consensusVotes.rejected)
	requireKind(t, process.Invalid, consensusCounts.rejected)
	requireKind(t, process.Rule, noQuorum.rejected)
	requireKind(t, process.Invalid, overNamed.rejected)
	require.NoError(t, ok.err)

	var res StageResult
	require.NoError(t, h.env.GetWorkflowResult(&res))
	require.Equal(t, 150, res.Outcome.Yes)
	require.Equal(t, 5, res.Outcome.No)
	require.Equal(t, 5, res.Outcome.Abstain)
	require.Equal(t, 33, res.Outcome.Absent)
	require.Equal(t, []string{"endorsement endorsement.opened", "endorsement endorsement.adopted", "endorsement endorsement.closed"}, h.events("test"))
}

func TestAccreditationContinuesAsNewWithItsState(t *testing.T) {
	h := newHarness(t)
	h.registered()
	ctx := context.Background()
	id := StageWorkflowID("test", "acc")
	in := h.stageInput("acc")
	h.at(day("2030-01-11"), func() {
		for _, party := range []string{"ngo-a", "ngo-b"} {
			_, err := h.store.Apply(ctx, process.Application{ProcessID: "test", Party: party, Name: party, Category: "academia", AppliedAt: h.env.Now()}, nil)
			require.NoError(t, err)
		}
	})
	h.at(day("2030-01-12"), func() { h.update(id, UpdateCirculate, CirculateRequest{}) })
	var canAt time.Time
	h.at(day("2030-01-13"), func() {
		h.update(id, UpdateObject, ObjectRequest{Party: "ngo-b", State: "HUN"})
		h.env.SetContinueAsNewSuggested(true)
		canAt = h.env.Now()
	})
	h.run(id, Accreditation, in)
	var can *workflow.ContinueAsNewError
	require.ErrorAs(t, h.env.GetWorkflowError(), &can)
	var next StageInput
	require.NoError(t, converter.GetDefaultDataConverter().FromPayloads(can.Input, &next))
	require.NotNil(t, next.Carry)
	require.Equal(t, AccreditationCarry{Lists: 1, Current: "acc-list-1", Parties: []string{"ngo-a", "ngo-b"},
		Until: day("2030-01-22"), Opened: true, Objections: 1}, *next.Carry)

	// The next run picks up the list under circulation: no new window, no
	// second list, the objection still counts.
	h2 := h.again()
	h2.env.SetStartTime(canAt)
	h2.run(id, Accreditation, next)
	require.NoError(t, h2.env.GetWorkflowError())
	var res StageResult
	require.NoError(t, h2.env.GetWorkflowResult(&res))
	require.Equal(t, 1, res.Approved)
	require.Equal(t, 1, res.Rejected)
	events := h.events("test")
	require.Equal(t, 1, countOf(events, "acc window.opened"))
	require.Equal(t, 1, countOf(events, "acc list.circulated"))
}

func countOf(events []string, want string) int {
	n := 0
	for _, e := range events {
		if e == want {
			n++
		}
	}
	return n
}

func TestRemindersMoveWithTheDeadline(t *testing.T) {
	h := newHarness(t)
	h.registered()
	id := StageWorkflowID("test", "ts1")
	in := h.stageInput("ts1")
	in.Rules.ReminderDays = []int{7, 1}
	var moved *updateOutcome
	h.at(day("2030-02-15"), func() {
		moved = h.update(id, UpdateSetDeadline, SetDeadlineRequest{Closes: day("2030-03-10")})
	})
	h.run(id, Consultation, in)
	require.NoError(t, h.env.GetWorkflowError())
	require.NoError(t, moved.err)
	var reminders []time.Time
	for _, e := range h.record("test") {
		if e.Event == "window.reminder" {
			reminders = append(reminders, e.At)
		}
	}
	require.Equal(t, []time.Time{day("2030-03-03"), day("2030-03-09")}, reminders,
		"7 and 1 days before the moved deadline, none before the old one")
}
