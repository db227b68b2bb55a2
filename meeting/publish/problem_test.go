package publish

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"syscall"
	"testing"
)

// TestExplainSaysWhatAndWhere: an archive error says what is wrong and in
// which directory, never the partial file's name, and keeps the file
// system's error for errors.Is.
func TestExplainSaysWhatAndWhere(t *testing.T) {
	const dir = "/srv/meetbot/meet/2026-11-24"
	partial := dir + "/.weekly.2026-11-24-18.00.log.txt.partial-4242"
	for _, c := range []struct {
		name  string
		err   error
		errno syscall.Errno
		want  string
	}{
		{"read-only", &fs.PathError{Op: "open", Path: partial, Err: syscall.EROFS}, syscall.EROFS, "the archive is read-only (" + dir + ")"},
		{"full", fmt.Errorf("publish %s: %w", partial, &fs.PathError{Op: "write", Path: partial, Err: syscall.ENOSPC}), syscall.ENOSPC, "the disk is full (" + dir + ")"},
		{"quota", &fs.PathError{Op: "write", Path: partial, Err: syscall.EDQUOT}, syscall.EDQUOT, "the disk quota is used up (" + dir + ")"},
		{"permission", &fs.PathError{Op: "mkdir", Path: dir, Err: syscall.EACCES}, syscall.EACCES, "gavel may not write there (permission denied) (/srv/meetbot/meet)"},
		{"in the way", &os.LinkError{Op: "rename", Old: partial, New: dir + "/weekly.2026-11-24-18.00.log.txt", Err: syscall.EISDIR}, syscall.EISDIR, "something is in the way of the minutes' files (is a directory) (" + dir + ")"},
		{"i/o", &fs.PathError{Op: "sync", Path: partial, Err: syscall.EIO}, syscall.EIO, "the disk reports an I/O error (" + dir + ")"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := Explain(c.err)
			if got.Error() != "the minutes could not be written: "+c.want {
				t.Errorf("got %q", got)
			}
			if strings.Contains(got.Error(), "partial") || !errors.Is(got, c.errno) {
				t.Errorf("%q: names a partial file, or lost its errno", got)
			}
			if again := Explain(got); again != got {
				t.Errorf("explained twice: %q", again)
			}
		})
	}
	plain := errors.New("no meeting to publish")
	if Explain(plain) != plain || Explain(nil) != nil {
		t.Error("an error without an errno is not left as it is")
	}
}
