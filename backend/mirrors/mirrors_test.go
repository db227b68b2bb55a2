package mirrors

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"gavel/backend/fetch"
	"gavel/backend/internal/testsrv"
	"gavel/backend/snapshot"
)

func TestParseMirrorlistFixtures(t *testing.T) {
	tests := []struct {
		file  string
		steps []string
		urls  int
		err   string
		avail int
	}{
		{"mirrors/mirrorlist.fedora-23.x86_64.from-US.txt", []string{"country = US"}, 3, "", 0},
		{"mirrors/mirrorlist.fedora-23.x86_64.from-PY.txt", []string{"country = PY", "country = BR", "global"}, 9, "", 0},
		{"mirrors/mirrorlist.fedora-42.x86_64.country-DE.protocol-https.txt", []string{"country = DE"}, 2, "", 0},
		{"mirrors/mirrorlist.invalid-repo.modern.txt", nil, 0, "invalid repo or arch", 8},
		{"mirrors/mirrorlist.invalid-repo.2015.txt", nil, 0, "invalid repo or arch", 8},
		{"mirrors/mirrorlist.missing-args.txt", nil, 0, "either path=, or repo= and arch= must be specified", 0},
	}
	for _, tc := range tests {
		ml, err := ParseMirrorlist(string(testsrv.Read(t, tc.file)))
		if err != nil {
			t.Fatalf("%s: %v", tc.file, err)
		}
		if !slices.Equal(ml.Steps, tc.steps) || len(ml.URLs) != tc.urls || ml.Error != tc.err || len(ml.Available) != tc.avail {
			t.Errorf("%s: %+v", tc.file, ml)
		}
	}
	ml, _ := ParseMirrorlist(string(testsrv.Read(t, "mirrors/mirrorlist.fedora-42.x86_64.country-DE.protocol-https.txt")))
	if !slices.Equal(ml.Protocols, []string{"https"}) || ml.Repo != "fedora-42" || ml.Arch != "x86_64" {
		t.Errorf("protocol header: %+v", ml)
	}
}

func TestParseMirrorlistSteps(t *testing.T) {
	ml, err := ParseMirrorlist("# repo = rawhide arch = x86_64 Using preferred netblock Using ASN 1234 Using Internet2 country = global \nhttps://a.example/x/\n")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ml.Steps, []string{"netblock", "ASN 1234", "Internet2", "global"}) {
		t.Fatalf("steps %v", ml.Steps)
	}
	for _, bad := range []string{"", "https://a.example/\n# repo = x", "# repo = x arch = y\nnot a url\n"} {
		if _, err := ParseMirrorlist(bad); err == nil {
			t.Errorf("ParseMirrorlist(%q) accepted", bad)
		}
	}
}

