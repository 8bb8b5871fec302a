package web

import (
	"html"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/process"
)

// loadECOSOCList loads the one list of organisations in ECOSOC status the
// web tests use: the list is the whole store's, and tests run in parallel.
func loadECOSOCList(t *testing.T) {
	t.Helper()
	l := process.ECOSOCList{LoadedAt: time.Now(), LoadedBy: "PGA", Entries: []process.ECOSOCEntry{
		{Name: "Ecosoc Org", Status: process.ECOSOCSpecial, Year: 2004},
		{Name: "International Migrants Forum", Status: process.ECOSOCSpecial, Year: 2010},
	}}
	if err := stack.Store.PutECOSOCList(t.Context(), l); err != nil {
		t.Fatal(err)
	}
}

// TestOfficeECOSOCReview: a stakeholder whose name is close to one on the
// ECOSOC list sees its claim in review; the office confirms it from the
// circulate page, and the stakeholder sees it accredited.
func TestOfficeECOSOCReview(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	loadECOSOCList(t)
	id, _ := launchNow(t, ts, "ecosoc-review", nil)
	ts.await("the accreditation window to open", func() bool { return takes(id, "acc") })

	party := "near-" + id
	accreditation := "/processes/" + id + "/accreditation"
	org := ts.browser()
	org.signIn(ts.token(api.Stakeholder, party, ""))
	org.get(accreditation)
	wantRedirect(t, "a near claim", org.post(accreditation, url.Values{"name": {"Internacional Migrants Forum"}, "category": {"diaspora"}, "ecosoc": {"true"}}), accreditation)
	en := locales["en"]
	wantPage(t, "a claim in review", org.get(accreditation), http.StatusOK, `data-state="review"`,
		`id="application-ecosoc"`, html.EscapeString(en.T("stakeholder.ecosoc.near", "entry", "International Migrants Forum")))

	base := "/office/processes/" + id
	circulate := base + "/stages/acc/circulate"
	b := ts.browser()
	b.signIn(ts.token(api.PGAOffice, "PGA", ""))
	wantPage(t, "circulate page", b.get(circulate), http.StatusOK, `id="review-applications"`, `id="confirm-`+party+`"`,
		"International Migrants Forum (Special, 2010)")
	p := b.post(circulate+"/ecosoc", url.Values{"party": {party}, "match": {"true"}})
	loc := wantRedirect(t, "confirm", p, base+"?")
	wantPage(t, "after confirming", b.get(loc), http.StatusOK, `id="office-notice"`, party+" was confirmed as the organisation on the ECOSOC list")

	// Reviewed once, a second verdict is refused on the page.
	b.get(circulate)
	wantPage(t, "review twice", b.post(circulate+"/ecosoc", url.Values{"party": {party}, "match": {"false"}}), http.StatusConflict,
		`id="error-summary"`, "only a claim of ECOSOC status in review is confirmed or refused", `id="no-review"`)
	wantPage(t, "an accredited claim", org.get(accreditation), http.StatusOK, `data-state="approved"`,
		html.EscapeString(en.T("stakeholder.ecosoc.confirmed", "entry", "International Migrants Forum")))
}
