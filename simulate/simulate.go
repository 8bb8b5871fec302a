// Package simulate replays a template's history as a process on a running
// Compact: it starts the Process workflow on a scaled clock with simulated
// participants and prints each stage event as the record receives it.
package simulate

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/workflows"
)

// Options say what to replay and how fast.
type Options struct {
	Template  *process.Template
	ProcessID string  // default: the template's ID
	Scale     float64 // process seconds per wall second; 86400 is a day a second
	workflows.Simulation
	// Poll is how often the record is read; default 50 ms.
	Poll time.Duration
}

// DefaultSimulation is a modest crowd of participants.
var DefaultSimulation = workflows.Simulation{
	Stakeholders: 200, ObjectEvery: 10, ContributionsPerWindow: 50, AmendmentsPerRound: 40,
}

// Run starts the process, prints its record to out as it grows, and returns
// the process's result once every stage has ended.
func Run(ctx context.Context, c client.Client, record store.Record, opts Options, out io.Writer) (workflows.ProcessResult, error) {
	var res workflows.ProcessResult
	if opts.ProcessID == "" {
		opts.ProcessID = opts.Template.ID
	}
	if opts.Poll <= 0 {
		opts.Poll = 50 * time.Millisecond
	}
	sim := opts.Simulation
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: workflows.ProcessWorkflowID(opts.ProcessID), TaskQueue: workflows.TaskQueue,
		WorkflowTaskTimeout: workflows.WorkflowTaskTimeout,
	}, workflows.Process, workflows.ProcessInput{
		ProcessID: opts.ProcessID, Template: opts.Template.WithoutTranslations(), Clock: process.Clock{Scale: opts.Scale}, Simulation: &sim,
	})
	if err != nil {
		return res, fmt.Errorf("start %s: %w", opts.ProcessID, err)
	}
	done := make(chan error, 1)
	go func() { done <- run.Get(ctx, &res) }()
	var seq int64
	tick := time.NewTicker(opts.Poll)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if _, perr := follow(ctx, record, opts.ProcessID, &seq, out); perr != nil && err == nil {
				err = perr
			}
			if err == nil && res.Outcome != nil {
				fmt.Fprintln(out, Describe(*res.Outcome))
			}
			return res, err
		case <-tick.C:
			if _, err := follow(ctx, record, opts.ProcessID, &seq, out); err != nil {
				return res, err
			}
		case <-ctx.Done():
			return res, ctx.Err()
		}
	}
}

// Figures measure a replay against the targets: the whole process in a
// minute, no history over 10,000 events, the largest replayed in a second.
type Figures struct {
	Wall      time.Duration // from start to the process's end
	Largest   int64         // events in the largest history
	LargestID string        // its workflow
	Replay    time.Duration // to replay it, as a restarted worker does
	Tasks     Tasks
	Result    workflows.ProcessResult
}

// Tasks say what the wall is made of, from the process's histories: its
// workflow tasks, each waiting for a worker then running, and its
// activities. Their waits are Temporal's own: a shard that reads its
// queues seldom shows here first.
type Tasks struct {
	Workflow   int           // workflow tasks completed
	Wait, Run  time.Duration // a started workflow task's mean wait for a worker; a completed one's mean run
	Activities int           // activities completed
	InActivity time.Duration // all their time, scheduled to completed
}

// String reads as one line of simulate's and the bench's report.
func (t Tasks) String() string {
	return fmt.Sprintf("%d workflow tasks, each waiting %s for a worker and running %s (means); %d activities, %s in all",
		t.Workflow, t.Wait.Round(10*time.Microsecond), t.Run.Round(10*time.Microsecond), t.Activities, t.InActivity.Round(time.Millisecond))
}

// Measure runs the process as Run does, then finds its largest workflow
// history and times its replay.
func Measure(ctx context.Context, c client.Client, record store.Record, opts Options, out io.Writer) (Figures, error) {
	var f Figures
	start := time.Now()
	res, err := Run(ctx, c, record, opts, out)
	if err != nil {
		return f, err
	}
	f.Wall, f.Result = time.Since(start), res
	processID := opts.ProcessID
	if processID == "" {
		processID = opts.Template.ID
	}
	if f.Largest, f.LargestID, err = largestHistory(ctx, c, processID, opts.Template); err != nil {
		return f, err
	}
	if f.Tasks, err = tasksOf(ctx, c, workflowIDs(processID, opts.Template)); err != nil {
		return f, err
	}
	f.Replay, err = replayHistory(ctx, c, f.LargestID)
	return f, err
}

