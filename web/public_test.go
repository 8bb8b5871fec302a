package web

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/client"
	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// publicTemplate is a process whose thematic session's window opens at
// once, whose two drafts fall due seconds from now, and whose round and
// conference are weeks away.
func publicTemplate(id, code string, now time.Time) process.Template {
	at := func(d time.Duration) process.Date { return process.Date{Time: now.Add(d).UTC().Truncate(time.Second)} }
	day := 24 * time.Hour
	return process.Template{
		ID: id, Title: "Public pages " + id, Code: code,
		Rules: process.Rules{NonObjectionDays: 2, Adoption: "consensus", Voters: "member-states"},
		Phases: []process.Phase{
			{ID: "consultations", Title: "Consultations", Stages: []process.StageSpec{
				{ID: "ts1", Kind: process.ThematicSession, Code: "TS1", Title: "Thematic session 1", Theme: "Human rights of all migrants",
					Place: "Geneva", Start: at(2 * day), End: at(3 * day), Window: &process.Window{Opens: at(time.Second), Closes: at(2 * day)}},
			}},
			{ID: "negotiations", Title: "Negotiations", Stages: []process.StageSpec{
				{ID: "zero", Kind: process.Draft, Title: "Zero draft", Start: at(2 * time.Second),
					Documents: []process.Document{{Symbol: "ZD/1", Title: "Zero draft", Kind: "draft"}}},
				{ID: "rev1", Kind: process.Draft, Title: "Revision 1", Start: at(4 * time.Second)},
				{ID: "round1", Kind: process.NegotiationRound, Title: "First round", Place: "New York", Start: at(30 * day), End: at(32 * day)},
			}},
			{ID: "adoption", Title: "Adoption", Stages: []process.StageSpec{
				{ID: "conference", Kind: process.Conference, Title: "Conference", Place: "Marrakech", Start: at(60 * day),
					Outcome: &process.Outcome{Method: "consensus", Adopted: 150}},
			}},
		},
	}
}

var (
	publicZeroText = []string{"We, the Heads of State and Government,", "Recognize the need for cooperation;", "Commit to act."}
	publicRev1Text = []string{"We, the Heads of State and Government,", "Recognize the shared need for cooperation;", "Commit to act.", "Decide to review it."}
)

