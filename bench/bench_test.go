package bench

import (
	"flag"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/simulate"
	"github.com/compact-un/compact/workflows"
)

// TestRun runs a small deadline rush end to end: it checks that every
// request succeeds, not how fast.
func TestRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the embedded stack")
	}
	r, err := Run(t.Context(), Options{Concurrency: 8, Contributions: 200, Updates: 40, Negotiation: 100, Reads: 300 * time.Millisecond, Observers: 200,
		Process: simulate.Options{Simulation: workflows.Simulation{Stakeholders: 20, ContributionsPerWindow: 5, AmendmentsPerRound: 2}}})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := r.Write(&out); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	for _, f := range r.runs() {
		if f.OK == 0 || f.OK != f.Requests || f.P99 <= 0 {
			t.Errorf("%s: %+v", f.Name, f)
		}
	}
	if r.Intake.OK != 200 || r.Limit.OK != 200 || r.Naive.OK != 40 || r.Negotiation.OK != 100 {
		t.Errorf("intake %d, bare intake %d, naive %d, negotiation %d requests", r.Intake.OK, r.Limit.OK, r.Naive.OK, r.Negotiation.OK)
	}
	if r.Store != "sqlite" || r.LimitShare() <= 0 {
		t.Errorf("store %q, intake ÷ bare intake %.2f", r.Store, r.LimitShare())
	}
	if w := r.Whole; w.Result.Outcome == nil || w.Largest == 0 || w.Replay <= 0 || r.received() != 16*5 { // gcm-2018's 16 consultation windows
		t.Errorf("whole process: %+v, %d contributions sealed", w, r.received())
	}
	if o := r.Observers; o.N != 200 || o.Received != 200 || o.FromRequest.P99 <= 0 || o.FromRecord.P99 <= 0 || o.RSSBefore <= 0 || o.RSSDuring <= 0 {
		t.Errorf("observers: %+v", o)
	}
	if r.Usage.PeakRSS <= 0 || r.Usage.CPU() <= 0 || r.WholeCPU <= 0 {
		t.Errorf("usage %+v, whole process CPU %s", r.Usage, r.WholeCPU)
	}
}

// BenchmarkDeadlineRush runs the full measurement once (it takes about
// a minute) and reports its figures; -v prints the whole table:
//
//	go test ./bench -run '^$' -bench DeadlineRush -benchtime 1x -v
func BenchmarkDeadlineRush(b *testing.B) {
	for b.Loop() {
		r, err := Run(b.Context(), Options{})
		if err != nil {
			b.Fatal(err)
		}
		var out strings.Builder
		if err := r.Write(&out); err != nil {
			b.Fatal(err)
		}
		b.Log("\n" + out.String())
		b.ReportMetric(r.Intake.PerSecond, "acked/s")
		b.ReportMetric(float64(r.Intake.P50)/1e6, "p50-ms")
		b.ReportMetric(float64(r.Intake.P99)/1e6, "p99-ms")
		b.ReportMetric(100*r.LimitShare(), "of-bare-%")
		b.ReportMetric(r.Naive.PerSecond, "naive/s")
		b.ReportMetric(r.Speedup(), "speedup")
		b.ReportMetric(100*r.ObserverShare(), "observer-%")
		b.ReportMetric(r.Negotiation.PerSecond, "negotiation/s")
		b.ReportMetric(r.Whole.Wall.Seconds(), "process-s")
		b.ReportMetric(float64(r.Whole.Largest), "largest-events")
		b.ReportMetric(float64(r.Whole.Replay)/1e6, "replay-ms")
		b.ReportMetric(float64(r.Usage.PeakRSS)/(1<<20), "peak-MiB")
		b.ReportMetric(r.Usage.CPU().Seconds(), "cpu-s")
		b.ReportMetric(float64(r.Observers.FromRequest.P99)/1e6, "observers-p99-ms")
		b.ReportMetric(float64(r.Observers.RSSDuring-r.Observers.RSSBefore)/(1<<20), "observers-MiB")
	}
}

var (
	intakeRounds   = flag.Int("intake.rounds", 3, "BenchmarkIntake: rounds of intake then bare intake")
	intakeN        = flag.Int("intake.contributions", 20000, "BenchmarkIntake: contributions a run")
	intakeProfiles = flag.String("intake.profile", "", "BenchmarkIntake: directory for each round's CPU, block and mutex profiles")
	intakePostgres = flag.String("intake.postgres", "", "BenchmarkIntake: URL of an empty PostgreSQL database for the record store")
)

// BenchmarkIntake runs only the intake beside the bare intake, a few rounds
// on one stack, and reports the rates, the intake's share of the bare
// intake's and its p99 (the median round's share, and every round with -v):
//
//	go test ./bench -run '^$' -bench Intake -benchtime 1x -v [-intake.profile DIR]
func BenchmarkIntake(b *testing.B) {
	for b.Loop() {
		rounds, err := RunIntake(b.Context(), Options{Contributions: *intakeN, Postgres: *intakePostgres, ProfileDir: *intakeProfiles, Progress: os.Stderr}, *intakeRounds)
		if err != nil {
			b.Fatal(err)
		}
		shares := make([]float64, len(rounds))
		for i, r := range rounds {
			shares[i] = r.Share()
			b.Logf("round %d: intake %.0f/s (p50 %s, p99 %s), search index caught up in %s, bare intake %.0f/s (p99 %s): %.0f%%", i+1,
				r.Intake.PerSecond, ms(r.Intake.P50), ms(r.Intake.P99), ms(r.Indexed), r.Limit.PerSecond, ms(r.Limit.P99), 100*r.Share())
		}
		slices.Sort(shares)
		m := rounds[len(rounds)/2]
		b.ReportMetric(m.Intake.PerSecond, "acked/s")
		b.ReportMetric(m.Limit.PerSecond, "bare/s")
		b.ReportMetric(100*shares[len(shares)/2], "median-of-bare-%")
		b.ReportMetric(float64(m.Intake.P99)/1e6, "p99-ms")
	}
}
