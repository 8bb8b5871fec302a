package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/compact-un/compact/internal/lang"
)

// langCookie remembers the language picked with ?lang=.
const langCookie = "compact_lang"

// locales/<lang>.json map message IDs ("process.timeline.title") to text
// with {name} placeholders. A message that counts something may instead be
// an object of its wordings by CLDR plural category ({"one": …, "other":
// …}), as many as the language's rules have; a language whose wording does
// not change with the count keeps a string.
//
//go:embed locales/*.json
var localeFiles embed.FS

// locale is one language's catalog.
type locale struct {
	Lang     string
	Dir      string                       // rtl for Arabic
	messages map[string]string            // a plural message's "other" form
	plurals  map[string]map[string]string // by id, then category
}

// locales are the interface's catalogs, one for each of lang.All.
var locales = mustLoadLocales()

func mustLoadLocales() map[string]*locale {
	out := make(map[string]*locale, len(lang.All))
	for _, code := range lang.All {
		b, err := localeFiles.ReadFile(path.Join("locales", code+".json"))
		if err != nil {
			panic(fmt.Sprintf("web: %v", err))
		}
		l, err := parseLocale(code, b)
		if err != nil {
			panic(fmt.Sprintf("web: locales/%s.json: %v", code, err))
		}
		out[code] = l
	}
	return out
}

func parseLocale(code string, b []byte) (*locale, error) {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	l := &locale{Lang: code, Dir: "ltr", messages: make(map[string]string, len(raw)), plurals: map[string]map[string]string{}}
	if code == "ar" {
		l.Dir = "rtl"
	}
	for id, v := range raw {
		if bytes.HasPrefix(v, []byte("{")) {
			var forms map[string]string
			if err := json.Unmarshal(v, &forms); err != nil {
				return nil, fmt.Errorf("%s: %w", id, err)
			}
			if _, ok := forms["other"]; !ok {
				return nil, fmt.Errorf("%s: no \"other\" form", id)
			}
			l.plurals[id], l.messages[id] = forms, forms["other"]
			continue
		}
		var msg string
		if err := json.Unmarshal(v, &msg); err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
		l.messages[id] = msg
	}
	return l, nil
}

// negotiate picks the request's language: ?lang= (remembered in a cookie
// by the caller), the cookie, Accept-Language, then English.
func negotiate(r *http.Request) (code string, fromQuery bool) {
	if q := r.URL.Query().Get("lang"); locales[q] != nil {
		return q, true
	}
	if c, err := r.Cookie(langCookie); err == nil && locales[c.Value] != nil {
		return c.Value, false
	}
	return lang.Match(r.Header.Get("Accept-Language")), false
}

// missingMarker wraps a message ID with no text, so that tests and readers
// see the gap rather than a blank.
func missingMarker(id string) string { return "[[" + id + "]]" }

// T is the text of message id, with its {name} placeholders filled from
// args given as name, value pairs. An ID missing from this language falls
// back to English, then shows as [[id]].
func (l *locale) T(id string, args ...any) string {
	msg, ok := l.messages[id]
	if !ok {
		if msg, ok = locales[lang.Default].messages[id]; !ok {
			return missingMarker(id)
		}
	}
	return fill(msg, args)
}

// N is T for a message that counts n: the wording for n's plural category
// in this language.
func (l *locale) N(id string, n int, args ...any) string {
	if form, ok := l.plurals[id][lang.Plural(l.Lang, n)]; ok {
		return fill(form, args)
	}
	return l.T(id, args...)
}

// fill fills msg's {name} placeholders from name, value pairs.
func fill(msg string, args []any) string {
	if len(args) == 0 {
		return msg
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", fmt.Sprint(args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(msg)
}

// Date writes a day in the language's style ("2 March 2027", "2027年3月2日")
// from date.format and the months date.month.1 … date.month.12.
func (l *locale) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.UTC()
	return l.T("date.format", "day", t.Day(), "month", l.T("date.month."+strconv.Itoa(int(t.Month()))), "year", t.Year())
}

// DateTime writes a day and a UTC time of day.
func (l *locale) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.T("date.datetime", "date", l.Date(t), "time", t.UTC().Format("15:04"))
}
