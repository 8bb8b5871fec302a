package api

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/compact-un/compact/client"
	"github.com/compact-un/compact/wire"
)

// TestFieldErrors: a body refused for one of its fields says which, by a
// JSON pointer, so that a client puts the reason on the field; asked
// through the Go client, as a program would.
func TestFieldErrors(t *testing.T) {
	a := newAPIServer(t)
	as := func(role Role, party string) *client.Client {
		return &client.Client{BaseURL: a.hs.URL, Token: a.token(role, party, "")}
	}
	pga, ngo, mex := as(PGAOffice, "pga"), as(Stakeholder, "ngo-fields"), as(MemberState, "MEX")
	ctx, id := context.Background(), "no-such-process" // every check here comes before the process is looked up
	blank, seven := "", 7
	for _, tc := range []struct {
		name    string
		call    func() error
		status  int
		pointer string
	}{
		{"scale below 1", func() error {
			_, err := pga.CreateProcess(ctx, wire.CreateProcessRequest{Template: "gcm-2018", Scale: 0.5})
			return err
		}, http.StatusBadRequest, "/scale"},
		{"a stage's title not a string", func() error {
			return pga.Call(ctx, http.MethodPost, client.ProcessPath(id, "stages"), map[string]any{"phase": "p", "stage": map[string]any{"title": 5}}, nil)
		}, http.StatusBadRequest, "/stage/title"},
		{"reschedule without a start", func() error {
			_, err := pga.Reschedule(ctx, id, "ts1", wire.RescheduleRequest{Reason: "venue"})
			return err
		}, http.StatusBadRequest, "/start"},
		{"application without a name", func() error {
			_, err := ngo.Apply(ctx, id, wire.ApplyRequest{Name: " ", Category: "academia"})
			return err
		}, http.StatusBadRequest, "/name"},
		{"application in no category", func() error {
			_, err := ngo.Apply(ctx, id, wire.ApplyRequest{Name: "An NGO", Category: "lobby"})
			return err
		}, http.StatusBadRequest, "/category"},
		{"objection to no one", func() error {
			_, err := mex.Object(ctx, id, "acc", wire.ObjectionRequest{})
			return err
		}, http.StatusBadRequest, "/party"},
		{"contribution without a title", func() error {
			_, _, err := ngo.Submit(ctx, id, "ts1", "key-1", wire.ContributionRequest{Body: "Text."}, nil)
			return err
		}, http.StatusBadRequest, "/title"},
		{"amendment to paragraph 0", func() error {
			_, err := mex.ProposeAmendment(ctx, id, "zero", wire.AmendmentRequest{Text: "Zero."})
			return err
		}, http.StatusBadRequest, "/paragraph"},
		{"a blank paragraph", func() error {
			_, _, err := pga.PublishDraft(ctx, id, "zero", wire.DraftRequest{Revision: &seven, Paragraphs: []string{"One.", blank}})
			return err
		}, http.StatusBadRequest, "/paragraphs/1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var prob *client.Problem
			if err := tc.call(); !errors.As(err, &prob) {
				t.Fatalf("err %v, want a problem", err)
			}
			if prob.Status != tc.status || len(prob.Errors) != 1 || prob.Errors[0].Pointer != tc.pointer ||
				prob.Errors[0].Detail == "" || prob.Errors[0].Detail != prob.Detail {
				t.Errorf("problem %+v, want %d about %s", prob, tc.status, tc.pointer)
			}
		})
	}
	// A refusal about no field has no errors.
	_, err := pga.Process(ctx, id)
	if prob, ok := errors.AsType[*client.Problem](err); !ok || prob.Status != http.StatusNotFound || prob.Errors != nil {
		t.Errorf("unknown process: %v", err)
	}
}
