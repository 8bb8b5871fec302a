// Package storetest is the conformance suite every store.Store passes.
package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
)

// Run runs the suite. open returns a new, empty store for each test and
// closes it when the test ends.
func Run(t *testing.T, open func(t *testing.T) store.Store) {
	tests := []struct {
		name string
		test func(t *testing.T, s store.Store)
	}{
		{"Processes", testProcesses},
		{"ReserveProcess", testReserveProcess},
		{"ReserveProcessConcurrent", testReserveProcessConcurrent},
		{"Stages", testStages},
		{"Windows", testWindows},
		{"WindowPurpose", testWindowPurpose},
		{"ScheduledWindows", testScheduledWindows},
		{"Submit", testSubmit},
		{"SubmitIdempotent", testSubmitIdempotent},
		{"SubmitRefused", testSubmitRefused},
		{"SubmitConcurrent", testSubmitConcurrent},
		{"SubmitConcurrentRefused", testSubmitConcurrentRefused},
		{"SubmitQueuesReceipt", testSubmitQueuesReceipt},
		{"SealWindow", testSealWindow},
		{"SealWindowByPurpose", testSealWindowByPurpose},
		{"ListContributions", testListContributions},
		{"Withdraw", testWithdraw},
		{"Accreditation", testAccreditation},
		{"ConferenceList", testConferenceList},
		{"ECOSOCList", testECOSOCList},
		{"ECOSOCReview", testECOSOCReview},
		{"Documents", testDocuments},
		{"Amendments", testAmendments},
		{"Record", testRecord},
		{"RecordConcurrent", testRecordConcurrent},
		{"Outbox", testOutbox},
		{"Subscribers", testSubscribers},
		{"Tokens", testTokens},
		{"TokenRotation", testTokenRotation},
		{"Sessions", testSessions},
		{"PurgeSessions", testPurgeSessions},
		{"ForgetTokenSecrets", testForgetTokenSecrets},
		{"Ping", testPing},
		{"Unsubscribe", testUnsubscribe},
		{"Delivery", testDelivery},
		{"Endpoints", testEndpoints},
		{"Subscriptions", testSubscriptions},
		{"Digests", testDigests},
		{"DeliveryReport", testDeliveryReport},
		{"Revisions", testRevisions},
		{"TextAmendments", testTextAmendments},
		{"Positions", testPositions},
		{"TextConcurrent", testTextConcurrent},
		{"NextRevision", testNextRevision},
		{"Search", testSearch},
		{"SearchBounds", testSearchBounds},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.test(t, open(t))
		})
	}
}

// t0 is when the fixture's window opens.
var t0 = time.Date(2017, 5, 8, 9, 0, 0, 0, time.UTC)

func gcm() process.Process {
	return process.Process{ID: "gcm-2018", TemplateID: "gcm", Title: "Global Compact for Migration", Code: "GCM",
		Phase: "consultations", Status: "running", CreatedAt: time.Date(2017, 4, 6, 0, 0, 0, 123456789, time.UTC)}
}

// window is the fixture's open window: thirty days from t0.
func window(stageID, code string) process.ContributionWindow {
	return process.ContributionWindow{ProcessID: "gcm-2018", StageID: stageID, Code: code, State: process.WindowOpen,
		OpensAt: t0, ClosesAt: t0.Add(30 * 24 * time.Hour), Public: true, Purpose: process.ForContributions}
}

// seed stores the GCM process and an open window for stage ts1, coded TS1.
func seed(t testing.TB, s store.Store) process.ContributionWindow {
	t.Helper()
	check(t, s.PutProcess(t.Context(), gcm()))
	w := window("ts1", "TS1")
	check(t, s.PutWindow(t.Context(), w))
	return w
}

func submission(party, key string) process.Submission {
	return process.Submission{ProcessID: "gcm-2018", StageID: "ts1", Party: party, Role: "member-state",
		IdempotencyKey: key, Title: "Contribution of " + party, Body: "Text submitted by " + party + "."}
}

// during is a moment inside the fixture's window, in another zone and with
// nanoseconds, which receipts drop.
var during = t0.Add(time.Hour + 123456789).In(time.FixedZone("EST", -5*3600))

func contentSHA256(s process.Submission) string {
	sum := sha256.Sum256(append([]byte(s.Title+"\n"+s.Body), s.Attachment...))
	return hex.EncodeToString(sum[:])
}

func check(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantKind checks that err is a store *process.Error of kind.
func wantKind(t *testing.T, err error, kind process.Kind) {
	t.Helper()
	var e *process.Error
	switch {
	case err == nil:
		t.Fatalf("got no error, want %v", kind)
	case !errors.As(err, &e):
		t.Fatalf("got %T %v, want a *process.Error", err, err)
	case !strings.HasPrefix(e.Op, "store."):
		t.Fatalf("got op %q in %v, want store.*", e.Op, err)
	case process.KindOf(err) != kind:
		t.Fatalf("got %v error %v, want %v", process.KindOf(err), err, kind)
	}
}

func equal[T any](t *testing.T, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %+v\nwant %+v", got, want)
	}
}

func testProcesses(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.GetProcess(ctx, "gcm-2018")
	wantKind(t, err, process.NotFound)

	p := gcm()
	check(t, s.PutProcess(ctx, p))
	got, err := s.GetProcess(ctx, p.ID)
	check(t, err)
	equal(t, got, p)

	p.Phase, p.Status = "negotiations", "completed"
	check(t, s.PutProcess(ctx, p))
	got, err = s.GetProcess(ctx, p.ID)
	check(t, err)
	equal(t, got, p)

	refugees := process.Process{ID: "gcr-2018", Code: "GCR", Title: "Global Compact on Refugees",
		CreatedAt: p.CreatedAt.Add(time.Hour)}
	check(t, s.PutProcess(ctx, refugees))
	all, err := s.ListProcesses(ctx)
	check(t, err)
	equal(t, all, []process.Process{p, refugees})

	wantKind(t, s.PutProcess(ctx, process.Process{Code: "X"}), process.Invalid)
	wantKind(t, s.PutProcess(ctx, process.Process{ID: "x"}), process.Invalid)
	// Tracking numbers start with the code: two processes cannot share it.
	wantKind(t, s.PutProcess(ctx, process.Process{ID: "gcm-sim", Code: "GCM"}), process.Conflict)
}

// A reservation takes a new ID or one still starting, never one running.
func testReserveProcess(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := gcm()
	check(t, s.ReserveProcess(ctx, p))
	got, err := s.GetProcess(ctx, p.ID)
	check(t, err)
	if got.Status != process.ProcessStarting {
		t.Fatalf("reserved as %q, want %q", got.Status, process.ProcessStarting)
	}
	check(t, s.ReserveProcess(ctx, p)) // its workflow failed to start: taken again

	p.Status = "running"
	check(t, s.PutProcess(ctx, p))
	wantKind(t, s.ReserveProcess(ctx, p), process.Conflict)
	got, err = s.GetProcess(ctx, p.ID)
	check(t, err)
	equal(t, got, p)

	other := process.Process{ID: "other", Code: p.Code, Title: "Another"}
	wantKind(t, s.ReserveProcess(ctx, other), process.Conflict)
}

