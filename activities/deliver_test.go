package activities_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/mail"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/notify/notifytest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/sqlite"
)

// delivery is a Deliverer over a real SQLite store, a mail server with
// STARTTLS and AUTH, and a webhook receiver, all on the loopback.
type delivery struct {
	db      store.Store
	d       *activities.Deliverer
	mail    *notifytest.SMTPServer
	hook    *notifytest.WebhookReceiver
	clock   time.Time
	started []string // the events whose Delivery the Deliverer started
}

func newDelivery(t *testing.T) *delivery {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "compact.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, db.PutProcess(t.Context(), process.Process{ID: "p", TemplateID: "t", Title: "Global Compact for Migration", Code: "GCM", Status: "running"}))
	x := &delivery{db: db, mail: notifytest.NewSMTPServer(t), hook: notifytest.NewWebhookReceiver(t),
		clock: time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)}
	x.d = &activities.Deliverer{Store: db, Now: func() time.Time { return x.clock }, StartDelivery: func(_ context.Context, key string) error {
		x.started = append(x.started, key)
		return nil
	}, Senders: notify.Senders{
		notify.ChannelEmail: &notify.Email{Addr: x.mail.Addr, TLSConfig: x.mail.TLS, Username: x.mail.Username, Password: x.mail.Password,
			From:        mail.Address{Name: "Compact", Address: "noreply@compact.example"},
			Unsubscribe: notify.Unsubscribe{URL: "https://compact.example/unsubscribe", Secret: []byte("0123456789abcdef0123456789abcdef")}},
		notify.ChannelWebhook: &notify.Webhook{Client: &http.Client{Timeout: 5 * time.Second}}, // the loopback is allowed here
	}}
	return x
}

// subscribe subscribes a recipient to everything, with its endpoint's
// settings.
func (x *delivery) subscribe(t *testing.T, e store.Endpoint) {
	t.Helper()
	_, err := x.db.Subscribe(t.Context(), store.Subscription{ProcessID: "p", Recipient: e.Recipient, Channel: e.Channel})
	require.NoError(t, err)
	require.NoError(t, x.db.PutEndpoint(t.Context(), e))
}

// event records an event's notifications as the recorder does, with
// Notify, and returns their keys by channel.
func (x *delivery) event(t *testing.T, name event.Name, v any) map[string]string {
	t.Helper()
	acts := activities.New(x.db)
	acts.Now = x.d.Now
	data, err := event.Encode(v)
	require.NoError(t, err)
	key := activities.StageEvent{ProcessID: "p", StageID: "ts1", Event: name, Data: data}.Key()
	_, err = acts.Notify(t.Context(), activities.NotifyInput{ProcessID: "p", Key: key, StageID: "ts1", Event: name, Data: data})
	require.NoError(t, err)
	ns, err := x.db.ListOutbox(t.Context(), "p", "")
	require.NoError(t, err)
	keys := map[string]string{}
	for _, n := range ns {
		if strings.HasPrefix(n.Key, key+"|") {
			keys[n.Channel] = n.Key
		}
	}
	return keys
}

func (x *delivery) state(t *testing.T, key string) string {
	t.Helper()
	n, err := x.db.GetNotification(t.Context(), key)
	require.NoError(t, err)
	return n.State
}

func (x *delivery) attempts(t *testing.T, key string) []string {
	t.Helper()
	ds, err := x.db.Deliveries(t.Context(), key)
	require.NoError(t, err)
	var statuses []string
	for _, d := range ds {
		statuses = append(statuses, d.Status)
	}
	return statuses
}

// deliverWorkflow runs Deliver with a retry policy, as a workflow would:
// Temporal's test environment does the retrying, skipping the backoff.
func deliverWorkflow(ctx workflow.Context, key string) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumAttempts: 10},
	})
	return workflow.ExecuteActivity(ctx, d.Deliver, activities.DeliverInput{Key: key}).Get(ctx, nil)
}

