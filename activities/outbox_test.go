package activities_test

import (
	"bytes"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/notify/notifytest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

func (x *delivery) deliverEvent(t *testing.T, key string) (activities.DeliverEventResult, error) {
	t.Helper()
	var res activities.DeliverEventResult
	v, err := x.activityEnv().ExecuteActivity(d.DeliverEvent, activities.DeliverEventInput{EventKey: key})
	if err == nil {
		require.NoError(t, v.Get(&res))
	}
	return res, err
}

func eventKey(keys map[string]string) string {
	for _, k := range keys {
		ek, _, _ := strings.Cut(k, "|")
		return ek
	}
	return ""
}

func TestDeliverEventRetriesWhatFailedOnly(t *testing.T) {
	x := newDelivery(t)
	x.subscribe(t, store.Endpoint{Channel: notify.ChannelEmail, Recipient: "delegue@mission.example", Language: "fr"})
	x.subscribe(t, store.Endpoint{Channel: notify.ChannelWebhook, Recipient: x.hook.URL, Secret: x.hook.Secret})
	keys := x.event(t, "draft.published", map[string]any{"revision": 1, "title": "Zero draft"})
	x.hook.FailNext(503)

	_, err := x.deliverEvent(t, eventKey(keys))
	require.Error(t, err)
	require.False(t, nonRetryable(err), "one notification may still go: retry (%v)", err)
	require.Contains(t, err.Error(), "1 notifications of p/ts1/draft.published wait for a retry")
	require.Equal(t, "sent", x.state(t, keys["email"]))
	require.Equal(t, "pending", x.state(t, keys["webhook"]))

	res, err := x.deliverEvent(t, eventKey(keys))
	require.NoError(t, err)
	require.Equal(t, activities.DeliverEventResult{Sent: 1}, res, "the retry sends only what was left")
	require.Len(t, x.mail.Mails(), 1)
	require.Len(t, x.hook.Processed(), 1)
	require.Equal(t, []string{"failed", "sent"}, x.attempts(t, keys["webhook"]))
}

func TestDeliverEventSkipsEmailWithoutAMailServer(t *testing.T) {
	x := newDelivery(t)
	x.d.Senders[notify.ChannelEmail] = notify.Skip{Reason: "no mail server is configured"}
	x.subscribe(t, store.Endpoint{Channel: notify.ChannelEmail, Recipient: "pga@un.example"})
	keys := x.event(t, "window.opened", map[string]any{"code": "TS1"})

	res, err := x.deliverEvent(t, eventKey(keys))
	require.NoError(t, err)
	require.Equal(t, activities.DeliverEventResult{Skipped: 1}, res)
	n, err := x.db.GetNotification(t.Context(), keys["email"])
	require.NoError(t, err)
	require.Equal(t, []string{"skipped", "no mail server is configured"}, []string{n.State, n.Failure}, "recorded, not lost unseen")
	require.Equal(t, []string{"skipped"}, x.attempts(t, keys["email"]))
	ep, err := x.db.GetEndpoint(t.Context(), notify.ChannelEmail, "pga@un.example")
	require.NoError(t, err)
	require.Zero(t, ep.Failures, "not the recipient's fault")
}

func TestSendDigestsOncePerSubscriberAndPeriod(t *testing.T) {
	x := newDelivery(t)
	_, err := x.db.Subscribe(t.Context(), store.Subscription{ProcessID: "p", Recipient: "bureau@mission.example", Channel: notify.ChannelEmail,
		Language: "ar", Mode: store.ModeDaily})
	require.NoError(t, err)
	_, err = x.db.Subscribe(t.Context(), store.Subscription{ProcessID: "p", Recipient: "weekly@ngo.example", Channel: notify.ChannelEmail,
		Mode: store.ModeWeekly})
	require.NoError(t, err)
	x.event(t, "window.opened", map[string]any{"code": "TS1", "closes": "2030-02-01T12:00:00Z"})
	x.clock = x.clock.Add(time.Hour)
	x.event(t, "draft.published", map[string]any{"revision": 0, "title": "Zero draft"})
	require.Empty(t, x.mail.Mails(), "digest readers get nothing at once")

	midnight := x.clock.Truncate(24 * time.Hour).Add(24 * time.Hour)
	x.clock = midnight.Add(time.Minute)
	x.event(t, "window.moved", map[string]any{"seq": 1}) // after the boundary: the next digest's
	send := func(in activities.SendDigestsInput) activities.SendDigestsResult {
		t.Helper()
		v, err := x.activityEnv().ExecuteActivity(d.SendDigests, in)
		require.NoError(t, err)
		var res activities.SendDigestsResult
		require.NoError(t, v.Get(&res))
		return res
	}
	day := activities.SendDigestsInput{At: midnight, Day: 24 * time.Hour}
	require.Equal(t, activities.SendDigestsResult{Queued: 1, Sent: 1}, send(day))
	require.Equal(t, activities.SendDigestsResult{}, send(day), "the same period again: nothing")

	mails := x.mail.MailTo("bureau@mission.example")
	require.Len(t, mails, 1)
	m, err := notifytest.Parse(mails[0].Data)
	require.NoError(t, err)
	require.Equal(t, "ar", m.Header.Get("Content-Language"))
	require.Equal(t, 2, strings.Count(m.Text, "• "), "two updates in the digest:\n%s", m.Text)
	require.Contains(t, m.HTML, `dir="rtl"`)

	// The weekly reader's digest waits for the week's end, then carries all three.
	require.Empty(t, x.mail.MailTo("weekly@ngo.example"))
	week := activities.SendDigestsInput{At: midnight.Add(7 * 24 * time.Hour), Weekly: true, Day: 24 * time.Hour}
	require.Equal(t, activities.SendDigestsResult{Queued: 2, Sent: 2}, send(week))
	weekly := x.mail.MailTo("weekly@ngo.example")
	require.Len(t, weekly, 1)
	msg, err := mail.ReadMessage(bytes.NewReader(weekly[0].Data))
	require.NoError(t, err)
	require.Equal(t, "Global Compact for Migration: 3 updates", msg.Header.Get("Subject"))
	require.Len(t, x.mail.MailTo("bureau@mission.example"), 2, "and the daily reader its next day's")
}

func TestSweepStartsTheDeliveryOfForgottenEvents(t *testing.T) {
	x := newDelivery(t)
	old := x.clock.Add(-time.Hour)
	require.NoError(t, x.db.Enqueue(t.Context(), []store.Notification{
		{Key: "a|x@example.org|email", ProcessID: "p", Recipient: "x@example.org", Channel: "email", CreatedAt: old},
		{Key: "a|y@example.org|email", ProcessID: "p", Recipient: "y@example.org", Channel: "email", CreatedAt: old},
		{Key: "b|z@example.org|email", ProcessID: "p", Recipient: "z@example.org", Channel: "email", CreatedAt: old},
		{Key: "c|+41|sms", ProcessID: "p", Recipient: "+41", Channel: "sms", CreatedAt: old},                             // no sender here
		{Key: "d|w@example.org|email", ProcessID: "p", Recipient: "w@example.org", Channel: "email", CreatedAt: x.clock}, // its Delivery is starting
		{Key: "e|v@example.org|email", ProcessID: "p", Recipient: "v@example.org", Channel: "email", CreatedAt: old, State: "sent"},
	}))
	v, err := x.activityEnv().ExecuteActivity(d.SweepOutbox, activities.SweepInput{OlderThan: time.Minute})
	require.NoError(t, err)
	var res activities.SweepResult
	require.NoError(t, v.Get(&res))
	require.Equal(t, activities.SweepResult{Events: 2}, res)
	require.Equal(t, []string{"a", "b"}, x.started)
}

// TestSweepDeliversAReceiptLeftBehind: the API died after the store
// committed a contribution with its receipt's notification, before it
// started the receipt's delivery. The sweep starts it, and the contributor
// gets the receipt.
func TestSweepDeliversAReceiptLeftBehind(t *testing.T) {
	x := newDelivery(t)
	ctx := t.Context()
	opens := time.Now().UTC().Add(-time.Hour)
	require.NoError(t, x.db.PutWindow(ctx, process.ContributionWindow{ProcessID: "p", StageID: "ts1", Code: "TS1",
		State: process.WindowOpen, OpensAt: opens, ClosesAt: opens.Add(24 * time.Hour)}))
	_, err := x.db.Subscribe(ctx, store.Subscription{ProcessID: "p", Recipient: "mision@sre.example", Channel: notify.ChannelEmail,
		Topics: []string{"receipts"}, Language: "es", Owner: "member-state:MEX"})
	require.NoError(t, err)
	r, err := x.db.Submit(ctx, process.Submission{ProcessID: "p", StageID: "ts1", Party: "MEX", Role: "member-state",
		IdempotencyKey: "k", Title: "Contribución de México", Body: "Texto."}, time.Now())
	require.NoError(t, err)

	x.clock = time.Now().Add(10 * time.Minute) // the next sweep
	v, err := x.activityEnv().ExecuteActivity(d.SweepOutbox, activities.SweepInput{OlderThan: 5 * time.Minute})
	require.NoError(t, err)
	var swept activities.SweepResult
	require.NoError(t, v.Get(&swept))
	require.Equal(t, []string{store.ReceiptKey(r.Tracking)}, x.started)

	res, err := x.deliverEvent(t, store.ReceiptKey(r.Tracking))
	require.NoError(t, err)
	require.Equal(t, activities.DeliverEventResult{Sent: 1}, res)
	mails := x.mail.MailTo("mision@sre.example")
	require.Len(t, mails, 1)
	m, err := notifytest.Parse(mails[0].Data)
	require.NoError(t, err)
	require.Contains(t, m.Text, r.Tracking)
	require.Equal(t, "es", m.Header.Get("Content-Language"))
}
