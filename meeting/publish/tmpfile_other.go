//go:build !linux

package publish

import "os"

// createLocked creates a new file named prefix<n>suffix in d, locked (see
// createLockedNamed).
func createLocked(d *dirHandle, prefix, suffix string) (*os.File, string, error) {
	return createLockedNamed(d, prefix, suffix)
}
