package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBellConfigKey: the README's `bell = false` (the console's terminal
// bell on a highlight or private message) is a known key, read as written.
func TestBellConfigKey(t *testing.T) {
	if sec := readmeSection(t, "Live meetings"); !strings.Contains(sec, "# bell = false") {
		t.Fatal("the README no longer shows bell = false")
	}
	for _, c := range []struct {
		text string
		off  bool
	}{{"", false}, {"bell = false\n", true}, {"bell = true\n", false}} {
		path := filepath.Join(t.TempDir(), "config.toml")
		os.WriteFile(path, []byte(c.text), 0o600)
		cfg, _, err := loadConfig(path, true)
		if err != nil {
			t.Fatal(err)
		}
		if off := cfg.Bell != nil && !*cfg.Bell; off != c.off {
			t.Errorf("%q: bell off = %v", c.text, off)
		}
	}
}
