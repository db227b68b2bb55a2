package live

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
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

// TestNoIRCTypeAboveTheNetwork: the console and the live driver see a
// network only through the live driver's vocabulary: each network's client
// is imported by its adapter alone (ircclient by ircnet.go, matrixclient by
// matrixnet.go), never by the console, and no network imports the meeting
// core or the console.
func TestNoIRCTypeAboveTheNetwork(t *testing.T) {
	adapters := map[string]string{"gavel/ircclient": "ircnet.go", "gavel/matrixclient": "matrixnet.go"}
	client := func(p string) (string, bool) {
		for c := range adapters {
			if p == c || strings.HasPrefix(p, c+"/") {
				return c, true
			}
		}
		return "", false
	}
	for _, dir := range []string{"../../tui", "."} {
		for file, ims := range imports(t, dir) {
			for _, p := range ims {
				if c, ok := client(p); ok && (dir != "." || filepath.Base(file) != adapters[c]) {
					t.Errorf("%s imports %s", file, p)
				}
			}
		}
	}
	for c := range adapters {
		dir := "../../" + strings.TrimPrefix(c, "gavel/")
		if _, err := os.Stat(dir); err != nil {
			continue // not in this tree
		}
		for file, ims := range imports(t, dir) {
			for _, p := range ims {
				if p == "gavel/meeting" || strings.HasPrefix(p, "gavel/meeting/") || strings.HasPrefix(p, "gavel/tui") {
					t.Errorf("the network %s imports %s", file, p)
				}
			}
		}
	}
}
