package api

import (
	"context"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/store"
	"github.com/compact-un/compact/wire"
)

// perStage is the store, counting the reads that take one stage or one
// process at a time.
type perStage struct {
	store.Store
	reads atomic.Int64
}

func (p *perStage) GetWindow(ctx context.Context, processID, stageID string) (process.ContributionWindow, error) {
	p.reads.Add(1)
	return p.Store.GetWindow(ctx, processID, stageID)
}

func (p *perStage) ListStages(ctx context.Context, processID string) ([]process.Stage, error) {
	p.reads.Add(1)
	return p.Store.ListStages(ctx, processID)
}

func (p *perStage) ListWindows(ctx context.Context, processID string) ([]process.ContributionWindow, error) {
	p.reads.Add(1)
	return p.Store.ListWindows(ctx, processID)
}

// The list of processes reads every process's stages and windows at once,
// not one process or one stage at a time, and shows each process's open
// windows and no other's.
func TestListProcessesReadsEveryStageAtOnce(t *testing.T) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Second)
	var ids []string
	for range 2 {
		id, code := uniqueID("status")
		ids = append(ids, id)
		if err := stack.store.PutProcess(ctx, process.Process{ID: id, TemplateID: id, Title: "Status " + id, Code: code,
			Phase: "consultations", Status: "running", CreatedAt: now}); err != nil {
			t.Fatal(err)
		}
		day := process.Date{Time: now.Add(-time.Hour)}
		if err := stack.store.PutStages(ctx, []process.Stage{
			{ProcessID: id, Phase: "consultations", Seq: 1, Status: process.Running,
				Spec: process.StageSpec{ID: "ts1", Kind: process.ThematicSession, Title: "Session", Start: day}},
			{ProcessID: id, Phase: "consultations", Seq: 2, Status: process.Scheduled,
				Spec: process.StageSpec{ID: "ts2", Kind: process.ThematicSession, Title: "Next", Start: process.Date{Time: now.Add(48 * time.Hour)}}},
		}); err != nil {
			t.Fatal(err)
		}
		if err := stack.store.PutWindow(ctx, process.ContributionWindow{ProcessID: id, StageID: "ts1", Code: code + "-TS1",
			State: process.WindowOpen, OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), Public: true}); err != nil {
			t.Fatal(err)
		}
	}
	counted := &perStage{Store: stack.store}
	a := newAPIServer(t, func(o *Options) { o.Store = counted })

	var list []wire.ProcessStatus
	a.do("GET", "/v1/processes", "", nil).JSON(t, &list)
	if n := counted.reads.Load(); n != 0 {
		t.Errorf("the list read one process or one stage at a time %d times", n)
	}
	for _, id := range ids {
		i := slices.IndexFunc(list, func(st wire.ProcessStatus) bool { return st.ID == id })
		if i < 0 {
			t.Fatalf("%s is not listed", id)
		}
		st := list[i]
		if len(st.OpenWindows) != 1 || st.OpenWindows[0].StageID != "ts1" || st.Next == nil || st.Next.StageID != "ts2" ||
			!slices.Equal(st.Current, []string{"ts1"}) {
			t.Errorf("%s listed as %+v", id, st)
		}
		var one wire.ProcessStatus
		a.do("GET", "/v1/processes/"+id, "", nil).JSON(t, &one)
		if len(one.OpenWindows) != 1 || one.OpenWindows[0].Code != st.OpenWindows[0].Code || one.Next.StageID != "ts2" {
			t.Errorf("%s read alone as %+v", id, one)
		}
	}
}