// Of reservations racing once the first has started, none undoes it.
func testReserveProcessConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	p := gcm()
	check(t, s.ReserveProcess(ctx, p))
	started := p
	started.Status = "running"
	errs := make(chan error, 9)
	var wg sync.WaitGroup
	for i := range 9 {
		wg.Go(func() {
			if i == 4 {
				errs <- s.PutProcess(ctx, started)
				return
			}
			errs <- s.ReserveProcess(ctx, p)
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil && process.KindOf(err) != process.Conflict {
			t.Fatalf("reserve: %v", err)
		}
	}
	got, err := s.GetProcess(ctx, p.ID)
	check(t, err)
	equal(t, got, started)
	wantKind(t, s.ReserveProcess(ctx, p), process.Conflict)
}

func testStages(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.PutProcess(ctx, gcm()))
	day := func(d int) process.Date { return process.Date{Time: time.Date(2017, 5, d, 0, 0, 0, 0, time.UTC)} }
	stages := []process.Stage{
		{ProcessID: "gcm-2018", Phase: "consultations", Seq: 2, Status: process.Scheduled, Spec: process.StageSpec{
			ID: "ts1", Kind: process.ThematicSession, Code: "TS1", Title: "Human rights", Start: day(8), End: day(9),
			Window: &process.Window{Opens: day(1), Closes: day(7)}}},
		{ProcessID: "gcm-2018", Phase: "preparation", Seq: 1, Status: process.Completed, Spec: process.StageSpec{
			ID: "modalities", Kind: process.Milestone, Title: "Modalities resolution", Start: day(1),
			Documents: []process.Document{{Symbol: "A/RES/71/280", Title: "Modalities", Kind: "resolution"}}}},
		{ProcessID: "gcm-2018", Phase: "consultations", Seq: 3, Status: process.Scheduled, Spec: process.StageSpec{
			ID: "ts2", Kind: process.ThematicSession, Code: "TS2", Title: "Drivers", Start: day(22)}},
	}
	check(t, s.PutStages(ctx, stages))
	got, err := s.ListStages(ctx, "gcm-2018")
	check(t, err)
	equal(t, got, []process.Stage{stages[1], stages[0], stages[2]})

	moved := stages[2]
	moved.Status, moved.Moved, moved.Spec.Start = process.Running, true, day(23)
	check(t, s.PutStages(ctx, []process.Stage{moved}))
	got, err = s.ListStages(ctx, "gcm-2018")
	check(t, err)
	equal(t, got, []process.Stage{stages[1], stages[0], moved})

	check(t, s.PutProcess(ctx, process.Process{ID: "gcr-2018", Code: "GCR", Title: "Global Compact on Refugees"}))
	refugees := process.Stage{ProcessID: "gcr-2018", Phase: "consultations", Seq: 1, Status: process.Scheduled,
		Spec: process.StageSpec{ID: "ts1", Kind: process.ThematicSession, Title: "Past and current burden- and responsibility-sharing", Start: day(10)}}
	check(t, s.PutStages(ctx, []process.Stage{refugees}))
	all, err := s.AllStages(ctx)
	check(t, err)
	equal(t, all, []process.Stage{stages[1], stages[0], moved, refugees})

	// One stage of an unknown process fails the whole call.
	ts3 := process.Stage{ProcessID: "gcm-2018", Seq: 4, Spec: process.StageSpec{ID: "ts3"}}
	stray := process.Stage{ProcessID: "nope", Seq: 1, Spec: process.StageSpec{ID: "ts1"}}
	wantKind(t, s.PutStages(ctx, []process.Stage{ts3, stray}), process.NotFound)
	wantKind(t, s.PutStages(ctx, []process.Stage{{ProcessID: "gcm-2018"}}), process.Invalid)
	got, err = s.ListStages(ctx, "gcm-2018")
	check(t, err)
	if len(got) != 3 {
		t.Fatalf("a failed PutStages wrote: %d stages", len(got))
	}
	none, err := s.ListStages(ctx, "nope")
	check(t, err)
	equal(t, none, []process.Stage{})
}

func testWindows(t *testing.T, s store.Store) {
	ctx := t.Context()
	w := window("ts1", "TS1")
	wantKind(t, s.PutWindow(ctx, w), process.NotFound) // no process yet
	check(t, s.PutProcess(ctx, gcm()))
	_, err := s.GetWindow(ctx, w.ProcessID, w.StageID)
	wantKind(t, err, process.NotFound)

	w.State, w.OpensAt = process.WindowPending, t0.Add(123456789) // nanoseconds survive
	check(t, s.PutWindow(ctx, w))
	got, err := s.GetWindow(ctx, w.ProcessID, w.StageID)
	check(t, err)
	equal(t, got, w)

	w.State, w.ClosesAt = process.WindowOpen, w.ClosesAt.Add(7*24*time.Hour) // opened, then extended
	check(t, s.PutWindow(ctx, w))
	got, err = s.GetWindow(ctx, w.ProcessID, w.StageID)
	check(t, err)
	equal(t, got, w)

	backwards := w
	backwards.ClosesAt = w.OpensAt
	wantKind(t, s.PutWindow(ctx, backwards), process.Invalid)
	sealed := w
	sealed.State = process.WindowSealed
	wantKind(t, s.PutWindow(ctx, sealed), process.Invalid)
	wantKind(t, s.PutWindow(ctx, process.ContributionWindow{ProcessID: "gcm-2018", StageID: "ts9"}), process.Invalid)

	_, err = s.SealWindow(ctx, w.ProcessID, w.StageID)
	check(t, err)
	got, err = s.GetWindow(ctx, w.ProcessID, w.StageID)
	check(t, err)
	equal(t, got.State, process.WindowSealed)
	wantKind(t, s.PutWindow(ctx, w), process.Conflict)

	// A process's windows, and every process's, each in one query.
	none, err := s.ListWindows(ctx, "nope")
	check(t, err)
	equal(t, none, []process.ContributionWindow{})
	ts0 := window("ts0", "TS0")
	check(t, s.PutWindow(ctx, ts0))
	check(t, s.PutProcess(ctx, process.Process{ID: "gcr-2018", Code: "GCR", Title: "Global Compact on Refugees"}))
	refugees := window("ts1", "GCR-TS1")
	refugees.ProcessID = "gcr-2018"
	check(t, s.PutWindow(ctx, refugees))
	list, err := s.ListWindows(ctx, "gcm-2018")
	check(t, err)
	equal(t, list, []process.ContributionWindow{ts0, got})
	all, err := s.AllWindows(ctx)
	check(t, err)
	equal(t, all, []process.ContributionWindow{ts0, got, refugees})
}

// testScheduledWindows: a window as scheduled takes contributions between
// its times before its workflow opens it; a cancelled one takes none and
// stays cancelled; opening and rescheduling at once leave it open.
func testScheduledWindows(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.PutProcess(ctx, gcm()))
	w := window("ts1", "TS1")
	w.State = process.WindowScheduled
	check(t, s.PutWindow(ctx, w))
	_, err := s.Submit(ctx, submission("MEX", "early"), t0.Add(-time.Second))
	wantKind(t, err, process.Conflict)
	r, err := s.Submit(ctx, submission("MEX", "k1"), t0)
	check(t, err)
	equal(t, r.Tracking, "GCM-TS1-000001")
	_, err = s.Submit(ctx, submission("MEX", "late"), w.ClosesAt)
	wantKind(t, err, process.Conflict)

	w.State = process.WindowOpen
	check(t, s.PutWindow(ctx, w))
	w.State, w.ClosesAt = process.WindowScheduled, w.ClosesAt.Add(time.Hour)
	check(t, s.PutWindow(ctx, w))
	got, err := s.GetWindow(ctx, w.ProcessID, w.StageID)
	check(t, err)
	equal(t, got.State, process.WindowOpen)
	equal(t, got.ClosesAt, w.ClosesAt)

	dropped := window("ts2", "TS2")
	dropped.State = process.WindowCancelled
	check(t, s.PutWindow(ctx, dropped))
	check(t, s.PutWindow(ctx, dropped)) // a retry
	sub := submission("MEX", "k2")
	sub.StageID = "ts2"
	_, err = s.Submit(ctx, sub, during)
	wantKind(t, err, process.Conflict)
	dropped.State = process.WindowScheduled
	wantKind(t, s.PutWindow(ctx, dropped), process.Conflict)
	dropped.State = process.WindowOpen
	wantKind(t, s.PutWindow(ctx, dropped), process.Conflict)
}

func testSubmit(t *testing.T, s store.Store) {
	ctx := t.Context()
	seed(t, s)
	sub := submission("MEX", "k1")
	sub.Attachment, sub.AttachmentType = []byte("%PDF-1.7 \x00\xff"), "application/pdf"
	r, err := s.Submit(ctx, sub, during)
	check(t, err)
	want := process.Receipt{Tracking: "GCM-TS1-000001", SubmittedAt: during.UTC().Truncate(time.Microsecond),
		SHA256: contentSHA256(sub)}
	equal(t, r, want)
	got, err := s.GetContribution(ctx, r.Tracking)
	check(t, err)
	equal(t, got, process.Contribution{Submission: sub, Receipt: r, AttachmentSize: len(sub.Attachment)})
	// A list leaves the attachment's bytes out, and counts them.
	listed, err := s.ListContributions(ctx, store.ContributionFilter{StageID: "ts1", Party: "MEX"})
	check(t, err)
	sub.Attachment = nil
	equal(t, listed, []process.Contribution{{Submission: sub, Receipt: r, AttachmentSize: len(got.Attachment)}})

	// An accredited stakeholder may contribute too.
	_, err = s.Apply(ctx, process.Application{ProcessID: "gcm-2018", Party: "ngo-1", Name: "NGO", ECOSOC: true, Match: verified(), AppliedAt: t0}, nil)
	check(t, err)
	ngo := submission("ngo-1", "k1")
	ngo.Role = "stakeholder"
	r, err = s.Submit(ctx, ngo, during)
	check(t, err)
	equal(t, r.Tracking, "GCM-TS1-000002")

	_, err = s.GetContribution(ctx, "GCM-TS1-000003")
	wantKind(t, err, process.NotFound)
}

func testSubmitIdempotent(t *testing.T, s store.Store) {
	ctx := t.Context()
	w := seed(t, s)
	first, err := s.Submit(ctx, submission("MEX", "k1"), during)
	check(t, err)
	again, err := s.Submit(ctx, submission("MEX", "k1"), during.Add(time.Minute))
	check(t, err)
	equal(t, again, first)

	// Another party's key is its own.
	other, err := s.Submit(ctx, submission("CHE", "k1"), during)
	check(t, err)
	equal(t, other.Tracking, "GCM-TS1-000002")

	// A key names one submission: reusing it for another is refused, not
	// dropped.
	changed := submission("MEX", "k1")
	changed.Body = "Other text."
	_, err = s.Submit(ctx, changed, during)
	wantKind(t, err, process.Conflict)

	// A retry gets its receipt after the window has closed.
	_, err = s.SealWindow(ctx, w.ProcessID, w.StageID)
	check(t, err)
	again, err = s.Submit(ctx, submission("MEX", "k1"), w.ClosesAt.Add(time.Hour))
	check(t, err)
	equal(t, again, first)

	cs, err := s.ListContributions(ctx, store.ContributionFilter{})
	check(t, err)
	equal(t, len(cs), 2)
}

func testSubmitRefused(t *testing.T, s store.Store) {
	ctx := t.Context()
	w := seed(t, s)
	pending := window("ts2", "TS2")
	pending.State = process.WindowPending
	check(t, s.PutWindow(ctx, pending))
	_, err := s.Apply(ctx, process.Application{ProcessID: "gcm-2018", Party: "ngo-1", Name: "NGO", AppliedAt: t0}, nil)
	check(t, err)

	stakeholder := func(party string) process.Submission {
		sub := submission(party, "k")
		sub.Role = "stakeholder"
		return sub
	}
	missing := submission("MEX", "k")
	missing.StageID = "ts9"
	inPending := submission("MEX", "k")
	inPending.StageID = "ts2"
	badRole := submission("MEX", "k")
	badRole.Role = "observer"
	empty := submission("MEX", "k")
	empty.Title, empty.Body = "", ""
	for _, tt := range []struct {
		name string
		sub  process.Submission
		now  time.Time
		kind process.Kind
	}{
		{"no window", missing, during, process.NotFound},
		{"window pending", inPending, during, process.Conflict},
		{"before it opens", submission("MEX", "k"), w.OpensAt.Add(-time.Nanosecond), process.Conflict},
		{"as it closes", submission("MEX", "k"), w.ClosesAt, process.Conflict},
		{"never applied", stakeholder("ngo-2"), during, process.Rule},
		{"not approved yet", stakeholder("ngo-1"), during, process.Rule},
		{"unknown role", badRole, during, process.Invalid},
		{"no idempotency key", submission("MEX", ""), during, process.Invalid},
		{"no content", empty, during, process.Invalid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.Submit(ctx, tt.sub, tt.now)
			wantKind(t, err, tt.kind)
		})
	}
	_, err = s.SealWindow(ctx, w.ProcessID, w.StageID)
	check(t, err)
	_, err = s.Submit(ctx, submission("MEX", "k"), during)
	wantKind(t, err, process.Conflict)

	// Nothing refused was written, and no tracking number was spent.
	cs, err := s.ListContributions(ctx, store.ContributionFilter{})
	check(t, err)
	equal(t, cs, []process.Contribution{})
	seal, err := s.SealWindow(ctx, w.ProcessID, w.StageID)
	check(t, err)
	equal(t, seal.Count, 0)
}

func testSubmitConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	seed(t, s)
	const n = 50
	receipts := make([]process.Receipt, n)
	retries := make([]process.Receipt, 10)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var err error
			receipts[i], err = s.Submit(ctx, submission(fmt.Sprintf("P%02d", i), "k"), during)
			if err != nil {
				t.Error(err)
			}
		})
	}
	// Concurrent retries of one submission store it once.
	for i := range retries {
		wg.Go(func() {
			var err error
			retries[i], err = s.Submit(ctx, submission("MEX", "retried"), during)
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	for _, r := range retries[1:] {
		equal(t, r, retries[0])
	}
	var tracking []string
	for _, r := range append(receipts, retries[0]) {
		tracking = append(tracking, r.Tracking)
	}
	slices.Sort(tracking)
	for i, tr := range tracking {
		equal(t, tr, fmt.Sprintf("GCM-TS1-%06d", i+1))
	}
	cs, err := s.ListContributions(ctx, store.ContributionFilter{Limit: 1000})
	check(t, err)
	equal(t, len(cs), n+1)
}

// testSubmitConcurrentRefused submits refused contributions among
// accepted ones, which a group commit puts in the same transactions: each
// refused one gets its own error, the others their receipts, and the
// tracking numbers have no gap.
func testSubmitConcurrentRefused(t *testing.T, s store.Store) {
	ctx := t.Context()
	w := seed(t, s)
	pending := window("ts2", "TS2")
	pending.State = process.WindowPending
	check(t, s.PutWindow(ctx, pending))
	_, err := s.Apply(ctx, process.Application{ProcessID: "gcm-2018", Party: "ngo-1", Name: "NGO", AppliedAt: t0}, nil)
	check(t, err)
	first, err := s.Submit(ctx, submission("MEX", "k"), during)
	check(t, err)

	notApproved := submission("ngo-1", "k")
	notApproved.Role = "stakeholder"
	inPending := submission("CHE", "k")
	inPending.StageID = "ts2"
	reused := submission("MEX", "k")
	reused.Body = "Other text."
	missing := submission("MEX", "missing")
	missing.StageID = "ts9"
	refused := []struct {
		sub  process.Submission
		now  time.Time
		kind process.Kind
	}{
		{notApproved, during, process.Rule},
		{inPending, during, process.Conflict},
		{submission("FRA", "k"), w.ClosesAt, process.Conflict},
		{reused, during, process.Conflict},
		{missing, during, process.NotFound},
	}

	const n = 40
	receipts := make([]process.Receipt, n)
	var retry process.Receipt
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var err error
			if receipts[i], err = s.Submit(ctx, submission(fmt.Sprintf("P%02d", i), "k"), during); err != nil {
				t.Error(err)
			}
			if i < len(refused) { // interleave a refused one
				tt := refused[i]
				_, err := s.Submit(ctx, tt.sub, tt.now)
				if process.KindOf(err) != tt.kind {
					t.Errorf("%s/%s in %s: got %v, want a %v error", tt.sub.Party, tt.sub.IdempotencyKey, tt.sub.StageID, err, tt.kind)
				}
			}
		})
	}
	wg.Go(func() {
		var err error
		if retry, err = s.Submit(ctx, submission("MEX", "k"), during); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	equal(t, retry, first)
	tracking := []string{first.Tracking}
	for _, r := range receipts {
		tracking = append(tracking, r.Tracking)
	}
	slices.Sort(tracking)
	for i, tr := range tracking {
		equal(t, tr, fmt.Sprintf("GCM-TS1-%06d", i+1))
	}
	cs, err := s.ListContributions(ctx, store.ContributionFilter{Limit: 1000})
	check(t, err)
	equal(t, len(cs), n+1)
}

// testSealWindowByPurpose: an accreditation window seals the applications
// filed while it was open, a draft's window the amendments to it.
func testSealWindowByPurpose(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.PutProcess(ctx, gcm()))
	acc := window("accreditation", "ACC")
	acc.Purpose, acc.Public = process.ForApplications, false
	check(t, s.PutWindow(ctx, acc))
	for i, at := range []time.Time{t0.Add(-time.Hour), t0, during} { // the first applied before it opened
		_, err := s.Apply(ctx, process.Application{ProcessID: "gcm-2018", Party: fmt.Sprintf("ngo-%d", i), AppliedAt: at}, nil)
		check(t, err)
	}
	seal, err := s.SealWindow(ctx, "gcm-2018", "accreditation")
	check(t, err)
	equal(t, seal.Count, 2)

	draft := window("rev1", "R1")
	draft.Purpose, draft.Public = process.ForAmendments, false
	check(t, s.PutWindow(ctx, draft))
	for p := range 3 {
		check(t, s.AddAmendment(ctx, process.Amendment{ProcessID: "gcm-2018", StageID: "rev1", State: "MEX", Revision: 1, Paragraph: p, Text: "Amended."}))
	}
	seal, err = s.SealWindow(ctx, "gcm-2018", "rev1")
	check(t, err)
	equal(t, seal.Count, 3)
}

func testSealWindow(t *testing.T, s store.Store) {
	ctx := t.Context()
	w := seed(t, s)
	_, err := s.SealWindow(ctx, "gcm-2018", "ts9")
	wantKind(t, err, process.NotFound)

	h := sha256.New()
	for _, party := range []string{"MEX", "CHE", "ngo-1"} {
		sub := submission(party, "k")
		if party == "ngo-1" {
			_, err := s.Apply(ctx, process.Application{ProcessID: "gcm-2018", Party: party, ECOSOC: true, Match: verified(), AppliedAt: t0}, nil)
			check(t, err)
			sub.Role = "stakeholder"
		}
		r, err := s.Submit(ctx, sub, during)
		check(t, err)
		h.Write([]byte(r.SHA256))
	}
	// A withdrawn contribution was still received.
	check(t, s.Withdraw(ctx, "GCM-TS1-000002", "CHE"))

	seal, err := s.SealWindow(ctx, w.ProcessID, w.StageID)
	check(t, err)
	equal(t, seal, process.Seal{Count: 3, Digest: hex.EncodeToString(h.Sum(nil))})
	again, err := s.SealWindow(ctx, w.ProcessID, w.StageID)
	check(t, err)
	equal(t, again, seal)
	_, err = s.Submit(ctx, submission("FRA", "k"), during)
	wantKind(t, err, process.Conflict)

	check(t, s.PutWindow(ctx, window("ts2", "TS2")))
	empty, err := s.SealWindow(ctx, "gcm-2018", "ts2")
	check(t, err)
	equal(t, empty, process.Seal{Count: 0, Digest: hex.EncodeToString(sha256.New().Sum(nil))})
}

func testListContributions(t *testing.T, s store.Store) {
	ctx := t.Context()
	seed(t, s)
	check(t, s.PutWindow(ctx, window("ts2", "TS2")))
	var all []process.Contribution
	for i, party := range []string{"MEX", "CHE", "MEX", "FRA"} {
		sub := submission(party, fmt.Sprint(i))
		if i%2 == 1 {
			sub.StageID = "ts2"
		}
		r, err := s.Submit(ctx, sub, during)
		check(t, err)
		all = append(all, process.Contribution{Submission: sub, Receipt: r})
	}
	// Tracking order: TS1's, then TS2's.
	ts1, ts2 := []process.Contribution{all[0], all[2]}, []process.Contribution{all[1], all[3]}
	for _, tt := range []struct {
		name   string
		filter store.ContributionFilter
		want   []process.Contribution
	}{
		{"all", store.ContributionFilter{}, slices.Concat(ts1, ts2)},
		{"process", store.ContributionFilter{ProcessID: "gcm-2018"}, slices.Concat(ts1, ts2)},
		{"other process", store.ContributionFilter{ProcessID: "gcr-2018"}, []process.Contribution{}},
		{"stage", store.ContributionFilter{ProcessID: "gcm-2018", StageID: "ts2"}, ts2},
		{"party", store.ContributionFilter{Party: "MEX"}, ts1},
		{"first page", store.ContributionFilter{Limit: 3}, slices.Concat(ts1, ts2[:1])},
		{"next page", store.ContributionFilter{Limit: 3, After: ts2[0].Tracking}, ts2[1:]},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ListContributions(ctx, tt.filter)
			check(t, err)
			equal(t, got, tt.want)
		})
	}
	_, err := s.ListContributions(ctx, store.ContributionFilter{Limit: -1})
	wantKind(t, err, process.Invalid)
}

func testWithdraw(t *testing.T, s store.Store) {
	ctx := t.Context()
	seed(t, s)
	r, err := s.Submit(ctx, submission("MEX", "k"), during)
	check(t, err)
	wantKind(t, s.Withdraw(ctx, r.Tracking, "CHE"), process.NotFound)
	wantKind(t, s.Withdraw(ctx, "GCM-TS1-000009", "MEX"), process.NotFound)
	c, err := s.GetContribution(ctx, r.Tracking)
	check(t, err)
	equal(t, c.Withdrawn, false)

	check(t, s.Withdraw(ctx, r.Tracking, "MEX"))
	check(t, s.Withdraw(ctx, r.Tracking, "MEX"))
	c, err = s.GetContribution(ctx, r.Tracking)
	check(t, err)
	equal(t, c.Withdrawn, true)
}

func testAccreditation(t *testing.T, s store.Store) {
	ctx := t.Context()
	apply := func(party string, ecosoc bool, at time.Time) process.Application {
		t.Helper()
		a := process.Application{ProcessID: "gcm-2018", Party: party, Name: "Org " + party,
			Category: "civil-society", ECOSOC: ecosoc, AppliedAt: at}
		if ecosoc {
			a.Match = verified()
		}
		a, err := s.Apply(ctx, a, nil)
		check(t, err)
		return a
	}
	ecosoc := apply("ecosoc-org", true, t0)
	equal(t, ecosoc.State, process.Approved)
	equal(t, ecosoc.DecidedAt, t0)
	b := apply("org-b", false, t0.Add(time.Hour))
	equal(t, b.State, process.Applied)
	equal(t, b.DecidedAt, time.Time{})
	c := apply("org-c", false, t0.Add(2*time.Hour))
	got, err := s.GetApplication(ctx, "gcm-2018", "", "org-b")
	check(t, err)
	equal(t, got, b)

	_, err = s.Apply(ctx, b, nil)
	wantKind(t, err, process.Conflict)
	_, err = s.Apply(ctx, process.Application{ProcessID: "gcm-2018"}, nil)
	wantKind(t, err, process.Invalid)
	_, err = s.GetApplication(ctx, "gcm-2018", "", "org-x")
	wantKind(t, err, process.NotFound)
	// Only an application under circulation takes objections.
	wantKind(t, s.Object(ctx, "gcm-2018", "", "org-b", process.Objection{State: "USA"}), process.Conflict)
	wantKind(t, s.Object(ctx, "gcm-2018", "", "org-x", process.Objection{State: "USA"}), process.NotFound)

	list, err := s.Circulate(ctx, "gcm-2018", "", "L1")
	check(t, err)
	b.State, b.List, c.State, c.List = process.Circulated, "L1", process.Circulated, "L1"
	equal(t, list, []process.Application{b, c})
	// Circulating a list again returns it as it was: a late application is
	// left for the next list.
	d := apply("org-d", false, t0.Add(3*time.Hour))
	list, err = s.Circulate(ctx, "gcm-2018", "", "L1")
	check(t, err)
	equal(t, list, []process.Application{b, c})

	objection := process.Objection{State: "USA", Reason: "Not migration-related."}
	check(t, s.Object(ctx, "gcm-2018", "", "org-c", objection))
	check(t, s.Object(ctx, "gcm-2018", "", "org-c", objection))
	wantKind(t, s.Object(ctx, "gcm-2018", "", "org-c", process.Objection{}), process.Invalid)
	got, err = s.GetApplication(ctx, "gcm-2018", "", "org-c")
	check(t, err)
	equal(t, got.Objections, []process.Objection{objection})

	_, err = s.Decide(ctx, "gcm-2018", "L9", t0)
	wantKind(t, err, process.NotFound)
	decided := t0.Add(10 * 24 * time.Hour)
	outcome, err := s.Decide(ctx, "gcm-2018", "L1", decided)
	check(t, err)
	b.State, b.DecidedAt = process.Approved, decided
	c.State, c.DecidedAt, c.Objections = process.Rejected, decided, []process.Objection{objection}
	equal(t, outcome, []process.Application{b, c})
	again, err := s.Decide(ctx, "gcm-2018", "L1", decided.Add(time.Hour))
	check(t, err)
	equal(t, again, outcome)

	// A retried objection stays a no-op; a new one is too late.
	check(t, s.Object(ctx, "gcm-2018", "", "org-c", objection))
	wantKind(t, s.Object(ctx, "gcm-2018", "", "org-b", process.Objection{State: "FRA"}), process.Conflict)

	approved, err := s.ListApplications(ctx, "gcm-2018", "", process.Approved)
	check(t, err)
	equal(t, approved, []process.Application{ecosoc, b})
	all, err := s.ListApplications(ctx, "gcm-2018", "", "")
	check(t, err)
	equal(t, all, []process.Application{ecosoc, b, c, d})

	list, err = s.Circulate(ctx, "gcm-2018", "", "L2")
	check(t, err)
	d.State, d.List = process.Circulated, "L2"
	equal(t, list, []process.Application{d})

	// A circulation that finds no application stores no list and leaves
	// its name to the next one that does.
	list, err = s.Circulate(ctx, "gcm-2018", "", "L3")
	check(t, err)
	equal(t, len(list), 0)
	_, err = s.Decide(ctx, "gcm-2018", "L3", decided)
	wantKind(t, err, process.NotFound)
	e := apply("org-e", false, t0.Add(4*time.Hour))
	list, err = s.Circulate(ctx, "gcm-2018", "", "L3")
	check(t, err)
	e.State, e.List = process.Circulated, "L3"
	equal(t, list, []process.Application{e})
}

func testDocuments(t *testing.T, s store.Store) {
	ctx := t.Context()
	zero := process.DocumentVersion{ProcessID: "gcm-2018", StageID: "zero-draft", Name: "draft", Revision: 0,
		Title: "Zero draft", Kind: "draft", Paragraphs: []string{"We, the Heads of State…", "Migration is…"},
		IssuedAt: time.Date(2018, 2, 5, 0, 0, 0, 0, time.UTC)}
	stored, err := s.PutDocument(ctx, zero)
	check(t, err)
	sum := sha256.Sum256([]byte("We, the Heads of State…\nMigration is…"))
	zero.SHA256 = hex.EncodeToString(sum[:])
	equal(t, stored, zero)
	got, err := s.GetDocument(ctx, "gcm-2018", "draft", 0)
	check(t, err)
	equal(t, got, zero)

	// The same content again is a no-op; other content is refused.
	retitled := zero
	retitled.SHA256, retitled.Title = "", "Zero draft (retry)"
	stored, err = s.PutDocument(ctx, retitled)
	check(t, err)
	equal(t, stored, zero)
	changed := zero
	changed.SHA256, changed.Paragraphs = "", []string{"Other text."}
	_, err = s.PutDocument(ctx, changed)
	wantKind(t, err, process.Conflict)
	lying := zero
	lying.Revision, lying.SHA256 = 5, strings.Repeat("0", 64)
	_, err = s.PutDocument(ctx, lying)
	wantKind(t, err, process.Invalid)
	_, err = s.PutDocument(ctx, process.DocumentVersion{ProcessID: "gcm-2018"})
	wantKind(t, err, process.Invalid)

	rev1 := changed
	rev1.Revision, rev1.Symbol = 1, "A/CONF.231/3"
	rev1, err = s.PutDocument(ctx, rev1)
	check(t, err)
	outcome := process.DocumentVersion{ProcessID: "gcm-2018", Name: "compact", Revision: 1, Title: "Outcome",
		Paragraphs: []string{}}
	outcome, err = s.PutDocument(ctx, outcome)
	check(t, err)
	all, err := s.ListDocuments(ctx, "gcm-2018")
	check(t, err)
	equal(t, all, []process.DocumentVersion{outcome, zero, rev1})

	_, err = s.GetDocument(ctx, "gcm-2018", "draft", 2)
	wantKind(t, err, process.NotFound)
}

func testAmendments(t *testing.T, s store.Store) {
	ctx := t.Context()
	first := process.Amendment{ProcessID: "gcm-2018", StageID: "round-1", State: "MEX", Revision: 0, Paragraph: 3,
		Text: "Replace \"shall\" with \"should\"."}
	second := first
	second.State, second.Paragraph = "HUN", 1
	check(t, s.AddAmendment(ctx, first))
	check(t, s.AddAmendment(ctx, second))
	check(t, s.AddAmendment(ctx, first)) // a retry
	wantKind(t, s.AddAmendment(ctx, process.Amendment{ProcessID: "gcm-2018", StageID: "round-1"}), process.Invalid)
	got, err := s.ListAmendments(ctx, "gcm-2018", "round-1")
	check(t, err)
	equal(t, got, []process.Amendment{first, second})
	none, err := s.ListAmendments(ctx, "gcm-2018", "round-2")
	check(t, err)
	equal(t, none, []process.Amendment{})
}

func event(processID string, i int) process.RecordEvent {
	zone := time.FixedZone("CET", 3600)
	return process.RecordEvent{ProcessID: processID, Key: fmt.Sprintf("event-%d", i), StageID: "ts1",
		Event: []string{"session.held", "window.opened", "window.closed"}[i%3], At: t0.Add(time.Duration(i)*time.Hour + 987654321).In(zone),
		Data: fmt.Sprintf(`{"n":%d, "note":"spaces and \u00e9 kept"}`, i)}
}

