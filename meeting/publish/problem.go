package publish

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
)

// Problem is a failure to write the archive in the words a chair needs:
// what is wrong and in which directory, never the names of the partial
// files gavel writes before it renames them. The error the file system
// gave stays wrapped (errors.Is, the log).
type Problem struct {
	What string // "the archive is read-only", "the disk is full", …
	Dir  string // the directory that could not be written
	Err  error
}

func (p *Problem) Error() string {
	if p.Dir == "" {
		return "the minutes could not be written: " + p.What
	}
	return "the minutes could not be written: " + p.What + " (" + p.Dir + ")"
}

func (p *Problem) Unwrap() error { return p.Err }

// Explain turns an error of the archive into a Problem when the file
// system said what went wrong; other errors (nil too) are returned as
// they are. Paths the archive names relative to its root are placed under
// it.
func (a *Archive) Explain(err error) error {
	err = Explain(err)
	if p, ok := err.(*Problem); ok && !filepath.IsAbs(p.Dir) && p.Dir != "" {
		p.Dir = filepath.Join(a.Root, p.Dir)
	}
	return err
}

// Explain turns an error of the file system into a Problem when it says
// what went wrong; other errors (nil too) are returned as they are.
func Explain(err error) error {
	var p *Problem
	if err == nil || errors.As(err, &p) {
		return err
	}
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return err
	}
	what := errno.Error()
	switch errno {
	case syscall.EROFS:
		what = "the archive is read-only"
	case syscall.ENOSPC:
		what = "the disk is full"
	case syscall.EDQUOT:
		what = "the disk quota is used up"
	case syscall.EACCES, syscall.EPERM:
		what = "gavel may not write there (permission denied)"
	case syscall.EIO:
		what = "the disk reports an I/O error"
	case syscall.EEXIST, syscall.EISDIR, syscall.ENOTDIR, syscall.ENOTEMPTY:
		what = "something is in the way of the minutes' files (" + errno.Error() + ")"
	case syscall.ENAMETOOLONG:
		what = "a file name is too long for the disk"
	}
	return &Problem{What: what, Dir: dirOf(err), Err: err}
}

// dirOf is the directory of the path an error names.
func dirOf(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return filepath.Dir(pe.Path)
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return filepath.Dir(le.New)
	}
	return ""
}
