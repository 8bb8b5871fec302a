package storetest

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// The outbox: subscriptions, notifications, digests and their delivery.

func testOutbox(t *testing.T, s store.Store) {
	ctx := t.Context()
	created := t0.Add(123)
	n := func(key, payload string) store.Notification {
		return store.Notification{Key: key + "|ops@example.org|email", EventKey: key, ProcessID: "gcm-2018", Event: "window.opened",
			Recipient: "ops@example.org", Channel: "email", Language: "fr", Payload: payload, State: "pending", CreatedAt: created}
	}
	first := []store.Notification{n("a", `{"v":1}`), n("b", `{"v":1}`)}
	check(t, s.Enqueue(ctx, first))
	// A key already queued is skipped, not overwritten.
	check(t, s.Enqueue(ctx, []store.Notification{n("b", `{"v":2}`), n("c", `{"v":2}`)}))
	// One bad notification fails the whole call.
	wantKind(t, s.Enqueue(ctx, []store.Notification{n("d", "{}"), {ProcessID: "gcm-2018"}}), process.Invalid)
	pending, err := s.ListOutbox(ctx, "gcm-2018", "pending")
	check(t, err)
	equal(t, pending, []store.Notification{first[0], first[1], n("c", `{"v":2}`)})

	check(t, s.MarkSent(ctx, first[1].Key))
	wantKind(t, s.MarkSent(ctx, "z"), process.NotFound)
	sent, err := s.ListOutbox(ctx, "", "sent")
	check(t, err)
	b := first[1]
	b.State = "sent"
	equal(t, sent, []store.Notification{b})
	all, err := s.ListOutbox(ctx, "gcm-2018", "")
	check(t, err)
	equal(t, len(all), 3)

	// Defaults: pending, now, and the event is the key up to its first "|".
	check(t, s.Enqueue(ctx, []store.Notification{{Key: "e|x|webhook", ProcessID: "gcm-2018", Recipient: "x", Channel: "webhook"}}))
	got, err := s.GetNotification(ctx, "e|x|webhook")
	check(t, err)
	equal(t, []string{got.State, got.EventKey}, []string{"pending", "e"})
	if got.CreatedAt.IsZero() {
		t.Fatal("no creation time")
	}
}

func testSubscribers(t *testing.T, s store.Store) {
	ctx := t.Context()
	subscribe := func(sub store.Subscription) store.Subscription {
		t.Helper()
		got, err := s.Subscribe(ctx, sub)
		check(t, err)
		if !strings.HasPrefix(got.ID, "sub_") || got.CreatedAt.IsZero() || got.Mode != store.ModeImmediate {
			t.Fatalf("Subscribe returned %+v: want an ID, a creation time and the immediate mode", got)
		}
		return got
	}
	everything := subscribe(store.Subscription{ProcessID: "gcm-2018", Recipient: "a@example.org", Channel: "email"})
	windows := subscribe(store.Subscription{ProcessID: "gcm-2018", Recipient: "b@example.org", Channel: "email",
		Topics: []string{"windows"}})
	drafts := subscribe(store.Subscription{ProcessID: "gcm-2018", Recipient: "c@example.org", Channel: "webhook",
		Topics: []string{"draft.", "session.held"}}) // event prefixes too
	subscribe(store.Subscription{ProcessID: "gcr-2018", Recipient: "d@example.org", Channel: "email"})
	_, err := s.Subscribe(ctx, store.Subscription{ProcessID: "gcm-2018"})
	wantKind(t, err, process.Invalid)
	_, err = s.Subscribe(ctx, store.Subscription{ProcessID: "gcm-2018", Recipient: "e@example.org", Channel: "email", Mode: "hourly"})
	wantKind(t, err, process.Invalid)
	for _, tt := range []struct {
		event string
		want  []store.Subscription
	}{
		{"window.opened", []store.Subscription{everything, windows}},
		{"deadline.moved", []store.Subscription{everything, windows}},
		{"draft.published", []store.Subscription{everything, drafts}},
		{"session.held", []store.Subscription{everything, drafts}},
		{"conference.opened", []store.Subscription{everything}},
	} {
		got, err := s.Subscribers(ctx, "gcm-2018", tt.event)
		check(t, err)
		equal(t, got, tt.want)
	}
	// Subscribing again replaces the settings and keeps the ID.
	windows.Topics, windows.Language, windows.Mode = []string{"drafts"}, "ar", store.ModeDaily
	again, err := s.Subscribe(ctx, windows)
	check(t, err)
	equal(t, again, windows)
	got, err := s.Subscribers(ctx, "gcm-2018", "window.closed")
	check(t, err)
	equal(t, got, []store.Subscription{everything})
}

