package api

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/notify/notifytest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/wire"
)

// awaitMail waits until the stack's mail server holds n messages for rcpt,
// and returns them parsed.
func awaitMail(t *testing.T, rcpt string, n int) []notifytest.Parsed {
	t.Helper()
	var mails []notifytest.Mail
	pollStore(t, "mail to "+rcpt, func() bool { mails = stack.mail.MailTo(rcpt); return len(mails) >= n })
	out := make([]notifytest.Parsed, len(mails))
	for i, m := range mails {
		p, err := notifytest.Parse(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		out[i] = p
	}
	return out
}

// apiPath turns a link in a message into the path to request here.
func apiPath(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Host != "compact.example" {
		t.Fatalf("link %q", link)
	}
	return u.RequestURI()
}

func TestSubscriptionsOfTokenHolders(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	id, code := uniqueID("subs")
	launchProcess(t, a, pga, inlineProcess(testTemplate(id, code, time.Now().Add(time.Hour))))
	ngo, state := a.token(Stakeholder, "org-"+id, ""), a.token(MemberState, "MEX", "")
	path := "/v1/processes/" + id + "/subscriptions"

	res := a.do("POST", path, ngo, map[string]any{"address": "it@" + id + ".example", "topics": []string{"windows", "receipts"}},
		"Accept-Language", "de-CH, en;q=0.5, es-419;q=0.8") // the weights, not the order
	var email wire.Subscribed
	res.JSON(t, &email)
	if res.Status != http.StatusCreated || email.Subscription.Language != "es" || email.Subscription.Mode != "immediate" ||
		email.Subscription.Owner != "stakeholder:org-"+id || email.Secret != "" || !strings.HasPrefix(email.Subscription.ID, "sub_") {
		t.Fatalf("subscribe an email: %d %s", res.Status, res.Body)
	}
	hookURL := "https://" + id + ".example/hook"
	res = a.do("POST", path, ngo, map[string]any{"channel": "webhook", "address": hookURL, "ownerEmail": "it@" + id + ".example"})
	var hook wire.Subscribed
	res.JSON(t, &hook)
	if res.Status != http.StatusCreated || !strings.HasPrefix(hook.Secret, "whsec_") ||
		strings.Join(hook.Subscription.Topics, ",") != "sessions,windows,drafts,accreditation,receipts" {
		t.Fatalf("subscribe a webhook: %d %s", res.Status, res.Body)
	}
	ep, err := stack.store.GetEndpoint(context.Background(), "webhook", hookURL)
	if err != nil || ep.Secret != hook.Secret || ep.Owner != "it@"+id+".example" {
		t.Fatalf("the webhook's endpoint: %+v, %v", ep, err)
	}

	var mine []store.Subscription
	a.do("GET", "/v1/subscriptions", ngo, nil).JSON(t, &mine)
	if len(mine) != 2 || mine[0].ID != email.Subscription.ID && mine[1].ID != email.Subscription.ID {
		t.Fatalf("the stakeholder's subscriptions: %+v", mine)
	}
	var theirs []store.Subscription
	a.do("GET", "/v1/subscriptions", state, nil).JSON(t, &theirs)
	if slices.ContainsFunc(theirs, func(s store.Subscription) bool { return s.ProcessID == id }) {
		t.Fatalf("another party sees %+v", theirs)
	}

	for _, tc := range []struct {
		name   string
		token  string
		body   map[string]any
		status int
	}{
		{"another party's webhook", state, map[string]any{"channel": "webhook", "address": hookURL}, http.StatusConflict},
		{"an observer's webhook", "", map[string]any{"channel": "webhook", "address": "https://x.example/hook"}, http.StatusUnauthorized},
		{"a webhook digest", ngo, map[string]any{"channel": "webhook", "address": "https://y.example/hook", "mode": "daily"}, http.StatusBadRequest},
		{"a webhook with credentials", ngo, map[string]any{"channel": "webhook", "address": "https://u:p@y.example/hook"}, http.StatusBadRequest},
		{"no address", ngo, map[string]any{}, http.StatusBadRequest},
		{"a name, not an address", ngo, map[string]any{"address": "Focal Point <fp@mission.example>"}, http.StatusBadRequest},
		{"another language", ngo, map[string]any{"address": "fp@mission.example", "language": "de"}, http.StatusBadRequest},
		{"an unknown topic", ngo, map[string]any{"address": "fp@mission.example", "topics": []string{"gossip"}}, http.StatusBadRequest},
		{"the PGA's receipts", pga, map[string]any{"address": "fp@mission.example", "topics": []string{"receipts"}}, http.StatusBadRequest},
		{"an hourly digest", ngo, map[string]any{"address": "fp@mission.example", "mode": "hourly"}, http.StatusBadRequest},
		{"SMS", ngo, map[string]any{"channel": "sms", "address": "+41229171234"}, http.StatusBadRequest},
		{"an unknown field", ngo, map[string]any{"address": "fp@mission.example", "cc": "x"}, http.StatusBadRequest},
	} {
		wantProblem(t, tc.name, a.do("POST", path, tc.token, tc.body), tc.status)
	}
	wantProblem(t, "no such process", a.do("POST", "/v1/processes/nope/subscriptions", ngo, map[string]any{"address": "fp@mission.example"}),
		http.StatusNotFound)

	// Only its owner deletes a subscription.
	wantProblem(t, "another party deletes", a.do("DELETE", "/v1/subscriptions/"+email.Subscription.ID, state, nil), http.StatusNotFound)
	if res := a.do("DELETE", "/v1/subscriptions/"+email.Subscription.ID, ngo, nil); res.Status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", res.Status, res.Body)
	}
	a.do("GET", "/v1/subscriptions", ngo, nil).JSON(t, &mine)
	if len(mine) != 1 || mine[0].ID != hook.Subscription.ID {
		t.Fatalf("after deleting: %+v", mine)
	}
}

