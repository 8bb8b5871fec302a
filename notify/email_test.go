package notify_test

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/internal/lang"
	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/notify/notifytest"
	"github.com/compact-un/compact/process"
)

var created = time.Date(2017, 5, 8, 9, 0, 0, 0, time.UTC)

// events are one of each kind of event with a message of its own, and one
// without (session.held), with the data the workflows record.
var events = map[string]map[string]any{
	"window.opened":     {"code": "TS1", "opens": "2017-05-08T09:00:00Z", "closes": "2017-06-07T09:00:00Z"},
	"window.closed":     {"count": 42, "digest": "9f86d081884c7d65"},
	"window.moved":      {"seq": 2, "from": "2017-06-07T09:00:00Z", "to": "2017-06-14T18:00:00Z", "reason": "At the request of the Group of 77 & China"},
	"window.reminder":   {"seq": "7-0", "days": 7, "closes": "2017-06-07T09:00:00Z", "timeZone": "Europe/Zurich"},
	"stage.rescheduled": {"seq": 3, "from": "2017-05-08", "to": "2017-05-15", "fromLast": "2017-05-09", "toLast": "2017-05-16", "reason": "Venue change"},
	"venue.changed": {"seq": 5, "from": "Geneva (Europe/Zurich)", "to": "Vienna (Europe/Vienna)", "place": "Vienna",
		"timeZone": "Europe/Vienna", "reason": "Host country offer"},
	"co-facilitator.appointed": {"seq": "CHE", "state": "CHE", "person": "Jürg Lauber", "role": "co-facilitator", "date": "2016-10-24"},
	"stage.cancelled":          {"seq": 4, "reason": "Merged with the second session"},
	"draft.published":          {"revision": 1, "title": "Zero draft", "symbol": "A/72/L.1", "sha256": "e3b0c44298fc1c14"},
	"list.decided":             {"seq": 1, "list": 1, "approved": []string{"ngo-1", "ngo-2"}, "rejected": []string{"ngo-3"}},
	"contribution.received":    {"tracking": "GCM-TS1-000042", "title": "Our views on return", "submittedAt": "2017-05-09T10:30:00Z", "sha256": "2c26b46b68ffc68f"},
	"digest": {"since": "2017-05-01T00:00:00Z", "events": []map[string]any{
		{"event": "window.opened", "stageId": "ts1", "at": "2017-05-08T09:00:00Z", "data": map[string]any{"code": "TS1"}},
		{"event": "session.held", "stageId": "ts1", "at": "2017-05-10T15:00:00Z"},
	}},
	"endpoint.disabled": {"channel": "webhook", "endpoint": "https://ngo.example/hook", "reason": "3 deliveries refused since the last success"},
	"session.held":      {"place": "New York"},
	"subscription.confirm": {"confirm": "https://compact.example/v1/subscriptions/confirm?token=t0k", "topics": []string{"windows", "drafts"},
		"mode": "daily"},
}

// message is the notification of an event to rcpt in lang.
func message(t *testing.T, event, rcpt, lang string) notify.Message {
	t.Helper()
	payload, err := json.Marshal(map[string]any{"processId": "gcm-2018", "stageId": "ts1", "event": event, "data": events[event]})
	if err != nil {
		t.Fatal(err)
	}
	return notify.Message{Key: "gcm-2018/ts1/" + event + "|" + rcpt + "|email", ProcessID: "gcm-2018",
		Process: "Global Compact for Migration", Event: event, Recipient: rcpt, Language: lang,
		Payload: payload, CreatedAt: created}
}

var unsubscribe = notify.Unsubscribe{URL: "https://compact.example/unsubscribe", Secret: []byte("0123456789abcdef0123456789abcdef")}

func sender(s *notifytest.SMTPServer) *notify.Email {
	return &notify.Email{Addr: s.Addr, TLSConfig: s.TLS, Username: s.Username, Password: s.Password,
		From: mail.Address{Name: "Compact (PGA Office)", Address: "noreply@compact.example"}, Unsubscribe: unsubscribe}
}

