package api

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
	"github.com/compact-un/compact/workflows"
)

var recordHistories = flag.Bool("record-histories", false,
	"write the silence and the steered accreditation workflows' histories to ../workflows/testdata/histories for the replay tests")

// TestAStateBreaksSilence: the office places a text under silence at run
// time; a stakeholder cannot break it, Mexico does with a letter and a
// proposal, and the stage's GET and the record show who and the letter's
// hash; a second break is a conflict naming Mexico.
func TestAStateBreaksSilence(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	mex, usa := a.token(MemberState, "MEX", ""), a.token(MemberState, "USA", "")
	ngo := a.token(Stakeholder, "org-silence", "")
	id, code := uniqueID("silence")
	start := time.Now().Add(time.Second)
	launchProcess(t, a, pga, inlineProcess(testTemplate(id, code, start)))

	placed := time.Now().Add(8 * time.Second).UTC().Truncate(time.Second)
	lastDay := placed.AddDate(0, 0, 5).Format(time.DateOnly)
	res := a.do("POST", "/v1/processes/"+id+"/stages", pga, map[string]any{
		"phase": "consultations", "reason": "The co-facilitators circulated the modalities text",
		"stage": map[string]any{"id": "silence", "kind": "silence", "title": "Draft modalities under silence",
			"place": "New York", "timeZone": "America/New_York", "start": placed.Format(time.RFC3339), "end": lastDay,
			"documents": []map[string]any{{"symbol": "A/71/L.58", "title": "Draft resolution on modalities", "kind": "draft"}}},
	})
	if res.Status != http.StatusCreated {
		t.Fatalf("add the silence: %d %s", res.Status, res.Body)
	}
	awaitRecord(t, id, "silence", "silence.placed")

	newYork, _ := time.LoadLocation("America/New_York")
	last, _ := time.ParseInLocation(time.DateOnly, lastDay, newYork)
	deadline := last.AddDate(0, 0, 1)
	var running wire.StageDetail
	a.do("GET", "/v1/processes/"+id+"/stages/silence", "", nil).JSON(t, &running)
	if s := running.Silence; s == nil || !s.Deadline.Equal(deadline) || s.Outcome != "" {
		t.Fatalf("under silence: %+v, want deadline %s (the end of %s in New York) and no outcome", s, deadline, lastDay)
	}

	path := "/v1/processes/" + id + "/stages/silence/silence/break"
	letter := "Mexico breaks the silence on the draft modalities."
	wantProblem(t, "a stakeholder", a.do("POST", path, ngo, map[string]any{"letter": "We object."}), http.StatusForbidden)
	wantProblem(t, "the office", a.do("POST", path, pga, map[string]any{"letter": "We object."}), http.StatusForbidden)
	wantProblem(t, "no letter", a.do("POST", path, mex, map[string]any{"letter": " ", "proposal": "Text"}), http.StatusBadRequest)
	wantProblem(t, "a letter too long", a.do("POST", path, mex, map[string]any{"letter": strings.Repeat("x", process.MaxSilenceLetter+1)}), http.StatusRequestEntityTooLarge)
	wantProblem(t, "not a silence", a.do("POST", "/v1/processes/"+id+"/stages/acc/silence/break", mex, map[string]any{"letter": letter}), http.StatusConflict)

	res = a.do("POST", path, mex, map[string]any{"letter": letter, "proposal": "Replace paragraph 4 with: …"})
	var broke process.SilenceBreak
	res.JSON(t, &broke)
	if res.Status != http.StatusOK || broke.State != "MEX" || broke.LetterSHA256 != sha256Hex(letter) || broke.ProposalSHA256 == "" {
		t.Fatalf("break: %d %s", res.Status, res.Body)
	}
	res = a.do("POST", path, usa, map[string]any{"letter": "So does the United States."})
	wantProblem(t, "a second break", res, http.StatusConflict)
	// It names the first, when it was made, in New York's time.
	if want := "MEX broke the silence at " + process.FormatInstant(broke.At, newYork) + " already"; problemOf(t, res).Detail != want ||
		!strings.Contains(want, " America/New_York (") {
		t.Errorf("a second break: %s, want %q", res.Body, want)
	}

	entry := awaitRecord(t, id, "silence", "silence.broken")
	if !strings.Contains(entry.Data, `"state":"MEX"`) || !strings.Contains(entry.Data, `"letterSha256":"`+sha256Hex(letter)+`"`) {
		t.Errorf("the record: %s", entry.Data)
	}
	awaitRecord(t, id, "silence", "stage.completed")
	var ended wire.StageDetail
	a.do("GET", "/v1/processes/"+id+"/stages/silence", "", nil).JSON(t, &ended)
	if s := ended.Silence; ended.Status != process.Completed || s == nil || s.Outcome != process.SilenceBroken ||
		s.Break == nil || s.Break.State != "MEX" || s.Break.LetterSHA256 != broke.LetterSHA256 {
		t.Fatalf("after the break: %s %+v", ended.Status, s)
	}

	if *recordHistories {
		writeHistory(t, workflows.StageWorkflowID(id, "silence"), "silence-broken.json")
	}
}

func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// writeHistory writes a workflow's history for the replay tests, as
// go test ./simulate -record-histories does.
func writeHistory(t *testing.T, workflowID, name string) {
	t.Helper()
	var events []*historypb.HistoryEvent
	it := stack.temporal.GetWorkflowHistory(context.Background(), workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
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
	if err := os.WriteFile(filepath.Join("..", "workflows", "testdata", "histories", name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
