//go:build unix

package outbox

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"syscall"
)

// lockFile takes an exclusive lock on path (creating it), so that two
// gavels never send the same outbox. The lock goes with the process.
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("outbox: lock: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("the outbox %s is in use by another gavel", strings.TrimSuffix(path, ".lock"))
		}
		return nil, fmt.Errorf("outbox: lock %s: %w", path, err)
	}
	return f, nil
}
