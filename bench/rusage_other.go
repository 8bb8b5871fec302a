//go:build !linux

package bench

// usage is not measured here: getrusage's units differ by system.
func usage() Usage { return Usage{} }

// rssOf is not measured here.
func rssOf(int) int64 { return 0 }

// fileRSSOf is not measured here.
func fileRSSOf(int) int64 { return 0 }