// received is a parsed email.
type received struct {
	header     mail.Header
	subject    string
	text, html string
	ics        string // "" when there is none
	icsMethod  string
}

// parse reads a raw message as a client would, checking its structure:
// multipart/mixed holding multipart/alternative (text, then HTML) and
// perhaps a text/calendar attachment.
func parse(t *testing.T, raw []byte) received {
	t.Helper()
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var r received
	r.header = m.Header
	if r.subject, err = new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); err != nil {
		t.Fatal(err)
	}
	mixed := multipartOf(t, m.Header.Get("Content-Type"), "multipart/mixed", m.Body)
	alt, err := mixed.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	parts := multipartOf(t, alt.Header.Get("Content-Type"), "multipart/alternative", alt)
	for _, want := range []string{"text/plain", "text/html"} {
		p, err := parts.NextPart()
		if err != nil {
			t.Fatal(err)
		}
		mediaType, params, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if mediaType != want || params["charset"] != "utf-8" {
			t.Fatalf("alternative part %q, want %s; charset=utf-8", p.Header.Get("Content-Type"), want)
		}
		b, err := io.ReadAll(p) // NextPart undoes quoted-printable
		if err != nil {
			t.Fatal(err)
		}
		if want == "text/plain" {
			r.text = string(b)
		} else {
			r.html = string(b)
		}
	}
	if _, err := parts.NextPart(); err != io.EOF {
		t.Fatalf("more alternatives: %v", err)
	}
	switch p, err := mixed.NextPart(); err {
	case io.EOF:
	case nil:
		mediaType, params, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		_, disposition, _ := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
		if mediaType != "text/calendar" || disposition["filename"] != "invite.ics" || p.Header.Get("Content-Transfer-Encoding") != "base64" {
			t.Fatalf("attachment %v", p.Header)
		}
		b, err := io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
		if err != nil {
			t.Fatal(err)
		}
		r.ics, r.icsMethod = string(b), params["method"]
	default:
		t.Fatal(err)
	}
	return r
}

func multipartOf(t *testing.T, contentType, want string, body io.Reader) *multipart.Reader {
	t.Helper()
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || mediaType != want {
		t.Fatalf("Content-Type %q, want %s (%v)", contentType, want, err)
	}
	return multipart.NewReader(body, params["boundary"])
}

// icsProps reads an iCalendar object's unfolded properties, by name with
// parameters.
func icsProps(t *testing.T, ics string) map[string]string {
	t.Helper()
	if strings.Contains(strings.ReplaceAll(ics, "\r\n", ""), "\n") {
		t.Fatal("iCalendar lines must end in CRLF")
	}
	props := map[string]string{}
	for _, line := range strings.Split(strings.ReplaceAll(ics, "\r\n ", ""), "\r\n") {
		if name, value, ok := strings.Cut(line, ":"); ok {
			props[name] = value
		}
	}
	return props
}

