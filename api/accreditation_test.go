package api

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/wire"
)

// accreditationScale runs a process day in 10 wall seconds: the window
// opens 10 s after the process starts (a scaled clock starts the day
// before), and a list's one-day non-objection period lasts 10 s.
const accreditationScale = 8640

// accreditationTemplate is a process of one accreditation window, four days
// long, whose lists circulate for one day.
func accreditationTemplate(id, code string) process.Template {
	d := func(days int) process.Date {
		return process.Date{Time: time.Date(2031, 3, 3, 0, 0, 0, 0, time.UTC).AddDate(0, 0, days)}
	}
	return process.Template{
		ID: id, Title: "Accreditation " + id, Code: code,
		Rules: process.Rules{NonObjectionDays: 1, Adoption: "consensus", Voters: "member-states"},
		Phases: []process.Phase{{ID: "accreditation", Title: "Accreditation", Stages: []process.StageSpec{
			{ID: "acc", Kind: process.AccreditationWindow, Code: "ACC", Title: "Accreditation of stakeholders",
				Start: d(0), End: d(4), Window: &process.Window{Opens: d(0), Closes: d(4)}},
		}}},
	}
}

// windowOpen reports whether the intake has a stage's window open.
func windowOpen(processID, stageID string) bool {
	w, err := stack.store.GetWindow(context.Background(), processID, stageID)
	return err == nil && w.State == process.WindowOpen
}

