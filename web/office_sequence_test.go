package web

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"
)

// TestOfficeChecksTheOrder checks a change on the office's forms before it
// is made: a revision moved into the round it follows, and a session added
// on another's days, are named with the stage they should follow or meet
// beside; a change in order says so; nothing changes until the form is
// sent without the check.
func TestOfficeChecksTheOrder(t *testing.T) {
	t.Parallel()
	ts := newTestSite(t)
	id := ts.launch("order")
	base := "/office/processes/" + id
	b := ts.browser()
	b.signIn(ts.token("pga-office", "PGA", ""))
	round1 := stageOf(t, ts, id, "round1")
	during := round1.Spec.Start.Format(time.DateOnly)
	before := recordedEvents(t, id, "rev1")

	move := base + "/stages/rev1/move"
	b.get(move)
	wantPage(t, "the move form", b.get(move), http.StatusOK, `id="sequence-check"`)
	p := b.post(move, url.Values{"start": {during}, "reason": {"Ready early"}, "check": {"true"}})
	wantPage(t, "a revision checked into its round", p, http.StatusOK, `id="sequence-result"`, `data-other="round1"`,
		"First round", `value="`+during+`"`, `value="Ready early"`)
	later := round1.Spec.Start.AddDate(0, 0, 5).Format(time.DateOnly)
	wantPage(t, "a revision checked after its round", b.post(move, url.Values{"start": {later}, "reason": {"Ready"}, "check": {"true"}}),
		http.StatusOK, `id="sequence-in-order"`)
	if after := recordedEvents(t, id, "rev1"); !slices.Equal(after, before) {
		t.Fatalf("a check changed the record: %v, was %v", after, before)
	}
	if got := stageOf(t, ts, id, "rev1"); got.Moved {
		t.Fatalf("a check moved rev1: %+v", got.Spec)
	}

	// In French, the note is French.
	fr := ts.browser()
	fr.signIn(ts.token("pga-office", "PGA", ""))
	fr.get(move + "?lang=fr")
	wantPage(t, "the check in French", fr.post(move+"?lang=fr", url.Values{"start": {during}, "reason": {"Prêt"}, "check": {"true"}}),
		http.StatusOK, "Vérifier l&#39;ordre", "ordre naturel du processus")

	add := base + "/stages/new"
	b.get(add)
	ts1 := stageOf(t, ts, id, "ts1")
	p = b.post(add, url.Values{"phase": {"consultations"}, "id": {"ts2"}, "kind": {"thematic-session"}, "title": {"Thematic session 2"},
		"start": {ts1.Spec.Start.Format(time.DateOnly)}, "check": {"true"}})
	wantPage(t, "a session checked on another's days", p, http.StatusOK, `data-other="ts1"`, `sequence-overlap`)
	if st := ts.apiCall("GET", "/v1/processes/"+id+"/stages/ts2", "", nil, nil); st != http.StatusNotFound {
		t.Fatalf("a checked stage was added: %d", st)
	}

	doneForm(t, b, move, url.Values{"start": {during}, "reason": {"Ready early"}}, "Revision 1")
}
