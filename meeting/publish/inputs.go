package publish

import "os"

// KeepInputs tells a regenerating archive which files are the logs being
// replayed (the archive may be regenerated in place, its .log.txt files
// read while minutes are written beside them): none is ever written over
// unless the new bytes are the same (see ErrInputChanged). It is safe for
// concurrent use.
func (a *Archive) KeepInputs(files ...os.FileInfo) {
	a.aux.Lock()
	defer a.aux.Unlock()
	for _, fi := range files {
		if fi == nil {
			continue
		}
		if a.inputNames == nil {
			a.inputNames = map[uint64]struct{}{}
		}
		a.inputNames[nameHash(fi.Name())] = struct{}{}
		if k, ok := fileKeyOf(fi); ok {
			if a.inputs == nil {
				a.inputs = map[fileKey]struct{}{}
			}
			a.inputs[k] = struct{}{}
		} else {
			a.otherInputs = append(a.otherInputs, fi)
		}
	}
}

// mayBeInput reports whether a file named name (without its directory)
// may be one of the inputs: one of them has that name (or one whose hash
// is the same).
func (a *Archive) mayBeInput(name string) bool {
	a.aux.Lock()
	defer a.aux.Unlock()
	_, ok := a.inputNames[nameHash(name)]
	return ok
}

// nameHash is a file name's FNV-1a hash: the inputs' names are kept as
// hashes, 8 bytes each however long (a collision only costs a stat).
func nameHash(name string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	return h
}

// isInput reports whether fi is one of the inputs.
func (a *Archive) isInput(fi os.FileInfo) bool {
	a.aux.Lock()
	defer a.aux.Unlock()
	if k, ok := fileKeyOf(fi); ok {
		if _, in := a.inputs[k]; in {
			return true
		}
	}
	for _, o := range a.otherInputs {
		if os.SameFile(o, fi) {
			return true
		}
	}
	return false
}