var d *activities.Deliverer

func deliverWithRetries(t *testing.T, deliverer *activities.Deliverer, key string) error {
	t.Helper()
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.RegisterWorkflow(deliverWorkflow)
	env.RegisterActivity(deliverer)
	env.ExecuteWorkflow(deliverWorkflow, key)
	require.True(t, env.IsWorkflowCompleted())
	return env.GetWorkflowError()
}

func (x *delivery) activityEnv() *testsuite.TestActivityEnvironment {
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(x.d)
	return env
}

func TestDeliverSendsOnEachChannelOnce(t *testing.T) {
	x := newDelivery(t)
	x.subscribe(t, store.Endpoint{Channel: notify.ChannelEmail, Recipient: "delegue@mission.example", Language: "fr"})
	x.subscribe(t, store.Endpoint{Channel: notify.ChannelWebhook, Recipient: x.hook.URL, Secret: x.hook.Secret})
	x.subscribe(t, store.Endpoint{Channel: notify.ChannelOutbox, Recipient: "feed"})
	keys := x.event(t, "window.opened", map[string]any{"code": "TS1", "closes": "2030-02-01T12:00:00Z"})
	require.Len(t, keys, 3)

	env := x.activityEnv()
	for _, key := range keys {
		for range 2 { // the second is a no-op
			_, err := env.ExecuteActivity(d.Deliver, activities.DeliverInput{Key: key})
			require.NoError(t, err)
		}
		require.Equal(t, "sent", x.state(t, key))
	}
	mails := x.mail.Mails()
	require.Len(t, mails, 1)
	msg, err := mail.ReadMessage(bytes.NewReader(mails[0].Data))
	require.NoError(t, err)
	require.Equal(t, notify.MessageID(keys["email"]), msg.Header.Get("Message-ID"))
	require.Equal(t, "fr", msg.Header.Get("Content-Language"))
	require.Equal(t, []string{"sent"}, x.attempts(t, keys["email"]))

	hooks := x.hook.Processed()
	require.Len(t, hooks, 1)
	require.Equal(t, notify.WebhookID(keys["webhook"]), hooks[0].ID)
	requests, _ := x.hook.Requests()
	require.Equal(t, 1, requests)
	require.Equal(t, []string{"sent"}, x.attempts(t, keys["webhook"]))
	require.Empty(t, x.attempts(t, keys["outbox"]), "the outbox channel sends nothing")
}

func TestDeliverRetriesUntilTheWebhookRecovers(t *testing.T) {
	x := newDelivery(t)
	x.subscribe(t, store.Endpoint{Channel: notify.ChannelWebhook, Recipient: x.hook.URL, Secret: x.hook.Secret})
	opened := x.event(t, "window.opened", map[string]any{"code": "TS1"})["webhook"]
	moved := x.event(t, "window.moved", map[string]any{"seq": 1})["webhook"]

	x.hook.FailNext(500, 500, 500)
	require.NoError(t, deliverWithRetries(t, x.d, opened))
	require.NoError(t, deliverWithRetries(t, x.d, moved))

	require.Equal(t, []string{"failed", "failed", "failed", "sent"}, x.attempts(t, opened))
	require.Equal(t, []string{"sent"}, x.attempts(t, moved))
	var ids []string
	for _, h := range x.hook.Processed() {
		ids = append(ids, h.ID)
	}
	require.Equal(t, []string{notify.WebhookID(opened), notify.WebhookID(moved)}, ids, "each event processed once")
	requests, duplicates := x.hook.Requests()
	require.Equal(t, 5, requests)
	require.Zero(t, duplicates)
	ep, err := x.db.GetEndpoint(t.Context(), notify.ChannelWebhook, x.hook.URL)
	require.NoError(t, err)
	require.Zero(t, ep.Failures, "a success clears the health")
}

