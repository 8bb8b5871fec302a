package process_test

import (
	"cmp"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func lookup(t *testing.T, id string) *process.Template {
	t.Helper()
	tpl, err := process.LookupTemplate(id)
	if err != nil {
		t.Fatalf("LookupTemplate(%q): %v", id, err)
	}
	return tpl
}

func TestTemplatesLoad(t *testing.T) {
	all, err := process.Templates()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, tpl := range all {
		ids = append(ids, tpl.ID)
		if err := tpl.Validate(); err != nil {
			t.Errorf("%s: %v", tpl.ID, err)
		}
	}
	if want := []string{"gcm-2018", "gcr-2018", "imrf-2022"}; !slices.Equal(ids, want) {
		t.Errorf("Templates() = %v, want %v", ids, want)
	}

	// Each file is named after its template's id.
	files, err := filepath.Glob("templates/*.json")
	if err != nil || len(files) != len(all) {
		t.Fatalf("templates/*.json: %v %v", files, err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		tpl, err := process.ParseTemplate(data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if filepath.Base(name) != tpl.ID+".json" {
			t.Errorf("%s holds template %q", name, tpl.ID)
		}
	}
}

func TestLookupTemplate(t *testing.T) {
	for _, id := range []string{process.DefaultTemplate, "gcm-2018", "gcr-2018", "imrf-2022"} {
		if tpl := lookup(t, id); tpl.ID != id {
			t.Errorf("LookupTemplate(%q).ID = %q", id, tpl.ID)
		}
	}
	if tpl := lookup(t, "gcm-2018"); tpl.Code != "GCM" || tpl.Mandate != "A/RES/71/1" {
		t.Errorf("gcm-2018: code %q, mandate %q", tpl.Code, tpl.Mandate)
	}
	_, err := process.LookupTemplate("gcm-2019")
	if err == nil || process.KindOf(err) != process.NotFound {
		t.Errorf("LookupTemplate(unknown) = %v (kind %v), want not-found", err, process.KindOf(err))
	}
}

// TestBuiltinConventions checks what every built-in template promises
// beyond validity.
func TestBuiltinConventions(t *testing.T) {
	all, err := process.Templates()
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range all {
		t.Run(tpl.ID, func(t *testing.T) {
			var prev process.StageSpec
			codes := map[string]string{}
			for _, p := range tpl.Phases {
				for i, s := range p.Stages {
					// Date order within each phase, and across the template.
					if i > 0 && s.Start.Before(p.Stages[i-1].Start.Time) {
						t.Errorf("phase %s: %s starts before %s", p.ID, s.ID, p.Stages[i-1].ID)
					}
					if prev.ID != "" && s.Start.Before(prev.Start.Time) {
						t.Errorf("%s starts before %s, the stage before it", s.ID, prev.ID)
					}
					prev = s

					if s.Code != "" {
						if other, ok := codes[s.Code]; ok {
							t.Errorf("code %s on both %s and %s", s.Code, other, s.ID)
						}
						codes[s.Code] = s.ID
					}
					// Windows open 30 days before a consultative stage and close at
					// the end of its eve, both at the venue.
					if s.Kind.Consultative() {
						loc := s.Location()
						opens, _ := process.ParseOpening(s.Start.AddDate(0, 0, -30).Format(time.DateOnly), loc)
						closes, _ := process.ParseDeadline(s.Start.AddDate(0, 0, -1).Format(time.DateOnly), loc)
						if s.Window == nil {
							t.Errorf("%s: consultative stage without a window", s.ID)
						} else if !s.Window.Opens.Equal(opens) || !s.Window.Closes.Equal(closes) {
							t.Errorf("%s: window %v–%v, want %v–%v", s.ID, s.Window.Opens, s.Window.Closes, opens, closes)
						}
					}
					if (s.Unconfirmed || slices.ContainsFunc(s.Documents, func(d process.Document) bool { return d.Unconfirmed })) && s.Note == "" && s.History == "" {
						t.Errorf("%s: something unconfirmed and no note saying what", s.ID)
					}
					if o := s.Outcome; o != nil && o.Method == "recorded-vote" {
						if len(o.AbstainVotes) > o.Abstain || !slices.IsSorted(o.AbstainVotes) {
							t.Errorf("%s: %d abstentions but abstainVotes %v", s.ID, o.Abstain, o.AbstainVotes)
						}
						if len(o.NoVotes) != o.No || !slices.IsSorted(o.NoVotes) {
							t.Errorf("%s: %d no votes but noVotes %v", s.ID, o.No, o.NoVotes)
						}
						if !slices.IsSorted(o.YesVotes) || !slices.IsSorted(o.AbsentVotes) {
							t.Errorf("%s: yesVotes or absentVotes out of order", s.ID)
						}
						if n := o.Yes + o.No + o.Abstain + o.Absent; n > 193 {
							t.Errorf("%s: %d votes from 193 Member States", s.ID, n)
						}
					}
				}
			}
			if tpl.Rules.NonObjectionDays != 10 || !strings.Contains(tpl.Description, "nonObjectionDays 10") {
				t.Errorf("nonObjectionDays %d: want 10, explained in the description", tpl.Rules.NonObjectionDays)
			}
			if !slices.Equal(tpl.Rules.ReminderDays, []int{7, 1}) || tpl.Rules.Voters != "member-states" {
				t.Errorf("rules %+v", tpl.Rules)
			}
			if len(tpl.Sources) == 0 {
				t.Error("no sources")
			}
		})
	}
}

// stageFact is a stage as process-facts.md gives it; empty fields are not
// checked, except end, which is checked to be absent.
type stageFact struct {
	tpl, id, kind, code, place, start, end, theme string
}

var stageFacts = []stageFact{
	// GCM, phase I: the six informal thematic sessions and the other events.
	{tpl: "gcm-2018", id: "ts1", kind: "thematic-session", code: "TS1", place: "Geneva", start: "2017-05-08", end: "2017-05-09",
		theme: "Human rights of all migrants, social inclusion, cohesion, all forms of discrimination including racism, xenophobia and intolerance"},
	{tpl: "gcm-2018", id: "ts2", kind: "thematic-session", code: "TS2", place: "New York", start: "2017-05-22", end: "2017-05-23",
		theme: "Addressing drivers of migration, including adverse effects of climate change, natural disasters and human-made crises"},
	{tpl: "gcm-2018", id: "ts3", kind: "thematic-session", code: "TS3", place: "Geneva", start: "2017-06-19", end: "2017-06-20",
		theme: "International cooperation and governance of migration in all its dimensions"},
	{tpl: "gcm-2018", id: "ts4", kind: "thematic-session", code: "TS4", place: "New York", start: "2017-07-24", end: "2017-07-25",
		theme: "Contributions of migrants and diasporas to all dimensions of sustainable development, including remittances and portability of earned benefits"},
	{tpl: "gcm-2018", id: "ts5", kind: "thematic-session", code: "TS5", place: "Vienna", start: "2017-09-04", end: "2017-09-05",
		theme: "Smuggling of migrants, trafficking in persons and contemporary forms of slavery"},
	{tpl: "gcm-2018", id: "ts6", kind: "thematic-session", code: "TS6", place: "Geneva", start: "2017-10-12", end: "2017-10-13",
		theme: "Irregular migration and regular pathways, including decent work, labour mobility, recognition of skills and qualifications"},
	{tpl: "gcm-2018", id: "msh-2017", kind: "hearing", code: "MSH1", place: "New York", start: "2017-07-26"},
	{tpl: "gcm-2018", id: "rc-africa", kind: "regional-consultation", code: "RCAF", place: "Addis Ababa", start: "2017-10-26", end: "2017-10-27"},
	// GCM, launch and modalities.
	{tpl: "gcm-2018", id: "ny-declaration", kind: "milestone", place: "New York", start: "2016-09-19"},
	{tpl: "gcm-2018", id: "elements-paper", kind: "milestone", start: "2016-11-23"},
	{tpl: "gcm-2018", id: "modalities-silence", kind: "milestone", start: "2017-01-26"},
	{tpl: "gcm-2018", id: "accreditation", kind: "accreditation", code: "ACC", start: "2017-03-14", end: "2017-04-17"},
	{tpl: "gcm-2018", id: "modalities", kind: "milestone", start: "2017-04-06"},
	// GCM, phase II.
	{tpl: "gcm-2018", id: "us-withdrawal", kind: "milestone", start: "2017-12-02"},
	{tpl: "gcm-2018", id: "puerto-vallarta", kind: "stocktaking", code: "STK", place: "Puerto Vallarta, Mexico", start: "2017-12-04", end: "2017-12-06"},
	{tpl: "gcm-2018", id: "conference-modalities", kind: "milestone", start: "2017-12-24"},
	// GCM: the cast, the regional consultations, the Secretary-General's report.
	{tpl: "gcm-2018", id: "co-facilitators", kind: "milestone", place: "New York", start: "2016-10-24"},
	{tpl: "gcm-2018", id: "srsg", kind: "milestone", place: "New York", start: "2017-03-09"},
	{tpl: "gcm-2018", id: "rc-lac", kind: "regional-consultation", code: "RCLAC", place: "Santiago, Chile", start: "2017-08-30", end: "2017-08-31"},
	{tpl: "gcm-2018", id: "rc-arab", kind: "regional-consultation", code: "RCAR", place: "Beirut, Lebanon", start: "2017-09-26", end: "2017-09-27"},
	{tpl: "gcm-2018", id: "rc-asia-pacific", kind: "regional-consultation", code: "RCAP", place: "Bangkok, Thailand", start: "2017-11-06", end: "2017-11-08"},
	{tpl: "gcm-2018", id: "sg-report", kind: "milestone", place: "New York", start: "2018-01-11"},
	{tpl: "gcm-2018", id: "msh-2017-10", kind: "hearing", code: "MSH2", start: "2017-10-11"},
	{tpl: "gcm-2018", id: "msh-2017-12", kind: "hearing", code: "MSH3", start: "2017-12-18"},
	// GCM, phase III: drafts, rounds, hearings.
	{tpl: "gcm-2018", id: "zero-draft", kind: "draft", start: "2018-02-05"},
	{tpl: "gcm-2018", id: "zero-draft-plus", kind: "draft", start: "2018-03-05"},
	{tpl: "gcm-2018", id: "rev1", kind: "draft", start: "2018-03-26"},
	{tpl: "gcm-2018", id: "rev2", kind: "draft", start: "2018-05-28"},
	{tpl: "gcm-2018", id: "rev3", kind: "draft", start: "2018-06-29"},
	{tpl: "gcm-2018", id: "agreed-text", kind: "draft", start: "2018-07-13"},
	{tpl: "gcm-2018", id: "round1", kind: "negotiation-round", place: "New York", start: "2018-02-20"},
	{tpl: "gcm-2018", id: "round1-resumed", kind: "negotiation-round", place: "New York", start: "2018-02-22", end: "2018-02-23"},
	{tpl: "gcm-2018", id: "round2", kind: "negotiation-round", place: "New York", start: "2018-03-12", end: "2018-03-15"},
	{tpl: "gcm-2018", id: "round3", kind: "negotiation-round", place: "New York", start: "2018-04-03", end: "2018-04-06"},
	{tpl: "gcm-2018", id: "round4", kind: "negotiation-round", place: "New York", start: "2018-05-14", end: "2018-05-18"},
	{tpl: "gcm-2018", id: "round5", kind: "negotiation-round", place: "New York", start: "2018-06-04", end: "2018-06-08"},
	{tpl: "gcm-2018", id: "round6", kind: "negotiation-round", place: "New York", start: "2018-07-09", end: "2018-07-13"},
	{tpl: "gcm-2018", id: "msh-2018-02", kind: "hearing", code: "MSH4", place: "New York", start: "2018-02-21"},
	{tpl: "gcm-2018", id: "msh-2018-05", kind: "hearing", code: "MSH5", place: "New York", start: "2018-05-21"},
	// GCM, conference and endorsement.
	{tpl: "gcm-2018", id: "marrakech", kind: "conference", place: "Marrakech, Morocco", start: "2018-12-10", end: "2018-12-11"},
	{tpl: "gcm-2018", id: "ga-endorsement", kind: "endorsement", place: "New York", start: "2018-12-19"},

	// GCR.
	{tpl: "gcr-2018", id: "td1", kind: "thematic-session", code: "TD1", place: "Geneva", start: "2017-07-10"},
	{tpl: "gcr-2018", id: "td2", kind: "thematic-session", code: "TD2", place: "Geneva", start: "2017-10-17", end: "2017-10-18"},
	{tpl: "gcr-2018", id: "td3", kind: "thematic-session", code: "TD3", place: "Geneva", start: "2017-11-14", end: "2017-11-15"},
	{tpl: "gcr-2018", id: "hc-dialogue", kind: "stocktaking", code: "HCD", place: "Geneva", start: "2017-12-12", end: "2017-12-13"},
	{tpl: "gcr-2018", id: "fc1", kind: "formal-consultation", code: "FC1", place: "Geneva", start: "2018-02-13", end: "2018-02-14"},
	{tpl: "gcr-2018", id: "fc2", kind: "formal-consultation", code: "FC2", place: "Geneva", start: "2018-03-20", end: "2018-03-21"},
	{tpl: "gcr-2018", id: "fc3", kind: "formal-consultation", code: "FC3", place: "Geneva", start: "2018-04-10", end: "2018-04-11"},
	{tpl: "gcr-2018", id: "fc4", kind: "formal-consultation", code: "FC4", place: "Geneva", start: "2018-05-08", end: "2018-05-10"},
	{tpl: "gcr-2018", id: "fc5", kind: "formal-consultation", code: "FC5", place: "Geneva", start: "2018-06-12", end: "2018-06-13"},
	{tpl: "gcr-2018", id: "fc6", kind: "formal-consultation", code: "FC6", place: "Geneva", start: "2018-07-03", end: "2018-07-04"},
	{tpl: "gcr-2018", id: "zero-draft", kind: "draft", place: "Geneva", start: "2018-01-31"},
	{tpl: "gcr-2018", id: "draft1", kind: "draft", place: "Geneva", start: "2018-03-09"},
	{tpl: "gcr-2018", id: "draft2", kind: "draft", place: "Geneva", start: "2018-04-30"},
	{tpl: "gcr-2018", id: "draft3", kind: "draft", place: "Geneva", start: "2018-06-04"},
	{tpl: "gcr-2018", id: "final-draft", kind: "draft", start: "2018-06-26"},
	{tpl: "gcr-2018", id: "proposed-compact", kind: "draft", start: "2018-08-02"},
	{tpl: "gcr-2018", id: "ga-affirmation", kind: "endorsement", start: "2018-12-17"},

	// IMRF.
	{tpl: "imrf-2022", id: "co-facilitators", kind: "milestone", place: "New York", start: "2018-12-21"},
	{tpl: "imrf-2022", id: "modalities-agreed", kind: "milestone", place: "New York", start: "2019-07-15"},
	{tpl: "imrf-2022", id: "imrf-modalities", kind: "milestone", place: "New York", start: "2019-07-19"},
	{tpl: "imrf-2022", id: "msh-2022", kind: "hearing", code: "MSH", place: "New York", start: "2022-05-16"},
	{tpl: "imrf-2022", id: "imrf", kind: "conference", place: "New York", start: "2022-05-17", end: "2022-05-20"},
}

func TestStageFacts(t *testing.T) {
	for _, f := range stageFacts {
		t.Run(f.tpl+"/"+f.id, func(t *testing.T) {
			s, ok := lookup(t, f.tpl).Stage(f.id)
			if !ok {
				t.Fatalf("no stage %s", f.id)
			}
			if string(s.Kind) != f.kind || s.Code != f.code {
				t.Errorf("kind %s, code %q; want %s, %q", s.Kind, s.Code, f.kind, f.code)
			}
			if f.place != "" && s.Place != f.place {
				t.Errorf("place %q, want %q", s.Place, f.place)
			}
			if f.theme != "" && s.Theme != f.theme {
				t.Errorf("theme %q, want %q", s.Theme, f.theme)
			}
			if !s.Start.Equal(day(f.start)) {
				t.Errorf("start %v, want %s", s.Start, f.start)
			}
			if f.end == "" && !s.End.IsZero() || f.end != "" && !s.End.Equal(day(f.end)) {
				t.Errorf("end %v, want %q", s.End, f.end)
			}
		})
	}
}

// docFact is a document as process-facts.md gives it.
type docFact struct {
	tpl, stage, symbol, title, kind, date string
	unconfirmed                           bool
}

var docFacts = []docFact{
	{tpl: "gcm-2018", stage: "ny-declaration", symbol: "A/RES/71/1", kind: "resolution", date: "2016-09-19"},
	{tpl: "gcm-2018", stage: "modalities-silence", symbol: "A/71/L.58"},
	{tpl: "gcm-2018", stage: "modalities", symbol: "A/RES/71/280", kind: "resolution", date: "2017-04-06"},
	{tpl: "gcm-2018", stage: "sg-report", symbol: "A/72/643", title: "Making migration work for all", kind: "report", date: "2017-12-12"},
	{tpl: "gcm-2018", stage: "puerto-vallarta", title: "Chair's summary", kind: "summary", date: "2017-12-22"},
	{tpl: "gcm-2018", stage: "conference-modalities", symbol: "A/RES/72/244", kind: "resolution", date: "2017-12-24"},
	{tpl: "gcm-2018", stage: "marrakech", symbol: "A/CONF.231/1", kind: "agenda"},
	{tpl: "gcm-2018", stage: "marrakech", symbol: "A/CONF.231/2", kind: "rules"},
	{tpl: "gcm-2018", stage: "marrakech", symbol: "A/CONF.231/L.1", unconfirmed: true},
	{tpl: "gcm-2018", stage: "marrakech", symbol: "A/CONF.231/3", kind: "outcome", unconfirmed: true},
	{tpl: "gcm-2018", stage: "ga-endorsement", symbol: "A/RES/73/195", kind: "resolution", date: "2018-12-19"},
	{tpl: "gcm-2018", stage: "zero-draft", kind: "draft", date: "2018-02-05"},
	{tpl: "gcm-2018", stage: "zero-draft-plus", kind: "draft", date: "2018-03-05"},
	{tpl: "gcm-2018", stage: "rev1", kind: "draft", date: "2018-03-26"},
	{tpl: "gcm-2018", stage: "rev2", kind: "draft", date: "2018-05-28"},
	{tpl: "gcm-2018", stage: "rev3", kind: "draft", date: "2018-06-29"},
	{tpl: "gcm-2018", stage: "agreed-text", kind: "draft", date: "2018-07-13"},
	{tpl: "gcr-2018", stage: "ny-declaration", symbol: "A/RES/71/1", date: "2016-09-19"},
	{tpl: "gcr-2018", stage: "final-draft", kind: "draft", date: "2018-06-26"},
	{tpl: "gcr-2018", stage: "proposed-compact", kind: "report", date: "2018-08-02"},
	{tpl: "gcr-2018", stage: "ga-affirmation", symbol: "A/RES/73/151", unconfirmed: true},
	{tpl: "imrf-2022", stage: "imrf", title: "Progress Declaration", kind: "outcome"},
	{tpl: "imrf-2022", stage: "imrf-modalities", symbol: "A/RES/73/326", kind: "resolution", date: "2019-07-19"},
}

func TestDocumentFacts(t *testing.T) {
	for _, f := range docFacts {
		t.Run(f.tpl+"/"+f.stage+"/"+f.symbol+f.title, func(t *testing.T) {
			s, ok := lookup(t, f.tpl).Stage(f.stage)
			if !ok {
				t.Fatalf("no stage %s", f.stage)
			}
			i := slices.IndexFunc(s.Documents, func(d process.Document) bool {
				return (f.symbol == "" || d.Symbol == f.symbol) && strings.Contains(d.Title, f.title) &&
					(f.kind == "" || d.Kind == f.kind)
			})
			if i < 0 {
				t.Fatalf("no such document in %+v", s.Documents)
			}
			d := s.Documents[i]
			if f.date != "" && !d.Date.Equal(day(f.date)) {
				t.Errorf("date %v, want %s", d.Date, f.date)
			}
			if d.Unconfirmed != f.unconfirmed {
				t.Errorf("unconfirmed %v, want %v", d.Unconfirmed, f.unconfirmed)
			}
		})
	}
}

// TestUnconfirmed checks that exactly what the sources leave open is
// flagged.
func TestUnconfirmed(t *testing.T) {
	want := map[string][]string{
		"gcm-2018": {"document A/CONF.231/3", "document A/CONF.231/L.1", "stage conference-accreditation-closes", "stage modalities-silence",
			"stage msh-2017-12"},
		// UNHCR's, IISD's and the UN's pages confirm the rest; the second
		// draft's day, the zero draft's (31 January or 5 February) and the
		// affirming resolution's symbol are not settled.
		"gcr-2018":  {"document A/RES/73/151", "document Revised draft 2", "stage draft2", "stage zero-draft"},
		"imrf-2022": nil,
	}
	for id, want := range want {
		var got []string
		for _, s := range lookup(t, id).Stages() {
			if s.Unconfirmed {
				got = append(got, "stage "+s.ID)
			}
			for _, d := range s.Documents {
				if d.Unconfirmed {
					got = append(got, "document "+cmp.Or(d.Symbol, d.Title))
				}
			}
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s: unconfirmed %q, want %q", id, got, want)
		}
	}
}

func TestGCMFacts(t *testing.T) {
	gcm := lookup(t, "gcm-2018")
	stage := func(id string) process.StageSpec {
		s, ok := gcm.Stage(id)
		if !ok {
			t.Fatalf("no stage %s", id)
		}
		return s
	}

	var phases []string
	for _, p := range gcm.Phases {
		phases = append(phases, p.ID)
	}
	if want := []string{"preparation", "consultations", "stocktaking", "negotiations", "conference", "endorsement"}; !slices.Equal(phases, want) {
		t.Errorf("phases %v, want %v", phases, want)
	}
	if r := gcm.Rules; r.Adoption != "consensus" {
		t.Errorf("adoption %q, want consensus: the conference adopted without a vote", r.Adoption)
	}

	// The special accreditation window, 14 March to the end of 17 April 2017.
	acc := stage("accreditation")
	if w := acc.Window; w == nil || !w.Opens.Equal(day("2017-03-14")) || !w.Closes.Equal(acc.Finish()) ||
		!w.Closes.Equal(day("2017-04-18")) {
		t.Errorf("accreditation window %+v, want 2017-03-14 until the end of 2017-04-17", acc.Window)
	}

	if h := stage("modalities").History; !strings.Contains(h, "orally amended") || !strings.Contains(h, "without a vote") {
		t.Errorf("modalities history %q", h)
	}
	for _, c := range []struct{ id, history, title string }{
		{id: "zero-draft", history: "22 objectives"},
		{id: "rev2", history: "23 objectives"},
		{id: "puerto-vallarta", history: "400 delegates from 136 Member States"},
		{id: "msh-2018-05", history: "Half a day", title: "Fifth"},
		{id: "round1", history: "20 and 22–23 February"},
		{id: "co-facilitators", history: "24 October 2016", title: "Juan José Gómez Camacho (Mexico) and Jürg Lauber (Switzerland)"},
		{id: "marrakech", history: "165"},
		{id: "srsg", title: "Louise Arbour"},
		{id: "msh-2017", title: "First"},
		{id: "msh-2018-02", title: "Fourth"},
	} {
		if s := stage(c.id); !strings.Contains(s.History, c.history) || !strings.Contains(s.Title, c.title) {
			t.Errorf("%s: title %q, history %q; want them to say %q, %q", c.id, s.Title, s.History, c.title, c.history)
		}
	}

	// Inputs apart from States and stakeholders (A/RES/71/1, annex II): the
	// UN system's through the Secretary-General's report, and the GFMD's.
	for id, input := range map[string]string{"sg-report": "un-system", "gfmd-berlin": "gfmd"} {
		if s := stage(id); s.Input != input || s.Kind != process.Milestone {
			t.Errorf("%s: a %s with input %q, want a milestone with input %q", id, s.Kind, s.Input, input)
		}
	}
	if s := stage("gfmd-berlin"); !s.Start.Equal(day("2017-06-28")) || !s.End.Equal(day("2017-06-30")) {
		t.Errorf("GFMD summit %s to %s, want 28 to 30 June 2017", s.Start.Format(time.DateOnly), s.End.Format(time.DateOnly))
	}
	// The conference's own list: only its closing is sourced, so it is a
	// milestone, not a window whose opening would be invented.
	if s := stage("conference-accreditation-closes"); !s.Start.Equal(day("2018-03-31")) || s.Window != nil || !s.Unconfirmed {
		t.Errorf("conference accreditation %+v, want an unconfirmed milestone on 2018-03-31", s)
	}

	if o := stage("marrakech").Outcome; o == nil || o.Adopted != 164 || o.Method == "recorded-vote" {
		t.Errorf("marrakech outcome %+v, want adopted by 164 without a vote", o)
	}
	want := &process.Outcome{Method: "recorded-vote", Yes: 152, No: 5, Abstain: 12, Absent: 24,
		NoVotes:      []string{"CZE", "HUN", "ISR", "POL", "USA"},
		AbstainVotes: []string{"AUS", "AUT", "BGR", "CHE", "CHL", "DZA", "ITA", "LBY", "LIE", "LVA", "ROU", "SGP"},
		Document:     "A/RES/73/195"}
	if o := stage("ga-endorsement").Outcome; o == nil {
		t.Error("no endorsement outcome")
	} else {
		counted := *o // the lists by name are TestGCMVoteByState's
		counted.YesVotes, counted.AbsentVotes, counted.VotesSource = nil, nil, ""
		if !equalOutcome(&counted, want) {
			t.Errorf("endorsement outcome %+v, want %+v", counted, want)
		}
	}
}

// TestGCMVoteByState: the recorded vote on A/RES/73/195 names every Member
// State once, in lists as long as GA/12113's counts, with the 24 not voting
// as the Center for Immigration Studies names them and its source beside
// the data.
func TestGCMVoteByState(t *testing.T) {
	s, ok := lookup(t, "gcm-2018").Stage("ga-endorsement")
	if !ok || s.Outcome == nil {
		t.Fatal("no endorsement outcome")
	}
	o := s.Outcome
	seen := map[string]string{}
	for _, l := range []struct {
		name  string
		codes []string
		count int
	}{{"yes", o.YesVotes, 152}, {"no", o.NoVotes, 5}, {"abstain", o.AbstainVotes, 12}, {"absent", o.AbsentVotes, 24}} {
		if len(l.codes) != l.count || !slices.IsSorted(l.codes) {
			t.Errorf("%s: %d States, sorted %v; want %d", l.name, len(l.codes), slices.IsSorted(l.codes), l.count)
		}
		for _, c := range l.codes {
			if other, twice := seen[c]; twice {
				t.Errorf("%s is in both %s and %s", c, other, l.name)
			}
			seen[c] = l.name
		}
	}
	for _, st := range process.MemberStates() {
		if _, ok := seen[st.Code]; !ok {
			t.Errorf("%s (%s) is in no list", st.Code, st.Name)
		}
	}
	if len(seen) != 193 {
		t.Errorf("%d States in the lists, want the 193", len(seen))
	}
	absent := strings.Fields("AFG ATG BEN BLZ BRN BWA DOM FSM GIN KGZ KIR PAN PRK PRY SOM STP SVN SYC TKM TLS TON TTO UKR VUT")
	if !slices.Equal(o.AbsentVotes, absent) {
		t.Errorf("not voting %v, want %v", o.AbsentVotes, absent)
	}
	for _, cite := range []string{"ga12113", "cis.org/Rush/Historic-Victory-UN-Global-Compacts-Migration-and-Refugees-Adopted-Week", "derived"} {
		if !strings.Contains(o.VotesSource, cite) {
			t.Errorf("votesSource %q does not say %q", o.VotesSource, cite)
		}
	}
	if src, err := os.ReadFile("templates/SOURCES.md"); err != nil || !strings.Contains(string(src), "cis.org/Rush/Historic-Victory-UN-Global-Compacts-Migration-and-Refugees-Adopted-Week") {
		t.Error("SOURCES.md does not cite the list of those not voting")
	}
}

// TestGCMGroups: the groups' members are Member States, as many as their
// sources count on 13 July 2018, and agree with what else the sources say.
func TestGCMGroups(t *testing.T) {
	gcm := lookup(t, "gcm-2018")
	groups := map[string][]string{}
	for _, g := range gcm.Groups {
		if err := g.Validate(); err != nil {
			t.Error(err)
		}
		groups[g.ID] = g.Members
	}
	for id, n := range map[string]int{
		"EU":            28,
		"African-Group": 54,
		// The G77 counts 134 with the State of Palestine, a UN observer
		// State that Compact cannot list.
		"G77":   134 - 1,
		"CELAC": 33,
	} {
		if got := len(groups[id]); got != n {
			t.Errorf("%s has %d members, want %d", id, got, n)
		}
	}

	// Wikipedia's description of the G77 from 2015 to 2019: every Member
	// State but those of the Council of Europe (less Bosnia and
	// Herzegovina), of the OECD (less Chile), the CIS's full members (less
	// Tajikistan), Palau and Tuvalu. The lists are as of July 2018.
	coe := strings.Fields("ALB AND ARM AUT AZE BEL BGR CHE CYP CZE DEU DNK ESP EST FIN FRA GBR GEO GRC HRV HUN IRL ISL ITA LIE LTU LUX LVA MCO MDA MKD MLT MNE NLD NOR POL PRT ROU RUS SMR SRB SVK SVN SWE TUR UKR")
	oecd := strings.Fields("AUS CAN ISR JPN KOR MEX NZL USA") // and Chile, and members of the Council of Europe
	cis := strings.Fields("BLR KAZ KGZ UZB")                  // and Tajikistan, and members of the Council of Europe
	out := slices.Concat(coe, oecd, cis, []string{"PLW", "TUV"})
	var described []string
	for _, s := range process.MemberStates() {
		if !slices.Contains(out, s.Code) {
			described = append(described, s.Code)
		}
	}
	if g77 := slices.Sorted(slices.Values(groups["G77"])); !slices.Equal(g77, described) {
		t.Errorf("G77 %v\nwant %v", g77, described)
	}
	// Every African State is in the G77; of CELAC, all but Mexico, a member
	// of the OECD.
	for _, s := range groups["African-Group"] {
		if !slices.Contains(groups["G77"], s) {
			t.Errorf("%s is in the African Group but not the G77", s)
		}
	}
	for _, s := range groups["CELAC"] {
		if slices.Contains(groups["G77"], s) == (s == "MEX") {
			t.Errorf("%s: in CELAC, and in the G77 is %v", s, slices.Contains(groups["G77"], s))
		}
	}
}

func TestGCRAndIMRFFacts(t *testing.T) {
	gcr := lookup(t, "gcr-2018")
	s, _ := gcr.Stage("ga-affirmation")
	// GA/12107 and the AP agree on two of the three abstaining States.
	want := &process.Outcome{Method: "recorded-vote", Yes: 181, No: 2, Abstain: 3, NoVotes: []string{"HUN", "USA"}, AbstainVotes: []string{"ERI", "LBY"}}
	if s.Outcome == nil || !equalOutcome(s.Outcome, want) {
		t.Errorf("GCR affirmation %+v, want %+v", s.Outcome, want)
	}
	for _, st := range gcr.Stages() {
		if st.Kind == process.Conference {
			t.Errorf("GCR had no conference, but %s is one", st.ID)
		}
	}

	imrf := lookup(t, "imrf-2022")
	m, _ := imrf.Stage("co-facilitators")
	if !strings.Contains(m.Title, "(Spain)") || !strings.Contains(m.Title, "(Bangladesh)") {
		t.Errorf("IMRF co-facilitators %q", m.Title)
	}
	// The same two as recorded acts, on the day the milestone gives.
	var cofac []string
	for _, a := range imrf.Appointments {
		if a.Role == "co-facilitator" && a.Date.Equal(m.Start.Time) && a.Source != "" {
			cofac = append(cofac, a.State)
		}
	}
	if !slices.Equal(cofac, []string{"ESP", "BGD"}) {
		t.Errorf("IMRF appointments %v, want ESP and BGD on %s with a source", cofac, m.Start.Format(time.DateOnly))
	}
	// A/RES/73/326 was adopted on 19 July 2019 (GA/12166), four days after
	// the draft was agreed under silence.
	if r, _ := imrf.Stage("imrf-modalities"); !r.Start.Equal(day("2019-07-19")) {
		t.Errorf("IMRF modalities adopted %s, want 2019-07-19", r.Start.Format(time.DateOnly))
	}
}

func equalOutcome(a, b *process.Outcome) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// minimal is testdata/minimal.json, a small valid template, decoded
// without validation.
func minimal(t testing.TB) (*process.Template, []byte) {
	t.Helper()
	data, err := os.ReadFile("testdata/minimal.json")
	if err != nil {
		t.Fatal(err)
	}
	var tpl process.Template
	if err := json.Unmarshal(data, &tpl); err != nil {
		t.Fatal(err)
	}
	return &tpl, data
}

func TestMinimalIsValid(t *testing.T) {
	_, data := minimal(t)
	if _, err := process.ParseTemplate(data); err != nil {
		t.Fatal(err)
	}
}

func TestValidateRejects(t *testing.T) {
	stage := func(tpl *process.Template, id string) *process.StageSpec {
		for i := range tpl.Phases[0].Stages {
			if s := &tpl.Phases[0].Stages[i]; s.ID == id {
				return s
			}
		}
		panic("no stage " + id)
	}
	win := &process.Window{Opens: process.Date{Time: day("2020-01-01")}, Closes: process.Date{Time: day("2020-01-06")}}
	cases := []struct {
		name   string
		mutate func(*process.Template)
		want   string
	}{
		{"bad id", func(t *process.Template) { t.ID = "GCM 2018" }, `id "GCM 2018": want lower-case`},
		{"bad code", func(t *process.Template) { t.Code = "gcm" }, `code "gcm"`},
		{"no title", func(t *process.Template) { t.Title = " " }, "title is empty"},
		{"no non-objection days", func(t *process.Template) { t.Rules.NonObjectionDays = 0 }, "nonObjectionDays must be at least 1"},
		{"unknown adoption", func(t *process.Template) { t.Rules.Adoption = "majority" }, `rules.adoption "majority"`},
		{"negative reminder", func(t *process.Template) { t.Rules.ReminderDays = []int{7, -1} }, "-1 is not a positive number of days"},
		{"no phases", func(t *process.Template) { t.Phases = nil }, "no phases"},
		{"empty phase", func(t *process.Template) {
			t.Phases = append(t.Phases, process.Phase{ID: "later", Title: "Later"})
		}, "phase later: no stages"},
		{"unknown kind", func(t *process.Template) { stage(t, "launch").Kind = "plenary" }, `stage launch: unknown kind "plenary"`},
		{"stage without title", func(t *process.Template) { stage(t, "launch").Title = "" }, "stage launch: title is empty"},
		{"no start", func(t *process.Template) { stage(t, "launch").Start = process.Date{} }, "stage launch: no start date"},
		{"end before start", func(t *process.Template) { stage(t, "session").End = process.Date{Time: day("2020-02-01")} },
			"stage session: ends 2020-02-01 before it starts 2020-02-03"},
		{"window on a milestone", func(t *process.Template) { stage(t, "launch").Window = win }, "stage launch: a milestone takes no contribution window"},
		{"window on a negotiation round", func(t *process.Template) {
			s := stage(t, "launch")
			s.Kind, s.Code, s.Window = process.NegotiationRound, "NR1", win
		}, "a negotiation-round takes no contribution window"},
		{"a list on a session", func(t *process.Template) { stage(t, "session").List = process.ConferenceList },
			`stage session: list "conference": only an accreditation stage keeps a list`},
		{"no such list", func(t *process.Template) {
			s := stage(t, "launch")
			s.Kind, s.List = process.AccreditationWindow, "plenary"
		}, `stage launch: list "plenary": only an accreditation stage keeps a list, preparatory or conference`},
		{"no such input", func(t *process.Template) { stage(t, "launch").Input = "ngo" },
			`stage launch: input "ngo": only a milestone carries an input, from un-system or gfmd`},
		{"an input on a session", func(t *process.Template) { stage(t, "session").Input = "gfmd" },
			`stage session: input "gfmd": only a milestone carries an input`},
		{"windowed stage without code", func(t *process.Template) { stage(t, "session").Code = "" }, "stage session: a stage with a window needs a code"},
		{"window closes before it opens", func(t *process.Template) {
			stage(t, "session").Window = &process.Window{Opens: win.Closes, Closes: win.Opens}
		}, "stage session: window must open before it closes"},
		{"duplicate stage id", func(t *process.Template) { stage(t, "session").ID = "launch" }, `stage "launch": id is invalid or repeated`},
		{"stage id repeats a phase id", func(t *process.Template) { stage(t, "launch").ID = "only" }, `stage "only": id is invalid or repeated`},
		{"duplicate phase id", func(t *process.Template) {
			t.Phases = append(t.Phases, process.Phase{ID: "only", Title: "Again", Stages: []process.StageSpec{
				{ID: "again", Kind: process.Milestone, Title: "Again", Start: process.Date{Time: day("2020-04-01")}}}})
		}, `phase 1: id "only" is invalid or repeated`},
		{"conference without outcome", func(t *process.Template) { stage(t, "conference").Outcome = nil }, "stage conference: a conference needs an outcome"},
		{"endorsement without outcome", func(t *process.Template) {
			s := stage(t, "conference")
			s.Kind, s.Outcome = process.Endorsement, nil
		}, "endorsement needs an outcome"},
		{"group member not a State", func(t *process.Template) {
			t.Groups = []process.Group{{ID: "EU", Name: "European Union", Members: []string{"FRA", "EUR"}, Source: "s", AsOf: process.Date{Time: day("2018-01-01")}}}
		}, `group "EU": member "EUR" is not a Member State`},
		{"group without source", func(t *process.Template) {
			t.Groups = []process.Group{{ID: "EU", Name: "European Union", Members: []string{"FRA"}}}
		}, `group "EU": a group's membership needs its source`},
		{"group named as a State", func(t *process.Template) {
			t.Groups = []process.Group{{ID: "FRA", Name: "France", Members: []string{"FRA"}, Source: "s", AsOf: process.Date{Time: day("2018-01-01")}}}
		}, `group "FRA": its ID must be set and not a Member State's code`},
		{"a State voting twice", func(t *process.Template) {
			stage(t, "conference").Outcome = &process.Outcome{Method: "recorded-vote", Yes: 100, No: 1, Abstain: 1,
				NoVotes: []string{"HUN"}, AbstainVotes: []string{"HUN"}}
		}, "stage conference: outcome: HUN is in both noVotes and abstainVotes"},
		{"yes votes short of their count", func(t *process.Template) {
			stage(t, "conference").Outcome = &process.Outcome{Method: "recorded-vote", Yes: 100, YesVotes: []string{"FRA"}, VotesSource: "s"}
		}, "stage conference: outcome: yesVotes names 1 States for a count of 100"},
		{"not voting without a source", func(t *process.Template) {
			stage(t, "conference").Outcome = &process.Outcome{Method: "recorded-vote", Yes: 100, Absent: 1, AbsentVotes: []string{"FRA"}}
		}, "stage conference: outcome: yesVotes or absentVotes without the votesSource"},
		{"document without title", func(t *process.Template) {
			stage(t, "launch").Documents = []process.Document{{Symbol: "A/1", Kind: "resolution"}}
		}, "stage launch: a document has no title"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tpl, _ := minimal(t)
			c.mutate(tpl)
			data, err := json.Marshal(tpl)
			if err != nil {
				t.Fatal(err)
			}
			_, err = process.ParseTemplate(data)
			checkInvalid(t, err, c.want)
			checkInvalid(t, tpl.Validate(), c.want)
		})
	}
}

// TestParseRejects covers what only the decoder sees.
func TestParseRejects(t *testing.T) {
	_, data := minimal(t)
	src := string(data)
	edit := func(old, new string) string {
		if !strings.Contains(src, old) {
			panic("minimal.json lacks " + old)
		}
		return strings.Replace(src, old, new, 1)
	}
	cases := []struct{ name, input, want string }{
		{"unknown field", edit(`"code": "MINI",`, `"code": "MINI", "venue": "Geneva",`), `unknown field "venue"`},
		{"unknown stage field", edit(`"title": "Launch",`, `"title": "Launch", "notes": "x",`), `unknown field "notes"`},
		{"trailing object", src + "{}", "trailing data"},
		{"trailing brace", src + "}", "trailing data"},
		{"trailing bracket", src + "]", "trailing data"},
		{"trailing text", src + "x", "trailing data"},
		{"bad date", edit(`"2020-01-06"`, `"2020-13-06"`), `date "2020-13-06" is neither YYYY-MM-DD nor RFC 3339`},
		{"date not a string", edit(`"2020-01-06"`, `20200106`), "date must be a string"},
		{"date beyond 9999 in UTC", edit(`"2020-01-06"`, `"9999-12-31T23:30:00-01:00"`), "outside the years 0000 to 9999"},
		{"unknown kind", edit(`"kind": "milestone"`, `"kind": "plenary"`), `unknown kind "plenary"`},
		{"not an object", `[]`, "cannot unmarshal array"},
		{"empty", ``, "EOF"},
		{"null", `null`, `id "": want lower-case`},
		{"syntax error", src[:len(src)/2], "unexpected EOF"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := process.ParseTemplate([]byte(c.input))
			checkInvalid(t, err, c.want)
		})
	}
	// Trailing white space is not data.
	if _, err := process.ParseTemplate([]byte(src + "\n\t \n")); err != nil {
		t.Errorf("trailing white space: %v", err)
	}
}

func checkInvalid(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("accepted; want an error naming %q", want)
	}
	if k := process.KindOf(err); k != process.Invalid {
		t.Errorf("kind %v, want invalid: %v", k, err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name %q", err, want)
	}
}

func TestValidateReportsAllProblems(t *testing.T) {
	tpl, _ := minimal(t)
	tpl.Code = "x"
	tpl.Phases[0].Stages[0].Kind = "plenary"
	tpl.Phases[0].Stages[2].Outcome = nil
	err := tpl.Validate()
	for _, want := range []string{`code "x"`, `unknown kind "plenary"`, "a conference needs an outcome"} {
		checkInvalid(t, err, want)
	}
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) || len(joined.Unwrap()) != 3 {
		t.Errorf("want 3 problems joined, got %v", err)
	}
}

