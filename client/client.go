// Package client is the Go client of Compact's HTTP API: one method per
// route, with the bodies of package wire. The web pages and the compact
// command use it, and so may anyone's program:
//
//	c := &client.Client{BaseURL: "https://compact.example", Token: secret}
//	st, err := c.Process(ctx, "gcm-2018")
//	var prob *client.Problem
//	if errors.As(err, &prob) && prob.Status == http.StatusNotFound { … }
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/compact-un/compact/wire"
)

// Problem is the API's refusal (RFC 9457): every error status comes back as
// a *Problem, its Errors naming the fields at fault.
type Problem = wire.Problem

// maxAnswer bounds what the client reads of an answer.
const maxAnswer = 64 << 20

// Client calls the API as the holder of Token, or as an observer without
// one. Its zero HTTP is http.DefaultClient.
type Client struct {
	BaseURL string // e.g. http://127.0.0.1:8080, without /v1
	Token   string // a bearer token (cpt_…)
	HTTP    *http.Client
}

// request is one call: a body already encoded, or none.
type request struct {
	method, path string
	query        url.Values
	header       http.Header
	contentType  string
	body         io.Reader
}

// send makes the call and reads the answer: out decodes a success's JSON
// (nil: ignore it); an error status is a *Problem. It returns the status.
func (c *Client) send(ctx context.Context, rq request, out any) (int, error) {
	u := strings.TrimRight(c.BaseURL, "/") + rq.path
	if len(rq.query) > 0 {
		u += "?" + rq.query.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, rq.method, u, rq.body)
	if err != nil {
		return 0, err
	}
	for k, vs := range rq.header {
		req.Header[k] = vs
	}
	req.Header.Set("Accept", "application/json, application/problem+json")
	if rq.contentType != "" {
		req.Header.Set("Content-Type", rq.contentType)
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	res, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxAnswer))
	if err != nil {
		return res.StatusCode, fmt.Errorf("%s %s: reading the answer: %w", rq.method, rq.path, err)
	}
	if res.StatusCode >= 400 {
		return res.StatusCode, problemOf(res.StatusCode, b)
	}
	if raw, ok := out.(*[]byte); ok { // a body that is not JSON, as it came
		*raw = b
		return res.StatusCode, nil
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return res.StatusCode, fmt.Errorf("%s %s: unexpected answer: %w", rq.method, rq.path, err)
		}
	}
	return res.StatusCode, nil
}

// problemOf reads an error status's body: problem+json from the API, or
// whatever a proxy on the way answered.
func problemOf(status int, b []byte) *Problem {
	p := &Problem{}
	if json.Unmarshal(b, p) != nil || p.Title == "" {
		p = &Problem{Title: http.StatusText(status)}
		if s := strings.TrimSpace(string(b)); len(s) < 500 {
			p.Detail = s
		}
	}
	p.Status = status
	return p
}

// call sends in, when not nil, as JSON.
func (c *Client) call(ctx context.Context, method, path string, in, out any) (int, error) {
	rq := request{method: method, path: path}
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, err
		}
		rq.body, rq.contentType = bytes.NewReader(b), "application/json"
	}
	return c.send(ctx, rq, out)
}

// Call sends in as JSON to any route and reads a success's answer into out
// (nil: ignore it). The typed methods are for programs; Call is for a body
// that holds what a person typed, passed on as typed for the API to judge:
// a form's mistyped date has no typed form.
func (c *Client) Call(ctx context.Context, method, path string, in, out any) error {
	_, err := c.call(ctx, method, path, in, out)
	return err
}

// get reads path, with query, into a new T.
func get[T any](ctx context.Context, c *Client, path string, query url.Values) (T, error) {
	var out T
	_, err := c.send(ctx, request{method: http.MethodGet, path: path, query: query}, &out)
	return out, err
}

// post sends in as JSON and reads a T.
func post[T any](ctx context.Context, c *Client, path string, in any) (T, error) {
	var out T
	_, err := c.call(ctx, http.MethodPost, path, in, &out)
	return out, err
}

// ProcessPath is /v1/processes/{id} with further segments, each escaped.
func ProcessPath(processID string, segments ...string) string {
	p := "/v1/processes/" + url.PathEscape(processID)
	for _, s := range segments {
		p += "/" + url.PathEscape(s)
	}
	return p
}
