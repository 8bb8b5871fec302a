package web

import (
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
// with {name} placeholders.
//
//go:embed locales/*.json
var localeFiles embed.FS

// locale is one language's catalog.
type locale struct {
	Lang     string
	Dir      string // rtl for Arabic
	messages map[string]string
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
		l := &locale{Lang: code, Dir: "ltr"}
		if err := json.Unmarshal(b, &l.messages); err != nil {
			panic(fmt.Sprintf("web: locales/%s.json: %v", code, err))
		}
		if code == "ar" {
			l.Dir = "rtl"
		}
		out[code] = l
	}
	return out
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