func TestDeliverGoneDisablesTheEndpoint(t *testing.T) {
	x := newDelivery(t)
	x.subscribe(t, store.Endpoint{Channel: notify.ChannelWebhook, Recipient: x.hook.URL, Secret: x.hook.Secret, Owner: "it@ngo.example"})
	x.hook.FailNext(410, 410, 410)
	var keys []string
	for i := range activities.DefaultMaxRejections + 1 {
		keys = append(keys, x.event(t, "window.moved", map[string]any{"seq": i + 1})["webhook"])
	}

	// Each 410 fails its notification at once: no retry.
	for i, key := range keys[:activities.DefaultMaxRejections] {
		err := deliverWithRetries(t, x.d, key)
		requireNonRetryable(t, err, process.NotFound)
		require.Equal(t, []string{"rejected"}, x.attempts(t, key))
		require.Equal(t, "failed", x.state(t, key))
		ep, err := x.db.GetEndpoint(t.Context(), notify.ChannelWebhook, x.hook.URL)
		require.NoError(t, err)
		require.Equal(t, i+1 == activities.DefaultMaxRejections, !ep.DisabledAt.IsZero(), "disabled after the threshold only")
	}
	// The next is refused without a request.
	err := deliverWithRetries(t, x.d, keys[len(keys)-1])
	requireNonRetryable(t, err, process.Forbidden)
	require.Empty(t, x.attempts(t, keys[len(keys)-1]))
	require.Equal(t, "failed", x.state(t, keys[len(keys)-1]))
	requests, _ := x.hook.Requests()
	require.Equal(t, activities.DefaultMaxRejections, requests)

	// The owner's notice is queued once, and its delivery started.
	pending, err := x.db.ListOutbox(t.Context(), "p", store.NotificationPending)
	require.NoError(t, err)
	require.Len(t, pending, 1)
	require.Equal(t, "endpoint.disabled", pending[0].Event)
	require.Equal(t, "it@ngo.example", pending[0].Recipient)
	require.Equal(t, []string{pending[0].EventKey}, slices.Compact(x.started), "starting it again is harmless")
	v, err := x.activityEnv().ExecuteActivity(d.DeliverEvent, activities.DeliverEventInput{EventKey: pending[0].EventKey})
	require.NoError(t, err)
	var res activities.DeliverEventResult
	require.NoError(t, v.Get(&res))
	require.Equal(t, activities.DeliverEventResult{Sent: 1}, res)
	mails := x.mail.Mails()
	require.Len(t, mails, 1)
	require.Equal(t, []string{"it@ngo.example"}, mails[0].To)
	msg, err := mail.ReadMessage(bytes.NewReader(mails[0].Data))
	require.NoError(t, err)
	require.Equal(t, "Global Compact for Migration: deliveries to "+x.hook.URL+" stopped", msg.Header.Get("Subject"))
}

func TestDeliverDisablesAnEndpointFailingTooLong(t *testing.T) {
	x := newDelivery(t)
	x.subscribe(t, store.Endpoint{Channel: notify.ChannelWebhook, Recipient: x.hook.URL, Secret: x.hook.Secret})
	key := x.event(t, "window.opened", nil)["webhook"]
	x.hook.FailNext(503, 503)
	env := x.activityEnv()
	_, err := env.ExecuteActivity(d.Deliver, activities.DeliverInput{Key: key})
	require.Error(t, err)
	require.False(t, nonRetryable(err), "a 503 is retried: %v", err)
	require.Equal(t, "pending", x.state(t, key))

	x.clock = x.clock.Add(activities.DefaultMaxFailingFor)
	_, err = env.ExecuteActivity(d.Deliver, activities.DeliverInput{Key: key})
	requireNonRetryable(t, err, process.Forbidden)
	require.Equal(t, "failed", x.state(t, key))
	ep, err := x.db.GetEndpoint(t.Context(), notify.ChannelWebhook, x.hook.URL)
	require.NoError(t, err)
	require.True(t, x.clock.Equal(ep.DisabledAt), "disabled at %v", ep.DisabledAt)
	require.Contains(t, ep.DisabledReason, "failing since 2030-01-01T00:00:00Z")
}

