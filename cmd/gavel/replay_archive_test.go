package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"gavel/meeting/replay/replaytest"
)

// runBinary runs the gavel binary with args and extra environment,
// bounded in time, and returns its status and output.
func runBinary(t *testing.T, bin string, env []string, args ...string) (int, string, string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("%v: %v", args, err)
	}
	return cmd.ProcessState.ExitCode(), out.String(), errb.String()
}

// treeOf reads every file under dir, by slash-separated relative path.
func treeOf(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	tree := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		tree[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

// sameTree reports how got differs from want, file by file.
func sameTree(t *testing.T, what string, got, want map[string][]byte) {
	t.Helper()
	bad := 0
	for p, b := range want {
		g, ok := got[p]
		switch {
		case !ok:
			t.Errorf("%s: %s missing", what, p)
			bad++
		case !bytes.Equal(g, b):
			t.Errorf("%s: %s differs", what, p)
			bad++
		}
		if bad > 10 {
			t.Fatalf("%s: more differences", what)
		}
	}
	for p := range got {
		if _, ok := want[p]; !ok {
			t.Errorf("%s: %s is extra", what, p)
			if bad++; bad > 10 {
				t.Fatalf("%s: more differences", what)
			}
		}
	}
}

// copyTree copies the files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	for rel, b := range treeOf(t, src) {
		p := filepath.Join(dst, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestRegenerateArchive runs the real binary over zodbot's archive of one
// channel (replaytest.Archive: five meetings a day with distinct names and
// times, each the seed meeting, the layout
// fedora-meeting/YYYY-MM-DD/name.YYYY-MM-DD-HH.MM.log.txt).
func TestRegenerateArchive(t *testing.T) {
	bin := buildGavel(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	logs := replaytest.Archive(t, in, 40) // 200 meetings
	// And on three days two more, sharing the name and the minute of one
	// of that day's: council-2 begun in council's very second (their logs'
	// first lines are the same), qa-2 twenty seconds after qa.
	twins := replaytest.Twins(t, in, 3)
	const meetings = 206

	// With every core (at least four workers, however many cores the
	// machine has), twice into the same --out and twice in place: the
	// same files with the same bytes as a one-worker run, every time.
	// Each meeting's files are named as its log is (council-2's log
	// becomes council-2's minutes, whichever worker comes first).
	t.Run("every core matches one worker", func(t *testing.T) {
		for _, style := range []string{"zodbot", "default"} {
			t.Run(style, func(t *testing.T) {
				ref := filepath.Join(dir, "ref-"+style)
				code, stdout, errs := runBinary(t, bin, []string{"GOMAXPROCS=1"}, "replay", "--style", style, in, "--out", ref)
				if code != 0 || !strings.Contains(stdout, fmt.Sprintf("%d logs: %d meeting(s)", meetings, meetings)) {
					t.Fatalf("one worker: exit %d\n%s\n%s", code, lastLines(stdout), errs)
				}
				want := treeOf(t, ref)
				perMeeting := map[string]int{"zodbot": 5, "default": 6}[style] // zodbot's: 4 and the rename stub
				if len(want) != meetings*perMeeting {
					t.Fatalf("one worker wrote %d files", len(want))
				}
				for _, twin := range twins {
					rel, _ := filepath.Rel(in, strings.TrimSuffix(twin, ".log.txt")+".html")
					rel = filepath.ToSlash(rel)
					namesake := strings.Replace(rel, "-2.", ".", 1)
					if !bytes.Contains(want[rel], []byte("(said at the second meeting")) ||
						bytes.Contains(want[namesake], []byte("(said at the second meeting")) {
						t.Errorf("%s is not the minutes of its log, or %s is not its namesake's (%d, %d bytes)", rel, namesake, len(want[rel]), len(want[namesake]))
					}
				}
				out := filepath.Join(dir, "out-"+style)
				for run := range 2 {
					code, stdout, errs := runBinary(t, bin, []string{"GOMAXPROCS=4"}, "replay", "--style", style, in, "--out", out)
					if code != 0 || errs != "" || !strings.Contains(stdout, fmt.Sprintf("%d logs: %d meeting(s)", meetings, meetings)) {
						t.Fatalf("run %d: exit %d\n%s\n%s", run+1, code, lastLines(stdout), errs)
					}
					sameTree(t, "into --out, run "+string(rune('1'+run)), treeOf(t, out), want)
				}
				// In place: --out is the archive read. Its .log.txt files
				// are inputs, never written over with other bytes; the
				// seed's are the same in both styles.
				inPlace := filepath.Join(dir, "inplace-"+style)
				copyTree(t, in, inPlace)
				for run := range 2 {
					code, stdout, errs := runBinary(t, bin, []string{"GOMAXPROCS=4"}, "replay", "--style", style, inPlace, "--out", inPlace)
					if code != 0 || errs != "" || !strings.Contains(stdout, fmt.Sprintf(" %d meeting(s)", meetings)) {
						t.Fatalf("in place, run %d: exit %d\n%s\n%s", run+1, code, lastLines(stdout), errs)
					}
					if style == "zodbot" && run == 1 && !strings.Contains(stdout, fmt.Sprintf("%d logs: %d meeting(s), %d file(s) written, %d rename stub(s) skipped", 2*meetings, meetings, 5*meetings, meetings)) {
						t.Errorf("second run in place does not skip the stubs of the first:\n%s", lastLines(stdout))
					}
					sameTree(t, "in place, run "+string(rune('1'+run)), treeOf(t, inPlace), want)
				}
				// The inputs themselves were never replaced.
				for _, l := range logs[:5] {
					rel, _ := filepath.Rel(in, l)
					a, _ := os.ReadFile(l)
					b, _ := os.ReadFile(filepath.Join(inPlace, rel))
					if !bytes.Equal(a, b) {
						t.Errorf("%s changed in place", rel)
					}
				}
			})
		}
	})

	// A real zodbot archive: the magazine meeting was renamed, and zodbot
	// left the stub log under its first name. The stub is skipped and
	// counted; in zodbot style the meeting's replay writes it again, byte
	// for byte.
	t.Run("rename stubs", func(t *testing.T) {
		pub := filepath.Join(pkgDir, "..", "..", "testdata", "zodbot-published", "fedora-meeting_2020-06-10_magazine")
		arch := filepath.Join(dir, "stubs")
		day := filepath.Join(arch, "fedora-meeting", "2020-06-10")
		copyTree(t, pub, day)
		published := treeOf(t, arch)
		for _, style := range []string{"zodbot", "default"} {
			out := filepath.Join(dir, "stubs-out-"+style)
			code, stdout, errs := runBinary(t, bin, nil, "replay", "--style", style, "--url-prefix", fedoraPrefix, arch, "--out", out)
			if code != 0 || errs != "" {
				t.Fatalf("%s: exit %d\n%s\n%s", style, code, stdout, errs)
			}
			if !strings.Contains(stdout, "magazine_editorial_board.2020-06-10-12.02.log.txt: the stub zodbot leaves when a meeting is renamed") ||
				!strings.Contains(stdout, "2 logs: 1 meeting(s)") || !strings.Contains(stdout, "1 rename stub(s) skipped") {
				t.Errorf("%s: the stub is not skipped and counted:\n%s", style, stdout)
			}
			got := treeOf(t, out)
			if style == "zodbot" {
				sameTree(t, "zodbot style", got, published)
				continue
			}
			for p := range got {
				if strings.Contains(p, "magazine_editorial_board") {
					t.Errorf("default style: the stub made a meeting: %s", p)
				}
			}
		}
		// In place, in zodbot style: the archive is as zodbot left it.
		code, stdout, errs := runBinary(t, bin, nil, "replay", "--style", "zodbot", "--url-prefix", fedoraPrefix, arch, "--out", arch)
		if code != 0 || errs != "" {
			t.Fatalf("in place: exit %d\n%s\n%s", code, stdout, errs)
		}
		sameTree(t, "in place", treeOf(t, arch), published)
	})

	// A FIFO and a symbolic link to nothing among the logs: skipped, each
	// with a line saying why; the others replayed; exit 0.
	t.Run("FIFO and dangling symlink", func(t *testing.T) {
		arch := filepath.Join(dir, "odd")
		odd := filepath.Join(arch, "fedora-meeting", "2015-04-30")
		os.MkdirAll(odd, 0o755)
		for _, l := range logs[:5] {
			b, _ := os.ReadFile(l)
			if err := os.WriteFile(filepath.Join(odd, filepath.Base(l)), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if err := syscall.Mkfifo(filepath.Join(odd, "pipe.2015-04-30-20.00.log.txt"), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(filepath.Join(dir, "nowhere.log.txt"), filepath.Join(odd, "gone.2015-04-30-21.00.log.txt")); err != nil {
			t.Fatal(err)
		}
		code, stdout, errs := runBinary(t, bin, nil, "replay", arch, "--out", filepath.Join(dir, "odd-out"))
		if code != 0 || !strings.Contains(stdout, "5 logs: 5 meeting(s), 30 file(s) written") {
			t.Fatalf("exit %d\n%s\n%s", code, lastLines(stdout), errs)
		}
		for _, want := range []string{"pipe.2015-04-30-20.00.log.txt: skipped: not a regular file (a named pipe)", "gone.2015-04-30-21.00.log.txt: skipped: a symbolic link to nothing"} {
			if !strings.Contains(errs, want) {
				t.Errorf("stderr lacks %q:\n%s", want, errs)
			}
		}
	})

	// SIGTERM in the middle of a regeneration: the replay stops soon,
	// says how far it got, and leaves whole meetings only (every file of
	// each meeting it wrote, no temporary file), synced.
	t.Run("SIGTERM", func(t *testing.T) {
		big := filepath.Join(dir, "big")
		replaytest.Archive(t, big, 365)
		out := filepath.Join(dir, "big-out")
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, "replay", big, "--out", out)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var errb bytes.Buffer
		cmd.Stderr = &errb
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(stdout)
		var lines []string
		wrote := 0
		for sc.Scan() {
			lines = append(lines, sc.Text())
			if strings.HasPrefix(sc.Text(), "wrote ") {
				if wrote++; wrote == 300 {
					cmd.Process.Signal(syscall.SIGTERM)
				}
			}
		}
		err = cmd.Wait()
		if ctx.Err() != nil {
			t.Fatal("the replay did not end after SIGTERM")
		}
		if cmd.ProcessState.ExitCode() != 1 {
			t.Errorf("exit status %d, want 1 (interrupted): %v", cmd.ProcessState.ExitCode(), err)
		}
		m := regexp.MustCompile(`interrupted: (\d+) of 1825 logs replayed, their files synced`).FindStringSubmatch(errb.String())
		if m == nil || m[1] == "1825" {
			t.Fatalf("stderr does not say how far it got:\n%s\n%s", errb.String(), lastLines(strings.Join(lines, "\n")))
		}
		if last := lines[len(lines)-1]; !strings.HasPrefix(last, m[1]+" logs: "+m[1]+" meeting(s)") {
			t.Errorf("summary %q, want %s logs", last, m[1])
		}
		// Whole meetings only, and what stdout said was written is there.
		bases := map[string]int{}
		for p := range treeOf(t, out) {
			if strings.HasPrefix(filepath.Base(p), ".") {
				t.Errorf("temporary file left: %s", p)
				continue
			}
			bases[p[:strings.Index(p, ".2015-")+len(".2015-04-30-08.00")]]++
		}
		for b, n := range bases {
			if n != 6 {
				t.Errorf("%s: %d files, want 6", b, n)
			}
		}
		written := 0
		for _, l := range lines {
			if strings.HasPrefix(l, "wrote ") {
				written++
				p := strings.TrimPrefix(l, "wrote ")
				p = p[:strings.LastIndex(p, " (")]
				if _, err := os.Stat(p); err != nil {
					t.Error(err)
				}
			}
		}
		if written != 6*len(bases) {
			t.Errorf("%d files said written, %d meetings on disk", written, len(bases))
		}
	})
}

// fedoraPrefix is the URL prefix of Fedora's archive, which its minutes
// link to.
const fedoraPrefix = "https://meetbot.fedoraproject.org/"

// lastLines is the end of a long output.
func lastLines(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > 8 {
		lines = lines[len(lines)-8:]
	}
	return strings.Join(lines, "\n")
}

// TestReplaySignalEndsAWaitOnAPipe: a FIFO named on the command line is
// read (it may be <(zcat log.gz)); when nothing ever writes to it, a
// signal still ends the replay, saying so.
func TestReplaySignalEndsAWaitOnAPipe(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "silent.log.txt")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, opened := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		if opened {
			// A writer that opens the pipe and says nothing.
			w, err := os.OpenFile(fifo, os.O_RDWR, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
		}
		done := make(chan int, 1)
		var out, errs bytes.Buffer
		go func() {
			done <- run(ctx, []string{"replay", "--channel", "#c", "--date", "2026-11-24", fifo, "--out", filepath.Join(dir, "out")}, nil, &out, &errs)
		}()
		time.Sleep(200 * time.Millisecond)
		cancel()
		select {
		case code := <-done:
			if code != 1 || !strings.Contains(errs.String(), "interrupted: 0 of 1 logs replayed") {
				t.Errorf("writer open %v: exit %d\n%s\n%s", opened, code, out.String(), errs.String())
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("writer open %v: the replay still waits on the pipe after the signal", opened)
		}
	}
}
