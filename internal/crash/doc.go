// Package crash is Compact's crash suite: TestCrashCycles starts
// `compact serve` on one data directory, drives concurrent submitters
// (Member States and accredited stakeholders) and the PGA office's schedule
// changes against a process on a scaled clock, kills the server with SIGKILL
// at random moments, restarts it, and at the end checks what a crash must
// never do:
//
//   - lose or duplicate a contribution: every acknowledged one (201, or the
//     same receipt on a retry with its Idempotency-Key) is stored exactly
//     once with its receipt's tracking number and hash, a clean refusal
//     left no row, and no key has two rows;
//   - run a stage twice: no once-per-stage event (stage.started,
//     window.opened, window.closed, session.held, summary.recorded,
//     stage.completed, …) is recorded twice, and the hash chain verifies;
//   - close a window anywhere but at its deadline: its window.closed entry
//     is at the deadline as scheduled or moved, its seal counts and hashes
//     exactly the contributions stored for it, no contribution was
//     acknowledged at or after its wall-clock close, and none was refused
//     as late more than a second before it — also when the deadline fell
//     while the server was down;
//   - open a window late: none refused a contribution as not open more
//     than a second after its scheduled opening (or after the server was
//     up again, when the opening fell while it was down). Submitters try
//     the windows the schedule says are open, not only those shown open.
//
// Run it (5 cycles, as CI does):
//
//	go test ./internal/crash -run TestCrashCycles -v
//
// The full run, 50 cycles, takes a few minutes:
//
//	go test ./internal/crash -run TestCrashCycles -cycles 50 -timeout 30m -v
//
// The test logs a summary line: cycles and kills; contributions
// acknowledged (how many only after a broken connection, and how many
// retries got the first receipt back, stored before the kill), present,
// duplicates and lost; refusals (late probes, and the probes of windows
// whose deadline fell while the server was down); windows; the PGA
// office's stages added and deadlines moved; the longest restart to
// /readyz; the windows as the intake showed them (how long after a window
// was due it still refused as not open, and took its first contribution;
// how close to a deadline it took its last, and refused the first as
// late); and the record's lag: how late the windows were sealed after
// their deadline, how late the workflows recorded their timed events
// (window opened, session held, …) after the server could first act on
// them, how many over 5 s late, and how many window.opened entries came
// over a second late. A NOTE line names each
// event recorded more than 5 s late: a workflow task or activity that the
// killed worker had started is retried only when its timeout expires.
//
// -seed N replays the kill moments and the PGA's choices of a logged run
// (the submitters' interleaving depends on timing and differs).
package crash
