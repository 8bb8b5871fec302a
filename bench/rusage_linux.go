package bench

import (
	"syscall"
	"time"
)

// usage is this process's resource use so far: the whole stack runs in it.
func usage() Usage {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return Usage{}
	}
	return Usage{
		PeakRSS: ru.Maxrss << 10, // KiB on Linux
		User:    time.Duration(ru.Utime.Nano()),
		System:  time.Duration(ru.Stime.Nano()),
	}
}
