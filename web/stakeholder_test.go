package web

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// launchNow starts the test template from now, so that its accreditation
// and thematic session's windows take submissions at once; edit may move
// more stages to now. It waits until the process is registered.
func launchNow(t *testing.T, ts *testSite, prefix string, edit func(tmpl *process.Template)) (id, code string) {
	t.Helper()
	id, code = stacktest.UniqueID(prefix)
	tmpl := stacktest.Template(id, code, time.Now())
	if edit != nil {
		edit(&tmpl)
	}
	return ts.launchTemplate(tmpl), code
}

// takes reports whether the intake takes submissions into a stage's window.
func takes(processID, stageID string) bool {
	w, err := stack.Store.GetWindow(context.Background(), processID, stageID)
	return err == nil && w.TakesAt(time.Now())
}

// contributionsOf lists what a process holds.
func contributionsOf(t *testing.T, processID string) []process.Contribution {
	t.Helper()
	cs, err := stack.Store.ListContributions(context.Background(), store.ContributionFilter{ProcessID: processID})
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

// postMultipart submits a multipart form as a browser would from one of
// the site's pages, with the last page's CSRF token; file, when given, is
// the attachment.
func (b *browser) postMultipart(path string, fields map[string]string, filename string, file []byte) page {
	b.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if _, ok := fields["csrf"]; !ok {
		fields["csrf"] = b.csrf()
	}
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			b.t.Fatal(err)
		}
	}
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="attachment"; filename="`+filename+`"`)
	h.Set("Content-Type", "application/octet-stream")
	w, err := mw.CreatePart(h)
	if err != nil {
		b.t.Fatal(err)
	}
	_, _ = w.Write(file) // empty when no file was chosen, as browsers send it
	if err := mw.Close(); err != nil {
		b.t.Fatal(err)
	}
	req, err := http.NewRequest("POST", b.ts.URL()+path, &buf)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.ts.URL())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return b.do(req)
}

// wantRedirect checks a 303 and returns where it leads.
func wantRedirect(t *testing.T, what string, p page, prefix string) string {
	t.Helper()
	loc := p.Header.Get("Location")
	if p.Status != http.StatusSeeOther || !strings.HasPrefix(loc, prefix) {
		t.Fatalf("%s: %d to %q, want 303 to %s…\n%s", what, p.Status, loc, prefix, p.Body)
	}
	return loc
}

var keyInput = regexp.MustCompile(`name="idempotencyKey" value="([^"]+)"`)

var minimalPDF = []byte("%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")

