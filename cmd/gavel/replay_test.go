package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// seedLog is the project's copy of a real zodbot log.
const seedLog = "fedora-meeting.infrastructure.2015-04-30-18.00.log.txt"

// pkgDir is this package's directory (tests may change directory).
var pkgDir, _ = os.Getwd()

// seedPath is seedLog's path from this package.
var seedPath = filepath.Join("..", "..", "testdata", "logs", seedLog)

// inTempDir runs the rest of the test in a new directory holding a copy of
// the seed log at testdata/logs/, as in a clone of the repository.
func inTempDir(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "testdata", "logs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "testdata", "logs", seedLog), b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	return dir
}

// allExts are the files of one meeting in each style.
var allExts = map[string][]string{
	"default": {".log.txt", ".log.html", ".txt", ".html", ".md", ".json"},
	"zodbot":  {".log.txt", ".log.html", ".txt", ".html"},
}

// TestReplayREADME runs every "gavel replay" line of the README exactly as
// written through run, with LOG the seed log and DIR a new directory (the
// --tui line is TestReplayTUIREADME's), and checks where the files land.
func TestReplayREADME(t *testing.T) {
	var lines []string
	for _, prefix := range []string{"gavel replay", "cat LOG | gavel replay"} {
		lines = append(lines, readmeCommands(t, prefix)...)
	}
	ran := 0
	for _, line := range lines {
		if strings.Contains(line, "--tui") {
			continue
		}
		t.Run(line, func(t *testing.T) {
			dir := inTempDir(t)
			words := shellWords(t, line)
			var stdin *os.File
			if words[0] == "cat" {
				if words[1] != "LOG" || words[2] != "|" {
					t.Fatalf("unexpected pipe in %q", line)
				}
				f, err := os.Open(filepath.Join("testdata", "logs", seedLog))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				stdin, words = f, words[3:]
			}
			archive := false
			for i, w := range words {
				switch w {
				case "LOG":
					words[i] = filepath.Join("testdata", "logs", seedLog)
				case "DIR":
					words[i] = "out"
				case "ARCHIVE":
					words[i], archive = "archive", true
					archiveOf(t, filepath.Join(dir, "archive"))
				}
			}
			var code int
			var out, errs string
			if stdin != nil {
				code, out, errs = gavel(t, stdin, words[1:]...)
			} else {
				code, out, errs = gavel(t, nil, words[1:]...)
			}
			if code != 0 {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errs)
			}
			if archive {
				if !strings.Contains(out, "3 logs: 3 meeting(s)") {
					t.Errorf("stdout:\n%s", out)
				}
				outDir := "out"
				if strings.HasSuffix(line, "--out ARCHIVE") {
					outDir = "archive" // in place
				}
				for _, p := range []string{"fedora-meeting/2020-06-10/magazine.2020-06-10-12.02.html", "fedora-meeting/2015-04-30/infrastructure.2015-04-30-18.00.html"} {
					if _, err := os.Stat(filepath.Join(dir, outDir, filepath.FromSlash(p))); err != nil {
						t.Error(err)
					}
				}
				return
			}
			style := "default"
			if strings.Contains(line, "--style zodbot") {
				style = "zodbot"
			}
			// Where the files must land: the flags given win over
			// what the log says.
			root, sub := "out", filepath.Join("fedora-meeting", "2015-04-30")
			if strings.Contains(line, "--out minutes/") {
				root = "minutes"
			}
			if strings.Contains(line, "--channel '#x'") {
				sub = filepath.Join("x", "2026-11-24")
			}
			for _, ext := range allExts[style] {
				p := filepath.Join(dir, root, sub, "infrastructure.2015-04-30-18.00"+ext)
				if strings.Contains(line, "--date 2026-11-24") {
					p = filepath.Join(dir, root, sub, "infrastructure.2026-11-24-18.00"+ext)
				}
				if _, err := os.Stat(p); err != nil {
					t.Errorf("%v\nstdout: %s", err, out)
				}
				if !strings.Contains(out, "wrote "+filepath.Join(root, sub)) {
					t.Errorf("stdout does not name the files written:\n%s", out)
				}
			}
			if strings.Contains(line, "--url-prefix https://meetbot.example.org/") &&
				!strings.Contains(out, "https://meetbot.example.org/fedora-meeting/2015-04-30/infrastructure.2015-04-30-18.00.html") {
				t.Errorf("stdout lacks the URLs:\n%s", out)
			}
			// Nothing lands anywhere else.
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if e.Name() != "testdata" && e.Name() != root && e.Name() != "archive" {
					t.Errorf("unexpected %s in the working directory", e.Name())
				}
			}
		})
		ran++
	}
	if ran < 3 {
		t.Fatalf("only %d README replay lines found", ran)
	}
}

