package publish

import (
	"errors"
	"os"
)

// handles keeps a regenerating archive's root and directories open across
// its sessions: thousands of meetings a second, five or so to a day
// directory, would otherwise each open them again. Directories no session
// uses are kept up to maxIdleDirs, the least recently used closed first,
// so the descriptors held do not grow with the archive.
type handles struct {
	root  *os.Root
	dirs  map[string]*sharedDir
	clock uint64
}

type sharedDir struct {
	d    *dirHandle
	refs int
	used uint64
}

// maxIdleDirs bounds the directories kept open while no session uses them.
const maxIdleDirs = 16

// sharedRoot is the archive's root, opened once (regenerating archives).
func (a *Archive) sharedRoot() (*os.Root, error) {
	a.aux.Lock()
	defer a.aux.Unlock()
	if a.handles.root == nil {
		r, err := a.openRoot()
		if err != nil {
			return nil, err
		}
		a.handles.root = r
	}
	return a.handles.root, nil
}

// acquireDir returns the directory rel, open (and swept) once for every
// session of the archive, with its listing (see listing); releaseDir
// gives it back. When it opens the directory, it returns the names in it
// too.
func (a *Archive) acquireDir(root *os.Root, rel string, mkdir bool) (*dirHandle, []string, error) {
	a.aux.Lock()
	defer a.aux.Unlock()
	h := &a.handles
	h.clock++
	if sd, ok := h.dirs[rel]; ok {
		sd.refs++
		sd.used = h.clock
		return sd.d, nil, nil
	}
	d, err := openDirHandle(root, a.Root, rel, mkdir)
	if err != nil {
		return nil, nil, err
	}
	names, err := readDirNames(d)
	if err != nil {
		d.close()
		return nil, nil, err
	}
	d.list = newListing(names)
	if names == nil {
		names = []string{} // nil says it was open already
	}
	if h.dirs == nil {
		h.dirs = map[string]*sharedDir{}
	}
	h.dirs[rel] = &sharedDir{d: d, refs: 1, used: h.clock}
	h.trim()
	return d, names, nil
}

func (a *Archive) releaseDir(d *dirHandle) {
	a.aux.Lock()
	defer a.aux.Unlock()
	if sd, ok := a.handles.dirs[d.rel]; ok && sd.d == d {
		sd.refs--
		a.handles.trim()
	}
}

// trim closes the least recently used idle directories beyond
// maxIdleDirs. Called with a.aux held.
func (h *handles) trim() {
	for {
		idle := 0
		var oldest *sharedDir
		for _, sd := range h.dirs {
			if sd.refs > 0 {
				continue
			}
			idle++
			if oldest == nil || sd.used < oldest.used {
				oldest = sd
			}
		}
		if idle <= maxIdleDirs {
			return
		}
		delete(h.dirs, oldest.d.rel)
		oldest.d.close()
	}
}

// Close closes what a regenerating archive keeps open between its
// sessions (the sessions themselves must be closed first). The archive can
// still be used: it opens them again.
func (a *Archive) Close() error {
	a.aux.Lock()
	defer a.aux.Unlock()
	h := &a.handles
	var errs []error
	for rel, sd := range h.dirs {
		if sd.refs == 0 {
			sd.d.close()
			delete(h.dirs, rel)
		}
	}
	if len(h.dirs) > 0 {
		errs = append(errs, errors.New("publish: archive closed while sessions write"))
	}
	if h.root != nil && len(h.dirs) == 0 {
		errs = append(errs, h.root.Close())
		h.root = nil
	}
	return errors.Join(errs...)
}
