package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
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
