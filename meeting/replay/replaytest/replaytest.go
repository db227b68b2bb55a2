// Package replaytest helps the tests and benchmarks of replay and of its
// users (gavel replay): generated archives of the seed meeting, and the
// process's CPU time and peak memory.
package replaytest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// SeedLog is the path of the project's copy of a real zodbot log (an
// hour-long Fedora Infrastructure meeting, 279 lines).
func SeedLog() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "testdata", "logs", "fedora-meeting.infrastructure.2015-04-30-18.00.log.txt")
}

// SeedMeetings is a MeetBot log of n copies of the seed meeting (an hour,
// 279 lines), one after another: copy k starts at 00:00 when k is even and
// at 12:00 when it is odd, so that each even copy begins a new day (the
// clock goes back by more than RolloverThreshold) and every meeting has
// its own files.
func SeedMeetings(tb testing.TB, n int) []byte {
	tb.Helper()
	seed, err := os.ReadFile(SeedLog())
	if err != nil {
		tb.Fatal(err)
	}
	lines := bytes.Split(bytes.TrimRight(seed, "\n"), []byte("\n"))
	var out bytes.Buffer
	for k := range n {
		shift := -18 * 3600 // 18:00 -> 00:00
		if k%2 == 1 {
			shift = -6 * 3600 // 18:00 -> 12:00
		}
		for _, l := range lines {
			var h, m, s int
			if len(l) < 9 || l[8] != ' ' {
				out.Write(l)
				out.WriteByte('\n')
				continue
			}
			fmt.Sscanf(string(l[:8]), "%d:%d:%d", &h, &m, &s)
			sec := (h*3600 + m*60 + s + shift + 86400) % 86400
			fmt.Fprintf(&out, "%02d:%02d:%02d", sec/3600, sec/60%60, sec%60)
			out.Write(l[8:])
			out.WriteByte('\n')
		}
	}
	return out.Bytes()
}

// ResetPeakRSS returns the free heap to the system and resets the
// process's peak resident set (Linux: "5" to /proc/self/clear_refs);
// elsewhere it does nothing.
func ResetPeakRSS() {
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// PeakRSS returns the process's peak resident set since the last reset
// (VmHWM), or 0 where it is not known.
func PeakRSS() uint64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
			var kb uint64
			fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
			return kb << 10
		}
	}
	return 0
}

// ArchiveNames are the meetings of a day in Archive, in the order of
// ArchiveHours.
var ArchiveNames = []string{"infrastructure", "council", "qa", "workstation", "magazine"}

// ArchiveHours are the hours (UTC) the meetings of a day in Archive start
// at: the seed meeting lasts an hour and a minute, so none overlaps the
// next and none crosses midnight.
var ArchiveHours = []int{8, 10, 12, 14, 16}

// Archive writes, under root, the archive zodbot would have published for
// one channel over days days from 2015-04-30, five meetings a day
// (ArchiveNames at ArchiveHours), each a copy of the seed meeting: the
// layout fedora-meeting/YYYY-MM-DD/<name>.YYYY-MM-DD-HH.MM.log.txt, the
// log's times moved to its hour, its MeetBot "Meeting started" reply
// dating it and its #meetingname naming it. It returns the paths written,
// in lexical order per day.
func Archive(tb testing.TB, root string, days int) []string {
	tb.Helper()
	lines := seedLines(tb)
	var paths []string
	for d := range days {
		for k, name := range ArchiveNames {
			start := seedStart.AddDate(0, 0, d).Add(time.Duration(ArchiveHours[k]-18) * time.Hour)
			paths = append(paths, writeMeeting(tb, root, lines, name, "", start, ""))
		}
	}
	return paths
}

// Twins adds to the archive Archive wrote under root, on each of its
// first days days, two meetings that share the name and the minute of
// one of that day's, as an archive keeps them apart, with "-2" after the
// name: council-2, begun in the same second as council (the first lines
// of their logs are the same), and qa-2, begun 20 seconds after qa. Each
// says one #info line differently from its namesake. It returns the paths
// written.
func Twins(tb testing.TB, root string, days int) []string {
	tb.Helper()
	lines := seedLines(tb)
	var paths []string
	for d := range days {
		for _, twin := range []struct {
			name  string
			after time.Duration
		}{{"council", 0}, {"qa", 20 * time.Second}} {
			k := slices.Index(ArchiveNames, twin.name)
			start := seedStart.AddDate(0, 0, d).Add(time.Duration(ArchiveHours[k]-18)*time.Hour + twin.after)
			paths = append(paths, writeMeeting(tb, root, lines, twin.name, "-2", start, " (said at the second meeting of the name)"))
		}
	}
	return paths
}

