// Package limits holds the Temporal dynamic config Compact runs with, in
// one place: the embedded server sets it, and the deploy files give a
// cluster the same (their tests check that they do).
package limits

// Settings are the dynamic config keys Compact raises above Temporal's
// defaults, with their values.
var Settings = map[string]int{
	// Compact's own load is modest; the defaults throttle a busy deadline.
	"frontend.namespaceRPS":        10000,
	"frontend.rps":                 10000,
	"frontend.namespaceBurstRatio": 2,
	"frontend.persistenceMaxQPS":   10000,
	"history.persistenceMaxQPS":    45000,
	// A shard reads its task queues at most 20 times a second by default,
	// so every workflow task, activity, signal and timer of a shard waited
	// up to 50 ms for its read: one shard on SQLite, and the lockstep clock
	// is a chain of signals. A read is still made only when a task is due.
	"history.transferProcessorMaxPollRPS":   1000,
	"history.timerProcessorMaxPollRPS":      1000,
	"history.visibilityProcessorMaxPollRPS": 1000,
}
