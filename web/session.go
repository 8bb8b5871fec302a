package web

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"go.uber.org/zap"
)

// Cookies the site sets.
const (
	sessionCookie = "compact_session" // the sealed session
	preCookie     = "compact_pre"     // binds an anonymous form's CSRF token
)

// MinSessionKey is the shortest session key New accepts.
const MinSessionKey = 32

// Session is a signed-in user: the API token they signed in with and who
// the API said it speaks for. It travels sealed in a cookie, so any replica
// holding the same key reads it; the API keeps the session itself in the
// store, so that signing out or idling out ends it on every replica.
type Session struct {
	Token     string    `json:"t"`
	Role      string    `json:"r"` // pga-office, co-facilitator, member-state, stakeholder
	Party     string    `json:"p"`
	ProcessID string    `json:"pid,omitempty"` // a co-facilitator's process
	ID        string    `json:"id"`            // the API's session ID; binds the session's CSRF tokens
	Expires   time.Time `json:"exp"`
}

// keys are derived from the session key, one per use.
type keys struct {
	seal cipher.AEAD
	csrf []byte
}

func deriveKeys(secret []byte) (keys, error) {
	if len(secret) < MinSessionKey {
		return keys{}, errors.New("web: the session key needs at least 32 bytes")
	}
	derive := func(purpose string) []byte {
		m := hmac.New(sha256.New, secret)
		m.Write([]byte("compact web " + purpose))
		return m.Sum(nil)
	}
	block, err := aes.NewCipher(derive("session seal"))
	if err != nil {
		return keys{}, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return keys{}, err
	}
	return keys{seal: aead, csrf: derive("csrf")}, nil
}

// sealValue encrypts and authenticates v for the cookie name, which is
// bound in as associated data: a value sealed for one cookie is refused
// as another.
func (k keys) sealValue(name string, v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, k.seal.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(k.seal.Seal(nonce, nonce, plain, []byte(name))), nil
}

var errBadSeal = errors.New("web: the sealed value is not ours or was altered")

// openValue reverses sealValue.
func (k keys) openValue(name, sealed string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(sealed)
	if err != nil || len(b) < k.seal.NonceSize() {
		return errBadSeal
	}
	n := k.seal.NonceSize()
	plain, err := k.seal.Open(nil, b[:n], b[n:], []byte(name))
	if err != nil {
		return errBadSeal
	}
	return json.Unmarshal(plain, v)
}

// openSession reads the request's session cookie; nil when there is none,
// or it expired or was tampered with. Whether the API still takes the
// session is checkSession's question.
func (s *Site) openSession(r *http.Request) *Session {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	var ss Session
	if s.keys.openValue(sessionCookie, c.Value, &ss) != nil || ss.Token == "" || ss.ID == "" || !time.Now().Before(ss.Expires) {
		return nil
	}
	return &ss
}

type sessionKey struct{}

// checkSession asks the API whether the cookie's session is live (which
// counts as its use) and keeps the answer in the request for session:
// once signed out, idle or revoked anywhere, the cookie is cleared here.
func (s *Site) checkSession(w http.ResponseWriter, r *http.Request) *http.Request {
	ss := s.openSession(r)
	if ss == nil {
		return r
	}
	if _, err := s.apiAs(r, ss.Token).CheckSession(r.Context(), ss.ID); err != nil {
		if prob, ok := err.(*Problem); ok && prob.Status == http.StatusUnauthorized {
			s.endSession(w, r)
		} else {
			s.log.Warn("the session could not be checked: treated as signed out", zap.Error(err))
		}
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), sessionKey{}, ss))
}

// session is the request's live session, nil when signed out.
func (s *Site) session(r *http.Request) *Session {
	ss, _ := r.Context().Value(sessionKey{}).(*Session)
	return ss
}

// startSession sets the session cookie for a session the API started.
func (s *Site) startSession(w http.ResponseWriter, r *http.Request, ss Session) error {
	v, err := s.keys.sealValue(sessionCookie, ss)
	if err != nil {
		return err
	}
	http.SetCookie(w, s.cookie(r, sessionCookie, v, time.Until(ss.Expires)))
	return nil
}

// endSession clears the session cookie.
func (s *Site) endSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, s.cookie(r, sessionCookie, "", -1))
}

// cookie is one of the site's cookies: HttpOnly, SameSite=Lax, Path=/,
// Secure when the request came over TLS. maxAge < 0 deletes it.
func (s *Site) cookie(r *http.Request, name, value string, maxAge time.Duration) *http.Cookie {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: secure(r)}
	if maxAge < 0 {
		c.MaxAge = -1
	} else {
		c.MaxAge = int(maxAge / time.Second)
	}
	return c
}

// secure reports whether the browser reached us over TLS: directly, or
// through a proxy that says so in X-Forwarded-Proto. The header may only
// add Secure, never take it away, so a forged one cannot weaken a cookie;
// at worst it keeps a plain-HTTP client from being signed in.
func secure(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

func randomID() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}