func testSubscriptions(t *testing.T, s store.Store) {
	ctx := t.Context()
	ngo, state := "stakeholder:org-1", "member-state:MEX"
	own, err := s.Subscribe(ctx, store.Subscription{ProcessID: "gcm-2018", Recipient: "it@ngo.example", Channel: "email",
		Topics: []string{"receipts", "windows"}, Language: "es", Owner: ngo})
	check(t, err)
	hook, err := s.Subscribe(ctx, store.Subscription{ProcessID: "gcr-2018", Recipient: "https://ngo.example/hook", Channel: "webhook", Owner: ngo})
	check(t, err)
	mex, err := s.Subscribe(ctx, store.Subscription{ProcessID: "gcm-2018", Recipient: "mision@sre.example", Channel: "email",
		Topics: []string{"receipts"}, Owner: state})
	check(t, err)

	list, err := s.ListSubscriptions(ctx, ngo)
	check(t, err)
	equal(t, list, []store.Subscription{own, hook})
	owners, err := s.EndpointOwners(ctx, "webhook", "https://ngo.example/hook")
	check(t, err)
	equal(t, owners, []string{ngo})
	_, err = s.ListSubscriptions(ctx, "")
	wantKind(t, err, process.Invalid)
	got, err := s.GetSubscription(ctx, "gcm-2018", "it@ngo.example", "email")
	check(t, err)
	equal(t, got, own)
	_, err = s.GetSubscription(ctx, "gcm-2018", "nobody@example.org", "email")
	wantKind(t, err, process.NotFound)

	// Another party cannot take a subscription over; an observer's
	// confirmed settings update it and leave its owner.
	_, err = s.Subscribe(ctx, store.Subscription{ProcessID: "gcm-2018", Recipient: "it@ngo.example", Channel: "email", Owner: state})
	wantKind(t, err, process.Conflict)
	observed, err := s.Subscribe(ctx, store.Subscription{ProcessID: "gcm-2018", Recipient: "it@ngo.example", Channel: "email",
		Topics: []string{"drafts"}, Mode: store.ModeWeekly})
	check(t, err)
	equal(t, []string{observed.ID, observed.Owner, observed.Mode}, []string{own.ID, ngo, store.ModeWeekly})

	// Deleting is the owner's only, and skips what waits for it.
	check(t, s.Enqueue(ctx, []store.Notification{
		{Key: "k1|mision@sre.example|email", ProcessID: "gcm-2018", Recipient: "mision@sre.example", Channel: "email"},
		{Key: "k2|mision@sre.example|email", ProcessID: "gcm-2018", Recipient: "mision@sre.example", Channel: "email", State: "held", Mode: "daily"},
		{Key: "k3|mision@sre.example|email", ProcessID: "gcm-2018", Recipient: "mision@sre.example", Channel: "email", State: "sent"},
	}))
	wantKind(t, s.DeleteSubscription(ctx, mex.ID, ngo), process.NotFound)
	check(t, s.DeleteSubscription(ctx, mex.ID, state))
	wantKind(t, s.DeleteSubscription(ctx, mex.ID, state), process.NotFound)
	list, err = s.ListSubscriptions(ctx, state)
	check(t, err)
	equal(t, list, []store.Subscription{})
	for key, want := range map[string]string{"k1": "skipped", "k2": "skipped", "k3": "sent"} {
		n, err := s.GetNotification(ctx, key+"|mision@sre.example|email")
		check(t, err)
		equal(t, n.State, want)
		if want == "skipped" {
			equal(t, n.Failure, "unsubscribed")
		}
	}
}

func testUnsubscribe(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.Subscribe(ctx, store.Subscription{ProcessID: "gcm-2018", Recipient: "a@example.org", Channel: "email"})
	check(t, err)
	hook, err := s.Subscribe(ctx, store.Subscription{ProcessID: "gcm-2018", Recipient: "a@example.org", Channel: "webhook"})
	check(t, err)
	check(t, s.Unsubscribe(ctx, "gcm-2018", "a@example.org", "email"))
	check(t, s.Unsubscribe(ctx, "gcm-2018", "a@example.org", "email")) // again: a no-op
	got, err := s.Subscribers(ctx, "gcm-2018", "window.opened")
	check(t, err)
	equal(t, got, []store.Subscription{hook})
}

