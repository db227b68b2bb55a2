package publish

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
)

// createTempFunc opens a new temporary file in the root-relative directory
// dir of root (its Name is the path on disk). It is a variable of the
// Archive so that tests can make writes fail as a full disk does.
type createTempFunc func(root *os.Root, dir, pattern string) (tempFile, error)

// tempFile is what atomic writes and partial logs need of an *os.File.
type tempFile interface {
	io.Writer
	Name() string
	Sync() error
	Close() error
	Chmod(os.FileMode) error
	Fd() uintptr
}

func rootCreateTemp(root *os.Root, dir, pattern string) (tempFile, error) {
	f, _, err := createTemp(root, dir, pattern)
	if err != nil {
		return nil, err // not a typed nil in the interface
	}
	return f, nil
}

// rootRel is the root-relative name of a file of root.
func rootRel(root *os.Root, f tempFile) string {
	rel, err := filepath.Rel(root.Name(), f.Name())
	if err != nil {
		return f.Name()
	}
	return filepath.ToSlash(rel)
}

// writeAtomic writes the root-relative file rel by writing a temporary file
// in the same directory, syncing it and renaming it over rel, so that
// readers see the old file or the new one, never half of one. Errors are
// returned with the path (see Archive.pathError); the temporary file is
// removed on failure. The temporary file is ".<name>.tmp-<up to ten
// digits>": with base names of at most meeting.MaxBaseName bytes, every
// name fits in 255.
func writeAtomic(create createTempFunc, root *os.Root, rel string, perm os.FileMode, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(filepath.FromSlash(rel))
	f, err := create(root, filepath.ToSlash(dir), "."+base+".tmp-*")
	if err != nil {
		return pathError(root.Name(), rel, err)
	}
	tmp := rootRel(root, f)
	defer func() {
		if err != nil {
			f.Close()
			root.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 64<<10)
	if err := write(bw); err != nil {
		return pathError(root.Name(), rel, err)
	}
	if err := bw.Flush(); err != nil {
		return pathError(root.Name(), rel, err)
	}
	if err := f.Chmod(perm); err != nil {
		return pathError(root.Name(), rel, err)
	}
	if err := f.Sync(); err != nil {
		return pathError(root.Name(), rel, err)
	}
	if err := f.Close(); err != nil {
		return pathError(root.Name(), rel, err)
	}
	if err := root.Rename(tmp, rel); err != nil {
		return pathError(root.Name(), rel, err)
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
