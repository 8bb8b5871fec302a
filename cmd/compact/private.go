package main

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// privateDir makes dir owner-only, creating it if need be, and takes the
// group's and others' permissions off everything already in it: the record
// store, Temporal's database and the keys are nobody else's to read, also
// where an older version or a copy left them open.
func privateDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			return nil // chmod would follow it out of the data dir
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if mode := info.Mode().Perm(); mode&0o077 != 0 {
			return os.Chmod(path, mode&^0o077)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	return nil
}
