package notify

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"path"
	"strings"
	"text/template"
	"time"

	"github.com/compact-un/compact/internal/cldr"
	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/process"
)

// fallback is the event kind of the message for events with none of their
// own.
const fallback = "*"

// messages/<lang>.json hold each language's messages: a title (in the
// subject and in digests) and a body per event kind, as text/template
// source over a view. Bodies are plain text, one paragraph a line: the HTML
// part escapes them.
//
//go:embed messages/*.json
var messageFiles embed.FS

// language is one language's parsed messages.
type language struct {
	Dir     string `json:"dir"` // rtl for Arabic
	Subject string `json:"subject"`
	// DateTime joins a day, a time of day and its zone: "{date}, {time} {zone}".
	DateTime    string `json:"datetime"`
	Footer      string `json:"footer"`
	Unsubscribe string `json:"unsubscribe"`
	Events      map[string]struct {
		Title string `json:"title"`
		Body  string `json:"body"`
	} `json:"events"`

	tmpl *template.Template // "subject", and "<kind>/title" and "<kind>/body"
	cldr cldr.Locale        // dates, times and numbers
}

// view is what a message's templates see.
type view struct {
	Process string // the process's title
	Stage   string
	Event   string
	Data    map[string]any
	Title   string // for the subject: the event's title
}

var catalog = mustLoadCatalog()

func mustLoadCatalog() map[string]*language {
	c := make(map[string]*language, len(lang.All))
	for _, code := range lang.All {
		l, err := loadLanguage(code)
		if err != nil {
			panic(fmt.Sprintf("notify: messages/%s.json: %v", code, err))
		}
		c[code] = l
	}
	return c
}

