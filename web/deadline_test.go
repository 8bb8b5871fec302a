package web

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/stacktest"
)

// TestATemplateDeadlineGivenAsADateOnThePage: a template's window given as
// dates alone in New York closes at the next midnight there; the stage's
// page shows that instant, the machine's in UTC, the reader's at that day's
// 24:00 in New York, the zone named.
func TestATemplateDeadlineGivenAsADateOnThePage(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	id, code := stacktest.UniqueID("venueday")
	start := time.Now().Add(time.Hour)
	tmpl := stacktest.Template(id, code, start)
	tmpl.Phases[0].Stages[1].TimeZone = "America/New_York"
	b, err := json.Marshal(map[string]any{"templateBody": tmpl, "id": id, "code": code})
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatal(err)
	}
	ny, _ := time.LoadLocation("America/New_York")
	last := start.In(ny).AddDate(0, 0, 5).Format(time.DateOnly)
	ts1 := body["templateBody"].(map[string]any)["phases"].([]any)[0].(map[string]any)["stages"].([]any)[1].(map[string]any)
	ts1["window"] = map[string]any{"opens": start.In(ny).AddDate(0, 0, 1).Format(time.DateOnly), "closes": last}
	if st := ts.apiCall("POST", "/v1/processes", ts.token(api.PGAOffice, "PGA", ""), body, nil); st != http.StatusCreated {
		t.Fatalf("create process %s: %d", id, st)
	}
	ts.await("process "+id+" registered", func() bool { return recorded(id, "", "process.created") })

	day, _ := time.ParseInLocation(time.DateOnly, last, ny)
	want := day.AddDate(0, 0, 1).UTC() // the next midnight in New York
	p := ts.browser().get("/processes/"+id+"/stages/ts1", "Accept-Language", "en")
	wantPage(t, "ts1's page", p, http.StatusOK, `<time datetime="`+want.Format(time.RFC3339)+`"`,
		day.Format("2 January 2006")+", 24:00 (America/New_York)")
}
