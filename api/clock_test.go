package api

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/compact-un/compact/internal/stacktest"
	"github.com/compact-un/compact/process"
	"github.com/compact-un/compact/wire"
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