func testDelivery(t *testing.T, s store.Store) {
	ctx := t.Context()
	const hook = "https://ngo.example/hook"
	n := func(event, recipient, channel string, created time.Time) store.Notification {
		return store.Notification{Key: event + "|" + recipient + "|" + channel, EventKey: event, ProcessID: "gcm-2018", Event: "window.opened",
			Recipient: recipient, Channel: channel, Payload: "{}", State: "pending", CreatedAt: created}
	}
	a, b, c := n("e1", hook, "webhook", t0.Add(2*time.Second)), n("e1", "x@example.org", "email", t0), n("e2", hook, "webhook", t0.Add(time.Second))
	check(t, s.Enqueue(ctx, []store.Notification{a, b, c}))
	got, err := s.GetNotification(ctx, a.Key)
	check(t, err)
	equal(t, got, a)
	_, err = s.GetNotification(ctx, "z")
	wantKind(t, err, process.NotFound)

	// An event's pending notifications, by key, in pages.
	pending, err := s.PendingOf(ctx, "e1", "", 1)
	check(t, err)
	equal(t, pending, []store.Notification{a})
	pending, err = s.PendingOf(ctx, "e1", a.Key, 0)
	check(t, err)
	equal(t, pending, []store.Notification{b})
	// The events with pending notifications on some channels, made before a time.
	events, err := s.PendingEvents(ctx, store.PendingFilter{Channels: []string{"webhook", "email"}, Before: t0.Add(time.Hour)})
	check(t, err)
	equal(t, events, []string{"e1", "e2"})
	events, err = s.PendingEvents(ctx, store.PendingFilter{Channels: []string{"email"}, Before: t0.Add(time.Hour)})
	check(t, err)
	equal(t, events, []string{"e1"})
	events, err = s.PendingEvents(ctx, store.PendingFilter{Channels: []string{"webhook"}, Before: t0.Add(time.Second), After: ""})
	check(t, err)
	equal(t, events, []string{})
	events, err = s.PendingEvents(ctx, store.PendingFilter{Channels: []string{"webhook", "email"}, Before: t0.Add(time.Hour), After: "e1"})
	check(t, err)
	equal(t, events, []string{"e2"})

	// A failed or skipped notification leaves the pending ones; a sent one
	// can neither fail nor be skipped.
	check(t, s.MarkFailed(ctx, b.Key, "550 no such user"))
	check(t, s.MarkSent(ctx, c.Key))
	wantKind(t, s.MarkFailed(ctx, c.Key, "late"), process.Conflict)
	wantKind(t, s.MarkSkipped(ctx, c.Key, "late"), process.Conflict)
	wantKind(t, s.MarkSkipped(ctx, b.Key, "late"), process.Conflict)
	wantKind(t, s.MarkFailed(ctx, "z", "none"), process.NotFound)
	check(t, s.MarkSkipped(ctx, a.Key, "no sender"))
	events, err = s.PendingEvents(ctx, store.PendingFilter{Channels: []string{"webhook", "email"}, Before: t0.Add(time.Hour)})
	check(t, err)
	equal(t, events, []string{})
	got, err = s.GetNotification(ctx, b.Key)
	check(t, err)
	equal(t, []string{got.State, got.Failure}, []string{"failed", "550 no such user"})
	got, err = s.GetNotification(ctx, a.Key)
	check(t, err)
	equal(t, []string{got.State, got.Failure}, []string{"skipped", "no sender"})

	// The endpoint's health follows the attempts: failures count from the
	// first since the last success, which clears them; our own errors and
	// skips do not count.
	attempt := func(key, status string, at time.Time) store.DeliveryAttempt {
		return store.DeliveryAttempt{Key: key, Channel: "webhook", Recipient: hook, At: at, Status: status, Error: status + " at " + at.Format(time.TimeOnly)}
	}
	attempts := []store.DeliveryAttempt{
		attempt(a.Key, store.DeliveryFailed, t0.Add(time.Minute+123)),
		attempt(a.Key, store.DeliveryError, t0.Add(2*time.Minute)),
		attempt(a.Key, store.DeliverySkipped, t0.Add(2*time.Minute)),
		attempt(a.Key, store.DeliveryRejected, t0.Add(3*time.Minute)),
	}
	var e store.Endpoint
	for _, d := range attempts {
		e, err = s.LogDelivery(ctx, d)
		check(t, err)
	}
	equal(t, e, store.Endpoint{Channel: "webhook", Recipient: hook, Failures: 2, Rejections: 1, FailingSince: t0.Add(time.Minute + 123)})
	stored, err := s.GetEndpoint(ctx, "webhook", hook)
	check(t, err)
	equal(t, stored, e)
	sent := attempt(a.Key, store.DeliverySent, t0.Add(4*time.Minute))
	sent.Error = ""
	e, err = s.LogDelivery(ctx, sent)
	check(t, err)
	equal(t, e, store.Endpoint{Channel: "webhook", Recipient: hook})
	log, err := s.Deliveries(ctx, a.Key)
	check(t, err)
	equal(t, log, append(attempts, sent))
	log, err = s.Deliveries(ctx, "z")
	check(t, err)
	equal(t, log, []store.DeliveryAttempt{})

	_, err = s.LogDelivery(ctx, attempt("z", store.DeliverySent, t0))
	wantKind(t, err, process.NotFound)
	_, err = s.LogDelivery(ctx, attempt(a.Key, "lost", t0))
	wantKind(t, err, process.Invalid)
	_, err = s.LogDelivery(ctx, store.DeliveryAttempt{Key: a.Key, Status: store.DeliverySent})
	wantKind(t, err, process.Invalid)
}

