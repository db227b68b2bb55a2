package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"gavel/backend"
	"gavel/backend/fas"
	"gavel/backend/internal/testsrv"
	"gavel/backend/snapshot"
)

func run(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestTable(t *testing.T) {
	code, out, errs := run("fas", "nirik", "--offline")
	if code != ExitOK || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	for _, want := range []string{"Accounts matching 'nirik'", "Username", "Kevin Fenzi", "source: offline snapshot"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestJSON(t *testing.T) {
	code, out, _ := run("--offline", "--json", "mirrors", "fedora-42", "x86_64", "DE")
	if code != ExitOK {
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

func TestExplicitURL(t *testing.T) {
	m := testsrv.Manifest(t)
	srv := testsrv.Replay(t, m, snapshot.Selector{Eras: []string{"modern"}}, fas.DefaultBaseURL)
	code, out, errs := run("members", "--fas-url", srv.URL, "--no-fallback", "sysadmin-main", "--json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var res backend.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.Source != backend.SourceLive || len(res.Rows) == 0 {
		t.Fatalf("%+v %v", res, err)
	}
}

func TestChannelAndErrors(t *testing.T) {
	code, out, _ := run("--offline", "--channel", "relrod", "hellomynameis", "nirik")
	if code != ExitOK || out != "relrod: nirik 'Kevin Fenzi' <nirik@fedoraproject.org>\n" {
		t.Fatalf("exit %d %q", code, out)
	}
	code, _, errs := run("--offline", "whoowns", "irc3")
	if code != ExitFailed || errs != "pkgs: no package named 'irc3' in the offline snapshot\n" {
		t.Fatalf("exit %d %q", code, errs)
	}
	code, out, _ = run("--offline", "--json", "whoowns", "irc3")
	if code != ExitFailed || !strings.Contains(out, `"error"`) {
		t.Fatalf("exit %d %q", code, out)
	}
	if code, _, _ := run("frobnicate", "--offline"); code != ExitUsage {
		t.Fatalf("unknown command exit %d", code)
	}
	if code, _, _ := run(); code != ExitUsage {
		t.Fatalf("no args exit %d", code)
	}
	if code, _, _ := run("--bogus"); code != ExitUsage {
		t.Fatalf("bad flag exit %d", code)
	}
}
