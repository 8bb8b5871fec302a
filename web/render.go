package web

import (
	"bytes"
	"cmp"
	"embed"
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
)

// templates/_*.html are shared (the layout, partials); every other file is
// a page, parsed over the shared ones and named by its file: "public_process"
// is templates/public_process.html. A page defines "main", and may define
// "head" (extra <head> elements) and blocks that handlers render alone as
// fragments.
//
//go:embed templates/*.html
var templateFiles embed.FS

var pages = mustParsePages()

func mustParsePages() map[string]*template.Template {
	shared := template.Must(template.New("").Funcs(funcs).ParseFS(templateFiles, "templates/_*.html"))
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		panic(err)
	}
	out := map[string]*template.Template{}
	for _, name := range names {
		base := path.Base(name)
		if strings.HasPrefix(base, "_") {
			continue
		}
		t := template.Must(template.Must(shared.Clone()).ParseFS(templateFiles, name))
		out[strings.TrimSuffix(base, ".html")] = t
	}
	return out
}

// funcs are the templates' helpers that need no language; those that do
// are Page's methods.
var funcs = template.FuncMap{
	"static": staticURL,
	"sub":    func(a, b int) int { return a - b },
	// sub64 steps back a record page's after=, not below 0.
	"sub64": func(a, b int64) int64 { return max(a-b, 0) },
	// pathEscape escapes one path segment, for links built in templates.
	"pathEscape": url.PathEscape,
	"field":      newField,
	// link is a link for a message's placeholder (Page.TH).
	"link": func(href, text string) template.HTML {
		return template.HTML(`<a href="` + template.HTMLEscapeString(href) + `">` + template.HTMLEscapeString(text) + `</a>`)
	},
	"short":    shortHash,
	"verifyOf": func(p *Page, v wire.Verification) verifyData { return verifyData{P: p, V: v} },
}

// fieldData is one labelled form control (templates/_form.html "input"),
// named as the API's JSON field it becomes where there is one.
type fieldData struct {
	Name, Label, Type, Value, Hint, Error, Autocomplete string
	Required                                            bool

	p *Page
}

func newField(p *Page, name, labelID, typ string) fieldData {
	f := fieldData{Name: name, Label: p.T(labelID), Type: typ, Error: p.Form.Error(name), p: p}
	if typ != "password" && typ != "file" {
		f.Value = p.Form.Value(name)
	}
	return f
}

// ErrorHTML is the control's error, its timestamps the page's (Detail).
func (f fieldData) ErrorHTML() template.HTML { return f.p.Detail(f.Error) }

// ErrorLang is the language of the control's error when it is not the page's.
func (f fieldData) ErrorLang() string { return f.p.Form.ErrorLang(f.Name) }

// WithHint adds the hint, message hintID.
func (f fieldData) WithHint(hintID string) fieldData { f.Hint = f.p.T(hintID); return f }

// WithValue sets the value shown before the user types.
func (f fieldData) WithValue(v string) fieldData {
	if f.Value == "" {
		f.Value = v
	}
	return f
}

// InZone names after the label the time zone the control's date and time
// are in: a venue's IANA name, or UTC when empty.
func (f fieldData) InZone(zone string) fieldData {
	f.Label = f.p.T("form.label.zone", "label", f.Label, "zone", cmp.Or(zone, "UTC"))
	return f
}

// WithAutocomplete sets the autocomplete attribute.
func (f fieldData) WithAutocomplete(v string) fieldData { f.Autocomplete = v; return f }

// AsRequired marks the control required.
func (f fieldData) AsRequired() fieldData { f.Required = true; return f }

// DescribedBy lists the hint and the error for aria-describedby.
func (f fieldData) DescribedBy() string {
	var ids []string
	if f.Hint != "" {
		ids = append(ids, f.Name+"-hint")
	}
	if f.Error != "" {
		ids = append(ids, f.Name+"-error")
	}
	return strings.Join(ids, " ")
}

// verifyData is the "wire.Verification" template's: the page and the record's
// wire.Verification.
type verifyData struct {
	P *Page
	V wire.Verification
}

