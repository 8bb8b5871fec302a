package api

import (
	"context"
	"net/http"
	"testing"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// conferenceListTemplate is accreditationTemplate with a second
// accreditation stage that keeps the conference's list, open at the same
// time.
func conferenceListTemplate(id, code string) process.Template {
	tmpl := accreditationTemplate(id, code)
	st := &tmpl.Phases[0].Stages
	(*st)[0].End.Time = (*st)[0].End.AddDate(0, 0, 2)
	(*st)[0].Window.Closes = (*st)[0].End
	conf := (*st)[0]
	conf.ID, conf.Code, conf.Title, conf.List = "conf-acc", "CONF", "Accreditation to the conference", process.ConferenceList
	w := *conf.Window
	conf.Window = &w
	*st = append(*st, conf)
	return tmpl
}

// TestConferenceListOverHTTP: a stakeholder approved on the preparatory
// list applies to the conference's and goes through its own
// non-objection period; an objection on the conference list leaves the
// preparatory approval alone; a body without list is the preparatory
// list's, as before there were two.
func TestConferenceListOverHTTP(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	id, code := uniqueID("conf-list")
	launchProcess(t, a, pga, mergeBody(inlineProcess(conferenceListTemplate(id, code)), map[string]any{"scale": accreditationScale}))
	apps := "/v1/processes/" + id + "/applications"
	ngo := a.token(Stakeholder, "ngo-a", "")
	hungary := a.token(MemberState, "HUN", "")
	old := map[string]any{"name": "Migrants Forum", "category": "civil-society"} // a body from before the conference's list

	res := a.do("POST", apps, ngo, map[string]any{"name": "Migrants Forum", "category": "civil-society", "list": "plenary"})
	if p := problemOf(t, res); res.Status != http.StatusBadRequest || len(p.Errors) != 1 || p.Errors[0].Pointer != "/list" {
		t.Fatalf("apply to no such list: %d %s", res.Status, res.Body)
	}
	wantProblem(t, "no such list", a.do("GET", apps+"/ngo-a?list=plenary", "", nil), http.StatusBadRequest)
	wantProblem(t, "no such list to list", a.do("GET", apps+"?list=plenary", "", nil), http.StatusBadRequest)

	pollStore(t, "the accreditation windows to open", func() bool { return windowOpen(id, "acc") && windowOpen(id, "conf-acc") })
	var prep process.Application
	res = a.do("POST", apps, ngo, old)
	res.JSON(t, &prep)
	if res.Status != http.StatusCreated || prep.For != process.PreparatoryList || res.Header.Get("Location") != apps+"/ngo-a" {
		t.Fatalf("apply without a list: %d %v %s", res.Status, res.Header, res.Body)
	}
	circulate := func(stage string) wire.CirculateResult {
		t.Helper()
		var out wire.CirculateResult
		pollStore(t, "the workflow of "+stage+" to take a circulation", func() bool {
			res = a.do("POST", "/v1/processes/"+id+"/stages/"+stage+"/circulate", pga, nil)
			return res.Status != http.StatusConflict
		})
		res.JSON(t, &out)
		if res.Status != http.StatusOK || out.Applications != 1 {
			t.Fatalf("circulate %s: %d %s", stage, res.Status, res.Body)
		}
		return out
	}
	prepList := circulate("acc")
	standing := func(query string) wire.ApplicationStanding {
		t.Helper()
		var s wire.ApplicationStanding
		if res := a.do("GET", apps+"/ngo-a"+query, pga, nil); res.Status == http.StatusOK {
			res.JSON(t, &s)
		}
		return s
	}
	pollStore(t, "the preparatory list's decision", func() bool { return standing("").State == process.Approved })
	wantProblem(t, "no application to the conference yet", a.do("GET", apps+"/ngo-a?list=conference", "", nil), http.StatusNotFound)

	// Approved for the preparatory process, ngo-a is not on the
	// conference's list: it applies, and its application goes round apart.
	var conf process.Application
	res = a.do("POST", apps, ngo, map[string]any{"name": "Migrants Forum", "category": "civil-society", "list": "conference"})
	res.JSON(t, &conf)
	if res.Status != http.StatusCreated || conf.For != process.ConferenceList || conf.State != process.Applied ||
		res.Header.Get("Location") != apps+"/ngo-a?list=conference" {
		t.Fatalf("apply to the conference: %d %v %s", res.Status, res.Header, res.Body)
	}
	wantProblem(t, "apply to the conference twice", a.do("POST", apps, ngo, map[string]any{"name": "Migrants Forum", "category": "civil-society", "list": "conference"}), http.StatusConflict)
	confList := circulate("conf-acc")
	if confList.List != "conf-acc-list-1" || !confList.Until.After(prepList.Until) {
		t.Fatalf("the conference's circulation %+v, after the preparatory one's %+v", confList, prepList)
	}

	// Hungary objects on the conference's list; the preparatory stage has
	// no list under circulation to object to.
	wantProblem(t, "object on the preparatory list", a.do("POST", "/v1/processes/"+id+"/stages/acc/objections", hungary,
		map[string]string{"party": "ngo-a"}), http.StatusConflict)
	var obj wire.Objection
	res = a.do("POST", "/v1/processes/"+id+"/stages/conf-acc/objections", hungary, map[string]string{"party": "ngo-a", "reason": "not an NGO"})
	res.JSON(t, &obj)
	if res.Status != http.StatusOK || obj.List != "conf-acc-list-1" {
		t.Fatalf("object on the conference list: %d %s", res.Status, res.Body)
	}
	if s := standing("?list=conference"); s.State != process.Circulated || !s.PeriodEnds.Equal(confList.Until) || len(s.Objections) != 1 {
		t.Fatalf("the conference application under circulation: %+v", s)
	}
	pollStore(t, "the conference list's decision", func() bool { return standing("?list=conference").State == process.Rejected })
	if s := standing(""); s.State != process.Approved || len(s.Objections) != 0 || !s.PeriodEnds.Equal(prepList.Until) {
		t.Fatalf("the preparatory application after the conference's objection: %+v", s)
	}

	// Each list is shown apart.
	for list, want := range map[string]process.ApplicationState{"preparatory": process.Approved, "conference": process.Rejected} {
		var as []process.Application
		a.do("GET", apps+"?list="+list, "", nil).JSON(t, &as)
		if len(as) != 1 || as[0].State != want || string(as[0].For) != list {
			t.Errorf("the %s list: %+v", list, as)
		}
	}
	all, err := stack.store.ListApplications(context.Background(), id, "", "")
	if err != nil || len(all) != 2 {
		t.Fatalf("both lists: %v %v", all, err)
	}

	// Observers see each list with its batch, decided: one approved on
	// the preparatory list, one rejected on the conference's.
	var lists wire.AccreditationLists
	// The decision is in the record just after the applications' states.
	pollStore(t, "both lists' decisions in the record", func() bool {
		return recorded(id, "acc", "list.decided") && recorded(id, "conf-acc", "list.decided")
	})
	res = a.do("GET", "/v1/processes/"+id+"/lists", "", nil)
	res.JSON(t, &lists)
	want := []struct {
		list              process.AccreditationList
		stage, batch      string
		until             wire.CirculateResult
		approved, refused int
	}{{process.PreparatoryList, "acc", "acc-list-1", prepList, 1, 0}, {process.ConferenceList, "conf-acc", "conf-acc-list-1", confList, 0, 1}}
	if res.Status != http.StatusOK || len(lists.Lists) != len(want) {
		t.Fatalf("lists: %d %s", res.Status, res.Body)
	}
	for i, w := range want {
		l := lists.Lists[i]
		if l.List != w.list || len(l.Stages) != 1 || l.Stages[0] != w.stage || len(l.Batches) != 1 {
			t.Errorf("the %s list: %+v", w.list, l)
			continue
		}
		b := l.Batches[0]
		if b.Batch != w.batch || b.StageID != w.stage || b.Applications != 1 || !b.PeriodEnds.Equal(w.until.Until) ||
			b.Status != wire.BatchDecided || b.Approved != w.approved || b.Rejected != w.refused {
			t.Errorf("the %s list's batch: %+v", w.list, b)
		}
	}
	wantProblem(t, "the lists of no process", a.do("GET", "/v1/processes/nope/lists", "", nil), http.StatusNotFound)
}
