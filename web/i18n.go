package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"path"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/compact-un/compact/internal/cldr"
)

// Languages are the UN's six official languages, in the UN's order; the
// interface speaks each of them.
var Languages = []string{"ar", "zh", "en", "fr", "ru", "es"}

// defaultLanguage answers when nothing else matches.
const defaultLanguage = "en"

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
	cldr     cldr.Locale // dates, times and numbers
}

var (
	locales = mustLoadLocales()
	matcher = language.NewMatcher(languageTags())
)

func languageTags() []language.Tag {
	// The default first: the matcher falls back to the first tag.
	tags := []language.Tag{language.MustParse(defaultLanguage)}
	for _, l := range Languages {
		if l != defaultLanguage {
			tags = append(tags, language.MustParse(l))
		}
	}
	return tags
}

func mustLoadLocales() map[string]*locale {
	out := make(map[string]*locale, len(Languages))
	for _, lang := range Languages {
		b, err := localeFiles.ReadFile(path.Join("locales", lang+".json"))
		if err != nil {
			panic(fmt.Sprintf("web: %v", err))
		}
		l := &locale{Lang: lang, Dir: "ltr", cldr: cldr.For(lang)}
		if err := json.Unmarshal(b, &l.messages); err != nil {
			panic(fmt.Sprintf("web: locales/%s.json: %v", lang, err))
		}
		if lang == "ar" {
			l.Dir = "rtl"
		}
		out[lang] = l
	}
	return out
}

// negotiate picks the request's language: ?lang= (remembered in a cookie
// by the caller), the cookie, Accept-Language, then English.
func negotiate(r *http.Request) (lang string, fromQuery bool) {
	if q := r.URL.Query().Get("lang"); locales[q] != nil {
		return q, true
	}
	if c, err := r.Cookie(langCookie); err == nil && locales[c.Value] != nil {
		return c.Value, false
	}
	if al := r.Header.Get("Accept-Language"); al != "" {
		tags, _, err := language.ParseAcceptLanguage(al)
		if err == nil && len(tags) > 0 {
			_, i, conf := matcher.Match(tags...)
			if conf != language.No {
				return languageTags()[i].String(), false
			}
		}
	}
	return defaultLanguage, false
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
		if msg, ok = locales[defaultLanguage].messages[id]; !ok {
			return missingMarker(id)
		}
	}
	msg = esc(msg)
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

// MonthYear names a month as a heading: "May 2017", "2017年5月".
func (l *locale) MonthYear(t time.Time) string {
	return l.cldr.MonthYear(t.UTC())
}

// AxisMonth names a month on the timeline's axis: "May 2017", "mai 2017".
func (l *locale) AxisMonth(t time.Time) string {
	return l.cldr.AxisMonth(t.UTC())
}
