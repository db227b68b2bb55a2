package pkgs

import (
	"context"
	"encoding/json"
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

func replay(t *testing.T) *Client {
	t.Helper()
	m := testsrv.Manifest(t)
	sel := snapshot.Selector{Eras: []string{"modern"}}
	dg := testsrv.Replay(t, m, sel, DefaultDistGitURL)
	md := testsrv.Replay(t, m, sel, DefaultMdapiURL)
	la := testsrv.Replay(t, m, sel, DefaultLookasideURL)
	hc := fetch.New(fetch.Options{Service: "pkgs", Timeout: 5 * time.Second})
	return New(hc, Options{DistGitURL: dg.URL, MdapiURL: md.URL, LookasideURL: la.URL})
}

func TestProject(t *testing.T) {
	c := replay(t)
	ctx := context.Background()
	p, err := c.Project(ctx, "pagure")
	if err != nil {
		t.Fatal(err)
	}
	if p.User.Name != "pingou" || !slices.Equal(p.AccessUsers["admin"], []string{"puiterwijk"}) ||
		!slices.Equal(p.AccessGroups["commit"], []string{"infra-sig"}) {
		t.Errorf("project = %+v", p)
	}
	_, err = c.Project(ctx, "irc3")
	if !errors.Is(err, fetch.ErrNotFound) || err.Error() != "pkgs: no package named 'irc3'" {
		t.Errorf("err = %v", err)
	}
	if _, err := c.Project(ctx, "a/../b"); !errors.Is(err, fetch.ErrInvalid) {
		t.Errorf("err = %v", err)
	}
}

func TestSearchProjects(t *testing.T) {
	c := replay(t)
	ctx := context.Background()
	pg, err := c.SearchProjects(ctx, "fed*", 1, 1)
	if err != nil || len(pg.Projects) != 1 || pg.Projects[0].Name != "fedmenu" || pg.Pages != 2 || pg.Next == "" {
		t.Fatalf("page 1 = %+v, %v", pg, err)
	}
	pg, err = c.SearchProjects(ctx, "fed*", 2, 1)
	if err != nil || len(pg.Projects) != 1 || pg.Next != "" {
		t.Fatalf("page 2 = %+v, %v", pg, err)
	}
	if _, err := c.SearchProjects(ctx, "fed*", 1, 500); !errors.Is(err, fetch.ErrInvalid) {
		t.Fatalf("per_page err = %v", err)
	}
}

func TestBranchesSummarySources(t *testing.T) {
	c := replay(t)
	ctx := context.Background()
	b, err := c.Branches(ctx, "pagure")
	if err != nil || !slices.Equal(b.Names, []string{"epel10", "epel9", "f41", "f42", "rawhide"}) || b.Default != "rawhide" {
		t.Fatalf("branches %+v %v", b, err)
	}
	s, err := c.Summary(ctx, "", "mirrormanager2")
	if err != nil || s.Summary != "Fedora mirror management system" {
		t.Fatalf("summary %+v %v", s, err)
	}
	// mdapi's 404 is text/plain; it must still read as "not found".
	if _, err := c.Summary(ctx, "", "irc3"); !errors.Is(err, fetch.ErrNotFound) {
		t.Fatalf("summary err = %v", err)
	}
	es, err := c.Sources(ctx, "mailman3", "")
	if err != nil || len(es) != 2 || es[1].Filename != "mailman-3.3.9.tar.gz.asc" || es[0].HashType != "sha512" {
		t.Fatalf("sources %+v %v", es, err)
	}
}

func TestLookasideProbe(t *testing.T) {
	c := replay(t)
	ctx := context.Background()
	e, p, err := c.Lookaside(ctx, "pagure", "", "pagure-5.14.1.tar.gz")
	if err != nil || p.State != Available || !p.Verified || p.Size != 53 {
		t.Fatalf("probe %+v %+v %v", e, p, err)
	}
	if !strings.HasSuffix(p.URL, "/rpms/pagure/pagure-5.14.1.tar.gz/sha512/"+e.Hash+"/pagure-5.14.1.tar.gz") {
		t.Errorf("url %s", p.URL)
	}
	// An object the lookaside does not have.
	missing := SourceEntry{HashType: "sha512", Filename: "pagure-9.tar.gz", Hash: strings.Repeat("0", 128)}
	p, err = c.Probe(ctx, "pagure", missing)
	if err != nil || p.State != Missing {
		t.Fatalf("missing probe %+v %v", p, err)
	}
	if _, _, err := c.Lookaside(ctx, "pagure", "", "nope.tar.gz"); !errors.Is(err, fetch.ErrNotFound) {
		t.Fatalf("err = %v", err)
	}
}

func TestProbeReadsTheBody(t *testing.T) {
	// A 200 whose body is an error page is not "Available".
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>Internal error</html>"))
	}))
	defer srv.Close()
	c := New(fetch.New(fetch.Options{Service: "pkgs"}), Options{LookasideURL: srv.URL})
	e := SourceEntry{HashType: "sha512", Filename: "x.tar.gz", Hash: strings.Repeat("a", 128)}
	if _, err := c.Probe(context.Background(), "x", e); !errors.Is(err, fetch.ErrBadResponse) {
		t.Fatalf("err = %v", err)
	}
}

