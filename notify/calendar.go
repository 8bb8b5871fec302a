package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/compact-un/compact/event"
)

// invitation is an iCalendar (RFC 5545) event sent with iTIP's (RFC 5546)
// REQUEST or CANCEL. Its UID names a date of the process (a stage, a
// window's deadline), not a notification, so that a later REQUEST with a
// higher SEQUENCE moves the same entry in the recipient's calendar and a
// CANCEL removes it.
type invitation struct {
	Method   string // REQUEST or CANCEL
	UID      string
	Sequence int
	Start    time.Time // zero: none (a cancellation may omit it)
	AllDay   bool
	Summary  string
	Text     string
}

// invitationFor is the calendar entry an event changes, if any: a window's
// deadline, or the day a stage starts. A moved date's SEQUENCE is the
// number of changes its event counts.
func invitationFor(n notice, summary, text string) (invitation, bool) {
	inv := invitation{Method: "REQUEST", Summary: summary, Text: text}
	deadline := calendarUID(n.ProcessID, n.StageID, "deadline")
	stage := calendarUID(n.ProcessID, n.StageID, "stage")
	data, err := event.Decode(n.Event, n.Data)
	if err != nil {
		return inv, false
	}
	switch d := data.(type) {
	case *event.WindowOpenedData:
		inv.UID, inv.Start = deadline, d.Closes
	case *event.WindowMovedData:
		inv.UID, inv.Start, inv.Sequence = deadline, d.To, d.Sequence
	case *event.ScheduleChange:
		inv.UID, inv.Sequence = stage, d.Sequence
		switch n.Event {
		case event.StageRescheduled:
			inv.AllDay = true
			inv.Start, err = time.Parse(time.DateOnly, d.To)
			return inv, err == nil
		case event.StageCancelled:
			inv.Method = "CANCEL"
			return inv, true
		}
		return inv, false
	default:
		return inv, false
	}
	return inv, !inv.Start.IsZero()
}

func calendarUID(processID, stageID, what string) string {
	sum := sha256.Sum256([]byte(processID + "/" + stageID + "/" + what))
	return hex.EncodeToString(sum[:16]) + "@compact"
}

// ics writes the invitation from organizer to attendee, stamped at stamp.
func (inv invitation) ics(organizer, attendee mail.Address, stamp time.Time) []byte {
	var b strings.Builder
	line := func(name, value string) { fold(&b, name+":"+value) }
	line("BEGIN", "VCALENDAR")
	line("PRODID", "-//Compact//Notifications//EN")
	line("VERSION", "2.0")
	line("METHOD", inv.Method)
	line("BEGIN", "VEVENT")
	line("UID", inv.UID)
	line("SEQUENCE", strconv.Itoa(inv.Sequence))
	line("DTSTAMP", utc(stamp))
	switch {
	case inv.Start.IsZero():
	case inv.AllDay:
		line("DTSTART;VALUE=DATE", inv.Start.Format("20060102"))
	default:
		line("DTSTART", utc(inv.Start)) // no DTEND: a deadline is a moment
	}
	line("SUMMARY", escapeText(inv.Summary))
	line("DESCRIPTION", escapeText(inv.Text))
	line("ORGANIZER;CN="+param(organizer.Name), "mailto:"+organizer.Address)
	line("ATTENDEE;RSVP=FALSE", "mailto:"+attendee.Address)
	if inv.Method == "CANCEL" {
		line("STATUS", "CANCELLED")
	} else {
		line("STATUS", "CONFIRMED")
		line("TRANSP", "TRANSPARENT") // a deadline does not make anyone busy
	}
	line("END", "VEVENT")
	line("END", "VCALENDAR")
	return []byte(b.String())
}

func utc(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// escapeText escapes a TEXT value (RFC 5545, 3.3.11).
var escapeText = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`).Replace

// param quotes a parameter value, which may not hold a double quote.
func param(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, "'") + `"`
}

// fold writes a content line folded at 75 octets, never inside a UTF-8
// sequence, and ended with CRLF (RFC 5545, 3.1).
func fold(b *strings.Builder, s string) {
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = 74 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