func testDigests(t *testing.T, s store.Store) {
	ctx := t.Context()
	held := func(event, recipient, mode string, created time.Time) store.Notification {
		return store.Notification{Key: event + "|" + recipient + "|email", ProcessID: "gcm-2018", Event: event,
			Recipient: recipient, Channel: "email", Language: "fr", Payload: `{"event":"` + event + `"}`,
			State: store.NotificationHeld, Mode: mode, CreatedAt: created}
	}
	day := t0.Truncate(24 * time.Hour).Add(24 * time.Hour) // the next midnight
	opened := held("window.opened", "a@example.org", store.ModeDaily, day.Add(-2*time.Hour))
	moved := held("window.moved", "a@example.org", store.ModeDaily, day.Add(-time.Hour))
	late := held("window.closed", "a@example.org", store.ModeDaily, day.Add(time.Hour))
	weekly := held("window.opened", "b@example.org", store.ModeWeekly, day.Add(-time.Hour))
	check(t, s.Enqueue(ctx, []store.Notification{opened, moved, late, weekly}))

	groups, err := s.HeldGroups(ctx, []string{store.ModeDaily}, day)
	check(t, err)
	daily := store.DigestGroup{ProcessID: "gcm-2018", Recipient: "a@example.org", Channel: "email", Mode: store.ModeDaily}
	equal(t, groups, []store.DigestGroup{daily})
	groups, err = s.HeldGroups(ctx, []string{store.ModeDaily, store.ModeWeekly}, day)
	check(t, err)
	equal(t, len(groups), 2)
	items, err := s.Held(ctx, daily, day)
	check(t, err)
	equal(t, items, []store.Notification{withEventKey(opened), withEventKey(moved)})

	digest := store.Notification{Key: "digest/gcm-2018/a@example.org/daily/1|a@example.org|email", ProcessID: "gcm-2018",
		Event: "digest", Recipient: "a@example.org", Channel: "email", Language: "fr", Payload: "{}", CreatedAt: day}
	queued, err := s.PutDigest(ctx, digest, []string{opened.Key, moved.Key})
	check(t, err)
	equal(t, queued, true)
	// Again: the digest stays what it was and carries nothing more.
	queued, err = s.PutDigest(ctx, digest, []string{late.Key})
	check(t, err)
	equal(t, queued, false)
	for key, want := range map[string]string{opened.Key: "digested", moved.Key: "digested", late.Key: "held"} {
		n, err := s.GetNotification(ctx, key)
		check(t, err)
		equal(t, n.State, want)
		if want == "digested" {
			equal(t, n.DigestKey, digest.Key)
		}
	}
	got, err := s.GetNotification(ctx, digest.Key)
	check(t, err)
	equal(t, []string{got.State, got.EventKey}, []string{"pending", "digest/gcm-2018/a@example.org/daily/1"})
	items, err = s.Held(ctx, daily, day)
	check(t, err)
	equal(t, items, []store.Notification{})
	_, err = s.PutDigest(ctx, store.Notification{}, nil)
	wantKind(t, err, process.Invalid)
}

