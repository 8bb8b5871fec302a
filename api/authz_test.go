package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

// The authorization matrix: every route, every role, the exact status. A
// refused role gets 401 without a token and 403 with the wrong one; an
// admitted role gets the status its (deliberately minimal) request earns.
// Every route the server registers must have a row.

type matrixRole string

const (
	asObserver    matrixRole = "observer"
	asPGA         matrixRole = "pga-office"
	asCoFac       matrixRole = "co-facilitator"
	asState       matrixRole = "member-state"
	asStakeholder matrixRole = "stakeholder"
)

var matrixRoles = []matrixRole{asObserver, asPGA, asCoFac, asState, asStakeholder}

// row is one route: its request and, for the roles it admits, the status.
type row struct {
	pattern string // as registered
	path    string // with the matrix process "{p}" filled in at run time
	body    any    // nil: no body
	admits  map[matrixRole]int
}

func everyone(status int) map[matrixRole]int {
	m := map[matrixRole]int{}
	for _, r := range matrixRoles {
		m[r] = status
	}
	return m
}

func only(status int, roles ...matrixRole) map[matrixRole]int {
	m := map[matrixRole]int{}
	for _, r := range roles {
		m[r] = status
	}
	return m
}

func TestAuthorizationMatrix(t *testing.T) {
	a := newUnlimitedAPIServer(t) // every role's costly reads come from one address
	id, code := uniqueID("matrix")
	start := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
	launchProcess(t, a, a.token(PGAOffice, "PGA", ""), inlineProcess(testTemplate(id, code, start)))
	tokens := map[matrixRole]string{
		asObserver:    "",
		asPGA:         a.token(PGAOffice, "PGA", ""),
		asCoFac:       a.token(CoFacilitator, "MEX", id),
		asState:       a.token(MemberState, "MEX", ""),
		asStakeholder: a.token(Stakeholder, "org-matrix", ""),
	}
	const (
		ok, bad, missing, conflict = http.StatusOK, http.StatusBadRequest, http.StatusNotFound, http.StatusConflict
	)
	empty := map[string]any{}
	rows := []row{
		{"GET /v1/openapi.json", "/v1/openapi.json", nil, everyone(ok)},
		{"POST /v1/processes", "/v1/processes", empty, only(bad, asPGA)},
		{"GET /v1/processes", "/v1/processes", nil, everyone(ok)},
		{"GET /v1/processes/{id}", "/v1/processes/{p}", nil, everyone(ok)},
		{"GET /v1/processes/{id}/stages", "/v1/processes/{p}/stages", nil, everyone(ok)},
		{"GET /v1/processes/{id}/stages/{stage}", "/v1/processes/{p}/stages/ts1", nil, everyone(ok)},
		{"GET /v1/processes/{id}/changes", "/v1/processes/{p}/changes", nil, everyone(ok)},
		{"POST /v1/processes/{id}/stages", "/v1/processes/{p}/stages", empty, only(missing, asPGA)},
		{"POST /v1/processes/{id}/stages/{stage}/reschedule", "/v1/processes/{p}/stages/ts1/reschedule", empty, only(bad, asPGA)},
		{"POST /v1/processes/{id}/stages/{stage}/cancel", "/v1/processes/{p}/stages/nope/cancel", empty, only(missing, asPGA)},
		{"POST /v1/processes/{id}/stages/{stage}/window", "/v1/processes/{p}/stages/ts1/window", empty, only(bad, asPGA)},
		{"POST /v1/processes/{id}/stages/{stage}/move", "/v1/processes/{p}/stages/ts1/move", empty, only(bad, asPGA)},
		{"POST /v1/processes/{id}/stages/{stage}/extend", "/v1/processes/{p}/stages/ts1/extend", empty, only(bad, asPGA)},
		{"POST /v1/processes/{id}/stages/{stage}/venue", "/v1/processes/{p}/stages/ts1/venue", empty, only(bad, asPGA)},
		{"POST /v1/processes/{id}/stages/{stage}/outcome", "/v1/processes/{p}/stages/ts1/outcome", empty, only(conflict, asPGA)},
		{"POST /v1/processes/{id}/co-facilitators", "/v1/processes/{p}/co-facilitators", empty, only(bad, asPGA)},
		{"GET /v1/processes/{id}/groups", "/v1/processes/{p}/groups", nil, everyone(ok)},
		{"GET /v1/processes/{id}/modalities", "/v1/processes/{p}/modalities", nil, everyone(ok)},
		{"POST /v1/processes/{id}/applications", "/v1/processes/{p}/applications", empty, only(bad, asStakeholder)},
		{"GET /v1/processes/{id}/applications", "/v1/processes/{p}/applications", nil, everyone(ok)},
		{"GET /v1/processes/{id}/lists", "/v1/processes/{p}/lists", nil, everyone(ok)},
		{"GET /v1/processes/{id}/applications/{party}", "/v1/processes/{p}/applications/nobody", nil, everyone(missing)},
		{"POST /v1/processes/{id}/applications/{party}/ecosoc", "/v1/processes/{p}/applications/nobody/ecosoc", empty, only(bad, asPGA)},
		{"PUT /v1/ecosoc-list", "/v1/ecosoc-list", empty, only(http.StatusUnsupportedMediaType, asPGA)}, // a JSON body: nothing loaded
		{"POST /v1/processes/{id}/stages/{stage}/circulate", "/v1/processes/{p}/stages/acc/circulate", empty, only(conflict, asPGA)},
		{"POST /v1/processes/{id}/stages/{stage}/objections", "/v1/processes/{p}/stages/acc/objections", empty, only(bad, asState)},
		{"POST /v1/processes/{id}/stages/{stage}/silence/break", "/v1/processes/{p}/stages/acc/silence/break", empty, only(bad, asState)},
		{"POST /v1/tokens", "/v1/tokens", empty, only(bad, asPGA)},
		{"GET /v1/tokens", "/v1/tokens", nil, only(ok, asPGA, asCoFac, asState, asStakeholder)},
		{"DELETE /v1/tokens/{id}", "/v1/tokens/tok_nope", nil, only(missing, asPGA, asCoFac, asState, asStakeholder)},
		{"POST /v1/tokens/{id}/rotate", "/v1/tokens/tok_nope/rotate", map[string]int{"graceSeconds": 0}, only(missing, asPGA, asCoFac, asState, asStakeholder)},
		{"GET /v1/session", "/v1/session", nil, only(ok, asPGA, asCoFac, asState, asStakeholder)},
		{"POST /v1/session", "/v1/session", nil, only(http.StatusCreated, asPGA, asCoFac, asState, asStakeholder)},
		{"DELETE /v1/session", "/v1/session", nil, only(bad, asPGA, asCoFac, asState, asStakeholder)},
		{"POST /v1/processes/{id}/stages/{stage}/contributions", "/v1/processes/{p}/stages/ts1/contributions", empty, only(bad, asState, asStakeholder)},
		{"GET /v1/processes/{id}/contributions", "/v1/processes/{p}/contributions", nil, everyone(ok)},
		{"GET /v1/contributions/{tracking}", "/v1/contributions/NOPE-TS1-000001", nil, everyone(missing)},
		{"GET /v1/contributions/{tracking}/attachment", "/v1/contributions/NOPE-TS1-000001/attachment", nil, everyone(missing)},
		{"DELETE /v1/contributions/{tracking}", "/v1/contributions/NOPE-TS1-000001", nil, only(missing, asState, asStakeholder)},
		{"POST /v1/processes/{id}/stages/{stage}/amendments", "/v1/processes/{p}/stages/zero/amendments", empty, only(bad, asState)},
		{"GET /v1/processes/{id}/stages/{stage}/amendments", "/v1/processes/{p}/stages/zero/amendments", nil, everyone(ok)},
		{"POST /v1/processes/{id}/text/amendments", "/v1/processes/{p}/text/amendments", empty, only(bad, asState)},
		{"POST /v1/processes/{id}/text/amendments/{amendment}/cosponsors", "/v1/processes/{p}/text/amendments/AM-1/cosponsors", empty, only(conflict, asState)},
		{"DELETE /v1/processes/{id}/text/amendments/{amendment}/cosponsors/{party}", "/v1/processes/{p}/text/amendments/AM-1/cosponsors/MEX", nil, only(conflict, asState)},
		{"PUT /v1/processes/{id}/text/amendments/{amendment}/position", "/v1/processes/{p}/text/amendments/AM-1/position", empty, only(conflict, asState)},
		{"PUT /v1/processes/{id}/text/amendments/{amendment}/decision", "/v1/processes/{p}/text/amendments/AM-1/decision", empty, only(bad, asPGA, asCoFac)},
		{"PUT /v1/processes/{id}/text/revisions/{revision}/paragraphs/{paragraph}/mark", "/v1/processes/{p}/text/revisions/0/paragraphs/OP1/mark", empty, only(bad, asPGA, asCoFac)},
		{"GET /v1/processes/{id}/contributions.csv", "/v1/processes/{p}/contributions.csv", nil, everyone(ok)},
		{"GET /v1/processes/{id}/contributions.json", "/v1/processes/{p}/contributions.json", nil, everyone(ok)},
		{"GET /v1/processes/{id}/record.csv", "/v1/processes/{p}/record.csv", nil, everyone(ok)},
		{"GET /v1/processes/{id}/documents", "/v1/processes/{p}/documents", nil, everyone(ok)},
		{"GET /v1/processes/{id}/documents/{name}/{revision}", "/v1/processes/{p}/documents/draft/0", nil, everyone(missing)},
		{"GET /v1/processes/{id}/documents/{name}/diff", "/v1/processes/{p}/documents/draft/diff", nil, everyone(bad)},
		{"GET /v1/processes/{id}/text/revisions/{revision}", "/v1/processes/{p}/text/revisions/0", nil, everyone(missing)},
		{"GET /v1/processes/{id}/text/compilation", "/v1/processes/{p}/text/compilation", nil, everyone(missing)},
		{"GET /v1/processes/{id}/text/amendments", "/v1/processes/{p}/text/amendments", nil, everyone(missing)},
		{"GET /v1/processes/{id}/text/amendments/{amendment}", "/v1/processes/{p}/text/amendments/A1", nil, everyone(missing)},
		{"GET /v1/processes/{id}/text/paragraphs/{paragraph}", "/v1/processes/{p}/text/paragraphs/r0-1", nil, everyone(missing)},
		{"GET /v1/processes/{id}/text/diff", "/v1/processes/{p}/text/diff", nil, everyone(bad)},
		{"GET /v1/contributions/{tracking}/informed", "/v1/contributions/NOPE-TS1-000001/informed", nil, everyone(missing)},
		{"GET /v1/processes/{id}/search", "/v1/processes/{p}/search", nil, everyone(bad)},
		{"POST /v1/processes/{id}/stages/{stage}/drafts", "/v1/processes/{p}/stages/zero/drafts", empty, only(bad, asPGA, asCoFac)},
		{"GET /v1/processes/{id}/record", "/v1/processes/{p}/record", nil, everyone(ok)},
		{"GET /v1/processes/{id}/record/verify", "/v1/processes/{p}/record/verify", nil, everyone(ok)},
		{"GET /v1/processes/{id}/calendar.ics", "/v1/processes/{p}/calendar.ics", nil, everyone(ok)},
		{"GET /v1/processes/{id}/feed.atom", "/v1/processes/{p}/feed.atom", nil, everyone(ok)},
		{"GET /v1/calendar", "/v1/calendar", nil, everyone(ok)},
		{"GET /v1/calendar.ics", "/v1/calendar.ics", nil, everyone(ok)},
		{"POST /v1/processes/{id}/subscriptions", "/v1/processes/{p}/subscriptions", empty, everyone(bad)},
		{"GET /v1/subscriptions", "/v1/subscriptions", nil, only(ok, asPGA, asCoFac, asState, asStakeholder)},
		{"DELETE /v1/subscriptions/{sub}", "/v1/subscriptions/sub_nope", nil, only(missing, asPGA, asCoFac, asState, asStakeholder)},
		{"GET /v1/subscriptions/confirm", "/v1/subscriptions/confirm", nil, everyone(http.StatusUnauthorized)},
		{"POST /v1/subscriptions/confirm", "/v1/subscriptions/confirm", empty, everyone(http.StatusUnauthorized)},
		{"GET /v1/unsubscribe", "/v1/unsubscribe", nil, everyone(http.StatusUnauthorized)},
		{"POST /v1/unsubscribe", "/v1/unsubscribe", empty, everyone(http.StatusUnauthorized)},
		{"GET /v1/processes/{id}/notifications", "/v1/processes/{p}/notifications", nil, only(ok, asPGA)},
	}
	// The event stream never ends by itself; its admission is checked
	// apart, with a request that is cancelled once the headers arrive.
	streamed := "GET /v1/processes/{id}/events"

	covered := map[string]bool{streamed: true}
	for _, r := range rows {
		covered[r.pattern] = true
	}
	for _, p := range a.s.patterns {
		if !covered[p] {
			t.Errorf("route %s has no row in the authorization matrix", p)
		}
	}

	for _, r := range rows {
		for _, role := range matrixRoles {
			want, admitted := r.admits[role]
			if !admitted {
				want = http.StatusForbidden
				if role == asObserver {
					want = http.StatusUnauthorized
				}
			}
			method, _, _ := strings.Cut(r.pattern, " ")
			res := a.do(method, strings.ReplaceAll(r.path, "{p}", id), tokens[role], r.body)
			if res.Status != want {
				t.Errorf("%s as %s: %d, want %d (%s)", r.pattern, role, res.Status, want, res.Body)
			}
		}
	}
	for _, role := range matrixRoles {
		if got := streamStatus(t, a, "/v1/processes/"+id+"/events", tokens[role]); got != http.StatusOK {
			t.Errorf("%s as %s: %d, want 200", streamed, role, got)
		}
	}
	// A revoked or unknown token is refused everywhere, even where no
	// token is needed: a client that sends one means to be someone.
	for _, tok := range []string{"cpt_unknown", "not-a-token"} {
		if res := a.do("GET", "/v1/processes", tok, nil); res.Status != http.StatusUnauthorized {
			t.Errorf("GET /v1/processes with %q: %d, want 401", tok, res.Status)
		}
	}
}

// streamStatus opens a stream and reports its status once the headers
// arrive, then hangs up.
func streamStatus(t *testing.T, a *apiServer, path, token string) int {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", a.hs.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := a.hs.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
