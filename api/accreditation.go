package api

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

func (s *Server) accreditationRoutes(mux *http.ServeMux) {
	s.handle(mux, "POST /v1/processes/{id}/applications", s.apply, Stakeholder)
	s.handle(mux, "GET /v1/processes/{id}/applications", s.listApplications)
	s.handle(mux, "GET /v1/processes/{id}/lists", s.listAccreditationLists)
	s.handle(mux, "GET /v1/processes/{id}/applications/{party}", s.getApplication)
	s.handle(mux, "POST /v1/processes/{id}/applications/{party}/ecosoc", s.reviewECOSOC, PGAOffice)
	s.handle(mux, "PUT /v1/ecosoc-list", s.putECOSOCList, PGAOffice)
	s.handle(mux, "POST /v1/processes/{id}/stages/{stage}/circulate", s.circulate, PGAOffice)
	s.handle(mux, "POST /v1/processes/{id}/stages/{stage}/objections", s.object, MemberState)
}

// applicantCategories are the kinds of organisation that may apply.
var applicantCategories = []string{"civil-society", "diaspora", "migrant-organisation", "private-sector", "academia"}

// maxNameLength bounds an applicant's name.
const maxNameLength = 300

// apply records the token's organisation's application while the special
// accreditation window is open. A claim of ECOSOC consultative status is
// checked against the list the office loaded: matched exactly, the
// organisation is approved at once, and registers outside the window too
// (docs/accreditation.md says why); a near match waits for the office's
// review; an unmatched claim goes on a non-objection basis like any other.
func (s *Server) apply(w http.ResponseWriter, r *http.Request) {
	const op = "api.apply"
	var body wire.ApplyRequest
	if err := decodeJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	body.Name = strings.TrimSpace(body.Name)
	switch {
	case body.Name == "" || len(body.Name) > maxNameLength:
		s.fail(w, r, process.AtField("/name", process.Errorf(op, process.Invalid, "name: want 1 to %d characters", maxNameLength)))
		return
	case !slices.Contains(applicantCategories, body.Category):
		s.fail(w, r, process.AtField("/category", process.Errorf(op, process.Invalid, "category %q: want one of %s", body.Category, strings.Join(applicantCategories, ", "))))
		return
	case body.List != "" && !body.List.Valid():
		s.fail(w, r, process.AtField("/list", process.Errorf(op, process.Invalid, "list %q: want preparatory or conference (the default)", body.List)))
		return
	}
	list := body.List.Or()
	id := r.PathValue("id")
	p, err := s.store.GetProcess(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := time.Now()
	open, stage, dates, err := s.accreditationWindows(r.Context(), id, list, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var match *process.ECOSOCMatch
	if body.ECOSOC {
		m, err := s.ecosocMatch(r.Context(), body.Name)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		match = &m
	}
	if !open && !match.Verified() {
		msg := "no accreditation window of %s's %s list is open: %s"
		if body.ECOSOC {
			msg += "; outside it, a claim of ECOSOC status registers only under its name on the list of organisations in consultative status"
		}
		s.fail(w, r, process.Errorf(op, process.Conflict, msg, id, list, dates))
		return
	}
	at, err := s.processNow(r.Context(), op, p, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	party := principal(r.Context()).Party
	a, err := s.store.Apply(r.Context(), process.Application{
		ProcessID: id, For: list, Party: party, Name: body.Name, Category: body.Category,
		ECOSOC: body.ECOSOC, Match: match, AppliedAt: now,
	}, &store.Act{By: party, Role: string(Stakeholder), At: at, StageID: stage})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := "/v1/processes/" + id + "/applications/" + url.PathEscape(a.Party)
	if list != process.PreparatoryList {
		loc += "?list=" + string(list)
	}
	w.Header().Set("Location", loc)
	writeJSON(w, http.StatusCreated, a)
}

func (s *Server) listApplications(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	state := process.ApplicationState(r.URL.Query().Get("state"))
	switch state {
	case "", process.Applied, process.Review, process.Circulated, process.Approved, process.Rejected:
	default:
		s.fail(w, r, process.Errorf("api.listApplications", process.Invalid,
			"state %q: want applied, review, circulated, approved or rejected", state))
		return
	}
	list := process.AccreditationList(r.URL.Query().Get("list"))
	if list != "" && !list.Valid() {
		s.fail(w, r, badList("api.listApplications", list, "both"))
		return
	}
	if _, err := s.store.GetProcess(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	as, err := s.store.ListApplications(r.Context(), id, list, state)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	shown := make([]process.Application, len(as))
	for i, a := range as {
		shown[i] = shownTo(principal(r.Context()), a)
	}
	writeJSON(w, http.StatusOK, shown)
}

// getApplication shows where an application to one list (?list=, the
// preparatory one by default) stands, with the end of the non-objection
// period of the batch it was circulated on.
func (s *Server) getApplication(w http.ResponseWriter, r *http.Request) {
	list, err := listParam(r, "api.getApplication")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := s.store.GetApplication(r.Context(), r.PathValue("id"), list, r.PathValue("party"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res := wire.ApplicationStanding{Application: shownTo(principal(r.Context()), a)}
	if a.List != "" {
		if res.PeriodEnds, err = s.periodEnds(r.Context(), a.ProcessID, a.List); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	writeJSON(w, http.StatusOK, res)
}

// shownTo is an application as p may see it: which States objected is
// public, their reasons are the PGA office's only.
func shownTo(p Principal, a process.Application) process.Application {
	if p.Role == PGAOffice || len(a.Objections) == 0 {
		return a
	}
	objections := make([]process.Objection, len(a.Objections))
	for i, o := range a.Objections {
		objections[i] = process.Objection{State: o.State}
	}
	a.Objections = objections
	return a
}

// circulate circulates the pending applications to the Member States now,
// rather than when the window closes.
func (s *Server) circulate(w http.ResponseWriter, r *http.Request) {
	var req wire.CirculateRequest
	if err := decodeOptionalJSON(w, r, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	sg, err := s.runningStage(r.Context(), r.PathValue("id"), r.PathValue("stage"), process.AccreditationWindow)
	var aside *setAside
	if err == nil {
		aside, err = s.keepsModalities(r.Context(), sg.ProcessID, "/override", by(r), process.Act{Kind: process.ActCirculate, Stage: sg.Spec}, req.Override)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var res wire.CirculateResult
	if err := s.update(r.Context(), workflows.StageWorkflowID(sg.ProcessID, sg.Spec.ID), workflows.UpdateCirculate,
		workflows.CirculateRequest{Reason: req.Reason, SetAside: aside.record()}, &res); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *Server) object(w http.ResponseWriter, r *http.Request) {
	var body wire.ObjectionRequest
	if err := decodeJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if body.Party == "" {
		s.fail(w, r, process.AtField("/party", process.Errorf("api.object", process.Invalid, "party (the applicant objected to) is required")))
		return
	}
	sg, err := s.runningStage(r.Context(), r.PathValue("id"), r.PathValue("stage"), process.AccreditationWindow)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.objectionsClosed(r.Context(), sg, body.Party); err != nil {
		s.fail(w, r, err)
		return
	}
	res := wire.Objection{Party: body.Party, State: principal(r.Context()).Party}
	req := workflows.ObjectRequest{Party: body.Party, State: res.State, Reason: body.Reason}
	if err := s.update(r.Context(), workflows.StageWorkflowID(sg.ProcessID, sg.Spec.ID), workflows.UpdateObject, req, &res.List); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// listParam is the accreditation list a route on one application names
// with ?list=, the preparatory one when it names none.
func listParam(r *http.Request, op string) (process.AccreditationList, error) {
	l := process.AccreditationList(r.URL.Query().Get("list"))
	if l != "" && !l.Valid() {
		return "", badList(op, l, "preparatory")
	}
	return l.Or(), nil
}

func badList(op string, l process.AccreditationList, byDefault string) error {
	return process.Errorf(op, process.Invalid, "list=%q: want preparatory or conference (without it: %s)", l, byDefault)
}
