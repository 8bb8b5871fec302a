package api

import (
	"net/http"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/wire"
)

func (s *Server) tokenRoutes(mux *http.ServeMux) {
	s.handle(mux, "POST /v1/tokens", s.createToken, PGAOffice)
	s.handle(mux, "GET /v1/tokens", s.listTokens, PGAOffice)
	s.handle(mux, "DELETE /v1/tokens/{id}", s.revokeToken, PGAOffice)
	s.handle(mux, "GET /v1/session", s.getSession, Roles...)
}

func (s *Server) getSession(w http.ResponseWriter, r *http.Request) {
	p := principal(r.Context())
	writeJSON(w, http.StatusOK, wire.Session{Role: string(p.Role), Party: p.Party, ProcessID: p.ProcessID, TokenID: p.TokenID})
}

// maxLabelLength bounds a token's label.
const maxLabelLength = 200

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
	secret, t, err := NewToken(Role(body.Role), body.Party, body.ProcessID, body.Label, time.Now())
	if err != nil {
		s.fail(w, r, err)
		return
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

// listTokens lists every token, revoked ones too, without secrets or
// hashes.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) {
	ts, err := s.store.ListTokens(r.Context())
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

// tokenView is a token as the API shows it: without its hash.
func tokenView(t store.Token) wire.Token {
	return wire.Token{ID: t.ID, Role: t.Role, Party: t.Party, ProcessID: t.ProcessID, Label: t.Label,
		CreatedAt: t.CreatedAt, RevokedAt: t.RevokedAt}
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	if err := s.store.RevokeToken(r.Context(), r.PathValue("id"), time.Now()); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