func TestDateJSON(t *testing.T) {
	cases := []struct {
		in   string
		want time.Time
		out  string
	}{
		{`"2018-12-10"`, day("2018-12-10"), `"2018-12-10"`},
		{`"2018-12-10T00:00:00Z"`, day("2018-12-10"), `"2018-12-10"`},
		{`"2018-12-10T09:30:00Z"`, time.Date(2018, 12, 10, 9, 30, 0, 0, time.UTC), `"2018-12-10T09:30:00Z"`},
		{`"2018-12-10T09:30:00+01:00"`, time.Date(2018, 12, 10, 8, 30, 0, 0, time.UTC), `"2018-12-10T08:30:00Z"`},
		{`"2018-12-10T01:00:00+01:00"`, day("2018-12-10"), `"2018-12-10"`},
		{`"2018-12-10T09:30:00.25Z"`, time.Date(2018, 12, 10, 9, 30, 0, 250e6, time.UTC), `"2018-12-10T09:30:00.25Z"`},
		{`null`, time.Time{}, `null`},
	}
	for _, c := range cases {
		var d process.Date
		if err := json.Unmarshal([]byte(c.in), &d); err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if !d.Equal(c.want) || d.Location() != time.UTC {
			t.Errorf("%s decoded to %v, want %v UTC", c.in, d.Time, c.want)
		}
		out, err := json.Marshal(d)
		if err != nil || string(out) != c.out {
			t.Errorf("%s encoded to %s (%v), want %s", c.in, out, err, c.out)
		}
		var again process.Date
		if err := json.Unmarshal(out, &again); err != nil || !again.Equal(d.Time) {
			t.Errorf("%s: round trip gave %v (%v)", c.in, again, err)
		}
	}
	for _, in := range []string{`"10/12/2018"`, `"2018-02-30"`, `"2018-12-10T09:30"`, `20181210`, `"0000-01-01T00:00:00+01:00"`} {
		var d process.Date
		if err := json.Unmarshal([]byte(in), &d); err == nil {
			t.Errorf("%s decoded to %v; want an error", in, d)
		}
	}

	// A zero End or document date is left out.
	out, err := json.Marshal(process.StageSpec{ID: "a", Kind: process.Milestone, Title: "A",
		Start: process.Date{Time: day("2020-01-01")}, Documents: []process.Document{{Title: "D", Kind: "report"}}})
	if err != nil || strings.Contains(string(out), "null") {
		t.Errorf("zero dates encoded: %s %v", out, err)
	}
}

