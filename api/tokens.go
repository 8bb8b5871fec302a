package api

import (
	"context"
	"net/http"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/wire"
)

// The office makes tokens and lists, rotates and revokes any; a holder
// lists, rotates and revokes its own: those of its role and party.
func (s *Server) tokenRoutes(mux *http.ServeMux) {
	s.handle(mux, "POST /v1/tokens", s.createToken, PGAOffice)
	s.handle(mux, "GET /v1/tokens", s.listTokens, Roles...)
	s.handle(mux, "DELETE /v1/tokens/{id}", s.revokeToken, Roles...)
	s.handle(mux, "POST /v1/tokens/{id}/rotate", s.rotateToken, Roles...)
	s.sessionRoutes(mux)
}

// maxLabelLength bounds a token's label.
const maxLabelLength = 200

// MaxRotationGrace bounds how long a replaced secret keeps working.
const MaxRotationGrace = 30 * 24 * time.Hour

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	const op = "api.createToken"
	var body wire.TokenRequest
	if err := decodeJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(body.Label) > maxLabelLength {
		s.fail(w, r, process.AtField("/label", process.Errorf(op, process.Invalid, "a label has at most %d characters", maxLabelLength)))
		return
	}
	now := s.now()
	secret, t, err := NewToken(Role(body.Role), body.Party, body.ProcessID, body.Label, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !body.ExpiresAt.IsZero() {
		if err := CheckExpiry(now, body.ExpiresAt); err != nil {
			s.fail(w, r, process.AtField("/expiresAt", err))
			return
		}
		t.ExpiresAt = body.ExpiresAt.UTC()
	}
	if t.ProcessID != "" {
		if _, err := s.store.GetProcess(r.Context(), t.ProcessID); process.KindOf(err) == process.NotFound {
			s.fail(w, r, process.E(op, process.Rule, err))
			return
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if err := s.store.CreateToken(r.Context(), t); err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, wire.IssuedToken{Secret: secret, Token: tokenView(t)})
}

// listTokens lists tokens, revoked ones too, without secrets or hashes:
// every token to the office, a holder's own to the holder.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) {
	var f store.TokenFilter
	if p := principal(r.Context()); p.Role != PGAOffice {
		f = store.TokenFilter{Role: string(p.Role), Party: p.Party}
	}
	ts, err := s.store.ListTokens(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]wire.Token, len(ts))
	for i, t := range ts {
		out[i] = tokenView(t)
	}
	writeJSON(w, http.StatusOK, out)
}

// tokenView is a token as the API shows it: without its hashes.
func tokenView(t store.Token) wire.Token {
	return wire.Token{ID: t.ID, Role: t.Role, Party: t.Party, ProcessID: t.ProcessID, Label: t.Label,
		CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, RevokedAt: t.RevokedAt, RotatedAt: t.RotatedAt, PreviousUntil: t.PreviousUntil}
}

// ownToken is the token the path names, if the caller may manage it.
func (s *Server) ownToken(r *http.Request, op string) (store.Token, error) {
	t, err := s.store.GetToken(r.Context(), r.PathValue("id"))
	if err != nil {
		return t, err
	}
	if p := principal(r.Context()); p.Role != PGAOffice && (t.Role != string(p.Role) || t.Party != p.Party) {
		return t, process.Errorf(op, process.Forbidden, "token %s is not %s's", t.ID, p.Party)
	}
	return t, nil
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	t, err := s.ownToken(r, "api.revokeToken")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.store.RevokeToken(r.Context(), t.ID, s.now())
	s.tokens.forget(t.ID) // refused here at once, whatever the store said
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// rotateToken gives a token a new secret for the same holder; the one it
// replaces keeps working for the grace the request asks.
func (s *Server) rotateToken(w http.ResponseWriter, r *http.Request) {
	const op = "api.rotateToken"
	var body wire.RotateTokenRequest
	if err := decodeJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	// Bounded before it becomes a Duration, which a huge count would overflow.
	if g := body.GraceSeconds; g == nil || *g < 0 || *g > int64(MaxRotationGrace/time.Second) {
		s.fail(w, r, process.AtField("/graceSeconds", process.Errorf(op, process.Invalid,
			"say how many seconds the replaced secret keeps working: 0 to %d", int64(MaxRotationGrace/time.Second))))
		return
	}
	t, err := s.ownToken(r, op)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if p := principal(r.Context()); p.Replaced && p.TokenID == t.ID {
		s.fail(w, r, process.Errorf(op, process.Forbidden, "a replaced secret cannot rotate its token again: use the new one"))
		return
	}
	id := t.ID
	secret, t, err := RotateToken(r.Context(), s.store, t, time.Duration(*body.GraceSeconds)*time.Second, body.ExpiresAt, s.now())
	s.tokens.forget(id) // the replaced secret's new grace holds here at once
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, wire.IssuedToken{Secret: secret, Token: tokenView(t)})
}

// RotateToken gives t a new secret, returned with the rotated token: the
// secret it replaces keeps working for grace (at most MaxRotationGrace),
// and the token expires at expires, or when zero, as long after now as its
// last secret was given for. The API and the CLI rotate here: the same
// rules.
func RotateToken(ctx context.Context, st store.Tokens, t store.Token, grace time.Duration, expires, now time.Time) (string, store.Token, error) {
	const op = "api.RotateToken"
	if grace < 0 || grace > MaxRotationGrace {
		return "", t, process.AtField("/graceSeconds", process.Errorf(op, process.Invalid,
			"the replaced secret keeps working 0 to %d seconds (30 days), not %d", int64(MaxRotationGrace/time.Second), int64(grace/time.Second)))
	}
	now = now.UTC()
	if expires.IsZero() {
		expires = now.Add(lifetimeOf(t))
	}
	if err := CheckExpiry(now, expires); err != nil {
		return "", t, process.AtField("/expiresAt", err)
	}
	secret, hash, err := newSecret(op)
	if err != nil {
		return "", t, err
	}
	t, err = st.RotateToken(ctx, t.ID, store.TokenRotation{Hash: hash, At: now, GraceUntil: now.Add(grace), ExpiresAt: expires.UTC()})
	return secret, t, err
}

// lifetimeOf is how long t's current secret was given for: what a rotation
// gives the new one.
func lifetimeOf(t store.Token) time.Duration {
	issued := t.CreatedAt
	if !t.RotatedAt.IsZero() {
		issued = t.RotatedAt
	}
	if d := t.ExpiresAt.Sub(issued); d > 0 && d <= MaxTokenLifetime {
		return d
	}
	return DefaultTokenLifetime
}
