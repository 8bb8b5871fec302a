package process_test

import (
	"slices"
	"testing"

	"github.com/compact-un/compact/process"
)

// standingOn is the gcm-2018 timeline on day, each stage completed,
// running or scheduled by its dates, after change moved stages.
func standingOn(t *testing.T, day string, change func([]process.Stage)) []process.Stage {
	t.Helper()
	all, err := process.Templates()
	if err != nil {
		t.Fatal(err)
	}
	tl := templateTimeline(t, all[slices.IndexFunc(all, func(tp *process.Template) bool { return tp.ID == "gcm-2018" })])
	if change != nil {
		change(tl)
	}
	now := on(day).Time
	for i, sg := range tl {
		switch {
		case !sg.Spec.Finish().After(now):
			tl[i].Status = process.Completed
		case !sg.Spec.Begins().After(now):
			tl[i].Status = process.Running
		}
	}
	return tl
}

func TestStandingPhaseAndNextAgree(t *testing.T) {
	movedAfterStocktaking := func(tl []process.Stage) {
		i := slices.IndexFunc(tl, func(s process.Stage) bool { return s.Spec.ID == "rc-asia-pacific" })
		tl[i].Spec = tl[i].Spec.Moved(on("2017-12-11"), process.Date{})
		tl[i].Spec.Window = nil
	}
	for _, c := range []struct {
		name, day        string
		change           func([]process.Stage)
		phase, nextStage string
	}{
		{"before it begins", "2016-01-01", nil, "preparation", "ny-declaration"},
		{"within a phase", "2017-06-01", nil, "consultations", "ts4"},
		{"a phase's stage still running", "2017-04-10", nil, "preparation", "ts2"},
		{"the stocktaking under way", "2017-11-20", nil, "stocktaking", "us-withdrawal"},
		// The stage begun latest is the hearing, in the stocktaking phase,
		// which the read model held; a regional consultation moved after
		// it comes next: the consultations have not ended.
		{"a consultation moved after the stocktaking began", "2017-12-05", movedAfterStocktaking, "consultations", "rc-asia-pacific"},
		{"the conference", "2018-12-10", nil, "conference", "ga-endorsement"},
	} {
		t.Run(c.name, func(t *testing.T) {
			phase, next := process.Standing(standingOn(t, c.day, c.change), "preparation")
			if phase != c.phase || next == nil || next.Spec.ID != c.nextStage {
				t.Fatalf("phase %s, next %+v; want %s, %s", phase, next, c.phase, c.nextStage)
			}
		})
	}
}
