package forge

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseIssueURL(t *testing.T) {
	for _, c := range []struct {
		in, want, host string
		kind           Kind
	}{
		{"https://pagure.io/fesco/issue/3201", "https://pagure.io/fesco/issue/3201", "pagure.io", Pagure},
		{"https://src.fedoraproject.org/rpms/kernel/issue/7.", "https://src.fedoraproject.org/rpms/kernel/issue/7", "src.fedoraproject.org", Pagure},
		{"https://codeberg.org/owner/repo/issues/12", "https://codeberg.org/owner/repo/issues/12", "codeberg.org", Forgejo},
		{"http://127.0.0.1:3000/fesco/tickets/issues/12)", "http://127.0.0.1:3000/fesco/tickets/issues/12", "127.0.0.1:3000", Forgejo},
		{"https://forge.example/fork/alice/fesco/issue/4", "https://forge.example/fork/alice/fesco/issue/4", "forge.example", Pagure},
	} {
		ref, err := ParseIssueURL(c.in)
		if err != nil || ref.String() != c.want || ref.Host() != c.host || ref.Project.Kind != c.kind {
			t.Errorf("ParseIssueURL(%q) = %v %s %s (%v); want %s %s %s", c.in, ref, ref.Host(), ref.Project.Kind, err, c.want, c.host, c.kind)
		}
	}
	for _, bad := range []string{"", "https://pagure.io/fesco", "https://pagure.io/fesco/issues/0", "https://codeberg.org/owner/repo/issue/3",
		"https://pagure.io/fesco/issues/3", "https://x.example/a/b/c/issues/3", "ftp://x/y/z/issues/1", "https://u:p@x/a/b/issues/1", "https://x/a/b/issues/1?x=1"} {
		if ref, err := ParseIssueURL(bad); err == nil {
			t.Errorf("ParseIssueURL(%q) = %v, want an error", bad, ref)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		v    string
		want time.Duration
	}{{"", 0}, {"7", 7 * time.Second}, {"-1", 0}, {"Thu, 05 Mar 2026 16:00:30 GMT", 30 * time.Second}, {"soon", 0}} {
		if got := RetryAfter(http.Header{"Retry-After": {c.v}}, now); got != c.want {
			t.Errorf("Retry-After %q = %s, want %s", c.v, got, c.want)
		}
	}
}

// FuzzParseIssueURL: an issue address either is refused or names an
// issue whose API address cannot be steered elsewhere, and reads back as
// itself.
func FuzzParseIssueURL(f *testing.F) {
	for _, s := range []string{"https://pagure.io/fesco/issue/3201", "https://codeberg.org/o/r/issues/12", "http://127.0.0.1:1/a/b/issues/1", "https://x/fork/u/a/issue/9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		ref, err := ParseIssueURL(raw)
		if err != nil {
			return
		}
		if ref.Number <= 0 || strings.ContainsAny(ref.api(), " \t\r\n?#@") {
			t.Fatalf("ParseIssueURL(%q): %+v, api %q", raw, ref, ref.api())
		}
		again, err := ParseIssueURL(ref.String())
		if err != nil || again != ref {
			t.Fatalf("ParseIssueURL(%q) = %+v; its address %q reads %+v (%v)", raw, ref, ref.String(), again, err)
		}
	})
}
