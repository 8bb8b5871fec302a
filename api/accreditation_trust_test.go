package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// testECOSOCList is the one list every test loads: the list is the whole
// server's, and tests run in parallel, so they all load the same one.
// The organisations are invented; the header is the NGO Branch's.
const testECOSOCList = "Organization's name,Consultative status,ECOSOC accreditation year (YYYY),Country\r\n" +
	"Ecosoc Org,Special,2004,CH\r\n" +
	"International Migrants Forum,Special,2010,MX\r\n" +
	"\"Alliance of Diaspora Networks, Inc.\",Roster,1998,\r\n" +
	"Global Council of Migrant Workers,General,1975,PH\r\n"

// loadECOSOCList loads testECOSOCList as the PGA office.
func loadECOSOCList(t *testing.T, a *apiServer, pga string) {
	t.Helper()
	res := a.do("PUT", "/v1/ecosoc-list", pga, []byte(testECOSOCList), "Content-Type", "text/csv; charset=utf-8")
	var loaded wire.ECOSOCListLoaded
	res.JSON(t, &loaded)
	if res.Status != http.StatusOK || loaded.Entries != 4 || loaded.LoadedBy != "PGA" {
		t.Fatalf("load the ECOSOC list: %d %s", res.Status, res.Body)
	}
}

func problemOf(t *testing.T, res response) wire.Problem {
	t.Helper()
	var p wire.Problem
	res.JSON(t, &p)
	return p
}

