package publish

import "os"

// KeepInputs tells a regenerating archive which files are the logs being
// replayed (the archive may be regenerated in place, its .log.txt files
// read while minutes are written beside them): none is ever written over
// unless the new bytes are the same (see ErrInputChanged). It is safe for
// concurrent use.
func (a *Archive) KeepInputs(files ...os.FileInfo) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, fi := range files {
		if fi == nil {
			continue
		}
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

func (a *Archive) hasInputs() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.inputs) > 0 || len(a.otherInputs) > 0
}

// isInput reports whether fi is one of the inputs.
func (a *Archive) isInput(fi os.FileInfo) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
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
