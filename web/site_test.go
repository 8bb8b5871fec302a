package web

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/client"
	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/process"
)

func TestLanguageNegotiation(t *testing.T) {
	ts := newTestSite(t)
	for _, c := range []struct {
		acceptLanguage, query, want, dir string
	}{
		{"", "", "en", "ltr"},
		{"ar", "", "ar", "rtl"},
		{"ar-EG,ar;q=0.9,en;q=0.5", "", "ar", "rtl"},
		{"fr-CH, fr;q=0.9", "", "fr", "ltr"},
		{"de-DE, es;q=0.5", "", "es", "ltr"},
		{"zh-CN", "", "zh", "ltr"},
		{"ru", "", "ru", "ltr"},
		{"de", "", "en", "ltr"},
		{"zh-Hant-TW", "", "zh", "ltr"},
		{"es-419", "", "es", "ltr"},
		{"fr;q=0.5, ru;q=0.9", "", "ru", "ltr"},
		{"*", "", "en", "ltr"},
		{"fr;q=oui", "", "en", "ltr"}, // malformed: ignored
		{"ar", "?lang=es", "es", "ltr"},
		{"en", "?lang=xx", "en", "ltr"},
	} {
		p := ts.browser().get("/"+c.query, "Accept-Language", c.acceptLanguage)
		wantPage(t, c.acceptLanguage+c.query, p, http.StatusOK, `<html lang="`+c.want+`" dir="`+c.dir+`">`)
		if got := p.Header.Get("Content-Language"); got != c.want {
			t.Errorf("%s%s: Content-Language %q, want %q", c.acceptLanguage, c.query, got, c.want)
		}
	}

	// The switch is remembered: later pages keep the language picked, over
	// the browser's.
	b := ts.browser()
	b.get("/?lang=ru", "Accept-Language", "ar")
	p := b.get("/signin", "Accept-Language", "ar")
	wantPage(t, "after ?lang=ru", p, http.StatusOK, `<html lang="ru" dir="ltr">`, "Вход")

	// Every page says the same in each language, and none lacks a message.
	for _, lang := range lang.All {
		p := ts.browser().get("/signin?lang=" + lang)
		wantPage(t, "sign-in in "+lang, p, http.StatusOK, locales[lang].T("signin.token.label"), `hreflang="ar"`)
	}
}

