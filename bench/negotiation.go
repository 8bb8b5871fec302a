package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/text"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

// negotiationParagraphs is the length of the draft the delegations amend.
const negotiationParagraphs = 40

// negotiation is the negotiation run: Member States' delegations, one per
// client, each proposing an amendment to the latest revision of a draft
// and then taking a position on it, in turn, over HTTP. Each answer is
// acknowledged durable: the write and its record entry committed together.
func (b *bench) negotiation(ctx context.Context) (Figures, error) {
	id, err := b.openNegotiation(ctx)
	if err != nil {
		return Figures{}, err
	}
	states := process.MemberStates()
	tokens := make([]string, b.o.Concurrency)
	for i := range tokens {
		secret, tok, err := api.NewToken(api.MemberState, states[i%len(states)].Code, "", "bench", time.Now())
		if err == nil {
			err = b.stack.store.CreateToken(ctx, tok)
		}
		if err != nil {
			return Figures{}, err
		}
		tokens[i] = secret
	}
	amendments := b.stack.apiURL + "/v1/processes/" + id + "/text/amendments"
	last := make([]string, b.o.Concurrency) // each client's latest amendment, which it takes a position on next
	var seq atomic.Int64
	write := func(ctx context.Context, c int) error {
		i := int(seq.Add(1))
		if last[c] != "" {
			stance := []text.Stance{text.Support, text.Oppose, text.Reservation}[i%3]
			err := b.call(ctx, "PUT", amendments+"/"+last[c]+"/position", tokens[c], "", wire.PositionRequest{Stance: stance}, http.StatusOK, nil)
			last[c] = ""
			return err
		}
		in := wire.TextAmendmentRequest{Kind: text.Replace, Paragraph: fmt.Sprintf("OP%d", 1+i%(negotiationParagraphs-1)),
			Text:    fmt.Sprintf("Amendment %d: the Member States commit to cooperate on safe, orderly and regular migration.", i),
			Sponsor: states[c%len(states)].Code}
		var a wire.TextAmendment
		if err := b.call(ctx, "POST", amendments, tokens[c], fmt.Sprint("bench-", i), in, http.StatusCreated, &a); err != nil {
			return err
		}
		last[c] = a.ID
		return nil
	}
	if _, err := drive(ctx, "warm-up", b.o.Concurrency, 4*b.o.Concurrency, 0, write); err != nil {
		return Figures{}, err
	}
	var f Figures
	err = profiled(b.o.ProfileDir, "negotiation", func() (err error) {
		f, err = drive(ctx, "negotiation: amendments and positions", b.o.Concurrency, b.o.Negotiation, 0, write)
		return err
	})
	return f, err
}

// openNegotiation starts a process whose zero draft is due now, publishes
// it, waits for its amendment window and stores its text, as the drafting
// workflow does.
func (b *bench) openNegotiation(ctx context.Context) (string, error) {
	now := time.Now().UTC().Truncate(time.Second)
	id := fmt.Sprintf("bench-text-%d", now.Unix())
	tmpl := process.Template{
		ID: id, Title: "Negotiation rush", Code: "BTEXT",
		Rules: process.Rules{NonObjectionDays: 1, Adoption: "consensus", Voters: "member-states"},
		Phases: []process.Phase{{ID: "negotiations", Title: "Negotiations", Stages: []process.StageSpec{
			{ID: "zero", Kind: process.Draft, Title: "Zero draft", Start: process.Date{Time: now}},
			{ID: "rev1", Kind: process.Draft, Title: "Revision 1", Start: process.Date{Time: now.Add(24 * time.Hour)}},
		}}},
	}
	if _, err := b.stack.client.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: workflows.ProcessWorkflowID(id), TaskQueue: workflows.TaskQueue,
	}, workflows.Process, workflows.ProcessInput{ProcessID: id, Template: tmpl}); err != nil {
		return "", err
	}
	var md strings.Builder
	md.WriteString("# Negotiation rush\n")
	for i := 1; i < negotiationParagraphs; i++ {
		fmt.Fprintf(&md, "\n%d. Paragraph %d of the draft, on cooperation for safe, orderly and regular migration.\n", i, i)
	}
	rev, err := text.Parse(md.String())
	if err != nil {
		return "", err
	}
	text.Identify(nil, rev)
	paragraphs := make([]string, len(rev.Paragraphs))
	for i, p := range rev.Paragraphs {
		paragraphs[i] = p.Text
	}
	// The process registers itself, and the stage's workflow starts, a
	// moment after the process's.
	var doc process.DocumentVersion
	for deadline := time.Now().Add(time.Minute); ; {
		doc, err = b.stack.store.PutDocument(ctx, process.DocumentVersion{ProcessID: id, StageID: "zero", Name: workflows.DraftName,
			Title: "Zero draft", Kind: "draft", Paragraphs: paragraphs, IssuedAt: now})
		if err == nil {
			var h client.WorkflowUpdateHandle
			h, err = b.stack.client.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
				WorkflowID: workflows.StageWorkflowID(id, "zero"), UpdateName: workflows.UpdatePublishRevision,
				Args: []any{workflows.PublishRevisionRequest{Revision: 0, SHA256: doc.SHA256}}, WaitForStage: client.WorkflowUpdateStageCompleted,
			})
			if err == nil {
				err = h.Get(ctx, nil)
			}
		}
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("publishing the zero draft: %w", err)
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	for deadline := time.Now().Add(time.Minute); ; {
		w, err := b.stack.store.GetWindow(ctx, id, "zero")
		if err == nil && w.State == process.WindowOpen {
			break
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("the amendment window did not open in a minute: %+v, %v", w, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	_, err = b.stack.store.PutRevision(ctx, store.Revision{ProcessID: id, Revision: *rev, Language: "en"})
	return id, err
}

// call sends in as JSON, with an idempotency key when key is set, and
// decodes the answer into out unless it is nil.
func (b *bench) call(ctx context.Context, method, url, token, key string, in any, status int, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := b.http.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	if res.StatusCode != status {
		return fmt.Errorf("%s %s: %s %s", method, req.URL.Path, res.Status, excerpt(answer))
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(answer, out)
}
