package simulate

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store/sqlite"
	"github.com/compact-un/compact/temporal/embedded"
	"github.com/compact-un/compact/worker"
	"github.com/compact-un/compact/workflows"
)

var recordHistories = flag.Bool("record-histories", false,
	"write this run's workflow histories to ../workflows/testdata/histories for the replay tests")

// TestSimulateGCM2018 replays the migration compact on a real, embedded
// Temporal server and checks what a user of `compact simulate` reads.
func TestSimulateGCM2018(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an embedded Temporal server")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	dir := t.TempDir()
	srv, err := embedded.Start(embedded.Options{DataDir: filepath.Join(dir, "temporal"), Namespace: "default"})
	require.NoError(t, err)
	defer srv.Stop()
	c, err := client.Dial(client.Options{HostPort: srv.Address(), Namespace: "default"})
	require.NoError(t, err)
	defer c.Close()
	db, err := sqlite.Open(filepath.Join(dir, "compact.db"))
	require.NoError(t, err)
	defer db.Close()
	w := worker.New(c, activities.New(db))
	require.NoError(t, w.Start())
	defer w.Stop()

	tmpl, err := process.LookupTemplate("gcm-2018")
	require.NoError(t, err)
	var out bytes.Buffer
	start := time.Now()
	res, err := Run(ctx, c, db, Options{
		Template: tmpl, Scale: 2e7,
		Simulation: workflows.Simulation{Stakeholders: 50, ObjectEvery: 10, ContributionsPerWindow: 20, AmendmentsPerRound: 10},
	}, &out)
	require.NoError(t, err, out.String())
	elapsed := time.Since(start)

	printed := out.String()
	for _, want := range []string{
		"2016-09-19  ny-declaration",
		"2017-04-06  modalities             milestone.reached",
		"A/RES/71/280",
		"2017-05-08  ts1                    session.opened          (Geneva)",
		"(Puerto Vallarta",
		"2018-02-05  zero-draft             draft.published",
		"2018-07-13  agreed-text            draft.published",
		"2018-12-10  marrakech              conference.adopted",
		"2018-12-19  ga-endorsement         endorsement.adopted",
		"A/RES/73/195 adopted 152–5–12 (24 not voting)",
	} {
		require.Contains(t, printed, want)
	}
	require.Equal(t, 152, res.Outcome.Yes)

	largest, name := 0, ""
	for _, id := range workflowIDs(tmpl) {
		desc, err := c.DescribeWorkflowExecution(ctx, id, "")
		require.NoError(t, err, id)
		if n := int(desc.WorkflowExecutionInfo.HistoryLength); n > largest {
			largest, name = n, id
		}
	}
	require.Less(t, largest, 10000)
	t.Logf("gcm-2018 at scale 2e7: %s wall, %d record lines, largest history %d events (%s)",
		elapsed.Round(time.Millisecond), strings.Count(printed, "\n"), largest, name)

	if *recordHistories {
		writeHistories(t, ctx, c, tmpl.ID)
	}
}

func workflowIDs(t *process.Template) []string {
	ids := []string{workflows.ProcessWorkflowID(t.ID)}
	for _, s := range t.Stages() {
		ids = append(ids, workflows.StageWorkflowID(t.ID, s.ID))
	}
	return ids
}

// replayed are the workflows whose histories the replay tests keep, one per
// workflow type.
var replayed = map[string]string{
	"process":       "",
	"accreditation": "accreditation",
	"consultation":  "ts1",
	"drafting":      "rev1",
	"milestone":     "modalities",
	"conference":    "marrakech",
	"endorsement":   "ga-endorsement",
}

func writeHistories(t *testing.T, ctx context.Context, c client.Client, processID string) {
	dir := filepath.Join("..", "workflows", "testdata", "histories")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	for name, stage := range replayed {
		id := workflows.ProcessWorkflowID(processID)
		if stage != "" {
			id = workflows.StageWorkflowID(processID, stage)
		}
		var events []*historypb.HistoryEvent
		it := c.GetWorkflowHistory(ctx, id, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			ev, err := it.Next()
			require.NoError(t, err)
			events = append(events, ev)
		}
		b, err := protojson.MarshalOptions{Indent: " "}.Marshal(&historypb.History{Events: events})
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, processID+"-"+name+".json"), b, 0o644))
	}
}
