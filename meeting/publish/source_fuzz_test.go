package publish

import (
	"os"
	"path"
	"testing"
	"time"

	"gavel/meeting"
)

// nameInfo is a file's FileInfo as far as Source's names go.
type nameInfo struct {
	os.FileInfo
	name string
}

func (n nameInfo) Name() string { return n.name }

// FuzzSourceIndex: whatever the meeting's name and the log's file name,
// sourceIndex never panics, the path it names is the one the log is
// named for, and a log named for the k-th path of a name gives k back.
func FuzzSourceIndex(f *testing.F) {
	f.Add("infrastructure", "infrastructure-2.2026-11-24-18.00.log.txt", 2, false)
	f.Add("Council (2015-04-30)", "council_(2015-04-30).2026-11-24-18.00.log.txt", 1, true)
	f.Add("f-35", "f-35-3.2026-11-24-18.00.log.txt", 3, false)
	f.Add("x", "-2.2026-11-24-18.00.log.txt", 1000, false)
	f.Fuzz(func(t *testing.T, name, file string, k int, zodbot bool) {
		style := meeting.StyleDefault
		if zodbot {
			style = meeting.StyleZodbot
		}
		m := &meeting.Meeting{Channel: "#meet", Start: time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC), Style: style}
		s := &Session{m: m, src: &Source{Stubs: []os.FileInfo{nameInfo{name: file}}}}
		if i := s.sourceIndex(name); i != 0 && path.Base(s.candidate(name, i))+".log.txt" != file {
			t.Fatalf("%q: index %d is %q, not the log's", file, i, s.candidate(name, i))
		}
		k = 1 + (k%maxSuffix+maxSuffix)%maxSuffix
		named := path.Base(s.candidate(name, k)) + ".log.txt"
		s.src = &Source{Stubs: []os.FileInfo{nameInfo{name: named}}}
		if i := s.sourceIndex(name); i == 0 || s.candidate(name, i) != s.candidate(name, k) {
			t.Fatalf("a log named %q (candidate %d of %q): index %d", named, k, name, i)
		}
	})
}
