package process

import "time"

// Clock maps process time (the template's calendar) to wall time. A process
// that replays history runs on a scaled clock: Scale process seconds pass
// for each wall second, from Origin in process time at Start on the wall.
type Clock struct {
	Origin time.Time `json:"origin"`
	Start  time.Time `json:"start"`
	Scale  float64   `json:"scale"` // 1 is real time
}

// ProcessTime is the process time at wall time t.
func (c Clock) ProcessTime(wall time.Time) time.Time {
	return c.Origin.Add(time.Duration(float64(wall.Sub(c.Start)) * c.scale()))
}

// Wall is the wall time at process time t.
func (c Clock) Wall(t time.Time) time.Time {
	return c.Start.Add(c.WallDuration(t.Sub(c.Origin)))
}

// WallDuration is how long a process-time span d lasts on the wall.
func (c Clock) WallDuration(d time.Duration) time.Duration {
	return time.Duration(float64(d) / c.scale())
}

func (c Clock) scale() float64 {
	if c.Scale <= 0 {
		return 1
	}
	return c.Scale
}
