package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/client"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// recorded lists the record's events of a stage ("" for the process's
// own): a refused form adds none.
func recordedEvents(t *testing.T, processID, stageID string) []string {
	t.Helper()
	entries, err := stack.Store.Entries(context.Background(), processID, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.StageID == stageID {
			out = append(out, e.Event)
		}
	}
	return out
}

// stageOf reads a stage as observers see it.
func stageOf(t *testing.T, ts *testSite, processID, stageID string) wire.StageDetail {
	t.Helper()
	var d wire.StageDetail
	if st := ts.apiCall("GET", client.ProcessPath(processID, "stages", stageID), "", nil, &d); st != http.StatusOK {
		t.Fatalf("stage %s of %s: %d", stageID, processID, st)
	}
	return d
}

// refusedForm posts a form the engine must refuse: the page shows the
// API's reason (and the rest of want) with status, and the record gains
// nothing.
func refusedForm(t *testing.T, b *browser, path string, form url.Values, status int, want ...string) page {
	t.Helper()
	// …/office/processes/{id}/stages/{stage}/… or …/office/processes/{id}/…
	segments := strings.Split(strings.TrimPrefix(path, "/office/processes/"), "/")
	id, stage := segments[0], ""
	if len(segments) > 2 && segments[1] == "stages" && segments[2] != "new" {
		stage = segments[2]
	}
	before := recordedEvents(t, id, stage)
	b.get(path)
	p := b.post(path, form)
	wantPage(t, "refused "+path, p, status, append([]string{`id="error-summary"`, `id="problem"`}, want...)...)
	if after := recordedEvents(t, id, stage); !slices.Equal(after, before) {
		t.Errorf("refused %s: the record of %q went from %q to %q", path, stage, before, after)
	}
	return p
}

// doneForm posts a form the engine must accept: back to the office's page
// of the process, which says what was done.
func doneForm(t *testing.T, b *browser, path string, form url.Values, notice string) {
	t.Helper()
	id := strings.Split(strings.TrimPrefix(path, "/office/processes/"), "/")[0]
	b.get(path)
	loc := wantRedirect(t, path, b.post(path, form), "/office/processes/"+id+"?")
	wantPage(t, "after "+path, b.get(loc), http.StatusOK, `id="office-notice"`, notice)
}

