package workflows

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// TestGCM2018EndToEnd replays the whole 2016–2018 migration compact: 193
// Member States, stakeholders applying (some objected to), contributions to
// every consultation, amendments in every round, Marrakech and the General
// Assembly's recorded vote; then checks the record against the template.
//
// At the wall's pace (scale 1, the test environment skipping time) the
// stages keep their order on their timers; at the README's 2e7 they run in
// lockstep: either way the record follows process time.
func TestGCM2018EndToEnd(t *testing.T) {
	for _, scale := range []float64{1, 2e7} {
		t.Run(fmt.Sprintf("scale %g", scale), func(t *testing.T) { testGCM2018(t, scale) })
	}
}

func testGCM2018(t *testing.T, scale float64) {
	tmpl, err := process.LookupTemplate("gcm-2018")
	require.NoError(t, err)
	h := newHarness(t)
	sim := &Simulation{Stakeholders: 100, ObjectEvery: 10, ContributionsPerWindow: 25, AmendmentsPerRound: 20}
	h.run(ProcessWorkflowID(tmpl.ID), Process, ProcessInput{
		ProcessID: tmpl.ID, Template: *tmpl, Simulation: sim,
		Clock: process.Clock{Origin: day("2016-09-01"), Scale: scale},
	})
	require.NoError(t, h.env.GetWorkflowError())
	var res ProcessResult
	require.NoError(t, h.env.GetWorkflowResult(&res))

	require.Equal(t, &process.Outcome{Method: "recorded-vote", Yes: 152, No: 5, Abstain: 12, Absent: 24,
		NoVotes:      []string{"CZE", "HUN", "ISR", "POL", "USA"},
		AbstainVotes: []string{"AUS", "AUT", "BGR", "CHE", "CHL", "DZA", "ITA", "LBY", "LIE", "LVA", "ROU", "SGP"},
		Adopted:      152, Document: "A/RES/73/195"}, res.Outcome)

	entries := h.record(tmpl.ID)
	require.NoError(t, process.VerifyChain(entries))
	requireInOrder(t, entries)
	recorded := map[string]process.RecordEntry{}
	for _, e := range entries {
		recorded[e.StageID+" "+e.Event] = e
	}
	data := func(key string) map[string]any {
		e, ok := recorded[key]
		require.True(t, ok, "no %q in the record", key)
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(e.Data), &m))
		return m
	}

	revision := 0
	for _, spec := range tmpl.Stages() {
		require.Contains(t, recorded, spec.ID+" stage.completed")
		switch spec.Kind {
		case process.Milestone:
			e := recorded[spec.ID+" milestone.reached"]
			require.Equal(t, spec.Start.Time, e.At, spec.ID)
			for _, d := range spec.Documents {
				if d.Symbol != "" {
					require.Contains(t, e.Data, d.Symbol, spec.ID)
				}
			}
		case process.ThematicSession, process.Hearing, process.RegionalConsultation, process.Stocktaking:
			e := recorded[spec.ID+" session.opened"]
			require.Equal(t, spec.Start.Time, e.At, spec.ID)
			require.Equal(t, spec.Place, data(spec.ID + " session.opened")["place"], spec.ID)
			require.Equal(t, spec.Window.Closes.Time, recorded[spec.ID+" window.closed"].At, spec.ID)
			require.Equal(t, sim.ContributionsPerWindow, res.Stages[spec.ID].Contributions, spec.ID)
			require.Contains(t, recorded, spec.ID+" summary.recorded")
		case process.NegotiationRound:
			require.Equal(t, spec.Start.Time, recorded[spec.ID+" session.opened"].At, spec.ID)
		case process.Draft:
			e := recorded[spec.ID+" draft.published"]
			require.Equal(t, spec.Start.Time, e.At, spec.ID)
			require.EqualValues(t, revision, data(spec.ID + " draft.published")["revision"], spec.ID)
			if revision > 0 {
				require.Contains(t, e.Data, `"diff"`, spec.ID)
			}
			if res.Stages[spec.ID].Revision < 5 {
				require.Equal(t, sim.AmendmentsPerRound, res.Stages[spec.ID].Amendments, spec.ID)
			}
			revision++
		}
	}
	require.Equal(t, 6, revision, "zero draft, zero draft plus, revisions 1–3, the agreed text")

	acc := res.Stages["accreditation"]
	require.NotNil(t, acc, "the special accreditation window ran")
	require.Equal(t, 8, acc.Rejected, "of 80 circulated (20 in ECOSOC status register directly), every 10th drew an objection")
	require.Equal(t, 72, acc.Approved)

	marrakech := data("marrakech conference.adopted")
	require.EqualValues(t, 164, marrakech["adoptedBy"])
	require.Equal(t, "2018-12-10T00:00:00Z", recorded["marrakech conference.adopted"].At.Format("2006-01-02T15:04:05Z07:00"))
	endorsement := data("ga-endorsement endorsement.adopted")
	require.Equal(t, "A/RES/73/195", endorsement["document"])
	require.EqualValues(t, 152, endorsement["yes"])
	require.EqualValues(t, 24, endorsement["absent"])
	// Named as the template names them, by State: the 152 in favour, the 5
	// against and the 12 abstaining; the 24 not voting are the Member States
	// the votes leave out.
	votes, _ := endorsement["votes"].(map[string]any)
	require.EqualValues(t, 169, endorsement["named"])
	require.Len(t, votes, 169)
	ga, _ := tmpl.Stage("ga-endorsement")
	gaVote := ga.Outcome
	for vote, codes := range map[string][]string{VoteYes: gaVote.YesVotes, VoteNo: gaVote.NoVotes, VoteAbstain: gaVote.AbstainVotes} {
		for _, code := range codes {
			require.Equal(t, vote, votes[code], code)
		}
	}
	var absent []string
	for _, st := range process.MemberStates() {
		if _, named := votes[st.Code]; !named {
			absent = append(absent, st.Code)
		}
	}
	require.Equal(t, gaVote.AbsentVotes, absent)
	require.Equal(t, "yes", votes["MEX"], "a co-facilitator's State")
	require.Equal(t, "no", votes["USA"])
	require.Equal(t, "abstain", votes["CHE"], "the other co-facilitator's State")
	require.NotContains(t, votes, "SVN", "Slovenia did not vote")
	require.Equal(t, true, data("ts1 window.closed")["simulated"], "simulated contributions are marked so")
	require.Equal(t, "process.completed", entries[len(entries)-1].Event)

	contribs, err := h.store.ListContributions(context.Background(), store.ContributionFilter{ProcessID: tmpl.ID, StageID: "ts1", Limit: 1000})
	require.NoError(t, err)
	require.Len(t, contribs, sim.ContributionsPerWindow)
	t.Logf("%d record entries; %d stages", len(entries), len(tmpl.Stages()))
}

