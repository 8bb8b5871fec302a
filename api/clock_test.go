package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
)

// TestStatusClock: a process's status says its clock, so that a client
// can tell the process's time: on a scaled clock the process began the day
// before its first stage; on real time its time is the wall's.
func TestStatusClock(t *testing.T) {
	t.Parallel()
	a := newAPIServer(t)
	pga := a.token(PGAOffice, "PGA", "")
	for _, scale := range []float64{1, 3600} {
		id, code := uniqueID("clock")
		tmpl := testTemplate(id, code, time.Now().Add(24*time.Hour))
		launchProcess(t, a, pga, map[string]any{"templateBody": tmpl, "id": id, "code": code, "scale": scale})
		// A status answers without the clock while the workflow is slow
		// to say it (clockTimeout); it comes once the workflow answers.
		var c *process.Clock
		stacktest.Eventually(t, time.Minute, func() error {
			res := a.do("GET", "/v1/processes/"+id, "", nil)
			if res.Status != http.StatusOK {
				return fmt.Errorf("status: %d %s", res.Status, res.Body)
			}
			var st wire.ProcessStatus
			res.JSON(t, &st)
			if c = st.Clock; c == nil {
				return fmt.Errorf("scale %g: the status has no clock yet", scale)
			}
			return nil
		})
		if c.Scale != scale {
			t.Fatalf("scale %g: the status says the clock %+v", scale, c)
		}
		if scale == 1 && (!c.Origin.Equal(c.Start) || time.Since(c.Start) > time.Minute) {
			t.Errorf("a real-time process's clock is %+v, want origin = start, when it began", c)
		}
		if want := tmpl.Begins().Add(-24 * time.Hour); scale > 1 && !c.Origin.Equal(want) {
			t.Errorf("a scaled process's clock begins at %s, want %s, the day before its first stage", c.Origin, want)
		}
	}
}

// silentTemporal is a Temporal client whose workflows never answer a query.
type silentTemporal struct{ client.Client }

func (silentTemporal) QueryWorkflow(ctx context.Context, _, _, _ string, _ ...any) (converter.EncodedValue, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestActWaitsForTheClock: the record holds process time only, so an act
// whose process's clock stays unknown is refused, to be tried again,
// rather than dated by the wall.
func TestActWaitsForTheClock(t *testing.T) {
	s := New(Options{Temporal: silentTemporal{}})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	at, err := s.processNow(ctx, "api.test", process.Process{ID: "quiet", Status: "running"}, time.Now())
	if process.KindOf(err) != process.Unavailable || !at.IsZero() {
		t.Fatalf("an act with no clock: %s, %v; want it refused as unavailable", at, err)
	}
	if !strings.Contains(err.Error(), "process quiet's clock is not known yet") {
		t.Errorf("the refusal says %q", err)
	}
}
