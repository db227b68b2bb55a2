//go:build !unix

package outbox

import (
	"fmt"
	"os"
)

// lockFile opens the lock file; without flock, two gavels sharing an
// outbox are not prevented here.
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("outbox: lock: %w", err)
	}
	return f, nil
}
