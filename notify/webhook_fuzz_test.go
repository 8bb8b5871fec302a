package notify

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzVerifyWebhook feeds a receiver's verification arbitrary headers and
// bodies: it never panics, accepts nothing it did not sign, and accepts
// what it signed.
func FuzzVerifyWebhook(f *testing.F) {
	secret := "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	now := time.Unix(1_800_000_000, 0)
	f.Add("msg_1", strconv.FormatInt(now.Unix(), 10), "v1,AAAA", []byte(`{"event":"window.opened"}`))
	f.Add("", "", "", []byte{})
	f.Add("msg_2", "-1", "v1,,v2,x v1,", []byte("\x00"))
	f.Fuzz(func(t *testing.T, id, timestamp, signature string, body []byte) {
		h := http.Header{}
		h.Set("webhook-id", id)
		h.Set("webhook-timestamp", timestamp)
		h.Set("webhook-signature", signature)
		if err := VerifyWebhook(secret, h, body, now); err == nil {
			sig, serr := SignWebhook(secret, id, now, body)
			if serr != nil || timestamp != strconv.FormatInt(now.Unix(), 10) || !containsSignature(signature, sig) {
				t.Fatalf("accepted a signature it did not make: id %q ts %q sig %q", id, timestamp, signature)
			}
		}
		sig, err := SignWebhook(secret, id, now, body)
		if err != nil || id == "" { // a delivery always has an id
			return
		}
		good := http.Header{}
		good.Set("webhook-id", id)
		good.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
		good.Set("webhook-signature", sig)
		if err := VerifyWebhook(secret, good, body, now); err != nil {
			t.Fatalf("refused its own signature: %v", err)
		}
	})
}

// containsSignature reports whether the space-separated list has sig.
func containsSignature(list, sig string) bool {
	return slices.Contains(strings.Fields(list), sig)
}
