package web

import (
	"slices"
	"time"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// voteList is one list of a recorded vote as the stage page shows it.
type voteList struct {
	Vote   string   // yes, no, abstain or absent: its messages' key
	Count  int      // as the record counts it, or as many as it names
	States []string // the named States, in the reader's language and its order
}

// Partial reports whether the record counts more States than it names.
func (l voteList) Partial() bool { return len(l.States) < l.Count }

// votesView is a recorded vote's lists: in favour, against, abstaining
// and not voting, each with its count and the States the record names.
type votesView struct {
	Lists []voteList
	Named bool // some list names States
	// Source is the template's source for its lists, when the record names
	// the States the template does: a replay of the template's history.
	Source string
}

// Votes are a stage's recorded vote's lists; none for a decision without
// a vote.
func (p *Page) Votes(st wire.StageDetail) votesView {
	var v votesView
	o := st.Outcome
	if o == nil || o.Method != "recorded-vote" {
		return v
	}
	if h := st.Spec.Outcome; h != nil && sameStates(h.YesVotes, o.InFavour) && sameStates(h.NoVotes, o.Against) &&
		sameStates(h.AbstainVotes, o.Abstaining) && (len(h.AbsentVotes) == 0 || sameStates(h.AbsentVotes, o.NotVoting)) {
		v.Source = h.VotesSource
	}
	for _, l := range []struct {
		vote  string
		count *int
		codes []string
	}{{"yes", o.Yes, o.InFavour}, {"no", o.No, o.Against}, {"abstain", o.Abstain, o.Abstaining}, {"absent", o.Absent, o.NotVoting}} {
		n := len(l.codes)
		if l.count != nil {
			n = *l.count
		}
		if n == 0 && l.count == nil {
			continue
		}
		v.Lists = append(v.Lists, voteList{Vote: l.vote, Count: n, States: p.stateNames(l.codes, o.At)})
		v.Named = v.Named || len(l.codes) > 0
	}
	return v
}

// sameStates reports whether two lists of codes name the same States.
func sameStates(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

// stateNames are Member States' names, sorted as the reader's language
// sorts them: in English the UN's names on the day of the vote
// (process.StateNameOn), in the other languages CLDR's, which the page
// says are not the UN's.
func (p *Page) stateNames(codes []string, on time.Time) []string {
	if len(codes) == 0 {
		return nil
	}
	regions := display.Regions(language.Make(p.Lang))
	names := make([]string, 0, len(codes))
	for _, code := range codes {
		name := process.StateNameOn(code, on)
		if r, err := language.ParseRegion(code); err == nil && p.Lang != "en" {
			if n := regions.Name(r); n != "" {
				name = n
			}
		}
		names = append(names, name)
	}
	collate.New(language.Make(p.Lang)).SortStrings(names)
	return names
}
