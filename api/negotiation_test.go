package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/text"
	"github.com/compact-un/compact/wire"
)

const negotiatedDraft = `# Global compact for migration

PP1. Reaffirming the New York Declaration,

1. This Global Compact rests on the Charter.

2. We commit to strengthen the evidence base.
`

// openText starts a process with the group EU (FRA, DEU and ITA),
// publishes its zero draft, waits for its amendment window and stores the
// draft's text as the drafting workflow will. It returns the process and
// the revision.
func openText(t *testing.T) (string, *text.Revision) {
	t.Helper()
	id, code := uniqueID("text")
	now := time.Now().UTC().Truncate(time.Second)
	startProcess(t, process.Template{
		ID: id, Title: "Negotiation " + id, Code: code,
		Rules: process.Rules{NonObjectionDays: 2, Adoption: "consensus", Voters: "member-states"},
		Phases: []process.Phase{{ID: "negotiations", Title: "Negotiations", Stages: []process.StageSpec{
			{ID: "zero", Kind: process.Draft, Title: "Zero draft", Start: process.Date{Time: now}},
			{ID: "rev1", Kind: process.Draft, Title: "Revision 1", Start: process.Date{Time: now.Add(time.Hour)}},
		}}},
		Groups: []process.Group{{ID: "EU", Name: "European Union", Members: []string{"DEU", "FRA", "ITA"},
			Source: "a test's", AsOf: process.Date{Time: now}}},
	})
	rev, err := text.Parse(negotiatedDraft)
	if err != nil {
		t.Fatal(err)
	}
	text.Identify(nil, rev)
	paragraphs := make([]string, len(rev.Paragraphs))
	for i, p := range rev.Paragraphs {
		paragraphs[i] = p.Text
	}
	publishZeroDraft(t, id, paragraphs)
	if _, err := stack.store.PutRevision(t.Context(), store.Revision{ProcessID: id, Revision: *rev, Language: "en", IssuedAt: now}); err != nil {
		t.Fatal(err)
	}
	return id, rev
}

// problem reads a refusal, checking its status and the field it names.
func problem(t *testing.T, res response, status int, pointer string) wire.Problem {
	t.Helper()
	var p wire.Problem
	res.JSON(t, &p)
	if res.Status != status || res.Header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("got %d %s, want %d problem+json", res.Status, res.Body, status)
	}
	if pointer != "" && (len(p.Errors) != 1 || p.Errors[0].Pointer != pointer) {
		t.Fatalf("got errors %+v, want one at %s", p.Errors, pointer)
	}
	return p
}

