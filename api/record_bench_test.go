package api

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/compact-un/compact/process"
)

// BenchmarkVerifyRecord is the verification every process page shows, on a
// record of 2,000 entries: read whole ("whole", as every load did before
// the API kept the check) and answered from the check kept for the
// record's head ("kept").
func BenchmarkVerifyRecord(b *testing.B) {
	ctx := context.Background()
	id, code := uniqueID("verifybench")
	if err := stack.store.PutProcess(ctx, process.Process{ID: id, TemplateID: "test", Title: id, Code: code,
		Phase: "negotiations", Status: "running", CreatedAt: time.Now()}); err != nil {
		b.Fatal(err)
	}
	at := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 2000 {
		if _, err := stack.store.Append(ctx, process.RecordEvent{ProcessID: id, Key: fmt.Sprint(id, "/", i), StageID: "ts1",
			Event: "position.taken", At: at.Add(time.Duration(i) * time.Second), Data: fmt.Sprintf(`{"n":%d}`, i)}); err != nil {
			b.Fatal(err)
		}
	}
	s := New(Options{Temporal: stack.temporal, Store: stack.store, Limits: Limits{NoRateLimits: true}})
	verify := func(b *testing.B) {
		if v, err := s.verifyChain(ctx, id); err != nil || !v.Verified || v.Entries != 2000 {
			b.Fatalf("%+v, %v", v, err)
		}
	}
	b.Run("whole", func(b *testing.B) {
		for b.Loop() {
			s.verified.put(id, verifiedChain{}, time.Now()) // forgets the check
			verify(b)
		}
	})
	b.Run("kept", func(b *testing.B) {
		verify(b)
		for b.Loop() {
			verify(b)
		}
	})
}
