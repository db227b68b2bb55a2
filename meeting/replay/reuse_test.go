package replay

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"gavel/meeting"
	"gavel/meeting/publish"
)

// TestNoLogOutlivesItsMemory: a regeneration replays log after log into
// one archive, each log read into the memory the log before gave back
// (logfile.Reader.Close, which zeroes it). Nothing of a log may be kept
// past its replay, by the archive, the engine or in its Result: the same
// hostile logs replayed into one archive give the same files and results
// whether that memory is reused or the pools are emptied before each log,
// and no result reads as the NUL bytes Close leaves.
func TestNoLogOutlivesItsMemory(t *testing.T) {
	type log struct {
		g    *randomLog
		data []byte
	}
	var logs []log
	for seed := uint64(1); seed <= 24; seed++ {
		g := newRandomLog(seed)
		g.nickChanges = seed%3 == 0
		logs = append(logs, log{g, g.generate(80)})
	}
	type outcome struct {
		files   map[string][]byte
		results []Result
	}
	run := func(t *testing.T, style meeting.Style, emptyPools bool) outcome {
		out := t.TempDir()
		batch := publish.NewBatch()
		archive := batch.Archive(out, style, "https://meetbot.example.org/")
		var o outcome
		for i, l := range logs {
			if emptyPools {
				runtime.GC() // a sync.Pool is empty after two collections
				runtime.GC()
			}
			opts := Options{Style: style, Channel: l.g.channel, Date: l.g.date, Archive: archive, Batch: batch}
			res, err := Reader(context.Background(), bytes.NewReader(l.data), "-", opts)
			if err != nil {
				t.Fatalf("log %d (%s): %v", i, l.g, err)
			}
			for j := range res.Files {
				res.Files[j].Path, _ = filepath.Rel(out, res.Files[j].Path)
			}
			o.results = append(o.results, res)
		}
		if err := archive.Close(); err != nil {
			t.Fatal(err)
		}
		if err := batch.Sync(); err != nil {
			t.Fatal(err)
		}
		o.files = readTree(t, out)
		return o
	}
	for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
		t.Run(style.String(), func(t *testing.T) {
			fresh := run(t, style, true)
			reused := run(t, style, false)
			if len(fresh.files) < 4*len(logs) {
				t.Fatalf("%d files for %d logs", len(fresh.files), len(logs))
			}
			for name, want := range fresh.files {
				if got, ok := reused.files[name]; !ok {
					t.Errorf("%s: missing when memory is reused", name)
				} else if !bytes.Equal(got, want) {
					t.Errorf("%s differs when memory is reused:\n%s", name, firstDiff(string(got), string(want)))
				}
			}
			for name := range reused.files {
				if _, ok := fresh.files[name]; !ok {
					t.Errorf("%s: written only when memory is reused", name)
				}
			}
			for i := range fresh.results {
				// What Close zeroed reads as NUL bytes (the Results
				// hold no text of the logs, which have NULs).
				if r := fmt.Sprintf("%+v", reused.results[i]); strings.Contains(r, "\x00") {
					t.Errorf("log %d: result %q points into the memory of a closed log", i, r)
				}
				if !reflect.DeepEqual(reused.results[i], fresh.results[i]) {
					t.Errorf("log %d: result %+v when memory is reused, %+v otherwise", i, reused.results[i], fresh.results[i])
				}
			}
		})
	}
}
