// Package journaltest gives tests a file system that fails the way real
// disks fail, for the journal and the live controller: a full disk
// (ENOSPC: writes stop part-way), a failing disk (EIO from fsync, the
// pages written before it lost) and a read-only file system (EROFS on
// every change). Errors are *fs.PathError with the errno the kernel gives;
// TestFaultsMatchARealFileSystem checks them against a real tmpfs.
package journaltest

import (
	"io/fs"
	"os"
	"sync"
	"syscall"

	"gavel/meeting/journal"
)

// Fault is how the disk fails.
type Fault int

// The faults.
const (
	Healthy  Fault = iota
	Full           // ENOSPC: a write stores what fits (half of it here), then fails
	IOError        // EIO from fsync; the data of the failed writes is lost
	ReadOnly       // EROFS on creating, writing, renaming and removing
)

// FS is journal.OS with a fault switched on or off. It is safe for
// concurrent use.
type FS struct {
	mu     sync.Mutex
	fault  Fault
	Errors int // failed operations so far
}

// Set switches the fault (Healthy heals the disk).
func (f *FS) Set(fault Fault) {
	f.mu.Lock()
	f.fault = fault
	f.mu.Unlock()
}

func (f *FS) now() Fault {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.fault
}

func (f *FS) fail(op, path string, errno syscall.Errno) error {
	f.mu.Lock()
	f.Errors++
	f.mu.Unlock()
	return &fs.PathError{Op: op, Path: path, Err: errno}
}

const writeFlags = os.O_WRONLY | os.O_RDWR | os.O_CREATE | os.O_TRUNC | os.O_APPEND

// OpenFile implements journal.FS.
func (f *FS) OpenFile(name string, flag int, perm fs.FileMode) (journal.File, error) {
	if flag&writeFlags != 0 && f.now() == ReadOnly {
		return nil, f.fail("open", name, syscall.EROFS)
	}
	file, err := os.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &File{File: file, fs: f}, nil
}

// Rename implements journal.FS.
func (f *FS) Rename(oldpath, newpath string) error {
	if f.now() == ReadOnly {
		return &os.LinkError{Op: "rename", Old: oldpath, New: newpath, Err: syscall.EROFS}
	}
	return os.Rename(oldpath, newpath)
}

// Remove implements journal.FS.
func (f *FS) Remove(name string) error {
	if f.now() == ReadOnly {
		return f.fail("remove", name, syscall.EROFS)
	}
	return os.Remove(name)
}

// MkdirAll implements journal.FS.
func (f *FS) MkdirAll(path string, perm fs.FileMode) error {
	if f.now() == ReadOnly {
		if st, err := os.Stat(path); err == nil && st.IsDir() {
			return nil // as os.MkdirAll: nothing to create
		}
		return f.fail("mkdir", path, syscall.EROFS)
	}
	return os.MkdirAll(path, perm)
}

// Glob implements journal.FS.
func (f *FS) Glob(pattern string) ([]string, error) { return journal.OS.Glob(pattern) }

// File is an open file of FS.
type File struct {
	*os.File
	fs    *FS
	dirty []span // written since the last good fsync (IOError loses them)
}

type span struct{ off, n int64 }

// WriteAt implements journal.File.
func (f *File) WriteAt(p []byte, off int64) (int, error) {
	switch f.fs.now() {
	case Full:
		n, _ := f.File.WriteAt(p[:len(p)/2], off)
		return n, f.fs.fail("write", f.Name(), syscall.ENOSPC)
	case ReadOnly:
		return 0, f.fs.fail("write", f.Name(), syscall.EROFS)
	}
	n, err := f.File.WriteAt(p, off)
	f.dirty = append(f.dirty, span{off, int64(n)})
	return n, err
}

// Sync implements journal.File.
func (f *File) Sync() error {
	switch f.fs.now() {
	case IOError:
		// The kernel drops the pages it could not write and reports it
		// once: what those writes held is gone from the file.
		for _, s := range f.dirty {
			if st, err := f.Stat(); err == nil && !st.IsDir() {
				f.File.WriteAt(make([]byte, min(s.n, max(st.Size()-s.off, 0))), s.off)
			}
		}
		f.dirty = nil
		return f.fs.fail("sync", f.Name(), syscall.EIO)
	case ReadOnly:
		if st, err := f.Stat(); err == nil && st.IsDir() {
			return nil
		}
		return f.fs.fail("sync", f.Name(), syscall.EROFS)
	}
	f.dirty = nil
	return f.File.Sync()
}

// Truncate implements journal.File.
func (f *File) Truncate(size int64) error {
	if f.fs.now() == ReadOnly {
		return f.fs.fail("truncate", f.Name(), syscall.EROFS)
	}
	return f.File.Truncate(size)
}
