package client

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"

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
// applicant's name and the list of organisations in status, on its
// application to one accreditation list ("": the preparatory one).
func (c *Client) ReviewECOSOCMatch(ctx context.Context, id string, list process.AccreditationList, party string, match bool) (process.Application, error) {
	b, err := json.Marshal(wire.ECOSOCReviewRequest{Match: &match})
	if err != nil {
		return process.Application{}, err
	}
	var out process.Application
	_, err = c.send(ctx, request{method: http.MethodPost, path: ProcessPath(id, "applications", party, "ecosoc"), query: listQuery(list),
		contentType: "application/json", body: bytes.NewReader(b)}, &out)
	return out, err
}

// listQuery names an accreditation list for the routes on one
// application; none for the preparatory list, the routes' default.
func listQuery(l process.AccreditationList) url.Values {
	if l == "" {
		return nil
	}
	return url.Values{"list": {string(l)}}
}

// ApplicationStanding is where an application stands: Application's
// answer whole, with its list's non-objection period's end.
func (c *Client) ApplicationStanding(ctx context.Context, id string, list process.AccreditationList, party string) (wire.ApplicationStanding, error) {
	return get[wire.ApplicationStanding](ctx, c, ProcessPath(id, "applications", party), listQuery(list))
}