// requireInOrder fails when an entry is recorded after one that happened
// later in process time.
func requireInOrder(t *testing.T, entries []process.RecordEntry) {
	t.Helper()
	if i := process.OutOfOrder(entries); i >= 0 {
		a, b := entries[i-1], entries[i]
		t.Fatalf("entry %d (%s %s at %s) is recorded after entry %d (%s %s at %s)",
			b.Seq, b.StageID, b.Event, b.At, a.Seq, a.StageID, a.Event, a.At)
	}
}

// TestTemplateAppointmentsOnTheirDates: the co-facilitators the gcm-2018
// template names are recorded as appointed on 24 October 2016, their own
// date, after the New York Declaration that launched the process, not at
// the process's origin; and the record keeps process time's order, at the
// wall's pace and in lockstep.
func TestTemplateAppointmentsOnTheirDates(t *testing.T) {
	tmpl, err := process.LookupTemplate("gcm-2018")
	require.NoError(t, err)
	tmpl.Phases = tmpl.Phases[:1]
	tmpl.Phases[0].Stages = tmpl.Phases[0].Stages[:3] // the declaration, the co-facilitators, the elements paper
	for _, scale := range []float64{1, 2e7} {
		t.Run(fmt.Sprintf("scale %g", scale), func(t *testing.T) {
			h := newHarness(t)
			h.run(ProcessWorkflowID(tmpl.ID), Process, ProcessInput{
				ProcessID: tmpl.ID, Template: *tmpl, Simulation: &Simulation{},
				Clock: process.Clock{Origin: day("2016-09-01"), Scale: scale},
			})
			require.NoError(t, h.env.GetWorkflowError())
			entries := h.record(tmpl.ID)
			requireInOrder(t, entries)
			declared, appointed := -1, []string{}
			for i, e := range entries {
				switch {
				case e.StageID == "ny-declaration" && e.Event == "milestone.reached":
					declared = i
				case e.Event == "co-facilitator.appointed":
					require.Equal(t, day("2016-10-24"), e.At, e.Data)
					require.Greater(t, i, declared, "appointed before the New York Declaration: %s", e.Data)
					require.Greater(t, declared, -1)
					appointed = append(appointed, e.Data)
				}
			}
			require.Len(t, appointed, 2)
			require.Contains(t, appointed[0], "Juan José Gómez Camacho")
			require.Contains(t, appointed[1], "Jürg Lauber")
		})
	}
}