func TestAccreditationOverHTTP(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	loadECOSOCList(t, a, pga)
	id, code := uniqueID("accreditation")
	launchProcess(t, a, pga, mergeBody(inlineProcess(accreditationTemplate(id, code)), map[string]any{"scale": accreditationScale}))
	apps := "/v1/processes/" + id + "/applications"
	ngoA, ngoB := a.token(Stakeholder, "ngo-a", ""), a.token(Stakeholder, "ngo-b", "")
	mexico := a.token(MemberState, "MEX", "")
	application := map[string]any{"name": "Migrants Forum", "category": "civil-society"}

	// Before the window opens only an organisation on the ECOSOC list registers.
	wantProblem(t, "apply before the window", a.do("POST", apps, ngoA, application), http.StatusConflict)
	res := a.do("POST", apps, a.token(Stakeholder, "ecosoc-org", ""),
		map[string]any{"name": "Ecosoc Org", "category": "academia", "ecosoc": true})
	var ecosoc process.Application
	res.JSON(t, &ecosoc)
	if res.Status != http.StatusCreated || ecosoc.State != process.Approved || ecosoc.Party != "ecosoc-org" {
		t.Fatalf("ECOSOC application: %d %s", res.Status, res.Body)
	}
	ngoC := a.token(Stakeholder, "ngo-c", "")
	for _, tc := range []struct {
		name   string
		path   string
		token  string
		body   any
		header []string
		want   int
	}{
		{"no token", apps, "", application, nil, http.StatusUnauthorized},
		{"a State", apps, mexico, application, nil, http.StatusForbidden},
		{"no name", apps, ngoC, map[string]any{"name": " ", "category": "academia"}, nil, http.StatusBadRequest},
		{"no such category", apps, ngoC, map[string]any{"name": "C", "category": "lobby"}, nil, http.StatusBadRequest},
		{"malformed", apps, ngoC, []byte(`{"name":`), nil, http.StatusBadRequest},
		{"not JSON", apps, ngoC, []byte(`name=C`), []string{"Content-Type", "application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType},
		{"no such process", "/v1/processes/no-such-process/applications", ngoC, application, nil, http.StatusNotFound},
	} {
		wantProblem(t, "apply: "+tc.name, a.do("POST", tc.path, tc.token, tc.body, tc.header...), tc.want)
	}
	if _, err := stack.store.GetApplication(context.Background(), id, "", "ngo-c"); process.KindOf(err) != process.NotFound {
		t.Fatalf("refused applications left one: %v", err)
	}

	pollStore(t, "the accreditation window to open", func() bool { return windowOpen(id, "acc") })
	for _, tok := range []string{ngoA, ngoB} {
		if res := a.do("POST", apps, tok, application); res.Status != http.StatusCreated || !strings.HasPrefix(res.Header.Get("Location"), apps+"/ngo-") {
			t.Fatalf("apply: %d %v %s", res.Status, res.Header, res.Body)
		}
	}
	wantProblem(t, "apply twice", a.do("POST", apps, ngoA, application), http.StatusConflict)

	// Circulate the list; Mexico objects to one applicant.
	circulate := "/v1/processes/" + id + "/stages/acc/circulate"
	wantProblem(t, "circulate as a State", a.do("POST", circulate, mexico, nil), http.StatusForbidden)
	wantProblem(t, "circulate no stage", a.do("POST", "/v1/processes/"+id+"/stages/nope/circulate", pga, nil), http.StatusNotFound)
	// The intake's window opens a moment before its workflow takes a
	// circulation: until then it answers 409.
	pollStore(t, "the workflow to take a circulation", func() bool {
		res = a.do("POST", circulate, pga, map[string]string{"reason": "first list"})
		return res.Status != http.StatusConflict
	})
	var list struct {
		List         string    `json:"list"`
		Applications int       `json:"applications"`
		Until        time.Time `json:"until"`
	}
	res.JSON(t, &list)
	if res.Status != http.StatusOK || list.List != "acc-list-1" || list.Applications != 2 {
		t.Fatalf("circulate: %d %s", res.Status, res.Body)
	}
	wantProblem(t, "circulate during a circulation", a.do("POST", circulate, pga, nil), http.StatusConflict)

	objections := "/v1/processes/" + id + "/stages/acc/objections"
	res = a.do("POST", objections, mexico, map[string]string{"party": "ngo-b", "reason": "not an NGO"})
	var obj wire.Objection
	res.JSON(t, &obj)
	if res.Status != http.StatusOK || obj != (wire.Objection{List: "acc-list-1", Party: "ngo-b", State: "MEX"}) {
		t.Fatalf("object: %d %s", res.Status, res.Body)
	}
	legacy := "cpt_legacy-" + id // a token issued before its party was checked
	if err := stack.store.CreateToken(context.Background(), store.Token{ID: "tok_legacy-" + id, Hash: hashToken(legacy),
		Role: string(MemberState), Party: "XXX", CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		token string
		body  any
		want  int
	}{
		{"no such State", legacy, map[string]string{"party": "ngo-a"}, http.StatusBadRequest},
		{"no party", mexico, map[string]string{"reason": "?"}, http.StatusBadRequest},
		{"not on the list", mexico, map[string]string{"party": "ecosoc-org"}, http.StatusNotFound},
		{"a stakeholder", ngoA, map[string]string{"party": "ngo-b"}, http.StatusForbidden},
		{"no token", "", map[string]string{"party": "ngo-b"}, http.StatusUnauthorized},
	} {
		wantProblem(t, "object: "+tc.name, a.do("POST", objections, tc.token, tc.body), tc.want)
	}

	// Who objected is public; why is the PGA office's.
	var shown []process.Application
	a.do("GET", apps, "", nil).JSON(t, &shown)
	if i := slices.IndexFunc(shown, func(a process.Application) bool { return a.Party == "ngo-b" }); i < 0 ||
		len(shown[i].Objections) != 1 || shown[i].Objections[0] != (process.Objection{State: "MEX"}) {
		t.Fatalf("observers see %+v", shown)
	}
	var b process.Application
	a.do("GET", apps+"/ngo-b", ngoA, nil).JSON(t, &b)
	if len(b.Objections) != 1 || b.Objections[0].Reason != "" {
		t.Fatalf("a stakeholder sees %+v", b)
	}
	a.do("GET", apps+"/ngo-b", pga, nil).JSON(t, &b)
	if len(b.Objections) != 1 || b.Objections[0] != (process.Objection{State: "MEX", Reason: "not an NGO"}) {
		t.Fatalf("the PGA office sees %+v", b)
	}

	// The non-objection period ends: approved but for the one objected to.
	pollStore(t, "the list's decision", func() bool {
		as, err := stack.store.ListApplications(context.Background(), id, "", process.Circulated)
		return err == nil && len(as) == 0
	})
	decided := func(state process.ApplicationState) []string {
		var as []process.Application
		a.do("GET", apps+"?state="+string(state), "", nil).JSON(t, &as)
		var parties []string
		for _, a := range as {
			parties = append(parties, a.Party)
		}
		slices.Sort(parties)
		return parties
	}
	if got := decided(process.Approved); !slices.Equal(got, []string{"ecosoc-org", "ngo-a"}) {
		t.Errorf("approved: %q", got)
	}
	if got := decided(process.Rejected); !slices.Equal(got, []string{"ngo-b"}) {
		t.Errorf("rejected: %q", got)
	}
	wantProblem(t, "object after the period", a.do("POST", objections, mexico, map[string]string{"party": "ngo-a"}), http.StatusConflict)
	wantProblem(t, "no such state", a.do("GET", apps+"?state=pending", "", nil), http.StatusBadRequest)
	wantProblem(t, "no such applicant", a.do("GET", apps+"/ngo-z", "", nil), http.StatusNotFound)
	wantProblem(t, "no such process", a.do("GET", "/v1/processes/no-such-process/applications", "", nil), http.StatusNotFound)
}

// TestAccreditationStageChecks refuses accreditation updates to a stage
// that is not an accreditation or not running.
func TestAccreditationStageChecks(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	id, code := uniqueID("acc-stages")
	launchProcess(t, a, pga, inlineProcess(testTemplate(id, code, time.Now().Add(5*24*time.Hour))))
	base := "/v1/processes/" + id + "/stages/"
	wantProblem(t, "circulate before the window", a.do("POST", base+"acc/circulate", pga, nil), http.StatusConflict)
	wantProblem(t, "circulate a session", a.do("POST", base+"ts1/circulate", pga, nil), http.StatusConflict)
	wantProblem(t, "object to a session", a.do("POST", base+"ts1/objections", a.token(MemberState, "FRA", ""),
		map[string]string{"party": "ngo"}), http.StatusConflict)
}

// TestEmptyCirculationKeepsTheName refuses a circulation that finds no
// application, records nothing, and gives the first list's name to the
// first circulation that has applicants.
func TestEmptyCirculationKeepsTheName(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	id, code := uniqueID("acc-empty")
	launchProcess(t, a, pga, mergeBody(inlineProcess(accreditationTemplate(id, code)), map[string]any{"scale": accreditationScale}))
	circulate := "/v1/processes/" + id + "/stages/acc/circulate"
	// One request once the window is open: polling with writes would spend
	// the office's write quota.
	awaitRecord(t, id, "acc", "window.opened")
	res := a.do("POST", circulate, pga, nil)
	wantProblem(t, "circulate with none waiting", res, http.StatusConflict)
	if !strings.Contains(string(res.Body), "no application waits") {
		t.Fatalf("circulate with none waiting: %s", res.Body)
	}
	entries, err := stack.store.Entries(context.Background(), id, 0)
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(entries, func(e process.RecordEntry) bool { return e.Event == "list.circulated" }) {
		t.Fatalf("an empty circulation was recorded: %+v", entries)
	}

	apps := "/v1/processes/" + id + "/applications"
	application := map[string]any{"name": "Migrants Forum", "category": "civil-society"}
	if res := a.do("POST", apps, a.token(Stakeholder, "ngo-late", ""), application); res.Status != http.StatusCreated {
		t.Fatalf("apply: %d %s", res.Status, res.Body)
	}
	res = a.do("POST", circulate, pga, nil)
	var list wire.CirculateResult
	res.JSON(t, &list)
	if res.Status != http.StatusOK || list.List != "acc-list-1" || list.Applications != 1 {
		t.Fatalf("circulate: %d %s", res.Status, res.Body)
	}
	circulated := awaitRecord(t, id, "acc", "list.circulated")
	if !strings.Contains(circulated.Data, `"parties":["ngo-late"]`) {
		t.Errorf("the list circulated: %s", circulated.Data)
	}
}
