package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
)

// TestStagesInTheirVenuesZones: a process with a thematic session in
// Geneva and another in New York, their windows given as dates alone. The
// stage's page, the overview, the calendar and the office's window form
// show each window in its own venue's zone, named: it opens at the start
// of its first day there and closes at the end of its last, 24:00. The
// form takes a date and time there, or a date alone as the API does.
func TestStagesInTheirVenuesZones(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	id, code := stacktest.UniqueID("zones")
	tmpl := stacktest.Template(id, code, time.Date(2031, 5, 1, 9, 0, 0, 0, time.UTC))
	consultations := &tmpl.Phases[0]
	consultations.Stages[1].TimeZone = "Europe/Zurich" // Geneva's
	ts2 := consultations.Stages[1]
	ts2.ID, ts2.Code, ts2.Title, ts2.Place, ts2.TimeZone = "ts2", "TS2", "Thematic session 2", "New York", "America/New_York"
	consultations.Stages = append(consultations.Stages, ts2)
	b, err := json.Marshal(map[string]any{"templateBody": tmpl, "id": id, "code": code})
	if err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatal(err)
	}
	for _, s := range body["templateBody"].(map[string]any)["phases"].([]any)[0].(map[string]any)["stages"].([]any)[1:] {
		s.(map[string]any)["window"] = map[string]any{"opens": "2031-05-02", "closes": "2031-05-08"}
	}
	pga := ts.token(api.PGAOffice, "PGA", "")
	if st := ts.apiCall("POST", "/v1/processes", pga, body, nil); st != http.StatusCreated {
		t.Fatalf("create process %s: %d", id, st)
	}
	ts.await("process "+id+" registered", func() bool { return recorded(id, "", "process.created") })

	// The instants the API holds: the one deadline rule at each venue.
	geneva, ny := zone(t, "Europe/Zurich"), zone(t, "America/New_York")
	for stage, want := range map[string][2]time.Time{
		"ts1": {time.Date(2031, 5, 2, 0, 0, 0, 0, geneva), time.Date(2031, 5, 9, 0, 0, 0, 0, geneva)},
		"ts2": {time.Date(2031, 5, 2, 0, 0, 0, 0, ny), time.Date(2031, 5, 9, 0, 0, 0, 0, ny)},
	} {
		if w := stageOf(t, ts, id, stage).Spec.Window; !w.Opens.Equal(want[0]) || !w.Closes.Equal(want[1]) {
			t.Fatalf("%s's window: %v to %v, want %v to %v", stage, w.Opens, w.Closes, want[0], want[1])
		}
	}
	// How the pages show them: the machine's instant in UTC, the reader's
	// words in the venue's zone.
	shown := func(at time.Time, text string) string {
		return `<time datetime="` + at.UTC().Format(time.RFC3339) + `" dir="auto" title="` + locales["en"].DateTime(at) + `">` + text + `</time>`
	}
	ts1Opens := shown(time.Date(2031, 5, 2, 0, 0, 0, 0, geneva), "2 May 2031, 00:00 (Europe/Zurich)")
	ts1Closes := shown(time.Date(2031, 5, 9, 0, 0, 0, 0, geneva), "8 May 2031, 24:00 (Europe/Zurich)")
	ts2Opens := shown(time.Date(2031, 5, 2, 0, 0, 0, 0, ny), "2 May 2031, 00:00 (America/New_York)")
	ts2Closes := shown(time.Date(2031, 5, 9, 0, 0, 0, 0, ny), "8 May 2031, 24:00 (America/New_York)")

	br := ts.browser()
	en := []string{"Accept-Language", "en"}
	base := "/processes/" + id
	wantPage(t, "ts1's page", br.get(base+"/stages/ts1", en...), http.StatusOK, ts1Opens, ts1Closes)
	wantPage(t, "ts2's page", br.get(base+"/stages/ts2", en...), http.StatusOK, ts2Opens, ts2Closes)
	wantPage(t, "the overview", br.get(base, en...), http.StatusOK, ts1Opens, ts1Closes, ts2Opens, ts2Closes)
	// The calendar lists New York's deadline on 8 May, the day it ends
	// there, though it is 9 May in UTC.
	wantPage(t, "the calendar", br.get(base+"/calendar", en...), http.StatusOK, ts1Closes, ts2Closes)
	wantPage(t, "ts1's page in French", br.get(base+"/stages/ts1", "Accept-Language", "fr"), http.StatusOK,
		`>8 mai 2031, 24:00 (Europe/Zurich)</time>`)

	// The office's window form: labels name the zone, the controls hold
	// the window's times there.
	br.signIn(pga)
	office := "/office/processes/" + id + "/stages/"
	wantPage(t, "ts1's window form", br.get(office+"ts1/window", en...), http.StatusOK,
		`<label for="opens">Window opens (Europe/Zurich)</label>`, `<label for="closes">Window closes (Europe/Zurich)</label>`,
		`id="opens" name="opens" type="datetime-local" value="2031-05-02T00:00"`, `id="closes" name="closes" type="datetime-local" value="2031-05-09T00:00"`)
	wantPage(t, "ts2's window form", br.get(office+"ts2/window", en...), http.StatusOK,
		`<label for="closes">Window closes (America/New_York)</label>`, `id="closes" name="closes" type="datetime-local" value="2031-05-09T00:00"`)

	// A date alone is the end of that day in Geneva; a date and time are
	// New York's. The opening, sent as the form showed it, is no change.
	doneForm(t, br, office+"ts1/window", url.Values{"close": {"false"}, "opens": {"2031-05-02T00:00"}, "closes": {"2031-05-10"}}, "Thematic session 1")
	if w := stageOf(t, ts, id, "ts1").Spec.Window; !w.Closes.Equal(time.Date(2031, 5, 10, 22, 0, 0, 0, time.UTC)) {
		t.Errorf("ts1 closes at %v, want 2031-05-10 24:00 in Geneva, 22:00 UTC", w.Closes)
	}
	doneForm(t, br, office+"ts2/window", url.Values{"close": {"false"}, "closes": {"2031-05-10T18:30"}}, "Thematic session 2")
	if w := stageOf(t, ts, id, "ts2").Spec.Window; !w.Closes.Equal(time.Date(2031, 5, 10, 22, 30, 0, 0, time.UTC)) {
		t.Errorf("ts2 closes at %v, want 18:30 in New York, 22:30 UTC", w.Closes)
	}
	if got := recordedEvents(t, id, "ts1"); slices.Contains(got, "opening.moved") {
		t.Errorf("ts1's unchanged opening was recorded as moved: %q", got)
	}
	// The stage's page shows the new deadline, and the change from the
	// old one, both in Geneva.
	wantPage(t, "ts1's page after", br.get(base+"/stages/ts1", en...), http.StatusOK,
		`id="stage-changes"`, "from "+ts1Closes+" to "+shown(time.Date(2031, 5, 11, 0, 0, 0, 0, geneva), "10 May 2031, 24:00 (Europe/Zurich)"))

	// A new stage's window is in the zone the form chose; it offers the
	// zone most of the process's stages meet in, here UTC (none named).
	add := url.Values{"phase": {"consultations"}, "id": {"ts3"}, "kind": {"thematic-session"}, "title": {"Thematic session 3"},
		"place": {"Vienna"}, "timeZone": {"Europe/Vienna"}, "start": {"2031-05-20"}, "opens": {"2031-05-12T09:00"}, "closes": {"2031-05-18"}, "code": {"TS3"}}
	wantPage(t, "add form", br.get("/office/processes/"+id+"/stages/new", en...), http.StatusOK, `<label for="closes">Window closes (UTC)</label>`,
		`id="timeZone" name="timeZone" type="text" value=""`)
	doneForm(t, br, "/office/processes/"+id+"/stages/new", add, "Thematic session 3")
	vienna := zone(t, "Europe/Vienna")
	if s := stageOf(t, ts, id, "ts3").Spec; s.TimeZone != "Europe/Vienna" || s.Window == nil ||
		!s.Window.Opens.Equal(time.Date(2031, 5, 12, 9, 0, 0, 0, vienna)) || !s.Window.Closes.Equal(time.Date(2031, 5, 19, 0, 0, 0, 0, vienna)) {
		t.Errorf("ts3: %q %+v", s.TimeZone, s.Window)
	}
}

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := process.Zone(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// TestDeadlineInEveryLanguage: a deadline at the end of 10 May in Geneva
// reads as that day's 24:00 with the zone named, in each language's words;
// an opening at the same instant is 11 May's 00:00.
func TestDeadlineInEveryLanguage(t *testing.T) {
	at, geneva := time.Date(2031, 5, 10, 22, 0, 0, 0, time.UTC), zone(t, "Europe/Zurich")
	for lang, want := range map[string]string{
		"en": "10 May 2031, 24:00 (Europe/Zurich)", "fr": "10 mai 2031, 24:00 (Europe/Zurich)",
		"es": "10 de mayo de 2031, 24:00 (Europe/Zurich)", "ru": "10 мая 2031 г., 24:00 (Europe/Zurich)",
		"zh": "2031年5月10日 24:00（Europe/Zurich）", "ar": "10 مايو 2031، الساعة 24:00 (\u2068Europe/Zurich\u2069)",
	} {
		if got := locales[lang].DateTimeIn(at, geneva, true); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if got, want := locales["en"].DateTimeIn(at, geneva, false), "11 May 2031, 00:00 (Europe/Zurich)"; got != want {
		t.Errorf("an opening: %q, want %q", got, want)
	}
	if got, want := locales["en"].DateTimeIn(at, time.UTC, true), "10 May 2031, 22:00 UTC"; got != want {
		t.Errorf("in UTC: %q, want %q", got, want)
	}
}

// TestUsualZone: a new stage is offered the zone most of the process's
// stages meet in, cancelled ones aside, the first met on a tie.
func TestUsualZone(t *testing.T) {
	st := func(zone string, status process.StageStatus) process.Stage {
		return process.Stage{Status: status, Spec: process.StageSpec{TimeZone: zone}}
	}
	for _, c := range []struct {
		stages []process.Stage
		want   string
	}{
		{[]process.Stage{st("Europe/Zurich", process.Scheduled), st("America/New_York", process.Running), st("America/New_York", process.Completed)}, "America/New_York"},
		{[]process.Stage{st("Europe/Zurich", process.Scheduled), st("America/New_York", process.Scheduled)}, "Europe/Zurich"},
		{[]process.Stage{st("Europe/Zurich", process.Cancelled), st("Europe/Zurich", process.Cancelled), st("America/New_York", process.Scheduled)}, "America/New_York"},
		{nil, ""},
	} {
		if got := usualZone(c.stages); got != c.want {
			t.Errorf("usualZone(%v): %q, want %q", c.stages, got, c.want)
		}
	}
}