var confirmLink = regexp.MustCompile(`https://compact\.example/v1/subscriptions/confirm\?token=[A-Za-z0-9_.=-]+`)

// TestObserverSubscribesByConfirming: an observer subscribes an address
// by following the link mailed to it, in its language, then leaves with
// the one-click unsubscribe of a later message.
func TestObserverSubscribesByConfirming(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	id, code := uniqueID("observer")
	start := time.Now().Add(5 * 24 * time.Hour)
	launchProcess(t, a, pga, inlineProcess(testTemplate(id, code, start)))
	address := "journalist@" + id + ".example"
	for range 2 { // the second is answered alike, and mails nothing more today
		res := a.do("POST", "/v1/processes/"+id+"/subscriptions", "", map[string]any{"address": address, "language": "fr", "mode": "immediate"})
		var sent wire.ConfirmationSent
		res.JSON(t, &sent)
		if res.Status != http.StatusAccepted || sent.Status != "confirmation-sent" {
			t.Fatalf("observer subscribes: %d %s", res.Status, res.Body)
		}
	}
	if _, err := stack.store.GetSubscription(context.Background(), id, address, "email"); process.KindOf(err) != process.NotFound {
		t.Fatalf("subscribed before confirming: %v", err)
	}
	mails := awaitMail(t, address, 1)
	confirm := mails[0]
	if confirm.Header.Get("Content-Language") != "fr" || !strings.Contains(confirm.Subject, "confirmez votre abonnement") {
		t.Fatalf("confirmation: %s %q", confirm.Header.Get("Content-Language"), confirm.Subject)
	}
	link := confirmLink.FindString(confirm.Text)
	if link == "" {
		t.Fatalf("no confirmation link in:\n%s", confirm.Text)
	}

	// Looking changes nothing; the page offers a button.
	var view wire.Link
	res := a.do("GET", apiPath(t, link), "", nil)
	res.JSON(t, &view)
	if res.Status != http.StatusOK || view.Action != "confirm" || view.Done || view.Address != address || view.Language != "fr" || view.Process != "Test process "+id {
		t.Fatalf("confirmation link %s: %d %s", link, res.Status, res.Body)
	}
	page := a.do("GET", apiPath(t, link), "", nil, "Accept", "text/html")
	if page.Status != http.StatusOK || !strings.Contains(string(page.Body), `<button type="submit">Confirm the subscription</button>`) {
		t.Fatalf("confirmation page: %d %s", page.Status, page.Body)
	}
	wantProblem(t, "a tampered link", a.do("POST", apiPath(t, link)+"x", "", nil), http.StatusUnauthorized)
	a.do("POST", apiPath(t, link), "", nil).JSON(t, &view)
	if !view.Done {
		t.Fatalf("confirm: %+v", view)
	}
	sub, err := stack.store.GetSubscription(context.Background(), id, address, "email")
	if err != nil || sub.Language != "fr" || sub.Owner != "" || strings.Join(sub.Topics, ",") != "phases,sessions,drafts" {
		t.Fatalf("after confirming: %+v, %v", sub, err)
	}

	// A session moves: the observer hears of it, with a link to leave.
	reschedule(t, a, pga, id, "ts1", start.Add(12*24*time.Hour))
	mails = awaitMail(t, address, 2)
	header := mails[1].Header.Get("List-Unsubscribe")
	unsubscribe := apiPath(t, strings.Trim(header, "<>"))
	if mails[1].Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("no one-click unsubscribe: %v", mails[1].Header)
	}
	wantProblem(t, "a confirmation link used to unsubscribe", a.do("POST", "/v1/unsubscribe?"+strings.SplitN(link, "?", 2)[1], "", nil),
		http.StatusUnauthorized)
	a.do("GET", unsubscribe, "", nil).JSON(t, &view)
	if view.Action != "unsubscribe" || view.Done {
		t.Fatalf("unsubscribe link: %+v", view)
	}
	// The mail client's one-click POST (RFC 8058).
	oneClick := a.do("POST", unsubscribe, "", []byte("List-Unsubscribe=One-Click"), "Content-Type", "application/x-www-form-urlencoded")
	oneClick.JSON(t, &view)
	if oneClick.Status != http.StatusOK || !view.Done {
		t.Fatalf("one-click unsubscribe: %d %s", oneClick.Status, oneClick.Body)
	}
	if _, err := stack.store.GetSubscription(context.Background(), id, address, "email"); process.KindOf(err) != process.NotFound {
		t.Fatalf("still subscribed: %v", err)
	}
}