// failMarkSentOnce is a store that loses its connection once, after a
// message went out and before it was marked sent: as if the worker crashed.
type failMarkSentOnce struct {
	store.Store
	failed atomic.Bool
}

func (s *failMarkSentOnce) MarkSent(ctx context.Context, key string) error {
	if s.failed.CompareAndSwap(false, true) {
		return process.Errorf("store.MarkSent", process.Unavailable, "connection lost")
	}
	return s.Store.MarkSent(ctx, key)
}

func TestDeliverResendsTheSameMessageAfterACrash(t *testing.T) {
	x := newDelivery(t)
	x.subscribe(t, store.Endpoint{Channel: notify.ChannelEmail, Recipient: "pga@un.example"})
	x.subscribe(t, store.Endpoint{Channel: notify.ChannelWebhook, Recipient: x.hook.URL, Secret: x.hook.Secret})
	keys := x.event(t, "draft.published", map[string]any{"revision": 1, "title": "Zero draft"})

	for _, key := range keys {
		crashy := *x.d
		crashy.Store = &failMarkSentOnce{Store: x.db}
		require.NoError(t, deliverWithRetries(t, &crashy, key))
		require.Equal(t, "sent", x.state(t, key))
		require.Equal(t, []string{"sent", "sent"}, x.attempts(t, key))
	}

	// The mail server got the message twice under one Message-ID: a
	// client shows it once.
	mails := x.mail.Mails()
	require.Len(t, mails, 2)
	var ids []string
	for _, m := range mails {
		msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
		require.NoError(t, err)
		ids = append(ids, msg.Header.Get("Message-ID"))
	}
	require.Equal(t, []string{notify.MessageID(keys["email"])}, slices.Compact(ids))

	// The receiver got the webhook twice and processed it once.
	requests, duplicates := x.hook.Requests()
	require.Equal(t, 2, requests)
	require.Equal(t, 1, duplicates)
	require.Len(t, x.hook.Processed(), 1)
}

func TestDeliverRefuses(t *testing.T) {
	x := newDelivery(t)
	x.subscribe(t, store.Endpoint{Channel: "sms", Recipient: "+41 22 917 12 34"})
	x.subscribe(t, store.Endpoint{Channel: notify.ChannelWebhook, Recipient: x.hook.URL}) // no secret
	keys := x.event(t, "window.opened", nil)
	env := x.activityEnv()

	_, err := env.ExecuteActivity(d.Deliver, activities.DeliverInput{Key: "none"})
	requireNonRetryable(t, err, process.NotFound)

	// With no sender here, the notification waits for a worker that has one.
	_, err = env.ExecuteActivity(d.Deliver, activities.DeliverInput{Key: keys["sms"]})
	requireNonRetryable(t, err, process.Invalid)
	require.Equal(t, "pending", x.state(t, keys["sms"]))

	// A fault of ours that will not mend fails it, without blaming the
	// endpoint; delivering it again is refused.
	_, err = env.ExecuteActivity(d.Deliver, activities.DeliverInput{Key: keys["webhook"]})
	requireNonRetryable(t, err, process.Invalid)
	require.Equal(t, "failed", x.state(t, keys["webhook"]))
	require.Equal(t, []string{"error"}, x.attempts(t, keys["webhook"]))
	ep, err := x.db.GetEndpoint(t.Context(), notify.ChannelWebhook, x.hook.URL)
	require.NoError(t, err)
	require.Zero(t, ep.Failures)
	_, err = env.ExecuteActivity(d.Deliver, activities.DeliverInput{Key: keys["webhook"]})
	requireNonRetryable(t, err, process.Conflict)
}

func nonRetryable(err error) bool {
	var appErr *temporal.ApplicationError
	return errors.As(err, &appErr) && appErr.NonRetryable()
}