func TestDatesPerLanguage(t *testing.T) {
	d := time.Date(2027, time.March, 2, 15, 4, 0, 0, time.UTC)
	for lang, want := range map[string]string{
		"en": "2 March 2027", "fr": "2 mars 2027", "es": "2 de marzo de 2027",
		"ru": "2 марта 2027 г.", "zh": "2027年3月2日", "ar": "2 مارس 2027",
	} {
		if got := locales[lang].Date(d); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	for lang, want := range map[string]string{
		"en": "2 March 2027, 15:04 UTC", "ar": "2 مارس 2027، الساعة 3:04 م بالتوقيت العالمي", "es": "2 de marzo de 2027, 15:04 UTC",
	} {
		if got := locales[lang].DateTime(d); got != want {
			t.Errorf("%s date and time: %q, want %q", lang, got, want)
		}
	}
	for lang, want := range map[string]string{"en": "May 2027", "ru": "май 2027 г.", "zh": "2027年5月", "es": "mayo de 2027"} {
		if got := locales[lang].MonthYear(d.AddDate(0, 2, 0)); got != want {
			t.Errorf("%s month heading: %q, want %q", lang, got, want)
		}
	}
	// Numbers by CLDR's separators, through any message's placeholder.
	for lang, want := range map[string]string{"en": "1,234,567", "fr": "1\u00a0234\u00a0567", "es": "1.234.567", "ar": "1,234,567"} {
		if got := locales[lang].T("contribution.attachment", "size", 1234567); !strings.Contains(got, want) {
			t.Errorf("%s: %q lacks %q", lang, got, want)
		}
	}
	p := &Page{loc: locales["fr"]}
	if got, want := string(p.WhenTime(d)), `<time datetime="2027-03-02T15:04:00Z" dir="auto">2 mars 2027, 15:04 UTC</time>`; got != want {
		t.Errorf("a time on a page: %s, want %s", got, want)
	}
}

func TestSessionSeal(t *testing.T) {
	k, err := deriveKeys(testKey)
	if err != nil {
		t.Fatal(err)
	}
	in := Session{Token: "cpt_x", Role: "stakeholder", Party: "org", ID: "id", Expires: time.Now().Add(time.Hour).UTC()}
	sealed, err := k.sealValue(sessionCookie, in)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(sealed, "cpt_") {
		t.Fatalf("the sealed value shows the token: %s", sealed)
	}
	var out Session
	if err := k.openValue(sessionCookie, sealed, &out); err != nil || out.Token != in.Token || out.Party != in.Party {
		t.Fatalf("open: %+v, %v", out, err)
	}
	// Any altered character is refused.
	for i := range sealed {
		b := []byte(sealed)
		b[i] ^= 1
		if k.openValue(sessionCookie, string(b), &out) == nil {
			t.Fatalf("a value altered at %d opened", i)
		}
	}
	// A value sealed for another cookie, or under another key, is refused.
	if k.openValue(preCookie, sealed, &out) == nil {
		t.Error("a session opened as another cookie")
	}
	other, _ := deriveKeys(bytes.Repeat([]byte("o"), MinSessionKey))
	if other.openValue(sessionCookie, sealed, &out) == nil {
		t.Error("a session opened under another key")
	}
	if _, err := deriveKeys([]byte("short")); err == nil {
		t.Error("a short key was taken")
	}

	// The site ignores an expired session as it ignores a forged one.
	s := New(Options{API: http.NotFoundHandler(), SessionKey: testKey})
	for name, ss := range map[string]Session{
		"expired": {Token: "cpt_x", ID: "a", Expires: time.Now().Add(-time.Minute)},
		"valid":   {Token: "cpt_x", ID: "a", Expires: time.Now().Add(time.Minute)},
	} {
		v, _ := s.keys.sealValue(sessionCookie, ss)
		r := httptest.NewRequest("GET", "/", nil)
		r.AddCookie(&http.Cookie{Name: sessionCookie, Value: v})
		if got := s.openSession(r) != nil; got != (name == "valid") {
			t.Errorf("%s session: read %v", name, got)
		}
	}
}

func TestSignInAndOut(t *testing.T) {
	ts := newTestSite(t)
	tok := ts.token(api.Stakeholder, "org-signin", "")

	b := ts.browser()
	wantPage(t, "sign-in page", b.get("/signin"), http.StatusOK, `<form method="post" action="/signin"`, `name="csrf"`)
	p := b.post("/signin", url.Values{"token": {tok}, "next": {"/signin"}})
	if p.Status != http.StatusSeeOther || p.Header.Get("Location") != "/signin" {
		t.Fatalf("sign in: %d to %q", p.Status, p.Header.Get("Location"))
	}
	c := cookieNamed(p.Header, sessionCookie)
	switch {
	case c == nil:
		t.Fatal("no session cookie")
	case !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure:
		t.Errorf("session cookie over plain HTTP: %s", c)
	case c.MaxAge <= 0 || c.MaxAge > int(12*time.Hour/time.Second):
		t.Errorf("session cookie lifetime %d s", c.MaxAge)
	case strings.Contains(c.Value, tok):
		t.Error("the cookie shows the token")
	}
	wantPage(t, "signed in", b.get("/"), http.StatusOK, "org-signin", `action="/signout"`)

	// A session sealed by one site is good on another with the same key:
	// another replica, or after a restart.
	other := newTestSite(t)
	req, _ := http.NewRequest("GET", other.URL()+"/", nil)
	req.AddCookie(c)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("another replica: %d", res.StatusCode)
	}

	// Sign-in next= stays on this site: the user's home.
	b2 := ts.browser()
	b2.get("/signin")
	if p := b2.post("/signin", url.Values{"token": {tok}, "next": {"https://evil.example/"}}); p.Header.Get("Location") != "/my/contributions" {
		t.Errorf("next to another site: redirected to %q", p.Header.Get("Location"))
	}

	p = b.post("/signout", url.Values{})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("sign out: %d", p.Status)
	}
	if c := cookieNamed(p.Header, sessionCookie); c == nil || c.MaxAge >= 0 {
		t.Errorf("sign out does not clear the cookie: %v", c)
	}
	if p := b.get("/"); strings.Contains(p.Body, "org-signin") {
		t.Error("still signed in after signing out")
	}
	// The cookie kept from before signing out is refused on every replica:
	// the session ended in the store, not just in this browser.
	for name, site := range map[string]*testSite{"this replica": ts, "another replica": other} {
		req, _ := http.NewRequest("GET", site.URL()+"/", nil)
		req.AddCookie(c)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if strings.Contains(string(body), "org-signin") || strings.Contains(string(body), `action="/signout"`) {
			t.Errorf("%s: the signed-out cookie still signs in", name)
		}
		if c := cookieNamed(res.Header, sessionCookie); c == nil || c.MaxAge >= 0 {
			t.Errorf("%s: the signed-out cookie is not cleared: %v", name, c)
		}
	}

	// Over TLS (here: behind a proxy that says so), the cookie is Secure.
	b3 := ts.browser()
	b3.get("/signin")
	p = b3.post("/signin", url.Values{"token": {tok}}, "X-Forwarded-Proto", "https")
	if c := cookieNamed(p.Header, sessionCookie); c == nil || !c.Secure {
		t.Errorf("session cookie behind TLS: %v", c)
	}
}

