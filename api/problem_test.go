package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

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
		{"no template", func() error {
			_, err := pga.CreateProcess(ctx, wire.CreateProcessRequest{ID: "no-template"})
			return err
		}, http.StatusBadRequest, "/template"},
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

// TestClientSubscriptions: a program subscribes, lists and unsubscribes
// through the Go client, and reads the delivery report.
func TestClientSubscriptions(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	id, code := uniqueID("client")
	launchProcess(t, a, pga, inlineProcess(testTemplate(id, code, time.Now().Add(time.Hour))))
	ctx := context.Background()
	ngo := &client.Client{BaseURL: a.hs.URL, Token: a.token(Stakeholder, "org-"+id, "")}
	answer, err := ngo.Subscribe(ctx, id, wire.SubscribeRequest{Address: "it@" + id + ".example", Topics: []string{"windows"}})
	if err != nil || answer.Subscription.Recipient != "it@"+id+".example" || answer.Status != "" {
		t.Fatalf("subscribe: %+v, %v", answer, err)
	}
	observer := &client.Client{BaseURL: a.hs.URL}
	if sent, err := observer.Subscribe(ctx, id, wire.SubscribeRequest{Address: "press@" + id + ".example"}); err != nil || sent.Status != "confirmation-sent" {
		t.Fatalf("an observer subscribes: %+v, %v", sent, err)
	}
	subs, err := ngo.Subscriptions(ctx)
	if err != nil || len(subs) != 1 || subs[0].ID != answer.Subscription.ID {
		t.Fatalf("subscriptions: %+v, %v", subs, err)
	}
	if err := ngo.DeleteSubscription(ctx, subs[0].ID); err != nil {
		t.Fatal(err)
	}
	if subs, err := ngo.Subscriptions(ctx); err != nil || len(subs) != 0 {
		t.Fatalf("after deleting: %+v, %v", subs, err)
	}
	office := &client.Client{BaseURL: a.hs.URL, Token: pga}
	if rep, err := office.Deliveries(ctx, id, "", "", 10); err != nil || rep.ProcessID != id || rep.Endpoints == nil {
		t.Fatalf("delivery report: %+v, %v", rep, err)
	}
	if _, err := observer.Confirm(ctx, "not-a-token"); !isStatus(err, http.StatusUnauthorized) {
		t.Fatalf("a made-up link: %v", err)
	}
	if _, err := observer.Unsubscribe(ctx, "not-a-token"); !isStatus(err, http.StatusUnauthorized) {
		t.Fatalf("a made-up unsubscribe link: %v", err)
	}
	// What observers read of a process that has received nothing yet.
	if rows, err := observer.ExportContributions(ctx, id); err != nil || len(rows) != 0 {
		t.Fatalf("open data: %+v, %v", rows, err)
	}
	if list, err := observer.Amendments(ctx, id, "zero"); err != nil || len(list.Amendments) != 0 {
		t.Fatalf("amendments: %+v, %v", list, err)
	}
	if _, err := observer.Application(ctx, id, "org-"+id); !isStatus(err, http.StatusNotFound) {
		t.Fatalf("an application never made: %v", err)
	}
}

func isStatus(err error, status int) bool {
	prob, ok := errors.AsType[*client.Problem](err)
	return ok && prob.Status == status
}

// TestClientTokens: the office issues a token through the Go client, its
// holder reads who it speaks for and rotates it, and the office revokes it.
func TestClientTokens(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	ctx := context.Background()
	office := &client.Client{BaseURL: a.hs.URL, Token: a.token(PGAOffice, "PGA", "")}
	issued, err := office.CreateToken(ctx, wire.TokenRequest{Role: string(MemberState), Party: "MEX", Label: "client test"})
	if err != nil || issued.Secret == "" || issued.Party != "MEX" {
		t.Fatalf("create: %+v, %v", issued, err)
	}
	mexico := &client.Client{BaseURL: a.hs.URL, Token: issued.Secret}
	if who, err := mexico.Session(ctx); err != nil || who.Party != "MEX" || who.TokenID != issued.ID {
		t.Fatalf("session: %+v, %v", who, err)
	}
	// Its own: Mexico's member-state tokens (other tests hold some too), none else.
	own, err := mexico.Tokens(ctx)
	if err != nil || !slices.ContainsFunc(own, func(tok wire.Token) bool { return tok.ID == issued.ID }) ||
		slices.ContainsFunc(own, func(tok wire.Token) bool { return tok.Party != "MEX" || tok.Role != string(MemberState) }) {
		t.Fatalf("its own tokens: %+v, %v", own, err)
	}
	grace := int64(0)
	rotated, err := mexico.RotateToken(ctx, issued.ID, wire.RotateTokenRequest{GraceSeconds: &grace})
	if err != nil || rotated.Secret == "" || rotated.Secret == issued.Secret {
		t.Fatalf("rotate: %+v, %v", rotated, err)
	}
	if _, err := mexico.Session(ctx); !isStatus(err, http.StatusUnauthorized) {
		t.Fatalf("the replaced secret with no grace: %v", err)
	}
	mexico.Token = rotated.Secret
	if err := office.RevokeToken(ctx, issued.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := mexico.Session(ctx); !isStatus(err, http.StatusUnauthorized) {
		t.Fatalf("after revocation: %v", err)
	}
}