// Page is what every template gets: the language, the user, the form, and
// the page's own Data.
type Page struct {
	Lang, Dir string
	Title     string    // the <title>, and the page's one <h1> unless it has its own
	Session   *Session  // nil when signed out
	Path      string    // the request's path, for the language switch and sign-in's next
	Now       time.Time // in the process's time on a process's pages (pageOn)
	Data      any
	Form      *Form

	clock *process.Clock // the process's, on its pages; nil: the wall's
	// words are the template's words the page shows, by their text, with
	// their language and whether they are the UN's own (words.go).
	shown    map[string]process.Words
	loc      *locale
	site     *Site
	r        *http.Request
	pre      string // the pre-session cookie's value, for anonymous forms
	needsPre bool   // a form was rendered that needs the pre-session cookie set
}

// newPage starts the page for r.
func (s *Site) newPage(r *http.Request) *Page {
	loc := localeOf(r)
	p := &Page{Lang: loc.Lang, Dir: loc.Dir, Session: s.session(r), Path: r.URL.Path, Now: time.Now().UTC(),
		loc: loc, site: s, r: r}
	return p
}

// pageOn starts a page about process id: it reads the process's status,
// and the page tells time by the process's clock, which on a process that
// replays history runs faster than the wall's.
func (s *Site) pageOn(r *http.Request, id string) (*Page, wire.ProcessStatus, error) {
	st, err := s.api(r).Process(r.Context(), id)
	if err != nil {
		return nil, st, err
	}
	p := s.newPage(r)
	p.localStatus(&st)
	if st.Clock != nil {
		p.clock = st.Clock
		p.Now = st.Clock.ProcessTime(p.Now).UTC()
	}
	return p, st, nil
}

// ProcessTime is a wall-clock time from the API (a window's opening or
// close) in the process's time. It is rounded to what the wall's time
// tells at the clock's scale, at best microseconds as stores keep them.
func (p *Page) ProcessTime(wall time.Time) time.Time {
	if p.clock == nil || wall.IsZero() {
		return wall
	}
	return p.clock.ProcessTime(wall).Round(max(time.Second, time.Duration(p.clock.Scale)*time.Microsecond)).UTC()
}

// T translates message id; args are name, value pairs for its placeholders.
func (p *Page) T(id string, args ...any) string { return p.loc.T(id, args...) }

// N translates message id worded for the count n (1 byte, 2 bytes).
func (p *Page) N(id string, n int, args ...any) string { return p.loc.N(id, n, args...) }

// Date formats a day in the page's language; it takes a time.Time or
// anything with one embedded (process.Date).
func (p *Page) Date(t any) string { return p.loc.Date(asTime(t)) }

// DateTime formats a day and a UTC time.
func (p *Page) DateTime(t any) string { return p.loc.DateTime(asTime(t)) }

// When is a day as the page shows it: in the reader's words, with the
// machine's date in <time datetime>, isolated (dir=auto) so that it reads
// whole inside text of the other direction.
func (p *Page) When(t any) template.HTML {
	tt := asTime(t)
	if tt.IsZero() {
		return ""
	}
	return timeElement(tt.UTC().Format(time.DateOnly), p.Date(tt))
}

// WhenTime is a day and a UTC time as the page shows it (When).
func (p *Page) WhenTime(t any) template.HTML {
	tt := asTime(t)
	if tt.IsZero() {
		return ""
	}
	return timeElement(tt.UTC().Format(time.RFC3339), p.DateTime(tt))
}

// WhenIn is an instant of a stage as the page shows it: in the stage's
// venue time zone (an IANA name; UTC when empty), the zone named, so that
// the page, the API, the calendar feed and the messages give the same
// instant the same way. The machine's time stays UTC, and the title gives
// it in UTC for a reader elsewhere.
func (p *Page) WhenIn(t any, zone string) template.HTML { return p.whenIn(asTime(t), zone, false) }

// DeadlineIn is WhenIn for a deadline: one at midnight in the venue's zone
// reads as the day before's 24:00, the end of the day it was given as.
func (p *Page) DeadlineIn(t any, zone string) template.HTML { return p.whenIn(asTime(t), zone, true) }