func TestStakeholderPages(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	id, code := launchNow(t, ts, "stakeholder", nil)
	ts.await("the windows to take submissions", func() bool { return takes(id, "acc") && takes(id, "ts1") })
	accreditation := "/processes/" + id + "/accreditation"

	// Signed out, the page sends to sign-in and back; a State's sign-in is
	// not a stakeholder's.
	p := ts.browser().get(accreditation)
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/signin?next="+url.QueryEscape(accreditation) {
		t.Fatalf("signed out: %d to %q", p.Status, p.Header.Get("Location"))
	}
	mexico := ts.browser()
	mexico.signIn(ts.token(api.MemberState, "MEX", ""))
	wantPage(t, "a State on the accreditation page", mexico.get(accreditation), http.StatusForbidden)

	// Apply: refused without a name, with the API's reason and the input
	// kept, and nothing stored; then accepted.
	applicant := "ngo-" + id
	b := ts.browser()
	b.signIn(ts.token(api.Stakeholder, applicant, ""))
	wantPage(t, "accreditation form", b.get(accreditation), http.StatusOK,
		`id="apply-form"`, `id="name" name="name"`, `id="category" name="category" value="civil-society"`, `id="ecosoc" name="ecosoc"`)
	p = b.post(accreditation, url.Values{"name": {" "}, "category": {"academia"}})
	wantPage(t, "application without a name", p, http.StatusUnprocessableEntity, `id="error-summary"`,
		`<a href="#name" lang="en">name: want 1 to 300 characters, not 0</a>`, `name="category" value="academia" checked`,
		// The reason is on its field, from the problem's pointer /name.
		`<p class="field-error" id="name-error" lang="en">name: want 1 to 300 characters, not 0</p>`,
		`id="name" name="name" type="text" value=" " aria-describedby="name-error" aria-invalid="true"`)
	if _, err := stack.Store.GetApplication(context.Background(), id, "", applicant); process.KindOf(err) != process.NotFound {
		t.Fatalf("a refused application was stored: %v", err)
	}
	wantRedirect(t, "apply", b.post(accreditation, url.Values{"name": {"Migrants Forum"}, "category": {"civil-society"}}), accreditation)
	wantPage(t, "application applied", b.get(accreditation+"?applied=1"), http.StatusOK,
		`id="apply-notice"`, `data-state="applied"`, "Migrants Forum")
	// The stakeholder's home lists the application, linking to its page.
	wantPage(t, "stakeholder's home", b.get("/my/contributions"), http.StatusOK,
		`<li id="application-`+id+`"><a href="`+accreditation+`">`, locales["en"].T("stakeholder.accreditation.applied"), `id="no-contributions"`)

	// Not approved yet: the intake refuses the applicant's contribution.
	contribute := "/processes/" + id + "/stages/ts1/contribute"
	wantPage(t, "contribution form", b.get(contribute), http.StatusOK, `id="contribute-form"`, `enctype="multipart/form-data"`,
		`id="title" name="title"`, `id="body" name="body"`, `id="attachment" name="attachment" type="file"`)
	p = b.postMultipart(contribute, map[string]string{"title": "Firewalls", "body": "Services without fear.",
		"idempotencyKey": keyInput.FindStringSubmatch(b.last)[1]}, "", nil)
	wantPage(t, "contribution before approval", p, http.StatusUnprocessableEntity, `id="error-summary"`,
		"accreditation to "+id+" is applied, not approved", `value="Firewalls"`, "Services without fear.")
	if cs := contributionsOf(t, id); len(cs) != 0 {
		t.Fatalf("a refused contribution was stored: %+v", cs)
	}

	// An organisation on the ECOSOC list is accredited at once and contributes.
	loadECOSOCList(t)
	party := "ecosoc-" + id
	org := ts.browser()
	org.signIn(ts.token(api.Stakeholder, party, ""))
	org.get(accreditation)
	wantRedirect(t, "ECOSOC registration", org.post(accreditation, url.Values{"name": {"Ecosoc Org"}, "category": {"academia"}, "ecosoc": {"true"}}), accreditation)
	wantPage(t, "ECOSOC accredited", org.get(accreditation), http.StatusOK, `data-state="approved"`)

	windows := org.get("/processes/" + id + "/contribute")
	wantPage(t, "open windows", windows, http.StatusOK, `id="contribute-ts1"`)
	if strings.Contains(windows.Body, `id="contribute-acc"`) {
		t.Error("the accreditation window is offered for contributions")
	}
	org.get(contribute)
	key := keyInput.FindStringSubmatch(org.last)[1]
	p = org.postMultipart(contribute, map[string]string{"title": " ", "body": "Kept text.", "idempotencyKey": key}, "", nil)
	wantPage(t, "contribution without a title", p, http.StatusUnprocessableEntity,
		"a contribution needs a title", `href="#title"`, "Kept text.", `value="`+key+`"`)
	if cs := contributionsOf(t, id); len(cs) != 0 {
		t.Fatalf("a refused contribution was stored: %+v", cs)
	}
	fields := map[string]string{"title": "Regular pathways", "body": "Expand regular pathways.", "idempotencyKey": key}
	loc := wantRedirect(t, "contribute", org.postMultipart(contribute, fields, "paper.pdf", minimalPDF), "/my/contributions/"+code+"-TS1-")
	tracking := strings.TrimPrefix(strings.TrimSuffix(loc, "?submitted=1"), "/my/contributions/")
	var stored struct {
		Party, Role, SHA256 string
		Attachment          *struct{ Type string }
	}
	ts.apiCall("GET", "/v1/contributions/"+tracking, "", nil, &stored)
	if stored.Party != party || stored.Role != "stakeholder" || stored.Attachment == nil || stored.Attachment.Type != "application/pdf" {
		t.Fatalf("stored contribution: %+v", stored)
	}
	wantPage(t, "receipt", org.get(loc), http.StatusOK, `id="receipt-notice"`, `id="tracking">`+tracking+`<`,
		`id="sha256">`+stored.SHA256+`<`, "application/pdf", `id="print-receipt"`, "Expand regular pathways.")
	// The same form sent twice is one contribution: the first receipt again.
	if again := wantRedirect(t, "resubmit", org.postMultipart(contribute, fields, "paper.pdf", minimalPDF), "/my/contributions/"); again != loc {
		t.Errorf("a resubmitted form went to %s, want %s", again, loc)
	}
	if cs := contributionsOf(t, id); len(cs) != 1 {
		t.Fatalf("%d contributions after a resubmission, want 1", len(cs))
	}
	wantPage(t, "my contributions", org.get("/my/contributions"), http.StatusOK,
		`id="receipt-`+tracking+`"`, `id="withdraw-`+tracking+`"`, "Regular pathways")
	// Another party's receipt is not one's own.
	wantPage(t, "another's receipt", b.get("/my/contributions/"+tracking), http.StatusNotFound)

	// Withdraw: another stakeholder is refused with the API's reason and
	// nothing changes; the submitter confirms and it is withdrawn.
	withdraw := "/my/contributions/" + tracking + "/withdraw"
	wantPage(t, "withdraw page for another", b.get(withdraw), http.StatusOK, `id="withdraw-form"`)
	wantPage(t, "withdraw by another", b.post(withdraw, url.Values{}), http.StatusNotFound,
		`id="error-summary"`, "has no contribution "+tracking)
	if cs := contributionsOf(t, id); cs[0].Withdrawn {
		t.Fatal("a refused withdrawal withdrew the contribution")
	}
	wantPage(t, "withdraw confirmation", org.get(withdraw), http.StatusOK, `id="withdraw-warning"`, `id="withdraw-submit"`, `id="withdraw-cancel"`)
	loc = wantRedirect(t, "withdraw", org.post(withdraw, url.Values{}), "/my/contributions/"+tracking+"?withdrawn=1")
	wantPage(t, "withdrawn receipt", org.get(loc), http.StatusOK, `id="withdrawn-notice"`, `data-withdrawn="true"`)
	if cs := contributionsOf(t, id); !cs[0].Withdrawn {
		t.Fatal("the contribution is not withdrawn")
	}
}

