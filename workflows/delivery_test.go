package workflows

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/mail"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/notify/notifytest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// receivers are the loopback ends of the channels a delivery harness sends
// on.
type receivers struct {
	mail *notifytest.SMTPServer
	hook *notifytest.WebhookReceiver
}

// newDeliveryHarness is a harness whose worker also delivers, by email to a
// mail server and by webhook to a receiver on the loopback.
func newDeliveryHarness(t *testing.T) (*harness, receivers) {
	t.Helper()
	h := newHarness(t)
	r := receivers{mail: notifytest.NewSMTPServer(t), hook: notifytest.NewWebhookReceiver(t)}
	h.env.RegisterActivity(deliverer(h.store, r))
	return h, r
}

func deliverer(db store.Store, r receivers) *activities.Deliverer {
	return &activities.Deliverer{Store: db, Senders: notify.Senders{
		notify.ChannelEmail: &notify.Email{Addr: r.mail.Addr, TLSConfig: r.mail.TLS, Username: r.mail.Username, Password: r.mail.Password,
			From:        mail.Address{Name: "Compact", Address: "noreply@compact.example"},
			Unsubscribe: notify.Unsubscribe{URL: "https://compact.example/v1/unsubscribe", Secret: []byte("0123456789abcdef0123456789abcdef")}},
		notify.ChannelWebhook: &notify.Webhook{Client: &http.Client{Timeout: 5 * time.Second}}, // the loopback is allowed here
	}}
}

func subscribe(t *testing.T, db store.Store, processID string, r receivers) {
	t.Helper()
	ctx := context.Background()
	for _, sub := range []store.Subscription{
		{ProcessID: processID, Recipient: "delegue@mission.example", Channel: notify.ChannelEmail, Language: "fr"},
		{ProcessID: processID, Recipient: r.hook.URL, Channel: notify.ChannelWebhook},
	} {
		_, err := db.Subscribe(ctx, sub)
		require.NoError(t, err)
	}
	require.NoError(t, db.PutEndpoint(ctx, store.Endpoint{Channel: notify.ChannelWebhook, Recipient: r.hook.URL, Secret: r.hook.Secret}))
}

// TestDeliveryRetriesAWebhookThatFailsThreeTimes: the receiver fails three
// times, then recovers; Temporal's retry policy backs off (skipped here)
// and the receiver gets each event exactly once in the end.
func TestDeliveryRetriesAWebhookThatFailsThreeTimes(t *testing.T) {
	h, r := newDeliveryHarness(t)
	subscribe(t, h.store, "p", r)
	acts := activities.New(h.store)
	var events []string
	for _, ev := range []event.Name{event.WindowOpened, event.WindowMoved} {
		key := "p/ts1/" + string(ev)
		_, err := acts.Notify(context.Background(), activities.NotifyInput{ProcessID: "p", Key: key, StageID: "ts1", Event: ev,
			Data: json.RawMessage(`{"code":"TS1","seq":1}`)})
		require.NoError(t, err)
		events = append(events, key)
	}
	r.hook.FailNext(500, 503, 429)

	for _, key := range events {
		h := h.again()
		h.env.RegisterActivity(deliverer(h.store, r))
		h.run(DeliveryWorkflowID(key), Delivery, DeliveryInput{EventKey: key})
		require.NoError(t, h.env.GetWorkflowError())
	}

	var ids []string
	for _, w := range r.hook.Processed() {
		ids = append(ids, w.ID)
	}
	require.Equal(t, []string{notify.WebhookID(events[0] + "|" + r.hook.URL + "|webhook"), notify.WebhookID(events[1] + "|" + r.hook.URL + "|webhook")}, ids)
	requests, duplicates := r.hook.Requests()
	require.Equal(t, 5, requests, "three failures, then one each")
	require.Zero(t, duplicates)
	require.Len(t, r.mail.Mails(), 2, "the email went out at the first attempt, once")
	attempts, err := h.store.Deliveries(context.Background(), events[0]+"|"+r.hook.URL+"|webhook")
	require.NoError(t, err)
	var statuses []string
	for _, a := range attempts {
		statuses = append(statuses, a.Status)
	}
	require.Equal(t, []string{"failed", "failed", "failed", "sent"}, statuses)
}

// TestRecordedEventsAreDelivered runs a process with subscribers: every
// stage event they take reaches them, each once (the text's events and the
// ECOSOC checks are followed in the record, not sent).
func TestRecordedEventsAreDelivered(t *testing.T) {
	h, r := newDeliveryHarness(t)
	subscribe(t, h.store, "test", r)
	h.run(ProcessWorkflowID("test"), Process, simulatedInput(testTemplate()))
	require.NoError(t, h.env.GetWorkflowError())

	ctx := context.Background()
	entries := slices.DeleteFunc(h.record("test"), func(e process.RecordEntry) bool {
		return slices.Contains(event.TextEvents, event.Name(e.Event)) || slices.Contains(event.ECOSOCEvents, event.Name(e.Event))
	})
	all, err := h.store.ListOutbox(ctx, "test", "")
	require.NoError(t, err)
	require.Len(t, all, 2*len(entries), "each event, to each subscriber")
	for _, n := range all {
		require.Equal(t, store.NotificationSent, n.State, n.Key)
	}
	require.Len(t, r.hook.Processed(), len(entries))
	_, duplicates := r.hook.Requests()
	require.Zero(t, duplicates)
	mails := r.mail.Mails()
	require.Len(t, mails, len(entries))
	m, err := notifytest.Parse(mails[0].Data)
	require.NoError(t, err)
	require.Equal(t, "fr", m.Header.Get("Content-Language"))
}

