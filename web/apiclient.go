package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// maxAPIAnswer bounds what a page reads from the API.
const maxAPIAnswer = 64 << 20

// Problem is the API's refusal (RFC 9457) as a page shows it: Title and
// Detail are the API's own words, in English.
type Problem struct {
	Status int    `json:"status"`
	Type   string `json:"type"`
	Title  string `json:"title"`
	Detail string `json:"detail"`
}

func (p *Problem) Error() string {
	if p.Detail == "" {
		return fmt.Sprintf("%d %s", p.Status, p.Title)
	}
	return fmt.Sprintf("%d %s: %s", p.Status, p.Title, p.Detail)
}

// handlerTransport serves a request with the API's handler, in process:
// no socket, no second trip through a proxy.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	rec := &recorder{header: http.Header{}}
	t.h.ServeHTTP(rec, req)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return &http.Response{
		StatusCode: rec.status, Status: fmt.Sprintf("%d %s", rec.status, http.StatusText(rec.status)),
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: rec.header, Body: io.NopCloser(&rec.body), ContentLength: int64(rec.body.Len()), Request: req,
	}, nil
}

// recorder is a ResponseWriter that keeps the answer; streams (the event
// stream) are for browsers to open themselves, not for pages to call.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}
func (r *recorder) Write(b []byte) (int, error) {
	r.WriteHeader(http.StatusOK)
	return r.body.Write(b)
}

// API calls the JSON API for one page request, as the signed-in user (or as
// an observer): the API authorizes, validates and refuses, never the page.
type API struct {
	site  *Site
	r     *http.Request
	token string // instead of the session's, as at sign-in
}

// api is the API as the user of r.
func (s *Site) api(r *http.Request) API { return API{site: s, r: r} }

// Get reads path (e.g. "/v1/processes/x") into out.
func (a API) Get(path string, out any) error {
	_, err := a.Do(http.MethodGet, path, "", nil, nil, out)
	return err
}

// PostJSON sends in as JSON and reads the answer into out (which may be nil).
func (a API) PostJSON(path string, in, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	_, err = a.Do(http.MethodPost, path, "application/json", bytes.NewReader(b), nil, out)
	return err
}

// Do sends any request: a multipart body, a DELETE, extra headers such as
// Idempotency-Key. It returns the status; an error status is a *Problem.
func (a API) Do(method, path, contentType string, body io.Reader, header http.Header, out any) (int, error) {
	req, err := http.NewRequestWithContext(a.r.Context(), method, "http://api.internal"+path, body)
	if err != nil {
		return 0, err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	// The API limits each client address: this page's client's, not one
	// address shared by everyone who reads the pages.
	req.RemoteAddr = a.r.RemoteAddr
	if xff, ok := a.r.Header["X-Forwarded-For"]; ok {
		req.Header["X-Forwarded-For"] = xff
	}
	req.Header.Set("Accept", "application/json, application/problem+json")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	token := a.token
	if ss := a.site.session(a.r); token == "" && ss != nil {
		token = ss.Token
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := a.site.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxAPIAnswer))
	if err != nil {
		return res.StatusCode, err
	}
	if res.StatusCode >= 400 {
		p := &Problem{}
		if json.Unmarshal(b, p) != nil || p.Title == "" {
			p = &Problem{Title: http.StatusText(res.StatusCode), Detail: strings.TrimSpace(string(b))}
		}
		p.Status = res.StatusCode
		return res.StatusCode, p
	}
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			return res.StatusCode, fmt.Errorf("web: %s %s: %w", method, path, err)
		}
	}
	return res.StatusCode, nil
}

// Path is /v1/processes/{id} with further segments, each escaped.
func Path(processID string, segments ...string) string {
	p := "/v1/processes/" + url.PathEscape(processID)
	for _, s := range segments {
		p += "/" + url.PathEscape(s)
	}
	return p
}
