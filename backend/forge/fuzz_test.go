package forge

import (
	"net/url"
	"strings"
	"testing"

	"gavel/backend/fetch"
)

// FuzzParseURL checks that whatever the chair types, ParseURL either
// refuses it or names a project whose API address cannot be steered
// elsewhere: a plain scheme://host base and a path of safe name parts.
func FuzzParseURL(f *testing.F) {
	f.Fuzz(func(t *testing.T, raw string) {
		p, err := ParseURL(raw)
		if err != nil {
			return
		}
		u, err := url.Parse(p.Base)
		if err != nil || u.Path != "" || u.RawQuery != "" || u.User != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Scheme+"://"+u.Host != p.Base {
			t.Fatalf("ParseURL(%q): bad base %q", raw, p.Base)
		}
		segs := strings.Split(p.Path, "/")
		// Unknown kinds keep the whole path; Resolve cuts it to the kind's.
		if len(segs) == 0 || p.Kind == Pagure && len(segs) > 4 || p.Kind == Forgejo && len(segs) != 2 {
			t.Fatalf("ParseURL(%q): bad path %q", raw, p.Path)
		}
		for _, s := range segs {
			if !fetch.ValidName(s, 100, "._-") {
				t.Fatalf("ParseURL(%q): bad path part %q", raw, s)
			}
		}
	})
}
