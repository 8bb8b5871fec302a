//go:build unix

package bench

import (
	"math"
	"strings"
	"syscall"
	"testing"
)

// TestDescriptorsRefused: a run that needs more open files than the hard
// limit allows says so, and leaves the limit as it was.
func TestDescriptorsRefused(t *testing.T) {
	var before syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &before); err != nil {
		t.Fatal(err)
	}
	if before.Max > math.MaxInt32 {
		t.Skip("the hard limit is too high to pass")
	}
	err := descriptorsFor(int(before.Max))
	if err == nil || !strings.Contains(err.Error(), "ulimit -Hn") {
		t.Errorf("descriptorsFor(%d) = %v, want a refusal naming ulimit -Hn", before.Max, err)
	}
	var after syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &after); err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("limit %+v after the refusal, %+v before", after, before)
	}
	if err := descriptorsFor(100); err != nil {
		t.Errorf("descriptorsFor(100): %v", err)
	}
}
