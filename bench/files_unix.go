//go:build unix

package bench

import (
	"fmt"
	"syscall"
)

// descriptorsFor raises this process's open-file limit to what n streams
// and the stack need, as far as the hard limit allows.
func descriptorsFor(n int) error {
	need := uint64(n) + 1024 // the stack's databases, Temporal's listeners and clients
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	if lim.Cur >= need {
		return nil
	}
	if lim.Max < need {
		return fmt.Errorf("%d observers need %d open files, and the hard limit (ulimit -Hn) is %d: raise it or ask for fewer observers", n, need, lim.Max)
	}
	lim.Cur = need
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
}
