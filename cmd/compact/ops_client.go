package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/compact-un/compact/internal/config"
	domain "github.com/compact-un/compact/process"
)

// opsTimeout bounds one request of an operators' command: a schedule change
// or a draft waits for its workflow update.
const opsTimeout = 2 * time.Minute

// maxOpsResponse bounds the answer the CLI reads.
const maxOpsResponse = 64 << 20

// opsFlags are the flags every operators' command shares.
type opsFlags struct {
	server string
	token  string
	json   bool
}

func (o *opsFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&o.server, "server", "http://127.0.0.1:8080", "the Compact API's base URL")
	fs.StringVar(&o.token, "token", "", "bearer token (cpt_…) for the API; reads need none")
	fs.BoolVar(&o.json, "json", false, "print the API's JSON as is rather than a table")
}

// client checks --server and returns a client for it.
func (o *opsFlags) client() (*opsClient, error) {
	u, err := url.Parse(o.server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--server %q: want an http:// or https:// URL", o.server)
	}
	return &opsClient{base: strings.TrimRight(o.server, "/"), token: o.token, http: &http.Client{Timeout: opsTimeout}}, nil
}

// parseOps parses an operators' command's arguments: the positional
// arguments names lists (IDs first, as in compact window extend ID STAGE
// --closes …, though they may also follow or sit among the flags), then the
// flags and their environment twins. ok is false when the command must not
// run, with the exit code to return (0 after -h).
func parseOps(fs *flag.FlagSet, prefix string, args []string, names ...string) (pos []string, code int, ok bool) {
	rest := args
	for {
		for len(rest) > 0 && !strings.HasPrefix(rest[0], "-") && len(pos) < len(names) {
			pos, rest = append(pos, rest[0]), rest[1:]
		}
		if len(rest) == 0 {
			break
		}
		if !strings.HasPrefix(rest[0], "-") || rest[0] == "-" {
			fmt.Fprintf(fs.Output(), "%s: unexpected argument %q\n", prefix, rest[0])
			return nil, 2, false
		}
		if err := fs.Parse(rest); errors.Is(err, flag.ErrHelp) {
			return nil, 0, false
		} else if err != nil {
			return nil, 2, false // fs.Parse has said why
		}
		rest = fs.Args() // Parse consumed at least rest[0]
	}
	if err := config.FromEnv(fs, os.LookupEnv); err != nil {
		fmt.Fprintf(fs.Output(), "%s: %v\n", prefix, err)
		return nil, 2, false
	}
	if len(pos) < len(names) {
		fmt.Fprintf(fs.Output(), "%s: missing %s\n", prefix, strings.Join(names[len(pos):], " "))
		return nil, 2, false
	}
	return pos, 0, true
}

// opsClient calls the Compact HTTP API.
type opsClient struct {
	base  string
	token string
	http  *http.Client
}

// apiError is a problem+json answer, or another error status.
type apiError struct {
	Status int
	Title  string
	Type   string
	Detail string
}

func (e *apiError) Error() string {
	title := e.Title
	if title == "" {
		title = http.StatusText(e.Status)
	}
	if e.Detail == "" {
		return fmt.Sprintf("%d %s", e.Status, title)
	}
	return fmt.Sprintf("%s (%d %s)", e.Detail, e.Status, title)
}

// do sends a request with body, when not nil, as JSON and returns the
// answer's body and status; an error status is an *apiError.
func (c *opsClient) do(method, path string, body any) ([]byte, int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), opsTimeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, 0, err
	}
	req.Header.Set("Accept", "application/json, application/problem+json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, maxOpsResponse))
	if err != nil {
		return nil, res.StatusCode, fmt.Errorf("%s %s: reading the answer: %w", method, path, err)
	}
	if res.StatusCode >= 400 {
		e := &apiError{Status: res.StatusCode}
		var p struct {
			Type   string `json:"type"`
			Title  string `json:"title"`
			Detail string `json:"detail"`
		}
		if json.Unmarshal(b, &p) == nil {
			e.Type, e.Title, e.Detail = p.Type, p.Title, p.Detail
		} else if s := strings.TrimSpace(string(b)); s != "" && len(s) < 500 {
			e.Detail = s
		}
		return b, res.StatusCode, e
	}
	return b, res.StatusCode, nil
}

// processPath is /v1/processes/{id} with each further segment appended,
// each escaped.
func processPath(id string, segments ...string) string {
	p := "/v1/processes/" + url.PathEscape(id)
	for _, s := range segments {
		p += "/" + url.PathEscape(s)
	}
	return p
}

// writeRaw prints an answer as the API gave it, ending in a newline.
func writeRaw(w io.Writer, b []byte) error {
	if len(b) > 0 && b[len(b)-1] != '\n' {
		b = append(b, '\n')
	}
	_, err := w.Write(b)
	return err
}

// checkDate checks a date flag as the API reads it: YYYY-MM-DD or RFC 3339.
func checkDate(name, s string, dateOnly bool) error {
	if _, err := time.Parse(time.DateOnly, s); err == nil {
		return nil
	}
	if !dateOnly {
		if _, err := time.Parse(time.RFC3339, s); err == nil {
			return nil
		}
		return fmt.Errorf("--%s %q: want YYYY-MM-DD or an RFC 3339 time such as 2027-03-01T17:00:00Z", name, s)
	}
	return fmt.Errorf("--%s %q: want YYYY-MM-DD", name, s)
}

// fmtDate prints a template date: a day, or a time when it has one.
func fmtDate(d domain.Date) string {
	switch {
	case d.IsZero():
		return "-"
	case d.Equal(d.Truncate(24 * time.Hour)):
		return d.UTC().Format(time.DateOnly)
	default:
		return d.UTC().Format(time.RFC3339)
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// paragraphs splits a draft's text at blank lines; the lines within a
// paragraph are joined with spaces.
func paragraphs(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out, cur []string
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.Join(cur, " "))
			cur = nil
		}
	}
	for line := range strings.SplitSeq(text, "\n") {
		if line = strings.TrimSpace(line); line == "" {
			flush()
			continue
		}
		cur = append(cur, line)
	}
	flush()
	return out
}
