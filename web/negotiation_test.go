package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/client"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

const negotiatedDraft = `# Global compact for migration

PP1. Reaffirming the New York Declaration,

1. This Global Compact rests on the Charter.

2. We commit to strengthen the evidence base.
`

// openNegotiation starts a process whose zero draft is due now, with the
// group EU (DEU, FRA and ITA), publishes the draft as the PGA's office and
// waits for its amendment window. It returns the process and the draft's
// paragraph IDs by label.
func openNegotiation(t *testing.T, ts *testSite, prefix string) (string, map[string]string) {
	t.Helper()
	id, _ := launchNow(t, ts, prefix, func(tmpl *process.Template) {
		tmpl.Phases[1].Stages[0].Start = tmpl.Phases[0].Stages[0].Start
		tmpl.Groups = []process.Group{{ID: "EU", Name: "European Union", Members: []string{"DEU", "FRA", "ITA"},
			Source: "a test's", AsOf: process.Date{Time: time.Now().UTC().Truncate(24 * time.Hour)}}}
	})
	ts.await("the zero draft's stage to run", func() bool { return stageRuns(id, "zero") })
	pga := ts.token(api.PGAOffice, "PGA", "")
	if st := ts.apiCall("POST", client.ProcessPath(id, "stages", "zero", "drafts"), pga,
		map[string]any{"revision": 0, "text": negotiatedDraft}, nil); st != http.StatusCreated {
		t.Fatalf("publish the zero draft: %d", st)
	}
	ts.await("the amendment window to open", func() bool { return takes(id, "zero") })
	var rev wire.TextRevision
	if st := ts.apiCall("GET", client.TextPath(id, "revisions", "0"), pga, nil, &rev); st != http.StatusOK {
		t.Fatalf("revision 0: %d", st)
	}
	ids := map[string]string{}
	for _, p := range rev.Paragraphs {
		ids[p.Label] = p.ID
	}
	return id, ids
}

// amendmentsOn counts the amendments on revision 0.
func amendmentsOn(t *testing.T, ts *testSite, id string) int {
	t.Helper()
	var page wire.TextAmendmentPage
	if st := ts.apiCall("GET", client.TextPath(id, "amendments")+"?revision=0", "", nil, &page); st != http.StatusOK {
		t.Fatalf("amendments: %d", st)
	}
	return len(page.Amendments)
}