func TestSignInRefused(t *testing.T) {
	ts := newTestSite(t)
	revoked := ts.token(api.Stakeholder, "org-revoked", "")
	pga := ts.token(api.PGAOffice, "PGA", "")
	var toks []struct {
		ID    string `json:"id"`
		Party string `json:"party"`
	}
	ts.apiCall("GET", "/v1/tokens", pga, nil, &toks)
	for _, tk := range toks {
		if tk.Party == "org-revoked" {
			ts.apiCall("DELETE", "/v1/tokens/"+tk.ID, pga, nil, nil)
		}
	}
	for _, c := range []struct{ token, want string }{
		{"", locales["en"].T("signin.token.invalid")},
		{"not-a-token", locales["en"].T("signin.token.invalid")},
		{"cpt_unknown", locales["en"].T("signin.token.refused")},
		{revoked, locales["en"].T("signin.token.refused")},
	} {
		b := ts.browser()
		b.get("/signin")
		p := b.post("/signin", url.Values{"token": {c.token}})
		wantPage(t, "sign in with "+c.token, p, http.StatusUnprocessableEntity, c.want, `href="#token"`, `aria-invalid="true"`)
		if cookieNamed(p.Header, sessionCookie) != nil {
			t.Errorf("sign in with %q set a session", c.token)
		}
	}
}

func TestCSRF(t *testing.T) {
	ts := newTestSite(t)
	tok := ts.token(api.Stakeholder, "org-csrf", "")
	b := ts.browser()
	b.signIn(tok)
	b.get("/")
	good := b.csrf()

	other := ts.browser()
	other.signIn(ts.token(api.Stakeholder, "org-csrf-other", ""))
	other.get("/")

	for _, c := range []struct {
		name   string
		form   url.Values
		header []string
	}{
		{"no token", url.Values{"csrf": {""}}, nil},
		{"a forged token", url.Values{"csrf": {"AAAA"}}, nil},
		{"another session's token", url.Values{"csrf": {other.csrf()}}, nil},
		{"from another site", url.Values{"csrf": {good}}, []string{"Sec-Fetch-Site", "cross-site"}},
		{"from another origin", url.Values{"csrf": {good}}, []string{"Origin", "https://evil.example"}},
		{"from a sandbox", url.Values{"csrf": {good}}, []string{"Origin", "null"}},
	} {
		p := b.post("/signout", c.form, c.header...)
		wantPage(t, c.name, p, http.StatusForbidden, locales["en"].T("error.csrf.title"))
		if cookieNamed(p.Header, sessionCookie) != nil {
			t.Errorf("%s: the refused sign-out touched the session", c.name)
		}
	}
	// Nothing changed: still signed in.
	wantPage(t, "after refused sign-outs", b.get("/"), http.StatusOK, "org-csrf")

	// The anonymous sign-in form is bound to its browser too.
	anon := ts.browser()
	anon.get("/signin")
	stolen := anon.csrf()
	victim := ts.browser()
	p := victim.post("/signin", url.Values{"token": {tok}, "csrf": {stolen}})
	wantPage(t, "sign-in with another browser's token", p, http.StatusForbidden)
	if cookieNamed(p.Header, sessionCookie) != nil {
		t.Error("a refused sign-in set a session")
	}
}

// TestRefusedForm: a form the API refuses shows the API's reason with its
// status, keeps what the user typed, and changes nothing.
func TestRefusedForm(t *testing.T) {
	ts := newTestSite(t)
	id := ts.launch("refused")
	s := ts.site
	s.mux.HandleFunc("POST /test/reschedule", func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(r)
		p.Title = "reschedule"
		p.Form = NewForm(r)
		p.Data = signInData{Next: r.PostFormValue("next")}
		err := s.api(r).Call(r.Context(), http.MethodPost, client.ProcessPath(id, "stages", "ts1", "reschedule"), map[string]string{"start": r.PostFormValue("start")}, nil)
		if err != nil {
			s.refused(w, "signin", p, err)
			return
		}
		seeOther(w, r, "/")
	})
	var before process.Stage
	ts.apiCall("GET", client.ProcessPath(id, "stages", "ts1"), "", nil, &before)

	b := ts.browser()
	b.signIn(ts.token(api.PGAOffice, "PGA", ""))
	b.get("/")
	// A start long past: the workflow refuses to move a stage before now.
	p := b.post("/test/reschedule", url.Values{"start": {"2001-01-01"}, "next": {"/kept-input"}})
	if p.Status != http.StatusUnprocessableEntity && p.Status != http.StatusConflict {
		t.Fatalf("refused reschedule: %d\n%s", p.Status, p.Body)
	}
	wantPage(t, "refused reschedule", p, p.Status, `id="error-summary"`, `class="problem"`, `value="/kept-input"`)
	var after process.Stage
	ts.apiCall("GET", client.ProcessPath(id, "stages", "ts1"), "", nil, &after)
	if !after.Spec.Start.Equal(before.Spec.Start.Time) || after.Moved {
		t.Errorf("the refused form moved the stage: %v → %v", before.Spec.Start, after.Spec.Start)
	}

	// Signed out, the API's 401 is the page's, in the user's language.
	anon := ts.browser()
	anon.get("/signin")
	p = anon.post("/test/reschedule", url.Values{"start": {"2030-01-01"}}, "Accept-Language", "fr")
	wantPage(t, "signed out", p, http.StatusUnauthorized, `lang="fr"`, locales["fr"].T("error.unauthorized.title"))
}