func TestFinish(t *testing.T) {
	d := func(tm time.Time) process.Date { return process.Date{Time: tm} }
	at := time.Date(2018, 12, 11, 17, 0, 0, 0, time.UTC)
	cases := []struct {
		s    process.StageSpec
		want time.Time
	}{
		{process.StageSpec{Start: d(day("2018-12-10"))}, day("2018-12-11")},
		{process.StageSpec{Start: d(day("2018-12-10")), End: d(day("2018-12-11"))}, day("2018-12-12")},
		{process.StageSpec{Start: d(day("2018-12-10")), End: d(at)}, at},
	}
	for _, c := range cases {
		if got := c.s.Finish(); !got.Equal(c.want) {
			t.Errorf("Finish(%v..%v) = %v, want %v", c.s.Start, c.s.End, got, c.want)
		}
	}
}

// Every dated fact of a built-in template names its source or says it is
// unconfirmed; sister processes name each other.
func TestTemplatesSourceEveryFact(t *testing.T) {
	all, err := process.Templates()
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range all {
		if missing := tpl.Unsourced(); len(missing) > 0 {
			t.Errorf("%s: no source and not flagged unconfirmed: %v", tpl.ID, missing)
		}
		for _, id := range tpl.Sisters {
			if sister := lookup(t, id); !slices.Contains(sister.Sisters, tpl.ID) {
				t.Errorf("%s names %s its sister, but %s does not name %s", tpl.ID, id, id, tpl.ID)
			}
		}
	}
	unsourced := process.Template{Phases: []process.Phase{{ID: "p", Stages: []process.StageSpec{
		{ID: "a", Kind: process.Milestone, Title: "A", Start: process.Date{Time: day("2018-01-01")}},
		{ID: "b", Kind: process.Milestone, Title: "B", Start: process.Date{Time: day("2018-01-02")}, Unconfirmed: true},
	}}}, Appointments: []process.Appointment{
		{State: "ESP", Role: "co-facilitator", Date: process.Date{Time: day("2018-12-21")}},
		{State: "BGD", Role: "co-facilitator", Date: process.Date{Time: day("2018-12-21")}, Source: "https://sdg.iisd.org/"},
	}}
	unsourced.Presiding = []process.Presiding{
		{Stage: "a", Person: "Peter Thomson", Office: process.PGA, Session: 71},
		{Stage: "b", Note: "no source names the chair"},
	}
	if got, want := unsourced.Unsourced(), []string{"appointment of ESP as co-facilitator", "chair of a", "stage a"}; !slices.Equal(got, want) {
		t.Errorf("Unsourced() = %v, want %v", got, want)
	}
}