// TestOfficeSchedule walks the PGA office's forms on a process that has
// not begun: each refuses an invalid change with the engine's reason and
// changes nothing, and applies a valid one.
func TestOfficeSchedule(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	id := ts.launch("office")
	base := "/office/processes/" + id

	p := ts.browser().get(base)
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Header.Get("Location"), "/signin?next=") {
		t.Fatalf("signed out: %d %q", p.Status, p.Header.Get("Location"))
	}
	ngo := ts.browser()
	ngo.signIn(ts.token(api.Stakeholder, "ngo-office", ""))
	wantPage(t, "a stakeholder in the office", ngo.get(base), http.StatusForbidden)
	wantPage(t, "a stakeholder's reschedule form", ngo.get(base+"/stages/ts1/reschedule"), http.StatusForbidden)

	b := ts.browser()
	b.signIn(ts.token(api.PGAOffice, "PGA", ""))
	wantPage(t, "office home", b.get("/office"), http.StatusOK, `id="office-`+id+`"`)
	wantPage(t, "office page", b.get(base), http.StatusOK, `id="office-stages"`, `id="reschedule-ts1"`, `id="cancel-round1"`,
		`id="window-ts1"`, `id="add-stage-link"`, `id="appoint-link"`)

	// Reschedule ts1: into the past is refused; a later date moves it.
	ts1 := stageOf(t, ts, id, "ts1")
	wantPage(t, "reschedule form", b.get(base+"/stages/ts1/reschedule"), http.StatusOK, `id="reschedule-form"`,
		`id="start" name="start" type="date" value="`+ts1.Spec.Start.Format(time.DateOnly)+`"`)
	refusedForm(t, b, base+"/stages/ts1/reschedule", url.Values{"start": {"2001-01-01"}, "reason": {"kept reason"}},
		http.StatusUnprocessableEntity, `value="kept reason"`, `value="2001-01-01"`)
	if after := stageOf(t, ts, id, "ts1"); after.Moved {
		t.Fatalf("a refused reschedule moved ts1: %+v", after.Spec)
	}
	newStart := ts1.Spec.Start.AddDate(0, 0, 7).Format(time.DateOnly)
	doneForm(t, b, base+"/stages/ts1/reschedule", url.Values{"start": {newStart}, "reason": {"venue"}}, "Thematic session 1")
	if after := stageOf(t, ts, id, "ts1"); !after.Moved || after.Spec.Start.Format(time.DateOnly) != newStart {
		t.Fatalf("ts1 after the reschedule: %+v", after.Spec)
	}

	// Cancel round1, then again: refused.
	doneForm(t, b, base+"/stages/round1/cancel", url.Values{"reason": {"merged"}}, "First round")
	refusedForm(t, b, base+"/stages/round1/cancel", url.Values{}, http.StatusConflict, "only a scheduled stage can change")

	// Add a stage with a window; the same ID again is refused.
	add := url.Values{"phase": {"consultations"}, "id": {"ts2"}, "kind": {"thematic-session"}, "title": {"Thematic session 2"},
		"place": {"Vienna"}, "start": {ts1.Spec.Start.AddDate(0, 0, 14).Format(time.DateOnly)},
		"opens": {ts1.Spec.Start.AddDate(0, 0, 2).Format("2006-01-02T15:04")}, "closes": {ts1.Spec.Start.AddDate(0, 0, 12).Format("2006-01-02T15:04")},
		"code": {"TS2"}}
	wantPage(t, "add form", b.get(base+"/stages/new"), http.StatusOK, `id="add-form"`, `<option value="consultations"`,
		`<option value="thematic-session"`, `id="opens" name="opens" type="datetime-local"`)
	doneForm(t, b, base+"/stages/new", add, "Thematic session 2")
	if ts2 := stageOf(t, ts, id, "ts2"); ts2.Spec.Window == nil || ts2.Spec.Code != "TS2" || ts2.Phase != "consultations" {
		t.Fatalf("added stage: %+v", ts2)
	}
	refusedForm(t, b, base+"/stages/new", add, http.StatusConflict, `stage &#34;ts2&#34; exists already`, `value="Vienna"`)

	// A window that has not opened: closing it now is refused, a new
	// deadline is taken.
	refusedForm(t, b, base+"/stages/ts1/window", url.Values{"close": {"true"}}, http.StatusConflict, "has not started: its window cannot close now")
	closes := stageOf(t, ts, id, "ts1").Spec.Window.Closes.Add(-24 * time.Hour)
	doneForm(t, b, base+"/stages/ts1/window", url.Values{"close": {"false"}, "closes": {closes.Format("2006-01-02T15:04")}}, "Thematic session 1")
	if w := stageOf(t, ts, id, "ts1").Spec.Window; !w.Closes.Equal(closes) {
		t.Fatalf("ts1's window closes %v, want %v", w.Closes, closes)
	}

	// Appoint a co-facilitator; twice is refused.
	wantPage(t, "appoint form", b.get(base+"/co-facilitators"), http.StatusOK, `id="appoint-form"`, `<option value="IRL">Ireland (IRL)</option>`)
	doneForm(t, b, base+"/co-facilitators", url.Values{"state": {"IRL"}}, "IRL")
	refusedForm(t, b, base+"/co-facilitators", url.Values{"state": {"IRL"}}, http.StatusConflict, "co-facilitator already",
		`<option value="IRL" selected>`)

	// Stages that have not begun take no circulation, draft or outcome.
	refusedForm(t, b, base+"/stages/acc/circulate", url.Values{}, http.StatusConflict, "stage acc is scheduled, not running")
	refusedForm(t, b, base+"/stages/zero/draft", url.Values{"revision": {"0"}, "paragraphs": {"One."}, "confirm": {"true"}},
		http.StatusUnprocessableEntity, "stage zero is due on")
	refusedForm(t, b, base+"/stages/conference/outcome", url.Values{"method": {"consensus"}, "adoptedBy": {"150"}},
		http.StatusConflict, "stage conference is scheduled, not running")
	wantPage(t, "office page after the changes", b.get(base), http.StatusOK, `id="co-facilitator-list">IRL<`, `id="stage-ts2"`)
}