func (p *Page) whenIn(t time.Time, zone string, deadline bool) template.HTML {
	if t.IsZero() {
		return ""
	}
	loc, err := process.Zone(zone)
	if err != nil {
		loc = time.UTC
	}
	machine, human := t.UTC().Format(time.RFC3339), p.loc.DateTimeIn(t, loc, deadline)
	if loc == time.UTC {
		return timeElement(machine, human)
	}
	return template.HTML(`<time datetime="` + machine + `" dir="auto" title="` + template.HTMLEscapeString(p.DateTime(t)) + `">` +
		template.HTMLEscapeString(human) + `</time>`)
}

// ChangeTime is a schedule change's from or to as the page shows it: a
// moved deadline or opening is an instant in the stage's venue zone
// (DeadlineIn, WhenIn), a moved day a day (When).
func (p *Page) ChangeTime(kind, v, zone string) template.HTML {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return p.whenIn(t, zone, event.Name(kind) == event.DeadlineMoved || event.Name(kind) == event.WindowMoved)
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return p.When(t)
	}
	return template.HTML(template.HTMLEscapeString(v))
}

// apiTimestamp finds the timestamps in the API's English words: a stage's
// instant as the API names it (process.FormatDeadline: the venue's day and
// time, its zone, then the instant in UTC), or a timestamp alone, with the
// " (UTC)" some follow with, which WhenTime says already.
var apiTimestamp = regexp.MustCompile(`(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}) ([A-Za-z][A-Za-z0-9_+/-]*) \((` + apiInstant + `)\)|(` + apiInstant + `)(?: \(UTC\))?`)

const apiInstant = `\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})`

// Detail is the API's words (a problem's detail) with each timestamp in
// them shown as the page shows times, in the page's language: a stage's
// instant in the zone the API named it in (WhenIn, DeadlineIn), any other
// in UTC (WhenTime). No page shows a raw timestamp.
func (p *Page) Detail(s string) template.HTML {
	var b strings.Builder
	last := 0
	for _, m := range apiTimestamp.FindAllStringSubmatchIndex(s, -1) {
		var at, zone string
		if m[8] >= 0 {
			at, zone = s[m[8]:m[9]], s[m[6]:m[7]]
		} else {
			at = s[m[10]:m[11]]
		}
		t, err := time.Parse(time.RFC3339, at)
		if err != nil {
			continue
		}
		shown := p.WhenTime(t)
		if zone != "" {
			// A deadline at midnight there reads as the day before's 24:00.
			shown = p.whenIn(t, zone, s[m[4]:m[5]] == "24:00")
		}
		b.WriteString(template.HTMLEscapeString(s[last:m[0]]))
		b.WriteString(`<span lang="` + p.Lang + `">` + string(shown) + `</span>`)
		last = m[1]
	}
	b.WriteString(template.HTMLEscapeString(s[last:]))
	return template.HTML(b.String())
}

func timeElement(machine, human string) template.HTML {
	return template.HTML(`<time datetime="` + machine + `" dir="auto">` + template.HTMLEscapeString(human) + `</time>`)
}

// TH is T for messages whose arguments include HTML (When, WhenTime): the
// message and every other argument are escaped.
func (p *Page) TH(id string, args ...any) template.HTML {
	esc := make([]any, len(args))
	for i, a := range args {
		switch v := a.(type) {
		case template.HTML:
			esc[i] = string(v)
		case string:
			esc[i] = template.HTMLEscapeString(v)
		default:
			esc[i] = template.HTMLEscapeString(p.loc.arg(v))
		}
	}
	return template.HTML(p.loc.translate(template.HTMLEscapeString, id, esc...))
}

func asTime(v any) time.Time {
	switch t := v.(type) {
	case time.Time:
		return t
	case interface{ UTC() time.Time }:
		return t.UTC()
	case string: // a record entry's time, as its hash covers it
		tt, _ := time.Parse(time.RFC3339Nano, t)
		return tt
	}
	return time.Time{}
}

// Columns are a table's column headings: message IDs, translated.
func (p *Page) Columns(ids ...string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = p.T(id)
	}
	return out
}

// CSRFField is the hidden input every POST form must carry.
func (p *Page) CSRFField() template.HTML {
	if p.Session == nil && p.pre == "" {
		if c, err := p.r.Cookie(preCookie); err == nil && c.Value != "" {
			p.pre = c.Value
		} else {
			p.pre, p.needsPre = randomID(), true
		}
	}
	tok := p.site.csrfToken(p.Session, p.pre)
	return template.HTML(`<input type="hidden" name="` + csrfField + `" value="` + template.HTMLEscapeString(tok) + `">`)
}

