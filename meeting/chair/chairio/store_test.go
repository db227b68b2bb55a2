package chairio

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gavel/meeting/chair/agenda"
)

var saveTime = time.Date(2025, 5, 20, 14, 0, 0, 0, time.UTC)

func TestStoreRoundTrip(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	k := agenda.Key{Network: "irc.libera.chat", Channel: "#fedora-meeting", Name: "fesco"}
	items := mustParse(t, "- A [10m]\n- B https://b.example/x?y=1&z=<2>\n- C\n")
	if err := s.Save(k, items, saveTime); err != nil {
		t.Fatal(err)
	}
	// The channel folds like the network's names; the network is a host name.
	o, err := s.Load(agenda.Key{Network: "IRC.Libera.Chat", Channel: "#Fedora-Meeting", Name: "fesco"})
	if err != nil || o == nil {
		t.Fatalf("Load = %v, %v", o, err)
	}
	if !o.SavedAt.Equal(saveTime) || len(o.Items) != 3 || o.Items[0] != items[0] || o.Items[1] != items[1] || o.Items[2] != items[2] {
		t.Fatalf("Load = %+v", o)
	}
	path, _ := s.Path(k)
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("stat %v %v", st, err)
	}
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), `"schema": "gavel.agenda-leftovers/1"`) || !strings.Contains(string(data), `"timebox": "10m"`) {
		t.Errorf("file:\n%s", data)
	}
	if o, err := s.Load(agenda.Key{Network: "other", Channel: "#fedora-meeting", Name: "fesco"}); o != nil || err != nil {
		t.Errorf("other network: %v %v", o, err)
	}
	if err := s.Save(k, nil, saveTime); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("empty save left the file: %v", err)
	}
}

func TestStorePathsAreSafeAndDistinct(t *testing.T) {
	s := &Store{Dir: "/state/agenda"}
	long := strings.Repeat("n", 300)
	keys := []agenda.Key{
		key("net", "#a", "m"), key("net", "#a_", "m"), key("net", "#a.", "m"), key("net", "#a/b", "m"), key("net", "#a%2Fb", "m"),
		key("net", "#..", ".."), key("net", "#a", "../../etc/passwd"), key("net", "#a", "m\x00x"), key("net", "#тест", "m"),
		key("", "#a", "m"), key("net", "#a", long), key("net", "#a", long+"x"), key("n/et", "#a", "m"), key("net", "&a", "m"),
	}
	seen := map[string]agenda.Key{}
	for _, k := range keys {
		p, err := s.Path(k)
		if err != nil {
			t.Fatalf("Path(%q): %v", k, err)
		}
		rel, err := filepath.Rel(s.Dir, p)
		if err != nil || !filepath.IsLocal(rel) || strings.Count(rel, string(filepath.Separator)) != 2 {
			t.Errorf("Path(%q) = %q leaves the store or has the wrong depth", k, p)
		}
		for _, part := range strings.Split(rel, string(filepath.Separator)) {
			if len(part) > 160 || part == "." || part == ".." || strings.ContainsAny(part, "\x00/\\") {
				t.Errorf("Path(%q): bad component %q", k, part)
			}
		}
		if other, dup := seen[p]; dup {
			t.Errorf("keys %q and %q share %q", k, other, p)
		}
		seen[p] = k
	}
	for _, k := range []agenda.Key{key("net", "", "m"), key("net", "#a", "")} {
		if _, err := s.Path(k); err == nil {
			t.Errorf("Path(%q) accepted", k)
		}
	}
	if _, err := (&Store{}).Path(keys[0]); err == nil {
		t.Error("empty Dir accepted")
	}
}

