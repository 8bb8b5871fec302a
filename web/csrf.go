package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"time"
)

// csrfField is the hidden field every POST form carries ({{.CSRFField}}).
const csrfField = "csrf"

// preLifetime bounds the cookie that binds an anonymous form's token.
const preLifetime = 24 * time.Hour

// csrfToken is the token a form of this session carries: a MAC of the
// session's ID, or of the pre-session cookie's value before sign-in.
func (s *Site) csrfToken(ss *Session, pre string) string {
	m := hmac.New(sha256.New, s.keys.csrf)
	if ss != nil {
		m.Write([]byte("session|" + ss.ID))
	} else {
		m.Write([]byte("pre|" + pre))
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

var errCSRF = errors.New("web: the form's origin or CSRF token does not check out")

// checkCSRF refuses a POST that did not come from one of our own forms in
// this browser: a cross-site Sec-Fetch-Site or Origin, or a token that is
// not this session's (or, signed out, this browser's pre-session cookie's).
func (s *Site) checkCSRF(r *http.Request) error {
	switch r.Header.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return errCSRF
	}
	if o := r.Header.Get("Origin"); o != "" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return errCSRF
		}
	}
	got := r.PostFormValue(csrfField)
	if got == "" {
		return errCSRF
	}
	ss := s.session(r)
	pre := ""
	if ss == nil {
		c, err := r.Cookie(preCookie)
		if err != nil || c.Value == "" {
			return errCSRF
		}
		pre = c.Value
	}
	if !hmac.Equal([]byte(got), []byte(s.csrfToken(ss, pre))) {
		return errCSRF
	}
	return nil
}
