//go:build !linux

package publish

import (
	"errors"
	"os"
)

// createLocked creates a new file named prefix<n>suffix in d, locked (see
// createLockedNamed); it is always named here.
func createLocked(d *dirHandle, prefix, suffix string, _ bool) (*os.File, string, error) {
	return createLockedNamed(d, prefix, suffix)
}

var errNoUnnamed = errors.New("no unnamed files here")

func linkTemp(*dirHandle, tempFile, string, string) (string, error) { return "", errNoUnnamed }

func linkUnnamed(*dirHandle, tempFile, string) error { return errNoUnnamed }