// workflowIDs are the process's workflow and its stages'.
func workflowIDs(processID string, tmpl *process.Template) []string {
	ids := []string{workflows.ProcessWorkflowID(processID)}
	for _, s := range tmpl.Stages() {
		ids = append(ids, workflows.StageWorkflowID(processID, s.ID))
	}
	return ids
}

// tasksOf reads the workflows' histories for their tasks' times.
func tasksOf(ctx context.Context, c client.Client, ids []string) (Tasks, error) {
	var t Tasks
	var wait, run time.Duration
	started := 0
	for _, id := range ids {
		events, err := history(ctx, c, id)
		if err != nil {
			return t, err
		}
		at := map[int64]time.Time{}
		for _, e := range events {
			at[e.GetEventId()] = e.GetEventTime().AsTime()
			switch e.GetEventType() {
			case enumspb.EVENT_TYPE_WORKFLOW_TASK_STARTED:
				started++
				wait += e.GetEventTime().AsTime().Sub(at[e.GetWorkflowTaskStartedEventAttributes().GetScheduledEventId()])
			case enumspb.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
				t.Workflow++
				run += e.GetEventTime().AsTime().Sub(at[e.GetWorkflowTaskCompletedEventAttributes().GetStartedEventId()])
			case enumspb.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
				t.Activities++
				t.InActivity += e.GetEventTime().AsTime().Sub(at[e.GetActivityTaskCompletedEventAttributes().GetScheduledEventId()])
			}
		}
	}
	if started > 0 && t.Workflow > 0 {
		t.Wait, t.Run = wait/time.Duration(started), run/time.Duration(t.Workflow)
	}
	return t, nil
}

// largestHistory finds the longest history among the process's workflows.
func largestHistory(ctx context.Context, c client.Client, processID string, tmpl *process.Template) (int64, string, error) {
	var largest int64
	var name string
	for _, id := range workflowIDs(processID, tmpl) {
		desc, err := c.DescribeWorkflowExecution(ctx, id, "")
		if err != nil {
			return 0, "", fmt.Errorf("describe %s: %w", id, err)
		}
		if n := desc.GetWorkflowExecutionInfo().GetHistoryLength(); n > largest {
			largest, name = n, id
		}
	}
	return largest, name, nil
}

// replayHistory replays a workflow's history through the workflows' code,
// as a worker does after a restart, and times it.
func replayHistory(ctx context.Context, c client.Client, workflowID string) (time.Duration, error) {
	events, err := history(ctx, c, workflowID)
	if err != nil {
		return 0, err
	}
	replayer := sdkworker.NewWorkflowReplayer()
	workflows.Register(replayer)
	start := time.Now()
	if err := replayer.ReplayWorkflowHistory(nil, &historypb.History{Events: events}); err != nil {
		return 0, fmt.Errorf("replay %s: %w", workflowID, err)
	}
	return time.Since(start), nil
}

// history reads a workflow's whole history.
func history(ctx context.Context, c client.Client, workflowID string) ([]*historypb.HistoryEvent, error) {
	var events []*historypb.HistoryEvent
	it := c.GetWorkflowHistory(ctx, workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			return nil, fmt.Errorf("history of %s: %w", workflowID, err)
		}
		events = append(events, ev)
	}
	return events, nil
}

// follow prints the entries after *seq and advances it.
func follow(ctx context.Context, record store.Record, processID string, seq *int64, out io.Writer) (int, error) {
	entries, err := record.Entries(ctx, processID, *seq)
	if err != nil {
		return 0, err
	}
	for _, e := range entries {
		fmt.Fprintln(out, Line(e))
		*seq = e.Seq
	}
	return len(entries), nil
}

