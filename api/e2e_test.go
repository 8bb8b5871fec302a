package api

import (
	"encoding/xml"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// TestConsultationEndToEnd walks the three kinds of users through a
// consultation on the real stack: the PGA's office creates the process and
// opens the window, a stakeholder is accredited (another one is objected to)
// and contributes, an observer follows status, calendar and feed, the window
// closes and a late contribution is refused.
func TestConsultationEndToEnd(t *testing.T) {
	a := newAPIServer(t)
	id, code := uniqueID("e2e")
	// A day of process time lasts 4 s: the non-objection period passes
	// while the test waits, and the thematic session's window closes 3
	// process days after it opens.
	const scale = 86400.0 / 4
	base := time.Date(2031, 3, 1, 0, 0, 0, 0, time.UTC)
	day := func(n float64) process.Date {
		return process.Date{Time: base.Add(time.Duration(n * float64(24*time.Hour)))}
	}
	tmpl := process.Template{
		ID: id, Title: "End-to-end consultation", Code: code,
		Rules: process.Rules{NonObjectionDays: 1, Adoption: "consensus", Voters: "member-states"},
		Phases: []process.Phase{{ID: "consultations", Title: "Consultations", Stages: []process.StageSpec{
			{ID: "acc", Kind: process.AccreditationWindow, Code: "ACC", Title: "Accreditation", Start: day(0), End: day(2),
				Window: &process.Window{Opens: day(0), Closes: day(3)}},
			{ID: "ts1", Kind: process.ThematicSession, Code: "TS1", Title: "Human rights of all migrants", Place: "Geneva",
				Start: day(5), Window: &process.Window{Opens: day(1), Closes: day(4)}},
		}}},
	}
	pga := a.token(PGAOffice, "PGA", "")
	created := a.do("POST", "/v1/processes", pga, map[string]any{"templateBody": tmpl, "scale": scale})
	if created.Status != http.StatusCreated {
		t.Fatalf("PGA creates the process: %d %s", created.Status, created.Body)
	}
	awaitRegistered(t, id)

	// Two organisations apply while the accreditation window is open.
	pollStore(t, "the accreditation window to open", func() bool { return recorded(id, "acc", "window.opened") })
	good, bad := a.token(Stakeholder, "org-"+id+"-good", ""), a.token(Stakeholder, "org-"+id+"-bad", "")
	for _, tok := range []string{good, bad} {
		res := a.do("POST", "/v1/processes/"+id+"/applications", tok, map[string]any{"name": "An NGO", "category": "civil-society"})
		if res.Status != http.StatusCreated {
			t.Fatalf("apply: %d %s", res.Status, res.Body)
		}
	}
	if res := a.do("POST", "/v1/processes/"+id+"/stages/acc/circulate", pga, map[string]any{}); res.Status != http.StatusOK {
		t.Fatalf("PGA circulates the list: %d %s", res.Status, res.Body)
	}
	hungary := a.token(MemberState, "HUN", "")
	if res := a.do("POST", "/v1/processes/"+id+"/stages/acc/objections", hungary,
		map[string]any{"party": "org-" + id + "-bad", "reason": "not independent"}); res.Status != http.StatusOK {
		t.Fatalf("a State objects: %d %s", res.Status, res.Body)
	}
	pollStore(t, "the list to be decided", func() bool { return recorded(id, "acc", "list.decided") })
	var apps []process.Application
	a.do("GET", "/v1/processes/"+id+"/applications", "", nil).JSON(t, &apps)
	states := map[string]process.ApplicationState{}
	for _, app := range apps {
		states[app.Party] = app.State
	}
	if states["org-"+id+"-good"] != process.Approved || states["org-"+id+"-bad"] != process.Rejected {
		t.Fatalf("after the non-objection period: %v, want good approved and bad rejected", states)
	}

	// The accredited stakeholder contributes and gets a receipt; the one
	// objected to cannot.
	pollStore(t, "the session's window to open", func() bool { return recorded(id, "ts1", "window.opened") })
	submit := func(tok, key string) response {
		return a.do("POST", "/v1/processes/"+id+"/stages/ts1/contributions", tok,
			map[string]any{"title": "Firewalls", "body": "Access to services without fear of immigration enforcement."},
			"Idempotency-Key", key)
	}
	res := submit(good, "k1")
	if res.Status != http.StatusCreated {
		t.Fatalf("contribute: %d %s", res.Status, res.Body)
	}
	var receipt process.Receipt
	res.JSON(t, &receipt)
	if !strings.HasPrefix(receipt.Tracking, code+"-TS1-") || len(receipt.SHA256) != 64 {
		t.Fatalf("receipt %+v", receipt)
	}
	var again process.Receipt
	submit(good, "k1").JSON(t, &again)
	if again != receipt {
		t.Fatalf("the same key gave %+v, want the first receipt %+v", again, receipt)
	}
	wantProblem(t, "a stakeholder objected to", submit(bad, "k2"), http.StatusUnprocessableEntity)

	// An observer, without a token, follows the process.
	var status wire.ProcessStatus
	a.do("GET", "/v1/processes/"+id, "", nil).JSON(t, &status)
	if !slices.ContainsFunc(status.OpenWindows, func(w wire.OpenWindow) bool { return w.StageID == "ts1" }) {
		t.Fatalf("status shows open windows %+v, want ts1 among them", status.OpenWindows)
	}
	if cal := a.do("GET", "/v1/processes/"+id+"/calendar.ics", "", nil); cal.Status != http.StatusOK ||
		!strings.Contains(string(cal.Body), "SUMMARY:Human rights of all migrants") || !strings.Contains(string(cal.Body), "LOCATION:Geneva") {
		t.Fatalf("calendar: %d %s", cal.Status, cal.Body)
	}
	feed := a.do("GET", "/v1/processes/"+id+"/feed.atom", "", nil)
	var atom struct {
		Entries []struct {
			Title string `xml:"title"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(feed.Body, &atom); err != nil || len(atom.Entries) == 0 {
		t.Fatalf("feed: %d %v %s", feed.Status, err, feed.Body)
	}

	// The window closes at its deadline; a late contribution changes nothing.
	pollStore(t, "the window to close", func() bool { return recorded(id, "ts1", "window.closed") })
	wantProblem(t, "a late contribution", submit(good, "k3"), http.StatusConflict)
	var list struct {
		Contributions []process.Contribution `json:"contributions"`
	}
	a.do("GET", "/v1/processes/"+id+"/contributions?stage=ts1", "", nil).JSON(t, &list)
	if len(list.Contributions) != 1 || list.Contributions[0].Tracking != receipt.Tracking {
		t.Fatalf("contributions after the deadline: %+v, want only %s", list.Contributions, receipt.Tracking)
	}
	var verify struct {
		Verified bool `json:"verified"`
	}
	a.do("GET", "/v1/processes/"+id+"/record/verify", "", nil).JSON(t, &verify)
	if !verify.Verified {
		t.Fatal("the record does not verify")
	}
}
