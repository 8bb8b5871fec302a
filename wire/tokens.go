package wire

import "time"

// TokenRequest issues a bearer token.
type TokenRequest struct {
	Role      string `json:"role"`
	Party     string `json:"party"`
	ProcessID string `json:"processId,omitempty"`
	Label     string `json:"label,omitempty"`
}

// Session is who a bearer token speaks for: what a client (the web pages'
// sign-in) checks before it holds on to the token.
type Session struct {
	Role      string `json:"role"`
	Party     string `json:"party"`
	ProcessID string `json:"processId,omitempty"`
	TokenID   string `json:"tokenId"`
}

// Token is an issued token, without its secret.
type Token struct {
	ID        string    `json:"id"`   // public handle, for listing and revoking
	Role      string    `json:"role"` // pga-office, co-facilitator, member-state, stakeholder
	Party     string    `json:"party"`
	ProcessID string    `json:"processId,omitempty"` // the process a co-facilitator serves
	Label     string    `json:"label,omitempty"`
	CreatedAt time.Time `json:"createdAt"`
	RevokedAt time.Time `json:"revokedAt,omitzero"`
}

// IssuedToken is a new token with its secret, which is shown this once.
type IssuedToken struct {
	Secret string `json:"token"`
	Token
}
