package client

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/compact-un/compact/wire"
)

// ProposeTextAmendment proposes an amendment to the latest revision of a
// process's text under an idempotency key: a retry with the same key gets
// the amendment first stored, and created false.
func (c *Client) ProposeTextAmendment(ctx context.Context, id, idempotencyKey string, in wire.TextAmendmentRequest) (wire.TextAmendment, bool, error) {
	b, err := json.Marshal(in)
	if err != nil {
		return wire.TextAmendment{}, false, err
	}
	var a wire.TextAmendment
	status, err := c.send(ctx, request{method: http.MethodPost, path: ProcessPath(id, "text", "amendments"),
		header: http.Header{"Idempotency-Key": {idempotencyKey}}, contentType: "application/json", body: bytes.NewReader(b)}, &a)
	return a, status == http.StatusCreated, err
}

// Cosponsor joins an amendment as the token's State, or as party, a group
// it belongs to.
func (c *Client) Cosponsor(ctx context.Context, id, amendment, party string) (wire.TextAmendment, error) {
	var a wire.TextAmendment
	_, err := c.call(ctx, http.MethodPost, ProcessPath(id, "text", "amendments", amendment, "cosponsors"),
		wire.CosponsorRequest{Party: party}, &a)
	return a, err
}

// WithdrawCosponsor withdraws party's co-sponsorship of an amendment.
func (c *Client) WithdrawCosponsor(ctx context.Context, id, amendment, party string) (wire.TextAmendment, error) {
	var a wire.TextAmendment
	_, err := c.call(ctx, http.MethodDelete, ProcessPath(id, "text", "amendments", amendment, "cosponsors", party), nil, &a)
	return a, err
}

// TakePosition takes a position on an amendment; the answer says whether
// it replaced the party's earlier one.
func (c *Client) TakePosition(ctx context.Context, id, amendment string, in wire.PositionRequest) (wire.PositionTaken, error) {
	var p wire.PositionTaken
	_, err := c.call(ctx, http.MethodPut, ProcessPath(id, "text", "amendments", amendment, "position"), in, &p)
	return p, err
}

// DecideAmendment records the co-facilitators' decision on an amendment.
func (c *Client) DecideAmendment(ctx context.Context, id, amendment string, in wire.DecisionRequest) (wire.TextAmendment, error) {
	var a wire.TextAmendment
	_, err := c.call(ctx, http.MethodPut, ProcessPath(id, "text", "amendments", amendment, "decision"), in, &a)
	return a, err
}

// MarkParagraph marks a paragraph of a revision, named by its ID or its
// label (OP12, PP3).
func (c *Client) MarkParagraph(ctx context.Context, id string, revision int, paragraph string, in wire.MarkRequest) (wire.ParagraphMark, error) {
	var m wire.ParagraphMark
	_, err := c.call(ctx, http.MethodPut, ProcessPath(id, "text", "revisions", strconv.Itoa(revision), "paragraphs", paragraph, "mark"), in, &m)
	return m, err
}

// Groups lists the groups of States that negotiate in a process with one
// voice, with their members and sources.
func (c *Client) Groups(ctx context.Context, id string) (wire.Groups, error) {
	return get[wire.Groups](ctx, c, ProcessPath(id, "groups"), nil)
}
