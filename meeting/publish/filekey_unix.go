//go:build unix

package publish

import (
	"cmp"
	"os"
	"syscall"
)

// fileKey is a file's identity: its device and inode.
type fileKey struct{ dev, ino uint64 }

func fileKeyOf(fi os.FileInfo) (fileKey, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return fileKey{}, false
	}
	return fileKey{uint64(st.Dev), uint64(st.Ino)}, true
}

// compareKeys orders file keys.
func compareKeys(x, y fileKey) int {
	return cmp.Or(cmp.Compare(x.dev, y.dev), cmp.Compare(x.ino, y.ino))
}
