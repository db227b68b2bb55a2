package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gavel/backend"
	"gavel/backend/fas"
	"gavel/backend/mirrors"
	"gavel/backend/pkgs"
	"gavel/backend/snapshot"
)

// fixtureServers starts loopback servers replaying the recorded answers of
// Fedora's services (testdata/backend/fixtures) and returns the [backend]
// section of a config pointing at them.
func fixtureServers(t *testing.T) string {
	t.Helper()
	m, err := snapshot.Load(os.DirFS(filepath.Join("..", "..", "testdata", "backend", "fixtures")))
	if err != nil {
		t.Fatal(err)
	}
	sel := snapshot.Selector{Eras: []string{"modern"}}
	url := func(base string) string {
		srv := httptest.NewServer(m.Handler(sel, base))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	return fmt.Sprintf("[backend]\nfas_url = %q\ndistgit_url = %q\nmdapi_url = %q\nlookaside_url = %q\nmirrors_url = %q\ntimeout = \"5s\"\n",
		url(fas.DefaultBaseURL), url(pkgs.DefaultDistGitURL), url(pkgs.DefaultMdapiURL), url(pkgs.DefaultLookasideURL), url(mirrors.DefaultBaseURL))
}

// withConfig makes $XDG_CONFIG_HOME/gavel/config.toml hold text.
func withConfig(t *testing.T, text string) {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	if err := os.MkdirAll(filepath.Join(dir, "gavel"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "gavel", "config.toml"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLookupREADME runs every "gavel lookup" command of the README as
// written, against the services the config file names (loopback servers
// replaying the recorded answers).
func TestLookupREADME(t *testing.T) {
	withConfig(t, fixtureServers(t))
	cmds := readmeCommands(t, "gavel lookup")
	want := map[string][]string{
		"fas nirik":                   {"Accounts matching 'nirik'", "Kevin Fenzi", "source: live"},
		"whoowns pagure --json":       {`"command": "whoowns"`, `"source": "live"`},
		"mirrors fedora-42 x86_64 DE": {"source: live", "DE"},
	}
	for _, line := range cmds {
		args := shellWords(t, line)[1:]
		code, out, errs := gavel(t, nil, args...)
		if line == "gavel lookup -h" {
			if code != 0 || !strings.Contains(errs, "usage: gavel lookup") || !strings.Contains(errs, "-offline") {
				t.Errorf("%s: exit %d, stderr %q", line, code, errs)
			}
			continue
		}
		if code != 0 {
			t.Errorf("%s: exit %d: %s", line, code, errs)
			continue
		}
		key := strings.Join(args[1:], " ")
		w, ok := want[key]
		if !ok {
			t.Errorf("README command %q has no expectation here: add one", line)
		}
		for _, s := range w {
			if !strings.Contains(out, s) {
				t.Errorf("%s: output lacks %q:\n%s", line, s, out)
			}
		}
	}
}

func TestLookupTable(t *testing.T) {
	withConfig(t, "")
	code, out, errs := gavel(t, nil, "lookup", "fas", "nirik", "--offline")
	if code != lookupOK || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{"Accounts matching 'nirik'", "Username", "Kevin Fenzi", "source: offline snapshot"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestLookupJSON(t *testing.T) {
	withConfig(t, "offline = true\n")
	code, out, _ := gavel(t, nil, "lookup", "--json", "mirrors", "fedora-42", "x86_64", "DE")
	if code != lookupOK {
		t.Fatalf("exit %d", code)
	}
	var res backend.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	if res.Command != "mirrors" || len(res.Rows) != 2 || res.Rows[0][1] != "DE" || res.Source != backend.SourceOffline {
		t.Fatalf("%+v", res)
	}
}

func TestLookupFlagsOverrideConfig(t *testing.T) {
	withConfig(t, "[backend]\nfas_url = \"http://127.0.0.1:1\"\n")
	m, err := snapshot.Load(os.DirFS(filepath.Join("..", "..", "testdata", "backend", "fixtures")))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(m.Handler(snapshot.Selector{Eras: []string{"modern"}}, fas.DefaultBaseURL))
	defer srv.Close()
	code, out, errs := gavel(t, nil, "lookup", "members", "--fas-url", srv.URL, "--no-fallback", "sysadmin-main", "--json")
	if code != lookupOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res backend.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Source != backend.SourceLive || len(res.Rows) == 0 {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestLookupDoubleDash(t *testing.T) {
	withConfig(t, "offline = true\n")
	code, out, errs := gavel(t, nil, "lookup", "--json", "--", "fas", "nirik")
	if code != lookupOK || !strings.Contains(out, `"command": "fas"`) {
		t.Fatalf("exit %d %q %q", code, out, errs)
	}
	// After "--", "--json" is an argument (the account searched for),
	// not the flag: nothing is printed as JSON.
	code, out, errs = gavel(t, nil, "lookup", "whoowns", "--", "--json")
	if code != lookupFailed || out != "" || !strings.Contains(errs, "'--json'") {
		t.Fatalf("exit %d %q %q", code, out, errs)
	}
}

func TestLookupChannelAndErrors(t *testing.T) {
	withConfig(t, "")
	code, out, _ := gavel(t, nil, "lookup", "--offline", "--channel", "relrod", "hellomynameis", "nirik")
	if code != lookupOK || out != "relrod: nirik 'Kevin Fenzi' <nirik@fedoraproject.org> (offline snapshot of 2025-05-20)\n" {
		t.Fatalf("exit %d %q", code, out)
	}
	code, _, errs := gavel(t, nil, "lookup", "--offline", "whoowns", "irc3")
	if code != lookupFailed || errs != "pkgs: no package named 'irc3' in the offline snapshot\n" {
		t.Fatalf("exit %d %q", code, errs)
	}
	code, out, _ = gavel(t, nil, "lookup", "--offline", "--json", "whoowns", "irc3")
	if code != lookupFailed || !strings.Contains(out, `"error"`) {
		t.Fatalf("exit %d %q", code, out)
	}
	if code, _, _ := gavel(t, nil, "lookup", "frobnicate", "--offline"); code != lookupUsage {
		t.Fatalf("unknown command exit %d", code)
	}
	if code, _, _ := gavel(t, nil, "lookup"); code != lookupUsage {
		t.Fatalf("no args exit %d", code)
	}
	if code, _, _ := gavel(t, nil, "lookup", "--bogus"); code != lookupUsage {
		t.Fatalf("bad flag exit %d", code)
	}
}

// TestLookupCleansServiceErrors: a service's error message is quoted in
// what gavel prints, and may hold terminal escapes (here one that retitles
// the terminal); they are removed like in every other answer.
func TestLookupCleansServiceErrors(t *testing.T) {
	withConfig(t, "")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write([]byte(`{"message":"\u001b]0;x\u0007"}`))
	}))
	defer srv.Close()
	for _, extra := range [][]string{nil, {"--json"}} {
		args := append([]string{"lookup", "fas", "nirik", "--fas-url", srv.URL, "--no-fallback"}, extra...)
		code, out, errs := gavel(t, nil, args...)
		if code != lookupFailed {
			t.Fatalf("%q: exit %d %q %q", args, code, out, errs)
		}
		if !strings.HasPrefix(errs, "fas: ") || !strings.Contains(errs, "]0;x") {
			t.Errorf("%q: stderr %q does not carry the service's message", args, errs)
		}
		for _, s := range []string{out, errs} {
			if strings.ContainsAny(s, "\x1b\x07") {
				t.Errorf("%q: terminal control bytes printed: %q", args, s)
			}
		}
	}
}
