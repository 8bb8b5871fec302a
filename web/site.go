package web

import (
	"context"
	"crypto/rand"
	"net/http"
	"strings"
	"time"

	"go.uber.org/zap"
)

// Options configure a Site.
type Options struct {
	// API is the JSON API's handler (api.Server.Handler); pages call it in
	// process. Required.
	API http.Handler
	// Logger defaults to a no-op logger.
	Logger *zap.Logger
	// SessionKey seals session cookies; replicas that share it accept each
	// other's sessions. At least MinSessionKey bytes; nil means a random key
	// for this Site alone (sessions end when the process does).
	SessionKey []byte
}

// Site serves the web pages.
type Site struct {
	log    *zap.Logger
	keys   keys
	client *http.Client // to the API, in process
	mux    *http.ServeMux
}

// maxForm bounds a POSTed form, an attachment included.
const maxForm = 16 << 20

// New builds a Site over the API. A nil API or a session key shorter than
// MinSessionKey is the caller's mistake, and panics.
func New(o Options) *Site {
	if o.API == nil {
		panic("web: Options.API is required")
	}
	if o.Logger == nil {
		o.Logger = zap.NewNop()
	}
	if o.SessionKey == nil {
		o.SessionKey = make([]byte, MinSessionKey)
		_, _ = rand.Read(o.SessionKey) // never fails (crypto/rand)
	}
	k, err := deriveKeys(o.SessionKey)
	if err != nil {
		panic(err)
	}
	s := &Site{log: o.Logger, keys: k, client: &http.Client{Transport: handlerTransport{o.API}}, mux: http.NewServeMux()}
	s.routes()
	return s
}

// routes registers every page: each area in its own file.
func (s *Site) routes() {
	s.mux.HandleFunc("GET /static/{name}", serveStatic)
	s.mux.HandleFunc("GET /signin", s.signInPage)
	s.mux.HandleFunc("POST /signin", s.signIn)
	s.mux.HandleFunc("POST /signout", s.signOut)
	s.publicRoutes(s.mux)
	s.listsRoutes(s.mux)
	s.calendarsRoutes(s.mux)
	s.stakeholderRoutes(s.mux)
	s.negotiationRoutes(s.mux)
	s.officeRoutes(s.mux)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { s.notFound(w, r) })
}

type langKey struct{}

// ServeHTTP picks the language, asks the API whether the session is live,
// checks every POST's origin and CSRF token, and dispatches.
func (s *Site) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")

	lang, fromQuery := negotiate(r)
	if fromQuery {
		c := s.cookie(r, langCookie, lang, 365*24*time.Hour)
		c.HttpOnly = false // harmless to read; nothing secret
		http.SetCookie(w, c)
	}
	r = r.WithContext(context.WithValue(r.Context(), langKey{}, lang))
	if !strings.HasPrefix(r.URL.Path, "/static/") {
		r = s.checkSession(w, r)
	}
	if r.Method == http.MethodPost {
		r.Body = http.MaxBytesReader(w, r.Body, maxForm)
		if err := s.checkCSRF(r); err != nil {
			s.log.Info("form refused: CSRF", zap.String("path", r.URL.Path), zap.String("origin", r.Header.Get("Origin")),
				zap.String("sec_fetch_site", r.Header.Get("Sec-Fetch-Site")))
			s.errorPage(w, r, http.StatusForbidden, "error.csrf.title", "error.csrf.text", nil)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// localeOf is the language ServeHTTP picked for r.
func localeOf(r *http.Request) *locale {
	if l, ok := r.Context().Value(langKey{}).(string); ok {
		return locales[l]
	}
	lang, _ := negotiate(r)
	return locales[lang]
}
