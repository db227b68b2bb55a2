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
			a.inputNames = map[string]struct{}{}
		}
		a.inputNames[fi.Name()] = struct{}{}
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
// may be one of the inputs: one of them has that name.
func (a *Archive) mayBeInput(name string) bool {
	a.aux.Lock()
	defer a.aux.Unlock()
	_, ok := a.inputNames[name]
	return ok
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