func reschedule(t *testing.T, a *apiServer, pga, processID, stageID string, to time.Time) {
	t.Helper()
	day := process.Date{Time: to.UTC().Truncate(24 * time.Hour)}
	res := a.do("POST", "/v1/processes/"+processID+"/stages/"+stageID+"/reschedule", pga,
		map[string]any{"start": day, "end": process.Date{Time: day.Add(24 * time.Hour)}, "reason": "venue"})
	if res.Status != http.StatusOK {
		t.Fatalf("reschedule %s: %d %s", stageID, res.Status, res.Body)
	}
}

// TestMovedSessionSendsACalendarUpdate is the end to end: the PGA's office
// subscribes in Arabic, a session moves twice, and each move reaches it by
// email in Arabic with an iCalendar update of the same entry; the delivery
// report shows both sent.
func TestMovedSessionSendsACalendarUpdate(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	id, code := uniqueID("calendar")
	start := time.Now().Add(5 * 24 * time.Hour)
	launchProcess(t, a, pga, inlineProcess(testTemplate(id, code, start)))
	address := "bureau@" + id + ".example"
	if res := a.do("POST", "/v1/processes/"+id+"/subscriptions", pga, map[string]any{"address": address, "language": "ar",
		"topics": []string{"sessions"}}); res.Status != http.StatusCreated {
		t.Fatalf("subscribe: %d %s", res.Status, res.Body)
	}
	first, second := start.Add(12*24*time.Hour).UTC(), start.Add(14*24*time.Hour).UTC()
	reschedule(t, a, pga, id, "ts1", first)
	awaitMail(t, address, 1)
	reschedule(t, a, pga, id, "ts1", second)
	mails := awaitMail(t, address, 2)

	var uids []string
	for i, want := range []time.Time{first, second} {
		m := mails[i]
		if m.Header.Get("Content-Language") != "ar" || !strings.Contains(m.HTML, `dir="rtl"`) || !strings.Contains(m.Text, "ts1") {
			t.Errorf("mail %d: %s, html %q", i, m.Header.Get("Content-Language"), m.HTML)
		}
		if m.ICSMethod != "REQUEST" || m.ICSProps["DTSTART;VALUE=DATE"] != want.Format("20060102") {
			t.Errorf("mail %d: iCalendar %s %v, want REQUEST on %s", i, m.ICSMethod, m.ICSProps, want.Format(time.DateOnly))
		}
		uids = append(uids, m.ICSProps["UID"])
		if i > 0 && m.ICSProps["SEQUENCE"] <= mails[i-1].ICSProps["SEQUENCE"] {
			t.Errorf("SEQUENCE %s after %s: the update must be later", m.ICSProps["SEQUENCE"], mails[i-1].ICSProps["SEQUENCE"])
		}
	}
	if uids[0] == "" || uids[0] != uids[1] {
		t.Fatalf("UIDs %q: one calendar entry, moved", uids)
	}

	// The PGA's office sees both delivered (a message is marked sent once
	// the mail server has taken it: just after it arrives); nobody else
	// sees the report.
	var rep wire.DeliveryReport
	var res response
	pollStore(t, "both messages to be reported sent", func() bool {
		res = a.do("GET", "/v1/processes/"+id+"/notifications?state=sent", pga, nil)
		rep = wire.DeliveryReport{}
		return res.Status == http.StatusOK && json.Unmarshal(res.Body, &rep) == nil && rep.Counts["sent"] == 2
	})
	if len(rep.Notifications) != 2 {
		t.Fatalf("delivery report: %d %s", res.Status, res.Body)
	}
	for _, n := range rep.Notifications {
		if n.Attempts != 1 || n.Recipient != address || n.Event != "stage.rescheduled" || n.Language != "ar" {
			t.Errorf("reported %+v", n)
		}
	}
	if len(rep.Endpoints) != 1 || rep.Endpoints[0].Recipient != address || rep.Endpoints[0].Failures != 0 {
		t.Errorf("endpoints %+v", rep.Endpoints)
	}
	wantProblem(t, "a bad state", a.do("GET", "/v1/processes/"+id+"/notifications?state=lost", pga, nil), http.StatusBadRequest)
	wantProblem(t, "a State reads the report", a.do("GET", "/v1/processes/"+id+"/notifications", a.token(MemberState, "MEX", ""), nil),
		http.StatusForbidden)
}

