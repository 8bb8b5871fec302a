package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// A process's modalities are its template's rules. The office's acts are
// checked against them here, where the act is taken, by one domain check
// (process.CheckModalities); the workflows keep their own state. An
// override of a rule is recorded in the process's record before the act
// runs, as the text's acts are recorded by the store.

func (s *Server) modalityRoutes(mux *http.ServeMux) {
	s.handle(mux, "GET /v1/processes/{id}/modalities", s.listModalities)
}

// modalities are the rules of a process's template, read from its
// workflow's input once: they never change.
func (s *Server) modalities(ctx context.Context, processID string) ([]process.Modality, error) {
	if m, ok := s.modals.Load(processID); ok {
		return m.([]process.Modality), nil
	}
	var in workflows.ProcessInput
	if err := s.workflowInput(ctx, "api.modalities", workflows.ProcessWorkflowID(processID), &in); err != nil {
		return nil, err
	}
	s.modals.Store(processID, in.Template.Modalities)
	return in.Template.Modalities, nil
}

// keepsModalities refuses an act of the office that breaks a rule of the
// process's modalities, with the rule, at the field pointer names. An
// override naming the rule, with a reason, lets it through, recorded first.
func (s *Server) keepsModalities(ctx context.Context, processID, pointer, by string, act process.Act, o *process.Override) error {
	rules, err := s.modalities(ctx, processID)
	if err != nil || (len(rules) == 0 && o == nil) {
		return err
	}
	p, err := s.store.GetProcess(ctx, processID)
	if err != nil {
		return err
	}
	now := time.Now()
	if c := s.processClock(ctx, p); c != nil {
		now = c.ProcessTime(now)
	}
	if act.At.IsZero() {
		act.At = now
	}
	timeline, err := s.timeline(ctx, processID)
	if err != nil {
		return err
	}
	b, err := process.CheckModalities(rules, timeline, act, o)
	if process.KindOf(err) == process.Rule {
		return process.AtField(pointer, err)
	}
	if err != nil || b == nil {
		return err
	}
	data, err := event.Encode(event.ModalityOverriddenData{Act: string(act.Kind), Actor: event.Actor{By: by, Role: string(principal(ctx).Role)},
		Breach: b.Detail, Reason: o.Reason, Rule: b.Rule.ID, Source: b.Rule.Source.String(), Stage: act.Stage.ID})
	if err == nil {
		data, err = event.Canonical(data)
	}
	if err != nil {
		return process.E("api.keepsModalities", process.Internal, err)
	}
	_, err = s.store.Append(ctx, process.RecordEvent{ProcessID: processID, StageID: act.Stage.ID, Event: string(event.ModalityOverridden),
		Key: string(event.ModalityOverridden) + "/" + b.Rule.ID + "/" + strconv.FormatInt(time.Now().UnixNano(), 36),
		At:  now.UTC(), Data: string(data)})
	return err
}

// ruleOf is the rule an error says the request breaks, for its problem.
func ruleOf(err error) *wire.ProblemRule {
	var b *process.Breach
	if !errors.As(err, &b) {
		return nil
	}
	return &wire.ProblemRule{ID: b.Rule.ID, Text: b.Rule.Text, Source: b.Rule.Source.String()}
}

func (s *Server) listModalities(w http.ResponseWriter, r *http.Request) {
	ctx, id := r.Context(), r.PathValue("id")
	if _, err := s.store.GetProcess(ctx, id); err != nil {
		s.fail(w, r, err)
		return
	}
	rules, err := s.modalities(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	entries, err := s.store.EntriesOf(ctx, id, event.Strings(event.ModalityOverridden))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	overrides := map[string][]wire.ModalityOverride{}
	for _, e := range entries {
		d, err := event.DecodeAs[event.ModalityOverriddenData]([]byte(e.Data))
		if err != nil {
			s.fail(w, r, process.E("api.listModalities", process.Internal, err))
			return
		}
		overrides[d.Rule] = append(overrides[d.Rule], wire.ModalityOverride{Seq: e.Seq, At: e.At, By: d.By, Role: d.Role,
			Act: d.Act, Stage: d.Stage, Breach: d.Breach, Reason: d.Reason})
	}
	out := wire.Modalities{ProcessID: id, Rules: make([]wire.Modality, len(rules))}
	for i, m := range rules {
		out.Rules[i] = wire.Modality{Modality: m, State: wire.ModalityKept, Overrides: overrides[m.ID]}
		switch {
		case !m.Enforced():
			out.Rules[i].State = wire.ModalityDeclared
		case len(overrides[m.ID]) > 0:
			out.Rules[i].State = wire.ModalityOverridden
		}
	}
	writeJSON(w, http.StatusOK, out)
}
