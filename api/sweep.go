package api

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/compact-un/compact/store"
)

// TokenSecretRetention is how long a token's secret that stopped working
// (the token expired or was revoked, or a rotation's grace ended) is still
// recognised, so that its holder is told why it is refused rather than
// that it is unknown. After that only the token's row is kept: the office's
// list and the audit need who held which token, and when; nothing needs
// the hash of a secret that opens nothing.
const TokenSecretRetention = 30 * 24 * time.Hour

// SessionRetention is how long a web session that is over (idled out,
// past its lifetime, or signed out) is kept before a sweep deletes it, so
// that a holder coming back the next morning is told when and why it
// ended rather than that it is unknown, and a replica whose timeouts are
// a little longer than the sweeper's is not refused a session it still
// honours. A signed-out session was used at most an idle time before its
// end, so it too is kept at least this long after it ended.
const SessionRetention = 24 * time.Hour

// sweepBatch bounds each write of a sweep, so that a backlog never holds
// the store's write lock for long.
const sweepBatch = 500

// Swept is what a sweep cleared.
type Swept struct {
	Sessions int // sessions deleted
	Tokens   int // tokens whose secrets were forgotten
}

// Sweep deletes the web sessions no request could use for SessionRetention
// and forgets the secrets that stopped working TokenSecretRetention ago, a batch at a time
// until none is left: otherwise the store keeps every sign-in for ever.
// Every API process may sweep; sweeps on one store do not conflict.
func (s *Server) Sweep(ctx context.Context) (Swept, error) {
	now := s.now()
	over := now.Add(-SessionRetention)
	purge := store.SessionPurge{SeenBefore: over.Add(-s.sessions.Idle), StartedBefore: over.Add(-s.sessions.Lifetime), Limit: sweepBatch}
	var out Swept
	for {
		n, err := s.store.PurgeSessions(ctx, purge)
		out.Sessions += n
		if err != nil {
			return out, err
		}
		if n < sweepBatch {
			break
		}
	}
	for {
		n, err := s.store.ForgetTokenSecrets(ctx, now.Add(-TokenSecretRetention), sweepBatch)
		out.Tokens += n
		if n > 0 {
			s.tokens.clear()
		}
		if err != nil || n < sweepBatch {
			return out, err
		}
	}
}

// SweepEvery sweeps at once and then every interval until ctx ends; a
// failed sweep is logged, and the next tries again.
func (s *Server) SweepEvery(ctx context.Context, every time.Duration) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		swept, err := s.Sweep(ctx)
		switch {
		case ctx.Err() != nil:
			return
		case err != nil:
			s.log.Warn("sweep failed", zap.Error(err))
		case swept != Swept{}:
			s.log.Info("swept", zap.Int("sessions", swept.Sessions), zap.Int("tokens", swept.Tokens))
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
