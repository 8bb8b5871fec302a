package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"

	"github.com/compact-un/compact/client"
)

// Problem is the API's refusal (RFC 9457) as a page shows it: Title and
// Detail are the API's own words, in English.
type Problem = client.Problem

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

// api is the API as the signed-in user of r (or as an observer): the API
// authorizes, validates and refuses, never the page.
func (s *Site) api(r *http.Request) *client.Client {
	var token string
	if ss := s.session(r); ss != nil {
		token = ss.Token
	}
	return s.apiAs(r, token)
}

// apiAs is the API as the holder of token, as at sign-in, for the page
// request r.
func (s *Site) apiAs(r *http.Request, token string) *client.Client {
	return &client.Client{BaseURL: "http://api.internal", Token: token,
		HTTP: &http.Client{Transport: fromClient{page: r, next: s.client.Transport}}}
}

// fromClient sends the API the page's client address: the API limits each
// client address, and the pages must not make everyone who reads them one
// client.
type fromClient struct {
	page *http.Request
	next http.RoundTripper
}

func (f fromClient) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.RemoteAddr = f.page.RemoteAddr
	if xff, ok := f.page.Header["X-Forwarded-For"]; ok {
		req.Header["X-Forwarded-For"] = xff
	}
	return f.next.RoundTrip(req)
}
