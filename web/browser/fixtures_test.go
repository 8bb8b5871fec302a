package browser

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/workflows"
)

// launch creates a process over the API as the PGA's office and waits until
// its workflow has registered it.
func launch(t *testing.T, body map[string]any) {
	t.Helper()
	call(t, "POST", "/v1/processes", token(t, api.PGAOffice, "PGA"), body, http.StatusCreated)
	await(t, "the process to be registered", func() bool { return recorded(body["id"].(string), "", "process.created") })
}

// await polls the store until cond holds.
func await(t *testing.T, what string, cond func() bool) {
	t.Helper()
	stacktest.Await(t, settle, what, cond)
}

// recorded reports whether a stage's event is in a process's record.
func recorded(processID, stageID, event string) bool {
	return stacktest.Recorded(stack.Store, processID, stageID, event)
}

// history is the migration compact replayed whole on a fast clock, with
// simulated stakeholders and States: every public page has something to
// show (contributions, draft revisions, the record, the outcome). The tests
// share it; the first to ask starts it.
var history = sync.OnceValues(func() (string, error) {
	const id = "gcm-history"
	secret, tok, err := api.NewToken(api.PGAOffice, "PGA", "", "browser test", time.Now())
	if err != nil {
		return "", err
	}
	ctx := context.Background()
	if err := stack.Store.CreateToken(ctx, tok); err != nil {
		return "", err
	}
	status, body, err := request("POST", "/v1/processes", secret, map[string]any{"template": "gcm-2018", "id": id, "scale": 2e7,
		"simulation": workflows.Simulation{Stakeholders: 8, ObjectEvery: 4, ContributionsPerWindow: 3, AmendmentsPerRound: 2},
	})
	if err == nil && status != http.StatusCreated {
		err = fmt.Errorf("creating it: %d %s", status, body)
	}
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 3*settle)
	defer cancel()
	return id, stack.Temporal.GetWorkflow(ctx, workflows.ProcessWorkflowID(id), "").Get(ctx, nil)
})

// historyProcess is the replayed process's ID, once it has ended.
func historyProcess(t *testing.T) string {
	t.Helper()
	id, err := history()
	if err != nil {
		t.Fatalf("replaying gcm-2018: %v", err)
	}
	return id
}
