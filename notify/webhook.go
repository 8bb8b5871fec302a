package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/compact-un/compact/process"
)

// Webhook posts notifications as Standard Webhooks
// (https://www.standardwebhooks.com): a JSON body {"type", "timestamp",
// "data"} signed with the endpoint's secret, under a webhook-id that stays
// the same across retries so that the receiver can drop duplicates.
type Webhook struct {
	// Client sends the requests; nil is a client that dials only public
	// addresses, so that a registered URL cannot reach into our network,
	// and gives up after 15 seconds. Redirects are never followed.
	Client *http.Client
}

// Send posts m to its endpoint. A 2xx is delivered; 408, 429, other
// statuses and transport failures are retryable; any other 4xx is a
// permanent refusal. All are the endpoint's failures.
func (w *Webhook) Send(ctx context.Context, m Message) error {
	const op = "notify.Webhook.Send"
	u, err := url.Parse(m.Recipient)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return &EndpointError{process.Errorf(op, process.Invalid, "webhook URL %q is not http(s)", m.Recipient)}
	}
	body, err := json.Marshal(struct {
		Type      string          `json:"type"`
		Timestamp time.Time       `json:"timestamp"`
		Data      json.RawMessage `json:"data"`
	}{m.Event, m.CreatedAt.UTC(), m.Payload})
	if err != nil {
		return process.E(op, process.Invalid, err)
	}
	id, now := WebhookID(m.Key), time.Now()
	signature, err := SignWebhook(m.Secret, id, now, body)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return process.E(op, process.Invalid, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Compact-Webhooks/1")
	req.Header.Set("webhook-id", id)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", signature)
	resp, err := w.client().Do(req)
	switch {
	case errors.Is(err, errNotPublic):
		return &EndpointError{process.E(op, process.Forbidden, err)}
	case err != nil && ctx.Err() != nil:
		return process.E(op, process.Unavailable, err) // we gave up: the activity timed out or the worker stops
	case err != nil:
		return &EndpointError{process.E(op, process.Unavailable, err)}
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // lets the connection be reused
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	return &EndpointError{process.Errorf(op, statusKind(resp.StatusCode), "%s answered %s", u.Host, resp.Status)}
}

// statusKind is the kind of a webhook's failed status: 4xx are permanent
// except 408 and 429.
func statusKind(code int) process.Kind {
	switch code {
	case http.StatusRequestTimeout:
		return process.Unavailable
	case http.StatusTooManyRequests:
		return process.RateLimited
	case http.StatusUnauthorized:
		return process.Unauthorized
	case http.StatusForbidden:
		return process.Forbidden
	case http.StatusNotFound, http.StatusGone:
		return process.NotFound
	case http.StatusConflict:
		return process.Conflict
	case http.StatusRequestEntityTooLarge:
		return process.TooLarge
	case http.StatusUnsupportedMediaType:
		return process.Unsupported
	}
	if code >= 400 && code < 500 {
		return process.Invalid
	}
	return process.Unavailable // 1xx, 3xx (not followed), 5xx
}

func (w *Webhook) client() *http.Client {
	c := *publicClient
	if w.Client != nil {
		c = *w.Client
	}
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c
}

var errNotPublic = errors.New("not a public address")

var publicClient = &http.Client{
	Timeout: 15 * time.Second,
	Transport: &http.Transport{ // no proxy: it would dial for us, unchecked
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, Control: publicOnly}).DialContext,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 15 * time.Second,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
	},
}

// publicOnly refuses to connect to loopback, private, link-local (cloud
// metadata) and other non-public addresses. It checks the address dialled,
// after DNS, so a name that resolves inside does not get through.
func publicOnly(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return err
	}
	if !Public(ip) {
		return fmt.Errorf("%s: %w", ip.Unmap(), errNotPublic)
	}
	return nil
}

// Public says whether ip is a public address: not loopback, private,
// link-local (cloud metadata), unique-local, multicast or unspecified.
func Public(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsGlobalUnicast() && !ip.IsPrivate()
}

// resolveTimeout bounds the lookup of a webhook's host at subscription.
const resolveTimeout = 5 * time.Second

