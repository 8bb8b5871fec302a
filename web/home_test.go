package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/sqlite"
)

// TestOfficeDashboard: the office lands on what needs it today, each item
// linking to where the work is done: a window closing in three days, a
// draft stored but not issued, a notification that failed, two meetings
// at the same venue on the same days.
func TestOfficeDashboard(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	id := ts.launch("dashboard")          // begins in an hour: acc's window closes 3 days later, ts1's 10 days later
	other := ts.launch("dashboard-other") // its thematic session meets in Geneva on the same days
	stacktest.PutText(t, stack.Store, id)
	ctx := context.Background()
	hook := "https://hooks.example/" + id
	key := "stage.started/" + id + "|" + hook + "|webhook"
	if err := stack.Store.Enqueue(ctx, []store.Notification{{Key: key, ProcessID: id, Event: "stage.started",
		Recipient: hook, Channel: "webhook", Payload: "{}", CreatedAt: time.Now()}}); err != nil {
		t.Fatal(err)
	}
	if err := stack.Store.MarkFailed(ctx, key, "410 Gone: the endpoint was removed"); err != nil {
		t.Fatal(err)
	}

	b := ts.browser()
	b.get("/signin")
	wantRedirect(t, "the office signs in", b.post("/signin", url.Values{"token": {ts.token(api.PGAOffice, "PGA", "")}, "next": {"/"}}), "/office")
	p := b.get("/office")
	office := "/office/processes/" + id
	wantPage(t, "office dashboard", p, http.StatusOK,
		`<li class="agenda-window" id="agenda-window-`+id+`-acc">`, `<a href="`+office+`/stages/acc/window">The window of Accreditation closes on `,
		`id="agenda-draft-`+id+`-stored">`, "Revision 2 of the text is stored but not yet issued",
		`<li class="agenda-deliveries" id="agenda-deliveries-`+id+`">`, `<a href="`+office+`/deliveries">Notifications that failed: 1;`,
		`id="office-`+id+`"`, `id="create-process-link"`)
	if strings.Contains(p.Body, `id="agenda-window-`+id+`-ts1"`) {
		t.Error("a window closing in ten days is on this week's agenda")
	}
	if !strings.Contains(p.Body, `id="agenda-clash-`+id+`-ts1-`+other+`-ts1"`) && !strings.Contains(p.Body, `id="agenda-clash-`+other+`-ts1-`+id+`-ts1"`) {
		t.Error("the two thematic sessions in Geneva on the same days are not flagged")
	}
	if !strings.Contains(p.Body, "Thematic session 1 (Test process "+id+") on ") && !strings.Contains(p.Body, "Thematic session 1 (Test process "+other+") on ") {
		t.Error("the clash does not name its process")
	}
	wantPage(t, "a clash", p, http.StatusOK, " clashes with Thematic session 1 (Test process ")
	wantPage(t, "the window's form", b.get(office+"/stages/acc/window"), http.StatusOK, `id="window-form"`)
	wantPage(t, "failed deliveries", b.get(office+"/deliveries"), http.StatusOK, `<bdi>`+hook+`</bdi>`, "410 Gone: the endpoint was removed")

	// Another role reads neither.
	ngo := ts.browser()
	ngo.get("/signin")
	wantRedirect(t, "a stakeholder signs in", ngo.post("/signin", url.Values{"token": {ts.token(api.Stakeholder, "ngo-"+id, "")}, "next": {"/"}}),
		"/my/contributions")
	wantPage(t, "a stakeholder on the dashboard", ngo.get("/office"), http.StatusForbidden)
	wantPage(t, "a stakeholder on the deliveries", ngo.get(office+"/deliveries"), http.StatusForbidden)
	state := ts.browser()
	state.get("/signin")
	wantRedirect(t, "a State signs in", state.post("/signin", url.Values{"token": {ts.token(api.MemberState, "MEX", "")}, "next": {"/"}}), "/my/text")
	wantPage(t, "a State's home", state.get("/my/text"), http.StatusOK, `id="open-drafts"`, `id="amendments"`)
}

