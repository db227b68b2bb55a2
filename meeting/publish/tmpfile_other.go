//go:build !linux

package publish

import (
	"errors"
	"os"
)

// createLocked creates a new file named prefix<n>suffix in d, locked (see
// createLockedNamed); it is always named here.
func createLocked(d *dirHandle, prefix, suffix string, _ bool, _ os.FileMode) (tempFile, string, error) {
	f, name, err := createLockedNamed(d, prefix, suffix)
	if err != nil {
		return nil, "", err
	}
	return f, name, nil
}

var errNoUnnamed = errors.New("no unnamed files here")

func linkTemp(*dirHandle, tempFile, string, string) (string, error) { return "", errNoUnnamed }

func linkUnnamed(*dirHandle, tempFile, string) error { return errNoUnnamed }
