package web

import (
	"net/http"
	"strings"
)

// signInData is what templates/signin.html shows.
type signInData struct {
	Next string
}

func (s *Site) signInPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r)
	p.Title = p.T("signin.title")
	p.Data = signInData{Next: localPath(r.URL.Query().Get("next"))}
	s.render(w, http.StatusOK, "signin", p)
}

// signIn checks the token with the API (GET /v1/session) and keeps it,
// sealed, in the session cookie. OIDC sign-in is not built yet.
func (s *Site) signIn(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r)
	p.Title = p.T("signin.title")
	p.Form = NewForm(r)
	next := localPath(r.PostFormValue("next"))
	p.Data = signInData{Next: next}
	token := strings.TrimSpace(r.PostFormValue("token"))
	if !strings.HasPrefix(token, "cpt_") {
		p.Form.Errors["token"] = p.T("signin.token.invalid")
		s.render(w, http.StatusUnprocessableEntity, "signin", p)
		return
	}
	// The request carries no session yet: ask as the token's holder.
	who, err := s.apiAs(r, token).Session(r.Context())
	if err != nil {
		if prob, ok := err.(*Problem); ok && prob.Status == http.StatusUnauthorized {
			p.Form.Errors["token"] = p.T("signin.token.refused")
			s.render(w, http.StatusUnprocessableEntity, "signin", p)
			return
		}
		s.refused(w, "signin", p, err)
		return
	}
	if err := s.startSession(w, r, Session{Token: token, Role: who.Role, Party: who.Party, ProcessID: who.ProcessID}); err != nil {
		s.fail(w, r, err)
		return
	}
	seeOther(w, r, next)
}

func (s *Site) signOut(w http.ResponseWriter, r *http.Request) {
	s.endSession(w, r)
	seeOther(w, r, "/")
}
