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
}

// tokenPrefix marks Compact's tokens, so that a leaked one is recognisable.
const tokenPrefix = "cpt_"

// NewToken makes a token for a role and party: the secret to hand over once,
// and the row to store (which holds only the secret's hash).
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
	var raw [32]byte
	var id [6]byte // apart from the secret, so the ID gives none of it away
	if _, err := rand.Read(raw[:]); err != nil {
		return "", t, process.E(op, process.Internal, err)
	}
	if _, err := rand.Read(id[:]); err != nil {
		return "", t, process.E(op, process.Internal, err)
	}
	secret = tokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	t = store.Token{
		ID: "tok_" + hex.EncodeToString(id[:]), Hash: hashToken(secret), Role: string(role), Party: party,
		ProcessID: processID, Label: label, CreatedAt: now.UTC(),
	}
	return secret, t, nil
}

func hashToken(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// authenticate finds the request's principal: an observer without a token,
// the token's holder with a valid one.
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
	t, err := s.store.TokenByHash(r.Context(), hashToken(secret))
	if process.KindOf(err) == process.NotFound || (err == nil && !t.RevokedAt.IsZero()) {
		return Principal{}, process.Errorf(op, process.Unauthorized, "the token is unknown or revoked")
	}
	if err != nil {
		return Principal{}, err
	}
	return Principal{Role: Role(t.Role), Party: t.Party, ProcessID: t.ProcessID, TokenID: t.ID}, nil
}

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