// TestPublicPages walks an observer's pages over a process with an open
// window, a contribution, two published drafts and a rescheduled round.
func TestPublicPages(t *testing.T) {
	ts := newTestSite(t)
	id, code := stacktest.UniqueID("public")
	ts.launchTemplate(publicTemplate(id, code, time.Now()))
	pga := ts.token(api.PGAOffice, "PGA", "")

	ts.await("the window of ts1 to open", func() bool { return recorded(id, "ts1", "window.opened") })
	apiSubmit(t, ts, id, "ts1", ts.token(api.MemberState, "MEX", ""), "Mexico on labour mobility", "Regular pathways for workers.")
	for _, d := range []struct {
		stage string
		rev   int
		text  []string
	}{{"zero", 0, publicZeroText}, {"rev1", 1, publicRev1Text}} {
		ts.await(d.stage+" to start", func() bool { return recorded(id, d.stage, "stage.started") })
		var st int
		ts.await(d.stage+" published", func() bool {
			st = ts.apiCall("POST", client.ProcessPath(id, "stages", d.stage, "drafts"), pga, map[string]any{"revision": d.rev, "paragraphs": d.text}, nil)
			return st == http.StatusCreated || st == http.StatusOK
		})
	}
	var round process.Stage
	ts.apiCall("GET", client.ProcessPath(id, "stages", "round1"), "", nil, &round)
	newStart := round.Spec.Start.AddDate(0, 0, 7).Format(time.DateOnly)
	if st := ts.apiCall("POST", client.ProcessPath(id, "stages", "round1", "reschedule"), pga, map[string]string{"start": newStart, "reason": "venue"}, nil); st != http.StatusOK {
		t.Fatalf("reschedule round1: %d", st)
	}
	ts.await("round1 rescheduled", func() bool { return recorded(id, "round1", "stage.rescheduled") })

	b := ts.browser()
	base := "/processes/" + id
	wantPage(t, "list", b.get("/"), http.StatusOK, `href="`+base+`"`, "Public pages "+id)
	wantPage(t, "overview", b.get(base), http.StatusOK,
		"<h1>Public pages "+id+"</h1>",
		`<svg`, `role="img"`, `<title id="timeline-title">`, `<desc id="timeline-desc">`, `class="tl-today"`,
		`class="tl-ghost"`, `tl-bar status-scheduled tl-moved`, // round1, moved
		"moved; first planned for "+locales["en"].Date(round.Spec.Start.Time),
		`id="window-ts1"`, "Thematic session 1", `id="record-verified"`,
		`data-live-events="/v1/processes/`+id+`/events?after=`, `id="live-announcer"`, `"window.closed":`,
		`<table id="timeline-table">`, `<th scope="colgroup" colspan="6">Negotiations</th>`)
	frag := b.get(base + "/status")
	wantPage(t, "status fragment", frag, http.StatusOK, `id="standing-windows"`, `id="window-ts1"`)
	if strings.Contains(frag.Body, "<html") {
		t.Error("the status fragment has the whole layout")
	}
	wantPage(t, "calendar", b.get(base+"/calendar"), http.StatusOK, "webcal://", `/v1/processes/`+id+`/calendar.ics`,
		"Deadline for contributions: Thematic session 1", "First round")
	wantPage(t, "stage", b.get(base+"/stages/ts1"), http.StatusOK, "Human rights of all migrants", "Geneva",
		"Mexico on labour mobility", "Regular pathways for workers.", code+"-TS1-")
	wantPage(t, "stage search", b.get(base+"/stages/ts1?q=pathways"), http.StatusOK, "Mexico on labour mobility", "Contributions matching the search: 1")
	wantPage(t, "stage search, no match", b.get(base+"/stages/ts1?q=nothing-like-this"), http.StatusOK, `id="no-contributions"`)
	wantPage(t, "stage filter by role", b.get(base+"/stages/ts1?role=stakeholder"), http.StatusOK, `id="no-contributions"`)
	wantPage(t, "stage filter by party", b.get(base+"/stages/ts1?party=MEX&attachment="), http.StatusOK, "Mexico on labour mobility")
	wantPage(t, "rescheduled stage", b.get(base+"/stages/round1"), http.StatusOK, "Stage rescheduled", "venue", `id="stage-changes"`)
	wantPage(t, "documents", b.get(base+"/documents"), http.StatusOK, `id="rev-draft-0"`, `id="rev-draft-1"`, `id="compare-draft"`,
		`/documents/draft/diff?from=0&amp;to=1`)
	wantPage(t, "document", b.get(base+"/documents/draft/1"), http.StatusOK, "Decide to review it.", `id="diff-previous"`)
	diff := b.get(base + "/documents/draft/diff?from=0&to=1")
	wantPage(t, "diff", diff, http.StatusOK, `<table class="diff" id="diff">`, "2 kept, 1 removed, 2 added",
		`<del><span class="visually-hidden">Removed: </span><span lang="en">Recognize the need for cooperation;</span></del>`,
		`<ins><span class="visually-hidden">Added: </span><span lang="en">Recognize the shared need for cooperation;</span></ins>`,
		`<tr class="diff-added">`)
	wantPage(t, "diff of a revision that does not exist", b.get(base+"/documents/draft/diff?from=0&to=9"), http.StatusNotFound)
	wantPage(t, "diff without revisions", b.get(base+"/documents/draft/diff"), http.StatusBadRequest, `id="problem"`)
	wantPage(t, "record", b.get(base+"/record"), http.StatusOK, `id="record-verified"`, "Process created", "Draft published",
		"Stage rescheduled", `id="entry-1"`)
	wantPage(t, "open data", b.get(base+"/data"), http.StatusOK, `/v1/processes/`+id+`/contributions.csv`,
		`/v1/processes/`+id+`/contributions.json`, `/v1/processes/`+id+`/record.csv`)

	// Every page in every language: whole, with its language and direction.
	for _, lang := range lang.All {
		for _, path := range []string{"/", base, base + "/status", base + "/calendar", base + "/stages/ts1", base + "/stages/round1",
			base + "/documents", base + "/documents/draft/0", base + "/documents/draft/diff?from=0&to=1", base + "/record", base + "/data"} {
			p := b.get(path, "Accept-Language", lang)
			want := []string{}
			if !strings.HasSuffix(path, "/status") {
				want = append(want, `<html lang="`+lang+`" dir="`+locales[lang].Dir+`">`)
			}
			wantPage(t, path+" in "+lang, p, http.StatusOK, want...)
		}
	}

	// Unknown things are 404 pages in the reader's language.
	for _, path := range []string{"/processes/no-such-process", base + "/stages/nope", base + "/documents/draft/7",
		"/processes/no-such-process/calendar", "/processes/no-such-process/record"} {
		wantPage(t, path, b.get(path, "Accept-Language", "es"), http.StatusNotFound, `lang="es"`, locales["es"].T("error.notfound.title"))
	}
}

