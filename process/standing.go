package process

// Standing is where a process stands, from its stages as the read model
// holds them (in seq order): its next stage, the scheduled stage that
// begins first, as the Process workflow picks it; and its current phase,
// which agrees with it. A phase begins when its first stage begins and
// lasts while one of its stages runs or comes next: the current phase is
// the earliest (phases ordered by their first stage's seq) that has a
// stage running, or has begun and holds the next stage; between phases,
// the one begun latest; before any stage begins, begin. Taken as the
// phase of the stage begun latest alone, a stage moved or added to an
// earlier phase would come next while the phase shown had moved on.
func Standing(stages []Stage, begin string) (phase string, next *Stage) {
	rank := map[string]int{}
	begun := map[string]bool{}
	var latest *Stage
	for i, sg := range stages {
		if r, ok := rank[sg.Phase]; !ok || sg.Seq < r {
			rank[sg.Phase] = sg.Seq
		}
		switch sg.Status {
		case Scheduled:
			if next == nil || sg.Spec.Begins().Before(next.Spec.Begins()) {
				next = &stages[i]
			}
		case Cancelled:
		default:
			begun[sg.Phase] = true
			if latest == nil || !sg.Spec.Begins().Before(latest.Spec.Begins()) {
				latest = &stages[i]
			}
		}
	}
	if latest == nil {
		return begin, next
	}
	phase = latest.Phase
	earlier := func(ph string) {
		if rank[ph] < rank[phase] {
			phase = ph
		}
	}
	for _, sg := range stages {
		if sg.Status == Running {
			earlier(sg.Phase)
		}
	}
	if next != nil && begun[next.Phase] {
		earlier(next.Phase)
	}
	return phase, next
}
