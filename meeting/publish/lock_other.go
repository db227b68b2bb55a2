//go:build !unix

package publish

import "os"

// lockFile is a no-op where flock(2) is not available.
func lockFile(tempFile) error { return nil }

// stale never says a partial file is stale where locks are not available.
func stale(string) (*os.File, bool) { return nil, false }