// TestOfficeDashboardEmpty: on a fresh install the dashboard says that
// nothing needs the office and offers to start a process: never an empty
// page.
func TestOfficeDashboardEmpty(t *testing.T) {
	t.Parallel()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "fresh.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	ts := &testSite{t: t}
	a := api.New(api.Options{Temporal: stack.Temporal, Store: db, Pages: func(h http.Handler) http.Handler {
		ts.site = New(Options{API: traffic.Check(h), SessionKey: testKey})
		return ts.site
	}})
	ts.hs = httptest.NewServer(a.Handler())
	t.Cleanup(ts.hs.Close)
	secret, tok, err := api.NewToken(api.PGAOffice, "PGA", "", "web test", time.Now())
	b := ts.browser()
	b.signIn(stacktest.Issue(t, db, secret, tok, err))
	wantPage(t, "an empty dashboard", b.get("/office"), http.StatusOK, `id="agenda-none"`, locales["en"].T("office.agenda.none"),
		`id="no-processes"`, `<a href="/office/processes/new" id="create-process-link">`)
	wantPage(t, "the form to start one", b.get("/office/processes/new"), http.StatusOK, `id="create-form"`,
		`<option value="gcm-2018"`, `id="startsOn" name="startsOn" type="date"`)
}

// TestCreateProcess: the office starts a process from a built-in
// template; one that would begin in the past is refused with the reason.
func TestCreateProcess(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	b := ts.browser()
	b.signIn(ts.token(api.PGAOffice, "PGA", ""))
	id, code := stacktest.UniqueID("created")
	b.get("/office/processes/new")
	wantPage(t, "a start in the past", b.post("/office/processes/new", url.Values{"template": {"gcm-2018"}, "id": {id}, "code": {code}}),
		http.StatusUnprocessableEntity, `id="error-summary"`, "in the past: give startsOn", `<option value="gcm-2018" selected>`)
	startsOn := time.Now().AddDate(1, 2, 0).Format(time.DateOnly)
	loc := wantRedirect(t, "start", b.post("/office/processes/new", url.Values{"template": {"gcm-2018"}, "id": {id}, "code": {code},
		"startsOn": {startsOn}}), "/office/processes/"+id+"?done=created")
	wantPage(t, "the new process", b.get(loc), http.StatusOK, `id="office-notice"`, locales["en"].T("office.done.created"), `id="office-stages"`)
}

// TestOfficeObjections: Mexico objects to an application under
// circulation; the dashboard's item leads the office to the process's
// applications, where it reads the objection with its reason and date
// and the end of the non-objection period.
func TestOfficeObjections(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	id, _ := launchNow(t, ts, "objections", nil)
	ts.await("the accreditation window to open", func() bool { return takes(id, "acc") })
	party := "objected-" + id
	org := ts.browser()
	org.signIn(ts.token(api.Stakeholder, party, ""))
	accreditation := "/processes/" + id + "/accreditation"
	org.get(accreditation)
	wantRedirect(t, "apply", org.post(accreditation, url.Values{"name": {"Objected Org"}, "category": {"diaspora"}}), accreditation)

	pga := ts.token(api.PGAOffice, "PGA", "")
	circulate := "/v1/processes/" + id + "/stages/acc/circulate"
	ts.await("the list to circulate", func() bool { return ts.apiCall("POST", circulate, pga, map[string]string{}, nil) == http.StatusOK })
	if st := ts.apiCall("POST", "/v1/processes/"+id+"/stages/acc/objections", ts.token(api.MemberState, "MEX", ""),
		map[string]string{"party": party, "reason": "Not migration-related."}, nil); st != http.StatusOK {
		t.Fatalf("object: %d", st)
	}

	b := ts.browser()
	b.signIn(pga)
	applications := "/office/processes/" + id + "/applications"
	wantPage(t, "the dashboard", b.get("/office"), http.StatusOK, `id="agenda-objections-`+id+`">`, `<a href="`+applications+`">Objections received to circulated applications: 1</a>`)
	p := b.get(applications)
	wantPage(t, "the applications", p, http.StatusOK, `id="application-`+party+`" data-state="circulated"`, `<bdi>Objected Org</bdi>`,
		`id="objections-`+party+`"`, `<bdi>Mexico (MEX)</bdi>, <time datetime="`, "Not migration-related.")
	if !strings.Contains(p.Body, `id="application-`+party+`"`) || strings.Count(p.Body, `<time datetime=`) < 2 {
		t.Error("the non-objection period's end or the objection's date is missing")
	}
	fr := b.get(applications + "?lang=fr")
	wantPage(t, "in French", fr, http.StatusOK, locales["fr"].T("office.applications.title", "process", ""), "Not migration-related.")

	ngo := ts.browser()
	ngo.signIn(ts.token(api.Stakeholder, "ngo-"+id, ""))
	wantPage(t, "a stakeholder on the applications", ngo.get(applications), http.StatusForbidden)
}