// TestECOSOCListRefused refuses a malformed list with every bad line, and
// keeps the list loaded before.
func TestECOSOCListRefused(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	loadECOSOCList(t, a, pga)
	csv := "text/csv"
	bad := "Organization's name,Consultative status,ECOSOC accreditation year\n" +
		"Good Forum,Special,2010\n" +
		"Bad Status Forum,Observer,2010\n" +
		"\n" +
		"Bad Year Forum,General,nineteen\n" +
		"\"Unclosed Forum,Roster,2001\n" +
		"The Good Forum Inc.,General,2001\n"
	res := a.do("PUT", "/v1/ecosoc-list", pga, []byte(bad), "Content-Type", csv)
	wantProblem(t, "a malformed list", res, http.StatusBadRequest)
	p := problemOf(t, res)
	var lines []string
	for _, e := range p.Errors {
		lines = append(lines, e.Pointer)
	}
	if !slices.Equal(lines, []string{"/lines/3", "/lines/5", "/lines/6", "/lines/7"}) ||
		!strings.Contains(p.Detail, "4 lines of the list are malformed") ||
		!strings.Contains(p.Errors[0].Detail, `status "Observer": want General, Special or Roster`) ||
		!strings.Contains(p.Errors[3].Detail, "is the organisation of line 2") {
		t.Errorf("a malformed list: %+v", p)
	}
	for _, tc := range []struct {
		name   string
		token  string
		body   string
		header []string
		want   int
	}{
		{"no header", pga, "Good Forum,Special,2010\n", []string{"Content-Type", csv}, http.StatusBadRequest},
		{"empty", pga, "", []string{"Content-Type", csv}, http.StatusBadRequest},
		{"as JSON", pga, `{"name":"x"}`, nil, http.StatusUnsupportedMediaType},
		{"too large", pga, strings.Repeat("x", maxECOSOCList+1), []string{"Content-Type", csv}, http.StatusRequestEntityTooLarge},
		{"a stakeholder", a.token(Stakeholder, "ngo-list", ""), testECOSOCList, []string{"Content-Type", csv}, http.StatusForbidden},
		{"no token", "", testECOSOCList, []string{"Content-Type", csv}, http.StatusUnauthorized},
	} {
		wantProblem(t, "put the list: "+tc.name, a.do("PUT", "/v1/ecosoc-list", tc.token, []byte(tc.body), tc.header...), tc.want)
	}
	l, err := stack.store.ECOSOCList(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want, _ := process.ParseECOSOCList([]byte(testECOSOCList))
	if len(l.Entries) != len(want) || l.Entries[1].Name != "International Migrants Forum" {
		t.Errorf("refused lists changed the list: %+v", l.Entries)
	}
}

// TestAccreditationTrust follows claims of ECOSOC status as the list
// checks them: an exact one approved at once, a near one reviewed by the
// office, a false one circulated on a non-objection basis; the window's
// dates refuse the rest.
func TestAccreditationTrust(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	loadECOSOCList(t, a, pga)
	id, code := uniqueID("acc-trust")
	launchProcess(t, a, pga, mergeBody(inlineProcess(accreditationTemplate(id, code)), map[string]any{"scale": accreditationScale}))
	apps := "/v1/processes/" + id + "/applications"
	apply := func(party, name string, ecosoc bool) response {
		return a.do("POST", apps, a.token(Stakeholder, party, ""), map[string]any{"name": name, "category": "civil-society", "ecosoc": ecosoc})
	}
	standing := func(party string) wire.ApplicationStanding {
		t.Helper()
		var s wire.ApplicationStanding
		res := a.do("GET", apps+"/"+party, a.token(Stakeholder, party, ""), nil)
		if res.Status != http.StatusOK {
			t.Fatalf("standing of %s: %d %s", party, res.Status, res.Body)
		}
		res.JSON(t, &s)
		return s
	}

	// Before the window: refused with its dates, a false claim included;
	// an exact match registers, as the modalities let ECOSOC organisations.
	for _, tc := range []struct{ party, name string }{{"early", "Early Forum"}, {"early-false", "Not On The List Forum"}} {
		res := apply(tc.party, tc.name, tc.party == "early-false")
		wantProblem(t, "apply before the window: "+tc.party, res, http.StatusConflict)
		if d := problemOf(t, res).Detail; !strings.Contains(d, "the special accreditation window runs acc from ") ||
			!strings.Contains(d, " UTC (") || !strings.Contains(d, "Z) to ") {
			t.Errorf("refusal without the window's dates: %s", d)
		}
	}
	res := apply("exact", "The International Migrants Forum", true)
	var exact process.Application
	res.JSON(t, &exact)
	if res.Status != http.StatusCreated || exact.State != process.Approved || exact.Match == nil ||
		exact.Match.Result != process.MatchExact || !strings.HasPrefix(exact.Match.Note, "ECOSOC status verified against the list loaded on ") {
		t.Fatalf("an exact claim: %d %s", res.Status, res.Body)
	}

	pollStore(t, "the accreditation window to open", func() bool { return windowOpen(id, "acc") })
	// A near match waits for the office, which confirms one and refuses another.
	for _, tc := range []struct{ party, name string }{{"near", "Internacional Migrants Forum"}, {"near-other", "Global Council of Migrant Worker"}} {
		res := apply(tc.party, tc.name, true)
		var near process.Application
		res.JSON(t, &near)
		if res.Status != http.StatusCreated || near.State != process.Review || near.Match.Result != process.MatchNear || near.Match.Entry == nil {
			t.Fatalf("a near claim: %d %s", res.Status, res.Body)
		}
	}
	if s := standing("near"); s.State != process.Review || s.Match.Entry.Name != "International Migrants Forum" {
		t.Errorf("the applicant sees %+v", s)
	}
	var inReview []process.Application
	a.do("GET", apps+"?state=review", pga, nil).JSON(t, &inReview)
	if len(inReview) != 2 {
		t.Errorf("in review: %+v", inReview)
	}
	review := func(party string) string { return apps + "/" + party + "/ecosoc" }
	wantProblem(t, "review as the applicant", a.do("POST", review("near"), a.token(Stakeholder, "near", ""), map[string]bool{"match": true}), http.StatusForbidden)
	res = a.do("POST", review("near"), pga, map[string]any{})
	wantProblem(t, "review without a verdict", res, http.StatusBadRequest)
	if p := problemOf(t, res); len(p.Errors) != 1 || p.Errors[0].Pointer != "/match" {
		t.Errorf("review without a verdict: %+v", p)
	}
	var reviewed process.Application
	res = a.do("POST", review("near"), pga, map[string]bool{"match": true})
	res.JSON(t, &reviewed)
	if res.Status != http.StatusOK || reviewed.State != process.Approved || reviewed.Match.Result != process.MatchConfirmed || reviewed.Match.ReviewedBy != "PGA" {
		t.Fatalf("confirm: %d %s", res.Status, res.Body)
	}
	wantProblem(t, "review twice", a.do("POST", review("near"), pga, map[string]bool{"match": false}), http.StatusConflict)
	wantProblem(t, "review an exact match", a.do("POST", review("exact"), pga, map[string]bool{"match": false}), http.StatusConflict)
	wantProblem(t, "review no one", a.do("POST", review("nobody"), pga, map[string]bool{"match": false}), http.StatusNotFound)
	a.do("POST", review("near-other"), pga, map[string]bool{"match": false}).JSON(t, &reviewed)
	if reviewed.State != process.Applied || reviewed.Match.Result != process.MatchRefused {
		t.Fatalf("refuse: %+v", reviewed)
	}

	// A false claim goes on a non-objection basis with the refused one.
	res = apply("false", "Forum That Is Not On It", true)
	var falseClaim process.Application
	res.JSON(t, &falseClaim)
	if res.Status != http.StatusCreated || falseClaim.State != process.Applied || falseClaim.Match.Result != process.MatchNone {
		t.Fatalf("a false claim: %d %s", res.Status, res.Body)
	}
	var list wire.CirculateResult
	pollStore(t, "the workflow to take a circulation", func() bool {
		res = a.do("POST", "/v1/processes/"+id+"/stages/acc/circulate", pga, nil)
		return res.Status != http.StatusConflict
	})
	res.JSON(t, &list)
	if res.Status != http.StatusOK || list.Applications != 2 {
		t.Fatalf("circulate: %d %s", res.Status, res.Body)
	}
	if s := standing("false"); s.State != process.Circulated || s.List != list.List || !s.PeriodEnds.Equal(list.Until) || s.Match.Result != process.MatchNone {
		t.Errorf("the applicant sees %+v, want on %s until %s", s, list.List, list.Until)
	}

	// Objections: a Member State's during the period; a stakeholder's never.
	objections := "/v1/processes/" + id + "/stages/acc/objections"
	res = a.do("POST", objections, a.token(Stakeholder, "exact", ""), map[string]string{"party": "false"})
	wantProblem(t, "object as a stakeholder", res, http.StatusForbidden)
	if p := problemOf(t, res); p.Type != wire.ProblemTypePrefix+"forbidden" || !strings.Contains(p.Detail, "member-state") {
		t.Errorf("object as a stakeholder: %+v", p)
	}
	if res := a.do("POST", objections, a.token(MemberState, "EGY", ""), map[string]string{"party": "false"}); res.Status != http.StatusOK {
		t.Fatalf("object without a reason: %d %s", res.Status, res.Body)
	}
	pollStore(t, "the list's decision", func() bool {
		a, err := stack.store.GetApplication(context.Background(), id, "", "false")
		return err == nil && a.State == process.Rejected
	})
	res = a.do("POST", objections, a.token(MemberState, "FRA", ""), map[string]string{"party": "near-other"})
	wantProblem(t, "object after the period", res, http.StatusConflict)
	if p := problemOf(t, res); p.Detail != fmt.Sprintf("the non-objection period of list %s ended at %s: near-other's application is approved",
		list.List, process.FormatDeadline(list.Until, time.UTC)) {
		t.Errorf("object after the period: %+v", p)
	}
	if s := standing("near-other"); s.State != process.Approved || s.Match.Result != process.MatchRefused {
		t.Errorf("a refused match, not objected to: %+v", s)
	}

	// Every check and review is in the record, in process time; the claim
	// refused outside the window left nothing there.
	entries, err := stack.store.Entries(context.Background(), id, 0)
	if err != nil {
		t.Fatal(err)
	}
	var checks []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Event, "ecosoc.") {
			continue
		}
		var d struct{ Party, Result, Entry, By string }
		if err := json.Unmarshal([]byte(e.Data), &d); err != nil {
			t.Fatal(err)
		}
		if e.At.Year() != 2031 {
			t.Errorf("%s of %s at %s, not in process time", e.Event, d.Party, e.At)
		}
		checks = append(checks, fmt.Sprintf("%s %s %s %s %s", e.Event, d.Party, d.Result, d.Entry, d.By))
	}
	want := []string{
		"ecosoc.checked exact exact International Migrants Forum ",
		"ecosoc.checked near near International Migrants Forum ",
		"ecosoc.checked near-other near Global Council of Migrant Workers ",
		"ecosoc.reviewed near confirmed International Migrants Forum PGA",
		"ecosoc.reviewed near-other refused Global Council of Migrant Workers PGA",
		"ecosoc.checked false none  ",
	}
	if !slices.Equal(checks, want) {
		t.Errorf("the record's ECOSOC checks:\n%s\nwant\n%s", strings.Join(checks, "\n"), strings.Join(want, "\n"))
	}
}
