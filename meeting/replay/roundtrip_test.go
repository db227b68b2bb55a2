package replay

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"gavel/meeting"
)

// replayTree replays log in style into a fresh archive and returns the
// archive's files by relative path, and the relative path of the final
// .log.txt.
func replayTree(t *testing.T, log []byte, style meeting.Style, g *randomLog) (map[string][]byte, string) {
	t.Helper()
	out := t.TempDir()
	res, err := Reader(context.Background(), bytes.NewReader(log), "-", Options{
		Style: style, Channel: g.channel, Date: g.date, Out: out, URLPrefix: "https://meetbot.example.org/",
	})
	if err != nil {
		t.Fatal(err)
	}
	final := ""
	for _, f := range res.Files {
		if strings.HasSuffix(f.Path, ".log.txt") {
			final, _ = filepath.Rel(out, f.Path)
		}
	}
	return readTree(t, out), filepath.ToSlash(final)
}

func readTree(t *testing.T, root string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if len(d.Name()) > 255 {
			t.Errorf("file name of %d bytes: %s", len(d.Name()), d.Name())
		}
		rel, _ := filepath.Rel(root, p)
		files[filepath.ToSlash(rel)], err = os.ReadFile(p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// TestRandomLogsInTheDefaultStyle replays random hostile meetings (see
// randomLog) in the default style and checks what must hold for any of
// them: every file is valid UTF-8 without terminal control characters,
// and replaying the published .log.txt gives the same six files again, so
// that the .log.txt is a faithful record of the meeting, nick changes
// included.
func TestRandomLogsInTheDefaultStyle(t *testing.T) {
	for seed := uint64(1); seed <= 60; seed++ {
		g := newRandomLog(seed)
		g.nickChanges = true
		first, final := replayTree(t, g.generate(60), meeting.StyleDefault, g)
		logTxt := first[final]
		if logTxt == nil {
			t.Fatalf("seed %d: no final .log.txt among %d files", seed, len(first))
		}
		base := strings.TrimSuffix(final, ".log.txt")
		for name, data := range first {
			if !utf8.Valid(data) {
				t.Errorf("seed %d: %s is not valid UTF-8", seed, name)
			}
			for _, r := range string(data) {
				if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f || r >= 0x80 && r <= 0x9f {
					t.Errorf("seed %d: %s holds the control character %U", seed, name, r)
					break
				}
			}
		}
		again, _ := replayTree(t, logTxt, meeting.StyleDefault, g)
		for name, data := range first {
			if !strings.HasPrefix(name, base+".") {
				continue // the files of a #save under an earlier name
			}
			if !bytes.Equal(again[name], data) {
				t.Errorf("seed %d: replaying the published log changes %s:\n%s", seed, name, firstDiff(string(again[name]), string(data)))
			}
		}
	}
}
