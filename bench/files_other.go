//go:build !unix

package bench

// descriptorsFor has nothing to raise here: the system has no RLIMIT_NOFILE.
func descriptorsFor(int) error { return nil }
