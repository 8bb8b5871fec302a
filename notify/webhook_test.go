package notify_test

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/notify/notifytest"
	"github.com/compact-un/compact/process"
)

// loopback lets tests post to httptest servers, which the default client
// refuses.
var loopback = &notify.Webhook{Client: &http.Client{Timeout: 5 * time.Second}}

func hook(t *testing.T, url, secret, event string) notify.Message {
	m := message(t, event, url, "")
	m.Key, m.Secret = "gcm-2018/ts1/"+event+"|"+url+"|webhook", secret
	return m
}

func TestWebhookSignature(t *testing.T) {
	secret := notify.NewWebhookSecret()
	if !strings.HasPrefix(secret, "whsec_") || len(secret) != len("whsec_")+32 {
		t.Fatalf("secret %q", secret)
	}
	now := time.Unix(1_700_000_000, 0)
	body := []byte(`{"type":"window.opened"}`)
	sig, err := notify.SignWebhook(secret, "msg_1", now, body)
	if err != nil {
		t.Fatal(err)
	}
	headers := func(id string, at time.Time, sig string) http.Header {
		h := http.Header{}
		h.Set("webhook-id", id)
		h.Set("webhook-timestamp", strconv.FormatInt(at.Unix(), 10))
		h.Set("webhook-signature", sig)
		return h
	}
	if err := notify.VerifyWebhook(secret, headers("msg_1", now, sig), body, now.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	// A receiver rotating secrets gets one signature per secret.
	if err := notify.VerifyWebhook(secret, headers("msg_1", now, "v1,bm9wZQ== "+sig), body, now); err != nil {
		t.Errorf("second of two signatures: %v", err)
	}
	for name, tt := range map[string]struct {
		h    http.Header
		body string
		want error
	}{
		"tampered body":     {headers("msg_1", now, sig), `{"type":"window.closed"}`, notify.ErrWebhookSignature},
		"other id":          {headers("msg_2", now, sig), string(body), notify.ErrWebhookSignature},
		"other timestamp":   {headers("msg_1", now.Add(time.Second), sig), string(body), notify.ErrWebhookSignature},
		"other version":     {headers("msg_1", now, "v2"+strings.TrimPrefix(sig, "v1")), string(body), notify.ErrWebhookSignature},
		"no headers":        {http.Header{}, string(body), notify.ErrWebhookSignature},
		"replayed too late": {headers("msg_1", now.Add(-6*time.Minute), sig), string(body), notify.ErrWebhookTimestamp},
		"from the future":   {headers("msg_1", now.Add(6*time.Minute), sig), string(body), notify.ErrWebhookTimestamp},
	} {
		err := notify.VerifyWebhook(secret, tt.h, []byte(tt.body), now)
		if !errors.Is(err, tt.want) || process.KindOf(err) != process.Unauthorized {
			t.Errorf("%s: got %v, want %v", name, err, tt.want)
		}
	}
	if _, err := notify.SignWebhook("whsec_not base64!", "msg_1", now, body); process.KindOf(err) != process.Invalid {
		t.Errorf("bad secret: got %v, want an invalid error", err)
	}
}

func TestWebhookSend(t *testing.T) {
	r := notifytest.NewWebhookReceiver(t)
	m := hook(t, r.URL, r.Secret, "window.opened")
	for range 2 { // a resend: same id, dropped by the receiver
		if err := loopback.Send(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	got := r.Processed()
	if requests, duplicates := r.Requests(); len(got) != 1 || requests != 2 || duplicates != 1 {
		t.Fatalf("processed %d of %d requests, %d duplicates", len(got), requests, duplicates)
	}
	if got[0].ID != notify.WebhookID(m.Key) {
		t.Errorf("webhook-id %s, want %s", got[0].ID, notify.WebhookID(m.Key))
	}
	var body struct {
		Type      string    `json:"type"`
		Timestamp time.Time `json:"timestamp"`
		Data      struct {
			ProcessID, StageID, Event string
			Data                      map[string]any
		} `json:"data"`
	}
	if err := json.Unmarshal(got[0].Body, &body); err != nil {
		t.Fatal(err)
	}
	if body.Type != "window.opened" || !body.Timestamp.Equal(created) || body.Data.ProcessID != "gcm-2018" ||
		body.Data.StageID != "ts1" || body.Data.Data["code"] != "TS1" {
		t.Errorf("body %s", got[0].Body)
	}
}

func TestWebhookFailures(t *testing.T) {
	r := notifytest.NewWebhookReceiver(t)
	redirect := httptest.NewServer(http.RedirectHandler(r.URL, http.StatusFound))
	t.Cleanup(redirect.Close)
	stop := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-stop }))
	t.Cleanup(slow.Close)
	t.Cleanup(func() { close(stop) }) // first: Close waits for the handler
	for _, tt := range []struct {
		name   string
		status int // the receiver's answer
		url    string
		sender *notify.Webhook
		secret string
		kind   process.Kind
	}{
		{name: "server error", status: 500, kind: process.Unavailable},
		{name: "request timeout", status: 408, kind: process.Unavailable},
		{name: "too many requests", status: 429, kind: process.RateLimited},
		{name: "gone", status: 410, kind: process.NotFound},
		{name: "bad request", status: 400, kind: process.Invalid},
		{name: "forbidden", status: 403, kind: process.Forbidden},
		{name: "redirect, not followed", url: redirect.URL, kind: process.Unavailable},
		{name: "timeout", url: slow.URL, sender: &notify.Webhook{Client: &http.Client{Timeout: 100 * time.Millisecond}}, kind: process.Unavailable},
		{name: "loopback refused", sender: &notify.Webhook{}, kind: process.Forbidden},
		{name: "not http", url: "ftp://ngo.example/hook", kind: process.Invalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.status != 0 {
				r.FailNext(tt.status)
			}
			url, sender := r.URL, loopback
			if tt.url != "" {
				url = tt.url
			}
			if tt.sender != nil {
				sender = tt.sender
			}
			err := sender.Send(t.Context(), hook(t, url, r.Secret, "window.opened"))
			if process.KindOf(err) != tt.kind {
				t.Errorf("got %v, want a %v error", err, tt.kind)
			}
			if _, ok := errors.AsType[*notify.EndpointError](err); !ok {
				t.Errorf("%v is not the endpoint's failure", err)
			}
		})
	}
	if got := r.Processed(); len(got) != 0 {
		t.Errorf("processed %d", len(got))
	}
	// A secret we cannot use is ours to fix, not the endpoint's failure.
	err := loopback.Send(t.Context(), hook(t, r.URL, "", "window.opened"))
	if _, ok := errors.AsType[*notify.EndpointError](err); ok || process.KindOf(err) != process.Invalid {
		t.Errorf("no secret: got %v, want an invalid error of ours", err)
	}
}