// TestContributorsGetTheirReceipts: a State subscribed to receipts gets
// one for its own contribution, and nobody else's; a retry queues none.
func TestContributorsGetTheirReceipts(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	id := openConsultation(t)
	mex, fra := a.token(MemberState, "MEX", ""), a.token(MemberState, "FRA", "")
	for tok, addr := range map[string]string{mex: "mision@" + id + ".example", fra: "mission@" + id + ".example"} {
		if res := a.do("POST", "/v1/processes/"+id+"/subscriptions", tok, map[string]any{"address": addr, "language": "es",
			"topics": []string{"receipts"}}); res.Status != http.StatusCreated {
			t.Fatalf("subscribe: %d %s", res.Status, res.Body)
		}
	}
	key := newKey()
	res := a.do("POST", contributionsPath(id, "ts1"), mex, map[string]any{"title": "Migración segura", "body": "Texto."},
		"Idempotency-Key", key)
	var receipt process.Receipt
	res.JSON(t, &receipt)
	if res.Status != http.StatusCreated {
		t.Fatalf("contribute: %d %s", res.Status, res.Body)
	}
	m := awaitMail(t, "mision@"+id+".example", 1)[0]
	if m.Header.Get("Message-ID") != notify.MessageID("receipt/"+receipt.Tracking+"|mision@"+id+".example|email") ||
		!strings.Contains(m.Text, receipt.Tracking) || !strings.Contains(m.Text, receipt.SHA256) {
		t.Fatalf("receipt mail %v:\n%s", m.Header, m.Text)
	}

	// A retry gets the same receipt and queues it no second time.
	again := a.do("POST", contributionsPath(id, "ts1"), mex, map[string]any{"title": "Migración segura", "body": "Texto."},
		"Idempotency-Key", key)
	if again.Status != http.StatusOK {
		t.Fatalf("retry: %d %s", again.Status, again.Body)
	}
	var rep wire.DeliveryReport
	a.do("GET", "/v1/processes/"+id+"/notifications", a.token(PGAOffice, "PGA", ""), nil).JSON(t, &rep)
	var receipts []string
	for _, n := range rep.Notifications {
		if n.Event == "contribution.received" {
			receipts = append(receipts, n.Key)
		}
	}
	if want := []string{"receipt/" + receipt.Tracking + "|mision@" + id + ".example|email"}; !slices.Equal(receipts, want) {
		t.Fatalf("the delivery report lists receipts %v, want %v", receipts, want)
	}
	// The report lists every mail queued, so none is on its way to FRA.
	if other := stack.mail.MailTo("mission@" + id + ".example"); len(other) != 0 {
		t.Fatalf("another State got %d receipts", len(other))
	}
}