func TestEmailEveryKind(t *testing.T) {
	srv := notifytest.NewSMTPServer(t)
	e := sender(srv)
	const rcpt = "focal.point@mission.example"
	for event := range events {
		if err := e.Send(t.Context(), message(t, event, rcpt, "en")); err != nil {
			t.Fatalf("%s: %v", event, err)
		}
	}
	mails := srv.Mails()
	if len(mails) != len(events) {
		t.Fatalf("server got %d messages, want %d", len(mails), len(events))
	}
	seen := map[string]bool{}
	for _, m := range mails {
		if m.From != "noreply@compact.example" || len(m.To) != 1 || m.To[0] != rcpt {
			t.Errorf("envelope from %s to %v", m.From, m.To)
		}
		r := parse(t, m.Data)
		h := r.header
		id := h.Get("Message-ID")
		var event string
		for ev := range events {
			if id == notify.MessageID(message(t, ev, rcpt, "en").Key) {
				event = ev
			}
		}
		if event == "" || seen[event] {
			t.Fatalf("Message-ID %s is no event's, or twice", id)
		}
		seen[event] = true
		date, err := h.Date()
		if err != nil || !date.Equal(created) {
			t.Errorf("%s: Date %v (%v), want the notification's %v", event, date, err, created)
		}
		for name, want := range map[string]string{
			"From": `"Compact (PGA Office)" <noreply@compact.example>`, "To": "<" + rcpt + ">",
			"MIME-Version": "1.0", "Content-Language": "en", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
			"Auto-Submitted": "auto-generated",
		} {
			if got := h.Get(name); got != want {
				t.Errorf("%s: %s: %q, want %q", event, name, got, want)
			}
		}
		if !strings.HasPrefix(r.subject, "Global Compact for Migration: ") {
			t.Errorf("%s: subject %q", event, r.subject)
		}
		checkUnsubscribe(t, h.Get("List-Unsubscribe"), rcpt)
		for part, s := range map[string]string{"text": r.text, "html": r.html} {
			if strings.Contains(s, "<no value>") {
				t.Errorf("%s: %s part misses data:\n%s", event, part, s)
			}
		}
		if !strings.Contains(r.html, `<html lang="en" dir="ltr">`) {
			t.Errorf("%s: html %s", event, r.html)
		}
	}

	// What each kind says, in text and HTML (escaped).
	for event, want := range map[string]string{
		"window.opened":            "Contributions are accepted until 7 June 2017, 09:00 UTC.",
		"window.closed":            "has closed with 42 contributions.",
		"window.moved":             "Reason: At the request of the Group of 77 & China",
		"window.reminder":          "closes on 7 June 2017, 11:00 Europe/Zurich (7 June 2017, 09:00 UTC), in 7 days.",
		"stage.rescheduled":        "Stage ts1 now starts on 15 May 2017 instead of 8 May 2017. Last day: 16 May 2017, instead of 9 May 2017.",
		"venue.changed":            "Stage ts1 now meets in Vienna (Europe/Vienna) instead of Geneva (Europe/Zurich)",
		"co-facilitator.appointed": "Jürg Lauber, the representative of CHE, was appointed co-facilitator on 24 October 2016.",
		"stage.cancelled":          "Stage ts1 has been cancelled.",
		"draft.published":          "Revision 1 of “Zero draft” (A/72/L.1) has been published.",
		"list.decided":             "Approved: ngo-1, ngo-2",
		"contribution.received":    "Tracking number: GCM-TS1-000042",
		"digest":                   "• 8 May 2017, 09:00 UTC: contributions open (TS1)",
		"endpoint.disabled":        "Compact has stopped delivering notifications to https://ngo.example/hook (webhook)",
		"session.held":             "Event recorded: session.held, stage ts1.",
		"subscription.confirm":     "To confirm, open this link: https://compact.example/v1/subscriptions/confirm?token=t0k",
	} {
		r := find(t, mails, notify.MessageID(message(t, event, rcpt, "en").Key))
		if !strings.Contains(r.text, want) {
			t.Errorf("%s: text lacks %q:\n%s", event, want, r.text)
		}
		if html := strings.ReplaceAll(want, "&", "&amp;"); !strings.Contains(r.html, "<p>"+html) && !strings.Contains(r.html, html+"</p>") {
			t.Errorf("%s: html lacks %q:\n%s", event, html, r.html)
		}
	}
}

func find(t *testing.T, mails []notifytest.Mail, messageID string) received {
	t.Helper()
	for _, m := range mails {
		if r := parse(t, m.Data); r.header.Get("Message-ID") == messageID {
			return r
		}
	}
	t.Fatalf("no message %s", messageID)
	return received{}
}