// langLink is one entry of the language switch.
type langLink struct {
	Code, Name, URL string
	Current         bool
}

// autonyms name each language in itself.
var autonyms = map[string]string{"ar": "العربية", "zh": "中文", "en": "English", "fr": "Français", "ru": "Русский", "es": "Español"}

// Languages is the language switch: this page in each language.
func (p *Page) Languages() []langLink {
	out := make([]langLink, 0, len(lang.All))
	for _, code := range lang.All {
		q := p.r.URL.Query()
		q.Set("lang", code)
		out = append(out, langLink{Code: code, Name: autonyms[code], URL: p.r.URL.Path + "?" + q.Encode(), Current: code == p.Lang})
	}
	return out
}

// Form is a form's state when it is shown again: what the user typed and
// why it was refused.
type Form struct {
	Values  url.Values
	Problem *Problem          // the API's refusal, shown in its own words
	Errors  map[string]string // per field (by name), translated, for checks the page makes itself
	// Fields are the API's reasons per field (by name), in its words
	// (English), from the problem's errors.
	Fields map[string]string
}

// NewForm keeps r's posted values.
func NewForm(r *http.Request) *Form {
	return &Form{Values: r.PostForm, Errors: map[string]string{}, Fields: map[string]string{}}
}

// place puts each of the problem's field errors on the form's control its
// pointer names: its two segments joined, when a control
// ("/override/rule" is overrideRule), or else its last segment that is one
// of controls ("/stage/start" is start, "/paragraphs/3" paragraphs). The
// override as a whole, asked for by an act with no field at fault, is its
// rule's control. An error whose pointer names none stays in the
// problem's summary.
func (f *Form) place(prob *Problem, controls []string) {
	for _, e := range prob.Errors {
		if e.Pointer == "/override" {
			e.Pointer = "/override/rule"
		}
		segments := strings.Split(strings.TrimPrefix(e.Pointer, "/"), "/")
		// "/override/rule" is the control overrideRule, when a form has it.
		if len(segments) == 2 && segments[1] != "" {
			if name := segments[0] + strings.ToUpper(segments[1][:1]) + segments[1][1:]; slices.Contains(controls, name) {
				if _, ok := f.Fields[name]; !ok {
					f.Fields[name] = e.Detail
				}
				continue
			}
		}
		for i := len(segments) - 1; i >= 0; i-- {
			name := strings.NewReplacer("~1", "/", "~0", "~").Replace(segments[i])
			if slices.Contains(controls, name) {
				if _, ok := f.Fields[name]; !ok {
					f.Fields[name] = e.Detail
				}
				break
			}
		}
	}
}

// Value is what the user typed in field name.
func (f *Form) Value(name string) string {
	if f == nil {
		return ""
	}
	return f.Values.Get(name)
}

// Error is field name's error, if any: the page's own check's, or else
// the API's.
func (f *Form) Error(name string) string {
	if f == nil {
		return ""
	}
	if msg, ok := f.Errors[name]; ok {
		return msg
	}
	return f.Fields[name]
}

// ErrorLang is the language of field name's error when it is not the
// page's: the API's words are English.
func (f *Form) ErrorLang(name string) string {
	if f == nil || f.Errors[name] != "" || f.Fields[name] == "" {
		return ""
	}
	return "en"
}

// Failed reports whether the form was refused.
func (f *Form) Failed() bool {
	return f != nil && (f.Problem != nil || len(f.Errors) > 0 || len(f.Fields) > 0)
}

// render writes page name with status: the page's "main" inside the layout.
func (s *Site) render(w http.ResponseWriter, status int, name string, p *Page) {
	s.execute(w, status, name, "layout", p)
}

// show serves page name: what load reads, for a user with one of roles
// (none: anyone).
func (s *Site) show(name string, load func(*http.Request) (*Page, error), roles ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if p, ok := s.read(w, r, load, roles...); ok {
			s.render(w, http.StatusOK, name, p)
		}
	}
}

