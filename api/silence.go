package api

import (
	"context"
	"net/http"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// silenceRoutes registers a Member State's break of a silence procedure;
// the procedure's deadline and outcome show in the stage's GET.
func (s *Server) silenceRoutes(mux *http.ServeMux) {
	s.handle(mux, "POST /v1/processes/{id}/stages/{stage}/silence/break", s.breakSilence, MemberState)
}

// breakSilence breaks a running silence with the token's State's letter;
// the silence's workflow refuses a break after its deadline or after
// another State's.
func (s *Server) breakSilence(w http.ResponseWriter, r *http.Request) {
	var body wire.BreakSilenceRequest
	if err := decodeJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := body.Check(); err != nil {
		s.fail(w, r, err)
		return
	}
	sg, err := s.runningStage(r.Context(), r.PathValue("id"), r.PathValue("stage"), process.Silence)
	if err == nil {
		req := workflows.BreakSilenceRequest{State: principal(r.Context()).Party, Letter: body.Letter, Proposal: body.Proposal}
		var res process.SilenceBreak
		if err = s.update(r.Context(), workflows.StageWorkflowID(sg.ProcessID, sg.Spec.ID), workflows.UpdateBreakSilence, req, &res); err == nil {
			writeJSON(w, http.StatusOK, res)
			return
		}
	}
	// A stage that ended a moment ago may still read as running: the
	// record says how its silence ended.
	if process.KindOf(err) == process.Conflict && sg.Spec.Kind == process.Silence {
		if ended := s.silenceEnded(r.Context(), sg); ended != nil {
			err = ended
		}
	}
	s.fail(w, r, err)
}

// silenceEnded is the conflict of a break after the silence ended, saying
// who broke it or that it passed; nil while the record has no outcome.
func (s *Server) silenceEnded(ctx context.Context, sg process.Stage) error {
	const op = "api.breakSilence"
	res, err := s.silenceOf(ctx, sg)
	switch {
	case err != nil:
		return err
	case res.Outcome == "":
		return nil
	case res.Break != nil:
		return process.Errorf(op, process.Conflict, "%s broke the silence at %s already", res.Break.State, stageInstant(sg.Spec, res.Break.At))
	}
	return process.Errorf(op, process.Conflict, "the silence ended at its deadline, %s (%s)",
		stageDeadline(sg.Spec, res.Deadline), res.Outcome)
}

// silenceEvents are the record's events that end a silence procedure.
var silenceEvents = event.Strings(event.SilenceBroken, event.SilencePassed, event.SilenceEnded)

// silenceOf is a silence stage's procedure as its record entries tell it:
// only those events are read, not the whole record.
func (s *Server) silenceOf(ctx context.Context, sg process.Stage) (*process.SilenceResult, error) {
	entries, err := s.store.EntriesOf(ctx, sg.ProcessID, silenceEvents)
	if err != nil {
		return nil, err
	}
	res := &process.SilenceResult{Deadline: sg.Spec.SilenceEnds()}
	for _, e := range entries {
		if e.StageID != sg.Spec.ID {
			continue
		}
		data, err := event.Decode(event.Name(e.Event), []byte(e.Data))
		if err != nil {
			return nil, process.E("api.silenceOf", process.Internal, err)
		}
		switch d := data.(type) {
		case *event.SilenceBrokenData:
			res.Outcome = process.SilenceBroken
			res.Break = &process.SilenceBreak{State: d.State, At: e.At, LetterSHA256: d.LetterSHA256, ProposalSHA256: d.ProposalSHA256}
		case *event.SilenceEndedData:
			res.Outcome = d.Outcome
		}
	}
	return res, nil
}