func loadLanguage(code string) (*language, error) {
	b, err := messageFiles.ReadFile(path.Join("messages", code+".json"))
	if err != nil {
		return nil, err
	}
	l := new(language)
	if err := json.Unmarshal(b, l); err != nil {
		return nil, err
	}
	if l.Dir == "" {
		l.Dir = "ltr"
	}
	l.cldr = cldr.For(code)
	if _, ok := l.Events[fallback]; !ok {
		return nil, fmt.Errorf("no message for other events (%q)", fallback)
	}
	l.tmpl = template.New(code).Funcs(template.FuncMap{
		"date":     l.formatDate,
		"deadline": l.formatDeadline,
		"instant":  l.formatInstant,
		"join":     join,
		"count":    count,
		"plural":   func(n any, forms ...string) (string, error) { return plural(code, n, forms) },
		// title renders a digest's item, {"event", "stageId", "data"}, as
		// its own event's title.
		"title": func(item map[string]any) (string, error) {
			data, _ := item["data"].(map[string]any)
			return l.render("title", view{Stage: str(item["stageId"]), Event: str(item["event"]), Data: data})
		},
	})
	if _, err := l.tmpl.New("subject").Parse(l.Subject); err != nil {
		return nil, err
	}
	for kind, m := range l.Events {
		if _, err := l.tmpl.New(kind + "/title").Parse(m.Title); err != nil {
			return nil, err
		}
		if _, err := l.tmpl.New(kind + "/body").Parse(m.Body); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// render executes the event's title or body, or the fallback's.
func (l *language) render(part string, v view) (string, error) {
	kind := v.Event
	if _, ok := l.Events[kind]; !ok {
		kind = fallback
	}
	var b strings.Builder
	err := l.tmpl.ExecuteTemplate(&b, kind+"/"+part, v)
	return b.String(), err
}

// content is a message rendered in a language.
type content struct {
	Lang, Dir      string
	Process        string
	Subject, Title string
	Body           []string // paragraphs
	Footer         string
	Unsubscribe    string // the link's label
	UnsubscribeURL string
}

func renderContent(lang string, v view, unsubscribeURL string) (content, error) {
	l := catalog[lang]
	title, err := l.render("title", v)
	if err != nil {
		return content{}, err
	}
	body, err := l.render("body", v)
	if err != nil {
		return content{}, err
	}
	v.Title = title
	var subject strings.Builder
	if err := l.tmpl.ExecuteTemplate(&subject, "subject", v); err != nil {
		return content{}, err
	}
	return content{Lang: lang, Dir: l.Dir, Process: v.Process, Subject: subject.String(), Title: title,
		Body: strings.Split(body, "\n"), Footer: l.Footer, Unsubscribe: l.Unsubscribe, UnsubscribeURL: unsubscribeURL}, nil
}

var textLayout = template.Must(template.New("text").Parse(`{{.Process}}

{{range .Body}}{{.}}
{{end}}
-- 
{{.Footer}}
{{.Unsubscribe}}: {{.UnsubscribeURL}}
`))

var htmlLayout = htmltemplate.Must(htmltemplate.New("html").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}" dir="{{.Dir}}">
<head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif">
<h1 style="font-size: 1.25em">{{.Process}}</h1>
{{range .Body}}<p>{{.}}</p>
{{end}}<hr>
<p style="font-size: 0.85em; color: #555">{{.Footer}} <a href="{{.UnsubscribeURL}}">{{.Unsubscribe}}</a></p>
</body>
</html>
`))

func (c content) text() ([]byte, error) {
	var b bytes.Buffer
	err := textLayout.Execute(&b, c)
	return b.Bytes(), err
}

func (c content) html() ([]byte, error) {
	var b bytes.Buffer
	err := htmlLayout.Execute(&b, c)
	return b.Bytes(), err
}

// formatDate writes a time from an event's data in the language's words
// (CLDR's), as UTC to the minute; a date stays a day.
func (l *language) formatDate(v any) string {
	s := str(v)
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return l.dateTime(t.UTC(), "UTC")
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return l.cldr.Date(t)
	}
	return s
}

func (l *language) dateTime(t time.Time, zone string) string {
	return strings.NewReplacer("{date}", l.cldr.Date(t), "{time}", l.cldr.Time(t), "{zone}", zone).Replace(l.DateTime)
}

// formatDeadline shows a deadline by the one deadline rule: the instant in
// the venue's zone, named (UTC when the event names none), with the UTC
// instant beside it; one at the end of a day reads as that day's 24:00.
func (l *language) formatDeadline(v, zone any) string { return l.formatIn(v, zone, true) }

// formatInstant shows an instant of a stage, such as a window's opening,
// as formatDeadline does, at the time of day it is.
func (l *language) formatInstant(v, zone any) string { return l.formatIn(v, zone, false) }

func (l *language) formatIn(v, zone any, deadline bool) string {
	t, err := time.Parse(time.RFC3339Nano, str(v))
	if err != nil {
		return str(v)
	}
	loc, err := process.Zone(str(zone))
	if err != nil {
		loc = time.UTC
	}
	at := l.dateTime(t.In(loc), loc.String())
	if day, ok := process.EndOfDay(t, loc); deadline && ok {
		at = strings.NewReplacer("{date}", l.cldr.Date(day), "{time}", "24:00", "{zone}", loc.String()).Replace(l.DateTime)
	}
	if loc == time.UTC {
		return at
	}
	return at + " (" + l.dateTime(t.UTC(), "UTC") + ")"
}

func join(v any) string {
	items, _ := v.([]any)
	s := make([]string, len(items))
	for i, item := range items {
		s[i] = str(item)
	}
	return strings.Join(s, ", ")
}

func count(v any) int {
	items, _ := v.([]any)
	return len(items)
}

// plural words a count by its CLDR plural category in the language code,
// from category and text pairs, # standing for the number:
// {{plural .Data.days "one" "# day" "other" "# days"}}. A category the
// pairs lack takes "other"; TestPluralFormsComplete sees that none lacks
// one.
func plural(code string, n any, forms []string) (string, error) {
	i, ok := n.(int)
	if f, isFloat := n.(float64); isFloat { // a number from JSON
		i, ok = int(f), true
	}
	category := "other"
	if ok {
		category = lang.Plural(code, i)
	}
	text := map[string]string{}
	for k := 0; k+1 < len(forms); k += 2 {
		text[forms[k]] = forms[k+1]
	}
	t, found := text[category]
	if !found {
		if t, found = text["other"]; !found {
			return "", fmt.Errorf("plural: no %q or \"other\" form in %q", category, forms)
		}
	}
	return strings.ReplaceAll(t, "#", str(n)), nil
}

// str is v as text; nil is empty.
func str(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}
