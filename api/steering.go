package api

import (
	"context"
	"net/http"
	"time"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// The PGA office steers a running process: it moves, extends, ends and
// re-venues stages that have not ended, each a Process workflow update
// whose validator refuses a change with its reason, recorded with who made
// it and why.

// steeringRoutes registers the office's steering of stages.
func (s *Server) steeringRoutes(mux *http.ServeMux) {
	s.handle(mux, "POST /v1/processes/{id}/stages/{stage}/move", steerWith(s, workflows.UpdateMoveStage,
		func(stage, by string, b wire.MoveStageRequest, o *event.ModalityOverriddenData) any {
			return workflows.MoveStageRequest{StageID: stage, Start: b.Start, End: b.End, Reason: b.Reason, By: by, SetAside: o}
		}, func(spec process.StageSpec, b wire.MoveStageRequest) (string, process.StageSpec, *process.Override) {
			return "/start", spec.Moved(b.Start, b.End), b.Override
		}), PGAOffice)
	s.handle(mux, "POST /v1/processes/{id}/stages/{stage}/extend", steerWith(s, workflows.UpdateExtendStage,
		func(stage, by string, b wire.ExtendStageRequest, o *event.ModalityOverriddenData) any {
			return workflows.ExtendStageRequest{StageID: stage, Days: b.Days, EndNow: b.EndNow, Reason: b.Reason, By: by, SetAside: o}
		}, func(spec process.StageSpec, b wire.ExtendStageRequest) (string, process.StageSpec, *process.Override) {
			if b.EndNow { // ends earlier than planned: no later stage waits longer
				return "/endNow", spec, b.Override
			}
			return "/days", spec.Extended(b.Days), b.Override
		}), PGAOffice)
	s.handle(mux, "POST /v1/processes/{id}/stages/{stage}/venue", steerWith(s, workflows.UpdateSetVenue,
		func(stage, by string, b wire.VenueRequest, _ *event.ModalityOverriddenData) any {
			return workflows.SetVenueRequest{StageID: stage, Place: b.Place, TimeZone: b.TimeZone, Reason: b.Reason, By: by}
		}, nil), PGAOffice)
}

// redated is a steering body's stage with its new dates, for the
// modalities' check: the field at fault, the stage, and the body's override.
type redated[B any] func(spec process.StageSpec, body B) (pointer string, moved process.StageSpec, o *process.Override)

// steerWith is a route that decodes and checks a body B and runs the update request
// makes of it, for the stage in the path, by the caller; with dates, the
// stage's new dates first keep the process's modalities, and a rule set
// aside goes into the request, for the change's record.
func steerWith[B interface{ Check() error }](s *Server, update string, request func(stageID, by string, body B, o *event.ModalityOverriddenData) any, dates redated[B]) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		var body B
		if err := decodeJSON(w, r, &body); err != nil {
			s.fail(w, r, err)
			return
		}
		if err := body.Check(); err != nil {
			s.fail(w, r, err)
			return
		}
		var aside *setAside
		if dates != nil {
			id := r.PathValue("id")
			sg, err := s.findStage(r.Context(), id, r.PathValue("stage"))
			if err == nil {
				pointer, moved, o := dates(sg.Spec, body)
				aside, err = s.keepsModalities(r.Context(), id, pointer, by(r), process.Act{Kind: process.ActSchedule, Stage: moved}, o)
				sg.Spec = moved
			}
			if err != nil {
				s.fail(w, r, err)
				return
			}
			if d, ok := any(body).(interface{ Dry() bool }); ok && d.Dry() {
				s.dryRun(w, r, sg)
				return
			}
		}
		s.steer(w, r, update, request(r.PathValue("stage"), by(r), body, aside.record()))
	}
}

// steer runs a steering update and answers with the stage as it now stands.
func (s *Server) steer(w http.ResponseWriter, r *http.Request, update string, req any) {
	id := r.PathValue("id")
	var st workflows.StageState
	if err := s.updateProcess(r.Context(), id, update, req, &st); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.scheduled(r.Context(), id, st))
}

// by names who in the office made a change, for the record: the token's
// party and the token, which the office can trace to a person.
func by(r *http.Request) string { return actor(r.Context()) }

// actor is by for the request's context.
func actor(ctx context.Context) string {
	p := principal(ctx)
	if p.TokenID == "" {
		return p.Party
	}
	return p.Party + " (" + p.TokenID + ")"
}

// windowTimes reads a window's new opening and deadline by the one deadline
// rule, in the stage's venue zone: a date alone opens at the start of that
// day there and closes at its end.
func windowTimes(sg process.Stage, opens, closes string) (time.Time, time.Time, error) {
	loc := sg.Spec.Location()
	var o, c time.Time
	var err error
	if opens != "" {
		if o, err = process.ParseOpening(opens, loc); err != nil {
			return o, c, err
		}
	}
	if closes != "" {
		c, err = process.ParseDeadline(closes, loc)
	}
	return o, c, err
}

// inZone shows an instant in the venue's zone: the same instant, with the
// venue's offset.
func inZone(t time.Time, loc *time.Location) time.Time {
	if t.IsZero() {
		return t
	}
	return t.In(loc)
}