// TestCheckWebhookTarget refuses at registration a URL that is, or whose
// name resolves to, an address inside the network, and says which.
func TestCheckWebhookTarget(t *testing.T) {
	for _, public := range []string{"https://192.0.2.10/hook", "https://[2001:db8::1]/hook"} {
		if err := notify.CheckWebhookTarget(t.Context(), net.DefaultResolver, public); err != nil {
			t.Errorf("%s: %v", public, err)
		}
	}
	for _, tc := range []struct {
		url  string
		kind process.Kind
		says string
	}{
		{"http://127.0.0.1:9/hook", process.Rule, "webhook host 127.0.0.1 is not a public address"},
		{"http://localhost/hook", process.Rule, "webhook host localhost (127.0.0.1) is not a public address"},
		{"http://169.254.169.254/latest", process.Rule, "169.254.169.254 is not a public address"},
		{"http://[::ffff:10.0.0.1]/hook", process.Rule, "not a public address"},
		{"http://[fe80::1]/hook", process.Rule, "not a public address"},
		{"http:///hook", process.Invalid, "has no host"},
	} {
		err := notify.CheckWebhookTarget(t.Context(), net.DefaultResolver, tc.url)
		if process.KindOf(err) != tc.kind || !strings.Contains(process.Message(err), tc.says) {
			t.Errorf("%s: %v, want %s saying %q", tc.url, err, tc.kind, tc.says)
		}
	}
}