// TestWebhookTargetsArePublic registers webhooks on a server that, as by
// default, does not let them reach into the operator's network: a URL at
// the loopback, a private or link-local (cloud metadata) address, or a name
// that resolves to one, is refused with the reason and nothing is stored.
func TestWebhookTargetsArePublic(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	a.s.allowPrivateWebhooks = false
	id, code := uniqueID("targets")
	launchProcess(t, a, a.token(PGAOffice, "PGA", ""), inlineProcess(testTemplate(id, code, time.Now().Add(time.Hour))))
	state := a.token(MemberState, "MEX", "")
	path := "/v1/processes/" + id + "/subscriptions"
	for _, target := range []string{"http://127.0.0.1:8080/hook", "http://localhost/hook", "http://[::1]/hook",
		"http://10.1.2.3/hook", "http://169.254.169.254/latest/meta-data", "http://[fd00::1]/hook", "http://0.0.0.0/hook"} {
		res := a.do("POST", path, state, map[string]any{"channel": "webhook", "address": target})
		var p wire.Problem
		res.JSON(t, &p)
		if res.Status != http.StatusUnprocessableEntity || len(p.Errors) != 1 || p.Errors[0].Pointer != "/address" ||
			!strings.Contains(p.Detail, "not a public address") {
			t.Errorf("%s: %d %s", target, res.Status, res.Body)
		}
		if _, err := stack.store.GetEndpoint(context.Background(), "webhook", target); process.KindOf(err) != process.NotFound {
			t.Errorf("%s: stored after its refusal (%v)", target, err)
		}
	}
	// A public address is taken (TEST-NET-1, which no one answers); the
	// workers check again the address they dial.
	res := a.do("POST", path, state, map[string]any{"channel": "webhook", "address": "https://192.0.2.10/compact"})
	var sub wire.Subscribed
	res.JSON(t, &sub)
	if res.Status != http.StatusCreated {
		t.Fatalf("public target: %d %s", res.Status, res.Body)
	}
	if res := a.do("DELETE", "/v1/subscriptions/"+sub.Subscription.ID, state, nil); res.Status != http.StatusNoContent {
		t.Fatalf("unsubscribe: %d %s", res.Status, res.Body)
	}
}
