package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/compact-un/compact/client"
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

func (o *opsFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&o.server, "server", "http://127.0.0.1:8080", "the Compact API's base URL")
	fs.StringVar(&o.token, "token", "", "bearer token (cpt_…) for the API; reads need none")
	fs.BoolVar(&o.json, "json", false, "print the API's JSON as is rather than a table")
}

// client checks --server and returns a client for it, with the answer it
// keeps for --json.
func (o *opsFlags) client() (*client.Client, *keptAnswer, error) {
	u, err := url.Parse(o.server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, nil, fmt.Errorf("--server %q: want an http:// or https:// URL", o.server)
	}
	kept := &keptAnswer{next: http.DefaultTransport}
	return &client.Client{BaseURL: o.server, Token: o.token, HTTP: &http.Client{Timeout: opsTimeout, Transport: kept}}, kept, nil
}

// keptAnswer is a transport that keeps the last answer's body, for --json to
// print it as the API gave it: fields this build does not know included.
type keptAnswer struct {
	next http.RoundTripper
	body []byte
}

func (k *keptAnswer) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := k.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if k.body, err = io.ReadAll(io.LimitReader(res.Body, maxOpsResponse)); err != nil {
		return nil, err
	}
	res.Body = io.NopCloser(bytes.NewReader(k.body))
	return res, nil
}

// writeRaw prints an answer as the API gave it, ending in a newline.
func writeRaw(w io.Writer, b []byte) error {
	if len(b) > 0 && b[len(b)-1] != '\n' {
		b = append(b, '\n')
	}
	_, err := w.Write(b)
	return err
}

// flagDate reads a date flag as the API reads it: YYYY-MM-DD or, unless
// dateOnly, RFC 3339. An empty flag is the zero date, which the API takes
// as not given.
func flagDate(name, s string, dateOnly bool) (domain.Date, error) {
	if s == "" {
		return domain.Date{}, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return domain.Date{Time: t}, nil
	}
	if dateOnly {
		return domain.Date{}, fmt.Errorf("--%s %q: want YYYY-MM-DD", name, s)
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return domain.Date{}, fmt.Errorf("--%s %q: want YYYY-MM-DD or an RFC 3339 time such as 2027-03-01T17:00:00Z", name, s)
	}
	return domain.Date{Time: t}, nil
}

// readTemplate reads a template file as the API will: a field it does not
// know is refused here, rather than dropped on the way.
func readTemplate(path string) (*domain.Template, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var t domain.Template
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &t, nil
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
