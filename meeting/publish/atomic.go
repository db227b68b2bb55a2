package publish

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// createTemp opens a new temporary file next to path. It is a variable of
// the Archive so that tests can make writes fail as a full disk does.
type createTempFunc func(dir, pattern string) (tempFile, error)

// tempFile is what atomic writes and partial logs need of an *os.File.
type tempFile interface {
	io.Writer
	Name() string
	Sync() error
	Close() error
	Chmod(os.FileMode) error
	Fd() uintptr
}

func osCreateTemp(dir, pattern string) (tempFile, error) {
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return nil, err // not a typed nil in the interface
	}
	return f, nil
}

// writeAtomic writes a file by writing a temporary file in the same
// directory, syncing it and renaming it over path, so that readers see the
// old file or the new one, never half of one. Errors are returned with the
// path; the temporary file is removed on failure.
func writeAtomic(create createTempFunc, path string, perm os.FileMode, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	f, err := create(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("publish %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 64<<10)
	if err := write(bw); err != nil {
		return fmt.Errorf("publish %s: %w", path, err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("publish %s: %w", path, err)
	}
	if err := f.Chmod(perm); err != nil {
		return fmt.Errorf("publish %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("publish %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("publish %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("publish %s: %w", path, err)
	}
	return nil
}

// syncDir makes a rename durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
