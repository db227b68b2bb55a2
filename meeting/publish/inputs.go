package publish

import (
	"os"
	"slices"
)

// KeepInputs tells a regenerating archive which files are the logs being
// replayed (the archive may be regenerated in place, its .log.txt files
// read while minutes are written beside them): none is ever written over
// unless the new bytes are the same (see ErrInputChanged). It is safe for
// concurrent use. The inputs are kept in sorted lists, 24 bytes each:
// a regeneration of a large archive knows all of its logs.
func (a *Archive) KeepInputs(files ...os.FileInfo) {
	a.aux.Lock()
	defer a.aux.Unlock()
	for _, fi := range files {
		if fi == nil {
			continue
		}
		k, ok := fileKeyOf(fi)
		if !ok {
			a.otherInputs = append(a.otherInputs, fi)
		} else if !a.inputsDirty && hasSorted(a.inputs, k, compareKeys) {
			continue // known already
		} else {
			a.inputs = append(a.inputs, k)
		}
		a.inputNames = append(a.inputNames, nameHash(fi.Name()))
		a.inputsDirty = true
	}
}

// sortInputs sorts the inputs' lists after KeepInputs added to them.
// Called with a.aux held.
func (a *Archive) sortInputs() {
	if !a.inputsDirty {
		return
	}
	slices.SortFunc(a.inputs, compareKeys)
	a.inputs = slices.Compact(a.inputs)
	slices.Sort(a.inputNames)
	a.inputNames = slices.Compact(a.inputNames)
	a.inputsDirty = false
}

// hasSorted reports whether the sorted list holds v.
func hasSorted[T any](list []T, v T, compare func(T, T) int) bool {
	_, ok := slices.BinarySearchFunc(list, v, compare)
	return ok
}

// mayBeInput reports whether a file named name (without its directory)
// may be one of the inputs: one of them has that name (or one whose hash
// is the same).
func (a *Archive) mayBeInput(name string) bool {
	a.aux.Lock()
	defer a.aux.Unlock()
	a.sortInputs()
	_, ok := slices.BinarySearch(a.inputNames, nameHash(name))
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
		a.sortInputs()
		if hasSorted(a.inputs, k, compareKeys) {
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
