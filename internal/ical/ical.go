// Package ical writes iCalendar (RFC 5545) content: the calendar feeds of
// the API and the invitations sent with email share one writer, so both
// fold, escape and end lines alike.
package ical

import (
	"bytes"
	"strings"
	"time"
	"unicode/utf8"
)

// Writer writes content lines, in the order given: the components' order
// and properties are the caller's.
type Writer struct{ buf bytes.Buffer }

// Bytes is what was written.
func (w *Writer) Bytes() []byte { return w.buf.Bytes() }

// Begin opens a component (VCALENDAR, VEVENT).
func (w *Writer) Begin(component string) { w.Prop("BEGIN", component) }

// End closes a component.
func (w *Writer) End(component string) { w.Prop("END", component) }

// Prop writes a content line whose value is already in its type's form,
// folded so that no line is over 75 octets without splitting a UTF-8
// sequence, each line ended by CRLF (RFC 5545, 3.1). name may carry
// parameters ("DTSTART;VALUE=DATE").
func (w *Writer) Prop(name, value string) {
	line, limit := name+":"+value, 75
	for len(line) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(line[cut]) {
			cut--
		}
		w.buf.WriteString(line[:cut])
		w.buf.WriteString("\r\n ")
		line, limit = line[cut:], 74 // the continuation's space counts
	}
	w.buf.WriteString(line)
	w.buf.WriteString("\r\n")
}

// Text writes a TEXT value, escaped (RFC 5545, 3.3.11): a line break of
// any kind is \n, as a bare CR may not appear in a value.
func (w *Writer) Text(name, value string) { w.Prop(name, textEscaper.Replace(value)) }

var textEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)

// DateTime writes a DATE-TIME in UTC.
func (w *Writer) DateTime(name string, t time.Time) { w.Prop(name, t.UTC().Format("20060102T150405Z")) }

// Date writes a DATE, the day t falls on in UTC.
func (w *Writer) Date(name string, t time.Time) {
	w.Prop(name+";VALUE=DATE", t.UTC().Format("20060102"))
}

// Param quotes a parameter value (RFC 5545, 3.2), which can hold neither a
// double quote nor a control character other than a tab: a double quote
// becomes a single one, a control character a space.
func Param(s string) string {
	return `"` + strings.Map(func(r rune) rune {
		switch {
		case r == '"':
			return '\''
		case r < ' ' && r != '\t' || r == 0x7f:
			return ' '
		}
		return r
	}, s) + `"`
}