func TestLayouts(t *testing.T) {
	e := SourceEntry{HashType: "md5", Filename: "pagure-1.0.tar.gz", Hash: "2991a679ea6c3c141c0585cd45896709"}
	for l, want := range map[Layout]string{
		LayoutOld:        "pagure/pagure-1.0.tar.gz/2991a679ea6c3c141c0585cd45896709/pagure-1.0.tar.gz",
		LayoutHashType:   "pagure/pagure-1.0.tar.gz/md5/2991a679ea6c3c141c0585cd45896709/pagure-1.0.tar.gz",
		LayoutNamespaced: "rpms/pagure/pagure-1.0.tar.gz/md5/2991a679ea6c3c141c0585cd45896709/pagure-1.0.tar.gz",
	} {
		if got := ObjectPath(l, "rpms", "pagure", e); got != want {
			t.Errorf("%v: %s, want %s", l, got, want)
		}
		// The md5 layouts exist in the fixture lookaside tree.
		if l != LayoutNamespaced {
			testsrv.Read(t, "lookaside/repo/pkgs/"+want)
		}
	}
}

type cgiCase struct {
	Era    string            `json:"era"`
	What   string            `json:"what"`
	Form   map[string]string `json:"form"`
	Status int               `json:"status"`
	Body   string            `json:"body"`
}

// TestCheckCGI replays upload.cgi's check cases: the body decides, so the
// 2015 "200 with an error sentence" is an error.
func TestCheckCGI(t *testing.T) {
	var file struct {
		Cases []cgiCase `json:"cases"`
	}
	if err := json.Unmarshal(testsrv.Read(t, "lookaside/upload-cgi-cases.json"), &file); err != nil {
		t.Fatal(err)
	}
	for _, cs := range file.Cases {
		if cs.Form["filename"] == "" || cs.Form["name"] == "" || cs.Form["file"] != "" {
			continue // only checks, not uploads
		}
		t.Run(cs.Era+" "+cs.What, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if err := r.ParseMultipartForm(1 << 16); err != nil {
					http.Error(w, err.Error(), 400)
					return
				}
				for k, v := range cs.Form {
					if r.FormValue(k) != v {
						http.Error(w, "unexpected form "+k, 400)
						return
					}
				}
				w.Header().Set("Content-Type", "text/plain")
				w.WriteHeader(cs.Status)
				_, _ = w.Write([]byte(cs.Body))
			}))
			defer srv.Close()
			ns := "rpms"
			name := strings.TrimPrefix(cs.Form["name"], "rpms/")
			if cs.Era == "2015" {
				ns = "-"
			}
			o := Options{LookasideURL: srv.URL, Namespace: ns}
			c := New(fetch.New(fetch.Options{Service: "pkgs"}), o)
			if ns == "-" {
				c.o.Namespace = ""
			}
			ht := "sha512"
			if cs.Form["md5sum"] != "" {
				ht = "md5"
			}
			st, err := c.Check(context.Background(), name, cs.Form["filename"], ht, cs.Form[ht+"sum"])
			switch strings.TrimSpace(cs.Body) {
			case "Available", "Missing":
				if err != nil || string(st) != strings.TrimSpace(cs.Body) {
					t.Fatalf("got %q %v, want %q", st, err, cs.Body)
				}
			default:
				if err == nil {
					t.Fatalf("got %q, want an error for %d %q", st, cs.Status, cs.Body)
				}
			}
		})
	}
}
