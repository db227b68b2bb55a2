package publish

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// WriteFile writes path atomically and durably, the way the archive writes
// minutes: a temporary file in the same directory, synced, renamed over
// path, and the directory synced. Readers see the old file or the new one,
// never half of one; on error the old file is untouched and the temporary
// file removed. Other state files (the agenda's leftovers) use it too.
func WriteFile(path string, perm os.FileMode, write func(io.Writer) error) error {
	root, err := os.OpenRoot(filepath.Dir(path))
	if err != nil {
		return fmt.Errorf("publish %s: %w", path, err)
	}
	defer root.Close()
	d, err := openDirHandle(root, filepath.Dir(path), ".", false)
	if err != nil {
		return fmt.Errorf("publish %s: %w", path, err)
	}
	defer d.close()
	if _, err := writeAtomic(nil, lockedCreateTemp, d, filepath.Base(path), perm, write); err != nil {
		return err
	}
	return syncDir(filepath.Dir(path))
}
