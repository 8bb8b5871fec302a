package notify

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/compact-un/compact/process"
)

// Claims are what a link stands for: by default, unsubscribing one
// recipient's subscription to one process on one channel, until it expires;
// with the action "confirm", an observer's subscription with the settings
// it asked for, which only the mailbox's owner can confirm.
type Claims struct {
	Recipient string    `json:"r"`
	ProcessID string    `json:"p"`
	Channel   string    `json:"c"`
	Expires   time.Time `json:"e"`
	Action    string    `json:"a,omitempty"` // "" unsubscribes; ActionConfirm
	Topics    []string  `json:"t,omitempty"`
	Language  string    `json:"l,omitempty"`
	Mode      string    `json:"m,omitempty"`
}

// ActionConfirm marks a subscription's confirmation link.
const ActionConfirm = "confirm"

// Errors of Unsubscribe.Verify, inside *process.Error of kind Unauthorized.
var (
	ErrTokenInvalid = errors.New("the unsubscribe link is not valid")
	ErrTokenExpired = errors.New("the unsubscribe link has expired")
)

// Unsubscribe signs and checks unsubscribe links, so that one click
// unsubscribes with no login and nobody can unsubscribe someone else.
type Unsubscribe struct {
	URL    string        // the API's unsubscribe route; the token goes in its "token" parameter
	Secret []byte        // the server's secret: at least 32 random bytes
	TTL    time.Duration // how long a link works; 0 is a year
}

// tokenDomain separates these MACs from any other use of the secret.
const tokenDomain = "compact-unsubscribe-v1."

// Sign returns the token for c: its claims in base64url JSON, a dot, and
// their HMAC-SHA256.
func (u Unsubscribe) Sign(c Claims) string {
	c.Expires = c.Expires.UTC().Truncate(time.Second)
	b, _ := json.Marshal(c) // strings and a time: cannot fail
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + base64.RawURLEncoding.EncodeToString(u.mac(payload))
}

// Verify returns the claims of a token signed with the secret that has not
// expired at now.
func (u Unsubscribe) Verify(token string, now time.Time) (Claims, error) {
	const op = "notify.Unsubscribe.Verify"
	var c Claims
	payload, sig, ok := strings.Cut(token, ".")
	mac, err := base64.RawURLEncoding.DecodeString(sig)
	if !ok || err != nil || !hmac.Equal(mac, u.mac(payload)) {
		return c, process.E(op, process.Unauthorized, ErrTokenInvalid)
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || json.Unmarshal(b, &c) != nil {
		return c, process.E(op, process.Unauthorized, ErrTokenInvalid)
	}
	if !now.Before(c.Expires) {
		return c, process.E(op, process.Unauthorized, ErrTokenExpired)
	}
	return c, nil
}

// Link is the unsubscribe URL for c, which expires TTL after issued.
func (u Unsubscribe) Link(c Claims, issued time.Time) (string, error) {
	ttl := u.TTL
	if ttl == 0 {
		ttl = 365 * 24 * time.Hour
	}
	c.Expires = issued.Add(ttl)
	return u.LinkTo(u.URL, c)
}

// LinkTo is the URL base with c's token in its "token" parameter.
func (u Unsubscribe) LinkTo(base string, c Claims) (string, error) {
	link, err := url.Parse(base)
	if err != nil || !link.IsAbs() || len(u.Secret) == 0 {
		return "", process.Errorf("notify.Unsubscribe.Link", process.Internal, "links need an absolute URL and a secret, not %q", base)
	}
	q := link.Query()
	q.Set("token", u.Sign(c))
	link.RawQuery = q.Encode()
	return link.String(), nil
}

func (u Unsubscribe) mac(payload string) []byte {
	h := hmac.New(sha256.New, u.Secret)
	h.Write([]byte(tokenDomain + payload))
	return h.Sum(nil)
}
