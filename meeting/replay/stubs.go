package replay

import (
	"bufio"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Stubs finds, among the logs of an archive (paths of .log.txt files),
// those that are the stubs zodbot leaves when a meeting is renamed: for a
// meeting renamed with #meetingname, Fedora's MeetBot keeps, beside the
// meeting's files, a .log.txt under its first name holding the log up to
// then (often the #startmeeting line alone). A stub is a log without
// #meetingname whose first line is that of another log in the same
// directory, one with #meetingname: the meeting it belongs to. Replaying a
// stub would make a second meeting of it; the meeting's own replay writes
// the stub again (in zodbot style). Where two such meetings share the
// first line (begun in the same second), a stub is that of the one with
// the same "-N" suffix (see suffixOf), or else the first. The result maps the index of each
// stub in paths to the index of its meeting. Files that cannot be read
// are left to the replay, which says why.
func Stubs(paths []string) map[int]int {
	// A stub and its meeting are named for the meeting's start: only logs
	// of one directory and one minute (or whose names give none) are
	// compared, and most logs, alone in their minute, are never opened.
	byDir := map[string][]int{}
	for i, p := range paths {
		d := filepath.Dir(p) + "\x00" + stampOf(p)
		byDir[d] = append(byDir[d], i)
	}
	stubs := map[int]int{}
	buf := make([]byte, 4096)
	for _, idx := range byDir {
		if len(idx) < 2 {
			continue
		}
		byFirst := map[string][]int{}
		for _, i := range idx {
			if first, ok := firstLineOf(paths[i], buf); ok {
				byFirst[first] = append(byFirst[first], i)
			}
		}
		for _, same := range byFirst {
			if len(same) < 2 {
				continue
			}
			var meetings, without []int
			for _, i := range same {
				named, ok := renames(paths[i])
				switch {
				case !ok:
				case named:
					meetings = append(meetings, i)
				default:
					without = append(without, i)
				}
			}
			if len(meetings) == 0 {
				continue
			}
			for _, i := range without {
				// Two meetings of one name begun in the same second
				// (name and name-2) each left their stub (stub and
				// stub-2): a stub is the meeting's with its suffix.
				stubs[i] = meetings[0]
				for _, m := range meetings {
					if suffixOf(paths[m]) == suffixOf(paths[i]) {
						stubs[i] = m
						break
					}
				}
			}
		}
	}
	return stubs
}

// openRegular opens a regular file for reading, never waiting on a FIFO.
func openRegular(path string) (*os.File, bool) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, false
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, false
	}
	return f, true
}

// firstLineOf is the first line of a file (up to len(buf) bytes of it,
// read into buf).
func firstLineOf(path string, buf []byte) (string, bool) {
	f, ok := openRegular(path)
	if !ok {
		return "", false
	}
	defer f.Close()
	n, err := io.ReadFull(f, buf)
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return "", false
	}
	line, _, _ := bytes.Cut(buf[:n], []byte("\n"))
	return string(bytes.TrimSuffix(line, []byte("\r"))), n > 0
}

// meetingName finds a #meetingname command in a MeetBot log line: after
// the time and the nick.
var meetingName = regexp.MustCompile(`(?i)^\S+\s+<[^>]*>\s*#meetingname\b`)

// renames reports whether the log holds a #meetingname command.
func renames(path string) (named, ok bool) {
	f, ok := openRegular(path)
	if !ok {
		return false, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if bytes.Contains(bytes.ToLower(line), []byte("#meetingname")) && meetingName.Match(bytes.TrimLeft(line, " \t")) {
			return true, true
		}
	}
	return false, sc.Err() == nil
}

// suffixOf is the "-N" an archive put after the meeting name in a log's
// file name, <name>-<N>.<YYYY-MM-DD-HH.MM>.log.txt, to keep apart two
// meetings of one name and minute: N, or 1 when there is none.
func suffixOf(path string) int {
	base := strings.TrimSuffix(filepath.Base(path), ".log.txt")
	const stampLen = len(".2006-01-02-15.04")
	if len(base) <= stampLen || base[len(base)-stampLen] != '.' {
		return 1
	}
	name := base[:len(base)-stampLen]
	at := strings.LastIndexByte(name, '-')
	if at < 0 {
		return 1
	}
	n, err := strconv.Atoi(name[at+1:])
	if err != nil || n < 2 {
		return 1
	}
	return n
}

// stampOf is the start an archive named a log for, the YYYY-MM-DD-HH.MM
// of <name>.<YYYY-MM-DD-HH.MM>.log.txt, or "" when its name gives none.
func stampOf(path string) string {
	base, ok := strings.CutSuffix(filepath.Base(path), ".log.txt")
	const stampLen = len("2006-01-02-15.04")
	if !ok || len(base) <= stampLen || base[len(base)-stampLen-1] != '.' {
		return ""
	}
	stamp := base[len(base)-stampLen:]
	if _, err := time.Parse("2006-01-02-15.04", stamp); err != nil {
		return ""
	}
	return stamp
}
