package client

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// File is a contribution's attachment: a PDF, a DOCX or plain text.
type File struct {
	Name    string
	Content io.Reader
}

// Submit submits a contribution under an idempotency key: a retry with the
// same key gets the first receipt, and created false. With a file it goes
// as multipart/form-data, else as JSON.
func (c *Client) Submit(ctx context.Context, id, stage, idempotencyKey string, in wire.ContributionRequest, file *File) (process.Receipt, bool, error) {
	rq := request{method: http.MethodPost, path: ProcessPath(id, "stages", stage, "contributions"),
		header: http.Header{"Idempotency-Key": {idempotencyKey}}}
	var err error
	if file == nil {
		var b []byte
		b, err = json.Marshal(in)
		rq.body, rq.contentType = bytes.NewReader(b), "application/json"
	} else {
		rq.body, rq.contentType, err = multipartBody(in, file)
	}
	if err != nil {
		return process.Receipt{}, false, err
	}
	var receipt process.Receipt
	status, err := c.send(ctx, rq, &receipt)
	return receipt, status == http.StatusCreated, err
}

func multipartBody(in wire.ContributionRequest, file *File) (io.Reader, string, error) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range [][2]string{{"title", in.Title}, {"body", in.Body}} {
		if err := mw.WriteField(f[0], f[1]); err != nil {
			return nil, "", err
		}
	}
	part, err := mw.CreateFormFile("attachment", file.Name)
	if err == nil {
		_, err = io.Copy(part, file.Content)
	}
	if err == nil {
		err = mw.Close()
	}
	return &buf, mw.FormDataContentType(), err
}

// Contributions is a page of a process's contributions.
func (c *Client) Contributions(ctx context.Context, id string, f wire.ContributionFilter) (wire.ContributionPage, error) {
	q := url.Values{}
	for k, v := range map[string]string{"stage": f.StageID, "party": f.Party, "after": f.After} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.Limit > 0 {
		q.Set("limit", strconv.Itoa(f.Limit))
	}
	return get[wire.ContributionPage](ctx, c, ProcessPath(id, "contributions"), q)
}

// Contribution is one contribution, its text when the caller may read it.
func (c *Client) Contribution(ctx context.Context, tracking string) (wire.Contribution, error) {
	return get[wire.Contribution](ctx, c, "/v1/contributions/"+url.PathEscape(tracking), nil)
}

// Withdraw withdraws the caller's own contribution.
func (c *Client) Withdraw(ctx context.Context, tracking string) error {
	_, err := c.call(ctx, http.MethodDelete, "/v1/contributions/"+url.PathEscape(tracking), nil, nil)
	return err
}

// ExportContributions is a process's open data: every receipt, and the
// bodies published.
func (c *Client) ExportContributions(ctx context.Context, id string) ([]wire.ExportRow, error) {
	return get[[]wire.ExportRow](ctx, c, ProcessPath(id, "contributions.json"), nil)
}

// ProposeAmendment proposes an amendment, as the token's Member State.
func (c *Client) ProposeAmendment(ctx context.Context, id, stage string, in wire.AmendmentRequest) (process.Amendment, error) {
	return post[process.Amendment](ctx, c, ProcessPath(id, "stages", stage, "amendments"), in)
}

// Amendments are a draft stage's amendments.
func (c *Client) Amendments(ctx context.Context, id, stage string) (wire.AmendmentList, error) {
	return get[wire.AmendmentList](ctx, c, ProcessPath(id, "stages", stage, "amendments"), nil)
}
