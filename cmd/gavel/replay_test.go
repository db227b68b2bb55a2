package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// seedLog is the project's copy of a real zodbot log.
const seedLog = "fedora-meeting.infrastructure.2015-04-30-18.00.log.txt"

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
			for i, w := range words {
				switch w {
				case "LOG":
					words[i] = filepath.Join("testdata", "logs", seedLog)
				case "DIR":
					words[i] = "out"
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
				if e.Name() != "testdata" && e.Name() != root {
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
