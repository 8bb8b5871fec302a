package itest_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/internal/itest"
	"github.com/compact-un/compact/internal/metrics"
	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/sqlite"
	"github.com/compact-un/compact/worker"
	"github.com/compact-un/compact/workflows"
)

// TestAWindowClosesWhileTheSlowQueueStands runs a consultation whose
// window's opening has a webhook to deliver, with no worker on the slow
// task queue: the delivery waits there, and the window still closes at its
// deadline. Once the slow worker starts, the webhook goes out.
func TestAWindowClosesWhileTheSlowQueueStands(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Temporal server")
	}
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	db, err := sqlite.Open(filepath.Join(dir, "compact.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	const hook = "https://hooks.example/compact"
	if err := db.PutProcess(ctx, process.Process{ID: "queues", TemplateID: "test", Title: "Queues", Code: "QUE", Status: "running"}); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Subscribe(ctx, store.Subscription{ProcessID: "queues", Recipient: hook, Channel: notify.ChannelWebhook, Topics: []string{"windows"}}); err != nil {
		t.Fatal(err)
	}
	if err := db.PutEndpoint(ctx, store.Endpoint{Channel: notify.ChannelWebhook, Recipient: hook, Secret: notify.NewWebhookSecret()}); err != nil {
		t.Fatal(err)
	}
	// A process day lasts two seconds: the window is open from 06:00 to
	// 18:00 on the session's day.
	day := time.Date(2030, 3, 4, 0, 0, 0, 0, time.UTC)
	closes := day.Add(18 * time.Hour)
	in := workflows.StageInput{ProcessID: "queues", ProcessCode: "QUE",
		Stage: process.StageSpec{ID: "ts1", Kind: process.ThematicSession, Code: "TS1", Title: "Thematic session", Start: process.Date{Time: day},
			Window: &process.Window{Opens: process.Date{Time: day.Add(6 * time.Hour)}, Closes: process.Date{Time: closes}}},
		Clock: process.Clock{Origin: day, Start: time.Now(), Scale: 86400 / 2}}

	srv := startEmbedded(t, filepath.Join(dir, "temporal"), itest.FreePort(t))
	defer srv.Stop()
	c := dial(t, srv, metrics.New())
	defer c.Close()
	hooks := &sentHooks{}
	w := worker.NewWith(c, activities.New(db), &activities.Deliverer{Store: db, Senders: notify.Senders{notify.ChannelWebhook: hooks}})
	if err := w.Critical.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Critical.Stop()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: workflows.StageWorkflowID("queues", "ts1"), TaskQueue: workflows.TaskQueue}, workflows.Consultation, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := run.Get(ctx, nil); err != nil {
		t.Fatal(err)
	}

	entries, err := db.Entries(ctx, "queues", 0)
	if err != nil {
		t.Fatal(err)
	}
	at := func(name event.Name) (process.RecordEntry, bool) {
		i := slices.IndexFunc(entries, func(e process.RecordEntry) bool { return e.Event == string(name) })
		if i < 0 {
			return process.RecordEntry{}, false
		}
		return entries[i], true
	}
	opened, ok := at(event.WindowOpened)
	if !ok {
		t.Fatalf("no window.opened in the record: %v", entries)
	}
	if closed, ok := at(event.WindowClosed); !ok || !closed.At.Equal(closes) {
		t.Fatalf("window.closed %+v (recorded: %v), want at %s", closed, ok, closes)
	}
	if got := hooks.events(); len(got) != 0 {
		t.Fatalf("webhooks sent with no slow worker: %v", got)
	}
	// The opening's delivery waits for its activity on the slow queue.
	history := c.GetWorkflowHistory(ctx, workflows.DeliveryWorkflowID(opened.Key), "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var queue string
	for history.HasNext() {
		ev, err := history.Next()
		if err != nil {
			t.Fatal(err)
		}
		if a := ev.GetActivityTaskScheduledEventAttributes(); a != nil {
			queue = a.GetTaskQueue().GetName()
		}
	}
	if queue != workflows.SlowTaskQueue {
		t.Fatalf("the delivery's activity is on task queue %q, want %q", queue, workflows.SlowTaskQueue)
	}

	if err := w.Slow.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Slow.Stop()
	itest.Eventually(t, 30*time.Second, func(context.Context) error {
		if !slices.Contains(hooks.events(), string(event.WindowOpened)) {
			return errors.New("window.opened not delivered yet")
		}
		return nil
	})
}

// sentHooks is a webhook sender that keeps what it was given.
type sentHooks struct {
	mu   sync.Mutex
	sent []string
}

func (h *sentHooks) Send(_ context.Context, m notify.Message) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sent = append(h.sent, m.Event)
	return nil
}

func (h *sentHooks) events() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.sent)
}