// TestTemplatePresiding: gcm-2018 names the chair of a hearing only where a
// source does, and that chair is who presided over the Assembly that day;
// a chair on the wrong day, or a meeting left without a chair and without
// saying why, is refused.
func TestTemplatePresiding(t *testing.T) {
	gcm := lookup(t, "gcm-2018")
	named := map[string]string{}
	for _, p := range gcm.Presiding {
		if p.Named() {
			named[p.Stage] = p.Person
		} else if !strings.Contains(p.Note, "Nothing is recorded") {
			t.Errorf("%s: no chair named, and the note does not say nothing is recorded: %q", p.Stage, p.Note)
		}
	}
	if want := map[string]string{"msh-2017-10": "Miroslav Lajčák", "msh-2018-02": "Miroslav Lajčák"}; !maps.Equal(named, want) {
		t.Errorf("chairs named: %v, want %v", named, want)
	}
	for _, id := range []string{"msh-2017", "msh-2017-12", "msh-2018-05", "puerto-vallarta"} {
		if !slices.ContainsFunc(gcm.Presiding, func(p process.Presiding) bool { return p.Stage == id }) {
			t.Errorf("%s: the template does not say why no chair is named", id)
		}
	}
	if pga, _ := process.PresidentOn(day("2017-07-26")); pga.Person != "Peter Thomson" || pga.Session != 71 {
		t.Errorf("PGA on 26 July 2017: %+v", pga)
	}
	if pga, _ := process.PresidentOn(day("2017-09-12")); pga.Person != "Miroslav Lajčák" || pga.Session != 72 {
		t.Errorf("PGA on 12 September 2017: %+v", pga)
	}

	wrong := *gcm
	wrong.Presiding = []process.Presiding{
		{Stage: "msh-2017", Person: "Miroslav Lajčák", Office: process.PGA, Session: 72, Source: "s"},
		{Stage: "msh-2018-05"},
		{Stage: "nowhere", Note: "n"},
	}
	err := wrong.Validate()
	for _, want := range []string{"Miroslav Lajčák did not preside over the Assembly on 2017-07-26", "presiding of msh-2018-05: without a person", "presiding: no stage nowhere"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to say %q", err, want)
		}
	}
}

// A process on other dates than the template's does not tell the
// template's history as its own; on the same dates it does.
func TestShiftedDropsHistory(t *testing.T) {
	gcm := lookup(t, "gcm-2018")
	ga, _ := gcm.Stage("ga-endorsement")
	if ga.History == "" {
		t.Fatal("ga-endorsement has no history to drop")
	}
	later := gcm.Shifted(day("2027-01-11").Sub(gcm.Begins()))
	for _, s := range later.Stages() {
		if s.History != "" {
			t.Errorf("a 2027 process's stage %s tells the template's history: %q", s.ID, s.History)
		}
		for _, prose := range []string{s.Title, s.Theme, s.Note} {
			if strings.Contains(prose, "2017") || strings.Contains(prose, "2018") {
				t.Errorf("a 2027 process's stage %s speaks of the template's years: %q", s.ID, prose)
			}
		}
	}
	if same, _ := gcm.Shifted(0).Stage("ga-endorsement"); same.History != ga.History {
		t.Errorf("the real process's history was dropped")
	}
}