// read reads a page with load for a user with one of roles (none: anyone).
// When it cannot, it has answered (to sign in, 403, the error page for
// what the API said) and returns false.
func (s *Site) read(w http.ResponseWriter, r *http.Request, load func(*http.Request) (*Page, error), roles ...string) (*Page, bool) {
	if len(roles) > 0 {
		if _, ok := s.signedInAs(w, r, roles...); !ok {
			return nil, false
		}
	}
	p, err := load(r)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return p, true
}

// renderFragment writes one block of a page without the layout, for the
// script that refreshes part of a page.
func (s *Site) renderFragment(w http.ResponseWriter, name, block string, p *Page) {
	s.execute(w, http.StatusOK, name, block, p)
}

func (s *Site) execute(w http.ResponseWriter, status int, name, block string, p *Page) {
	t, ok := pages[name]
	if !ok {
		s.log.Error("no such page template", zap.String("page", name))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, p); err != nil {
		s.log.Error("rendering a page failed", zap.String("page", name), zap.Error(err))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	if p.needsPre {
		http.SetCookie(w, s.cookie(p.r, preCookie, p.pre, preLifetime))
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", p.Lang)
	h.Set("Vary", "Accept-Language, Cookie")
	if h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-store") // pages hold live status and, signed in, the user's own
	}
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorData is what templates/error.html shows.
type errorData struct {
	Text    string
	Problem *Problem
}

// errorPage renders the error page in the user's language.
func (s *Site) errorPage(w http.ResponseWriter, r *http.Request, status int, titleID, textID string, prob *Problem) {
	p := s.newPage(r)
	p.Title = p.T(titleID)
	p.Data = errorData{Text: p.T(textID), Problem: prob}
	s.render(w, status, "error", p)
}

func (s *Site) notFound(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusNotFound, "error.notfound.title", "error.notfound.text", nil)
}

// fail shows err: the API's refusal with its status and its words, a
// session the API no longer accepts by signing out, anything else as 500.
func (s *Site) fail(w http.ResponseWriter, r *http.Request, err error) {
	var prob *Problem
	if !errors.As(err, &prob) {
		s.log.Error("page failed", zap.String("path", r.URL.Path), zap.Error(err))
		s.errorPage(w, r, http.StatusInternalServerError, "error.internal.title", "error.internal.text", nil)
		return
	}
	switch prob.Status {
	case http.StatusUnauthorized:
		s.endSession(w, r)
		s.errorPage(w, r, http.StatusUnauthorized, "error.unauthorized.title", "error.unauthorized.text", prob)
	case http.StatusForbidden:
		s.errorPage(w, r, http.StatusForbidden, "error.forbidden.title", "error.forbidden.text", prob)
	case http.StatusNotFound:
		s.errorPage(w, r, http.StatusNotFound, "error.notfound.title", "error.notfound.text", prob)
	default:
		if prob.Status >= 500 {
			s.log.Error("the API failed a page", zap.String("path", r.URL.Path), zap.Error(prob))
			s.errorPage(w, r, prob.Status, "error.internal.title", "error.internal.text", prob)
			return
		}
		s.errorPage(w, r, prob.Status, "error.refused.title", "error.refused.text", prob)
	}
}

// refused shows page name again, with the form as the user filled it and
// the API's reason, when err is the API refusing the form; a 400 becomes
// 422, the form's content refused. Any other error goes to fail.
func (s *Site) refused(w http.ResponseWriter, name string, p *Page, err error) {
	var prob *Problem
	if !errors.As(err, &prob) || prob.Status < 400 || prob.Status >= 500 ||
		prob.Status == http.StatusUnauthorized || prob.Status == http.StatusNotFound {
		s.fail(w, p.r, err)
		return
	}
	if p.Form == nil {
		p.Form = NewForm(p.r)
	}
	p.Form.Problem = prob
	status := prob.Status
	if status == http.StatusBadRequest {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, status, name, p)
}

// seeOther redirects after a POST that changed something.
func seeOther(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// localPath is next if it is a path on this site, else "/": sign-in's
// next= must not send anyone elsewhere.
func localPath(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.IsAbs() || u.Host != "" || !strings.HasPrefix(u.Path, "/") ||
		strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	return u.RequestURI()
}
