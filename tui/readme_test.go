package tui

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"gavel/tui/chanlog"
)

// TestConsoleREADME runs every / command README.md's console section shows,
// as written (placeholders filled in), through the console: each is known,
// takes the arguments shown, and does not answer with its usage.
func TestConsoleREADME(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(b)
	start := strings.Index(text, "## The console")
	end := strings.Index(text[start+1:], "\n## ")
	if start < 0 || end < 0 {
		t.Fatal("README.md has no console section")
	}
	section := text[start : start+1+end]
	// Placeholders in the arguments, [optional] ones given.
	fill := strings.NewReplacer("#chan", "#meet", "newnick", "chair2", "nick", "alice", "target", "alice",
		"text", "hello", "reason", "bye", "filter", "meet", "repo", "fedora-42", "arch", "x86_64", "country", "DE",
		"message", "lunch", "LINE", "PING x", "name", "nirik", "package", "pagure", "command", "fas", "args", "nirik",
		"N", "2", "[", "", "]", "")
	seen := 0
	for _, m := range regexp.MustCompile("`(/[a-z][^`]*)`").FindAllStringSubmatch(section, -1) {
		line := strings.ReplaceAll(m[1], `\|`, "|")
		if i := strings.IndexByte(line, '|'); i >= 0 {
			line = strings.TrimSuffix(line[:i], "dark") + "dark"
			if strings.HasPrefix(line, "/bell") {
				line = "/bell on"
			}
		}
		if name, args, ok := strings.Cut(line, " "); ok {
			line = name + " " + fill.Replace(args)
		}
		line = strings.TrimSpace(line)
		if line == "/quit" {
			continue // TestLeavingARunningMeetingAsks quits
		}
		seen++
		t.Run(line, func(t *testing.T) {
			m, f := liveModel(t)
			m.focus(m.wins.Get("#meet"))
			send(m, line)
			pump(m, f)
			for _, w := range m.wins.All() {
				for i := 0; i < w.Log.Buf.Len(); i++ {
					l := w.Log.Buf.At(i)
					if l.Kind == chanlog.Error && (strings.Contains(l.Text, "unknown command") || strings.Contains(l.Text, "usage:")) {
						t.Errorf("%s: %s", line, l.Text)
					}
				}
			}
		})
	}
	if seen < 30 {
		t.Errorf("only %d commands found in the README's console section", seen)
	}
}
