package api

import (
	"sync"

	"golang.org/x/time/rate"

	"github.com/compact-un/compact/process"
)

// limiter gives each token its own request rate, so that one client cannot
// crowd out the others at a deadline.
type limiter struct {
	mu     sync.Mutex
	rate   rate.Limit
	burst  int
	tokens map[string]*rate.Limiter
}

func newLimiter(perSecond float64, burst int) *limiter {
	return &limiter{rate: rate.Limit(perSecond), burst: burst, tokens: map[string]*rate.Limiter{}}
}

func (l *limiter) allow(tokenID string) error {
	if l == nil || l.rate <= 0 {
		return nil
	}
	l.mu.Lock()
	lim, ok := l.tokens[tokenID]
	if !ok {
		lim = rate.NewLimiter(l.rate, l.burst)
		l.tokens[tokenID] = lim
	}
	l.mu.Unlock()
	if !lim.Allow() {
		return process.Errorf("api.limiter", process.RateLimited, "too many requests with this token; slow down")
	}
	return nil
}
