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

// signIn starts a session with the API (POST /v1/session), which checks
// the token, and keeps both, sealed, in the session cookie. OIDC sign-in is
// not built yet.
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
	who, err := s.apiAs(r, token).StartSession(r.Context())
	if err != nil {
		if prob, ok := err.(*Problem); ok && prob.Status == http.StatusUnauthorized {
			p.Form.Errors["token"] = p.T("signin.token.refused")
			s.render(w, http.StatusUnprocessableEntity, "signin", p)
			return
		}
		s.refused(w, "signin", p, err)
		return
	}
	ss := Session{Token: token, Role: who.Role, Party: who.Party, ProcessID: who.ProcessID, ID: who.WebSession.ID, Expires: who.WebSession.ExpiresAt}
	if err := s.startSession(w, r, ss); err != nil {
		s.fail(w, r, err)
		return
	}
	if next == "/" { // from the front page, or from nowhere: to the work the role does
		next = homeOf(ss)
	}
	seeOther(w, r, next)
}

// signOut ends the session with the API, for every replica, then clears
// the cookie. When the API cannot end it, the page says so and the cookie
// stays, for the user to try again.
func (s *Site) signOut(w http.ResponseWriter, r *http.Request) {
	if ss := s.session(r); ss != nil {
		if err := s.apiAs(r, ss.Token).EndSession(r.Context(), ss.ID); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.endSession(w, r)
	seeOther(w, r, "/")
}
