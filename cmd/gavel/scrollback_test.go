package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScrollbackConfigKey: the README's `scrollback_mb` is a known key,
// read as MiB across all windows; out-of-range values are refused with
// the key named.
func TestScrollbackConfigKey(t *testing.T) {
	if sec := readmeSection(t, "Live meetings"); !strings.Contains(sec, "# scrollback_mb = 64") {
		t.Fatal("the README no longer shows scrollback_mb = 64")
	}
	for _, c := range []struct {
		text  string
		bytes int64
		err   string
	}{
		{"", 0, ""},
		{"scrollback_mb = 64\n", 64 << 20, ""},
		{"scrollback_mb = 1\n", 1 << 20, ""},
		{"scrollback_mb = 0\n", 0, "scrollback_mb = 0"},
		{"scrollback_mb = -5\n", 0, "scrollback_mb = -5"},
		{"scrollback_mb = \"64M\"\n", 0, "scrollback_mb"},
	} {
		path := filepath.Join(t.TempDir(), "config.toml")
		os.WriteFile(path, []byte(c.text), 0o600)
		cfg, _, err := loadConfig(path, true)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%q: error %v, want one naming %q", c.text, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", c.text, err)
		}
		if got := cfg.scrollback(); got != c.bytes {
			t.Errorf("%q: %d bytes, want %d", c.text, got, c.bytes)
		}
	}
}
