package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/wire"
)

// Role is what a token lets its holder do.
type Role string

const (
	PGAOffice     Role = "pga-office"
	CoFacilitator Role = "co-facilitator"
	MemberState   Role = "member-state"
	Stakeholder   Role = "stakeholder"
	Observer      Role = "" // no token
)

// Roles that a token may carry.
var Roles = []Role{PGAOffice, CoFacilitator, MemberState, Stakeholder}

// Principal is who makes a request.
type Principal struct {
	Role      Role
	Party     string // the organisation, the State's ISO code, or the office
	ProcessID string // the one process a co-facilitator serves
	TokenID   string
	// Replaced: the request came with the secret a rotation replaced, in
	// its grace period.
	Replaced bool
	Token    store.Token    // its row, as read for this request
	Session  *store.Session // the web session the request names, live
}

// tokenPrefix marks Compact's tokens, so that a leaked one is recognisable.
const tokenPrefix = "cpt_"

// Token lifetimes: a token expires DefaultTokenLifetime after it is made
// unless its maker says otherwise, and at most MaxTokenLifetime after, so
// that a forgotten token dies.
const (
	DefaultTokenLifetime = 90 * 24 * time.Hour
	MaxTokenLifetime     = 366 * 24 * time.Hour
)

// NewToken makes a token for a role and party: the secret to hand over once,
// and the row to store (which holds only the secret's hash). It expires
// DefaultTokenLifetime from now; set ExpiresAt after CheckExpiry for
// another expiry.
func NewToken(role Role, party, processID, label string, now time.Time) (secret string, t store.Token, err error) {
	const op = "api.NewToken"
	if !slices.Contains(Roles, role) {
		return "", t, process.Errorf(op, process.Invalid, "role %q: want one of pga-office, co-facilitator, member-state, stakeholder", role)
	}
	// The CLI makes tokens here, not through the API: the same rules.
	if party, err = process.CleanName(party); err != nil {
		return "", t, process.Errorf(op, process.Invalid, "party: %s", process.Message(err))
	}
	if role == MemberState && !process.IsMemberState(party) {
		return "", t, process.Errorf(op, process.Invalid, "%q is not a Member State's ISO 3166 alpha-3 code", party)
	}
	if role == CoFacilitator && processID == "" {
		return "", t, process.Errorf(op, process.Invalid, "a co-facilitator's token names its process")
	}
	secret, hash, err := newSecret(op)
	if err != nil {
		return "", t, err
	}
	var id [6]byte // apart from the secret, so the ID gives none of it away
	if _, err := rand.Read(id[:]); err != nil {
		return "", t, process.E(op, process.Internal, err)
	}
	t = store.Token{
		ID: "tok_" + hex.EncodeToString(id[:]), Hash: hash, Role: string(role), Party: party,
		ProcessID: processID, Label: label, CreatedAt: now.UTC(), ExpiresAt: now.Add(DefaultTokenLifetime).UTC(),
	}
	return secret, t, nil
}

// CheckExpiry refuses a token expiry that is not after now or more than
// MaxTokenLifetime after it.
func CheckExpiry(now, expires time.Time) error {
	const op = "api.CheckExpiry"
	if !expires.After(now) {
		return process.Errorf(op, process.Invalid, "the expiry %s is not in the future", expires.UTC().Format(time.RFC3339))
	}
	if expires.Sub(now) > MaxTokenLifetime {
		return process.Errorf(op, process.Invalid, "a token lasts at most %d days", MaxTokenLifetime/(24*time.Hour))
	}
	return nil
}

// newSecret makes a token's secret and its hash.
func newSecret(op string) (secret, hash string, err error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", "", process.E(op, process.Internal, err)
	}
	secret = tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	return secret, hashToken(secret), nil
}

func hashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// authenticate finds the request's principal: an observer without a token,
// the token's holder with a valid one. The token's row comes from the
// store, or from this process's reads of the last tokenTTL, so that a token
// revoked by any process is refused by all within a second; its expiry is
// checked against now every time. When the request names a web session,
// the store says whether it is live, every time.
func (s *Server) authenticate(r *http.Request) (Principal, error) {
	const op = "api.authenticate"
	h := r.Header.Get("Authorization")
	if h == "" {
		return Principal{Role: Observer}, nil
	}
	secret, ok := strings.CutPrefix(h, "Bearer ")
	if !ok || !strings.HasPrefix(secret, tokenPrefix) {
		return Principal{}, process.Errorf(op, process.Unauthorized, "the Authorization header must be \"Bearer cpt_…\"")
	}
	hash := hashToken(secret)
	t, err := s.token(r.Context(), hash)
	if process.KindOf(err) == process.NotFound {
		return Principal{}, process.Errorf(op, process.Unauthorized, "the token is unknown")
	}
	if err != nil {
		return Principal{}, err
	}
	now := s.now()
	replaced := t.Hash != hash
	switch {
	case !t.RevokedAt.IsZero():
		return Principal{}, process.Errorf(op, process.Unauthorized, "the token %s was revoked at %s", t.ID, stampOf(t.RevokedAt))
	case !now.Before(t.ExpiresAt):
		return Principal{}, process.Errorf(op, process.Unauthorized, "the token %s expired at %s", t.ID, stampOf(t.ExpiresAt))
	case replaced && !now.Before(t.PreviousUntil):
		return Principal{}, process.Errorf(op, process.Unauthorized, "this secret of token %s was replaced at %s and taken until %s",
			t.ID, stampOf(t.RotatedAt), stampOf(t.PreviousUntil))
	}
	p := Principal{Role: Role(t.Role), Party: t.Party, ProcessID: t.ProcessID, TokenID: t.ID, Replaced: replaced, Token: t}
	if id := r.Header.Get(wire.SessionHeader); id != "" {
		if p.Session, err = s.liveSession(r.Context(), id, t.ID, now); err != nil {
			return Principal{}, err
		}
	}
	return p, nil
}

// token is the row of the token whose secret has the given hash, as read
// less than tokenTTL ago.
func (s *Server) token(ctx context.Context, hash string) (store.Token, error) {
	if t, ok := s.tokens.get(hash); ok {
		return t, nil
	}
	read := time.Now()
	t, err := s.store.TokenByHash(ctx, hash)
	if err == nil {
		s.tokens.put(hash, t, read)
	}
	return t, err
}

// stampOf is a time as problems say it.
func stampOf(t time.Time) string { return t.UTC().Format(time.RFC3339) }

type principalKey struct{}

// principal is the request's principal, set by the auth middleware.
func principal(ctx context.Context) Principal {
	p, _ := ctx.Value(principalKey{}).(Principal)
	return p
}

// allow runs h for the listed roles only: 401 without a token where one is
// needed, 403 with the wrong one. No roles means everyone, observers too.
func (s *Server) allow(h http.HandlerFunc, roles ...Role) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p, err := s.authenticate(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(roles) > 0 && !slices.Contains(roles, p.Role) {
			kind, msg := process.Forbidden, "this needs the role "+joinRoles(roles)
			if p.Role == Observer {
				kind, msg = process.Unauthorized, "this needs a token with the role "+joinRoles(roles)
			}
			s.fail(w, r, process.Errorf("api.allow", kind, "%s", msg))
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, p)))
	}
}

// serves reports whether p acts for the process: the PGA's office for all,
// a co-facilitator for the one named in the token.
func (p Principal) serves(processID string) bool {
	return p.Role == PGAOffice || (p.Role == CoFacilitator && p.ProcessID == processID)
}

func joinRoles(roles []Role) string {
	names := make([]string, len(roles))
	for i, r := range roles {
		names[i] = string(r)
	}
	return strings.Join(names, " or ")
}
