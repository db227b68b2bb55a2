package publish

import (
	"bufio"
	"io"
	"os"
	"path"
)

// createTempFunc opens a new temporary file in a root-relative directory
// and returns it with its root-relative name. It is a variable of the
// Archive so that tests can make writes fail as a full disk does.
type createTempFunc func(root *os.Root, dir, pattern string) (tempFile, string, error)

// tempFile is what atomic writes need of an *os.File.
type tempFile interface {
	io.Writer
	Sync() error
	Close() error
	Chmod(os.FileMode) error
}

func rootCreateTemp(root *os.Root, dir, pattern string) (tempFile, string, error) {
	f, name, err := createTemp(root, dir, pattern)
	if err != nil {
		return nil, "", err
	}
	return f, name, nil
}

// writeAtomic writes the root-relative file rel by writing a temporary file
// in the same directory, syncing it and renaming it over rel, so that
// readers see the old file or the new one, never half of one. Errors are
// returned with the path; the temporary file is removed on failure. The
// temporary file is named ".<name>.tmp-<up to 10 digits>": with names of at
// most meeting.MaxBaseName bytes before the extension, it fits in 255.
func (a *Archive) writeAtomic(root *os.Root, rel string, perm os.FileMode, write func(io.Writer) error) (err error) {
	dir, base := path.Split(rel)
	f, tmp, err := a.create(root, dir, "."+base+".tmp-*")
	if err != nil {
		return a.pathError(rel, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			root.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 64<<10)
	if err := write(bw); err != nil {
		return a.pathError(rel, err)
	}
	if err := bw.Flush(); err != nil {
		return a.pathError(rel, err)
	}
	if err := f.Chmod(perm); err != nil {
		return a.pathError(rel, err)
	}
	if err := f.Sync(); err != nil {
		return a.pathError(rel, err)
	}
	if err := f.Close(); err != nil {
		return a.pathError(rel, err)
	}
	if err := root.Rename(tmp, rel); err != nil {
		return a.pathError(rel, err)
	}
	return nil
}

// syncDir makes the renames in a root-relative directory durable.
func syncDir(root *os.Root, dir string) error {
	d, err := root.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
