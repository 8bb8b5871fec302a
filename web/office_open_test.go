package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
)

// TestOfficeOpensAWindowNow opens a scheduled window from the office's
// window page: an opening after the session starts is refused with the
// engine's reason and changes nothing; "Open now" starts the stage.
func TestOfficeOpensAWindowNow(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	id := ts.launch("opennow")
	base := "/office/processes/" + id
	b := ts.browser()
	b.signIn(ts.token(api.PGAOffice, "PGA", ""))
	wantPage(t, "window form", b.get(base+"/stages/ts1/window"), http.StatusOK,
		`id="opens" name="opens" type="datetime-local"`, `id="window-open"`)

	late := stageOf(t, ts, id, "ts1").Spec.Start.Add(time.Hour)
	refusedForm(t, b, base+"/stages/ts1/window", url.Values{"close": {"false"}, "opens": {late.Format("2006-01-02T15:04")},
		"closes": {late.Add(time.Hour).Format("2006-01-02T15:04")}},
		http.StatusUnprocessableEntity, "after stage ts1 starts")

	doneForm(t, b, base+"/stages/ts1/window", url.Values{"close": {"false"}, "open": {"true"}, "reason": {"ready"}}, "Thematic session 1")
	ts.await("ts1's window to open", func() bool { return recorded(id, "ts1", "window.opened") })
	if st := stageOf(t, ts, id, "ts1"); st.Status != process.Running || !st.Moved {
		t.Fatalf("ts1 after opening now: %+v", st)
	}
	wantPage(t, "window form of a running stage", b.get(base+"/stages/ts1/window"), http.StatusOK, `id="window-form"`)
	if p := b.get(base + "/stages/ts1/window"); strings.Contains(string(p.Body), `id="window-open"`) {
		t.Errorf("a running stage's window page offers to open it now")
	}
}

// TestOfficeOpensAndClosesTheAccreditationWindowEarly opens a running
// accreditation stage's window before its date from the window page, and
// closes it early; closing without a reason is refused on the field.
func TestOfficeOpensAndClosesTheAccreditationWindowEarly(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	id, code := stacktest.UniqueID("accearly")
	tmpl := stacktest.Template(id, code, time.Now().Add(time.Second))
	d := stacktest.Days(time.Now().Add(time.Second))
	tmpl.Phases[0].Stages[0].Window = &process.Window{Opens: d(1), Closes: d(2)}
	ts.launchTemplate(tmpl)
	ts.await("the accreditation stage to start", func() bool { return recorded(id, "acc", "stage.started") })
	path := "/office/processes/" + id + "/stages/acc/window"
	b := ts.browser()
	b.signIn(ts.token(api.PGAOffice, "PGA", ""))
	wantPage(t, "window form", b.get(path), http.StatusOK, `id="opens" name="opens" type="datetime-local"`, `id="window-open"`)

	doneForm(t, b, path, url.Values{"close": {"false"}, "open": {"true"}, "reason": {"The hearing needs the list early"}}, "Accreditation")
	ts.await("the window to open early", func() bool { return recorded(id, "acc", "window.opened") })
	if p := b.get(path); strings.Contains(string(p.Body), `id="window-open"`) {
		t.Errorf("an opened accreditation window's page offers to open it now")
	}
	refusedForm(t, b, path, url.Values{"close": {"true"}}, http.StatusUnprocessableEntity, "reason is required")
	doneForm(t, b, path, url.Values{"close": {"true"}, "reason": {"Enough applications"}}, "Accreditation")
	ts.await("the window to close early", func() bool { return recorded(id, "acc", "window.closed") })
}
