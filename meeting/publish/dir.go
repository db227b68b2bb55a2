package publish

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
)

// dirHandle is one directory of the archive, opened once: the files of a
// meeting are created, renamed, read and swept by their bare names in it,
// with one system call each instead of a walk from the archive root.
type dirHandle struct {
	rel  string   // archive-relative, slash-separated ("." for the root)
	root *os.Root // confined to the directory
	f    *os.File // the directory itself: its descriptor for *at calls
	path string   // on disk
	list *listing // in a regeneration, what is in it (see listing); nil: ask the disk
}

// listing is, in a regeneration, the names in a directory that are no
// temporary files: those it held when the archive opened it (one read of
// the directory) and those the archive gave since. It answers whether a
// meeting's file is there without a look-up on disk for each name (six
// or so per meeting): a name it lacks is looked up only where another
// process could have put it meanwhile and the answer matters (see
// Session.finaliseLogs).
type listing struct {
	mu    sync.Mutex
	names map[string]struct{}
}

// newListing lists names, leaving out temporary files.
func newListing(names []string) *listing {
	l := &listing{names: make(map[string]struct{}, len(names))}
	for _, n := range names {
		if !temporary(n) {
			l.names[n] = struct{}{}
		}
	}
	return l
}

// absent reports whether d is known to hold no file named name.
func (d *dirHandle) absent(name string) bool {
	if d.list == nil {
		return false
	}
	d.list.mu.Lock()
	defer d.list.mu.Unlock()
	_, ok := d.list.names[name]
	return !ok
}

// placed records that d now holds a file named name.
func (d *dirHandle) placed(name string) {
	if d.list == nil {
		return
	}
	d.list.mu.Lock()
	d.list.names[name] = struct{}{}
	d.list.mu.Unlock()
}

// openDirHandle opens the directory rel of root (the archive root at
// rootPath), creating it first if mkdir is set. The directory is reached
// through root, so never outside it.
func openDirHandle(root *os.Root, rootPath, rel string, mkdir bool) (*dirHandle, error) {
	if mkdir && rel != "." {
		if err := root.MkdirAll(rel, 0o755); err != nil {
			return nil, err
		}
	}
	r, err := root.OpenRoot(rel)
	if err != nil {
		return nil, err
	}
	f, err := r.Open(".")
	if err != nil {
		r.Close()
		return nil, err
	}
	return &dirHandle{rel: rel, root: r, f: f, path: filepath.Join(rootPath, filepath.FromSlash(rel))}, nil
}

func (d *dirHandle) close() {
	d.f.Close()
	d.root.Close()
}

// relOf is the archive-relative path of the file name in d.
func (d *dirHandle) relOf(name string) string {
	if d.rel == "." {
		return name
	}
	return d.rel + "/" + name
}

// Temporary files beside the published ones: a streamed log before it is
// renamed into place (".<base>.log.txt.partial-<n>"), and a file written
// atomically (".<name>.tmp-<n>"). Both are locked by their writer before
// any other process can find them under their names (see createLocked),
// so that those nobody holds, left by a process that died, can be told
// and removed (see sweep).
const (
	partialSuffix = ".partial-"
	tmpSuffix     = ".tmp-"
)

// temporary reports whether name is one of the temporary files above.
func temporary(name string) bool {
	return strings.HasPrefix(name, ".") && (strings.Contains(name, partialSuffix) || strings.Contains(name, tmpSuffix))
}

// sweep removes the temporary files in d that no living process holds:
// the partial logs and atomic writes of a gavel that crashed or was
// killed. (Its meeting comes back from the journal, which holds every
// line.) A file is removed only while the sweep holds its lock and only
// if its name still leads to the file locked. It returns how many it
// removed.
func sweep(d *dirHandle) int {
	entries, err := readDirNames(d)
	if err != nil {
		return 0
	}
	return sweepNames(d, entries)
}

// sweepNames is sweep of the names listed in d.
func sweepNames(d *dirHandle, entries []string) int {
	n := 0
	for _, name := range entries {
		if !temporary(name) {
			continue
		}
		if removeIfStale(d, name) {
			n++
		}
	}
	return n
}

// readDirNames lists d from its start, through its own descriptor (no
// other user of it reads from it: they only name it in *at calls).
func readDirNames(d *dirHandle) ([]string, error) {
	if _, err := d.f.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	return d.f.Readdirnames(-1)
}

// sameFile reports whether name in d is the file open as f.
func sameFile(d *dirHandle, name string, f *os.File) bool {
	a, err := f.Stat()
	if err != nil {
		return false
	}
	b, err := d.root.Lstat(name)
	return err == nil && os.SameFile(a, b)
}

// errSwept says a temporary file was removed by another process's sweep
// between its creation and its locking (only where it could not be
// created locked): it is created again.
var errSwept = errors.New("removed by a sweep before it was locked")

// createLockedNamed creates a new file named prefix<n>suffix in d, locked
// (see lockFile), the portable way: create, lock, and make sure that no
// sweep removed it in between; else try another name.
func createLockedNamed(d *dirHandle, prefix, suffix string) (*os.File, string, error) {
	for try := 0; ; try++ {
		name := prefix + randomDigits() + suffix
		f, err := d.root.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) && try < 100 {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		err = lockFile(f)
		if err == nil && !sameFile(d, name, f) {
			err = errSwept
		}
		if err == nil {
			return f, name, nil
		}
		f.Close()
		if !errors.Is(err, errSwept) && !errWouldBlock(err) || try >= 100 {
			d.root.Remove(name)
			return nil, "", err
		}
		// A sweep holds it (and removes it) or has removed it: another name.
	}
}

// checkName refuses a file name that is not one plain name.
func checkName(name string) error {
	if name == "" || name == "." || name == ".." || strings.ContainsAny(name, "/"+string(filepath.Separator)) {
		return fmt.Errorf("publish: %q is not a file name", name)
	}
	return nil
}

// splitRel is the directory and the name of an archive-relative path.
func splitRel(rel string) (string, string) {
	return path.Dir(rel), path.Base(rel)
}