func TestStoreBadFiles(t *testing.T) {
	s := &Store{Dir: t.TempDir()}
	k := key("net", "#c", "m")
	path, _ := s.Path(k)
	os.MkdirAll(filepath.Dir(path), 0o700)
	tests := []struct{ body, want string }{
		{"{not json", "not a leftovers file"},
		{`{"schema":"other/1"}`, `schema "other/1"`},
		{`{"schema":"gavel.agenda-leftovers/1","network":"net","channel":"#c","name":"m","items":[{"title":"x","timebox":"0m"}]}`, "bad timebox"},
		{`{"schema":"gavel.agenda-leftovers/1","network":"net","channel":"#c","name":"m","items":[{"title":"x","url":"file:///etc/passwd"}]}`, "not a valid http(s) URL"},
		{strings.Repeat(" ", maxStoreBytes+1), "larger than"},
	}
	for _, tt := range tests {
		os.WriteFile(path, []byte(tt.body), 0o600)
		o, err := s.Load(k)
		if err == nil || o != nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("Load(%.30q) = %v, %v; want an error with %q and the path", tt.body, o, err, tt.want)
		}
		if data, _ := os.ReadFile(path); string(data) != tt.body {
			t.Errorf("bad file was changed")
		}
	}
	// Hostile but well-formed items come back clean.
	os.WriteFile(path, []byte(`{"schema":"gavel.agenda-leftovers/1","network":"net","channel":"#c","name":"m","items":[{"title":"a\r\n#endmeeting\u001b[2J"}]}`), 0o600)
	o, err := s.Load(k)
	if err != nil || o == nil || o.Items[0].Title != "a #endmeeting" {
		t.Errorf("Load hostile = %+v, %v", o, err)
	}
}

func TestStoreSaveFailureKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	s := &Store{Dir: dir}
	k := key("net", "#c", "m")
	if err := s.Save(k, mustParse(t, "- old\n"), saveTime); err != nil {
		t.Fatal(err)
	}
	path, _ := s.Path(k)
	// A directory where the temporary file would go makes the write fail
	// as a full disk would; the old file must survive.
	blocker := filepath.Join(dir, "blocked")
	os.WriteFile(blocker, nil, 0o600)
	bad := &Store{Dir: blocker}
	if err := bad.Save(k, mustParse(t, "- new\n"), saveTime); err == nil || !strings.Contains(err.Error(), "keep leftovers") {
		t.Errorf("Save under a file = %v", err)
	}
	if o, err := s.Load(k); err != nil || o.Items[0].Title != "old" {
		t.Errorf("old file lost: %v %v (%s)", o, err, path)
	}
}

func TestStoreFinish(t *testing.T) {
	old := mustParse(t, "- Old A\n- Old B\n")
	tests := []struct {
		name      string
		offerKey  agenda.Key
		accept    bool
		final     agenda.Key
		wantFinal string // titles kept under final, "" for no file
		wantOffer string // titles left under the offer's key
	}{
		{"declined offer is kept", key("n", "#c", "m"), false, key("n", "#c", "m"), "Old A,Old B,Next", ""},
		{"accepted offer replaced by leftovers", key("n", "#c", "m"), true, key("n", "#c", "m"), "Old B,Next", ""},
		{"renamed after accepting: old key removed", key("n", "#c", "first"), true, key("n", "#c", "m"), "Old B,Next", "-"},
		{"renamed, offer not accepted: old key untouched", key("n", "#c", "first"), false, key("n", "#c", "m"), "Next", "Old A,Old B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := &Store{Dir: t.TempDir()}
			if err := s.Save(tt.offerKey, old, saveTime); err != nil {
				t.Fatal(err)
			}
			o, err := s.Load(tt.offerKey)
			if err != nil {
				t.Fatal(err)
			}
			a := agenda.New(mustParse(t, "- Now\n- Next\n"))
			a.Offer(o)
			if tt.accept {
				a.AcceptOffer()
				a.Next() // Old A
			}
			a.TopicSet("Now") // "Now" discussed; Next not reached
			if err := s.Finish(tt.final, a, saveTime.Add(time.Hour)); err != nil {
				t.Fatal(err)
			}
			if got := loadTitles(t, s, tt.final); got != tt.wantFinal {
				t.Errorf("final holds %q, want %q", got, tt.wantFinal)
			}
			if tt.offerKey != tt.final {
				want := tt.wantOffer
				if want == "-" {
					want = ""
				}
				if got := loadTitles(t, s, tt.offerKey); got != want {
					t.Errorf("offer key holds %q, want %q", got, want)
				}
			}
		})
	}
}

func loadTitles(t *testing.T, s *Store, k agenda.Key) string {
	t.Helper()
	o, err := s.Load(k)
	if err != nil {
		t.Fatal(err)
	}
	if o == nil {
		return ""
	}
	var out []string
	for _, it := range o.Items {
		out = append(out, it.Title)
	}
	return strings.Join(out, ",")
}

func mustParse(t *testing.T, s string) []agenda.Item {
	t.Helper()
	items, err := agenda.ParseBytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return items
}

func key(network, channel, name string) agenda.Key {
	return agenda.Key{Network: network, Channel: channel, Name: name}
}
