package api

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/compact-un/compact/wire"
)

// BenchmarkAuthenticate is what checking a request's token costs: with the
// token's row as this process read it less than tokenTTL ago, as a client
// sending requests in a row finds it; read from the store, as the first
// request after a pause does; and with a web session named, which is read
// from the store every time.
func BenchmarkAuthenticate(b *testing.B) {
	a := newAPIServer(b)
	secret := a.token(MemberState, "KEN", "")
	started := a.do("POST", "/v1/session", secret, nil)
	var ss wire.Session
	if err := json.Unmarshal(started.Body, &ss); err != nil || ss.WebSession == nil {
		b.Fatalf("sign in: %d %s", started.Status, started.Body)
	}
	for _, bc := range []struct {
		name, session string
		read          bool
	}{{"token", "", false}, {"token+read", "", true}, {"token+session", ss.WebSession.ID, false}} {
		b.Run(bc.name, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/v1/session", nil)
			r.Header.Set("Authorization", "Bearer "+secret)
			if bc.session != "" {
				r.Header.Set(wire.SessionHeader, bc.session)
			}
			b.ReportAllocs()
			for b.Loop() {
				if bc.read {
					a.s.tokens.forget(ss.TokenID)
				}
				if _, err := a.s.authenticate(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
