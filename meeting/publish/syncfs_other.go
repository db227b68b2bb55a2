//go:build !linux

package publish

import (
	"errors"
	"os"
	"path/filepath"
)

// syncFileSystem syncs every regular file in dir (there is no syncfs).
func syncFileSystem(dir string, _ map[uint64]bool) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var errs []error
	for _, e := range entries {
		if !e.Type().IsRegular() {
			continue
		}
		f, err := os.Open(filepath.Join(dir, e.Name()))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, f.Sync(), f.Close())
	}
	return errors.Join(errs...)
}
