package simulate

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/mail"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/event"
	"github.com/compact-un/compact/notify"
	"github.com/compact-un/compact/notify/notifytest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/sqlite"
	"github.com/compact-un/compact/temporal/embedded"
	"github.com/compact-un/compact/text"
	"github.com/compact-un/compact/worker"
	"github.com/compact-un/compact/workflows"
)

var recordHistories = flag.Bool("record-histories", false,
	"write this run's workflow histories to ../workflows/testdata/histories for the replay tests")

var recordChain = flag.String("record-chain", "",
	"write this run's record, as the store holds it, to this JSON file (event/testdata keeps one for the old chains' test)")

// TestSimulateGCM2018 replays the migration compact on a real, embedded
// Temporal server and checks what a user of `compact simulate` reads.
func TestSimulateGCM2018(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an embedded Temporal server")
	}
	// Under the race detector, beside the other packages' tests, the
	// replay takes minutes.
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
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
	// Subscribers of every kind follow the process: email at once, in
	// French, a webhook, and a daily digest (a digest day lasts 2 s here).
	mailServer, hook := notifytest.NewSMTPServer(t), notifytest.NewWebhookReceiver(t)
	w := worker.NewWith(c, activities.New(db), &activities.Deliverer{Store: db, Senders: notify.Senders{
		notify.ChannelEmail: &notify.Email{Addr: mailServer.Addr, TLSConfig: mailServer.TLS, Username: mailServer.Username,
			Password: mailServer.Password, From: mail.Address{Name: "Compact", Address: "noreply@compact.example"},
			Unsubscribe: notify.Unsubscribe{URL: "https://compact.example/v1/unsubscribe", Secret: []byte("0123456789abcdef0123456789abcdef")}},
		notify.ChannelWebhook: &notify.Webhook{Client: &http.Client{Timeout: 5 * time.Second}}, // the loopback is allowed here
	}})
	require.NoError(t, w.Start())
	defer w.Stop()
	for _, sub := range []store.Subscription{
		{ProcessID: "gcm-2018", Recipient: "delegue@mission.example", Channel: notify.ChannelEmail, Language: "fr"},
		{ProcessID: "gcm-2018", Recipient: hook.URL, Channel: notify.ChannelWebhook},
		{ProcessID: "gcm-2018", Recipient: "digest@ngo.example", Channel: notify.ChannelEmail, Mode: store.ModeDaily},
	} {
		_, err := db.Subscribe(ctx, sub)
		require.NoError(t, err)
	}
	require.NoError(t, db.PutEndpoint(ctx, store.Endpoint{Channel: notify.ChannelWebhook, Recipient: hook.URL, Secret: hook.Secret}))
	require.NoError(t, workflows.StartNotifications(ctx, c, workflows.NotificationsInput{SweepEvery: 500 * time.Millisecond, Day: 2 * time.Second}))

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
		"2017-06-28  gfmd-berlin            milestone.reached       Tenth Summit of the Global Forum on Migration and Development  (Berlin, Germany)  input=gfmd",
		"(Puerto Vallarta",
		"2018-01-11  sg-report              milestone.reached       Report of the Secretary-General: Making migration work for all  (New York)  A/72/643  input=un-system",
		"2018-03-31  conference-accreditation-closes milestone.reached       Special accreditation to the conference closes",
		"2018-02-05  zero-draft             draft.published",
		"changes=", // a revision's changes, traced to amendments
		"2018-07-13  agreed-text            draft.published",
		"2018-12-10  marrakech              conference.adopted",
		"2018-12-19  ga-endorsement         endorsement.adopted",
		"A/RES/73/195 adopted 152–5–12 (24 not voting)",
		"152–5–12  (no: Czech Republic, Hungary, Israel, Poland, United States of America; abstain: Algeria, Australia,",
	} {
		require.Contains(t, printed, want)
	}
	require.Equal(t, 152, res.Outcome.Yes)
	checkNegotiatedText(t, ctx, db)

	largest, name := 0, ""
	for _, id := range workflowIDs(tmpl.ID, tmpl) {
		desc, err := c.DescribeWorkflowExecution(ctx, id, "")
		require.NoError(t, err, id)
		if n := int(desc.WorkflowExecutionInfo.HistoryLength); n > largest {
			largest, name = n, id
		}
	}
	require.Less(t, largest, 10000)
	// What the wall is made of: every workflow's tasks, and the simulated
	// participants' activities, read from the histories.
	tasks, err := tasksOf(ctx, c, workflowIDs(tmpl.ID, tmpl))
	require.NoError(t, err)
	require.Greater(t, tasks.Workflow, len(tmpl.Stages()), "a workflow task or more a workflow")
	require.Positive(t, tasks.Wait)
	require.Positive(t, tasks.Run)
	require.Positive(t, tasks.Activities)
	t.Logf("%s", tasks)

	// Every event reached its subscribers, each once; the digest reader
	// read them in digests.
	entries, err := db.Entries(ctx, "gcm-2018", 0)
	require.NoError(t, err)
	// At 2e7 the record still follows process time.
	require.Equal(t, -1, process.OutOfOrder(entries), "an entry recorded out of process time's order")
	// The text's events and the ECOSOC checks are followed in the record,
	// not sent.
	entries = slices.DeleteFunc(entries, func(e process.RecordEntry) bool {
		return slices.Contains(event.TextEvents, event.Name(e.Event)) || slices.Contains(event.ECOSOCEvents, event.Name(e.Event))
	})
	waitFor(t, ctx, "every notification sent or digested", func() bool {
		pending, err1 := db.ListOutbox(ctx, "gcm-2018", store.NotificationPending)
		held, err2 := db.ListOutbox(ctx, "gcm-2018", store.NotificationHeld)
		return err1 == nil && err2 == nil && len(pending)+len(held) == 0
	})
	require.Len(t, hook.Processed(), len(entries))
	_, duplicates := hook.Requests()
	require.Zero(t, duplicates)
	require.Len(t, mailServer.MailTo("delegue@mission.example"), len(entries))
	digested, err := db.ListOutbox(ctx, "gcm-2018", store.NotificationDigested)
	require.NoError(t, err)
	require.Len(t, digested, len(entries))
	digests := mailServer.MailTo("digest@ngo.example")
	require.NotEmpty(t, digests)
	t.Logf("%d events: %d emails and %d webhooks at once, %d digests", len(entries), len(entries), len(entries), len(digests))
	require.NoError(t, c.TerminateWorkflow(ctx, workflows.NotificationsWorkflowID, "", "test over"))
	t.Logf("gcm-2018 at scale 2e7: %s wall, %d record lines, largest history %d events (%s)",
		elapsed.Round(time.Millisecond), strings.Count(printed, "\n"), largest, name)

	if *recordHistories {
		writeHistories(t, ctx, c, tmpl.ID)
	}
	if *recordChain != "" {
		b, err := json.MarshalIndent(entries, "", " ")
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(*recordChain, b, 0o644))
	}
}

