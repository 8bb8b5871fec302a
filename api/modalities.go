package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// A process's modalities are its template's rules. The office's acts are
// checked against them here, where the act is taken, by one domain check
// (process.CheckModalities); the workflows keep their own state. An
// override of a rule goes with the act to its workflow, which records it
// with the act's own entry under a key the act names: the record holds no
// override of an act refused, one of an act retried, and every act done
// with its override.

func (s *Server) modalityRoutes(mux *http.ServeMux) {
	s.handle(mux, "GET /v1/processes/{id}/modalities", s.listModalities)
}

// modalities are the rules of a process's template, asked of its
// workflow once: they never change.
func (s *Server) modalities(ctx context.Context, processID string) ([]process.Modality, error) {
	if m, ok := s.modals.Load(processID); ok {
		return m.([]process.Modality), nil
	}
	t, err := s.processTemplate(ctx, "api.modalities", processID)
	if err != nil {
		return nil, err
	}
	s.modals.Store(processID, t.Modalities)
	return t.Modalities, nil
}

// setAside is a rule the office set aside for an act, to be recorded with
// it.
type setAside struct {
	act    process.Act
	breach *process.Breach
	reason string
	actor  event.Actor
}

// keepsModalities refuses an act of the office that breaks a rule of the
// process's modalities, with the rule, at the field pointer names. An
// override naming the rule, with a reason, lets it through: the rule set
// aside is returned, for its workflow to record with the act; nil when none is.
func (s *Server) keepsModalities(ctx context.Context, processID, pointer, by string, act process.Act, o *process.Override) (*setAside, error) {
	rules, err := s.modalities(ctx, processID)
	if err != nil || (len(rules) == 0 && o == nil) {
		return nil, err
	}
	p, err := s.store.GetProcess(ctx, processID)
	if err != nil {
		return nil, err
	}
	if act.At.IsZero() {
		if act.At, err = s.processNow(ctx, "api.keepsModalities", p, time.Now()); err != nil {
			return nil, err
		}
	}
	timeline, err := s.timeline(ctx, processID)
	if err != nil {
		return nil, err
	}
	if act.Kind == process.ActPublish {
		if act.SetAside, err = s.setAsideFor(ctx, processID, act.Stage.ID); err != nil {
			return nil, err
		}
	}
	b, err := process.CheckModalities(rules, timeline, act, o)
	if process.KindOf(err) == process.Rule {
		return nil, process.AtField(pointer, err)
	}
	if err != nil || b == nil {
		return nil, err
	}
	return &setAside{act: act, breach: b, reason: o.Reason,
		actor: event.Actor{By: by, Role: string(principal(ctx).Role)}}, nil
}

// setAsideFor are the rules a schedule change of the stage was let
// through against: its draft, published on the dates set, needs no second
// override.
func (s *Server) setAsideFor(ctx context.Context, processID, stageID string) ([]string, error) {
	entries, err := s.store.EntriesOf(ctx, processID, event.Strings(event.ModalityOverridden))
	if err != nil {
		return nil, err
	}
	var rules []string
	for _, e := range entries {
		d, err := event.DecodeAs[event.ModalityOverriddenData]([]byte(e.Data))
		if err != nil {
			return nil, process.E("api.setAsideFor", process.Internal, err)
		}
		if d.Stage == stageID && d.Act == string(process.ActSchedule) {
			rules = append(rules, d.Rule)
		}
	}
	return rules, nil
}

// record is the override's entry: nil when no rule was set aside.
func (a *setAside) record() *event.ModalityOverriddenData {
	if a == nil {
		return nil
	}
	return &event.ModalityOverriddenData{Act: string(a.act.Kind), Actor: a.actor, Breach: a.breach.Detail,
		Reason: a.reason, Rule: a.breach.Rule.ID, Source: a.breach.Rule.Source.String(), Stage: a.act.Stage.ID}
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