// TestNegotiationForms walks the negotiation on the text from the pages: a
// State proposes (twice the same form: one amendment), takes a position and
// changes it, another co-sponsors and withdraws; the office decides and
// marks; a stakeholder gets no form and is refused; once the window
// closes, the API's refusal shows on the form with the deadline.
func TestNegotiationForms(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	id, ids := openNegotiation(t, ts, "negforms")
	op1, op2 := ids["OP1"], ids["OP2"]
	base := "/processes/" + id
	amend := base + "/text/paragraphs/" + op1 + "/amend"

	fra := ts.browser()
	fra.signIn(ts.token(api.MemberState, "FRA", ""))
	wantPage(t, "compilation, a State", fra.get(base+"/text"), http.StatusOK, `id="nav-my-text"`, "Amendments are open until",
		`href="`+amend+`" id="amend-`+op1+`"`)
	wantPage(t, "amend form", fra.get(amend), http.StatusOK, `id="amend-form"`, "This Global Compact rests on the Charter.",
		`<option value="FRA" selected>FRA</option>`)
	key := keyInput.FindStringSubmatch(fra.last)
	if key == nil {
		t.Fatal("the amend form has no idempotency key")
	}
	form := url.Values{"idempotencyKey": {key[1]}, "kind": {"replace"}, "text": {"This Compact rests on the Charter of the United Nations."},
		"sponsor": {"FRA"}}

	// A group FRA is not in is refused on the sponsor's control.
	bad := url.Values{"idempotencyKey": {key[1]}, "kind": {"delete"}, "sponsor": {"G77"}}
	wantPage(t, "another's group", fra.post(amend, bad), http.StatusForbidden, `id="error-summary"`, `id="sponsor-error" lang="en"`,
		"sponsors as itself or as a group it belongs to (EU)")
	edit := url.Values{"idempotencyKey": {key[1]}, "kind": {"edit"}, "old": {"the Covenant"}, "new": {"the Charter"}, "sponsor": {"FRA"}}
	wantPage(t, "words not in the paragraph", fra.post(amend, edit), http.StatusUnprocessableEntity, `id="old-error" lang="en"`,
		`value="the Covenant"`)
	if n := amendmentsOn(t, ts, id); n != 0 {
		t.Fatalf("a refused amendment was stored: %d", n)
	}

	loc := wantRedirect(t, "propose", fra.post(amend, form), base+"/text/amendments/")
	amendment := strings.TrimSuffix(strings.TrimPrefix(loc, base+"/text/amendments/"), "?done=proposed")
	wantPage(t, "proposed", fra.get(loc), http.StatusOK, `id="negotiation-notice"`, "Your amendment is recorded.",
		`<dd id="amendment-sponsor"><bdi>FRA</bdi></dd>`, `id="position-form"`,
		`<dd id="paragraph-text"><span lang="en" dir="auto">This Global Compact rests on the Charter.</span></dd>`)
	fra.get(amend)
	if again := wantRedirect(t, "the same form again", fra.post(amend, form), base+"/text/amendments/"); again != loc {
		t.Errorf("the same form again went to %s, want %s", again, loc)
	}
	if n := amendmentsOn(t, ts, id); n != 1 {
		t.Fatalf("two submits of one form made %d amendments", n)
	}

	// A position, then another that replaces it.
	page := base + "/text/amendments/" + amendment
	fra.get(page)
	wantPage(t, "support", fra.get(wantRedirect(t, "support", fra.post(page+"/position",
		url.Values{"stance": {"support"}, "positionParty": {"FRA"}}), page+"?done=position")), http.StatusOK,
		"Your position is recorded.", `id="my-position-FRA"`, "<strong>Support</strong>")
	wantPage(t, "oppose", fra.get(wantRedirect(t, "oppose", fra.post(page+"/position",
		url.Values{"stance": {"oppose"}, "statement": {"On reflection, no."}, "positionParty": {"FRA"}}), page+"?done=replaced")), http.StatusOK,
		"it replaced your earlier position on this amendment", `<tr id="position-FRA"><th scope="row"><bdi>FRA</bdi></th><td>Oppose</td><td dir="auto">On reflection, no.</td>`)
	refusedStance := fra.post(page+"/position", url.Values{"stance": {"maybe"}, "positionParty": {"FRA"}})
	wantPage(t, "no such stance", refusedStance, http.StatusUnprocessableEntity, `id="error-summary"`, `id="stance-error"`)

	// DEU joins and withdraws.
	deu := ts.browser()
	deu.signIn(ts.token(api.MemberState, "DEU", ""))
	deu.get(page)
	wantPage(t, "joined", deu.get(wantRedirect(t, "join", deu.post(page+"/cosponsors", url.Values{"joinParty": {"DEU"}}), page+"?done=joined")),
		http.StatusOK, "You co-sponsor this amendment.", `<dd id="amendment-cosponsors"><bdi>DEU</bdi></dd>`, `id="leave-form"`)
	wantPage(t, "withdrew", deu.get(wantRedirect(t, "withdraw", deu.post(page+"/cosponsors/withdraw", url.Values{"leaveParty": {"DEU"}}),
		page+"?done=withdrawn")), http.StatusOK, "You no longer co-sponsor this amendment.", `<dd id="amendment-cosponsors">—</dd>`)

	// A State's home: the drafts open to it, then its amendments.
	wantPage(t, "my amendments", fra.get("/my/text"), http.StatusOK, `<li id="open-`+id+`"><a href="`+base+`/text">`, `id="mine-`+amendment+`"`, "Sponsor (<bdi>FRA</bdi>)",
		"<bdi>FRA</bdi>: Oppose — <span dir=\"auto\">On reflection, no.</span>")
	wantPage(t, "DEU's amendments", deu.get("/my/text"), http.StatusOK, `id="open-`+id+`"`, `id="no-amendments"`)

	// A stakeholder reads the text, gets no form, and is refused a post.
	ngo := ts.browser()
	ngo.signIn(ts.token(api.Stakeholder, "ngo-"+id, ""))
	if p := ngo.get(base + "/text"); p.Status != http.StatusOK || strings.Contains(p.Body, `id="amend-`) || strings.Contains(p.Body, `id="mark-link-`) {
		t.Errorf("a stakeholder's compilation: %d, with a form's link", p.Status)
	}
	if p := ngo.get(page); strings.Contains(p.Body, `<form method="post" action="`+page) {
		t.Error("a stakeholder is offered the amendment's forms")
	}
	wantPage(t, "a stakeholder's amend form", ngo.get(amend), http.StatusForbidden)
	wantPage(t, "a stakeholder proposes", ngo.post(amend, form), http.StatusForbidden)
	wantPage(t, "a stakeholder's position", ngo.post(page+"/position", url.Values{"stance": {"support"}}), http.StatusForbidden)
	if n := amendmentsOn(t, ts, id); n != 1 {
		t.Fatalf("the stakeholder's post made %d amendments", n)
	}

	// The office decides and marks.
	pga := ts.browser()
	pga.signIn(ts.token(api.PGAOffice, "PGA", ""))
	wantPage(t, "compilation, the office", pga.get(base+"/text"), http.StatusOK, `id="mark-link-`+op2+`"`, `id="decide-`+amendment+`"`)
	pga.get(page)
	wantPage(t, "merged without wording", pga.post(page+"/decision", url.Values{"outcome": {"merged"}}), http.StatusUnprocessableEntity,
		`id="wording-error" lang="en"`, "carries the wording it is merged into")
	wantPage(t, "decided", pga.get(wantRedirect(t, "decide", pga.post(page+"/decision",
		url.Values{"outcome": {"not-retained"}, "note": {"no consensus"}}), page+"?done=decided")), http.StatusOK,
		"The decision is recorded.", `Not retained: <span lang="en" dir="auto">no consensus</span>`)
	cofac, elsewhere := ts.browser(), ts.browser()
	cofac.signIn(ts.token(api.CoFacilitator, "IRL", id))
	elsewhere.signIn(ts.token(api.CoFacilitator, "NAM", "another-process"))
	wantPage(t, "a co-facilitator's decision form", cofac.get(page), http.StatusOK, `id="decision-form"`)
	if p := elsewhere.get(page); p.Status != http.StatusOK || strings.Contains(p.Body, `id="decision-form"`) {
		t.Errorf("another process's co-facilitator: %d, offered the decision form", p.Status)
	}
	wantPage(t, "another process's co-facilitator decides", elsewhere.post(page+"/decision", url.Values{"outcome": {"incorporated"}}),
		http.StatusForbidden)
	mark := base + "/text/revisions/0/paragraphs/" + op2 + "/mark"
	wantPage(t, "mark form", pga.get(mark), http.StatusOK, `id="mark-form"`, `id="status-open" name="status" value="open" checked`)
	wantPage(t, "no such mark", pga.post(mark, url.Values{"status": {"closed"}}), http.StatusUnprocessableEntity, `id="status-error" lang="en"`)
	wantPage(t, "marked", pga.get(wantRedirect(t, "mark", pga.post(mark, url.Values{"status": {"agreed-ad-ref"}, "note": {"subject to capitals"}}),
		base+"/text?revision=0&marked="+op2)), http.StatusOK, `id="mark-notice"`, `id="mark-`+op2+`">[agreed ad ref]</span>`, "subject to capitals")

	for _, lang := range []string{"ar", "zh"} {
		for _, path := range []string{page, amend, "/my/text"} {
			wantPage(t, path+" in "+lang, fra.get(path, "Accept-Language", lang), http.StatusOK,
				`<html lang="`+lang+`" dir="`+locales[lang].Dir+`">`, "<bdi>")
		}
	}

	// The window closes: no more forms, and a post anyway is refused on
	// the form with the deadline.
	ctx := context.Background()
	win, err := stack.Store.GetWindow(ctx, id, "zero")
	if err != nil {
		t.Fatal(err)
	}
	win.ClosesAt = time.Now().Add(-time.Minute).UTC().Truncate(time.Second)
	win.OpensAt = win.ClosesAt.Add(-time.Hour)
	if err := stack.Store.PutWindow(ctx, win); err != nil {
		t.Fatal(err)
	}
	// The API's timestamp, shown as the page shows times.
	deadline := `<span lang="en"><time datetime="` + win.ClosesAt.Format(time.RFC3339) + `" dir="auto">`
	if p := fra.get(base + "/text"); !strings.Contains(p.Body, "The amendment window closed on") || strings.Contains(p.Body, `id="amend-`) {
		t.Error("the compilation offers amendments after the window closed")
	}
	if p := fra.get(amend); strings.Contains(p.Body, `id="amend-form"`) {
		t.Error("the amend form shows after the window closed")
	}
	form.Set("idempotencyKey", "late-"+key[1])
	wantPage(t, "a late amendment", fra.post(amend, form), http.StatusConflict, `id="error-summary"`, "closed at "+deadline, `id="amend-form"`)
	wantPage(t, "a late position", fra.post(page+"/position", url.Values{"stance": {"support"}, "positionParty": {"FRA"}}),
		http.StatusConflict, "closed at "+deadline, `id="position-form"`)
	if n := amendmentsOn(t, ts, id); n != 1 {
		t.Fatalf("a late amendment was stored: %d", n)
	}
}

// TestParties: a State speaks for itself and the groups it belongs to.
func TestParties(t *testing.T) {
	gcm, err := process.LookupTemplate("gcm-2018")
	if err != nil {
		t.Fatal(err)
	}
	for state, want := range map[string][]string{"FRA": {"FRA", "EU"}, "KEN": {"KEN", "African-Group", "G77"}, "MEX": {"MEX", "CELAC"}, "CHN": {"CHN", "G77"}, "USA": {"USA"}} {
		if got := parties(state, gcm.Groups); !slices.Equal(got, want) {
			t.Errorf("%s speaks for %v, want %v", state, got, want)
		}
	}
	if got := parties("FRA", nil); !slices.Equal(got, []string{"FRA"}) {
		t.Errorf("FRA in a process without groups speaks for %v", got)
	}
}