// recordOf is the process's record as "event data" lines.
func recordOf(t *testing.T, id string) []string {
	t.Helper()
	es, err := stack.store.Entries(t.Context(), id, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := process.VerifyChain(es); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, e := range es {
		if strings.HasPrefix(e.Event, "amendment.") || strings.HasPrefix(e.Event, "position.") || strings.HasPrefix(e.Event, "paragraph.") {
			lines = append(lines, e.Event+" "+e.Data)
		}
	}
	return lines
}

func TestNegotiation(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	id, rev := openText(t)
	op1, op2 := rev.Paragraphs[2].ID, rev.Paragraphs[3].ID
	mex, fra, ken := a.token(MemberState, "MEX", ""), a.token(MemberState, "FRA", ""), a.token(MemberState, "KEN", "")
	org := "ngo-" + newKey()
	accredit(t, id, org)
	ngo := a.token(Stakeholder, org, "")
	amendments := "/v1/processes/" + id + "/text/amendments"

	// A State proposes on a paragraph named by its label; a retry gets the
	// same amendment.
	a1 := wire.TextAmendmentRequest{Kind: text.Replace, Paragraph: "OP1", Text: "This Compact rests on the Charter of the United Nations.",
		Sponsor: "MEX", CoSponsors: []string{"ARG"}}
	res := a.do("POST", amendments, mex, a1, "Idempotency-Key", "a1")
	var got wire.TextAmendment
	res.JSON(t, &got)
	if res.Status != http.StatusCreated || got.Paragraph != op1 || got.StageID != "zero" || got.Decision.Outcome != "pending" ||
		res.Header.Get("Location") != amendments+"/"+got.ID {
		t.Fatalf("POST: %d %s (Location %s)", res.Status, res.Body, res.Header.Get("Location"))
	}
	res = a.do("POST", amendments, mex, a1, "Idempotency-Key", "a1")
	var again wire.TextAmendment
	res.JSON(t, &again)
	if res.Status != http.StatusOK || again.ID != got.ID {
		t.Fatalf("a retry: %d %s, want 200 with %s", res.Status, res.Body, got.ID)
	}
	other := a1
	other.Text = "Another text."
	problem(t, a.do("POST", amendments, mex, other, "Idempotency-Key", "a1"), http.StatusConflict, "")
	// A group's member proposes for the group.
	res = a.do("POST", amendments, fra, wire.TextAmendmentRequest{Kind: text.NewParagraph, Part: text.Operative,
		Text: "We will review progress every four years.", Sponsor: "EU"}, "Idempotency-Key", "a2")
	var a2 wire.TextAmendment
	res.JSON(t, &a2)
	if res.Status != http.StatusCreated || a2.Sponsor != "EU" {
		t.Fatalf("the EU's amendment: %d %s", res.Status, res.Body)
	}
	before := recordOf(t, id)

	// Bad proposals are refused, each naming its field, and change nothing.
	for _, tt := range []struct {
		name    string
		token   string
		body    wire.TextAmendmentRequest
		status  int
		pointer string
	}{
		{"no such paragraph", mex, wire.TextAmendmentRequest{Kind: text.Delete, Paragraph: "OP9", Sponsor: "MEX"}, http.StatusUnprocessableEntity, "/paragraph"},
		{"unknown co-sponsor", mex, wire.TextAmendmentRequest{Kind: text.Delete, Paragraph: op2, Sponsor: "MEX", CoSponsors: []string{"G77"}},
			http.StatusUnprocessableEntity, "/coSponsors/0"},
		{"another's group", mex, wire.TextAmendmentRequest{Kind: text.Delete, Paragraph: op2, Sponsor: "EU"}, http.StatusForbidden, "/sponsor"},
		{"unknown kind", mex, wire.TextAmendmentRequest{Kind: "amend", Paragraph: op2, Sponsor: "MEX"}, http.StatusBadRequest, "/kind"},
		{"no text", mex, wire.TextAmendmentRequest{Kind: text.Replace, Paragraph: op2, Sponsor: "MEX"}, http.StatusBadRequest, "/text"},
		{"a new paragraph in the title", mex, wire.TextAmendmentRequest{Kind: text.NewParagraph, Part: text.Title, Text: "T", Sponsor: "MEX"},
			http.StatusBadRequest, "/part"},
		{"a co-sponsor twice", mex, wire.TextAmendmentRequest{Kind: text.Delete, Paragraph: op2, Sponsor: "MEX", CoSponsors: []string{"ARG", "ARG"}},
			http.StatusBadRequest, "/coSponsors/1"},
		{"deleting the title", mex, wire.TextAmendmentRequest{Kind: text.Delete, Paragraph: rev.Paragraphs[0].ID, Sponsor: "MEX"},
			http.StatusBadRequest, "/kind"},
		{"an edit of words not there", mex, wire.TextAmendmentRequest{Kind: text.EditWords, Paragraph: "OP2", Sponsor: "MEX",
			Edits: []text.Edit{{Old: "the Charter", New: "the Charter of the United Nations"}}}, http.StatusBadRequest, "/edits"},
		{"a stakeholder", ngo, wire.TextAmendmentRequest{Kind: text.Delete, Paragraph: op2, Sponsor: "MEX"}, http.StatusForbidden, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			problem(t, a.do("POST", amendments, tt.token, tt.body, "Idempotency-Key", newKey()), tt.status, tt.pointer)
		})
	}
	problem(t, a.do("POST", amendments, mex, wire.TextAmendmentRequest{Kind: text.Delete, Paragraph: op2, Sponsor: "MEX"}),
		http.StatusBadRequest, "")
	if after := recordOf(t, id); len(after) != len(before) {
		t.Fatalf("refusals recorded %v", after[len(before):])
	}

	// Co-sponsors join and withdraw, for themselves or their group.
	cosponsors := amendments + "/" + got.ID + "/cosponsors"
	res = a.do("POST", cosponsors, fra, wire.CosponsorRequest{Party: "EU"})
	res.JSON(t, &got)
	if res.Status != http.StatusOK || strings.Join(got.CoSponsors, ",") != "ARG,EU" {
		t.Fatalf("the EU joins: %d %s", res.Status, res.Body)
	}
	problem(t, a.do("POST", cosponsors, mex, wire.CosponsorRequest{Party: "EU"}), http.StatusForbidden, "/party")
	problem(t, a.do("DELETE", cosponsors+"/EU", ken, nil), http.StatusForbidden, "")
	problem(t, a.do("POST", amendments+"/AM-NONE/cosponsors", ken, wire.CosponsorRequest{}), http.StatusNotFound, "")
	res = a.do("DELETE", cosponsors+"/ARG", a.token(MemberState, "ARG", ""), nil)
	res.JSON(t, &got)
	if res.Status != http.StatusOK || strings.Join(got.CoSponsors, ",") != "EU" || strings.Join(got.Withdrawn, ",") != "ARG" {
		t.Fatalf("ARG withdraws: %d %s", res.Status, res.Body)
	}

	// A second position replaces the first, and says so.
	position := amendments + "/" + got.ID + "/position"
	for i, want := range []bool{false, true} {
		stance := []text.Stance{text.Support, text.Oppose}[i]
		res = a.do("PUT", position, ken, wire.PositionRequest{Stance: stance, Statement: "On instructions."})
		var taken wire.PositionTaken
		res.JSON(t, &taken)
		if res.Status != http.StatusOK || taken.Replaced != want || taken.Party != "KEN" || taken.Stance != stance {
			t.Fatalf("position %d: %d %s, want replaced %t", i+1, res.Status, res.Body, want)
		}
	}
	res = a.do("PUT", position, fra, wire.PositionRequest{Stance: text.Reservation, Party: "EU"})
	if res.Status != http.StatusOK || !strings.Contains(string(res.Body), `"party":"EU"`) {
		t.Fatalf("the EU's position: %d %s", res.Status, res.Body)
	}
	problem(t, a.do("PUT", position, ngo, wire.PositionRequest{Stance: text.Support}), http.StatusForbidden, "")
	problem(t, a.do("PUT", position, ken, wire.PositionRequest{Stance: "abstain"}), http.StatusBadRequest, "/stance")
	problem(t, a.do("PUT", position, ken, wire.PositionRequest{Stance: text.Support, Party: "EU"}), http.StatusForbidden, "/party")
	problem(t, a.do("PUT", amendments+"/AM-NONE/position", ken, wire.PositionRequest{Stance: text.Support}), http.StatusNotFound, "")

	// Those who serve the process decide and mark.
	cofac := a.token(CoFacilitator, "Co-facilitators", id)
	decision := amendments + "/" + got.ID + "/decision"
	problem(t, a.do("PUT", decision, mex, wire.DecisionRequest{Outcome: "incorporated"}), http.StatusForbidden, "")
	problem(t, a.do("PUT", decision, a.token(CoFacilitator, "Others", "another-process"), wire.DecisionRequest{Outcome: "incorporated"}),
		http.StatusForbidden, "")
	problem(t, a.do("PUT", decision, cofac, wire.DecisionRequest{Outcome: "merged"}), http.StatusBadRequest, "/text")
	problem(t, a.do("PUT", decision, cofac, wire.DecisionRequest{Outcome: "adopted"}), http.StatusBadRequest, "/outcome")
	res = a.do("PUT", decision, cofac, wire.DecisionRequest{Outcome: "not-retained", Note: "no consensus"})
	res.JSON(t, &got)
	if res.Status != http.StatusOK || got.Decision != (wire.Decision{Outcome: "not-retained", Note: "no consensus"}) {
		t.Fatalf("decision: %d %s", res.Status, res.Body)
	}
	problem(t, a.do("PUT", position, ken, wire.PositionRequest{Stance: text.Support}), http.StatusConflict, "")

	mark := "/v1/processes/" + id + "/text/revisions/0/paragraphs/"
	res = a.do("PUT", mark+"OP2/mark", a.token(PGAOffice, "PGA", ""), wire.MarkRequest{Status: "agreed-ad-ref", Note: "subject to capitals"})
	var m wire.ParagraphMark
	res.JSON(t, &m)
	if res.Status != http.StatusOK || m != (wire.ParagraphMark{Paragraph: op2, Status: "agreed-ad-ref", Note: "subject to capitals"}) {
		t.Fatalf("mark: %d %s", res.Status, res.Body)
	}
	problem(t, a.do("PUT", mark+"OP2/mark", cofac, wire.MarkRequest{Status: "closed"}), http.StatusBadRequest, "/status")
	problem(t, a.do("PUT", mark+"OP9/mark", cofac, wire.MarkRequest{Status: "agreed"}), http.StatusNotFound, "")
	problem(t, a.do("PUT", mark+"OP2/mark", ken, wire.MarkRequest{Status: "agreed"}), http.StatusForbidden, "")

	// The stage route goes onto the text: paragraph 4 is OP2.
	res = a.do("POST", "/v1/processes/"+id+"/stages/zero/amendments", ken, wire.AmendmentRequest{Revision: 0, Paragraph: 4, Text: "We commit to data."})
	if res.Status != http.StatusCreated || !strings.Contains(string(res.Body), `"paragraph":4`) {
		t.Fatalf("the stage route: %d %s", res.Status, res.Body)
	}
	problem(t, a.do("POST", "/v1/processes/"+id+"/stages/zero/amendments", ken, wire.AmendmentRequest{Revision: 0, Paragraph: 5, Text: "Five."}),
		http.StatusUnprocessableEntity, "/paragraph")
	// The groups a State may speak for are the template's.
	var groups wire.Groups
	res = a.do("GET", "/v1/processes/"+id+"/groups", "", nil)
	res.JSON(t, &groups)
	if res.Status != http.StatusOK || len(groups.Groups) != 1 || groups.Groups[0].ID != "EU" ||
		!slices.Equal(groups.Groups[0].Members, []string{"DEU", "FRA", "ITA"}) || groups.Groups[0].Source == "" {
		t.Fatalf("groups: %d %s", res.Status, res.Body)
	}
	// And lists it there, as it was sent.
	var listed wire.AmendmentList
	res = a.do("GET", "/v1/processes/"+id+"/stages/zero/amendments", "", nil)
	res.JSON(t, &listed)
	if !slices.ContainsFunc(listed.Amendments, func(am process.Amendment) bool {
		return am.State == "KEN" && am.Paragraph == 4 && am.Text == "We commit to data." && am.StageID == "zero"
	}) {
		t.Fatalf("the stage route's list: %d %s", res.Status, res.Body)
	}

	// The record says each change once, by whom, with hashes for texts.
	var events []string
	var proposed event.AmendmentProposedData
	var replaced event.PositionTakenData
	for _, line := range recordOf(t, id) {
		name, data, _ := strings.Cut(line, " ")
		events = append(events, name)
		switch {
		case name == string(event.AmendmentProposed) && proposed.Amendment == "":
			mustUnmarshal(t, data, &proposed)
		case name == string(event.PositionTaken) && strings.Contains(data, `"replaces":true`):
			mustUnmarshal(t, data, &replaced)
		}
	}
	want := []string{"amendment.proposed", "amendment.proposed", "amendment.cosponsor-joined", "amendment.cosponsor-withdrew",
		"position.taken", "position.taken", "position.taken", "amendment.decided", "paragraph.marked", "amendment.proposed"}
	if strings.Join(events, " ") != strings.Join(want, " ") {
		t.Errorf("recorded %v, want %v", events, want)
	}
	if proposed.By != "MEX" || proposed.Role != "member-state" || proposed.Paragraph != op1 || len(proposed.TextSHA256) != 64 {
		t.Errorf("amendment.proposed says %+v", proposed)
	}
	if replaced.Party != "KEN" || replaced.Stance != text.Oppose || !replaced.Replaces {
		t.Errorf("the second position says %+v", replaced)
	}
}

