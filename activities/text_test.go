package activities_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/compact-un/compact/activities"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/text"
)

// A simulated round on the text, each activity tried twice as Temporal may:
// the zero draft, amendments with co-sponsors and positions, the
// co-facilitators' decisions, and revision 1 compiled from them, issued
// with its changes traced to the amendments.
func TestSimulatedTextRound(t *testing.T) {
	e, db := env(t)
	ctx := context.Background()
	at := time.Date(2030, 2, 5, 0, 0, 0, 0, time.UTC)
	draft := func(rev int) process.DocumentVersion {
		v, err := e.ExecuteActivity(a.SimulateDraft, activities.SimulateDraftInput{Paragraphs: 4, Text: true,
			Document: process.DocumentVersion{ProcessID: "p", StageID: "d", Name: "draft", Revision: rev, Title: "Draft", Kind: "draft", IssuedAt: at}})
		require.NoError(t, err)
		var doc process.DocumentVersion
		require.NoError(t, v.Get(&doc))
		return doc
	}
	issue := func(rev int) activities.IssuedRevision {
		v, err := e.ExecuteActivity(a.IssueRevision, activities.IssueRevisionInput{ProcessID: "p", Revision: rev, IssuedAt: at})
		require.NoError(t, err)
		var issued activities.IssuedRevision
		require.NoError(t, v.Get(&issued))
		return issued
	}
	count := func(rev int) int {
		v, err := e.ExecuteActivity(a.CountDraftAmendments, activities.CountDraftAmendmentsInput{ProcessID: "p", StageID: "d", Revision: rev})
		require.NoError(t, err)
		var n int
		require.NoError(t, v.Get(&n))
		return n
	}

	require.Equal(t, draft(0).SHA256, draft(0).SHA256)
	zero, err := db.GetRevision(ctx, "p", 0)
	require.NoError(t, err)
	require.True(t, zero.IssuedAt.IsZero(), "stored unissued until published")
	require.Len(t, zero.Paragraphs, 7) // title, 2 preambular, 4 operative
	doc, err := db.GetDocument(ctx, "p", "draft", 0)
	require.NoError(t, err)
	require.Equal(t, activities.DisplayLines(&zero.Revision), doc.Paragraphs)
	require.Equal(t, "Draft", doc.Paragraphs[0])

	first := issue(0)
	require.True(t, first.Issued)
	require.Empty(t, first.Sources)
	require.Equal(t, first, issue(0))

	for range 2 {
		v, err := e.ExecuteActivity(a.SimulateAmendments, activities.SimulateAmendmentsInput{ProcessID: "p", StageID: "d", Revision: 0, Count: 4, Text: true, At: at})
		require.NoError(t, err)
		var n int
		require.NoError(t, v.Get(&n))
		require.Equal(t, 4, n)
	}
	n, err := db.Negotiation(ctx, "p", 0)
	require.NoError(t, err)
	require.Len(t, n.Amendments, 4)
	require.Len(t, n.Positions, 12)
	for _, am := range n.Amendments {
		require.True(t, strings.HasPrefix(am.ID, "SIM-R0-"), am.ID)
		require.True(t, process.IsMemberState(am.Sponsor), am.Sponsor)
		require.Len(t, am.CoSponsors, 1)
	}
	require.Equal(t, 4, count(0))

	require.Equal(t, draft(1).SHA256, draft(1).SHA256)
	rev1 := issue(1)
	require.True(t, rev1.Issued)
	require.NotEmpty(t, rev1.Sources)
	decided, err := db.Negotiation(ctx, "p", 0)
	require.NoError(t, err)
	taken := map[string]bool{}
	for _, am := range decided.Amendments {
		require.NotEqual(t, text.Pending, am.Decision.Outcome, am.ID)
		require.Contains(t, am.Decision.Note, "simulated")
		taken[am.ID] = am.Decision.Outcome == text.Incorporated
	}
	for _, s := range rev1.Sources {
		require.Len(t, s.Amendments, 1)
		require.True(t, taken[s.Amendments[0]], "%s traced to %s, which was not taken", s.ID, s.Amendments[0])
	}
	stored, err := db.GetRevision(ctx, "p", 1)
	require.NoError(t, err)
	require.Equal(t, stored.Sources, rev1.Sources)
	require.Equal(t, stored.SHA256, rev1.SHA256)

	// A draft published as lines only has no text to issue.
	require.False(t, issue(5).Issued)
}

// A revision typed by the co-facilitators, with a change no amendment
// explains, is stored with its sources and issued as stored.
func TestTypedRevisionIsIssuedAsStored(t *testing.T) {
	e, db := env(t)
	ctx := context.Background()
	put := func(src string, number int) store.Revision {
		rev, err := text.Parse(src)
		require.NoError(t, err)
		rev.Number = number
		sources, err := activities.IdentifyRevision(ctx, db, "p", rev)
		require.NoError(t, err)
		stored, err := db.PutRevision(ctx, store.Revision{ProcessID: "p", Revision: *rev, Language: "en", Sources: sources})
		require.NoError(t, err)
		return stored
	}
	zero := put("# A compact\n\n1. We commit to cooperate on data.\n\n2. We commit to save lives.", 0)
	one := put("# A compact\n\n1. We commit to cooperate on data and research.\n\n2. We commit to save lives.", 1)
	require.Len(t, one.Sources, 1)
	require.Equal(t, zero.Paragraphs[1].ID, one.Sources[0].ID)
	require.Empty(t, one.Sources[0].Amendments)

	v, err := e.ExecuteActivity(a.IssueRevision, activities.IssueRevisionInput{ProcessID: "p", Revision: 1, IssuedAt: time.Date(2030, 3, 1, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	var issued activities.IssuedRevision
	require.NoError(t, v.Get(&issued))
	require.Equal(t, one.SHA256, issued.SHA256)
	require.Equal(t, one.Sources, issued.Sources)
}
