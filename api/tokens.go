package api

import (
	"net/http"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

func (s *Server) tokenRoutes(mux *http.ServeMux) {
	s.handle(mux, "POST /v1/tokens", s.createToken, PGAOffice)
	s.handle(mux, "GET /v1/tokens", s.listTokens, PGAOffice)
	s.handle(mux, "DELETE /v1/tokens/{id}", s.revokeToken, PGAOffice)
	s.handle(mux, "GET /v1/session", s.getSession, Roles...)
}

// sessionView is who a bearer token speaks for: what a client (the web
// pages' sign-in) checks before it holds on to the token.
type sessionView struct {
	Role      Role   `json:"role"`
	Party     string `json:"party"`
	ProcessID string `json:"processId,omitempty"`
	TokenID   string `json:"tokenId"`
}

func (s *Server) getSession(w http.ResponseWriter, r *http.Request) {
	p := principal(r.Context())
	writeJSON(w, http.StatusOK, sessionView{Role: p.Role, Party: p.Party, ProcessID: p.ProcessID, TokenID: p.TokenID})
}

// maxLabelLength bounds a token's label.
const maxLabelLength = 200

// issuedToken is a new token with its secret, which is shown this once.
type issuedToken struct {
	Secret string `json:"token"`
	store.Token
}

func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	const op = "api.createToken"
	var body struct {
		Role      Role   `json:"role"`
		Party     string `json:"party"`
		ProcessID string `json:"processId,omitempty"`
		Label     string `json:"label,omitempty"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.fail(w, r, err)
		return
	}
	if len(body.Label) > maxLabelLength {
		s.fail(w, r, process.Errorf(op, process.Invalid, "a label has at most %d characters", maxLabelLength))
		return
	}
	secret, t, err := NewToken(body.Role, body.Party, body.ProcessID, body.Label, time.Now())
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
	writeJSON(w, http.StatusCreated, issuedToken{Secret: secret, Token: t})
}

// listTokens lists every token, revoked ones too, without secrets or
// hashes.
func (s *Server) listTokens(w http.ResponseWriter, r *http.Request) {
	ts, err := s.store.ListTokens(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ts == nil {
		ts = []store.Token{}
	}
	writeJSON(w, http.StatusOK, ts)
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	if err := s.store.RevokeToken(r.Context(), r.PathValue("id"), time.Now()); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
