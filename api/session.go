package api

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/wire"
)

// SessionTimeouts end web sessions: Idle after the last request that named
// the session, Lifetime after sign-in. Zero fields take 30 minutes and 12
// hours.
type SessionTimeouts struct {
	Idle     time.Duration
	Lifetime time.Duration
}

func (t SessionTimeouts) withDefaults() SessionTimeouts {
	if t.Idle <= 0 {
		t.Idle = 30 * time.Minute
	}
	if t.Lifetime <= 0 {
		t.Lifetime = 12 * time.Hour
	}
	return t
}

// sessionTouchEvery is how stale a session's last use may get before a
// request records its use anew: a page view then costs a read, not a
// write, and a session may idle out up to this much early.
const sessionTouchEvery = time.Minute

func (s *Server) sessionRoutes(mux *http.ServeMux) {
	s.handle(mux, "GET /v1/session", s.getSession, Roles...)
	s.handle(mux, "POST /v1/session", s.startSession, Roles...)
	s.handle(mux, "DELETE /v1/session", s.endSession, Roles...)
}

// getSession says whom the token speaks for and, with the Compact-Session
// header, that the web session is live (authenticate refused it otherwise).
func (s *Server) getSession(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.sessionView(principal(r.Context())))
}

func (s *Server) sessionView(p Principal) wire.Session {
	out := wire.Session{Role: string(p.Role), Party: p.Party, ProcessID: p.ProcessID, TokenID: p.TokenID, TokenExpiresAt: p.Token.ExpiresAt}
	if ss := p.Session; ss != nil {
		out.WebSession = &wire.WebSession{ID: ss.ID, StartedAt: ss.StartedAt, IdleUntil: ss.SeenAt.Add(s.sessions.Idle),
			ExpiresAt: ss.StartedAt.Add(s.sessions.Lifetime)}
	}
	return out
}

// startSession signs the token's holder in to the web pages: a session in
// the store, which every API process checks when a request names it.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request) {
	const op = "api.startSession"
	p := principal(r.Context())
	if p.Replaced {
		s.fail(w, r, process.Errorf(op, process.Forbidden, "sign in with the token's new secret: this one was replaced"))
		return
	}
	var id [18]byte
	if _, err := rand.Read(id[:]); err != nil {
		s.fail(w, r, process.E(op, process.Internal, err))
		return
	}
	now := s.now().UTC()
	ss := store.Session{ID: "ses_" + base64.RawURLEncoding.EncodeToString(id[:]), TokenID: p.TokenID, StartedAt: now, SeenAt: now}
	if err := s.store.StartSession(r.Context(), ss); err != nil {
		s.fail(w, r, err)
		return
	}
	p.Session = &ss
	writeJSON(w, http.StatusCreated, s.sessionView(p))
}

// endSession signs out: the session named in the Compact-Session header
// is refused from now on, by every process on the store.
func (s *Server) endSession(w http.ResponseWriter, r *http.Request) {
	const op = "api.endSession"
	p := principal(r.Context())
	if p.Session == nil {
		s.fail(w, r, process.Errorf(op, process.Invalid, "name the session to end in the %s header", wire.SessionHeader))
		return
	}
	if err := s.store.EndSession(r.Context(), p.Session.ID, s.now()); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// liveSession is the session id of the token tokenID if it is live at now,
// its use recorded; Unauthorized when it ended, idled out, expired, or is
// another token's.
func (s *Server) liveSession(ctx context.Context, id, tokenID string, now time.Time) (*store.Session, error) {
	const op = "api.liveSession"
	ss, err := s.store.GetSession(ctx, id)
	switch {
	case process.KindOf(err) == process.NotFound || (err == nil && ss.TokenID != tokenID):
		return nil, process.Errorf(op, process.Unauthorized, "no such session for this token")
	case err != nil:
		return nil, err
	case !ss.EndedAt.IsZero():
		return nil, process.Errorf(op, process.Unauthorized, "the session was signed out at %s", stampOf(ss.EndedAt))
	case !now.Before(ss.StartedAt.Add(s.sessions.Lifetime)):
		return nil, process.Errorf(op, process.Unauthorized, "the session expired at %s; sign in again", stampOf(ss.StartedAt.Add(s.sessions.Lifetime)))
	case !now.Before(ss.SeenAt.Add(s.sessions.Idle)):
		return nil, process.Errorf(op, process.Unauthorized, "the session ended at %s, idle for %s; sign in again",
			stampOf(ss.SeenAt.Add(s.sessions.Idle)), s.sessions.Idle)
	}
	if now.Sub(ss.SeenAt) >= sessionTouchEvery {
		if err := s.store.TouchSession(ctx, id, now); err != nil {
			return nil, err
		}
		ss.SeenAt = now
	}
	return &ss, nil
}