// checkUnsubscribe checks that a List-Unsubscribe header holds one https
// link whose token unsubscribes rcpt from the process's email.
func checkUnsubscribe(t *testing.T, header, rcpt string) {
	t.Helper()
	link, err := url.Parse(strings.TrimSuffix(strings.TrimPrefix(header, "<"), ">"))
	if err != nil || link.Scheme != "https" || link.Host != "compact.example" {
		t.Fatalf("List-Unsubscribe %q", header)
	}
	c, err := unsubscribe.Verify(link.Query().Get("token"), created)
	if err != nil {
		t.Fatal(err)
	}
	if c.Recipient != rcpt || c.ProcessID != "gcm-2018" || c.Channel != "email" || !c.Expires.Equal(created.Add(365*24*time.Hour)) {
		t.Fatalf("claims %+v", c)
	}
}

func TestEmailCalendar(t *testing.T) {
	srv := notifytest.NewSMTPServer(t)
	e := sender(srv)
	const rcpt = "focal.point@mission.example"
	uids := map[string][]string{}
	for _, tt := range []struct {
		event, method, uidOf, start string
		sequence                    string
	}{
		{"window.opened", "REQUEST", "deadline", "DTSTART:20170607T090000Z", "0"},
		{"window.moved", "REQUEST", "deadline", "DTSTART:20170614T180000Z", "2"},
		{"stage.rescheduled", "REQUEST", "stage", "DTSTART;VALUE=DATE:20170515", "3"},
		{"stage.cancelled", "CANCEL", "stage", "", "4"},
	} {
		m := message(t, tt.event, rcpt, "en")
		if err := e.Send(t.Context(), m); err != nil {
			t.Fatal(err)
		}
		mails := srv.Mails()
		r := parse(t, mails[len(mails)-1].Data)
		props := icsProps(t, r.ics)
		if r.icsMethod != tt.method || props["METHOD"] != tt.method {
			t.Errorf("%s: method %q / %q, want %s", tt.event, r.icsMethod, props["METHOD"], tt.method)
		}
		if props["SEQUENCE"] != tt.sequence {
			t.Errorf("%s: SEQUENCE %s, want %s", tt.event, props["SEQUENCE"], tt.sequence)
		}
		if tt.start != "" {
			name, value, _ := strings.Cut(tt.start, ":")
			if props[name] != value {
				t.Errorf("%s: %s %q, want %q", tt.event, name, props[name], value)
			}
		}
		if props["DTSTAMP"] != "20170508T090000Z" || props["ORGANIZER;CN=\"Compact (PGA Office)\""] != "mailto:noreply@compact.example" ||
			props["ATTENDEE;RSVP=FALSE"] != "mailto:"+rcpt || props["SUMMARY"] == "" {
			t.Errorf("%s: %q", tt.event, r.ics)
		}
		uids[tt.uidOf] = append(uids[tt.uidOf], props["UID"])
	}
	// A deadline's and a stage's messages update one calendar entry each.
	for what, ids := range uids {
		for _, id := range ids {
			if id != ids[0] || !strings.HasSuffix(id, "@compact") {
				t.Errorf("%s UIDs %v", what, ids)
			}
		}
	}
	if uids["deadline"][0] == uids["stage"][0] {
		t.Error("a deadline and a stage share a UID")
	}
	// Other events carry no invitation.
	if err := e.Send(t.Context(), message(t, "draft.published", rcpt, "en")); err != nil {
		t.Fatal(err)
	}
	mails := srv.Mails()
	if r := parse(t, mails[len(mails)-1].Data); r.ics != "" {
		t.Errorf("draft.published has an invitation:\n%s", r.ics)
	}
}

