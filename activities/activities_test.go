package activities_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/sqlite"
)

// env runs activities as the worker would, over a real SQLite store holding
// one registered process.
func env(t *testing.T) (*testsuite.TestActivityEnvironment, store.Store) {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "compact.db"))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	require.NoError(t, db.PutProcess(context.Background(), process.Process{ID: "p", TemplateID: "t", Title: "P", Code: "PRC", Status: "running"}))
	var suite testsuite.WorkflowTestSuite
	e := suite.NewTestActivityEnvironment()
	acts := activities.New(db)
	acts.Now = func() time.Time { return time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) }
	e.RegisterActivity(acts)
	return e, db
}

var a *activities.Activities

func TestRecordStageRecordsARetryOnce(t *testing.T) {
	e, db := env(t)
	ev := activities.StageEvent{ProcessID: "p", StageID: "ts1", Event: "window.opened",
		At: time.Date(2017, 4, 8, 0, 0, 0, 0, time.UTC), Data: json.RawMessage(`{"code":"TS1"}`)}
	var first, retry process.RecordEntry
	v, err := e.ExecuteActivity(a.RecordStage, ev)
	require.NoError(t, err)
	require.NoError(t, v.Get(&first))
	v, err = e.ExecuteActivity(a.RecordStage, ev)
	require.NoError(t, err)
	require.NoError(t, v.Get(&retry))
	require.Equal(t, first, retry)

	ev.Event = "window.closed"
	_, err = e.ExecuteActivity(a.RecordStage, ev)
	require.NoError(t, err)
	entries, err := db.Entries(context.Background(), "p", 0)
	require.NoError(t, err)
	require.Len(t, entries, 2)
	require.NoError(t, process.VerifyChain(entries))
	require.Equal(t, `{"code":"TS1"}`, entries[0].Data)
	require.Equal(t, first.Hash, entries[1].PrevHash)
}

func TestRecordStageKeysRepeatedEventsBySeq(t *testing.T) {
	e, db := env(t)
	for seq := 1; seq <= 2; seq++ {
		data, err := event.Encode(event.ScheduleChange{Sequence: seq})
		require.NoError(t, err)
		for range 2 { // each a retry too
			_, err := e.ExecuteActivity(a.RecordStage, activities.StageEvent{ProcessID: "p", StageID: "ts1",
				Event: event.StageRescheduled, Data: data})
			require.NoError(t, err)
		}
	}
	entries, err := db.Entries(context.Background(), "p", 0)
	require.NoError(t, err)
	require.Len(t, entries, 2)
}

func TestNotifyQueuesOncePerSubscriber(t *testing.T) {
	e, db := env(t)
	ctx := context.Background()
	for _, sub := range []store.Subscription{
		{ProcessID: "p", Recipient: "pga@un.org", Channel: "email", Language: "fr"},
		{ProcessID: "p", Recipient: "https://ngo.example/hook", Channel: "webhook", Topics: []string{"windows"}},
		{ProcessID: "p", Recipient: "press@example.org", Channel: "email", Topics: []string{"drafts"}},
		{ProcessID: "p", Recipient: "digest@example.org", Channel: "email", Mode: store.ModeDaily},
	} {
		_, err := db.Subscribe(ctx, sub)
		require.NoError(t, err)
	}
	in := activities.NotifyInput{ProcessID: "p", Key: "p/ts1/window.opened", StageID: "ts1", Event: "window.opened"}
	for range 3 {
		v, err := e.ExecuteActivity(a.Notify, in)
		require.NoError(t, err)
		var n int
		require.NoError(t, v.Get(&n))
		require.Equal(t, 2, n, "to send now: the digest's reader waits")
	}
	queued, err := db.ListOutbox(ctx, "p", "pending")
	require.NoError(t, err)
	require.Len(t, queued, 2, "a retried Notify queues nothing twice")
	require.Equal(t, "p/ts1/window.opened|pga@un.org|email", queued[1].Key)
	require.Equal(t, []string{"p/ts1/window.opened", "fr"}, []string{queued[1].EventKey, queued[1].Language})
	held, err := db.ListOutbox(ctx, "p", store.NotificationHeld)
	require.NoError(t, err)
	require.Len(t, held, 1)
	require.Equal(t, []string{"digest@example.org", store.ModeDaily}, []string{held[0].Recipient, held[0].Mode})
}

