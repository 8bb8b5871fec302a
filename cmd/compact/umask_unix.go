//go:build unix

package main

import "syscall"

// ownerOnly makes every file and directory this process creates owner-only,
// whoever creates it: the SQLite drivers (ours and Temporal's) create their
// database, WAL and shared-memory files with the process's umask.
func ownerOnly() { syscall.Umask(0o077) }
