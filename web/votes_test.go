package web

import (
	"slices"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// TestVotesCiteTheTemplateOnlyForItsLists: the stage page cites the
// template's source for a vote's lists when the record names the States
// the template names (a replay of its history), not when the office
// recorded other votes; names are in the reader's language and its order,
// in English as the UN named them on the day.
func TestVotesCiteTheTemplateOnlyForItsLists(t *testing.T) {
	gcm, err := process.LookupTemplate("gcm-2018")
	if err != nil {
		t.Fatal(err)
	}
	var spec process.StageSpec
	for _, ph := range gcm.Phases {
		for _, st := range ph.Stages {
			if st.Outcome != nil && len(st.Outcome.YesVotes) > 0 {
				spec = st
			}
		}
	}
	h := spec.Outcome
	if h == nil {
		t.Fatal("gcm-2018 names no vote by State")
	}
	count := func(n int) *int { return &n }
	replayed := wire.StageOutcome{Method: "recorded-vote", Adopted: true, Yes: count(h.Yes), No: count(h.No),
		Abstain: count(h.Abstain), Absent: count(h.Absent), InFavour: h.YesVotes, Against: h.NoVotes,
		Abstaining: h.AbstainVotes, NotVoting: h.AbsentVotes}
	p := &Page{Lang: "fr"}
	v := p.Votes(wire.StageDetail{Stage: process.Stage{Spec: spec}, Outcome: &replayed})
	if v.Source != h.VotesSource || !v.Named || len(v.Lists) != 4 {
		t.Fatalf("the replayed vote: source %q, named %v, %d lists", v.Source, v.Named, len(v.Lists))
	}
	if no := v.Lists[1]; no.Vote != "no" || no.Count != 5 ||
		!slices.Equal(no.States, []string{"États-Unis", "Hongrie", "Israël", "Pologne", "Tchéquie"}) {
		t.Errorf("against, in French and its order: %+v", no)
	}

	replayed.At = time.Date(2018, 12, 19, 15, 0, 0, 0, time.UTC)
	en := (&Page{Lang: "en"}).Votes(wire.StageDetail{Stage: process.Stage{Spec: spec}, Outcome: &replayed})
	if no := en.Lists[1].States; !slices.Equal(no, []string{"Czech Republic", "Hungary", "Israel", "Poland", "United States of America"}) {
		t.Errorf("against, in English as the UN named them in 2018: %q", no)
	}

	other := replayed
	other.Against = []string{"HUN"}
	if v := p.Votes(wire.StageDetail{Stage: process.Stage{Spec: spec}, Outcome: &other}); v.Source != "" {
		t.Errorf("a vote the office recorded otherwise cites %q", v.Source)
	}
	if v := p.Votes(wire.StageDetail{Stage: process.Stage{Spec: spec}, Outcome: &wire.StageOutcome{Method: "consensus", Adopted: true}}); v.Lists != nil {
		t.Errorf("a consensus has vote lists: %+v", v.Lists)
	}
}
