package wire

import "time"

// TokenRequest issues a bearer token.
type TokenRequest struct {
	Role      string `json:"role"`
	Party     string `json:"party"`
	ProcessID string `json:"processId,omitempty"`
	Label     string `json:"label,omitempty"`
	// ExpiresAt is when the token stops working: at most a year away;
	// 90 days from now when left out.
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
}

// RotateTokenRequest gives a token a new secret.
type RotateTokenRequest struct {
	// GraceSeconds is how long the replaced secret keeps working, so that
	// its holder can switch without downtime: 0 refuses it at once (a leak),
	// at most 30 days.
	GraceSeconds *int64 `json:"graceSeconds"`
	// ExpiresAt is the token's new expiry; left out, the token lives as
	// long again as its last secret was given.
	ExpiresAt time.Time `json:"expiresAt,omitzero"`
}

// SessionHeader names the web session a request belongs to: the API
// refuses the request once that session has ended.
const SessionHeader = "Compact-Session"

// Session is who a bearer token speaks for: what a client (the web pages'
// sign-in) checks before it holds on to the token.
type Session struct {
	Role           string    `json:"role"`
	Party          string    `json:"party"`
	ProcessID      string    `json:"processId,omitempty"`
	TokenID        string    `json:"tokenId"`
	TokenExpiresAt time.Time `json:"tokenExpiresAt,omitzero"`
	// WebSession is the web session the request named or started.
	WebSession *WebSession `json:"session,omitempty"`
}

// WebSession is a sign-in to the web pages, kept by the API so that
// signing out ends it on every server.
type WebSession struct {
	ID        string    `json:"id"` // sent back in the Compact-Session header
	StartedAt time.Time `json:"startedAt"`
	// IdleUntil is when it ends unless used before; each use moves it on.
	IdleUntil time.Time `json:"idleUntil"`
	ExpiresAt time.Time `json:"expiresAt"` // when it ends, used or not
}

// Token is an issued token, without its secret.
type Token struct {
	ID        string    `json:"id"`   // public handle, for listing, rotating and revoking
	Role      string    `json:"role"` // pga-office, co-facilitator, member-state, stakeholder
	Party     string    `json:"party"`
	ProcessID string    `json:"processId,omitempty"` // the process a co-facilitator serves
	Label     string    `json:"label,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	ExpiresAt time.Time `json:"expiresAt"`
	RevokedAt time.Time `json:"revokedAt,omitzero"`
	RotatedAt time.Time `json:"rotatedAt,omitzero"` // when the current secret was issued
	// PreviousUntil is until when the secret the last rotation replaced is
	// still taken.
	PreviousUntil time.Time `json:"previousUntil,omitzero"`
}

// IssuedToken is a new token, or a rotated one, with its secret, which is
// shown this once.
type IssuedToken struct {
	Secret string `json:"token"`
	Token
}
