package bench

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"time"
)

// IntakeRound is one round of RunIntake: the intake, then the bare intake
// on the same stack and database, right after.
type IntakeRound struct {
	Intake, Limit Figures
	Indexed       time.Duration // the first search after the intake (Report.Indexed)
}

// Share is the intake's rate as a share of the bare intake's.
func (r IntakeRound) Share() float64 { return ratio(r.Intake.PerSecond, r.Limit.PerSecond) }

// RunIntake runs only the intake and the bare intake, rounds times in turn
// on one stack, which is what to run while working on the intake: the rest
// of Run takes minutes. With o.ProfileDir set, round i's profiles are
// intake-<i>-cpu.pprof, index-<i>-cpu.pprof (the first search after the
// intake, which indexes its text on SQLite), bare-<i>-cpu.pprof and so on.
func RunIntake(ctx context.Context, o Options, rounds int) ([]IntakeRound, error) {
	o = o.withDefaults()
	if o.Dir == "" {
		dir, err := os.MkdirTemp("", "compact-bench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(dir)
		o.Dir = dir
	}
	st, err := startStack(ctx, o.Dir, o.Postgres)
	if err != nil {
		return nil, err
	}
	defer st.stop()
	b := &bench{o: o, stack: st, http: &http.Client{Transport: &http.Transport{
		MaxIdleConns: 2 * o.Concurrency, MaxIdleConnsPerHost: 2 * o.Concurrency, DisableCompression: true,
	}}}
	defer b.http.CloseIdleConnections()
	if err := b.openProcess(ctx); err != nil {
		return nil, err
	}
	if err := b.issueTokens(ctx); err != nil {
		return nil, err
	}
	var out []IntakeRound
	for b.round = 1; b.round <= rounds; b.round++ {
		var r IntakeRound
		fmt.Fprintf(o.Progress, "bench: round %d, intake then bare intake, %d contributions each\n", b.round, o.Contributions)
		if r.Intake, err = b.rush(ctx, "intake: POST, group commit", fmt.Sprint("intake-", b.round), b.intakeURL(), true); err != nil {
			return out, err
		}
		err = profiled(o.ProfileDir, fmt.Sprint("index-", b.round), func() (err error) {
			r.Indexed, err = b.indexed(ctx)
			return err
		})
		if err != nil {
			return out, err
		}
		if r.Limit, err = b.bare(ctx, fmt.Sprint("bare-", b.round)); err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}