// TestReviewForumAppointmentsOnTheirDate: the review forum's
// co-facilitators (Spain, Bangladesh) are recorded on 21 December 2018,
// the day their appointment was announced, not on the replay's origin the
// day before.
func TestReviewForumAppointmentsOnTheirDate(t *testing.T) {
	tmpl, err := process.LookupTemplate("imrf-2022")
	require.NoError(t, err)
	tmpl.Phases = tmpl.Phases[:1]
	tmpl.Phases[0].Stages = tmpl.Phases[0].Stages[:1] // the co-facilitators' milestone
	h := newHarness(t)
	h.run(ProcessWorkflowID(tmpl.ID), Process, ProcessInput{
		ProcessID: tmpl.ID, Template: *tmpl, Simulation: &Simulation{},
		Clock: process.Clock{Origin: day("2018-12-20"), Scale: 2e7},
	})
	require.NoError(t, h.env.GetWorkflowError())
	entries := h.record(tmpl.ID)
	requireInOrder(t, entries)
	var states []string
	for _, e := range entries {
		if e.Event == "co-facilitator.appointed" {
			require.Equal(t, day("2018-12-21"), e.At, e.Data)
			var a struct{ State string }
			require.NoError(t, json.Unmarshal([]byte(e.Data), &a))
			states = append(states, a.State)
		}
	}
	require.Equal(t, []string{"ESP", "BGD"}, states)
}

// TestTemplateChairsOnTheirDays: the President of the General Assembly who
// chaired a gcm-2018 hearing, where a source names them, is recorded as
// chairing it on the hearing's day, right after it began; a hearing whose
// chair no source names (the first) records no chair. At the wall's pace
// and in lockstep alike.
func TestTemplateChairsOnTheirDays(t *testing.T) {
	tmpl, err := process.LookupTemplate("gcm-2018")
	require.NoError(t, err)
	keep := []string{"msh-2017", "msh-2017-10", "msh-2018-02"}
	var phases []process.Phase
	for _, ph := range tmpl.Phases {
		ph.Stages = slices.DeleteFunc(slices.Clone(ph.Stages), func(s process.StageSpec) bool { return !slices.Contains(keep, s.ID) })
		if len(ph.Stages) > 0 {
			phases = append(phases, ph)
		}
	}
	tmpl.Phases = phases
	tmpl.Appointments = nil
	for _, scale := range []float64{1, 2e7} {
		t.Run(fmt.Sprintf("scale %g", scale), func(t *testing.T) {
			h := newHarness(t)
			h.run(ProcessWorkflowID(tmpl.ID), Process, ProcessInput{
				ProcessID: tmpl.ID, Template: *tmpl, Simulation: &Simulation{},
				Clock: process.Clock{Origin: day("2017-06-01"), Scale: scale},
			})
			require.NoError(t, h.env.GetWorkflowError())
			entries := h.record(tmpl.ID)
			requireInOrder(t, entries)
			opened := map[string]int{}
			var chaired []string
			for i, e := range entries {
				switch e.Event {
				case "session.opened":
					opened[e.StageID] = i
				case "stage.chaired":
					spec, _ := tmpl.Stage(e.StageID)
					require.Equal(t, spec.Start.Time, e.At, "%s chaired off its day", e.StageID)
					require.Equal(t, opened[e.StageID], i-1, "%s: the chair's act does not follow the session's opening", e.StageID)
					var c event.Chaired
					require.NoError(t, json.Unmarshal([]byte(e.Data), &c))
					require.Equal(t, event.Chaired{Date: spec.Start.Format(time.DateOnly), Office: "pga", Person: "Miroslav Lajčák", Session: 72}, event.Chaired{
						Date: c.Date, Office: c.Office, Person: c.Person, Session: c.Session})
					require.NotEmpty(t, c.Source)
					chaired = append(chaired, e.StageID)
				}
			}
			require.Contains(t, opened, "msh-2017")
			require.Equal(t, []string{"msh-2017-10", "msh-2018-02"}, chaired, "a chair no source names is not recorded")
		})
	}
}

// TestRecordedRequestByState: a template naming every State replays a vote
// naming those in favour too; one naming some, as gcr-2018's does, replays
// its counts and only the States it names.
func TestRecordedRequestByState(t *testing.T) {
	for _, c := range []struct {
		template, stage string
		named, yes      int
	}{{"gcm-2018", "ga-endorsement", 169, 152}, {"gcr-2018", "ga-affirmation", 4, 0}} {
		tmpl, err := process.LookupTemplate(c.template)
		require.NoError(t, err)
		s, ok := tmpl.Stage(c.stage)
		require.True(t, ok, c.stage)
		req := recordedRequest(*s.Outcome)
		nameInFavour(req, *s.Outcome)
		require.Len(t, req.Votes, c.named, c.template)
		o := tally(RecordOutcomeRequest{Method: req.Method, Votes: req.Votes})
		require.Equal(t, c.yes, o.Yes, c.template)
		require.Equal(t, s.Outcome.NoVotes, o.NoVotes, c.template)
		require.Equal(t, s.Outcome.AbstainVotes, o.AbstainVotes, c.template)
		var absent *int // counted where the template counts them
		if s.Outcome.Absent > 0 {
			absent = &s.Outcome.Absent
		}
		require.Equal(t, &process.VoteCounts{Yes: s.Outcome.Yes, No: s.Outcome.No, Abstain: s.Outcome.Abstain, Absent: absent}, req.Counts)
	}
}
