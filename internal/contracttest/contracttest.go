// Package contracttest checks a test's HTTP traffic against the API's
// OpenAPI document (api/openapi.json): the API's tests wrap the server with
// it, the web pages' tests the API their pages call.
package contracttest

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// Contract checks every request a test sends, and every answer, against
// the document: a request the document refuses must be refused, and every
// answer must be one the document gives, problem+json included. It keeps
// what it saw, for the report at the end of the package's tests.
type Contract struct {
	doc    *openapi3.T
	router routers.Router
	mu     sync.Mutex
	seen   map[string]map[int]bool // "METHOD path" as documented: the statuses answered
	faults []string
}

// New is a contract over the OpenAPI document in JSON.
func New(document []byte) (*Contract, error) {
	doc, err := openapi3.NewLoader().LoadFromData(document)
	if err == nil {
		err = doc.Validate(context.Background())
	}
	if err != nil {
		return nil, fmt.Errorf("openapi.json: %w", err)
	}
	// The feeds', the exports' and the links' pages' bodies are text: checked as strings.
	for _, t := range []string{"text/csv", "text/html", "text/calendar", "application/atom+xml", "text/event-stream", "application/pdf",
		"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/akn+xml", "text/markdown"} {
		openapi3filter.RegisterBodyDecoder(t, openapi3filter.FileBodyDecoder)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, err
	}
	return &Contract{doc: doc, router: router, seen: map[string]map[int]bool{}}, nil
}

// Check wraps the API's handler with the checks.
func (c *Contract) Check(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/v1/") {
			h.ServeHTTP(w, r)
			return
		}
		var body []byte // a client's request may have none, a server's has one
		if r.Body != nil {
			var err error
			if body, err = io.ReadAll(r.Body); err != nil {
				c.fault("%s %s: reading the request: %v", r.Method, r.URL, err)
				return
			}
		}
		route, params, err := c.router.FindRoute(r)
		if err != nil {
			c.fault("%s %s: not in openapi.json: %v", r.Method, r.URL.Path, err)
			r.Body = io.NopCloser(bytes.NewReader(body))
			h.ServeHTTP(w, r)
			return
		}
		in := &openapi3filter.RequestValidationInput{Request: r.Clone(r.Context()), PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true,
				IncludeResponseStatus: true}}
		in.Request.Body = io.NopCloser(bytes.NewReader(body))
		refused := openapi3filter.ValidateRequest(r.Context(), in)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec := &teeWriter{ResponseWriter: w}
		h.ServeHTTP(rec, r)
		status := cmp.Or(rec.status, http.StatusOK)
		c.saw(route.Method+" "+route.Path, status)
		if refused != nil && status < 400 {
			c.fault("%s %s: answered %d to a request openapi.json refuses: %v", r.Method, r.URL, status, refused)
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: status,
			Header: rec.Header(), Body: io.NopCloser(bytes.NewReader(rec.body.Bytes())), Options: in.Options}
		// An event stream ends when its reader leaves: its status and headers
		// are checked, not its body.
		if strings.HasSuffix(route.Path, "/events") && status == http.StatusOK {
			out.Options = &openapi3filter.Options{ExcludeResponseBody: true, IncludeResponseStatus: true}
		}
		if err := openapi3filter.ValidateResponse(r.Context(), out); err != nil {
			c.fault("%s %s: answer %d %s does not match openapi.json: %v", r.Method, r.URL, status, truncate(rec.body.String(), 300), err)
		}
	})
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func (c *Contract) saw(route string, status int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen[route] == nil {
		c.seen[route] = map[int]bool{}
	}
	c.seen[route][status] = true
}

func (c *Contract) fault(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.faults = append(c.faults, fmt.Sprintf(format, args...))
}

// Faults are what broke the contract so far.
func (c *Contract) Faults() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.faults)
}

// Report writes what broke the contract and reports whether nothing did.
// With coverage, it also fails on a documented route the tests never
// called, and with -v lists the documented statuses they never saw.
func (c *Contract) Report(w io.Writer, coverage bool) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, f := range c.faults {
		fmt.Fprintln(w, "openapi.json:", f)
	}
	ok := len(c.faults) == 0
	if !coverage {
		return ok
	}
	var untried, unseen []string
	for path, item := range c.doc.Paths.Map() {
		for method, op := range item.Operations() {
			route := method + " " + path
			if c.seen[route] == nil {
				untried = append(untried, route)
				continue
			}
			for code := range op.Responses.Map() {
				if n, err := strconv.Atoi(code); err == nil && !c.seen[route][n] {
					unseen = append(unseen, route+" "+code)
				}
			}
		}
	}
	slices.Sort(untried)
	slices.Sort(unseen)
	for _, r := range untried {
		fmt.Fprintln(w, "openapi.json: no test calls", r)
	}
	if testing.Verbose() {
		fmt.Fprintf(w, "openapi.json: %d documented statuses that no test saw: %s\n", len(unseen), strings.Join(unseen, ", "))
	}
	return ok && len(untried) == 0
}

// teeWriter passes an answer on and keeps a copy of it.
type teeWriter struct {
	http.ResponseWriter
	status int
	body   bytes.Buffer
}

func (t *teeWriter) WriteHeader(code int) {
	if t.status == 0 {
		t.status = code
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *teeWriter) Write(b []byte) (int, error) {
	if t.status == 0 {
		t.status = http.StatusOK
	}
	t.body.Write(b)
	return t.ResponseWriter.Write(b)
}

// Flush lets the event stream through as it is written.
func (t *teeWriter) Flush() { http.NewResponseController(t.ResponseWriter).Flush() }

// Unwrap gives http.ResponseController the writer underneath.
func (t *teeWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }
