package sqlstore_test

import (
	"bufio"
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/store/postgres"
	"github.com/compact-un/compact/store/sqlite"
	"github.com/compact-un/compact/store/sqlstore"
)

var (
	opens  = time.Date(2017, 5, 8, 9, 0, 0, 0, time.UTC)
	during = opens.Add(time.Hour)
)

func openSQLite(t testing.TB, path string) *sqlstore.DB {
	t.Helper()
	db, err := sqlite.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// onBothStores runs test as a subtest on a seeded store in a SQLite file
// and, when COMPACT_TEST_POSTGRES is set, on one in a fresh PostgreSQL
// database, each named by its dialect, and closes each after.
func onBothStores(t *testing.T, test func(t *testing.T, dialect string, db *sqlstore.DB)) {
	stores := map[string]*sqlstore.DB{"sqlite": openSQLite(t, filepath.Join(t.TempDir(), "compact.db"))}
	if pg := openPostgres(t); pg != nil {
		stores["postgres"] = pg
	} else {
		t.Log("COMPACT_TEST_POSTGRES is not set: SQLite only")
	}
	for dialect, db := range stores {
		t.Run(dialect, func(t *testing.T) {
			defer db.Close()
			seed(t, db)
			test(t, dialect, db)
		})
	}
}

// openPostgres opens a store in a fresh database on the server that
// COMPACT_TEST_POSTGRES names, or returns nil when it is unset.
func openPostgres(t testing.TB) *sqlstore.DB {
	u := freshPostgres(t)
	if u == "" {
		return nil
	}
	return openPostgresAt(t, u)
}

// freshPostgres creates a database on the server that COMPACT_TEST_POSTGRES
// names, dropped when the test ends, and returns its URL; "" when unset.
func freshPostgres(t testing.TB) string {
	raw := os.Getenv("COMPACT_TEST_POSTGRES")
	if raw == "" {
		return ""
	}
	admin, err := sql.Open("pgx", raw)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	name := "compact_batch_" + strings.ToLower(rand.Text()[:16])
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(`DROP DATABASE ` + name + ` WITH (FORCE)`); err != nil {
			t.Error(err)
		}
	})
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	return u.String()
}

// openPostgresAt opens the store in the database at u, as one more node.
func openPostgresAt(t testing.TB, u string) *sqlstore.DB {
	db, err := postgres.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// seed stores process GCM with open windows ts1 (TS1) and ts2 (TS2).
func seed(t testing.TB, db store.Store) {
	t.Helper()
	ctx := context.Background()
	errs := []error{db.PutProcess(ctx, process.Process{ID: "gcm-2018", Code: "GCM"})}
	for _, stage := range []string{"ts1", "ts2"} {
		errs = append(errs, db.PutWindow(ctx, process.ContributionWindow{ProcessID: "gcm-2018", StageID: stage,
			Code: strings.ToUpper(stage), State: process.WindowOpen, OpensAt: opens, ClosesAt: opens.AddDate(0, 1, 0)}))
	}
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func submission(party, key string) process.Submission {
	return process.Submission{ProcessID: "gcm-2018", StageID: "ts1", Party: party, Role: "member-state",
		IdempotencyKey: key, Title: "Contribution of " + party, Body: "Text of " + party + "."}
}

// TestBatchRefusedRows commits one batch with refused submissions among
// accepted ones. On PostgreSQL a failed statement aborts the transaction:
// the NUL byte, which PostgreSQL's text refuses, checks that its savepoint
// keeps the rest of the batch.
func TestBatchRefusedRows(t *testing.T) {
	onBothStores(t, func(t *testing.T, name string, db *sqlstore.DB) {
		stakeholder := submission("ngo-1", "k")
		stakeholder.Role = "stakeholder"
		nul := submission("CHE", "nul")
		nul.Title = "a\x00b"
		reused := submission("MEX", "k")
		reused.Body = "Other text."
		other := submission("MEX", "other")
		other.StageID = "ts2"
		subs := []process.Submission{
			submission("MEX", "k"), // 0
			stakeholder,            // 1: not accredited
			other,                  // 2: another window, sorted after ts1's
			nul,                    // 3: refused by PostgreSQL's INSERT
			reused,                 // 4: the key names another submission
			submission("FRA", "k"), // 5
			submission("MEX", "k"), // 6: a retry within the batch
		}
		for _, party := range []string{"member-state:MEX", "member-state:CHE", "member-state:FRA", "stakeholder:ngo-1"} {
			if _, err := db.Subscribe(t.Context(), store.Subscription{ProcessID: "gcm-2018", Recipient: party + "@example.org",
				Channel: "email", Topics: []string{"receipts"}, Owner: party}); err != nil {
				t.Fatal(err)
			}
		}
		receipts, errs := db.SubmitBatch(subs, during)

		for i, kind := range map[int]process.Kind{1: process.Rule, 4: process.Conflict} {
			if process.KindOf(errs[i]) != kind {
				t.Errorf("submission %d: got %v, want a %v error", i, errs[i], kind)
			}
		}
		if name == "postgres" && process.KindOf(errs[3]) != process.Invalid {
			t.Errorf("NUL in the title: got %v, want an invalid error", errs[3])
		}
		for _, i := range []int{0, 2, 5, 6} {
			if errs[i] != nil {
				t.Fatalf("submission %d: %v", i, errs[i])
			}
		}
		if receipts[6] != receipts[0] {
			t.Errorf("the retry got %+v, want %+v", receipts[6], receipts[0])
		}
		if receipts[2].Tracking != "GCM-TS2-000001" {
			t.Errorf("ts2's submission got %s", receipts[2].Tracking)
		}
		// Accepted ones are numbered without a gap where refused ones were.
		var tracking []string
		for _, i := range []int{0, 3, 5} {
			if errs[i] == nil {
				tracking = append(tracking, receipts[i].Tracking)
			}
		}
		for i, tr := range tracking {
			if want := fmt.Sprintf("GCM-TS1-%06d", i+1); tr != want {
				t.Errorf("tracking %v, want consecutive from GCM-TS1-000001", tracking)
				break
			}
		}
		cs, err := db.ListContributions(t.Context(), store.ContributionFilter{StageID: "ts1"})
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != len(tracking) {
			t.Errorf("ts1 holds %d contributions, want %d", len(cs), len(tracking))
		}
		// Each stored contribution's receipt is queued once; a refused one's not at all.
		ns, err := db.ListOutbox(t.Context(), "gcm-2018", "")
		if err != nil {
			t.Fatal(err)
		}
		var queued, want []string
		for _, n := range ns {
			queued = append(queued, n.EventKey)
		}
		for _, tr := range append(tracking, receipts[2].Tracking) {
			want = append(want, store.ReceiptKey(tr))
		}
		slices.Sort(queued)
		slices.Sort(want)
		if !slices.Equal(queued, want) {
			t.Errorf("queued receipts %v, want %v", queued, want)
		}
	})
}

// TestReceiptCommitsWithItsContribution breaks the outbox's inserts: a
// contribution whose receipt cannot be queued is not stored either, one
// with no receipt to queue is, and once the outbox mends, the retry stores
// both.
func TestReceiptCommitsWithItsContribution(t *testing.T) {
	// A trigger that fails every insert into the outbox, and its removal.
	outage := map[string]struct{ down, mend []string }{
		"sqlite": {down: []string{`CREATE TRIGGER outbox_down BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'outbox down'); END`},
			mend: []string{`DROP TRIGGER outbox_down`}},
		"postgres": {down: []string{
			`CREATE FUNCTION outbox_down() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'outbox down'; END $$`,
			`CREATE TRIGGER outbox_down BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION outbox_down()`},
			mend: []string{`DROP TRIGGER outbox_down ON outbox`}},
	}
	exec := func(t *testing.T, db *sqlstore.DB, stmts []string) {
		t.Helper()
		for _, stmt := range stmts {
			if err := db.Exec(stmt); err != nil {
				t.Fatal(err)
			}
		}
	}
	onBothStores(t, func(t *testing.T, name string, db *sqlstore.DB) {
		ctx := t.Context()
		if _, err := db.Subscribe(ctx, store.Subscription{ProcessID: "gcm-2018", Recipient: "mision@sre.example",
			Channel: "email", Topics: []string{"receipts"}, Owner: "member-state:MEX"}); err != nil {
			t.Fatal(err)
		}
		exec(t, db, outage[name].down)
		_, errs := db.SubmitBatch([]process.Submission{submission("MEX", "k"), submission("FRA", "k")}, during)
		if errs[0] == nil || errs[1] != nil {
			t.Fatalf("with the outbox down: got %v and %v, want MEX's refused and FRA's stored", errs[0], errs[1])
		}
		cs, err := db.ListContributions(ctx, store.ContributionFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].Party != "FRA" {
			t.Fatalf("stored %+v, want FRA's contribution only", cs)
		}

		exec(t, db, outage[name].mend)
		r, err := db.Submit(ctx, submission("MEX", "k"), during)
		if err != nil {
			t.Fatal(err)
		}
		ns, err := db.PendingOf(ctx, store.ReceiptKey(r.Tracking), "", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ns) != 1 || ns[0].Recipient != "mision@sre.example" {
			t.Fatalf("%s's receipt queued %+v, want one to mision@sre.example", r.Tracking, ns)
		}
	})
}

// TestBatchSkipsAbandoned checks that a submission whose caller gave up
// before its batch started is not written.
func TestBatchSkipsAbandoned(t *testing.T) {
	db := openSQLite(t, filepath.Join(t.TempDir(), "compact.db"))
	defer db.Close()
	seed(t, db)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := db.Submit(ctx, submission("MEX", "k"), during); process.KindOf(err) != process.Unavailable {
		t.Fatalf("got %v, want an unavailable error", err)
	}
	if _, err := db.GetContribution(t.Context(), "GCM-TS1-000001"); process.KindOf(err) != process.NotFound {
		t.Fatalf("an abandoned submission was written: %v", err)
	}
}

// TestAcknowledgedIsDurable closes the store right after the last receipt,
// with no write after it, and finds every acknowledged contribution in the
// reopened file.
func TestAcknowledgedIsDurable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "compact.db")
	db := openSQLite(t, path)
	seed(t, db)
	const n = 200
	receipts := make([]process.Receipt, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			var err error
			receipts[i], err = db.Submit(t.Context(), submission(fmt.Sprintf("P%03d", i), "k"), during)
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if t.Failed() {
		t.FailNow()
	}
	db = openSQLite(t, path)
	defer db.Close()
	for _, r := range receipts {
		c, err := db.GetContribution(t.Context(), r.Tracking)
		if err != nil {
			t.Fatal(err)
		}
		if c.Receipt != r {
			t.Fatalf("stored %+v, acknowledged %+v", c.Receipt, r)
		}
	}
}

// killChildEnv, when set, makes the test binary the child of
// TestAcknowledgedSurvivesKill, submitting to the store at its path.
const killChildEnv = "SQLSTORE_TEST_KILL_CHILD_DB"

// TestAcknowledgedSurvivesKill runs concurrent submitters in a child
// process that prints each receipt as it gets it, kills the child with
// SIGKILL mid-stream, and finds every printed receipt in the file.
func TestAcknowledgedSurvivesKill(t *testing.T) {
	if path := os.Getenv(killChildEnv); path != "" {
		submitForever(path)
		return
	}
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := filepath.Join(t.TempDir(), "compact.db")
	db := openSQLite(t, path)
	seed(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestAcknowledgedSurvivesKill$")
	cmd.Env = append(os.Environ(), killChildEnv+"="+path)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Should the test end early, the child must not run on.
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	acked := map[string]string{} // tracking → sha256
	lines := bufio.NewScanner(out)
	killed := false
	for lines.Scan() {
		f := strings.Fields(lines.Text())
		if len(f) != 3 || f[0] != "ack" {
			continue
		}
		acked[f[1]] = f[2]
		if len(acked) == 500 && !killed {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true // what it printed before dying still counts
		}
	}
	_ = cmd.Wait()
	if !killed {
		t.Fatalf("the child stopped after %d receipts", len(acked))
	}

	db = openSQLite(t, path)
	defer db.Close()
	for tracking, sum := range acked {
		c, err := db.GetContribution(t.Context(), tracking)
		if err != nil {
			t.Fatalf("acknowledged %s: %v", tracking, err)
		}
		if c.SHA256 != sum {
			t.Fatalf("%s: stored hash %s, acknowledged %s", tracking, c.SHA256, sum)
		}
	}
	t.Logf("all %d acknowledged contributions survived SIGKILL", len(acked))
}

func submitForever(path string) {
	db, err := sqlite.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var mu sync.Mutex
	var next atomic.Int64
	for range 32 {
		go func() {
			for {
				i := next.Add(1)
				r, err := db.Submit(context.Background(), submission(fmt.Sprintf("P%d", i), "k"), during)
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				mu.Lock()
				fmt.Fprintf(os.Stdout, "ack %s %s\n", r.Tracking, r.SHA256) // unbuffered: one write each
				mu.Unlock()
			}
		}()
	}
	select {}
}

// BenchmarkSubmit compares group commit with a transaction per
// contribution, 64 submitters at a time, on a SQLite file and, when
// COMPACT_TEST_POSTGRES is set, on PostgreSQL.
func BenchmarkSubmit(b *testing.B) {
	open := map[string]func(b *testing.B) *sqlstore.DB{
		"sqlite": func(b *testing.B) *sqlstore.DB { return openSQLite(b, filepath.Join(b.TempDir(), "compact.db")) },
	}
	if os.Getenv("COMPACT_TEST_POSTGRES") != "" {
		open["postgres"] = func(b *testing.B) *sqlstore.DB { return openPostgres(b) }
	}
	for name, open := range open {
		for _, mode := range []string{"group-commit", "transaction-each"} {
			b.Run(name+"/"+mode, func(b *testing.B) { benchmarkSubmit(b, open(b), mode) })
		}
	}
}

func benchmarkSubmit(b *testing.B, db *sqlstore.DB, mode string) {
	defer db.Close()
	seed(b, db)
	submit := db.Submit
	if mode == "transaction-each" {
		submit = db.SubmitAlone
	}
	var next atomic.Int64
	b.SetParallelism(max(1, 64/runtime.GOMAXPROCS(0)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			sub := submission(fmt.Sprintf("P%d", next.Add(1)), "k")
			if _, err := submit(context.Background(), sub, during); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "contributions/s")
}

// TestBatchOfManyRows commits one batch of 45 new contributions to two
// windows, interleaved: each is stored whole, under the number its arrival
// gave it in its window.
func TestBatchOfManyRows(t *testing.T) {
	onBothStores(t, func(t *testing.T, _ string, db *sqlstore.DB) {
		var subs []process.Submission
		for i := range 45 {
			s := submission(fmt.Sprintf("P%02d", i), "k")
			if i%3 == 2 {
				s.StageID = "ts2"
			}
			subs = append(subs, s)
		}
		receipts, errs := db.SubmitBatch(subs, during)
		seq := map[string]int{}
		for i, s := range subs {
			if errs[i] != nil {
				t.Fatalf("submission %d: %v", i, errs[i])
			}
			seq[s.StageID]++
			if want := fmt.Sprintf("GCM-%s-%06d", strings.ToUpper(s.StageID), seq[s.StageID]); receipts[i].Tracking != want {
				t.Errorf("submission %d got %s, want %s", i, receipts[i].Tracking, want)
			}
			c, err := db.GetContribution(t.Context(), receipts[i].Tracking)
			if err != nil || c.Party != s.Party || c.Title != s.Title || c.Body != s.Body || c.StageID != s.StageID {
				t.Errorf("%s holds %+v, %v; want %s's", receipts[i].Tracking, c, err, s.Party)
			}
		}
		if seq["ts1"] != 30 || seq["ts2"] != 15 {
			t.Fatalf("windows got %v", seq)
		}
	})
}
