//go:build !unix

package publish

// lockFile is a no-op where flock(2) is not available.
func lockFile(interface{ Fd() uintptr }) error { return nil }

func errWouldBlock(error) bool { return false }

// removeIfStale never says a temporary file is stale where locks are not
// available.
func removeIfStale(*dirHandle, string) bool { return false }