// TestOfficeRunningStages: the forms on stages that run: circulate a
// list, close a window, publish a draft, record a recorded vote.
func TestOfficeRunningStages(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	id, _ := launchNow(t, ts, "running", func(tmpl *process.Template) {
		start := tmpl.Phases[0].Stages[0].Start
		tmpl.Phases[1].Stages[0].Start = start // the zero draft is due now
		tmpl.Phases[2].Stages[0].Start = start // the conference is open, for a day
		tmpl.Phases[2].Stages[0].End = process.Date{Time: start.Add(24 * time.Hour)}
	})
	ts.await("the stages to run", func() bool {
		return recorded(id, "acc", "window.opened") && recorded(id, "ts1", "window.opened") &&
			recorded(id, "conference", "conference.opened") && stageRuns(id, "zero")
	})
	base := "/office/processes/" + id
	b := ts.browser()
	b.signIn(ts.token(api.PGAOffice, "PGA", ""))
	wantPage(t, "office page", b.get(base), http.StatusOK, `id="circulate-acc"`, `id="window-ts1"`, `id="draft-zero"`, `id="outcome-conference"`)

	// Circulate the list with one application; a second circulation is
	// refused while it runs.
	ngo := ts.token(api.Stakeholder, "ngo-"+id, "")
	if st := ts.apiCall("POST", client.ProcessPath(id, "applications"), ngo, map[string]any{"name": "An NGO", "category": "diaspora"}, nil); st != http.StatusCreated {
		t.Fatalf("apply: %d", st)
	}
	// The office's dashboard says the application awaits the list, and
	// links to the form that circulates it.
	wantPage(t, "dashboard", b.get("/office"), http.StatusOK, `<li class="agenda-applications" id="agenda-applications-`+id+`">`,
		`<a href="`+base+`/stages/acc/circulate">Accreditation applications awaiting the list: 1</a>`)
	wantPage(t, "circulate form", b.get(base+"/stages/acc/circulate"), http.StatusOK, `id="pending-applications"`, "ngo-"+id)
	doneForm(t, b, base+"/stages/acc/circulate", url.Values{"reason": {"first list"}}, "acc-list-1")
	refusedForm(t, b, base+"/stages/acc/circulate", url.Values{}, http.StatusConflict, "acc-list-1 is under circulation")
	// The public page of the lists shows the batch, its period's end in
	// the accreditation stage's zone.
	wantPage(t, "the lists page", b.get("/processes/"+id+"/lists"), http.StatusOK, `id="batch-acc-list-1"`, `<time datetime=`)

	// Close ts1's open window now; moving it afterwards is refused.
	doneForm(t, b, base+"/stages/ts1/window", url.Values{"close": {"true"}, "reason": {"enough"}}, "Thematic session 1")
	ts.await("ts1's window to be sealed", func() bool { return recorded(id, "ts1", "window.closed") })
	refusedForm(t, b, base+"/stages/ts1/window", url.Values{"close": {"false"}, "closes": {time.Now().AddDate(0, 1, 0).Format("2006-01-02T15:04")}},
		http.StatusConflict, "the window closed at")

	// Publish the zero draft: a revision that is no number, then the wrong
	// one, are refused; revision 0 is published.
	wantPage(t, "draft form", b.get(base+"/stages/zero/draft"), http.StatusOK, `id="draft-form"`, `id="revision" name="revision" type="number" value="0"`)
	text := "We, the Heads of State and Government,\r\n\r\nCommit to act."
	p := b.post(base+"/stages/zero/draft", url.Values{"revision": {"zero"}, "paragraphs": {text}})
	wantPage(t, "draft revision no number", p, http.StatusUnprocessableEntity, `href="#revision"`, locales["en"].T("office.number.invalid", "field", "Revision"))
	refusedForm(t, b, base+"/stages/zero/draft", url.Values{"revision": {"1"}, "paragraphs": {text}, "confirm": {"true"}}, http.StatusUnprocessableEntity,
		"publishes revision 0, not 1", `href="#revision" lang="en"`, `id="revision-error" lang="en"`, "Commit to act.")
	// The form shows what the draft changes before it goes out: on the
	// first revision, every word is new; nothing is published yet.
	p = b.post(base+"/stages/zero/draft", url.Values{"revision": {"0"}, "paragraphs": {text}})
	wantPage(t, "first draft's preview", p, http.StatusOK, `id="draft-preview"`, locales["en"].T("office.preview.first"),
		`Added: </span>Commit to act.</ins>`, `id="draft-publish"`, `name="confirm" value="true"`, `id="draft-form"`)
	if recorded(id, "zero", "draft.published") {
		t.Fatal("the preview published the draft")
	}
	doneForm(t, b, base+"/stages/zero/draft", url.Values{"revision": {"0"}, "paragraphs": {text}, "confirm": {"true"}}, "Zero draft")
	// The next text is compared with revision 0, word by word.
	p = b.post(base+"/stages/zero/draft", url.Values{"revision": {"1"}, "paragraphs": {"We, the Heads of State and Government,\nCommit to act now.\nReport yearly."}})
	wantPage(t, "next draft's preview", p, http.StatusOK, locales["en"].T("office.preview.from", "revision", 0),
		`<del><span class="visually-hidden">Removed: </span>act.</del>`, `<ins><span class="visually-hidden">Added: </span>act now.</ins>`,
		`Added: </span>Report yearly.</ins>`, locales["en"].T("office.preview.stats", "kept", 1, "changed", 1, "added", 1, "removed", 0))
	var doc struct {
		Published  bool     `json:"published"`
		Paragraphs []string `json:"paragraphs"`
	}
	ts.apiCall("GET", client.ProcessPath(id, "documents", workflows.DraftName, "0"), "", nil, &doc)
	if !doc.Published || len(doc.Paragraphs) != 2 || doc.Paragraphs[1] != "Commit to act." {
		t.Fatalf("published draft: %+v", doc)
	}

	// The conference's outcome: a consensus counting more States than there
	// are is refused, and a vote without a quorum; a recorded vote per State
	// is recorded; a second outcome is refused.
	wantPage(t, "outcome form", b.get(base+"/stages/conference/outcome"), http.StatusOK, `id="outcome-form"`,
		`<label for="votes.MEX">Mexico</label>`, `id="method" name="method" value="consensus" checked`)
	refusedForm(t, b, base+"/stages/conference/outcome", url.Values{"method": {"consensus"}, "adoptedBy": {"500"}, "document": {"A/CONF.231/3"}},
		http.StatusUnprocessableEntity, "adoptedBy counts the States", `value="A/CONF.231/3"`)
	vote := url.Values{"method": {"recorded-vote"}, "votes.HUN": {"no"}, "votes.AUS": {"abstain"}}
	refusedForm(t, b, base+"/stages/conference/outcome", vote, http.StatusUnprocessableEntity, "quorum")
	for _, st := range process.MemberStates()[:100] {
		if !vote.Has("votes." + st.Code) {
			vote.Set("votes."+st.Code, "yes")
		}
	}
	doneForm(t, b, base+"/stages/conference/outcome", vote, "Conference")
	if !recorded(id, "conference", "conference.adopted") {
		t.Fatal("the recorded vote did not adopt the outcome")
	}
	refusedForm(t, b, base+"/stages/conference/outcome", vote, http.StatusConflict, "the outcome is recorded already",
		`<option value="no" selected>`)

	// Observers read the vote on the stage's page, each State under its
	// vote, named in their language.
	stagePage := "/processes/" + id + "/stages/conference"
	en := ts.browser().get(stagePage, "Accept-Language", "en")
	wantPage(t, "the vote on the stage's page", en, http.StatusOK, "Adopted by a recorded vote", "98 in favour", "93 not voting")
	for _, want := range []string{
		`id="votes-no" open>\s*<summary>1 against</summary>\s*<ul class="vote-states">\s*<li><bdi>Hungary</bdi></li>\s*</ul>`,
		`id="votes-abstain" open>\s*<summary>1 abstention</summary>\s*<ul class="vote-states">\s*<li><bdi>Australia</bdi></li>\s*</ul>`,
		`id="votes-yes">(?s:.*)<li><bdi>Brazil</bdi></li>(?s:.*)id="votes-abstain"`,
		`id="votes-absent">(?s:.*)<li><bdi>Zimbabwe</bdi></li>`,
	} {
		if !regexp.MustCompile(want).MatchString(en.Body) {
			t.Errorf("the stage's page lacks %s", want)
		}
	}
	wantPage(t, "the vote in Arabic", ts.browser().get(stagePage, "Accept-Language", "ar"), http.StatusOK,
		"اعتُمد بتصويت مسجل", "<li><bdi>هنغاريا</bdi></li>", "<li><bdi>البرازيل</bdi></li>", "Unicode CLDR")

	// A co-facilitator of this process publishes drafts here only.
	cofac := ts.browser()
	cofac.signIn(ts.token(api.CoFacilitator, "IRL", id))
	wantPage(t, "co-facilitator's office page", cofac.get(base), http.StatusOK, `id="office-stages"`)
	if strings.Contains(cofac.last, `id="reschedule-`) || strings.Contains(cofac.last, `id="add-stage-link"`) {
		t.Error("a co-facilitator is offered the PGA office's forms")
	}
	wantPage(t, "co-facilitator elsewhere", cofac.get("/office/processes/elsewhere"), http.StatusForbidden)
}

