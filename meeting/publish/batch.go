package publish

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"gavel/meeting"
)

// Batch defers the syncs of archives that regenerate many meetings at once
// (gavel replay over a whole archive). Every file is still written under a
// temporary name and renamed into place, so readers never see half a file,
// but nothing is synced file by file, meeting by meeting: Sync, at the
// end, makes everything durable with one pass over the directories
// written (a sync of their file system, then of each directory). A sync
// per file bounds a regeneration at a few hundred meetings a second; the
// batch is not slowed by the disk's flushes.
//
// Until Sync returns, a crash may leave files empty or missing: regenerate
// again (the input logs are untouched). Live meetings never use a batch.
//
// A Batch is safe for concurrent use by the archives it made and their
// sessions; its memory grows with the directories written, not with the
// meetings.
type Batch struct {
	mu    sync.Mutex
	dirs  map[string]struct{}
	roots map[string]struct{} // the archives' roots
}

// NewBatch returns an empty batch.
func NewBatch() *Batch { return &Batch{dirs: map[string]struct{}{}, roots: map[string]struct{}{}} }

// Archive returns an archive like New's that is regenerated (see
// Archive.Regenerate) and whose syncs b defers.
func (b *Batch) Archive(root string, style meeting.Style, urlPrefix string) *Archive {
	a := New(root, style, urlPrefix)
	a.Regenerate = true
	b.adopt(a)
	return a
}

// adopt makes a's syncs the batch's.
func (b *Batch) adopt(a *Archive) {
	a.batch = b
	b.mu.Lock()
	b.roots[filepath.Clean(a.Root)] = struct{}{}
	b.mu.Unlock()
	create := a.create
	a.create = func(d *dirHandle, prefix, suffix string, named bool, perm os.FileMode) (tempFile, string, error) {
		f, name, err := create(d, prefix, suffix, named, perm)
		if err != nil {
			return nil, "", err
		}
		return deferredFile{f, b}, name, nil
	}
}

// deferredFile is a temporary file whose Sync is left to the batch.
type deferredFile struct {
	tempFile
	b *Batch
}

func (f deferredFile) Sync() error {
	f.b.note(filepath.Dir(f.Name()))
	return nil
}

// note records a directory to sync.
func (b *Batch) note(dir string) {
	b.mu.Lock()
	b.dirs[filepath.Clean(dir)] = struct{}{}
	b.mu.Unlock()
}

// Dirs returns the directories written so far, sorted.
func (b *Batch) Dirs() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]string, 0, len(b.dirs))
	for d := range b.dirs {
		out = append(out, d)
	}
	slices.Sort(out)
	return out
}

// Sync makes every file the batch's archives wrote durable: it syncs the
// file system of the directories written (syncfs once per file system on
// Linux; elsewhere each file in them), then each directory, and the
// directories between it and its archive's root (Open may have created
// them), once each. Every directory is tried; the errors are joined. Sync
// may be called again after more writes.
func (b *Batch) Sync() error {
	b.mu.Lock()
	dirs := make([]string, 0, len(b.dirs))
	for d := range b.dirs {
		dirs = append(dirs, d)
	}
	clear(b.dirs)
	roots := make(map[string]struct{}, len(b.roots))
	for r := range b.roots {
		roots[r] = struct{}{}
	}
	b.mu.Unlock()
	slices.Sort(dirs)
	var errs []error
	synced := map[string]bool{}
	fsDone := map[uint64]bool{}
	for _, dir := range dirs {
		if err := syncFileSystem(dir, fsDone); err != nil {
			errs = append(errs, fmt.Errorf("publish %s: %w", dir, err))
		}
		for d := dir; !synced[d]; d = filepath.Dir(d) {
			synced[d] = true
			if err := syncDir(d); err != nil {
				errs = append(errs, fmt.Errorf("publish %s: %w", d, err))
				break
			}
			if _, root := roots[d]; root || !underAny(d, roots) {
				break
			}
		}
	}
	return errors.Join(errs...)
}

// underAny reports whether dir is inside one of the roots.
func underAny(dir string, roots map[string]struct{}) bool {
	for r := range roots {
		if rel, err := filepath.Rel(r, dir); err == nil && filepath.IsLocal(rel) {
			return true
		}
	}
	return false
}

// syncFile makes one file durable now, or leaves it to the batch.
func (a *Archive) syncFile(f tempFile) error {
	if a.batch != nil {
		a.batch.note(filepath.Dir(f.Name()))
		return nil
	}
	return f.Sync()
}

// syncDir makes the renames in dir (a path on disk) durable now, or leaves
// them to the batch.
func (a *Archive) syncDir(dir string) error {
	if a.batch != nil {
		a.batch.note(dir)
		return nil
	}
	return syncDir(dir)
}