func mustUnmarshal(t *testing.T, data string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(data), v); err != nil {
		t.Fatal(err)
	}
}

// TestNegotiationWindowClosed: once the amendment window's time is up, the
// delegations' writes are refused with the deadline, and nothing changes.
func TestNegotiationWindowClosed(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	id, _ := openText(t)
	mex := a.token(MemberState, "MEX", "")
	amendments := "/v1/processes/" + id + "/text/amendments"
	res := a.do("POST", amendments, mex, wire.TextAmendmentRequest{Kind: text.Delete, Paragraph: "OP2", Sponsor: "MEX"}, "Idempotency-Key", "a1")
	var am wire.TextAmendment
	res.JSON(t, &am)
	if res.Status != http.StatusCreated {
		t.Fatalf("POST: %d %s", res.Status, res.Body)
	}

	// The office's deadline passed a minute ago; the workflow has not
	// sealed the window yet.
	win, err := stack.store.GetWindow(t.Context(), id, "zero")
	if err != nil {
		t.Fatal(err)
	}
	win.ClosesAt = time.Now().Add(-time.Minute).UTC().Truncate(time.Second)
	win.OpensAt = win.ClosesAt.Add(-time.Hour)
	if err := stack.store.PutWindow(t.Context(), win); err != nil {
		t.Fatal(err)
	}
	before := recordOf(t, id)
	deadline := win.ClosesAt.Format("2006-01-02 15:04") + " UTC (" + win.ClosesAt.Format(time.RFC3339) + ")"
	for _, res := range []response{
		a.do("POST", amendments, mex, wire.TextAmendmentRequest{Kind: text.Delete, Paragraph: "OP1", Sponsor: "MEX"}, "Idempotency-Key", "a2"),
		a.do("POST", amendments+"/"+am.ID+"/cosponsors", a.token(MemberState, "CHL", ""), wire.CosponsorRequest{}),
		a.do("PUT", amendments+"/"+am.ID+"/position", a.token(MemberState, "KEN", ""), wire.PositionRequest{Stance: text.Support}),
	} {
		if p := problem(t, res, http.StatusConflict, ""); !strings.Contains(p.Detail, "closed at "+deadline) {
			t.Errorf("the refusal says %q, want the deadline %s", p.Detail, deadline)
		}
	}
	if after := recordOf(t, id); len(after) != len(before) {
		t.Fatalf("refusals recorded %v", after[len(before):])
	}
}
