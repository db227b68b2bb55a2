package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// gavel runs a command line through run, the binary's entry point, and
// returns its exit code and output.
func gavel(t *testing.T, stdin io.Reader, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errb bytes.Buffer
	code = run(context.Background(), args, stdin, &out, &errb)
	return code, out.String(), errb.String()
}

// readmeCommands returns the command lines of README.md that start with
// prefix ("gavel replay", "cat LOG | gavel replay", "gavel lookup"): the
// indented example lines and the `inline` ones, as written, comments
// after "#  " removed.
func readmeCommands(t *testing.T, prefix string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if l, ok := strings.CutPrefix(line, "    "); ok {
			if i := strings.Index(l, "  # "); i >= 0 {
				l = l[:i]
			}
			if l = strings.TrimSpace(l); strings.HasPrefix(l, prefix+" ") {
				out = append(out, l)
			}
			continue
		}
		for rest := line; ; {
			i := strings.Index(rest, "`"+prefix+" ")
			if i < 0 {
				break
			}
			rest = rest[i+1:]
			j := strings.IndexByte(rest, '`')
			if j < 0 {
				break
			}
			out = append(out, rest[:j])
			rest = rest[j+1:]
		}
	}
	if len(out) == 0 {
		t.Fatalf("README.md shows no %q command", prefix)
	}
	return out
}

// shellWords splits a command line as a POSIX shell does for the simple
// lines the README shows: words separated by spaces, 'single' and
// "double" quotes.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch c {
		case ' ', '\t':
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		case '\'', '"':
			j := strings.IndexByte(line[i+1:], c)
			if j < 0 {
				t.Fatalf("unbalanced quote in %q", line)
			}
			w.WriteString(line[i+1 : i+1+j])
			i += j + 1
			inWord = true
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

func newTestFlags() *flag.FlagSet {
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

func TestParseArgs(t *testing.T) {
	for _, tc := range []struct {
		args     []string
		wantPos  []string
		wantOut  string
		wantBool bool
		wantErr  bool
	}{
		{args: []string{"a.log", "--out", "d"}, wantPos: []string{"a.log"}, wantOut: "d"},
		{args: []string{"--out", "d", "a.log", "b.log"}, wantPos: []string{"a.log", "b.log"}, wantOut: "d"},
		{args: []string{"a.log", "--out=d", "b.log", "-v"}, wantPos: []string{"a.log", "b.log"}, wantOut: "d", wantBool: true},
		{args: []string{"-", "--out", "d"}, wantPos: []string{"-"}, wantOut: "d"},
		{args: []string{"--out", "d", "--", "--v", "-"}, wantPos: []string{"--v", "-"}, wantOut: "d"},
		{args: []string{"--out", "--", "x"}, wantPos: []string{"x"}, wantOut: "--"}, // a value, as the flag package reads it
		{args: []string{"x", "--v", "--", "--out", "y"}, wantPos: []string{"x", "--out", "y"}, wantBool: true},
		{args: []string{"x", "--bogus"}, wantErr: true},
		{args: []string{"x", "--out"}, wantErr: true},
	} {
		fs := newTestFlags()
		out := fs.String("out", "", "")
		v := fs.Bool("v", false, "")
		pos, err := parseArgs(fs, tc.args)
		if (err != nil) != tc.wantErr {
			t.Errorf("%q: err %v", tc.args, err)
			continue
		}
		if err != nil {
			continue
		}
		if strings.Join(pos, "|") != strings.Join(tc.wantPos, "|") || *out != tc.wantOut || *v != tc.wantBool {
			t.Errorf("%q: pos %q out %q v %v", tc.args, pos, *out, *v)
		}
	}
}

func TestConsoleFlagsComeAlone(t *testing.T) {
	code, _, errs := gavel(t, nil, "--offline", "lookup", "fas", "nirik")
	if code != 2 || !strings.Contains(errs, `write "gavel lookup [flags] ..."`) {
		t.Fatalf("exit %d: %s", code, errs)
	}
	code, _, errs = gavel(t, nil, "--demo", "stray")
	if code != 2 || !strings.Contains(errs, `unexpected argument "stray"`) {
		t.Fatalf("exit %d: %s", code, errs)
	}
}