func TestParseMetalink(t *testing.T) {
	m, err := ParseMetalink(testsrv.Read(t, "mirrors/metalink.fedora-23.x86_64.from-US.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if m.File != "repomd.xml" || m.Size != 36 || m.Timestamp != 1446133823 || len(m.Hashes) != 4 || len(m.Resources) != 9 {
		t.Fatalf("%+v", m)
	}
	r := m.Resources[0]
	if r.Protocol != "https" || r.Location != "US" || r.Preference != 100 || m.Resources[8].Preference != 98 {
		t.Errorf("resource %+v", r)
	}
	m, err = ParseMetalink(testsrv.Read(t, "mirrors/metalink.not-found.xml"))
	if err != nil || m.Error != "invalid repo or arch" {
		t.Fatalf("error metalink %+v %v", m, err)
	}
	if _, err := ParseMetalink([]byte("<html><body>oops")); err == nil {
		t.Fatal("HTML accepted as a metalink")
	}
}

func replay(t *testing.T, era, scenario string) *Client {
	m := testsrv.Manifest(t)
	srv := testsrv.Replay(t, m, snapshot.Selector{Eras: []string{era}, Scenario: scenario}, DefaultBaseURL)
	hosts := map[string]string{"mirror.asu.example.org": "PY", "mirror.gru.example.net": "BR",
		"fedora.fra.example.net": "DE", "fedora.muc.example.net": "DE"}
	return New(fetch.New(fetch.Options{Service: "mirrors", Timeout: 5 * time.Second}), Options{BaseURL: srv.URL, HostCountry: hosts})
}

func TestMirrors(t *testing.T) {
	ctx := context.Background()
	// GeoIP in Paraguay: one PY mirror, one BR (continent), then global.
	sel, err := replay(t, "2015", "client-ip-in-PY").Mirrors(ctx, Query{Repo: "fedora-23", Arch: "x86_64"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sel.Mirrors) != 9 {
		t.Fatalf("%d mirrors", len(sel.Mirrors))
	}
	want := []Mirror{
		{Host: "mirror.asu.example.org", Country: "PY", Protocol: "http", Step: "country = PY"},
		{Host: "mirror.gru.example.net", Country: "BR", Protocol: "https", Step: "country = BR"},
		{Host: "fedora.fra.example.net", Country: "DE", Protocol: "https", Step: "global"},
	}
	for i, w := range want {
		g := sel.Mirrors[i]
		g.URL = ""
		if g != w {
			t.Errorf("mirror %d = %+v, want %+v", i, g, w)
		}
	}
	// GeoIP in the US: countries come from the metalink's locations.
	sel, err = replay(t, "2015", "client-ip-in-US").Mirrors(ctx, Query{Repo: "fedora-23", Arch: "x86_64"})
	if err != nil || len(sel.Mirrors) != 3 || sel.Mirrors[1].Country != "US" || sel.Mirrors[1].Step != "country = US" {
		t.Fatalf("%+v %v", sel, err)
	}
	// Today's server, explicit country and protocol.
	c := replay(t, "modern", "")
	sel, err = c.Mirrors(ctx, Query{Repo: "fedora-42", Arch: "x86_64", Countries: []string{"de"}, Protocols: []string{"https"}})
	if err != nil || len(sel.Mirrors) != 2 || sel.Mirrors[0].Country != "DE" {
		t.Fatalf("%+v %v", sel, err)
	}
	_, err = c.Mirrors(ctx, Query{Repo: "fedora-99", Arch: "x86_64"})
	if !errors.Is(err, fetch.ErrNotFound) || !strings.Contains(err.Error(), "try epel-7 x86_64") {
		t.Fatalf("err = %v", err)
	}
	if _, err := c.Mirrors(ctx, Query{Repo: "fedora-42&x=1", Arch: "x86_64"}); !errors.Is(err, fetch.ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
}

func TestMirrorlistHTML(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>captive portal</html>"))
	}))
	defer srv.Close()
	c := New(fetch.New(fetch.Options{Service: "mirrors"}), Options{BaseURL: srv.URL})
	if _, err := c.Mirrors(context.Background(), Query{Repo: "fedora-42", Arch: "x86_64"}); !errors.Is(err, fetch.ErrBadResponse) {
		t.Fatalf("err = %v", err)
	}
}

func FuzzParseMirrorlist(f *testing.F) {
	f.Add("# repo = fedora-23 arch = x86_64 country = PY country = BR country = global \nhttp://a.example/x/\n")
	f.Add("# repo = fedora-99 arch = x86_64 error: invalid repo or arch\n# following repositories are available:\n# repo=epel-7&arch=x86_64\n")
	f.Add("# Using ASN\n")
	f.Fuzz(func(t *testing.T, in string) {
		ml, err := ParseMirrorlist(in)
		if err != nil {
			return
		}
		for _, u := range ml.URLs {
			if strings.ContainsAny(u, " \t\n") {
				t.Fatalf("URL with blanks: %q", u)
			}
		}
	})
}

func FuzzParseMetalink(f *testing.F) {
	f.Add(`<metalink xmlns="http://www.metalinker.org/"><files><file name="repomd.xml"><size>3</size><resources><url protocol="https" location="US" preference="100">https://a/</url></resources></file></files></metalink>`)
	f.Add(`<metalink><!-- # repo = x arch = y error: invalid repo or arch --></metalink>`)
	f.Add(`<metalink`)
	f.Fuzz(func(t *testing.T, in string) {
		m, err := ParseMetalink([]byte(in))
		if err == nil && m.File == "" && m.Error == "" {
			t.Fatalf("no file and no error from %q", in)
		}
	})
}