func TestReplayFlagsAnywhere(t *testing.T) {
	inTempDir(t)
	log := filepath.Join("testdata", "logs", seedLog)
	for _, args := range [][]string{
		{"replay", log, "--out", "a", "--style", "zodbot"},
		{"replay", "--out", "b", log, "--style=zodbot"},
		{"replay", "--style", "zodbot", "--out", "c", "--", log},
	} {
		code, out, errs := gavel(t, nil, args...)
		if code != 0 {
			t.Fatalf("%q: exit %d %s %s", args, code, out, errs)
		}
		stem := filepath.Join(args[slices.Index(args, "--out")+1], "fedora-meeting", "2015-04-30", "infrastructure.2015-04-30-18.00")
		if _, err := os.Stat(stem + ".txt"); err != nil {
			t.Fatalf("%q: %v", args, err)
		}
		if _, err := os.Stat(stem + ".md"); err == nil {
			t.Errorf("%q: .md written: --style zodbot was not read", args)
		}
	}
	// After "--", a name starting with "-" is a log, not a flag.
	if err := os.WriteFile("-odd.log.txt", []byte("10:00:00 <a> hi\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := gavel(t, nil, "replay", "--channel", "#c", "--date", "2026-01-02", "--out", "d", "--", "-odd.log.txt")
	if code != 0 || !strings.Contains(out, "-odd.log.txt: 1 lines read") {
		t.Fatalf("exit %d %q %q", code, out, errs)
	}
	if code, _, errs := gavel(t, nil, "replay", log, "--bogus"); code != 2 || !strings.Contains(errs, "bogus") {
		t.Fatalf("bad flag: exit %d %q", code, errs)
	}
	if code, _, _ := gavel(t, nil, "replay", log, "-h"); code != 0 {
		t.Fatalf("-h: exit %d", code)
	}
}

// TestReplayTUIREADME runs the README's "gavel replay --tui LOG" in a real
// terminal (tmux) with the real binary: the seed log plays in the console,
// its topics appear, completion works and Ctrl+C quits cleanly.
func TestReplayTUIREADME(t *testing.T) {
	var line string
	for _, l := range readmeCommands(t, "gavel replay") {
		if strings.Contains(l, "--tui") {
			line = l
		}
	}
	if line == "" {
		t.Fatal("README.md shows no gavel replay --tui line")
	}
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is not installed (.ci/run installs it)")
		}
		t.Skip("tmux is not installed")
	}
	bin := buildGavel(t)
	log, err := filepath.Abs(seedPath)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{filepath.Join("..", "..", "tui", "testdata", "tmux-smoke.sh"), bin}
	for _, w := range shellWords(t, line)[1:] {
		if w == "LOG" {
			w = log
		}
		args = append(args, w)
	}
	cmd := exec.Command("bash", args...)
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}
}

// TestReplayTellsWhy: what gavel replay says when it cannot replay, or
// finds nothing to replay.
func TestReplayTellsWhy(t *testing.T) {
	inTempDir(t)
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("empty.log.txt", "")
	write("magazine.2020-06-10-12.02.log.txt", "12:02:26 <bcotton> #startmeeting Magazine\n12:03:00 <bcotton> #endmeeting\n")
	write("bare.log.txt", "10:00:00 <a> #startmeeting\n10:00:02 <a> #endmeeting\n")
	for _, c := range []struct {
		args []string
		code int
		out  string // in stdout or stderr
	}{
		{[]string{"replay", "--channel", "#c", "empty.log.txt"}, 1, "empty.log.txt: logfile: empty log"},
		{[]string{"replay", "magazine.2020-06-10-12.02.log.txt"}, 1, "no channel for the meeting"},
		{[]string{"replay", "--channel", "#c", "bare.log.txt"}, 1, "no date for the meeting"},
		{[]string{"replay", "--style", "zodbot", "--channel", "#c", "--date", "2026-11-24", "bare.log.txt"}, 0,
			"Fedora's MeetBot (--style zodbot) needs a meeting topic, and the #startmeeting at 10:00:00 has none"},
	} {
		code, out, errs := gavel(t, nil, c.args...)
		if code != c.code || !strings.Contains(out+errs, c.out) {
			t.Errorf("%q: exit %d\nstdout: %s\nstderr: %s\nwant exit %d and %q", c.args, code, out, errs, c.code, c.out)
		}
	}
	if _, err := os.Stat("magazine"); err == nil {
		t.Error("a meeting name was taken for the channel")
	}
}