func TestPublishDocumentDiffsAndAddressesByContent(t *testing.T) {
	e, db := env(t)
	doc := func(rev int, paras ...string) process.DocumentVersion {
		return process.DocumentVersion{ProcessID: "p", StageID: "d", Name: "draft", Revision: rev, Title: "Draft", Kind: "draft", Paragraphs: paras}
	}
	var zero, rev1 activities.PublishResult
	v, err := e.ExecuteActivity(a.PublishDocument, activities.PublishInput{Document: doc(0, "A.", "B.", "C."), DiffAgainst: -1})
	require.NoError(t, err)
	require.NoError(t, v.Get(&zero))
	require.Len(t, zero.Document.SHA256, 64)
	require.Nil(t, zero.Document.Paragraphs, "the text stays out of workflow history")

	v, err = e.ExecuteActivity(a.PublishDocument, activities.PublishInput{Document: doc(1, "A.", "B, amended.", "C.", "D."), DiffAgainst: 0})
	require.NoError(t, err)
	require.NoError(t, v.Get(&rev1))
	require.Equal(t, &process.DiffStats{Kept: 2, Removed: 1, Added: 2}, rev1.Diff)

	// The same revision again is a no-op; other text under it is refused.
	_, err = e.ExecuteActivity(a.PublishDocument, activities.PublishInput{Document: doc(0, "A.", "B.", "C."), DiffAgainst: -1})
	require.NoError(t, err)
	_, err = e.ExecuteActivity(a.PublishDocument, activities.PublishInput{Document: doc(0, "Other."), DiffAgainst: -1})
	requireNonRetryable(t, err, process.Conflict)

	// A reference to a stored version must carry its hash.
	ref := process.DocumentVersion{ProcessID: "p", Name: "draft", Revision: 1, SHA256: rev1.Document.SHA256}
	_, err = e.ExecuteActivity(a.PublishDocument, activities.PublishInput{Document: ref, DiffAgainst: -1})
	require.NoError(t, err)
	ref.SHA256 = zero.Document.SHA256
	_, err = e.ExecuteActivity(a.PublishDocument, activities.PublishInput{Document: ref, DiffAgainst: -1})
	requireNonRetryable(t, err, process.Conflict)
	stored, err := db.ListDocuments(context.Background(), "p")
	require.NoError(t, err)
	require.Len(t, stored, 2)
}

func TestSealWindowTwiceReturnsTheSameSeal(t *testing.T) {
	e, db := env(t)
	ctx := context.Background()
	opens := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	require.NoError(t, db.PutWindow(ctx, process.ContributionWindow{ProcessID: "p", StageID: "ts1", Code: "TS1",
		State: process.WindowOpen, OpensAt: opens, ClosesAt: opens.Add(time.Hour)}))
	_, err := db.Submit(ctx, process.Submission{ProcessID: "p", StageID: "ts1", Party: "MEX", Role: "member-state",
		IdempotencyKey: "k", Title: "T", Body: "B"}, opens.Add(time.Minute))
	require.NoError(t, err)
	var s1, s2 process.Seal
	v, err := e.ExecuteActivity(a.SealWindow, activities.SealInput{ProcessID: "p", StageID: "ts1"})
	require.NoError(t, err)
	require.NoError(t, v.Get(&s1))
	v, err = e.ExecuteActivity(a.SealWindow, activities.SealInput{ProcessID: "p", StageID: "ts1"})
	require.NoError(t, err)
	require.NoError(t, v.Get(&s2))
	require.Equal(t, 1, s1.Count)
	require.Equal(t, s1, s2)
	_, err = e.ExecuteActivity(a.OpenWindow, process.ContributionWindow{ProcessID: "p", StageID: "ts1", Code: "TS1",
		State: process.WindowOpen, OpensAt: opens, ClosesAt: opens.Add(2 * time.Hour)})
	requireNonRetryable(t, err, process.Conflict)
}

func TestClassify(t *testing.T) {
	for kind, retryable := range map[process.Kind]bool{
		process.Internal: true, process.Unavailable: true, process.RateLimited: true,
		process.Invalid: false, process.Conflict: false, process.Rule: false, process.NotFound: false, process.Forbidden: false,
	} {
		err := activities.Classify(process.Errorf("op", kind, "boom"))
		var appErr *temporal.ApplicationError
		if retryable {
			require.False(t, errors.As(err, &appErr) && appErr.NonRetryable(), kind.String())
			continue
		}
		require.ErrorAs(t, err, &appErr, kind.String())
		require.True(t, appErr.NonRetryable(), kind.String())
		require.Equal(t, kind, activities.KindOf(err))
		require.Equal(t, "boom", appErr.Message())
	}
	require.NoError(t, activities.Classify(nil))
}

func requireNonRetryable(t *testing.T, err error, kind process.Kind) {
	t.Helper()
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	require.True(t, appErr.NonRetryable(), "%v", err)
	require.Equal(t, kind, activities.KindOf(err), "%v", err)
}
