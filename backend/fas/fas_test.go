package fas

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

func replay(t testing.TB, pageSize int) (*Client, *testsrv.Counter) {
	t.Helper()
	m := testsrv.Manifest(t)
	cnt := &testsrv.Counter{H: m.Handler(snapshot.Selector{Eras: []string{"modern"}}, DefaultBaseURL)}
	srv := httptest.NewServer(cnt)
	t.Cleanup(srv.Close)
	hc := fetch.New(fetch.Options{Service: "fas", Timeout: 5 * time.Second})
	return New(hc, Options{BaseURL: srv.URL, PageSize: pageSize}), cnt
}

func TestUser(t *testing.T) {
	c, _ := replay(t, 0)
	ctx := context.Background()
	u, err := c.User(ctx, "nirik")
	if err != nil {
		t.Fatal(err)
	}
	if *u.HumanName != "Kevin Fenzi" || u.Emails[0] != "nirik@fedoraproject.org" || *u.Timezone != "America/Denver" {
		t.Errorf("user = %+v", u)
	}
	irc, matrix := Nicks(u.IRCNicks)
	if !slices.Equal(irc, []string{"nirik"}) || !slices.Equal(matrix, []string{"@nirik:fedora.im"}) {
		t.Errorf("nicks %v %v", irc, matrix)
	}
	g, err := c.User(ctx, "gmm")
	if err != nil || g.HumanName != nil || !g.IsPrivate {
		t.Errorf("private user = %+v, %v", g, err)
	}
	_, err = c.User(ctx, "nosuchuser")
	if !errors.Is(err, fetch.ErrNotFound) || err.Error() != "fas: no user named 'nosuchuser'" {
		t.Errorf("err = %v", err)
	}
	_, err = c.User(ctx, "../../etc/passwd")
	if !errors.Is(err, fetch.ErrInvalid) {
		t.Errorf("bad name err = %v", err)
	}
}

func TestGroups(t *testing.T) {
	c, cnt := replay(t, 0)
	ctx := context.Background()
	gs, err := c.UserGroups(ctx, "nirik")
	if err != nil || !slices.Equal(gs, []string{"fi-apprentice", "packager", "sysadmin-main", "sysadmin-web"}) {
		t.Fatalf("groups %v %v", gs, err)
	}
	ms, err := c.Members(ctx, "fi-apprentice")
	if err != nil || len(ms) != 7 || ms[0] != "gmm" {
		t.Fatalf("members %v %v", ms, err)
	}
	ss, err := c.Sponsors(ctx, "fi-apprentice")
	if err != nil || !slices.Equal(ss, []string{"nirik", "relrod", "smooge"}) {
		t.Fatalf("sponsors %v %v", ss, err)
	}
	g, err := c.Group(ctx, "sysadmin-main")
	if err != nil || *g.Description != "Fedora Main Sysadmin Group" {
		t.Fatalf("group %+v %v", g, err)
	}
	if _, err := c.Group(ctx, "nosuchgroup"); err == nil || err.Error() != "fas: no group named 'nosuchgroup'" {
		t.Fatalf("err = %v", err)
	}
	ok, err := c.IsMember(ctx, "fi-apprentice", "stbnruiz001")
	if err != nil || !ok {
		t.Fatalf("is-member %v %v", ok, err)
	}
	before := cnt.N.Load()
	if _, err := c.Members(ctx, "fi-apprentice"); err != nil {
		t.Fatal(err)
	}
	if cnt.N.Load() != before {
		t.Error("a cached lookup went to the server")
	}
}

func TestAllUsersPaging(t *testing.T) {
	// page_size=5 walks users.page1..3 by page_number.
	c, cnt := replay(t, 5)
	us, err := c.AllUsers(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(us) != 14 || cnt.N.Load() != 3 {
		t.Fatalf("%d users in %d requests, want 14 in 3", len(us), cnt.N.Load())
	}
}

func TestFindMasked(t *testing.T) {
	c, _ := replay(t, 0) // page_size=40 with the X-Fields mask: users.masked.json
	ctx := context.Background()
	tests := []struct {
		q    string
		want []string
	}{
		{"stbnruiz001", []string{"stbnruiz001"}},
		{"esteban", []string{"stbnruiz001"}}, // both sides lower-cased
		{"KEVIN", []string{"nirik"}},
		{"stbnruiz", []string{"stbnruiz001"}},
		{"nosuchperson", nil},
	}
	for _, tc := range tests {
		us, err := c.Find(ctx, tc.q)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, u := range us {
			got = append(got, u.Username)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("Find(%q) = %v, want %v", tc.q, got, tc.want)
		}
	}
}

func TestSearch(t *testing.T) {
	c, _ := replay(t, 0)
	ctx := context.Background()
	us, err := c.SearchUsers(ctx, Search{HumanName: "esteban"})
	if err != nil || len(us) != 1 || us[0].Username != "stbnruiz001" {
		t.Fatalf("%v %v", us, err)
	}
	us, err = c.SearchUsers(ctx, Search{Groups: []string{"sysadmin-main", "fi-apprentice"}})
	if err != nil || len(us) == 0 {
		t.Fatalf("group search %v %v", us, err)
	}
	us, err = c.SearchUsers(ctx, Search{Username: "zzzz"})
	if err != nil || len(us) != 0 {
		t.Fatalf("empty search %v %v", us, err)
	}
	if _, err := c.SearchUsers(ctx, Search{Username: "st"}); !errors.Is(err, fetch.ErrInvalid) {
		t.Fatalf("short term err = %v", err)
	}
	if _, err := c.SearchUsers(ctx, Search{}); !errors.Is(err, fetch.ErrInvalid) {
		t.Fatalf("no term err = %v", err)
	}
}

func TestUnauthenticated(t *testing.T) {
	body := testsrv.Read(t, "fasjson/errors/unauthorized.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("WWW-Authenticate", "Negotiate")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = w.Write(body)
	}))
	defer srv.Close()
	c := New(fetch.New(fetch.Options{Service: "fas"}), Options{BaseURL: srv.URL})
	_, err := c.User(context.Background(), "nirik")
	if !errors.Is(err, fetch.ErrUnauthenticated) {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"401", "Re-authentication is necessary.", "Kerberos"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q does not name %q", err, want)
		}
	}
}

func TestGarbage(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"result": {"username": `))
	}))
	defer srv.Close()
	c := New(fetch.New(fetch.Options{Service: "fas"}), Options{BaseURL: srv.URL})
	_, err := c.User(context.Background(), "nirik")
	if !errors.Is(err, fetch.ErrBadResponse) || !strings.HasPrefix(err.Error(), "fas: FASJSON sent malformed JSON") {
		t.Fatalf("err = %v", err)
	}
}

func TestNicks(t *testing.T) {
	irc, mx := Nicks([]string{"irc:/a", "irc://irc.libera.chat/b", "c", "matrix:/d", "matrix://example.org/e", "https://x"})
	if !slices.Equal(irc, []string{"a", "b", "c"}) || !slices.Equal(mx, []string{"@d:fedora.im", "@e:example.org"}) {
		t.Fatalf("%v %v", irc, mx)
	}
}
