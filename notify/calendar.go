package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"strconv"
	"time"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/internal/ical"
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
	var w ical.Writer
	w.Begin("VCALENDAR")
	w.Prop("PRODID", "-//Compact//Notifications//EN")
	w.Prop("VERSION", "2.0")
	w.Prop("METHOD", inv.Method)
	w.Begin("VEVENT")
	w.Prop("UID", inv.UID)
	w.Prop("SEQUENCE", strconv.Itoa(inv.Sequence))
	w.DateTime("DTSTAMP", stamp)
	switch {
	case inv.Start.IsZero():
	case inv.AllDay:
		w.Date("DTSTART", inv.Start)
	default:
		w.DateTime("DTSTART", inv.Start) // no DTEND: a deadline is a moment
	}
	w.Text("SUMMARY", inv.Summary)
	w.Text("DESCRIPTION", inv.Text)
	w.Prop("ORGANIZER;CN="+ical.Param(organizer.Name), "mailto:"+organizer.Address)
	w.Prop("ATTENDEE;RSVP=FALSE", "mailto:"+attendee.Address)
	if inv.Method == "CANCEL" {
		w.Prop("STATUS", "CANCELLED")
	} else {
		w.Prop("STATUS", "CONFIRMED")
		w.Prop("TRANSP", "TRANSPARENT") // a deadline does not make anyone busy
	}
	w.End("VEVENT")
	w.End("VCALENDAR")
	return w.Bytes()
}
