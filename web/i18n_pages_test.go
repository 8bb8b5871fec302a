package web

import (
	"html"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
)

// A reader in any of the UN's languages reads every public page in it, and
// the office its own pages: no sentence of the English catalogue nor of a
// template's translated words is left on a French, Russian, Chinese,
// Arabic or Spanish page, and no page in any language shows a raw RFC 3339
// timestamp (they belong in <time datetime>, not in the text).
func TestEveryPageInEveryLanguage(t *testing.T) {
	ts := newTestSite(t)
	id, code := stacktest.UniqueID("sixlang")
	startsOn := time.Now().AddDate(1, 0, 0).UTC().Format(time.DateOnly)
	pga := ts.token(api.PGAOffice, "PGA", "")
	if st := ts.apiCall("POST", "/v1/processes", pga, map[string]any{"template": "gcm-2018", "id": id, "code": code, "startsOn": startsOn}, nil); st != http.StatusCreated {
		t.Fatalf("create process %s: %d", id, st)
	}
	ts.await("process "+id+" registered", func() bool { return recorded(id, "", "process.created") })

	english := englishSentences()
	gcm := builtinTemplates()["gcm-2018"]
	words := templateWords(gcm)
	// walk reads every page it reaches from start in lang.
	walk := func(t *testing.T, b *browser, lang string, follow func(string) bool, queue ...string) {
		seen := map[string]bool{}
		{
			for len(queue) > 0 {
				path := queue[0]
				queue = queue[1:]
				if seen[path] {
					continue
				}
				seen[path] = true
				p := b.get(path, "Accept-Language", lang)
				if !strings.HasPrefix(p.Header.Get("Content-Type"), "text/html") {
					continue
				}
				text := visibleText(p.Body)
				if m := rfc3339.FindString(text); m != "" {
					t.Errorf("%s in %s shows a raw timestamp %q", path, lang, m)
				}
				if lang != "en" {
					for _, s := range english[lang] {
						if strings.Contains(text, s) {
							t.Errorf("%s in %s shows English: %q", path, lang, s)
						}
					}
					for _, s := range words {
						if strings.Contains(text, s) {
							t.Errorf("%s in %s shows the template's English: %q", path, lang, s)
						}
					}
				}
				for _, m := range pageLink.FindAllStringSubmatch(p.Body, -1) {
					next := html.UnescapeString(m[1])
					if walkable(next, id) && follow(next) && !seen[next] {
						queue = append(queue, next)
					}
				}
			}
			if len(seen) < 10 {
				t.Errorf("walked only %d pages in %s: %v", len(seen), lang, seen)
			}
		}
	}
	for _, lang := range lang.All {
		t.Run(lang, func(t *testing.T) {
			t.Parallel()
			walk(t, ts.browser(), lang, func(string) bool { return true }, "/", "/calendar", "/signin", "/processes/"+id, "/processes/"+id+"/search?q=migration", "/no-such-page")
		})
		// The office's pages too: its schedule and the forms it links to,
		// for a stage of each kind that has them.
		t.Run("office/"+lang, func(t *testing.T) {
			t.Parallel()
			b := ts.browser()
			b.signIn(pga)
			forms := func(path string) bool {
				stage, ok := strings.CutPrefix(path, "/office/processes/"+id+"/stages/")
				return !ok || slices.ContainsFunc([]string{"new", "accreditation/", "ts1/", "round1/", "zero-draft/", "marrakech/", "ga-endorsement/"},
					func(s string) bool { return strings.HasPrefix(stage, s) })
			}
			walk(t, b, lang, forms, "/office", "/office/processes/"+id)
		})
	}
}

var (
	pageLink = regexp.MustCompile(`href="(/[^"#]*)"`)
	// rfc3339 is a timestamp as the API writes it: a date, T and a time.
	rfc3339 = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}`)
)

// walkable reports whether the walk follows a link: the site's own pages
// about the test's process and the pages about every process, not other
// tests' processes, files, feeds or the language switch.
func walkable(path, id string) bool {
	if strings.Contains(path, "lang=") || strings.HasPrefix(path, "/static/") || strings.HasPrefix(path, "/v1/") {
		return false
	}
	for _, area := range []string{"/processes/", "/office/processes/"} {
		if rest, ok := strings.CutPrefix(path, area); ok {
			return rest == id || strings.HasPrefix(rest, id+"/") || strings.HasPrefix(rest, id+"?")
		}
	}
	return slices.Contains([]string{"/", "/calendar", "/signin", "/office", "/office/processes/new"}, strings.SplitN(path, "?", 2)[0])
}

var (
	scripts = regexp.MustCompile(`(?is)<(script|style)\b.*?</(script|style)>`)
	codes   = regexp.MustCompile(`<span class="code">[^<]*</span>`) // IDs, the same in every language
	// sourced English the page declares as such (a rule's text as its
	// resolution gives it), read in English by assistive technology
	declaredEnglish = regexp.MustCompile(`(?s)<(p|q|span)\b[^>]*\slang="en"[^>]*>[^<]*</(p|q|span)>`)
	labelAttr       = regexp.MustCompile(`(?i)\s(?:title|aria-label|alt|placeholder)="([^"]*)"`)
	tag             = regexp.MustCompile(`<[^>]*>`)
)

// visibleText is what a reader sees or hears of a page: its text, and the
// titles and labels of its elements.
func visibleText(body string) string {
	body = declaredEnglish.ReplaceAllString(codes.ReplaceAllString(scripts.ReplaceAllString(body, " "), " "), " ")
	var labels []string
	for _, m := range labelAttr.FindAllStringSubmatch(body, -1) {
		labels = append(labels, m[1])
	}
	return html.UnescapeString(tag.ReplaceAllString(body, " ") + " " + strings.Join(labels, " "))
}

// templateWords are the template's own words that it translates (its
// title, its phases' and its stages' titles, themes and notes), in
// English; not those that are also a document's title, which the sources
// give in English.
func templateWords(t *process.Template) []string {
	docs := map[string]bool{}
	for _, s := range t.Stages() {
		for _, d := range s.Documents {
			docs[d.Title] = true
		}
	}
	all := []string{t.Title}
	for _, ph := range t.Phases {
		all = append(all, ph.Title)
		for _, s := range ph.Stages {
			all = append(all, s.Title, s.Theme, s.Note)
		}
	}
	var out []string
	for _, w := range all {
		if len([]rune(w)) >= 12 && !docs[w] {
			out = append(out, w)
		}
	}
	return out
}

// englishSentences are, for each language, the English catalogue's words
// that a page in that language must not show: each message's text between
// its placeholders, of 12 characters or more, and not also in that
// language's own message (a name or a symbol the same in both).
func englishSentences() map[string][]string {
	placeholder := regexp.MustCompile(`\{[a-zA-Z]+\}`)
	out := map[string][]string{}
	for id, msg := range locales[lang.Default].messages {
		for _, piece := range placeholder.Split(msg, -1) {
			piece = strings.TrimSpace(piece)
			if len([]rune(piece)) < 12 {
				continue
			}
			for _, code := range lang.All {
				if code != lang.Default && !strings.Contains(locales[code].messages[id], piece) {
					out[code] = append(out[code], piece)
				}
			}
		}
	}
	for _, pieces := range out {
		slices.Sort(pieces)
	}
	return out
}
