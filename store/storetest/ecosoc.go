package storetest

import (
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// verified is a claim of ECOSOC status matched exactly against a list
// loaded at t0.
func verified() *process.ECOSOCMatch {
	m := &process.ECOSOCMatch{Result: process.MatchExact, ListLoadedAt: t0,
		Entry: &process.ECOSOCEntry{Name: "NGO", Status: process.ECOSOCSpecial, Year: 2010}}
	m.Describe()
	return m
}

func ecosocEntries(names ...string) []process.ECOSOCEntry {
	var es []process.ECOSOCEntry
	for i, n := range names {
		es = append(es, process.ECOSOCEntry{Name: n, Status: process.ECOSOCSpecial, Year: 2000 + i, Key: process.NormaliseOrgName(n)})
	}
	return es
}

func testECOSOCList(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.ECOSOCList(ctx)
	wantKind(t, err, process.NotFound)

	first := process.ECOSOCList{LoadedAt: t0, LoadedBy: "PGA", Entries: ecosocEntries("Migrants Forum", "Zeta Institute", "Alpha Alliance")}
	check(t, s.PutECOSOCList(ctx, first))
	got, err := s.ECOSOCList(ctx)
	check(t, err)
	equal(t, got, first) // in the file's order, not the names'

	// A list with one organisation twice is refused whole: the old one stays.
	dup := process.ECOSOCList{LoadedAt: t0.Add(time.Hour), LoadedBy: "PGA", Entries: ecosocEntries("New One", "The Migrants Forum, Inc.")}
	dup.Entries = append(dup.Entries, ecosocEntries("Migrants Forum")...)
	wantKind(t, s.PutECOSOCList(ctx, dup), process.Invalid)
	wantKind(t, s.PutECOSOCList(ctx, process.ECOSOCList{LoadedAt: t0, LoadedBy: "PGA"}), process.Invalid)
	got, err = s.ECOSOCList(ctx)
	check(t, err)
	equal(t, got, first)

	// A good list replaces the old one whole.
	second := process.ECOSOCList{LoadedAt: t0.Add(2 * time.Hour), LoadedBy: "PGA-2", Entries: ecosocEntries("Beta Network")}
	check(t, s.PutECOSOCList(ctx, second))
	got, err = s.ECOSOCList(ctx)
	check(t, err)
	equal(t, got, second)
}

func testECOSOCReview(t *testing.T, s store.Store) {
	ctx := t.Context()
	list := process.ECOSOCList{LoadedAt: t0, LoadedBy: "PGA", Entries: ecosocEntries("International Migrants Forum")}
	apply := func(party, name string) process.Application {
		t.Helper()
		m := list.Match(name)
		a, err := s.Apply(ctx, process.Application{ProcessID: "gcm-2018", Party: party, Name: name,
			Category: "civil-society", ECOSOC: true, Match: &m, AppliedAt: t0}, &store.Act{By: party, Role: "stakeholder", At: t0, StageID: "acc"})
		check(t, err)
		return a
	}
	exact := apply("exact", "The International Migrants Forum Inc.")
	equal(t, exact.State, process.Approved)
	equal(t, exact.Match.Note, "ECOSOC status verified against the list loaded on 2017-05-08 09:00 UTC")
	confirmed := apply("confirmed", "Internacional Migrants Forum")
	refused := apply("refused", "International Migrant Forums")
	none := apply("none", "Something Else Entirely")
	equal(t, confirmed.State, process.Review)
	equal(t, refused.State, process.Review)
	equal(t, none.State, process.Applied)
	equal(t, none.Match.Result, process.MatchNone)
	got, err := s.GetApplication(ctx, "gcm-2018", "", "confirmed")
	check(t, err)
	equal(t, got, confirmed)
	inReview, err := s.ListApplications(ctx, "gcm-2018", "", process.Review)
	check(t, err)
	equal(t, len(inReview), 2)

	at := t0.Add(time.Hour)
	office := store.Act{By: "PGA", Role: "pga-office", At: at}
	a, err := s.ReviewECOSOCMatch(ctx, "gcm-2018", "", "confirmed", true, office)
	check(t, err)
	equal(t, a.State, process.Approved)
	equal(t, a.DecidedAt, at)
	equal(t, a.Match.Result, process.MatchConfirmed)
	got, err = s.GetApplication(ctx, "gcm-2018", "", "confirmed")
	check(t, err)
	equal(t, got, a)

	a, err = s.ReviewECOSOCMatch(ctx, "gcm-2018", "", "refused", false, office)
	check(t, err)
	equal(t, a.State, process.Applied)
	equal(t, a.Match.Result, process.MatchRefused)
	// Refused, it goes on the next list like any other application.
	circulated, err := s.Circulate(ctx, "gcm-2018", "", "acc-list-1")
	check(t, err)
	var parties []string
	for _, c := range circulated {
		parties = append(parties, c.Party)
	}
	equal(t, parties, []string{"none", "refused"})

	_, err = s.ReviewECOSOCMatch(ctx, "gcm-2018", "", "confirmed", false, office)
	wantKind(t, err, process.Conflict)
	_, err = s.ReviewECOSOCMatch(ctx, "gcm-2018", "", "nobody", true, office)
	wantKind(t, err, process.NotFound)
	_, err = s.ReviewECOSOCMatch(ctx, "gcm-2018", "", "exact", true, store.Act{At: at})
	wantKind(t, err, process.Invalid)
	_, err = s.Apply(ctx, process.Application{ProcessID: "gcm-2018", Party: "exact", Name: "Again", ECOSOC: true, Match: exact.Match, AppliedAt: t0},
		&store.Act{By: "exact", At: t0, StageID: "acc"})
	wantKind(t, err, process.Conflict)

	// Each check and each review is in the record, with the application;
	// the refused writes left nothing there.
	entries, err := s.Entries(ctx, "gcm-2018", 0)
	check(t, err)
	var recorded []string
	for _, e := range entries {
		recorded = append(recorded, e.StageID+" "+e.Event+" "+e.At.Format(time.RFC3339)+" "+e.Data)
	}
	equal(t, recorded, []string{
		`acc ecosoc.checked 2017-05-08T09:00:00Z {"entry":"International Migrants Forum","listLoadedAt":"2017-05-08T09:00:00Z","name":"The International Migrants Forum Inc.","party":"exact","result":"exact","seq":"exact"}`,
		`acc ecosoc.checked 2017-05-08T09:00:00Z {"distance":1,"entry":"International Migrants Forum","listLoadedAt":"2017-05-08T09:00:00Z","name":"Internacional Migrants Forum","party":"confirmed","result":"near","seq":"confirmed"}`,
		`acc ecosoc.checked 2017-05-08T09:00:00Z {"distance":2,"entry":"International Migrants Forum","listLoadedAt":"2017-05-08T09:00:00Z","name":"International Migrant Forums","party":"refused","result":"near","seq":"refused"}`,
		`acc ecosoc.checked 2017-05-08T09:00:00Z {"listLoadedAt":"2017-05-08T09:00:00Z","name":"Something Else Entirely","party":"none","result":"none","seq":"none"}`,
		` ecosoc.reviewed 2017-05-08T10:00:00Z {"by":"PGA","entry":"International Migrants Forum","party":"confirmed","result":"confirmed","seq":"confirmed"}`,
		` ecosoc.reviewed 2017-05-08T10:00:00Z {"by":"PGA","entry":"International Migrants Forum","party":"refused","result":"refused","seq":"refused"}`,
	})
}