func withEventKey(n store.Notification) store.Notification {
	n.EventKey, _, _ = strings.Cut(n.Key, "|")
	return n
}

func testDeliveryReport(t *testing.T, s store.Store) {
	ctx := t.Context()
	const hook = "https://ngo.example/hook"
	n := func(event, recipient, channel, state string) store.Notification {
		return store.Notification{Key: event + "|" + recipient + "|" + channel, ProcessID: "gcm-2018", Event: event,
			Recipient: recipient, Channel: channel, Payload: "{}", State: state, CreatedAt: t0}
	}
	ok, failing, other := n("e1", hook, "webhook", "sent"), n("e2", hook, "webhook", "pending"), n("e1", "x@example.org", "email", "pending")
	check(t, s.Enqueue(ctx, []store.Notification{ok, failing, other,
		{Key: "e1|y|email", ProcessID: "gcr-2018", Recipient: "y", Channel: "email"}}))
	for i, status := range []string{store.DeliveryFailed, store.DeliverySent} {
		d := store.DeliveryAttempt{Key: ok.Key, Channel: "webhook", Recipient: hook, At: t0.Add(time.Duration(i) * time.Minute), Status: status}
		if status == store.DeliveryFailed {
			d.Error = "503 Service Unavailable"
		}
		_, err := s.LogDelivery(ctx, d)
		check(t, err)
	}
	_, err := s.LogDelivery(ctx, store.DeliveryAttempt{Key: failing.Key, Channel: "webhook", Recipient: hook, At: t0.Add(time.Hour),
		Status: store.DeliveryFailed, Error: "timeout"})
	check(t, err)

	all, err := s.NotificationStatuses(ctx, store.NotificationFilter{ProcessID: "gcm-2018"})
	check(t, err)
	equal(t, len(all), 3)
	byKey := map[string]store.NotificationStatus{}
	for _, st := range all {
		byKey[st.Key] = st
	}
	equal(t, []any{byKey[ok.Key].Attempts, byKey[ok.Key].LastError, byKey[ok.Key].LastAttemptAt}, []any{2, "503 Service Unavailable", t0.Add(time.Minute)})
	equal(t, []any{byKey[failing.Key].Attempts, byKey[failing.Key].LastError}, []any{1, "timeout"})
	equal(t, []any{byKey[other.Key].Attempts, byKey[other.Key].LastAttemptAt}, []any{0, time.Time{}})

	page, err := s.NotificationStatuses(ctx, store.NotificationFilter{ProcessID: "gcm-2018", State: "pending", Limit: 1})
	check(t, err)
	equal(t, len(page), 1)
	rest, err := s.NotificationStatuses(ctx, store.NotificationFilter{ProcessID: "gcm-2018", State: "pending", After: page[0].Key})
	check(t, err)
	equal(t, len(rest), 1)
	if page[0].Key >= rest[0].Key {
		t.Fatalf("pages out of order: %s then %s", page[0].Key, rest[0].Key)
	}

	counts, err := s.CountNotifications(ctx, "gcm-2018")
	check(t, err)
	equal(t, counts, map[string]int{"pending": 2, "sent": 1})
	endpoints, err := s.ProcessEndpoints(ctx, "gcm-2018")
	check(t, err)
	equal(t, endpoints, []store.Endpoint{{Channel: "webhook", Recipient: hook, Failures: 1, FailingSince: t0.Add(time.Hour)}})
}

