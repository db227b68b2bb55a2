package live

import (
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// imports lists, per non-test Go file under dir, the packages it imports.
func imports(t *testing.T, dir string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "testdata" {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			out[path] = append(out[path], p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) == 0 {
		t.Fatalf("no Go files under %s", dir)
	}
	return out
}

// TestNoIRCTypeAboveTheNetwork: the console and the live driver see the
// network only through the live driver's vocabulary: ircclient is imported
// by the IRC adapter alone (ircnet.go), never by the console, and no
// network imports the meeting core.
func TestNoIRCTypeAboveTheNetwork(t *testing.T) {
	for _, tc := range []struct {
		dir     string
		allowed func(file string) bool
	}{
		{"../../tui", func(string) bool { return false }},
		{".", func(file string) bool { return filepath.Base(file) == "ircnet.go" }},
	} {
		for file, ims := range imports(t, tc.dir) {
			for _, p := range ims {
				if (p == "gavel/ircclient" || strings.HasPrefix(p, "gavel/ircclient/")) && !tc.allowed(file) {
					t.Errorf("%s imports %s", file, p)
				}
			}
		}
	}
	for file, ims := range imports(t, "../../ircclient") {
		for _, p := range ims {
			if p == "gavel/meeting" || strings.HasPrefix(p, "gavel/meeting/") || strings.HasPrefix(p, "gavel/tui") {
				t.Errorf("the network %s imports %s", file, p)
			}
		}
	}
}