// apiSubmit sends a contribution over the API.
func apiSubmit(t *testing.T, ts *testSite, processID, stageID, token, title, body string) {
	t.Helper()
	req, _ := http.NewRequest("POST", ts.URL()+client.ProcessPath(processID, "stages", stageID, "contributions"),
		strings.NewReader(`{"title":"`+title+`","body":"`+body+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Idempotency-Key", title)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("submit %q: %d", title, res.StatusCode)
	}
}

func TestSideBySide(t *testing.T) {
	ops := process.DiffParagraphs([]string{"a", "b", "c", "d"}, []string{"a", "B", "c", "e", "f"})
	var got []string
	for _, r := range sideBySide(ops) {
		old, new := "", ""
		if r.Old != nil {
			old = r.Old.Text
		}
		if r.New != nil {
			new = r.New.Text
		}
		got = append(got, r.Op+old+"|"+new)
	}
	want := []string{"=a|a", "~b|B", "=c|c", "~d|e", "+|f"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("side by side: %v, want %v", got, want)
	}
}

func TestTimelineSVG(t *testing.T) {
	day := func(s string) process.Date {
		d, _ := time.Parse(time.DateOnly, s)
		return process.Date{Time: d}
	}
	rows := []stageRow{
		{Stage: process.Stage{Phase: "p1", Status: process.Completed, Spec: process.StageSpec{ID: "a", Title: "A <b>", Start: day("2027-01-10"), End: day("2027-01-12"),
			Window: &process.Window{Opens: day("2027-01-01"), Closes: day("2027-01-09")}}}, PhaseTitle: "Phase & one"},
		{Stage: process.Stage{Phase: "p1", Status: process.Scheduled, Moved: true, Spec: process.StageSpec{ID: "b", Title: "B", Start: day("2027-04-01")}},
			PhaseTitle: "Phase & one", MovedFrom: day("2027-03-01").Time},
	}
	p := &Page{loc: locales["en"], Now: day("2027-02-01").Time}
	drawn, today := drawTimeline(p, []phaseView{{ID: "p1", Title: "Phase & one", Rows: rows}})
	svg := string(drawn)
	if !today {
		t.Error("today inside the axis is not drawn")
	}
	for _, want := range []string{`role="img"`, "A &lt;b&gt;", "Phase &amp; one", `class="tl-ghost"`, `class="tl-move"`,
		`class="tl-today"`, `class="tl-window"`, "Feb 2027", "Stages: 2, in phases: 1", "Rescheduled: 1", `<g data-stage="a">`, `<g data-stage="b">`} {
		if !strings.Contains(svg, want) {
			t.Errorf("the timeline lacks %q", want)
		}
	}
	if strings.Contains(svg, "<b>") {
		t.Error("a stage title is not escaped")
	}
	// A month that begins just before the axis ends is labelled inside the
	// edge, as is today there.
	edge := []stageRow{{Stage: process.Stage{Phase: "p1", Spec: process.StageSpec{ID: "c", Title: "C", Start: day("2027-01-01"), End: day("2027-03-30")}}}}
	p.Now = day("2027-04-01").Time
	edgeSVG, _ := drawTimeline(p, []phaseView{{ID: "p1", Rows: edge}})
	labels := regexp.MustCompile(`<text x="([\d.]+)" y="[\d.]+" class="tl-(?:tick|today-label)" text-anchor="(\w+)">([^<]+)<`).FindAllStringSubmatch(svg+string(edgeSVG), -1)
	anchors := map[string]string{}
	for _, l := range labels {
		anchors[l[3]] = l[2]
		if x, _ := strconv.ParseFloat(l[1], 64); l[2] == "middle" && x+labelWidth(l[3])/2 > tlWidth {
			t.Errorf("%q is centred at x=%g: it reaches past the edge at %g", l[3], x, tlWidth)
		}
	}
	if anchors["Apr 2027"] != "end" {
		t.Errorf("the labels at the right edge are anchored %v, want Apr 2027 to end there", anchors)
	}
	// In Arabic, time runs right to left: the titles on the right, a later
	// stage left of an earlier one, the months in Arabic, and the last
	// month's label inside the left edge.
	ar := &Page{loc: locales["ar"], Dir: "rtl", Now: day("2027-04-01").Time}
	arSVG, _ := drawTimeline(ar, []phaseView{{ID: "p1", Title: "المرحلة", Rows: append(slices.Clone(rows), edge...)}})
	bars := regexp.MustCompile(`<g data-stage="(\w)"><text x="([\d.]+)" y="[\d.]+" class="tl-label" direction="(\w+)">.*?<rect x="([\d.]+)"[^>]*class="tl-bar`).FindAllStringSubmatch(string(arSVG), -1)
	xs := map[string]float64{}
	for _, m := range bars {
		if x, _ := strconv.ParseFloat(m[2], 64); x < tlWidth-tlLabels || m[3] != "rtl" {
			t.Errorf("Arabic: stage %s's title at x=%s, direction %s, want in the right-hand column, right to left", m[1], m[2], m[3])
		}
		xs[m[1]], _ = strconv.ParseFloat(m[4], 64)
	}
	if len(xs) != 3 || xs["b"] >= xs["a"] {
		t.Errorf("Arabic: bars at %v, want b (April) left of a (January)", xs)
	}
	for _, want := range []string{"فبراير 2027", `class="tl-phase-label" direction="rtl"`} {
		if !strings.Contains(string(arSVG), want) {
			t.Errorf("the Arabic timeline lacks %q", want)
		}
	}
	for _, l := range regexp.MustCompile(`<text x="([\d.]+)" y="[\d.]+" class="tl-tick" text-anchor="(\w+)">([^<]+)<`).FindAllStringSubmatch(string(arSVG), -1) {
		if x, _ := strconv.ParseFloat(l[1], 64); l[2] == "middle" && x-labelWidth(l[3])/2 < 0 {
			t.Errorf("Arabic: %q is centred at x=%g: it reaches past the left edge", l[3], x)
		}
	}
	// Today off the axis is not drawn; the page says where it is.
	p.Now = day("2030-01-01").Time
	if svg, today := drawTimeline(p, []phaseView{{Rows: rows}}); today || strings.Contains(string(svg), "tl-today") {
		t.Error("today drawn off the axis")
	}
	if got := timelineNote(p, rows); got != locales["en"].T("process.timeline.past") {
		t.Errorf("note after the end: %q", got)
	}
}

// TestProcessClock: a process that replays history on a scaled clock is
// shown in its own time: today on its timeline, its window's times as its
// schedule has them, not the wall's.
func TestProcessClock(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	id, code := stacktest.UniqueID("clock")
	start := time.Date(2031, 3, 1, 0, 0, 0, 0, time.UTC)
	tmpl := stacktest.Template(id, code, start)
	pga := ts.token(api.PGAOffice, "PGA", "")
	// A process day every two wall seconds: the process begins the day
	// before its first stage, and the test is over long before its last,
	// 100 s later.
	body := map[string]any{"templateBody": tmpl, "id": id, "code": code, "scale": 43200}
	if st := ts.apiCall("POST", "/v1/processes", pga, body, nil); st != http.StatusCreated {
		t.Fatalf("create process: %d", st)
	}
	ts.await("the accreditation window to open", func() bool { return recorded(id, "acc", "window.opened") })
	// The API learns a process's clock from its workflow, which a loaded
	// machine may keep from answering in time: until then pages show wall time.
	ts.await("the API to know the process's clock", func() bool {
		var st wire.ProcessStatus
		return ts.apiCall("GET", "/v1/processes/"+id, "", nil, &st) == http.StatusOK && st.Clock != nil
	})

	b := ts.browser()
	overview := b.get("/processes/" + id)
	wantPage(t, "overview", overview, http.StatusOK, `class="tl-today"`)
	if note := locales["en"].T("process.timeline.future"); strings.Contains(overview.Body, note) {
		t.Errorf("the overview says %q: it tells the wall's time, not the process's", note)
	}
	en := locales["en"]
	wantPage(t, "accreditation stage", b.get("/processes/"+id+"/stages/acc"), http.StatusOK,
		en.T("stage.window.times", "opens", en.DateTime(start), "closes", en.DateTimeIn(start.AddDate(0, 0, 3), time.UTC, true)))
}
