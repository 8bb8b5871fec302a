package browser

import (
	"cmp"
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/internal/stacktest"
)

// sitePage is one of the public pages.
type sitePage struct {
	name   string // of the screenshot
	path   string
	status int // 0 means 200
}

// TestPagesAccessible opens each public page, and each of the office's
// forms, in each of the UN's six languages, checks it with axe-core and
// saves its screenshot. The stakeholders' pages and the forms' answers
// (receipts, refusals) are checked on the users' paths, in English and
// Arabic. A language's public pages are read one after another in one
// tab, the languages side by side, which spares a browser context for
// each of the 108 pages.
func TestPagesAccessible(t *testing.T) {
	skipShort(t)
	hist := historyProcess(t)
	h := "/processes/" + url.PathEscape(hist)
	doc := revisedDocument(t, hist)
	tp, text := textProcess(t)
	pages := []sitePage{
		{name: "processes", path: "/"},
		{name: "overview", path: h},
		{name: "calendar", path: h + "/calendar"},
		{name: "stage", path: h + "/stages/ts1"},
		{name: "stage-filtered", path: h + "/stages/ts1?role=stakeholder&attachment=1"},
		{name: "stage-vote", path: h + "/stages/ga-endorsement"}, // the recorded vote, by State
		{name: "documents", path: h + "/documents"},
		{name: "document", path: h + "/documents/" + url.PathEscape(doc) + "/2"},
		{name: "diff", path: h + "/documents/" + url.PathEscape(doc) + "/diff?from=1&to=2"},
		{name: "record", path: h + "/record"},
		{name: "data", path: h + "/data"},
		{name: "modalities", path: h + "/modalities"},
		{name: "lists", path: h + "/lists"},
		{name: "calendars", path: "/calendar"},
		{name: "compilation", path: tp + "/text?revision=0"},
		{name: "paragraph-history", path: tp + "/text/paragraphs/" + url.PathEscape(text.OP1)},
		{name: "text-diff", path: tp + "/text/diff"},
		{name: "search", path: tp + "/search?q=Charter"},
		{name: "signin", path: "/signin"},
		{name: "not-found", path: "/processes/no-such-process", status: http.StatusNotFound},
	}
	for _, lang := range lang.All {
		t.Run("office-forms/"+lang, func(t *testing.T) {
			t.Parallel()
			officeForms(t, lang)
		})
		t.Run("negotiation-forms/"+lang, func(t *testing.T) {
			t.Parallel()
			negotiationForms(t, lang)
		})
		t.Run("pages/"+lang, func(t *testing.T) {
			t.Parallel()
			walk := newTab(t, lang)
			for _, pg := range pages {
				t.Run(pg.name, func(t *testing.T) {
					b := walk.on(t)
					b.openStatus(pg.path, cmp.Or(pg.status, http.StatusOK))
					b.check(pg.name)
				})
			}
		})
	}
}

// textProcess is a process with a negotiated text (stacktest.PutText),
// as the path of its pages.
func textProcess(t *testing.T) (string, stacktest.Text) {
	t.Helper()
	id, code := stacktest.UniqueID("text")
	launch(t, map[string]any{"templateBody": stacktest.Template(id, code, time.Now().Add(time.Hour)), "id": id, "code": code})
	return "/processes/" + url.PathEscape(id), stacktest.PutText(t, stack.Store, id)
}

// revisedDocument is a document of the process with at least two
// revisions.
func revisedDocument(t *testing.T, processID string) string {
	t.Helper()
	var list struct {
		Documents []struct {
			Name     string `json:"name"`
			Revision int    `json:"revision"`
		} `json:"documents"`
	}
	if err := json.Unmarshal(call(t, "GET", "/v1/processes/"+processID+"/documents", "", nil, http.StatusOK), &list); err != nil {
		t.Fatal(err)
	}
	for _, d := range list.Documents {
		if d.Revision >= 2 {
			return d.Name
		}
	}
	t.Fatalf("no document of %s has two revisions: %+v", processID, list.Documents)
	return ""
}

// officeForms opens each of the office's forms that the schedule of a
// process links to, once each, as the PGA's office, and the pages the
// dashboard links to.
func officeForms(t *testing.T, lang string) {
	b := newTab(t, lang)
	id, code := stacktest.UniqueID("forms-" + lang)
	launch(t, map[string]any{"templateBody": stacktest.Template(id, code, time.Now()), "id": id, "code": code})
	b.signIn(token(t, api.PGAOffice, "PGA"))
	b.open("/office")
	b.check("office-home")
	b.open("/office/processes/" + url.PathEscape(id))
	b.check("office-schedule")
	// One link for each form: the last segment of a stage's form names it.
	links := eval[map[string]string](b, `Object.fromEntries([...document.querySelectorAll("#main a[href^='/office/processes/']")]
		.map(a => [a.pathname.split("/").pop(), a.pathname]))`)
	if len(links) < 3 {
		t.Fatalf("the schedule links to %v, want the office's forms", links)
	}
	// The schedule offers these only once their stage is due.
	office := "/office/processes/" + url.PathEscape(id)
	links["draft"] = cmp.Or(links["draft"], office+"/stages/zero/draft")
	links["outcome"] = cmp.Or(links["outcome"], office+"/stages/conference/outcome")
	// The office's pages off the dashboard: failed deliveries, applications, a new process.
	links["deliveries"] = office + "/deliveries"
	links["applications"] = office + "/applications"
	links["new"] = "/office/processes/new"
	for _, name := range slices.Sorted(maps.Keys(links)) {
		b.open(links[name])
		b.check("office-" + name)
	}
	// A draft's preview, word by word, before it is published.
	b.open(links["draft"])
	b.do("typing a draft", chromedp.SetValue(chromedp.CSS("#paragraphs"), "We commit to act.\nWe report every year."))
	b.submit("previewing the draft", http.StatusOK, chromedp.Click(chromedp.CSS("#draft-submit")))
	b.check("office-draft-preview")
}
