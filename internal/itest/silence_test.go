package itest_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/internal/itest"
	"github.com/compact-un/compact/internal/metrics"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store/sqlite"
	"github.com/compact-un/compact/worker"
	"github.com/compact-un/compact/workflows"
)

var recordHistories = flag.Bool("record-histories", false,
	"write the restarted silence's history to ../../workflows/testdata/histories for the replay tests")

// TestASilencePassesAfterARestart places a text under silence, stops the
// worker and the server while it runs, and starts them again: the
// restarted server fires the deadline's timer, the new worker replays the
// history and records the silence passed, once.
func TestASilencePassesAfterARestart(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a Temporal server twice")
	}
	dir, port := t.TempDir(), itest.FreePort(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	db, err := sqlite.Open(filepath.Join(dir, "compact.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.PutProcess(ctx, process.Process{ID: "silent", TemplateID: "test", Title: "Silent", Code: "SIL", Status: "running"}); err != nil {
		t.Fatal(err)
	}
	// A process day lasts four seconds: the silence placed on 10 January
	// ends with that day.
	placed := time.Date(2030, 1, 10, 0, 0, 0, 0, time.UTC)
	in := workflows.StageInput{ProcessID: "silent", ProcessCode: "SIL",
		Stage: process.StageSpec{ID: "silence", Kind: process.Silence, Title: "Draft under silence", Start: process.Date{Time: placed}},
		Clock: process.Clock{Origin: placed, Start: time.Now(), Scale: 86400 / 4}}

	srv := startEmbedded(t, filepath.Join(dir, "temporal"), port)
	c := dial(t, srv, metrics.New())
	w := worker.New(c, activities.New(db))
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	id := workflows.StageWorkflowID("silent", "silence")
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: workflows.TaskQueue}, workflows.Silence, in)
	if err != nil {
		t.Fatal(err)
	}
	itest.Eventually(t, time.Minute, func(ctx context.Context) error {
		if !slices.Contains(silenceEvents(t, db), "silence.placed") {
			return errors.New("not placed yet")
		}
		history := c.GetWorkflowHistory(ctx, id, run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for history.HasNext() {
			ev, err := history.Next()
			if err != nil {
				return err
			}
			if ev.GetEventType() == enumspb.EVENT_TYPE_TIMER_STARTED {
				return nil
			}
		}
		return errors.New("no deadline timer yet")
	})
	w.Stop()
	c.Close()
	if err := srv.Stop(); err != nil {
		t.Fatal(err)
	}

	srv = startEmbedded(t, filepath.Join(dir, "temporal"), port)
	defer srv.Stop()
	c = dial(t, srv, metrics.New())
	defer c.Close()
	w = worker.New(c, activities.New(db))
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	var res workflows.StageResult
	if err := c.GetWorkflow(ctx, id, run.GetRunID()).Get(ctx, &res); err != nil {
		t.Fatal(err)
	}
	deadline := placed.AddDate(0, 0, 1)
	if res.Silence == nil || res.Silence.Outcome != process.SilencePassed || !res.Silence.Deadline.Equal(deadline) || !res.EndedAt.Equal(deadline) {
		t.Fatalf("result %+v (silence %+v), want passed at %s", res, res.Silence, deadline)
	}
	if got := silenceEvents(t, db); !slices.Equal(got, []string{"silence.placed", "silence.passed"}) {
		t.Fatalf("record: %v", got)
	}
	if *recordHistories {
		var events []*historypb.HistoryEvent
		it := c.GetWorkflowHistory(ctx, id, run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			ev, err := it.Next()
			if err != nil {
				t.Fatal(err)
			}
			events = append(events, ev)
		}
		b, err := protojson.MarshalOptions{Indent: " "}.Marshal(&historypb.History{Events: events})
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join("..", "..", "workflows", "testdata", "histories", "silence-passed.json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func silenceEvents(t *testing.T, db interface {
	Entries(context.Context, string, int64) ([]process.RecordEntry, error)
}) []string {
	entries, err := db.Entries(context.Background(), "silent", 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Event)
	}
	return out
}
