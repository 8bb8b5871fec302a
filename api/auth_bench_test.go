package api

import (
	"encoding/json"
	"net/http/httptest"
	"testing"

	"github.com/compact-un/compact/wire"
)

// BenchmarkAuthenticate is what checking a request's token costs, read from
// the store on every request (no cache, so a revocation holds everywhere at
// once), alone and with a web session named.
func BenchmarkAuthenticate(b *testing.B) {
	a := newAPIServer(b)
	secret := a.token(MemberState, "KEN", "")
	started := a.do("POST", "/v1/session", secret, nil)
	var ss wire.Session
	if err := json.Unmarshal(started.Body, &ss); err != nil || ss.WebSession == nil {
		b.Fatalf("sign in: %d %s", started.Status, started.Body)
	}
	for _, bc := range []struct{ name, session string }{{"token", ""}, {"token+session", ss.WebSession.ID}} {
		b.Run(bc.name, func(b *testing.B) {
			r := httptest.NewRequest("GET", "/v1/session", nil)
			r.Header.Set("Authorization", "Bearer "+secret)
			if bc.session != "" {
				r.Header.Set(wire.SessionHeader, bc.session)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := a.s.authenticate(r); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
