package client

import (
	"bytes"
	"context"
	"net/http"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// PutECOSOCList replaces the list of organisations in ECOSOC consultative
// status with a CSV file (see the API's putECOSOCList): a malformed file
// is a *Problem whose Errors name every bad line ("/lines/17").
func (c *Client) PutECOSOCList(ctx context.Context, csv []byte) (wire.ECOSOCListLoaded, error) {
	var out wire.ECOSOCListLoaded
	_, err := c.send(ctx, request{method: http.MethodPut, path: "/v1/ecosoc-list",
		contentType: "text/csv; charset=utf-8", body: bytes.NewReader(csv)}, &out)
	return out, err
}

// ReviewECOSOCMatch confirms (match) or refuses a near match between an
// applicant's name and the list.
func (c *Client) ReviewECOSOCMatch(ctx context.Context, id, party string, match bool) (process.Application, error) {
	var out process.Application
	_, err := c.call(ctx, http.MethodPost, ProcessPath(id, "applications", party, "ecosoc"), wire.ECOSOCReviewRequest{Match: &match}, &out)
	return out, err
}

// ApplicationStanding is where an application stands: Application's
// answer whole, with its list's non-objection period's end.
func (c *Client) ApplicationStanding(ctx context.Context, id, party string) (wire.ApplicationStanding, error) {
	return get[wire.ApplicationStanding](ctx, c, ProcessPath(id, "applications", party), nil)
}
