package bench

import (
	"fmt"
	"os"
	"strconv"
	"strings"
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

// rssOf is a process's resident memory now, from /proc, or 0.
func rssOf(pid int) int64 { return statusBytes(pid, "VmRSS:") }

// fileRSSOf is the part of rssOf backed by files, or 0.
func fileRSSOf(pid int) int64 { return statusBytes(pid, "RssFile:") }

// statusBytes reads one of /proc/PID/status's kB fields.
func statusBytes(pid int, field string) int64 {
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for line := range strings.Lines(string(status)) {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