// archiveOf writes a small zodbot archive (three published meetings, in
// <channel>/<YYYY-MM-DD>/) under dir and returns its logs.
func archiveOf(t *testing.T, dir string) []string {
	t.Helper()
	var logs []string
	for src, dst := range map[string]string{
		seedPath: filepath.Join("fedora-meeting", "2015-04-30", "infrastructure.2015-04-30-18.00.log.txt"),
		filepath.Join("..", "..", "testdata", "zodbot-published", "fedora-meeting_2020-06-10_magazine", "magazine.2020-06-10-12.02.log.txt"):                                                 filepath.Join("fedora-meeting", "2020-06-10", "magazine.2020-06-10-12.02.log.txt"),
		filepath.Join("..", "..", "testdata", "zodbot-published", "fedora-meeting_2020-06-10_fedora_iot_working_group_meeting", "fedora_iot_working_group_meeting.2020-06-10-14.10.log.txt"): filepath.Join("fedora-meeting", "2020-06-10", "fedora_iot_working_group_meeting.2020-06-10-14.10.log.txt"),
	} {
		b, err := os.ReadFile(filepath.Join(pkgDir, src))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, dst)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		logs = append(logs, p)
	}
	// Not logs: skipped.
	os.WriteFile(filepath.Join(dir, "fedora-meeting", "2015-04-30", "infrastructure.2015-04-30-18.00.txt"), []byte("minutes"), 0o644)
	os.WriteFile(filepath.Join(dir, "fedora-meeting", "2015-04-30", ".hidden.log.txt"), []byte("x"), 0o644)
	slices.Sort(logs)
	return logs
}

// TestReplayDirectory regenerates an archive from a directory of logs (in
// parallel): every meeting lands under its channel and date as in the
// archive, and the output is what replaying the logs one by one prints.
func TestReplayDirectory(t *testing.T) {
	dir := t.TempDir()
	logs := archiveOf(t, filepath.Join(dir, "in"))
	out := filepath.Join(dir, "out")
	code, stdout, errs := gavel(t, nil, "replay", filepath.Join(dir, "in"), "--out", out, "--style", "zodbot")
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, errs)
	}
	for _, l := range logs {
		rel, _ := filepath.Rel(filepath.Join(dir, "in"), l)
		for _, ext := range allExts["zodbot"] {
			if _, err := os.Stat(filepath.Join(out, strings.TrimSuffix(rel, ".log.txt")+ext)); err != nil {
				t.Error(err)
			}
		}
	}
	// 4 files each, and the stubs zodbot leaves for a #meetingname rename
	if !strings.HasSuffix(stdout, "3 logs: 3 meeting(s), 14 file(s) written\n") {
		t.Errorf("no totals line:\n%s", stdout)
	}
	// The same as one by one, in the walk's order.
	var want strings.Builder
	for _, l := range logs {
		_, o, _ := gavel(t, nil, "replay", l, "--out", filepath.Join(dir, "again"), "--style", "zodbot")
		want.WriteString(strings.ReplaceAll(o, filepath.Join(dir, "again"), out))
	}
	if got, _, _ := strings.Cut(stdout, "3 logs:"); got != want.String() {
		t.Errorf("parallel output differs from one by one:\n%s\nwant:\n%s", got, want.String())
	}
	// The published files zodbot wrote are regenerated byte for byte.
	for _, set := range []string{"magazine.2020-06-10-12.02", "fedora_iot_working_group_meeting.2020-06-10-14.10"} {
		name := set + ".html"
		var pub string
		matches, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "zodbot-published", "*", name))
		if len(matches) == 1 {
			pub = matches[0]
		}
		gotFiles, _ := filepath.Glob(filepath.Join(out, "*", "2020-06-10", name))
		if pub == "" || len(gotFiles) != 1 {
			t.Fatalf("%s: published %q, regenerated %v", name, pub, gotFiles)
		}
		a, _ := os.ReadFile(pub)
		b, _ := os.ReadFile(gotFiles[0])
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs from zodbot's", name)
		}
	}

	// A second run with the output inside the input does not replay its
	// own output.
	inner := filepath.Join(dir, "in", "regenerated")
	code, stdout, errs = gavel(t, nil, "replay", filepath.Join(dir, "in"), "--out", inner, "--style", "zodbot")
	if code != 0 || !strings.Contains(stdout, "3 logs: 3 meeting(s)") {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, errs)
	}
	code, stdout, errs = gavel(t, nil, "replay", filepath.Join(dir, "in"), "--out", inner, "--style", "zodbot")
	if code != 0 || !strings.Contains(stdout, "3 logs: 3 meeting(s)") {
		t.Fatalf("second run: exit %d\n%s\n%s", code, stdout, errs)
	}

	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	if code, _, errs := gavel(t, nil, "replay", empty, "--out", out); code != 1 || !strings.Contains(errs, "no *.log.txt in it") {
		t.Fatalf("empty directory: exit %d %q", code, errs)
	}
}
