package stacktest

import (
	"os"
	"runtime/debug"
	"slices"
)

// FuzzWorkerLogs names the directory where KeepFuzzWorkerOutput writes.
const FuzzWorkerLogs = "COMPACT_FUZZ_WORKER_LOGS"

// KeepFuzzWorkerOutput sends a fuzzing worker's standard output and error,
// which the fuzzing coordinator discards, to a file of its own in the
// directory FuzzWorkerLogs names. A worker that dies before it fuzzes (its
// TestMain or its target's setup failed) then leaves its reason, where the
// coordinator only says "terminated without fuzzing: EOF". Call it first
// in TestMain; outside a fuzzing worker, or without the variable, it does
// nothing.
func KeepFuzzWorkerOutput() {
	dir := os.Getenv(FuzzWorkerLogs)
	if dir == "" || !slices.Contains(os.Args[1:], "-test.fuzzworker") {
		return
	}
	f, err := os.CreateTemp(dir, "worker-*.log")
	if err != nil {
		return
	}
	os.Stdout, os.Stderr = f, f
	_ = debug.SetCrashOutput(f, debug.CrashOptions{}) // a panic or fatal error too
}