// stageRuns reports whether a stage's workflow has started, so that the
// API can read its drafting context.
func stageRuns(processID, stageID string) bool {
	_, err := stack.Temporal.DescribeWorkflowExecution(context.Background(), workflows.StageWorkflowID(processID, stageID), "")
	return err == nil
}

// TestOfficeListsCoFacilitatorsFromTheirDate: an appointment the office
// makes for a later date is not shown, by the API's answer nor by the
// office's pages, until process time reaches that date; one made for today
// is.
func TestOfficeListsCoFacilitatorsFromTheirDate(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	id := ts.launch("appointed")
	pga := ts.token(api.PGAOffice, "PGA", "")
	later := time.Now().AddDate(0, 0, 30).Format(time.DateOnly)
	var res wire.CoFacilitators
	if st := ts.apiCall("POST", client.ProcessPath(id, "co-facilitators"), pga, map[string]any{"state": "IRL", "date": later}, &res); st != http.StatusOK || len(res.CoFacilitators) != 0 {
		t.Fatalf("appointed from %s: %d %v, want none in office yet", later, st, res.CoFacilitators)
	}
	if st := ts.apiCall("POST", client.ProcessPath(id, "co-facilitators"), pga, map[string]any{"state": "JOR"}, &res); st != http.StatusOK || !slices.Equal(res.CoFacilitators, []string{"JOR"}) {
		t.Fatalf("appointed today: %d %v, want [JOR]", st, res.CoFacilitators)
	}
	list := regexp.MustCompile(`<p id="co-facilitator-list">[^<]*</p>`)
	b := ts.browser()
	b.signIn(pga)
	for _, path := range []string{"/office/processes/" + id, "/office/processes/" + id + "/co-facilitators"} {
		p := b.get(path)
		wantPage(t, path, p, http.StatusOK, `id="co-facilitator-list"`)
		if got := list.FindString(p.Body); !strings.Contains(got, "JOR") || strings.Contains(got, "IRL") {
			t.Errorf("%s lists %q: want JOR, not IRL before %s", path, got, later)
		}
	}
}
