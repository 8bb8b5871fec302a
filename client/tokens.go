package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/compact-un/compact/wire"
)

// CreateToken issues a token; its secret is in the answer only.
func (c *Client) CreateToken(ctx context.Context, in wire.TokenRequest) (wire.IssuedToken, error) {
	return post[wire.IssuedToken](ctx, c, "/v1/tokens", in)
}

// Tokens lists the tokens, without secrets: every one for the office, the
// holder's own for anyone else.
func (c *Client) Tokens(ctx context.Context) ([]wire.Token, error) {
	return get[[]wire.Token](ctx, c, "/v1/tokens", nil)
}

// RevokeToken revokes a token by its ID.
func (c *Client) RevokeToken(ctx context.Context, tokenID string) error {
	_, err := c.call(ctx, http.MethodDelete, tokenPath(tokenID), nil, nil)
	return err
}

// RotateToken gives a token a new secret, in the answer only; the old one
// keeps working for the grace asked.
func (c *Client) RotateToken(ctx context.Context, tokenID string, in wire.RotateTokenRequest) (wire.IssuedToken, error) {
	return post[wire.IssuedToken](ctx, c, tokenPath(tokenID)+"/rotate", in)
}

func tokenPath(tokenID string) string { return "/v1/tokens/" + url.PathEscape(tokenID) }

// Session is who the client's token speaks for.
func (c *Client) Session(ctx context.Context) (wire.Session, error) {
	return get[wire.Session](ctx, c, "/v1/session", nil)
}

// StartSession signs the token's holder in: a web session that every API
// process refuses once it ends.
func (c *Client) StartSession(ctx context.Context) (wire.Session, error) {
	var out wire.Session
	_, err := c.send(ctx, request{method: http.MethodPost, path: "/v1/session"}, &out)
	return out, err
}

// CheckSession is Session within the web session id: refused (401) once
// that session was signed out, idled out or expired. It counts as a use.
func (c *Client) CheckSession(ctx context.Context, id string) (wire.Session, error) {
	var out wire.Session
	_, err := c.send(ctx, request{method: http.MethodGet, path: "/v1/session", header: http.Header{wire.SessionHeader: {id}}}, &out)
	return out, err
}

// EndSession signs the web session id out, on every API process.
func (c *Client) EndSession(ctx context.Context, id string) error {
	_, err := c.send(ctx, request{method: http.MethodDelete, path: "/v1/session", header: http.Header{wire.SessionHeader: {id}}}, nil)
	return err
}
