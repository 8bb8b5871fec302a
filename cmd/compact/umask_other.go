//go:build !unix

package main

// ownerOnly does nothing where there is no umask; privateDir still narrows
// the data directory.
func ownerOnly() {}