// CheckWebhookTarget refuses, when a webhook is registered, a URL whose
// host is or resolves to an address that is not Public (Rule), or does not
// resolve (Invalid). The check at delivery, on the address dialled, stays:
// a name may resolve elsewhere later.
func CheckWebhookTarget(ctx context.Context, r *net.Resolver, rawURL string) error {
	const op = "notify.CheckWebhookTarget"
	u, err := url.Parse(rawURL)
	if err != nil || u.Hostname() == "" {
		return process.Errorf(op, process.Invalid, "webhook URL %q has no host", rawURL)
	}
	host := u.Hostname()
	var addrs []netip.Addr
	if ip, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{ip}
	} else {
		ctx, cancel := context.WithTimeout(ctx, resolveTimeout)
		defer cancel()
		addrs, err = r.LookupNetIP(ctx, "ip", host)
		var dnsErr *net.DNSError
		switch {
		case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
			return process.Errorf(op, process.Invalid, "webhook host %s does not resolve", host)
		case err != nil:
			return process.E(op, process.Unavailable, err)
		}
	}
	for _, ip := range addrs {
		if Public(ip) {
			continue
		}
		what := host
		if ip.Unmap().String() != host {
			what = fmt.Sprintf("%s (%s)", host, ip.Unmap())
		}
		return process.Errorf(op, process.Rule, "webhook host %s is not a public address: webhooks reach public addresses only "+
			"unless the operator allows private ones (--webhook-allow-private)", what)
	}
	return nil
}

// NewWebhookSecret returns a new endpoint secret, whsec_ and 24 random
// bytes in base64.
func NewWebhookSecret() string {
	key := make([]byte, 24)
	rand.Read(key) // never fails
	return "whsec_" + base64.StdEncoding.EncodeToString(key)
}

// SignWebhook returns the webhook-signature of a message: v1 and the
// base64 HMAC-SHA256, keyed by the secret's bytes, of "id.timestamp.body".
func SignWebhook(secret, id string, at time.Time, body []byte) (string, error) {
	key, err := webhookKey(secret)
	if err != nil {
		return "", err
	}
	return "v1," + base64.StdEncoding.EncodeToString(webhookMAC(key, id, strconv.FormatInt(at.Unix(), 10), body)), nil
}

func webhookMAC(key []byte, id, timestamp string, body []byte) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(id + "." + timestamp + "."))
	h.Write(body)
	return h.Sum(nil)
}

func webhookKey(secret string) ([]byte, error) {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil || len(key) == 0 {
		return nil, process.Errorf("notify.webhookKey", process.Invalid, "the webhook secret is not whsec_ and base64")
	}
	return key, nil
}

// Errors of VerifyWebhook, inside *process.Error of kind Unauthorized.
var (
	ErrWebhookSignature = errors.New("no valid webhook signature")
	ErrWebhookTimestamp = errors.New("webhook timestamp too far from now")
)

// WebhookTolerance is how far a webhook's timestamp may be from the
// receiver's clock: older messages may be replays.
const WebhookTolerance = 5 * time.Minute

// VerifyWebhook checks a received webhook, as a receiver must: one of the
// signatures in webhook-signature is the secret's for its id, timestamp and
// body, and the timestamp is within WebhookTolerance of now.
func VerifyWebhook(secret string, h http.Header, body []byte, now time.Time) error {
	const op = "notify.VerifyWebhook"
	key, err := webhookKey(secret)
	if err != nil {
		return err
	}
	id, timestamp := h.Get("webhook-id"), h.Get("webhook-timestamp")
	sec, err := strconv.ParseInt(timestamp, 10, 64)
	if id == "" || err != nil {
		return process.E(op, process.Unauthorized, ErrWebhookSignature)
	}
	if d := now.Sub(time.Unix(sec, 0)); d > WebhookTolerance || d < -WebhookTolerance {
		return process.E(op, process.Unauthorized, ErrWebhookTimestamp)
	}
	want := webhookMAC(key, id, timestamp, body)
	for _, sig := range strings.Fields(h.Get("webhook-signature")) {
		version, value, _ := strings.Cut(sig, ",")
		got, err := base64.StdEncoding.DecodeString(value)
		if version == "v1" && err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return process.E(op, process.Unauthorized, ErrWebhookSignature)
}
