package workflows

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/testsuite"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/sqlite"
)

// harness runs workflows in the SDK's test environment (time skipping)
// with the real activities over a real SQLite store.
type harness struct {
	t       *testing.T
	env     *testsuite.TestWorkflowEnvironment
	store   store.Store
	updates int
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "compact.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return newEnv(t, db)
}

// again is a fresh test environment over the same store, for the run after
// a continue-as-new.
func (h *harness) again() *harness { return newEnv(h.t, h.store) }

func newEnv(t *testing.T, db store.Store) *harness {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetTestTimeout(2 * time.Minute)
	Register(env)
	env.RegisterActivity(activities.New(db))
	return &harness{t: t, env: env, store: db}
}

// run executes a workflow to its end under the given ID.
func (h *harness) run(workflowID string, workflow any, in any) {
	h.env.SetStartWorkflowOptions(client.StartWorkflowOptions{ID: workflowID, TaskQueue: TaskQueue})
	h.env.ExecuteWorkflow(workflow, in)
	require.True(h.t, h.env.IsWorkflowCompleted())
}

// at runs fn when the process clock (origin testOrigin, real-time scale)
// reaches process time pt.
func (h *harness) at(pt time.Time, fn func()) {
	h.env.RegisterDelayedCallback(fn, pt.Sub(testOrigin))
}

// updateOutcome is what became of an update once the workflow ran it.
type updateOutcome struct {
	done     bool
	rejected error // by the validator
	result   any
	err      error // from the handler
}

// update sends an update to a workflow by ID; its outcome is filled in as
// the test environment runs it.
func (h *harness) update(workflowID, name string, arg any) *updateOutcome {
	o := &updateOutcome{}
	cb := &testsuite.TestUpdateCallback{
		OnAccept:   func() {},
		OnReject:   func(e error) { o.rejected, o.done = e, true },
		OnComplete: func(r any, e error) { o.result, o.err, o.done = r, e, true },
	}
	h.updates++
	if err := h.env.UpdateWorkflowByID(workflowID, name, fmt.Sprint("update-", h.updates), cb, arg); err != nil {
		h.t.Errorf("update %s of %s: %v", name, workflowID, err)
	}
	return o
}

func (h *harness) record(processID string) []process.RecordEntry {
	h.t.Helper()
	entries, err := h.store.Entries(context.Background(), processID, 0)
	if err != nil {
		h.t.Fatal(err)
	}
	return entries
}

func (h *harness) events(processID string) []string {
	var out []string
	for _, e := range h.record(processID) {
		out = append(out, e.StageID+" "+e.Event)
	}
	return out
}

// testOrigin is the process time the test processes start at.
var testOrigin = day("2030-01-01")

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func date(s string) process.Date { return process.Date{Time: day(s)} }

func testClock() process.Clock { return process.Clock{Origin: testOrigin, Scale: 1} }

// testTemplate is a small process with one stage of each kind.
func testTemplate() process.Template {
	return process.Template{
		ID: "test", Title: "Test process", Code: "TST",
		Rules: process.Rules{NonObjectionDays: 10, Adoption: "consensus", Voters: "member-states"},
		Phases: []process.Phase{
			{ID: "preparation", Title: "Preparation", Stages: []process.StageSpec{
				{ID: "modalities", Kind: process.Milestone, Title: "Modalities adopted", Start: date("2030-01-05"),
					Documents: []process.Document{{Symbol: "A/RES/99/1", Title: "Modalities", Kind: "resolution"}}},
				{ID: "acc", Kind: process.AccreditationWindow, Code: "ACC", Title: "Accreditation", Start: date("2030-01-10"),
					End: date("2030-01-30"), Window: &process.Window{Opens: date("2030-01-10"), Closes: date("2030-01-31")}},
			}},
			{ID: "consultations", Title: "Consultations", Stages: []process.StageSpec{
				{ID: "ts1", Kind: process.ThematicSession, Code: "TS1", Title: "Thematic session 1", Theme: "Human rights",
					Place: "Geneva", Start: date("2030-03-01"), End: date("2030-03-02"),
					Window: &process.Window{Opens: date("2030-02-01"), Closes: date("2030-03-01")}},
			}},
			{ID: "negotiations", Title: "Negotiations", Stages: []process.StageSpec{
				{ID: "zero", Kind: process.Draft, Title: "Zero draft", Start: date("2030-04-01"),
					Documents: []process.Document{{Title: "Zero draft", Kind: "draft"}}},
				{ID: "round1", Kind: process.NegotiationRound, Title: "First round", Place: "New York",
					Start: date("2030-04-10"), End: date("2030-04-12")},
				{ID: "rev1", Kind: process.Draft, Title: "Revision 1", Start: date("2030-05-01"),
					Documents: []process.Document{{Title: "Revision 1", Kind: "draft"}}},
			}},
			{ID: "adoption", Title: "Adoption", Stages: []process.StageSpec{
				{ID: "conference", Kind: process.Conference, Title: "Conference", Place: "Marrakech",
					Start: date("2030-06-01"), End: date("2030-06-02"),
					Outcome: &process.Outcome{Method: "consensus", Adopted: 150}},
				{ID: "endorsement", Kind: process.Endorsement, Title: "Endorsement", Place: "New York",
					Start:   date("2030-06-20"),
					Outcome: &process.Outcome{Method: "recorded-vote", Yes: 100, No: 2, Abstain: 10, NoVotes: []string{"HUN", "USA"}}},
			}},
		},
	}
}
