package ical_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/compact-un/compact/internal/ical"
)

// unfold undoes the folding of RFC 5545, 3.1.
func unfold(s string) string { return strings.ReplaceAll(s, "\r\n ", "") }

func TestFoldsAt75OctetsOnCharacterBoundaries(t *testing.T) {
	var w ical.Writer
	value := strings.Repeat("Réfugiés — 移民问题全球契约 — Разрешение споров; ", 5)
	w.Text("DESCRIPTION", value)
	w.Prop("UID", "short@compact")
	out := string(w.Bytes())
	if !strings.HasSuffix(out, "\r\n") || strings.Contains(strings.ReplaceAll(out, "\r\n", ""), "\n") {
		t.Fatalf("lines must end in CRLF: %q", out)
	}
	lines := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
	for i, line := range lines {
		if len(line) > 75 {
			t.Errorf("line %d has %d octets: %q", i, len(line), line)
		}
		if !utf8.ValidString(line) {
			t.Errorf("line %d splits a character: %q", i, line)
		}
		if i > 0 && i < len(lines)-1 && line[0] != ' ' {
			t.Errorf("continuation %d does not start with a space: %q", i, line)
		}
	}
	want := "DESCRIPTION:" + strings.ReplaceAll(value, ";", `\;`) + "\r\nUID:short@compact\r\n"
	if got := unfold(out); got != want {
		t.Errorf("unfolded\n%q\nwant\n%q", got, want)
	}
}

func TestEscapesText(t *testing.T) {
	var w ical.Writer
	w.Text("SUMMARY", "G77 & China; Mexico, Switzerland\\Jamaica\r\nline\nline\rline")
	if got, want := string(w.Bytes()), `SUMMARY:G77 & China\; Mexico\, Switzerland\\Jamaica\nline\nline\nline`+"\r\n"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestDatesAndParameters(t *testing.T) {
	var w ical.Writer
	at := time.Date(2018, 12, 10, 9, 30, 0, 0, time.FixedZone("Marrakesh", 3600))
	w.DateTime("DTSTART", at)
	w.Date("DTEND", at)
	w.Prop("ORGANIZER;CN="+ical.Param("The \"PGA\" Office\r\nNew York"), "mailto:pga@un.example")
	want := "DTSTART:20181210T083000Z\r\nDTEND;VALUE=DATE:20181210\r\nORGANIZER;CN=\"The 'PGA' Office  New York\":mailto:pga@un.example\r\n"
	if got := string(w.Bytes()); got != want {
		t.Errorf("got\n%q\nwant\n%q", got, want)
	}
}