// TestProcessActions: the overview links to the forms only for those who
// may use them.
func TestProcessActions(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	id := ts.launch("actions")
	overview := "/processes/" + id
	if p := ts.browser().get(overview); p.Status != http.StatusOK || strings.Contains(p.Body, `id="process-actions"`) {
		t.Errorf("an observer's overview: %d, actions shown: %v", p.Status, strings.Contains(p.Body, `id="process-actions"`))
	}
	for _, c := range []struct {
		role      api.Role
		party     string
		processID string
		want      []string
		not       string
	}{
		{api.PGAOffice, "PGA", "", []string{`id="action-office" href="/office/processes/` + id + `"`, `id="nav-office"`}, `id="action-contribute"`},
		{api.Stakeholder, "ngo-actions", "", []string{`id="action-accreditation"`, `id="action-contribute"`, `id="nav-my-contributions"`}, `id="action-office"`},
		{api.MemberState, "FRA", "", []string{`id="action-contribute"`, `id="action-my-contributions"`}, `id="action-accreditation"`},
		{api.CoFacilitator, "IRL", id, []string{`id="action-office"`}, `id="action-contribute"`},
		{api.CoFacilitator, "IRL", "elsewhere", nil, `id="process-actions"`},
	} {
		b := ts.browser()
		b.signIn(ts.token(c.role, c.party, c.processID))
		p := b.get(overview)
		wantPage(t, string(c.role)+" overview", p, http.StatusOK, c.want...)
		if strings.Contains(p.Body, c.not) {
			t.Errorf("%s %s: the overview shows %s", c.role, c.processID, c.not)
		}
	}
}

// TestConferenceListPage: where the process keeps a conference's list, the
// accreditation page links to both; the application made on the
// conference's page is on that list alone.
func TestConferenceListPage(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	id, _ := launchNow(t, ts, "conf-list", func(tmpl *process.Template) {
		st := &tmpl.Phases[0].Stages
		for _, sg := range *st {
			if sg.ID == "acc" {
				sg.ID, sg.Code, sg.Title, sg.List = "conf-acc", "CONF", "Accreditation to the conference", process.ConferenceList
				w := *sg.Window
				sg.Window = &w
				*st = append(*st, sg)
				return
			}
		}
	})
	ts.await("the conference's window to take applications", func() bool { return takes(id, "conf-acc") })
	accreditation := "/processes/" + id + "/accreditation"
	conference := accreditation + "?list=conference"
	applicant := "ngo-" + id
	b := ts.browser()
	b.signIn(ts.token(api.Stakeholder, applicant, ""))
	en := locales["en"]
	wantPage(t, "the preparatory list's page", b.get(accreditation), http.StatusOK, `id="accreditation-lists"`,
		`<a href="`+accreditation+`" aria-current="page">`+en.T("stakeholder.accreditation.list.preparatory")+`</a>`,
		`<a href="`+conference+`">`, `action="`+accreditation+`"`)
	wantPage(t, "the conference's list's page", b.get(conference), http.StatusOK, `data-list="conference"`,
		`action="`+conference+`"`)
	wantRedirect(t, "apply to the conference", b.post(conference, url.Values{"name": {"Migrants Forum"}, "category": {"academia"}}),
		conference+"&applied=1")
	wantPage(t, "applied to the conference", b.get(conference+"&applied=1"), http.StatusOK, `id="apply-notice"`, `data-state="applied"`)
	if a, err := stack.Store.GetApplication(context.Background(), id, process.ConferenceList, applicant); err != nil || a.For != process.ConferenceList {
		t.Fatalf("the conference's application: %+v %v", a, err)
	}
	if _, err := stack.Store.GetApplication(context.Background(), id, process.PreparatoryList, applicant); process.KindOf(err) != process.NotFound {
		t.Fatalf("applying to the conference put an application on the preparatory list: %v", err)
	}
	wantPage(t, "the preparatory list's form is still there", b.get(accreditation), http.StatusOK, `id="apply-form"`)
}
