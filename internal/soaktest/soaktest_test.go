package soaktest

import (
	"strings"
	"testing"
)

func TestVmRSS(t *testing.T) {
	for _, c := range []struct {
		name, status string
		want         int64
		ok           bool
	}{
		{"kernel's layout", "Name:\tgavel\nVmHWM:\t   9000 kB\nVmRSS:\t   1234 kB\nRssAnon:\t 1000 kB\n", 1234 << 10, true},
		{"last line without newline", "VmRSS:\t42 kB", 42 << 10, true},
		{"no VmRSS line", "Name:\tgavel\nVmHWM:\t9000 kB\n", 0, false},
		{"not a number", "VmRSS:\tlots kB\n", 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := VmRSS(c.status)
			if got != c.want || ok != c.ok {
				t.Errorf("VmRSS = %d, %v; want %d, %v", got, ok, c.want, c.ok)
			}
		})
	}
}

func TestRSSAfterGCIsTheProcesssOwn(t *testing.T) {
	if rss := RSSAfterGC(t); rss < 1<<20 {
		t.Errorf("a running Go test process holds %d bytes resident, want at least 1 MiB", rss)
	}
}

// FuzzVmRSS: any status text gives a resident set that is a whole number
// of KiB, and none when it has no VmRSS line.
func FuzzVmRSS(f *testing.F) {
	f.Add("Name:\tgavel\nVmRSS:\t   1234 kB\n")
	f.Add("VmRSS:")
	f.Fuzz(func(t *testing.T, status string) {
		rss, ok := VmRSS(status)
		if ok && rss%1024 != 0 {
			t.Errorf("VmRSS(%q) = %d, not whole KiB", status, rss)
		}
		if ok && !strings.Contains(status, "VmRSS:") {
			t.Errorf("VmRSS(%q) found a line that is not there", status)
		}
	})
}