// Line describes one record entry: its date, stage and event, and the
// place, document symbols and figures it carries.
func Line(e process.RecordEntry) string {
	var data map[string]any
	_ = json.Unmarshal([]byte(e.Data), &data)
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %-22s %-22s", e.At.Format(time.DateOnly), e.StageID, e.Event)
	if title, ok := data["title"].(string); ok && event.Name(e.Event) != event.StageStarted {
		fmt.Fprintf(&b, "  %s", title)
	}
	if place, ok := data["place"].(string); ok && place != "" {
		fmt.Fprintf(&b, "  (%s)", place)
	}
	for _, sym := range symbols(data) {
		fmt.Fprintf(&b, "  %s", sym)
	}
	if input, ok := data["input"].(string); ok {
		fmt.Fprintf(&b, "  input=%s", input)
	}
	for _, k := range []string{"count", "revision", "amendments", "applications"} {
		if v, ok := data[k].(float64); ok {
			fmt.Fprintf(&b, "  %s=%d", k, int(v))
		}
	}
	if sources, ok := data["sources"].([]any); ok {
		more, _ := data["moreSources"].(float64)
		fmt.Fprintf(&b, "  changes=%d", len(sources)+int(more))
	}
	if name := event.Name(e.Event); name == event.EndorsementAdopted || name == event.ConferenceAdopted {
		fmt.Fprintf(&b, "  %s", tallyOf(data))
		if named := namedVotes(data, e.At); named != "" {
			fmt.Fprintf(&b, "  (%s)", named)
		}
	}
	if sim, _ := data["simulated"].(bool); sim {
		b.WriteString("  [simulated]")
	}
	return strings.TrimRight(b.String(), " ")
}

func symbols(data map[string]any) []string {
	var out []string
	if s, ok := data["symbol"].(string); ok {
		out = append(out, s)
	}
	if s, ok := data["document"].(string); ok && strings.Contains(s, "/") {
		out = append(out, s)
	}
	if docs, ok := data["documents"].([]any); ok {
		for _, d := range docs {
			if m, ok := d.(map[string]any); ok {
				if s, ok := m["symbol"].(string); ok {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

func tallyOf(data map[string]any) string {
	if data["method"] == "recorded-vote" {
		return fmt.Sprintf("%v–%v–%v", data["yes"], data["no"], data["abstain"])
	}
	if n, ok := data["adoptedBy"]; ok {
		return fmt.Sprintf("by %v, %v States", data["method"], n)
	}
	return fmt.Sprintf("by %v", data["method"])
}

// namedVotes lists the States a recorded vote names against and
// abstaining, under the names the UN used for them on the day. A vote
// recorded with its sources' counts ("named" in its data) names only
// States its sources name; one without, from before truthfulOutcome,
// named invented States when it named more than half.
func namedVotes(data map[string]any, on time.Time) string {
	votes, _ := data["votes"].(map[string]any)
	_, sourced := data["named"]
	byVote := map[string][]string{}
	for code, v := range votes {
		if s, ok := v.(string); ok {
			byVote[s] = append(byVote[s], process.StateNameOn(code, on))
		}
	}
	var parts []string
	for _, v := range []string{workflows.VoteNo, workflows.VoteAbstain} {
		if names := byVote[v]; len(names) > 0 && (sourced || len(votes) < len(process.MemberStates())/2) {
			slices.Sort(names)
			parts = append(parts, v+": "+strings.Join(names, ", "))
		}
	}
	return strings.Join(parts, "; ")
}

// Describe states an outcome the way the UN reports it, for example
// "A/RES/73/195 adopted 152–5–12 (24 not voting)".
func Describe(o process.Outcome) string {
	doc := o.Document
	if doc == "" {
		doc = "the outcome"
	}
	if o.Method != "recorded-vote" && o.Adopted > 0 {
		return fmt.Sprintf("%s adopted by %s (%d States)", doc, o.Method, o.Adopted)
	}
	if o.Method != "recorded-vote" {
		return fmt.Sprintf("%s adopted by %s", doc, o.Method)
	}
	verdict := "adopted"
	if o.Yes <= o.No {
		verdict = "rejected"
	}
	if o.Absent == 0 { // not given by the sources, or none
		return fmt.Sprintf("%s %s %d–%d–%d", doc, verdict, o.Yes, o.No, o.Abstain)
	}
	return fmt.Sprintf("%s %s %d–%d–%d (%d not voting)", doc, verdict, o.Yes, o.No, o.Abstain, o.Absent)
}