func TestNotFoundAndStatic(t *testing.T) {
	ts := newTestSite(t)
	b := ts.browser()
	wantPage(t, "unknown page in Arabic", b.get("/no/such/page", "Accept-Language", "ar"), http.StatusNotFound,
		`dir="rtl"`, locales["ar"].T("error.notfound.title"))
	// The API keeps its own paths, and its problem+json.
	if p := b.get("/v1/processes/no-such-process"); p.Status != http.StatusNotFound || p.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("API 404: %d %s", p.Status, p.Header.Get("Content-Type"))
	}
	if p := b.get("/healthz"); p.Status != http.StatusOK {
		t.Errorf("/healthz: %d", p.Status)
	}

	css := b.get(staticURL("site.css"))
	if css.Status != http.StatusOK || !strings.HasPrefix(css.Header.Get("Content-Type"), "text/css") ||
		!strings.Contains(css.Header.Get("Cache-Control"), "immutable") || css.Header.Get("ETag") == "" {
		t.Fatalf("site.css: %d %v", css.Status, css.Header)
	}
	if p := b.get("/static/site.css", "If-None-Match", css.Header.Get("ETag")); p.Status != http.StatusNotModified {
		t.Errorf("site.css with its ETag: %d", p.Status)
	}
	if p := b.get("/static/site.js"); p.Status != http.StatusOK || strings.Contains(p.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("unversioned site.js: %d %s", p.Status, p.Header.Get("Cache-Control"))
	}
	home := b.get("/")
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"} {
		if home.Header.Get(h) == "" {
			t.Errorf("pages lack %s", h)
		}
	}
}

func TestLocalPath(t *testing.T) {
	for in, want := range map[string]string{
		"/processes/x?lang=fr": "/processes/x?lang=fr", "": "/", "https://evil.example/": "/",
		"//evil.example/": "/", "/\\evil.example": "/", "relative": "/", "javascript:alert(1)": "/",
	} {
		if got := localPath(in); got != want {
			t.Errorf("localPath(%q) = %q, want %q", in, got, want)
		}
	}
}

func cookieNamed(h http.Header, name string) *http.Cookie {
	for _, c := range (&http.Response{Header: h}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// TestDetailTimes: the API's English reason keeps its words, escaped, and
// shows its timestamps as the page shows times, in the page's language.
func TestDetailTimes(t *testing.T) {
	p := &Page{loc: locales["fr"], Lang: "fr"}
	got := string(p.Detail(`the deadline 2027-03-02T15:04:00Z (UTC) has passed <now 2027-03-02T16:04:05.5+01:00>`))
	want := `the deadline <span lang="fr"><time datetime="2027-03-02T15:04:00Z" dir="auto">2 mars 2027, 15:04 UTC</time></span> has passed &lt;now ` +
		`<span lang="fr"><time datetime="2027-03-02T15:04:05Z" dir="auto">2 mars 2027, 15:04 UTC</time></span>&gt;`
	if got != want {
		t.Errorf("detail:\n got %s\nwant %s", got, want)
	}
	// A stage's instant as the API names it, in its venue's zone: shown
	// there, midnight as the day before's 24:00, the UTC instant once, as
	// the machine's time.
	got = string(p.Detail(`closed at 2027-03-01 24:00 Europe/Zurich (2027-03-01T23:00:00Z): late`))
	want = `closed at <span lang="fr"><time datetime="2027-03-01T23:00:00Z" dir="auto" title="1 mars 2027, 23:00 UTC">` +
		`1 mars 2027, 24:00 (Europe/Zurich)</time></span>: late`
	if got != want {
		t.Errorf("a Geneva deadline:\n got %s\nwant %s", got, want)
	}
	if got := string(p.Detail("closed on 2027-03-02")); got != "closed on 2027-03-02" {
		t.Errorf("a bare date: %s", got)
	}
}
