package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/compact-un/compact/internal/cldr"
	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/process"
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
	cldr     cldr.Locale                  // dates, times and numbers
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
	l := &locale{Lang: code, Dir: "ltr", messages: make(map[string]string, len(raw)), plurals: map[string]map[string]string{}, cldr: cldr.For(code)}
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
	return l.translate(func(s string) string { return s }, id, args...)
}

// translate is T with the message's own text passed through esc.
func (l *locale) translate(esc func(string) string, id string, args ...any) string {
	msg, ok := l.messages[id]
	if !ok {
		if msg, ok = locales[lang.Default].messages[id]; !ok {
			return missingMarker(id)
		}
	}
	return l.fill(esc(msg), args)
}

// N is T for a message that counts n: the wording for n's plural category
// in this language.
func (l *locale) N(id string, n int, args ...any) string {
	if form, ok := l.plurals[id][lang.Plural(l.Lang, n)]; ok {
		return l.fill(form, args)
	}
	return l.T(id, args...)
}

// fill fills msg's {name} placeholders from name, value pairs.
func (l *locale) fill(msg string, args []any) string {
	if len(args) == 0 {
		return msg
	}
	pairs := make([]string, 0, len(args))
	for i := 0; i+1 < len(args); i += 2 {
		pairs = append(pairs, "{"+fmt.Sprint(args[i])+"}", l.arg(args[i+1]))
	}
	return strings.NewReplacer(pairs...).Replace(msg)
}

// arg is a placeholder's value as text: a number in the language's
// digits and separators (CLDR's), anything else as it prints.
func (l *locale) arg(v any) string { return l.cldr.Number(v) }

// Date writes a day in the language's style ("2 March 2027", "2027年3月2日"):
// CLDR's long date (internal/cldr).
func (l *locale) Date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.cldr.Date(t.UTC())
}

// DateTime writes a day and a UTC time of day, the time by CLDR's short
// pattern.
func (l *locale) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return l.T("date.datetime", "date", l.Date(t), "time", l.cldr.Time(t.UTC()))
}

// DateTimeIn writes a day and a time of day in a venue's zone loc, named
// by its IANA name (UTC in the language's words, as DateTime). A deadline
// at midnight there reads as the day before's 24:00, as it was given:
// the one deadline rule (process.FormatDeadline), as the messages write it.
func (l *locale) DateTimeIn(t time.Time, loc *time.Location, deadline bool) string {
	if t.IsZero() {
		return ""
	}
	local := t.In(loc)
	clock := l.cldr.Time(local)
	if day, ok := process.EndOfDay(t, loc); deadline && ok {
		local, clock = day, "24:00"
	}
	if loc == time.UTC {
		return l.T("date.datetime", "date", l.cldr.Date(local), "time", clock)
	}
	return l.T("date.datetime.zone", "date", l.cldr.Date(local), "time", clock, "zone", loc.String())
}

// MonthYear names a month as a heading: "May 2017", "2017年5月".
func (l *locale) MonthYear(t time.Time) string {
	return l.cldr.MonthYear(t.UTC())
}

// AxisMonth names a month on the timeline's axis: "May 2017", "mai 2017".
func (l *locale) AxisMonth(t time.Time) string {
	return l.cldr.AxisMonth(t.UTC())
}