func TestEmailLanguages(t *testing.T) {
	srv := notifytest.NewSMTPServer(t)
	e := sender(srv)
	for _, tt := range []struct {
		lang, want, event, subject, text, dir string
	}{
		{"fr-CH", "fr", "window.moved", "Global Compact for Migration : échéance modifiée (ts1)",
			"L’échéance des contributions à l’étape ts1 passe du 7 juin 2017, 09:00 UTC au 14 juin 2017, 18:00 UTC.", "ltr"},
		{"ar", "ar", "window.opened", "Global Compact for Migration: باب تقديم المساهمات مفتوح (TS1)",
			"تُقبل المساهمات حتى 7 يونيو 2017، الساعة 9:00 ص UTC.", "rtl"},
		{"zh-Hans", "zh", "window.opened", "Global Compact for Migration：意见提交窗口已开放（TS1）", "提交截止时间：2017年6月7日 09:00（UTC）。", "ltr"},
		{"de", "en", "window.opened", "Global Compact for Migration: contributions open (TS1)", "Contributions are accepted until", "ltr"},
	} {
		rcpt := "delegate." + tt.lang + "@mission.example"
		if err := e.Send(t.Context(), message(t, tt.event, rcpt, tt.lang)); err != nil {
			t.Fatal(err)
		}
		mails := srv.Mails()
		raw := mails[len(mails)-1].Data
		r := parse(t, raw)
		if got := r.header.Get("Content-Language"); got != tt.want {
			t.Errorf("%s: Content-Language %q, want %q", tt.lang, got, tt.want)
		}
		if r.subject != tt.subject {
			t.Errorf("%s: subject %q, want %q", tt.lang, r.subject, tt.subject)
		}
		if raw := rawHeader(t, raw, "Subject"); tt.want != "en" && !strings.HasPrefix(raw, "=?utf-8?b?") {
			t.Errorf("%s: Subject not RFC 2047-encoded: %q", tt.lang, raw)
		}
		if !strings.Contains(r.text, tt.text) || !strings.Contains(r.html, tt.text) {
			t.Errorf("%s: text lacks %q:\n%s\n%s", tt.lang, tt.text, r.text, r.html)
		}
		if want := `<html lang="` + tt.want + `" dir="` + tt.dir + `">`; !strings.Contains(r.html, want) {
			t.Errorf("%s: html lacks %s", tt.lang, want)
		}
	}
}

// Every kind of message, in every language, writes its dates and times in
// the reader's words (CLDR's), never as raw RFC 3339.
func TestEmailDatesInEveryLanguage(t *testing.T) {
	srv := notifytest.NewSMTPServer(t)
	e := sender(srv)
	raw := regexp.MustCompile(`\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?`)
	for _, lang := range lang.All {
		rcpt := "dates." + lang + "@mission.example"
		for event := range events {
			if err := e.Send(t.Context(), message(t, event, rcpt, lang)); err != nil {
				t.Fatalf("%s: %v", event, err)
			}
			mails := srv.Mails()
			r := parse(t, mails[len(mails)-1].Data)
			body, _, _ := strings.Cut(r.text, "\n-- \n") // the unsubscribe link carries a token
			if m := raw.FindString(body); m != "" {
				t.Errorf("%s in %s shows a raw date %q:\n%s", event, lang, m, body)
			}
		}
	}
}

// A built-in template's process reaches each recipient with its title and
// its stages' in their language; an English reader reads the stage's title
// rather than its ID.
func TestEmailSpeaksTheTemplatesWords(t *testing.T) {
	srv := notifytest.NewSMTPServer(t)
	e := sender(srv)
	for _, tt := range []struct{ lang, subject, text string }{
		{"fr", "Pacte mondial pour des migrations sûres, ordonnées et régulières : échéance modifiée (Session thématique informelle 1)",
			"L’échéance des contributions à l’étape Session thématique informelle 1 passe du"},
		{"ru", "Глобальный договор о безопасной, упорядоченной и легальной миграции", "Неофициальная тематическая сессия 1"},
		{"en", "Global Compact for Safe, Orderly and Regular Migration: deadline moved (Informal thematic session 1)", "Informal thematic session 1"},
	} {
		m := message(t, "window.moved", "delegate."+tt.lang+"@mission.example", tt.lang)
		m.Process, m.TemplateID = "Global Compact for Safe, Orderly and Regular Migration", "gcm-2018"
		if err := e.Send(t.Context(), m); err != nil {
			t.Fatal(err)
		}
		mails := srv.Mails()
		r := parse(t, mails[len(mails)-1].Data)
		if !strings.HasPrefix(r.subject, tt.subject) {
			t.Errorf("%s: subject %q, want %q", tt.lang, r.subject, tt.subject)
		}
		if !strings.Contains(r.text, tt.text) {
			t.Errorf("%s: text lacks %q:\n%s", tt.lang, tt.text, r.text)
		}
	}
}