// TestNotificationsSendsDigestsAtEachDaysEnd runs the outbox's clock over
// three weeks (time skipping): a daily reader gets one digest, the day its
// updates were held, and a weekly reader one on Monday.
func TestNotificationsSendsDigestsAtEachDaysEnd(t *testing.T) {
	h, r := newDeliveryHarness(t)
	ctx := context.Background()
	start := time.Date(2030, 1, 1, 9, 0, 0, 0, time.UTC) // a Tuesday
	h.env.SetStartTime(start)
	for _, sub := range []store.Subscription{
		{ProcessID: "p", Recipient: "daily@mission.example", Channel: notify.ChannelEmail, Mode: store.ModeDaily},
		{ProcessID: "p", Recipient: "weekly@mission.example", Channel: notify.ChannelEmail, Mode: store.ModeWeekly},
	} {
		_, err := h.store.Subscribe(ctx, sub)
		require.NoError(t, err)
	}
	acts := &activities.Activities{Store: h.store, Now: func() time.Time { return start }}
	for _, ev := range []event.Name{event.WindowOpened, event.DraftPublished} {
		n, err := acts.Notify(ctx, activities.NotifyInput{ProcessID: "p", Key: "p/ts1/" + string(ev), StageID: "ts1", Event: ev})
		require.NoError(t, err)
		require.Zero(t, n, "nothing to send at once")
	}
	h.run(NotificationsWorkflowID, Notifications, NotificationsInput{SweepEvery: 6 * time.Hour})
	var next *workflow.ContinueAsNewError
	require.True(t, errors.As(h.env.GetWorkflowError(), &next), "continues as new: %v", h.env.GetWorkflowError())

	daily, weekly := r.mail.MailTo("daily@mission.example"), r.mail.MailTo("weekly@mission.example")
	require.Len(t, daily, 1)
	require.Len(t, weekly, 1)
	for _, tt := range []struct {
		m    notifytest.Mail
		date time.Time
	}{{daily[0], time.Date(2030, 1, 2, 0, 0, 0, 0, time.UTC)}, {weekly[0], time.Date(2030, 1, 7, 0, 0, 0, 0, time.UTC)}} {
		m, err := notifytest.Parse(tt.m.Data)
		require.NoError(t, err)
		require.Equal(t, "p: 2 updates", m.Subject)
		date, err := m.Header.Date()
		require.NoError(t, err)
		require.True(t, date.Equal(tt.date), "digest dated %s, want %s", date, tt.date)
	}
	digested, err := h.store.ListOutbox(ctx, "p", store.NotificationDigested)
	require.NoError(t, err)
	require.Len(t, digested, 4)
}

func TestDigestBoundaries(t *testing.T) {
	day := 24 * time.Hour
	require.Equal(t, time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), boundary(time.Date(2030, 1, 1, 9, 30, 0, 0, time.UTC), day))
	var weekEnd []string
	for d := range 7 {
		at := time.Date(2030, 1, 1+d, 0, 0, 0, 0, time.UTC)
		if weekEnds(at, day) {
			weekEnd = append(weekEnd, at.Weekday().String())
		}
	}
	require.Equal(t, []string{"Monday"}, weekEnd)
	require.True(t, slices.Contains(process.Topics["windows"], "window.reminder"))
}

// TestSlowWorkRunsOnTheSlowQueue runs a simulated process whose events are
// delivered: the deliveries and the simulated participants' work go to
// SlowTaskQueue, the record's and the windows' activities stay on
// TaskQueue.
func TestSlowWorkRunsOnTheSlowQueue(t *testing.T) {
	h, r := newDeliveryHarness(t)
	subscribe(t, h.store, "test", r)
	slow := []string{"DeliverEvent", "SimulateApplications", "SimulateContributions", "SimulateAmendments"}
	var mu sync.Mutex
	queues := map[string]string{}
	h.env.SetOnActivityStartedListener(func(info *activity.Info, _ context.Context, _ converter.EncodedValues) {
		mu.Lock()
		defer mu.Unlock()
		queues[info.ActivityType.Name] = info.TaskQueue
	})
	h.run(ProcessWorkflowID("test"), Process, simulatedInput(testTemplate()))
	require.NoError(t, h.env.GetWorkflowError())
	onSlow := 0
	for name, queue := range queues {
		want := TaskQueue
		if slices.Contains(slow, name) {
			want, onSlow = SlowTaskQueue, onSlow+1
		}
		require.Equal(t, want, queue, name)
	}
	require.Equal(t, len(slow), onSlow, "every kind of slow work ran: %v", queues)
	require.Contains(t, queues, "RegisterProcess")
}