// checkNegotiatedText checks what a reader of the drafts finds: every
// revision a structured text under the objectives' real titles, each after
// the zero draft compiled from simulated amendments, and the record naming,
// for every paragraph changed, the amendments it came from.
func checkNegotiatedText(t *testing.T, ctx context.Context, db store.Store) {
	t.Helper()
	entries, err := db.Entries(ctx, "gcm-2018", 0)
	require.NoError(t, err)
	revisions, traced := 0, 0
	for _, e := range entries {
		var data struct {
			Revision   int           `json:"revision"`
			Amendments int           `json:"amendments"`
			Simulated  bool          `json:"simulated"`
			Sources    []text.Source `json:"sources"`
		}
		require.NoError(t, json.Unmarshal([]byte(e.Data), &data))
		switch e.Event {
		case "draft.published":
			revisions++
			rev, err := db.GetRevision(ctx, "gcm-2018", data.Revision)
			require.NoError(t, err)
			require.False(t, rev.IssuedAt.IsZero(), "revision %d is published but not issued", data.Revision)
			require.Equal(t, "Global Compact for Safe, Orderly and Regular Migration", rev.Paragraphs[0].Text)
			var headings []string
			for _, p := range rev.Paragraphs {
				if p.Part == text.Heading {
					headings = append(headings, p.Num+": "+p.Text)
				}
			}
			require.Len(t, headings, 23)
			require.Equal(t, "Objective 20: Promote faster, safer and cheaper transfer of remittances and foster financial inclusion of migrants", headings[19])
			require.Equal(t, rev.Sources, data.Sources, "the record's sources of revision %d", data.Revision)
			if data.Revision == 0 {
				continue
			}
			require.NotEmpty(t, data.Sources, "revision %d changed nothing", data.Revision)
			for _, src := range data.Sources {
				require.NotEmpty(t, src.Amendments, "paragraph %s of revision %d", src.ID, data.Revision)
				for _, am := range src.Amendments {
					require.True(t, strings.HasPrefix(am, fmt.Sprintf("SIM-R%d-", data.Revision-1)), am)
				}
				if len(src.Contributions) > 0 {
					traced++
				}
			}
		case "amendments.closed":
			require.True(t, data.Simulated)
			n, err := db.Negotiation(ctx, "gcm-2018", data.Revision)
			require.NoError(t, err)
			require.NotEmpty(t, n.Amendments)
			require.Equal(t, len(n.Amendments), data.Amendments, "amendments to revision %d", data.Revision)
			require.NotEmpty(t, n.Positions)
		}
	}
	require.GreaterOrEqual(t, revisions, 2)
	require.Positive(t, traced, "no change traced to a contribution")
}

// waitFor polls cond until it holds, failing the test when ctx ends.
func waitFor(t *testing.T, ctx context.Context, what string, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// replayed are the workflows whose histories the replay tests keep, one per
// workflow type.
var replayed = map[string]string{
	"process":       "",
	"delivery":      "delivery/gcm-2018/ts1/window.opened",
	"notifications": workflows.NotificationsWorkflowID,
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
		switch {
		case name == "delivery" || name == "notifications":
			id = stage
		case stage != "":
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

// TestNamedVotes: a vote recorded by State with its sources' counts lists
// those against and abstaining however many States it names; one from
// before, without counts, only when it names fewer than half.
func TestNamedVotes(t *testing.T) {
	on := time.Date(2018, 12, 19, 0, 0, 0, 0, time.UTC)
	votes := map[string]any{"CZE": "no", "USA": "no", "CHE": "abstain"}
	for _, st := range process.MemberStates()[:150] {
		if _, named := votes[st.Code]; !named {
			votes[st.Code] = "yes"
		}
	}
	require.Equal(t, "no: Czech Republic, United States of America; abstain: Switzerland",
		namedVotes(map[string]any{"votes": votes, "named": float64(len(votes))}, on))
	require.Empty(t, namedVotes(map[string]any{"votes": votes}, on), "invented names are not shown")
	require.Equal(t, "no: Czech Republic",
		namedVotes(map[string]any{"votes": map[string]any{"CZE": "no"}}, on))
}