// seedStart is when the seed meeting starts.
var seedStart = time.Date(2015, 4, 30, 18, 0, 3, 0, time.UTC)

// seedLines are the lines of the seed log.
func seedLines(tb testing.TB) [][]byte {
	seed, err := os.ReadFile(SeedLog())
	if err != nil {
		tb.Fatal(err)
	}
	return bytes.Split(bytes.TrimRight(seed, "\n"), []byte("\n"))
}

// writeMeeting writes the seed meeting moved to start and named name, as
// <name><suffix>.<stamp>.log.txt, with its first #info line ending in
// twist, and returns its path.
func writeMeeting(tb testing.TB, root string, lines [][]byte, name, suffix string, start time.Time, twist string) string {
	tb.Helper()
	var b bytes.Buffer
	shift := int(start.Sub(seedStart).Round(time.Second) / time.Second)
	twisted := twist == ""
	for _, l := range lines {
		var h, m, s int
		if len(l) < 9 || l[8] != ' ' {
			b.Write(l)
			b.WriteByte('\n')
			continue
		}
		fmt.Sscanf(string(l[:8]), "%d:%d:%d", &h, &m, &s)
		sec := (h*3600 + m*60 + s + shift%86400 + 86400) % 86400
		fmt.Fprintf(&b, "%02d:%02d:%02d", sec/3600, sec/60%60, sec%60)
		rest := l[8:]
		switch {
		case bytes.Contains(rest, []byte("#meetingname ")):
			rest = []byte(" <nirik> #meetingname " + name)
		case bytes.Contains(rest, []byte("Meeting started ")):
			rest = bytes.Replace(rest, []byte(seedStart.Format("Mon Jan _2 15:04:05 2006")), []byte(start.Format("Mon Jan _2 15:04:05 2006")), 1)
		case !twisted && bytes.Contains(rest, []byte("> #info ")):
			rest = append(slices.Clip(rest), twist...)
			twisted = true
		}
		b.Write(rest)
		b.WriteByte('\n')
	}
	day := start.Format("2006-01-02")
	p := filepath.Join(root, "fedora-meeting", day, name+suffix+"."+start.Format("2006-01-02-15.04")+".log.txt")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, bytes.TrimSuffix(b.Bytes(), []byte("\n")), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// WatchHeap samples the live heap every few milliseconds until the returned
// function is called, which returns the largest sample.
func WatchHeap() func() uint64 {
	w := WatchHeapCycles()
	return func() uint64 { return w().Max() }
}

// HeapCycles are the live heaps (bytes) after the collections seen.
type HeapCycles []uint64

// Max is the largest.
func (h HeapCycles) Max() uint64 {
	var m uint64
	for _, v := range h {
		m = max(m, v)
	}
	return m
}

// Quantile is the q-quantile (0 to 1) of the live heaps, 0 if none.
func (h HeapCycles) Quantile(q float64) uint64 {
	if len(h) == 0 {
		return 0
	}
	s := slices.Clone(h)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

// WatchHeapCycles records the live heap after each collection until the
// returned function is called, which returns them: a run that keeps its
// memory flat has the same figures however long it runs, and one
// collection that happens to count more floating garbage as live stands
// out as one figure (compare Max and a Quantile).
func WatchHeapCycles() func() HeapCycles {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(sample)
	lastCycle := sample[1].Value.Uint64()
	var mu sync.Mutex
	cycles := HeapCycles{sample[0].Value.Uint64()}
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(sample)
			if c := sample[1].Value.Uint64(); c != lastCycle {
				lastCycle = c
				mu.Lock()
				cycles = append(cycles, sample[0].Value.Uint64())
				mu.Unlock()
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	return func() HeapCycles {
		close(done)
		<-stopped
		mu.Lock()
		defer mu.Unlock()
		return cycles
	}
}