// testSubmitQueuesReceipt: a new contribution's receipt is queued with it,
// once, to its submitter's own subscriptions to receipts; a refused
// submission queues nothing, nor does a retry.
func testSubmitQueuesReceipt(t *testing.T, s store.Store) {
	ctx := t.Context()
	w := seed(t, s)
	subscribe := func(recipient, owner string, topics ...string) {
		t.Helper()
		_, err := s.Subscribe(ctx, store.Subscription{ProcessID: "gcm-2018", Recipient: recipient, Channel: "email",
			Topics: topics, Language: "es", Owner: owner})
		check(t, err)
	}
	subscribe("mision@sre.example", "member-state:MEX", "receipts")
	subscribe("prensa@sre.example", "member-state:MEX", "windows")
	subscribe("mission@eda.example", "member-state:CHE", "receipts")
	subscribe("it@ngo.example", "stakeholder:ngo-1", "receipts")
	subscribe("anyone@example.org", "") // everything, but a receipt is its submitter's
	outbox := func() []store.Notification {
		t.Helper()
		ns, err := s.ListOutbox(ctx, "gcm-2018", "")
		check(t, err)
		return ns
	}

	sub := submission("MEX", "k1")
	r, err := s.Submit(ctx, sub, during)
	check(t, err)
	queued := outbox()
	if len(queued) != 1 {
		t.Fatalf("queued %+v, want the receipt to mision@sre.example only", queued)
	}
	n := queued[0]
	if n.CreatedAt.IsZero() {
		t.Fatal("no creation time")
	}
	var payload struct {
		ProcessID string            `json:"processId"`
		StageID   string            `json:"stageId"`
		Event     string            `json:"event"`
		Data      map[string]string `json:"data"`
	}
	check(t, json.Unmarshal([]byte(n.Payload), &payload))
	equal(t, payload.Data, map[string]string{"tracking": r.Tracking, "title": sub.Title,
		"submittedAt": r.SubmittedAt.Format(time.RFC3339Nano), "sha256": r.SHA256})
	equal(t, []string{payload.ProcessID, payload.StageID, payload.Event}, []string{"gcm-2018", "ts1", store.ReceiptEvent})
	n.Payload, n.CreatedAt = "", time.Time{}
	equal(t, n, store.Notification{Key: "receipt/GCM-TS1-000001|mision@sre.example|email", EventKey: store.ReceiptKey(r.Tracking),
		ProcessID: "gcm-2018", Event: store.ReceiptEvent, Recipient: "mision@sre.example", Channel: "email", Language: "es",
		State: store.NotificationPending})
	pending, err := s.PendingOf(ctx, store.ReceiptKey(r.Tracking), "", 10)
	check(t, err)
	equal(t, pending, queued)
	for key, want := range map[string]bool{store.ReceiptKey(r.Tracking): true, store.ReceiptKey("GCM-TS1-000002"): false} {
		has, err := s.HasPending(ctx, key)
		check(t, err)
		equal(t, has, want)
	}

	// A retry queues nothing more, nor does a refused submission.
	_, err = s.Submit(ctx, sub, during.Add(time.Minute))
	check(t, err)
	changed := sub
	changed.Body = "Other text."
	_, err = s.Submit(ctx, changed, during)
	wantKind(t, err, process.Conflict)
	ngo := submission("ngo-1", "k1")
	ngo.Role = "stakeholder"
	_, err = s.Submit(ctx, ngo, during) // not accredited
	wantKind(t, err, process.Rule)
	_, err = s.Submit(ctx, submission("CHE", "k1"), w.ClosesAt)
	wantKind(t, err, process.Conflict)
	// A submitter without a subscription to receipts gets none.
	fra, err := s.Submit(ctx, submission("FRA", "k1"), during)
	check(t, err)
	equal(t, outbox(), queued)
	fraPending, err := s.HasPending(ctx, store.ReceiptKey(fra.Tracking))
	check(t, err)
	equal(t, fraPending, false)
	// Nor does a retry after the window has closed.
	_, err = s.SealWindow(ctx, w.ProcessID, w.StageID)
	check(t, err)
	_, err = s.Submit(ctx, sub, w.ClosesAt.Add(time.Hour))
	check(t, err)
	equal(t, outbox(), queued)

	check(t, s.MarkSent(ctx, queued[0].Key))
	has, err := s.HasPending(ctx, store.ReceiptKey(r.Tracking))
	check(t, err)
	equal(t, has, false)

	// Whatever queues a notice for an event later, HasPending sees it.
	check(t, s.Enqueue(ctx, []store.Notification{{Key: store.ReceiptKey(fra.Tracking) + "|mission@example.org|email",
		ProcessID: "gcm-2018", Event: store.ReceiptEvent, Recipient: "mission@example.org", Channel: "email"}}))
	fraPending, err = s.HasPending(ctx, store.ReceiptKey(fra.Tracking))
	check(t, err)
	equal(t, fraPending, true)
}
