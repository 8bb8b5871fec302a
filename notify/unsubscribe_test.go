package notify_test

import (
	"encoding/base64"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/process"
)

func TestUnsubscribeToken(t *testing.T) {
	u := notify.Unsubscribe{Secret: []byte("0123456789abcdef0123456789abcdef")}
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	claims := notify.Claims{Recipient: "ngo@example.org", ProcessID: "gcm-2018", Channel: "email", Expires: now.Add(time.Hour),
		Action: notify.ActionConfirm, Topics: []string{"windows", "drafts"}, Language: "ar", Mode: "daily"}
	token := u.Sign(claims)
	got, err := u.Verify(token, now)
	if err != nil || !reflect.DeepEqual(got, claims) {
		t.Fatalf("Verify = %+v, %v; want %+v", got, err, claims)
	}

	payload, sig, _ := strings.Cut(token, ".")
	forged := claims
	forged.Recipient = "someone.else@example.org"
	forgedPayload, _, _ := strings.Cut(u.Sign(forged), ".")
	for name, tampered := range map[string]string{
		"other claims, old signature": forgedPayload + "." + sig,
		"flipped signature bit":       payload + "." + flip(sig),
		"no signature":                payload,
		"empty":                       "",
		"signed by another secret":    notify.Unsubscribe{Secret: []byte("another secret")}.Sign(claims),
	} {
		if _, err := u.Verify(tampered, now); !errors.Is(err, notify.ErrTokenInvalid) || process.KindOf(err) != process.Unauthorized {
			t.Errorf("%s: got %v, want ErrTokenInvalid", name, err)
		}
	}
	if _, err := u.Verify(token, claims.Expires); !errors.Is(err, notify.ErrTokenExpired) || process.KindOf(err) != process.Unauthorized {
		t.Errorf("at expiry: got %v, want ErrTokenExpired", err)
	}
}

// flip changes the first bit of a base64url string's bytes.
func flip(s string) string {
	b, _ := base64.RawURLEncoding.DecodeString(s)
	b[0] ^= 1
	return base64.RawURLEncoding.EncodeToString(b)
}

func TestUnsubscribeLink(t *testing.T) {
	issued := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for _, u := range []notify.Unsubscribe{
		{URL: "/unsubscribe", Secret: []byte("k")},
		{URL: "https://compact.example/unsubscribe"},
	} {
		if _, err := u.Link(notify.Claims{}, issued); process.KindOf(err) != process.Internal {
			t.Errorf("%+v: got %v, want an internal error", u, err)
		}
	}
}