// rawHeader is a header's value as sent, folded lines joined.
func rawHeader(t *testing.T, raw []byte, name string) string {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(raw))
	var value string
	in := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			return value
		case in && (line[0] == ' ' || line[0] == '\t'):
			value += line
		case strings.HasPrefix(line, name+": "):
			value, in = strings.TrimPrefix(line, name+": "), true
		default:
			in = false
		}
	}
	return value
}

// TestEmailEveryLanguage renders every kind in every language.
func TestEmailEveryLanguage(t *testing.T) {
	e := &notify.Email{From: mail.Address{Address: "noreply@compact.example"}, Unsubscribe: unsubscribe}
	for _, lang := range lang.All {
		for event := range events {
			raw, err := e.Compose(message(t, event, "a@example.org", lang))
			if err != nil {
				t.Fatalf("%s %s: %v", lang, event, err)
			}
			r := parse(t, raw)
			if r.header.Get("Content-Language") != lang || strings.Contains(r.text+r.html, "<no value>") {
				t.Errorf("%s %s:\n%s", lang, event, r.text)
			}
		}
	}
}

func TestEmailResendIsTheSameMessage(t *testing.T) {
	srv := notifytest.NewSMTPServer(t)
	e := sender(srv)
	m := message(t, "window.moved", "a@example.org", "ru")
	for range 2 {
		if err := e.Send(t.Context(), m); err != nil {
			t.Fatal(err)
		}
	}
	mails := srv.Mails()
	if !bytes.Equal(mails[0].Data, mails[1].Data) {
		t.Errorf("a resend differs:\n%s\n----\n%s", mails[0].Data, mails[1].Data)
	}
}

func TestEmailFailures(t *testing.T) {
	srv := notifytest.NewSMTPServer(t)
	srv.Reject("gone@example.org", 550)
	srv.Reject("busy@example.org", 452)
	for _, tt := range []struct {
		name     string
		edit     func(e *notify.Email)
		rcpt     string
		kind     process.Kind
		endpoint bool // the recipient's failure, not ours
	}{
		{"no such mailbox", nil, "gone@example.org", process.NotFound, true},
		{"malformed address", nil, "not an address", process.Invalid, true},
		{"mailbox busy", nil, "busy@example.org", process.Unavailable, false},
		{"bad credentials", func(e *notify.Email) { e.Password = "wrong" }, "a@example.org", process.Internal, false},
		{"no STARTTLS, no AUTH", func(e *notify.Email) { e.TLS = notify.StartTLSNone }, "a@example.org", process.Internal, false},
		{"untrusted certificate", func(e *notify.Email) { e.TLSConfig = nil }, "a@example.org", process.Unavailable, false},
		{"server down", func(e *notify.Email) { e.Addr = "127.0.0.1:1" }, "a@example.org", process.Unavailable, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := sender(srv)
			if tt.edit != nil {
				tt.edit(e)
			}
			err := e.Send(t.Context(), message(t, "window.opened", tt.rcpt, "en"))
			if process.KindOf(err) != tt.kind {
				t.Errorf("got %v, want a %v error", err, tt.kind)
			}
			if _, ok := errors.AsType[*notify.EndpointError](err); ok != tt.endpoint {
				t.Errorf("%v: endpoint's failure %v, want %v", err, ok, tt.endpoint)
			}
		})
	}
	if n := len(srv.Mails()); n != 0 {
		t.Errorf("server accepted %d messages", n)
	}
}
