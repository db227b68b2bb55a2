package publish

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// syncFileSystem syncs the file system holding dir (syncfs(2)), once per
// file system: done records the devices synced.
func syncFileSystem(dir string, done map[uint64]bool) error {
	var st syscall.Stat_t
	if err := syscall.Stat(dir, &st); err != nil {
		return err
	}
	dev := uint64(st.Dev)
	if done[dev] {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := unix.Syncfs(int(d.Fd())); err != nil {
		return os.NewSyscallError("syncfs", err)
	}
	done[dev] = true
	return nil
}