func testRecord(t *testing.T, s store.Store) {
	ctx := t.Context()
	var appended []process.RecordEntry
	for i := range 100 {
		e, err := s.Append(ctx, event("gcm-2018", i))
		check(t, err)
		appended = append(appended, e)
	}
	entries, err := s.Entries(ctx, "gcm-2018", 0)
	check(t, err)
	check(t, process.VerifyChain(entries))
	equal(t, entries, appended)

	again, err := s.Append(ctx, event("gcm-2018", 4))
	check(t, err)
	equal(t, again, entries[4])
	tail, err := s.Entries(ctx, "gcm-2018", 90)
	check(t, err)
	equal(t, tail, entries[90:])
	page, err := s.EntriesPage(ctx, "gcm-2018", 40, 25)
	check(t, err)
	equal(t, page, entries[40:65])
	last, err := s.EntriesPage(ctx, "gcm-2018", 95, 25)
	check(t, err)
	equal(t, last, entries[95:])
	_, err = s.EntriesPage(ctx, "gcm-2018", 0, 0)
	wantKind(t, err, process.Invalid)
	latest, err := s.LastEntries(ctx, "gcm-2018", 3)
	check(t, err)
	equal(t, latest, entries[97:])
	_, err = s.LastEntries(ctx, "gcm-2018", 0)
	wantKind(t, err, process.Invalid)
	var want []process.RecordEntry
	for _, e := range entries {
		if e.Event == entries[3].Event || e.Event == entries[7].Event {
			want = append(want, e)
		}
	}
	of, err := s.EntriesOf(ctx, "gcm-2018", []string{entries[7].Event, entries[3].Event, "no.such-event"})
	check(t, err)
	equal(t, of, want)

	// Each process has a chain of its own.
	other, err := s.Append(ctx, event("gcr-2018", 0))
	check(t, err)
	equal(t, other.Seq, 1)
	equal(t, other.PrevHash, process.GenesisHash)

	_, err = s.Append(ctx, process.RecordEvent{ProcessID: "gcm-2018", Event: "x"})
	wantKind(t, err, process.Invalid)
	none, err := s.Entries(ctx, "nope", 0)
	check(t, err)
	equal(t, none, []process.RecordEntry{})
}

func testRecordConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	const writers, keys = 20, 10
	got := make([][]process.RecordEntry, writers)
	var wg sync.WaitGroup
	for w := range writers {
		wg.Go(func() {
			for k := range keys {
				e, err := s.Append(ctx, event("gcm-2018", (k+w)%keys)) // every writer starts elsewhere
				if err != nil {
					t.Error(err)
					return
				}
				got[w] = append(got[w], e)
			}
		})
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	entries, err := s.Entries(ctx, "gcm-2018", 0)
	check(t, err)
	equal(t, len(entries), keys)
	check(t, process.VerifyChain(entries))
	byKey := map[string]process.RecordEntry{}
	for _, e := range entries {
		byKey[e.Key] = e
	}
	equal(t, len(byKey), keys)
	for _, es := range got {
		for _, e := range es {
			equal(t, e, byKey[e.Key])
		}
	}
}

func testPing(t *testing.T, s store.Store) {
	check(t, s.Ping(t.Context()))
}

func testTokens(t *testing.T, s store.Store) {
	ctx := t.Context()
	created := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	expires := created.Add(90 * 24 * time.Hour)
	pga := store.Token{ID: "tok-pga", Hash: strings.Repeat("a", 64), Role: "pga-office", Party: "PGA", Label: "desk", CreatedAt: created, ExpiresAt: expires}
	ngo := store.Token{ID: "tok-ngo", Hash: strings.Repeat("b", 64), Role: "stakeholder", Party: "org-1", CreatedAt: created.Add(time.Minute), ExpiresAt: expires}
	for _, tok := range []store.Token{pga, ngo} {
		if err := s.CreateToken(ctx, tok); err != nil {
			t.Fatal(err)
		}
	}
	wantKind(t, s.CreateToken(ctx, store.Token{ID: "tok-pga", Hash: strings.Repeat("c", 64), Role: "pga-office", Party: "PGA", ExpiresAt: expires}), process.Conflict)
	wantKind(t, s.CreateToken(ctx, store.Token{ID: "tok-x", Hash: pga.Hash, Role: "pga-office", Party: "PGA", ExpiresAt: expires}), process.Conflict)
	wantKind(t, s.CreateToken(ctx, store.Token{ID: "tok-y", Role: "pga-office", Party: "PGA", ExpiresAt: expires}), process.Invalid)
	wantKind(t, s.CreateToken(ctx, store.Token{ID: "tok-z", Hash: strings.Repeat("d", 64), Role: "pga-office", Party: "PGA"}), process.Invalid)

	got, err := s.TokenByHash(ctx, pga.Hash)
	if err != nil || !reflect.DeepEqual(got, pga) {
		t.Fatalf("TokenByHash = %+v, %v; want %+v", got, err, pga)
	}
	_, err = s.TokenByHash(ctx, strings.Repeat("f", 64))
	wantKind(t, err, process.NotFound)

	revoked := created.Add(time.Hour)
	if err := s.RevokeToken(ctx, "tok-ngo", revoked); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeToken(ctx, "tok-ngo", revoked.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	wantKind(t, s.RevokeToken(ctx, "tok-none", revoked), process.NotFound)
	all, err := s.ListTokens(ctx, store.TokenFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 || all[0].ID != "tok-pga" || !all[1].RevokedAt.Equal(revoked) {
		t.Fatalf("ListTokens = %+v; want pga, then ngo revoked at %s", all, revoked)
	}
	if own, err := s.ListTokens(ctx, store.TokenFilter{Role: "stakeholder", Party: "org-1"}); err != nil || len(own) != 1 || own[0].ID != "tok-ngo" {
		t.Fatalf("ListTokens of org-1 = %+v, %v; want tok-ngo alone", own, err)
	}
	if got, err := s.GetToken(ctx, "tok-ngo"); err != nil || got.Hash != ngo.Hash || !got.RevokedAt.Equal(revoked) {
		t.Fatalf("GetToken = %+v, %v", got, err)
	}
	_, err = s.GetToken(ctx, "tok-none")
	wantKind(t, err, process.NotFound)
}

// testTokenRotation: a rotated token answers to its new secret, and to the
// one it replaced until the grace ends; a second rotation drops the first
// secret; a revoked token is not rotated.
func testTokenRotation(t *testing.T, s store.Store) {
	ctx := t.Context()
	created := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	hash := func(c string) string { return strings.Repeat(c, 64) }
	tok := store.Token{ID: "tok-fra", Hash: hash("1"), Role: "member-state", Party: "FRA", CreatedAt: created, ExpiresAt: created.Add(90 * 24 * time.Hour)}
	check(t, s.CreateToken(ctx, tok))

	at := created.Add(24 * time.Hour)
	rotation := store.TokenRotation{Hash: hash("2"), At: at, GraceUntil: at.Add(time.Hour), ExpiresAt: at.Add(90 * 24 * time.Hour)}
	got, err := s.RotateToken(ctx, tok.ID, rotation)
	if err != nil || got.Hash != hash("2") || got.PreviousHash != hash("1") || !got.PreviousUntil.Equal(rotation.GraceUntil) ||
		!got.RotatedAt.Equal(at) || !got.ExpiresAt.Equal(rotation.ExpiresAt) || !got.CreatedAt.Equal(created) {
		t.Fatalf("RotateToken = %+v, %v", got, err)
	}
	for _, h := range []string{hash("1"), hash("2")} {
		if byHash, err := s.TokenByHash(ctx, h); err != nil || byHash.ID != tok.ID || byHash.Hash != hash("2") {
			t.Fatalf("TokenByHash(%.8s…) after rotation = %+v, %v", h, byHash, err)
		}
	}

	// Rotated again without grace: only the newest secret is known.
	got, err = s.RotateToken(ctx, tok.ID, store.TokenRotation{Hash: hash("3"), At: at.Add(time.Minute), ExpiresAt: rotation.ExpiresAt})
	if err != nil || got.Hash != hash("3") || got.PreviousHash != "" || !got.PreviousUntil.IsZero() {
		t.Fatalf("RotateToken without grace = %+v, %v", got, err)
	}
	for _, h := range []string{hash("1"), hash("2")} {
		_, err := s.TokenByHash(ctx, h)
		wantKind(t, err, process.NotFound)
	}

	_, err = s.RotateToken(ctx, "tok-none", store.TokenRotation{Hash: hash("4"), At: at, ExpiresAt: rotation.ExpiresAt})
	wantKind(t, err, process.NotFound)
	check(t, s.RevokeToken(ctx, tok.ID, at.Add(time.Hour)))
	_, err = s.RotateToken(ctx, tok.ID, store.TokenRotation{Hash: hash("4"), At: at.Add(2 * time.Hour), ExpiresAt: rotation.ExpiresAt})
	wantKind(t, err, process.Conflict)
	if _, err := s.TokenByHash(ctx, hash("4")); process.KindOf(err) != process.NotFound {
		t.Fatalf("a refused rotation stored its secret: %v", err)
	}
}

// testSessions: a session is found until it ends, its last use moves
// forward only, and an ended session stays ended.
func testSessions(t *testing.T, s store.Store) {
	ctx := t.Context()
	start := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	ss := store.Session{ID: "ses-1", TokenID: "tok-1", StartedAt: start}
	check(t, s.StartSession(ctx, ss))
	wantKind(t, s.StartSession(ctx, ss), process.Conflict)
	wantKind(t, s.StartSession(ctx, store.Session{ID: "ses-2", StartedAt: start}), process.Invalid)

	got, err := s.GetSession(ctx, "ses-1")
	if err != nil || got.TokenID != "tok-1" || !got.StartedAt.Equal(start) || !got.SeenAt.Equal(start) || !got.EndedAt.IsZero() {
		t.Fatalf("GetSession = %+v, %v", got, err)
	}
	check(t, s.TouchSession(ctx, "ses-1", start.Add(10*time.Minute)))
	check(t, s.TouchSession(ctx, "ses-1", start.Add(5*time.Minute))) // late, from another process
	if got, err := s.GetSession(ctx, "ses-1"); err != nil || !got.SeenAt.Equal(start.Add(10*time.Minute)) {
		t.Fatalf("after touches, GetSession = %+v, %v; want seen at +10m", got, err)
	}

	end := start.Add(20 * time.Minute)
	check(t, s.EndSession(ctx, "ses-1", end))
	check(t, s.EndSession(ctx, "ses-1", end.Add(time.Hour)))
	check(t, s.TouchSession(ctx, "ses-1", end.Add(time.Minute)))
	if got, err := s.GetSession(ctx, "ses-1"); err != nil || !got.EndedAt.Equal(end) || !got.SeenAt.Equal(start.Add(10*time.Minute)) {
		t.Fatalf("after the end, GetSession = %+v, %v; want ended at %s, not touched", got, err, end)
	}
	_, err = s.GetSession(ctx, "ses-none")
	wantKind(t, err, process.NotFound)
	wantKind(t, s.TouchSession(ctx, "ses-none", end), process.NotFound)
	wantKind(t, s.EndSession(ctx, "ses-none", end), process.NotFound)
}

// testPurgeSessions: a purge deletes the sessions idled out, signed out or
// past their lifetime at the times it is given, a batch at a time, and
// keeps every session still usable.
func testPurgeSessions(t *testing.T, s store.Store) {
	ctx := t.Context()
	now := time.Date(2026, 12, 1, 21, 0, 0, 0, time.UTC)
	idle, lifetime := 30*time.Minute, 12*time.Hour
	sessions := map[string]store.Session{
		"ses-live":     {StartedAt: now.Add(-time.Hour), SeenAt: now.Add(-time.Minute)},
		"ses-edge":     {StartedAt: now.Add(-lifetime), SeenAt: now.Add(-idle)}, // refused now, kept for this one purge
		"ses-idle-1":   {StartedAt: now.Add(-2 * time.Hour), SeenAt: now.Add(-idle - time.Second)},
		"ses-idle-2":   {StartedAt: now.Add(-3 * time.Hour), SeenAt: now.Add(-2 * time.Hour)},
		"ses-expired":  {StartedAt: now.Add(-lifetime - time.Second), SeenAt: now.Add(-time.Minute)},
		"ses-ended":    {StartedAt: now.Add(-4 * time.Hour), SeenAt: now.Add(-time.Hour), EndedAt: now.Add(-50 * time.Minute)},
		"ses-just-out": {StartedAt: now.Add(-time.Hour), SeenAt: now.Add(-2 * time.Minute), EndedAt: now.Add(-time.Minute)},
	}
	for id, ss := range sessions {
		ss.ID, ss.TokenID = id, "tok-1"
		check(t, s.StartSession(ctx, ss))
		if !ss.EndedAt.IsZero() {
			check(t, s.EndSession(ctx, id, ss.EndedAt))
		}
	}
	purge := store.SessionPurge{SeenBefore: now.Add(-idle), StartedBefore: now.Add(-lifetime), Limit: 3}
	wantKind(t, errOf(s.PurgeSessions(ctx, store.SessionPurge{SeenBefore: purge.SeenBefore, StartedBefore: purge.StartedBefore})), process.Invalid)
	n, err := s.PurgeSessions(ctx, purge)
	check(t, err)
	m, err := s.PurgeSessions(ctx, purge)
	check(t, err)
	if n != 3 || m != 1 {
		t.Fatalf("purges of 3 at most deleted %d, then %d; want 3, then 1 (4 sessions over)", n, m)
	}
	if n, err := s.PurgeSessions(ctx, purge); err != nil || n != 0 {
		t.Fatalf("a purge with nothing over deleted %d, %v", n, err)
	}
	for id := range sessions {
		_, err := s.GetSession(ctx, id)
		if kept := id == "ses-live" || id == "ses-edge" || id == "ses-just-out"; kept != (err == nil) {
			t.Errorf("after the purges, GetSession(%s) = %v; kept: %t", id, err, kept)
		}
	}
}

// testForgetTokenSecrets: a token that stopped working keeps its row, for
// the lists and the audit, but none of its secrets' hashes finds it; a live
// token loses only the secret a rotation replaced, once its grace is over.
func testForgetTokenSecrets(t *testing.T, s store.Store) {
	ctx := t.Context()
	created := time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)
	before := created.Add(100 * 24 * time.Hour)
	hash := func(c string) string { return strings.Repeat(c, 64) }
	tokens := []store.Token{
		{ID: "tok-live", Hash: hash("1"), ExpiresAt: before.Add(time.Hour)},
		{ID: "tok-expired", Hash: hash("2"), ExpiresAt: before.Add(-time.Second)},
		{ID: "tok-revoked", Hash: hash("3"), ExpiresAt: before.Add(time.Hour), RevokedAt: before.Add(-time.Hour)},
		{ID: "tok-revoked-late", Hash: hash("4"), ExpiresAt: before.Add(time.Hour), RevokedAt: before},
		{ID: "tok-rotated", Hash: hash("5"), ExpiresAt: before.Add(time.Hour)},
	}
	for _, tok := range tokens {
		tok.Role, tok.Party, tok.CreatedAt = "member-state", "FRA", created
		check(t, s.CreateToken(ctx, tok))
		if !tok.RevokedAt.IsZero() {
			check(t, s.RevokeToken(ctx, tok.ID, tok.RevokedAt))
		}
	}
	_, err := s.RotateToken(ctx, "tok-rotated", store.TokenRotation{Hash: hash("6"), At: before.Add(-2 * time.Hour),
		GraceUntil: before.Add(-time.Hour), ExpiresAt: before.Add(time.Hour)})
	check(t, err)

	wantKind(t, errOf(s.ForgetTokenSecrets(ctx, before, 0)), process.Invalid)
	n, err := s.ForgetTokenSecrets(ctx, before, 2)
	check(t, err)
	m, err := s.ForgetTokenSecrets(ctx, before, 2)
	check(t, err)
	if n != 2 || m != 1 {
		t.Fatalf("forgetting 2 at most changed %d, then %d; want 2, then 1 (the expired, the revoked, the rotated)", n, m)
	}
	if n, err := s.ForgetTokenSecrets(ctx, before, 2); err != nil || n != 0 {
		t.Fatalf("forgetting again changed %d, %v; want 0", n, err)
	}
	for c, found := range map[string]string{"1": "tok-live", "2": "", "3": "", "4": "tok-revoked-late", "5": "", "6": "tok-rotated"} {
		got, err := s.TokenByHash(ctx, hash(c))
		if found == "" {
			wantKind(t, err, process.NotFound)
		} else if err != nil || got.ID != found {
			t.Errorf("TokenByHash(%s…) = %+v, %v; want %s", c, got, err, found)
		}
	}
	all, err := s.ListTokens(ctx, store.TokenFilter{})
	check(t, err)
	if len(all) != len(tokens) {
		t.Fatalf("ListTokens after forgetting = %d tokens; want all %d", len(all), len(tokens))
	}
	if got, err := s.GetToken(ctx, "tok-revoked"); err != nil || !got.RevokedAt.Equal(before.Add(-time.Hour)) || got.Party != "FRA" {
		t.Fatalf("GetToken of a forgotten token = %+v, %v; want it revoked, FRA's", got, err)
	}
	// A forgotten token rotated by the office works again with its new secret.
	_, err = s.RotateToken(ctx, "tok-expired", store.TokenRotation{Hash: hash("7"), At: before, GraceUntil: before.Add(time.Hour), ExpiresAt: before.Add(90 * 24 * time.Hour)})
	check(t, err)
	if got, err := s.TokenByHash(ctx, hash("7")); err != nil || got.ID != "tok-expired" {
		t.Fatalf("TokenByHash of the forgotten token's new secret = %+v, %v", got, err)
	}
}

// errOf is the error of a call that returns a value too.
func errOf[T any](_ T, err error) error { return err }

func testEndpoints(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.GetEndpoint(ctx, "webhook", "https://ngo.example/hook")
	wantKind(t, err, process.NotFound)
	wantKind(t, s.PutEndpoint(ctx, store.Endpoint{Channel: "webhook"}), process.Invalid)

	hook := store.Endpoint{Channel: "webhook", Recipient: "https://ngo.example/hook", Language: "fr",
		Secret: "whsec_c2VjcmV0", Owner: "it@ngo.example"}
	check(t, s.PutEndpoint(ctx, hook))
	got, err := s.GetEndpoint(ctx, hook.Channel, hook.Recipient)
	check(t, err)
	equal(t, got, hook)

	// The first disabling stays; one of an unknown endpoint creates it.
	at := t0.Add(5 * 24 * time.Hour)
	e, err := s.DisableEndpoint(ctx, hook.Channel, hook.Recipient, "410 Gone", at)
	check(t, err)
	again, err := s.DisableEndpoint(ctx, hook.Channel, hook.Recipient, "later", at.Add(time.Hour))
	check(t, err)
	disabled := hook
	disabled.DisabledAt, disabled.DisabledReason = at, "410 Gone"
	equal(t, e, disabled)
	equal(t, again, disabled)
	e, err = s.DisableEndpoint(ctx, "email", "gone@example.org", "550 no such user", at)
	check(t, err)
	equal(t, e, store.Endpoint{Channel: "email", Recipient: "gone@example.org", DisabledAt: at, DisabledReason: "550 no such user"})
	_, err = s.DisableEndpoint(ctx, "email", "gone@example.org", "", at)
	wantKind(t, err, process.Invalid)

	// Registering it again enables it with a clean health.
	hook.Secret = "whsec_bmV3"
	check(t, s.PutEndpoint(ctx, hook))
	got, err = s.GetEndpoint(ctx, hook.Channel, hook.Recipient)
	check(t, err)
	equal(t, got, hook)
}

func testWindowPurpose(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.PutProcess(ctx, gcm()))
	for stage, purpose := range map[string]process.WindowPurpose{"acc": process.ForApplications, "rev1": process.ForAmendments} {
		w := window(stage, strings.ToUpper(stage))
		w.Purpose, w.Public = purpose, false
		check(t, s.PutWindow(ctx, w))
		_, err := s.Submit(ctx, process.Submission{ProcessID: "gcm-2018", StageID: stage, Party: "MEX", Role: "member-state",
			IdempotencyKey: "k-" + stage, Title: "T", Body: "B"}, t0.Add(time.Hour))
		wantKind(t, err, process.Conflict)
		seal, err := s.SealWindow(ctx, "gcm-2018", stage)
		check(t, err)
		equal(t, seal.Count, 0)
	}
	w := window("ts2", "TS2")
	w.Purpose = "gossip"
	wantKind(t, s.PutWindow(ctx, w), process.Invalid)
}

