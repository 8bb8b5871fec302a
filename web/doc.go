// Package web serves Compact's web pages: server-rendered html/template
// pages for observers, stakeholders and the PGA's office, built on the JSON
// API. A Site calls the API in process (an http.Client whose Transport is the
// API's handler) with the signed-in user's token, so that authorization,
// validation and the engine's refusals are the API's own: a form the API
// refuses is shown again with the API's reason, the user's input kept, and
// nothing changed. `compact serve` and `compact api` mount the Site beside
// the API (api.Options.Pages): /v1/…, /healthz and /readyz are the API's,
// every other path the Site's.
//
// Pages work without JavaScript; static/site.js only enhances them (the
// overview follows the record's event stream). Assets are embedded: no build
// step.
//
// # Adding a page
//
// Handlers live in one file per area: public.go (everyone), stakeholder.go,
// office.go. Each area registers its routes in its …Routes(mux) func, which
// routes() calls. A page is read by a loader and served by show, which
// checks the roles given (signed out: to sign in; another role: 403) and
// shows the loader's error as the API's 404/403/… page in the user's
// language:
//
//	mux.HandleFunc("GET /processes/{id}/stages/{stage}", s.show("public_stage", s.stagePage))
//
//	func (s *Site) stagePage(r *http.Request) (*Page, error) {
//		p, proc, err := s.pageOn(r, r.PathValue("id")) // the process's status; the page on its clock
//		if err != nil {
//			return nil, err
//		}
//		st, err := s.api(r).Stage(r.Context(), proc.ID, r.PathValue("stage")) // package client
//		if err != nil {
//			return nil, err
//		}
//		p.Title = p.T("stage.title", "stage", st.Spec.Title)
//		p.Data = st
//		return p, nil
//	}
//
// A page about a process starts with pageOn (officePageOn in the office,
// which also checks that the user acts for the process): Page.Now is then
// the process's time, which on a process that replays history runs faster
// than the wall's. Dates the API gives in process time (stage specs, the
// record's "at") show as they are; a wall-clock time from the API (a
// window's opensAt, closesAt) goes through {{$.ProcessTime …}}.
//
// Templates: templates/<area>_<page>.html (public_stage.html,
// office_reschedule.html, stakeholder_contribute.html) define "main", which
// starts with the page's one <h1>; they may define "head" and "nav" (extra
// <li> in the main navigation). Files starting with "_" are shared:
// _layout.html (skip link, header, nav, language switch, footer) and
// _form.html ("form-errors", the error summary, and "input", a labelled
// control), _table.html ("thead": {{template "thead" (.Columns "id"…)}}, a
// table's column headings). Every template gets a *Page: .T "id" "name" value… translates,
// .Date and .DateTime format dates in the page's language (a stage's
// instants: .WhenIn and .DeadlineIn, in its venue's zone), .Data is the
// loader's, .Form the form's state, .Session the user (nil when signed
// out). Inside range use $.T.
//
// Forms: method="post", {{.CSRFField}} inside, fields named as the API's
// JSON fields and given ids equal to their names (the error summary links to
// #name), built with {{template "input" (field $ "start" "office.start.label" "date")}}.
// ServeHTTP checks every POST's CSRF token and origin before any handler
// runs (403, nothing done). On a POST:
//
//	p, ok := s.read(w, r, s.rescheduleForm, rolePGAOffice) // the page's loader, as show calls it
//	if !ok {
//		return
//	}
//	p.Form = NewForm(r) // keeps what was typed
//	if _, err := s.api(r).Reschedule(r.Context(), id, stage, body); err != nil {
//		s.refused(w, "office_reschedule", p, err) // the API's status (400 shown as 422) and reason
//		return
//	}
//	seeOther(w, r, "/processes/"+id) // or render the result (a receipt) with 200/201
//
// A refusal's field errors (problem+json "errors", each with a JSON pointer)
// go on the form's controls with s.refuse(w, name, p, err, controls...):
// the pointer's last segment that names a control, never the reason's words.
// Checks the page makes itself (a field left empty before any API call) go
// in p.Form.Errors[name] as translated text, rendered with status 422. For a
// form whose values go to the API as typed (a date the user may mistype),
// use s.api(r).Call. The roles
// show and read check only choose the page; the API still decides.
//
// Words: every word a page shows is a message in locales/<lang>.json, one
// flat catalog per language (ar, zh, en, fr, ru, es), keyed by area:
// nav., site., form., error., signin., date., role., home., process.,
// stage., calendar., documents., record., data. (public pages),
// stakeholder., office. Placeholders are {name}. A key added to one
// catalog is added to all six; TestCatalogs fails on a key missing from a
// catalog, used but not defined, or defined but not used. A key built at
// run time ((print "role." .Role)) is listed with its values in
// i18n_test.go's dynamic map. A message that counts is an object of
// wordings by CLDR plural category where the language's wording changes
// with the count ({"one": …, "other": …}; Russian adds few and many), looked
// up with N; TestPluralCatalogs checks each language has the forms its
// rules need. The API's own reasons (Problem.Detail) are
// English and shown with lang="en".
//
// Layout and accessibility: landmarks come from the layout; use <h2>… below
// the page's <h1>, <table> with <caption>, "thead" and <th scope="row">, visible labels,
// stable ids on what tests look for. CSS uses logical properties only
// (margin-inline-start, not margin-left) so that Arabic mirrors.
//
// # Tests
//
// harness_test.go starts the shared test stack (internal/stacktest: an
// embedded Temporal server, a worker and SQLite) once for the package
// (TestMain). newTestSite(t) mounts a Site on a real
// API exactly as compact serve does and serves both on an httptest server
// (ts.URL()); ts.token(role, party, processID) issues a token; ts.launch
// ("prefix") starts a small process (stacktest.Template) an hour from now and
// waits for it; ts.browser() is a client with a cookie jar whose get, post
// (same-origin, with the last page's CSRF token) and signIn(token) drive the
// pages; wantPage checks a page's status and text and that no message is
// missing.
//
// Sessions live in the API's store (POST /v1/session at sign-in, DELETE at
// sign-out): the cookie holds the API token and the session's ID, sealed
// with AES-256-GCM under a key derived from Options.SessionKey, HttpOnly,
// SameSite=Lax, Secure over TLS. Every page asks the API whether the
// session is live (GET /v1/session with the Compact-Session header), so a
// session signed out, idle or revoked on one replica is refused on all.
// OIDC sign-in is not built yet.
//
// # Stakeholders' and the office's pages
//
// Signing in lands on the role's home (homeOf) unless next= names a page:
// the office's dashboard, a co-facilitator's process, a State's /my/text, a
// stakeholder's /my/contributions.
//
// Signed out, each sends to /signin?next=…; with the wrong role it answers
// 403. Every form is #<name>-form with its button #<name>-submit; a POST
// that works redirects (303), one refused shows #error-summary, #problem and
// the control concerned (aria-invalid, linked from the summary). Field names
// (and ids) are the API's JSON fields; "reason" is optional everywhere.
//
//	stakeholder (apply), member-state too (the rest):
//	/processes/{id}/accreditation                apply: name, category (radios #category, #category-<value>), ecosoc=true; #application-state[data-state]
//	/processes/{id}/contribute                   open windows: links #contribute-<stage>
//	/processes/{id}/stages/{stage}/contribute    contribute (multipart): title, body, attachment (file), idempotencyKey (hidden)
//	/my/contributions                            home: #my-applications (stakeholder) #application-<process>; table #my-contributions: #receipt-<tracking>, #withdraw-<tracking>
//	/my/contributions/{tracking}                 receipt: #tracking, #sha256, #submitted-at, #contribution-state[data-withdrawn], #print-receipt
//	/my/contributions/{tracking}/withdraw        withdraw: (no field) #withdraw-submit, #withdraw-cancel
//	pga-office (draft: a co-facilitator of the process too):
//	/office                                      dashboard: #agenda-items, each #agenda-<kind>-<process>… linking to its page, or #agenda-none; #office-processes, #create-process-link
//	/office/processes/new                        create: template (select of built-in templates), id, code, startsOn (date)
//	/office/processes/{id}/deliveries            failed deliveries: #endpoints, #failed
//	/office/processes/{id}/applications          applications: table #applications, row #application-<party>, #objections-<party>
//	/office/processes/{id}                       schedule #office-stages: row #stage-<stage>, links #<form>-<stage>; #office-notice; #add-stage-link, #appoint-link, #applications-link
//	/office/processes/{id}/stages/new            add: phase, id, kind (selects), title, theme, place, timeZone, start, end (date), opens, closes (datetime-local, in timeZone), code, reason
//	…/stages/{stage}/reschedule                  reschedule: start, end (date), reason
//	                                             move, extend, reschedule and add: #sequence-check (button check=true) shows
//	                                             #sequence-result (#sequence-notes, .sequence-note[data-other], or #sequence-in-order); nothing changes
//	…/stages/{stage}/cancel                      cancel: reason
//	…/stages/{stage}/window                      window: close (radios #close = "false", #close-true), opens (scheduled stage), closes (datetime-local, in the venue's zone, holding the current times), reason; #window-open (button open=true, scheduled stage)
//	…/stages/{stage}/circulate                   circulate: reason; #pending-applications
//	…/stages/{stage}/draft                       draft: revision (number), title, symbol, paragraphs (textarea, one per line); posted, it shows
//	                                             #draft-preview (word diff from the latest issued revision) and publishes only with confirm=true (#draft-publish)
//	…/stages/{stage}/outcome                     outcome: method (radios #method, #method-acclamation, #method-recorded-vote), adoptedBy, document, votes.<ISO3> (selects: "", yes, no, abstain)
//	/office/processes/{id}/co-facilitators       appoint: state (select of ISO3 codes), reason
//
// The overview links to them for users who may act: {{template
// "process-actions" (.Actions id)}} (#action-office, #action-accreditation,
// #action-contribute, #action-my-contributions); the main navigation adds
// #nav-office or #nav-my-contributions.
package web
