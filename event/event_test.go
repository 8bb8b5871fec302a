package event

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/text"
)

// stageResult stands for workflows.StageResult, which this package cannot
// import.
type stageResult struct {
	Stage         string                 `json:"stage"`
	Contributions int                    `json:"contributions,omitempty"`
	Digest        string                 `json:"digest,omitempty"`
	Silence       *process.SilenceResult `json:"silence,omitempty"`
	EndedAt       time.Time              `json:"endedAt,omitzero"`
}

func raw(t *testing.T, v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ptr(n int) *int { return &n }

// TestDataEncodesAsTheMapsDid compares each event's data with the bytes
// the workflows' maps encoded to before the catalogue (written with that
// code, the same values): a record's canonical JSON does not change.
func TestDataEncodesAsTheMapsDid(t *testing.T) {
	t1 := time.Date(2018, 7, 13, 9, 30, 0, 0, time.UTC)
	t2 := time.Date(2018, 12, 10, 18, 0, 0, 500, time.FixedZone("", 3600))
	docs := []process.Document{{Title: "Zero draft <GCM>", Kind: "draft", Symbol: "A/CONF.231/3"}, {Title: "Note & annex", Kind: "note", Unconfirmed: true}}
	cases := []struct {
		event Name
		data  any
		want  string
	}{
		{"process.created", ProcessCreatedData{Template: "gcm-2018", Title: "Global Compact", Mandate: "A/RES/71/1", Stages: 14, Clock: Clock{Origin: t1, Scale: 8640.5}},
			`{"clock":{"origin":"2018-07-13T09:30:00Z","scale":8640.5},"mandate":"A/RES/71/1","stages":14,"template":"gcm-2018","title":"Global Compact"}`},
		{"stage.started", StageStartedData{Phase: "consultations", Kind: string(process.ThematicSession), Title: "Session 1"},
			`{"kind":"thematic-session","phase":"consultations","title":"Session 1"}`},
		{"stage.completed", StageCompletedData{Result: raw(t, stageResult{Stage: "s1", Contributions: 3, Digest: "ab", Silence: &process.SilenceResult{Deadline: t2, Outcome: process.SilencePassed}, EndedAt: t1})},
			`{"result":{"stage":"s1","contributions":3,"digest":"ab","silence":{"deadline":"2018-12-10T18:00:00.0000005+01:00","outcome":"passed"},"endedAt":"2018-07-13T09:30:00Z"}}`},
		{"stage.failed", StageFailedData{Error: "activity error <x> & y"},
			`{"error":"activity error \u003cx\u003e \u0026 y"}`},
		{"milestone.reached", MilestoneData{Title: "Resolution 71/1", Place: "New York", Documents: Documents(docs), Unconfirmed: true},
			`{"documents":[{"kind":"draft","symbol":"A/CONF.231/3","title":"Zero draft \u003cGCM\u003e"},{"kind":"note","title":"Note \u0026 annex","unconfirmed":true}],"place":"New York","title":"Resolution 71/1","unconfirmed":true}`},
		{"milestone.reached", MilestoneData{Title: "Resolution 71/1", Documents: Documents(nil)},
			`{"title":"Resolution 71/1"}`},
		{"co-facilitator.appointed", OfficeAppointment{Reason: "r", Occurrence: "MEX", State: "MEX", Role: "co-facilitator", Date: "2017-01-01"},
			`{"by":"","date":"2017-01-01","person":"","reason":"r","role":"co-facilitator","seq":"MEX","state":"MEX"}`},
		{"chair.appointed", TemplateAppointment{Occurrence: "MAR", State: "MAR", Person: "Ms X", Role: "chair", Date: "2018-12-10"},
			`{"date":"2018-12-10","person":"Ms X","role":"chair","seq":"MAR","source":"","state":"MAR"}`},
		{"co-facilitator.appointed", StateAppointment{Occurrence: "CHE", State: "CHE"},
			`{"reason":"","seq":"CHE","state":"CHE"}`},
		{"stage.chaired", Chaired{Date: "2017-10-11", Office: "pga", Person: "Miroslav Lajčák", Session: 72, Source: "https://www.un.org/pga/72/"},
			`{"date":"2017-10-11","office":"pga","person":"Miroslav Lajčák","session":72,"source":"https://www.un.org/pga/72/"}`},
		{"stage.rescheduled", ScheduleChange{Sequence: 3, Reason: "room", TimeZone: "Africa/Casablanca", FromLast: "2018-12-11", ToLast: "2018-12-12", Opens: &t1, Closes: &t2, From: "2018-12-10", To: "2018-12-11", By: "office@un.org"},
			`{"by":"office@un.org","closes":"2018-12-10T18:00:00.0000005+01:00","from":"2018-12-10","fromLast":"2018-12-11","opens":"2018-07-13T09:30:00Z","reason":"room","seq":3,"timeZone":"Africa/Casablanca","to":"2018-12-11","toLast":"2018-12-12"}`},
		{"stage.rescheduled", ScheduleChange{Sequence: 1, From: "2018-12-10", To: "2018-12-11"},
			`{"from":"2018-12-10","reason":"","seq":1,"to":"2018-12-11"}`},
		{"modality.overridden", ModalityOverriddenData{Act: "schedule", Actor: Actor{By: "PGA (tok_1)", Role: "pga-office"}, Breach: "zero begins early",
			Reason: "agreed orally", Rule: "A/RES/71/280:phases", Source: "A/RES/71/280", Stage: "zero"},
			`{"act":"schedule","by":"PGA (tok_1)","role":"pga-office","breach":"zero begins early","reason":"agreed orally","rule":"A/RES/71/280:phases","source":"A/RES/71/280","stage":"zero"}`},
		{"stage.added", ScheduleChange{Sequence: 2, Reason: "extra", To: "2018-12-11", By: "o"},
			`{"by":"o","reason":"extra","seq":2,"to":"2018-12-11"}`},
		{"stage.cancelled", ScheduleChange{Sequence: 4, Reason: "cancelled"},
			`{"reason":"cancelled","seq":4}`},
		{"venue.changed", ScheduleChange{Sequence: 5, Reason: "moved", Place: "Vienna", TimeZone: "Europe/Vienna", FromTimeZone: "UTC", From: "New York (America/New_York)", To: "Vienna (Europe/Vienna)", By: "o"},
			`{"by":"o","from":"New York (America/New_York)","fromTimeZone":"UTC","place":"Vienna","reason":"moved","seq":5,"timeZone":"Europe/Vienna","to":"Vienna (Europe/Vienna)"}`},
		{"opening.moved", ScheduleChange{Sequence: 6, TimeZone: "UTC", From: "2018-01-01T00:00:00Z", To: "2018-01-02T00:00:00Z"},
			`{"from":"2018-01-01T00:00:00Z","reason":"","seq":6,"timeZone":"UTC","to":"2018-01-02T00:00:00Z"}`},
		{"stage.announced", StageAnnouncedData{Title: "Session", Kind: "hearing", Place: "New York", Start: t1, End: t2, Documents: Documents(docs)},
			`{"documents":[{"kind":"draft","symbol":"A/CONF.231/3","title":"Zero draft \u003cGCM\u003e"},{"kind":"note","title":"Note \u0026 annex","unconfirmed":true}],"end":"2018-12-10T18:00:00.0000005+01:00","kind":"hearing","place":"New York","start":"2018-07-13T09:30:00Z","theme":"","title":"Session"}`},
		{"stage.announced", StageAnnouncedData{Title: "Session", Kind: "hearing", Theme: "Human rights", Start: t1, End: t2, Documents: Documents(nil)},
			`{"documents":null,"end":"2018-12-10T18:00:00.0000005+01:00","kind":"hearing","place":"","start":"2018-07-13T09:30:00Z","theme":"Human rights","title":"Session"}`},
		{"session.opened", SessionData{Place: "Geneva"},
			`{"place":"Geneva"}`},
		{"summary.recorded", SummaryData{Document: "s1-summary", SHA256: "ff", Simulated: true},
			`{"contributions":0,"digest":"","document":"s1-summary","sha256":"ff","simulated":true}`},
		{"conference.opened", MeetingData{Title: "Conference", Place: "Marrakech", Documents: Documents(nil)},
			`{"documents":null,"place":"Marrakech","title":"Conference"}`},
		{"conference.adopted", OutcomeData{Method: "acclamation", Adopted: true, SHA256: "aa", AdoptedBy: ptr(164), Document: "A/CONF.231/3"},
			`{"adopted":true,"adoptedBy":164,"document":"A/CONF.231/3","method":"acclamation","sha256":"aa"}`},
		{"conference.adopted", OutcomeData{Method: "consensus", Adopted: true, SHA256: "aa"},
			`{"adopted":true,"method":"consensus","sha256":"aa"}`},
		{"endorsement.adopted", OutcomeData{Method: "recorded-vote", Adopted: true, SHA256: "bb", Yes: ptr(152), No: ptr(5), Abstain: ptr(12), Absent: ptr(0), Named: ptr(2), Votes: map[string]string{"USA": "no", "HUN": "no"}},
			`{"absent":0,"abstain":12,"adopted":true,"method":"recorded-vote","named":2,"no":5,"sha256":"bb","votes":{"HUN":"no","USA":"no"},"yes":152}`},
		{"endorsement.rejected", OutcomeData{Method: "recorded-vote", SHA256: "bb", Yes: ptr(0), No: ptr(0), Abstain: ptr(0), Named: ptr(0)},
			`{"abstain":0,"adopted":false,"method":"recorded-vote","named":0,"no":0,"sha256":"bb","yes":0}`},
		{"endorsement.adopted", OutcomeData{Method: "recorded-vote", Adopted: true, SHA256: "bb", Yes: ptr(152), No: ptr(5), Abstain: ptr(12), Absent: ptr(24), AdoptedBy: ptr(0)},
			`{"absent":24,"abstain":12,"adopted":true,"adoptedBy":0,"method":"recorded-vote","no":5,"sha256":"bb","yes":152}`},
		{"window.opened", WindowOpenedData{Opens: t1, Closes: t2, TimeZone: "UTC"},
			`{"closes":"2018-12-10T18:00:00.0000005+01:00","code":"","opens":"2018-07-13T09:30:00Z","timeZone":"UTC"}`},
		{"window.closed", Seal{},
			`{"count":0,"digest":""}`},
		{"window.closed", Seal{Count: 12, Digest: "e3b0", Simulated: true},
			`{"count":12,"digest":"e3b0","simulated":true}`},
		{"window.moved", WindowMovedData{Sequence: 2, From: t1, To: t2, TimeZone: "America/New_York"},
			`{"from":"2018-07-13T09:30:00Z","reason":"","seq":2,"timeZone":"America/New_York","to":"2018-12-10T18:00:00.0000005+01:00"}`},
		{"window.reminder", ReminderData{Occurrence: "3-1", Days: 3, Closes: t2, TimeZone: "UTC"},
			`{"closes":"2018-12-10T18:00:00.0000005+01:00","days":3,"seq":"3-1","timeZone":"UTC"}`},
		{"amendments.closed", AmendmentsClosedData{Revision: 2, Simulated: true},
			`{"amendments":0,"revision":2,"simulated":true}`},
		{"draft.published", DraftPublishedData{Revision: 1, Title: "Zero draft", SHA256: "cc"},
			`{"revision":1,"sha256":"cc","title":"Zero draft"}`},
		{"draft.published", DraftPublishedData{Revision: 2, Title: "Rev 1", SHA256: "cc", Simulated: true, Symbol: "A/C.1", Diff: &process.DiffStats{Kept: 3, Removed: 1}, TextSHA256: "dd", Sources: raw(t, []map[string]any{{"id": "p1", "change": "amended", "amendments": []string{"a1"}}}), MoreSources: 7},
			`{"diff":{"kept":3,"removed":1,"added":0},"moreSources":7,"revision":2,"sha256":"cc","simulated":true,"sources":[{"amendments":["a1"],"change":"amended","id":"p1"}],"symbol":"A/C.1","textSha256":"dd","title":"Rev 1"}`},
		{"draft.published", DraftPublishedData{Revision: 2, Title: "Rev 1", SHA256: "cc", TextSHA256: "dd", Sources: raw(t, []map[string]any(nil))},
			`{"revision":2,"sha256":"cc","sources":null,"textSha256":"dd","title":"Rev 1"}`},
		{"silence.placed", SilencePlacedData{Title: "Silence", Deadline: t2, TimeZone: "UTC", Documents: Documents(docs)},
			`{"deadline":"2018-12-10T18:00:00.0000005+01:00","documents":[{"kind":"draft","symbol":"A/CONF.231/3","title":"Zero draft \u003cGCM\u003e"},{"kind":"note","title":"Note \u0026 annex","unconfirmed":true}],"timeZone":"UTC","title":"Silence"}`},
		{"silence.broken", SilenceBrokenData{State: "USA", LetterSHA256: "ee", Deadline: t2, TimeZone: "UTC", ProposalSHA256: "ff"},
			`{"deadline":"2018-12-10T18:00:00.0000005+01:00","letterSha256":"ee","proposalSha256":"ff","state":"USA","timeZone":"UTC"}`},
		{"silence.broken", SilenceBrokenData{State: "USA", LetterSHA256: "ee", Deadline: t2, TimeZone: "UTC"},
			`{"deadline":"2018-12-10T18:00:00.0000005+01:00","letterSha256":"ee","state":"USA","timeZone":"UTC"}`},
		{"silence.passed", SilenceEndedData{Outcome: process.SilencePassed, Deadline: t2, TimeZone: "UTC"},
			`{"deadline":"2018-12-10T18:00:00.0000005+01:00","outcome":"passed","timeZone":"UTC"}`},
		{"list.circulated", ListCirculatedData{Occurrence: "s-list-1", List: "s-list-1", Applications: 2, Parties: []string{"ngo-1", "ngo-2"}, Until: t2, Simulated: true},
			`{"applications":2,"list":"s-list-1","parties":["ngo-1","ngo-2"],"seq":"s-list-1","simulated":true,"until":"2018-12-10T18:00:00.0000005+01:00"}`},
		{"list.circulated", ListCirculatedData{Occurrence: "c-list-1", For: process.ConferenceList, List: "c-list-1", Applications: 1, Parties: []string{"ngo-1"}, Until: t2},
			`{"applications":1,"for":"conference","list":"c-list-1","parties":["ngo-1"],"seq":"c-list-1","until":"2018-12-10T18:00:00.0000005+01:00"}`},
		{"list.decided", ListDecidedData{Occurrence: "s-list-1", List: "s-list-1", Approved: []string{"ngo-1"}},
			`{"approved":["ngo-1"],"list":"s-list-1","rejected":null,"seq":"s-list-1"}`},
		{"objection.recorded", ObjectionData{Occurrence: "ngo-2/USA", List: "s-list-1", Party: "ngo-2", State: "USA"},
			`{"list":"s-list-1","party":"ngo-2","seq":"ngo-2/USA","state":"USA"}`},
		{"ecosoc.checked", ECOSOCCheckData{Occurrence: "ngo-1", Party: "ngo-1", Name: "Internacional Migrants Forum", Result: "near",
			Entry: "International Migrants Forum", Distance: 1, ListLoadedAt: t2},
			`{"distance":1,"entry":"International Migrants Forum","listLoadedAt":"2018-12-10T18:00:00.0000005+01:00","name":"Internacional Migrants Forum","party":"ngo-1","result":"near","seq":"ngo-1"}`},
		{"ecosoc.checked", ECOSOCCheckData{Occurrence: "ngo-2", Party: "ngo-2", Name: "Simulated organisation 5", Result: "exact", Simulated: true},
			`{"name":"Simulated organisation 5","party":"ngo-2","result":"exact","seq":"ngo-2","simulated":true}`},
		{"ecosoc.reviewed", ECOSOCReviewData{Occurrence: "ngo-1", Party: "ngo-1", By: "PGA", Entry: "International Migrants Forum", Result: "confirmed"},
			`{"by":"PGA","entry":"International Migrants Forum","party":"ngo-1","result":"confirmed","seq":"ngo-1"}`},
		{"contribution.received", ReceiptData{Tracking: "GCM-TS1-000001", Title: "Position <paper>", SubmittedAt: t2, SHA256: "ab"},
			`{"sha256":"ab","submittedAt":"2018-12-10T18:00:00.0000005+01:00","title":"Position \u003cpaper\u003e","tracking":"GCM-TS1-000001"}`},
		{"endpoint.disabled", EndpointDisabledData{Channel: "webhook", Endpoint: "https://example.org/hook?a=1&b=2", Reason: "410 Gone", DisabledAt: t2},
			`{"channel":"webhook","disabledAt":"2018-12-10T18:00:00.0000005+01:00","endpoint":"https://example.org/hook?a=1\u0026b=2","reason":"410 Gone"}`},
		// The text's events, as the store has written them since they began.
		{"amendment.proposed", AmendmentProposedData{Actor: Actor{By: "MEX", Role: "member-state"}, Amendment: "A1", Kind: text.Replace,
			Paragraph: "r0-3", Sponsor: "MEX", CoSponsors: []string{"ARG"}, Cites: []string{"GCM-TS1-000001"}, TextSHA256: "ab"},
			`{"by":"MEX","role":"member-state","amendment":"A1","revision":0,"kind":"replace","paragraph":"r0-3","sponsor":"MEX","coSponsors":["ARG"],"cites":["GCM-TS1-000001"],"textSha256":"ab"}`},
		{"amendment.cosponsor-joined", CosponsorData{Actor: Actor{By: "ARG", Role: "member-state", Simulated: true}, Amendment: "A1", Party: "ARG"},
			`{"by":"ARG","role":"member-state","simulated":true,"amendment":"A1","party":"ARG"}`},
		{"amendment.decided", AmendmentDecidedData{Actor: Actor{By: "co-facilitators", Role: "co-facilitator"}, Amendment: "A1", Outcome: text.NotRetained, Note: "too short"},
			`{"by":"co-facilitators","role":"co-facilitator","amendment":"A1","outcome":"not-retained","note":"too short"}`},
		{"position.taken", PositionTakenData{Actor: Actor{By: "USA", Role: "member-state"}, Amendment: "A1", Party: "USA", Stance: text.Oppose, Replaces: true},
			`{"by":"USA","role":"member-state","amendment":"A1","party":"USA","stance":"oppose","replaces":true}`},
		{"paragraph.marked", ParagraphMarkedData{Actor: Actor{By: "PGA", Role: "pga-office"}, Paragraph: "r0-4", Status: text.AgreedAdRef, Note: "subject to capitals"},
			`{"by":"PGA","role":"pga-office","revision":0,"paragraph":"r0-4","status":"agreed-ad-ref","note":"subject to capitals"}`},
	}
	seen := map[Name]bool{}
	for _, c := range cases {
		got, err := Encode(c.data)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != c.want {
			t.Errorf("%s %T:\n got %s\nwant %s", c.event, c.data, got, c.want)
		}
		decoded, err := Decode(c.event, got)
		if err != nil || decoded == nil {
			t.Errorf("%s: decoded %v, %v", c.event, decoded, err)
		}
		seen[c.event] = true
	}
	for _, n := range Names() {
		if data := catalogue[n]; data != nil && !seen[n] && !sameShape(n, seen) {
			t.Errorf("%s: no case", n)
		}
	}
}

// sameShape reports whether a case covers the event's data type.
func sameShape(n Name, seen map[Name]bool) bool {
	want := fmt.Sprintf("%T", catalogue[n]())
	for s := range seen {
		if fmt.Sprintf("%T", catalogue[s]()) == want {
			return true
		}
	}
	return false
}

func TestEveryTopicsEventIsCatalogued(t *testing.T) {
	for topic, names := range process.Topics {
		for _, n := range names {
			if !Known(Name(n)) {
				t.Errorf("topic %s: %s is not in the catalogue", topic, n)
			}
		}
	}
	for _, role := range process.AppointmentRoles {
		if !Known(Appointed(role)) {
			t.Errorf("%s is not in the catalogue", Appointed(role))
		}
	}
}

func TestOccurrence(t *testing.T) {
	for data, want := range map[string]string{
		`{"reason":"r","seq":3}`:    "3",
		`{"seq":1000000}`:           "1e+06",
		`{"seq":"ngo-2/USA"}`:       "ngo-2/USA",
		`{"count":1,"digest":"ab"}`: "",
		``:                          "",
	} {
		got, ok := Occurrence([]byte(data))
		if got != want || ok != (want != "") {
			t.Errorf("Occurrence(%s) = %q, %v; want %q", data, got, ok, want)
		}
	}
}

// TestCanonicalSortsNestedKeys: the activity that records an event has
// always received its data decoded and encoded it again, so a nested
// struct's keys sort too.
func TestCanonicalSortsNestedKeys(t *testing.T) {
	data, err := Encode(DraftPublishedData{Revision: 2, Title: "Rev 1", SHA256: "cc", Diff: &process.DiffStats{Kept: 3, Removed: 1, Added: 2}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := Canonical(data)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"diff":{"added":2,"kept":3,"removed":1},"revision":2,"sha256":"cc","title":"Rev 1"}`; string(got) != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// A circulation recorded before circulations named their list is the
// preparatory list's.
func TestACirculationOfOldIsThePreparatoryList(t *testing.T) {
	for in, want := range map[string]process.AccreditationList{
		`{"applications":2,"list":"s-list-1","parties":["ngo-1","ngo-2"],"seq":"s-list-1","until":"2018-12-10T17:00:00Z"}`:            process.PreparatoryList,
		`{"applications":1,"for":"conference","list":"c-list-1","parties":["ngo-1"],"seq":"c-list-1","until":"2018-12-10T17:00:00Z"}`: process.ConferenceList,
	} {
		d, err := DecodeAs[ListCirculatedData]([]byte(in))
		if err != nil || d.Of() != want {
			t.Errorf("%s: list %q (%v), want %q", in, d.Of(), err, want)
		}
	}
}