// testConferenceList: a stakeholder approved on the preparatory list
// applies to the conference's, which is circulated and decided apart; an
// objection on one list leaves the other alone.
func testConferenceList(t *testing.T, s store.Store) {
	ctx := t.Context()
	const id = "gcm-2018"
	conf := process.ConferenceList
	_, err := s.Apply(ctx, process.Application{ProcessID: id, Party: "org-a", Name: "Org A", Category: "academia", AppliedAt: t0}, nil)
	check(t, err)
	_, err = s.Circulate(ctx, id, process.PreparatoryList, "acc-list-1")
	check(t, err)
	_, err = s.Decide(ctx, id, "acc-list-1", t0.Add(24*time.Hour))
	check(t, err)

	a, err := s.Apply(ctx, process.Application{ProcessID: id, For: conf, Party: "org-a", Name: "Org A", Category: "academia", AppliedAt: t0.Add(48 * time.Hour)}, nil)
	check(t, err)
	equal(t, a.State, process.Applied) // approval on the preparatory list does not carry over
	equal(t, a.For, conf)
	_, err = s.Apply(ctx, a, nil)
	wantKind(t, err, process.Conflict)
	_, err = s.Apply(ctx, process.Application{ProcessID: id, For: "plenary", Party: "org-b", AppliedAt: t0}, nil)
	wantKind(t, err, process.Invalid)

	// The conference list's circulation takes only its own applications,
	// and the preparatory one's next batch none of them.
	prep, err := s.Circulate(ctx, id, process.PreparatoryList, "acc-list-2")
	check(t, err)
	equal(t, len(prep), 0)
	list, err := s.Circulate(ctx, id, conf, "conf-acc-list-1")
	check(t, err)
	equal(t, len(list), 1)
	equal(t, list[0].For, conf)

	objection := process.Objection{State: "HUN", Reason: "simulated"}
	wantKind(t, s.Object(ctx, id, process.PreparatoryList, "org-a", objection), process.Conflict)
	check(t, s.Object(ctx, id, conf, "org-a", objection))
	outcome, err := s.Decide(ctx, id, "conf-acc-list-1", t0.Add(72*time.Hour))
	check(t, err)
	equal(t, outcome[0].State, process.Rejected)

	onPrep, err := s.GetApplication(ctx, id, process.PreparatoryList, "org-a")
	check(t, err)
	equal(t, onPrep.State, process.Approved)
	equal(t, len(onPrep.Objections), 0)
	onConf, err := s.GetApplication(ctx, id, conf, "org-a")
	check(t, err)
	equal(t, onConf.Objections, []process.Objection{objection})

	approved, err := s.ListApplications(ctx, id, process.PreparatoryList, process.Approved)
	check(t, err)
	equal(t, len(approved), 1)
	all, err := s.ListApplications(ctx, id, "", "")
	check(t, err)
	equal(t, len(all), 2)
	rejected, err := s.ListApplications(ctx, id, conf, "")
	check(t, err)
	equal(t, rejected, []process.Application{onConf})
}
