package browser

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/compact-un/compact/api"
	"github.com/compact-un/compact/process"
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
	for deadline := time.Now().Add(settle); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: still waiting for %s", settle, what)
		}
	}
}

// recorded reports whether a stage's event is in a process's record.
func recorded(processID, stageID, event string) bool {
	entries, err := stack.store.Entries(context.Background(), processID, 0)
	return err == nil && slices.ContainsFunc(entries, func(e process.RecordEntry) bool {
		return e.StageID == stageID && e.Event == event
	})
}

// days makes a template's dates: day n after start, to the second.
func days(start time.Time) func(n float64) process.Date {
	return func(n float64) process.Date {
		return process.Date{Time: start.Add(time.Duration(n * float64(24*time.Hour))).UTC().Truncate(time.Second)}
	}
}

// liveTemplate is a small real-time process beginning at start: an
// accreditation window and a thematic session's window, both open from
// start, then a round between two drafts and a conference.
func liveTemplate(id, code string, start time.Time) process.Template {
	d := days(start)
	return process.Template{
		ID: id, Title: "Browser test " + id, Code: code,
		Rules: process.Rules{NonObjectionDays: 2, Adoption: "consensus", Voters: "member-states"},
		Phases: []process.Phase{
			{ID: "consultations", Title: "Consultations", Stages: []process.StageSpec{
				{ID: "acc", Kind: process.AccreditationWindow, Code: "ACC", Title: "Accreditation",
					Start: d(0), End: d(3), Window: &process.Window{Opens: d(0), Closes: d(3)}},
				{ID: "ts1", Kind: process.ThematicSession, Code: "TS1", Title: "Human rights of all migrants", Theme: "Human rights",
					Place: "Geneva", Start: d(12), End: d(13), Window: &process.Window{Opens: d(0), Closes: d(10)}},
			}},
			{ID: "negotiations", Title: "Negotiations", Stages: []process.StageSpec{
				{ID: "zero", Kind: process.Draft, Title: "Zero draft", Start: d(20)},
				{ID: "round1", Kind: process.NegotiationRound, Title: "First round", Place: "New York", Start: d(21), End: d(22)},
				{ID: "rev1", Kind: process.Draft, Title: "Revision 1", Start: d(30)},
			}},
			{ID: "adoption", Title: "Adoption", Stages: []process.StageSpec{
				{ID: "conference", Kind: process.Conference, Title: "Conference", Place: "Marrakech", Start: d(40),
					Outcome: &process.Outcome{Method: "consensus", Adopted: 150}},
			}},
		},
	}
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
	if err := stack.store.CreateToken(ctx, tok); err != nil {
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
	return id, stack.temporal.GetWorkflow(ctx, workflows.ProcessWorkflowID(id), "").Get(ctx, nil)
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
