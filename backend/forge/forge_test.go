package forge

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gavel/backend/fetch"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// server answers as Pagure or Forgejo from the committed fixtures and
// records the requests. It checks the query the client sends, as the real
// servers' parameters demand.
type server struct {
	t    *testing.T
	kind Kind
	mu   sync.Mutex
	reqs []string
	// unfiltered makes Forgejo behave as it does for a label the repo does
	// not have: the label is ignored and every open issue is listed.
	unfiltered bool
	// noFullURL strips full_url, as Pagure before 5.12 sends.
	noFullURL bool
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.reqs = append(s.reqs, r.URL.RequestURI())
	s.mu.Unlock()
	q := r.URL.Query()
	send := func(status int, name string, body []byte) {
		if body == nil {
			body = fixture(s.t, name)
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		w.Write(body)
	}
	switch {
	case s.kind == Pagure && r.URL.Path == "/api/0/-/version":
		send(200, "pagure-version.json", nil)
	case s.kind == Forgejo && r.URL.Path == "/api/v1/version":
		send(200, "forgejo-version.json", nil)
	case s.kind == Pagure && r.URL.Path == "/api/0/fesco/issues":
		if q.Get("status") != "Open" || q.Get("tags") != "meeting" || q.Get("per_page") != "2" {
			s.t.Errorf("pagure query %q", r.URL.RawQuery)
		}
		name := map[string]string{"1": "pagure-fesco-issues-page1.json", "2": "pagure-fesco-issues-page2.json"}[q.Get("page")]
		if name == "" {
			s.t.Errorf("pagure page %q", q.Get("page"))
			http.NotFound(w, r)
			return
		}
		body := fixture(s.t, name)
		if s.noFullURL {
			var doc map[string]any
			json.Unmarshal(body, &doc)
			for _, is := range doc["issues"].([]any) {
				delete(is.(map[string]any), "full_url")
			}
			body, _ = json.Marshal(doc)
		}
		send(200, "", body)
	case s.kind == Pagure && r.URL.Path == "/api/0/notracker/issues":
		send(404, "pagure-error-trackerdisabled.json", nil)
	case s.kind == Pagure && strings.HasPrefix(r.URL.Path, "/api/0/"):
		send(404, "pagure-error-noproject.json", nil)
	case s.kind == Forgejo && r.URL.Path == "/api/v1/repos/fesco/tickets/issues":
		if q.Get("state") != "open" || q.Get("type") != "issues" || q.Get("limit") != "2" || q.Get("labels") == "" {
			s.t.Errorf("forgejo query %q", r.URL.RawQuery)
		}
		if s.unfiltered || q.Get("labels") != "meeting" {
			w.Header().Set("X-Total-Count", "3")
			send(200, "forgejo-tickets-issues-unfiltered.json", nil)
			return
		}
		page := q.Get("page")
		name := map[string]string{"1": "forgejo-tickets-issues-page1.json", "2": "forgejo-tickets-issues-page2.json"}[page]
		if name == "" {
			s.t.Errorf("forgejo page %q", page)
			send(200, "", []byte("[]"))
			return
		}
		next := fmt.Sprintf(`<http://%s/api/v1/repos/fesco/tickets/issues?labels=meeting&limit=2&page=2&state=open&type=issues>; rel="next"`, r.Host)
		if page == "2" {
			next = fmt.Sprintf(`<http://%s/api/v1/repos/fesco/tickets/issues?labels=meeting&limit=2&page=1&state=open&type=issues>; rel="first"`, r.Host)
		}
		w.Header().Set("Link", next)
		w.Header().Set("X-Total-Count", "3")
		send(200, name, nil)
	case s.kind == Forgejo && strings.HasPrefix(r.URL.Path, "/api/v1/"):
		send(404, "forgejo-error-notfound.json", nil)
	default:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(404)
		w.Write([]byte("<html><body>Not Found</body></html>"))
	}
}

func (s *server) requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.reqs...)
}

func newServer(t *testing.T, kind Kind) (*server, *httptest.Server) {
	s := &server{t: t, kind: kind}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return s, srv
}

func newClient(rt http.RoundTripper) *Client {
	return New(fetch.New(fetch.Options{Service: "forge", Transport: rt}), Options{PerPage: 2})
}

func summary(res Result) string {
	var out []string
	for _, is := range res.Issues {
		out = append(out, is.AgendaTitle()+" <"+is.URL+">")
	}
	return strings.Join(out, "\n")
}

func TestPagureFromWebURLOfUnknownHost(t *testing.T) {
	s, srv := newServer(t, Pagure)
	res, err := newClient(nil).List(context.Background(), srv.URL+"/fesco/issues", "")
	if err != nil {
		t.Fatal(err)
	}
	want := "#3150 Update the packaging guidelines exception for Example <https://pagure.io/fesco/issue/3150>\n" +
		"#3188 Nonresponsive maintainer: <script>alert(1)</script> package\r\n#endmeeting <https://pagure.io/fesco/issue/3188>\n" +
		"#3201 Change: Example System-Wide Change for F41 <https://pagure.io/fesco/issue/3201>"
	if got := summary(res); got != want {
		t.Errorf("issues:\n%s\nwant:\n%s", got, want)
	}
	if res.Project.Kind != Pagure || res.Project.Path != "fesco" || res.Label != "meeting" || res.More {
		t.Errorf("result %+v", res)
	}
	reqs := s.requests()
	if len(reqs) != 3 || reqs[0] != "/api/0/-/version" || !strings.Contains(reqs[2], "page=2") {
		t.Errorf("requests %q", reqs)
	}
}

func TestPagureBeforeFullURL(t *testing.T) {
	s, srv := newServer(t, Pagure)
	s.noFullURL = true
	res, err := newClient(nil).List(context.Background(), srv.URL+"/api/0/fesco/issues", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Issues) != 3 || res.Issues[0].URL != srv.URL+"/fesco/issue/3150" {
		t.Errorf("issues %+v", res.Issues)
	}
	if reqs := s.requests(); strings.Contains(reqs[0], "version") {
		t.Errorf("an API URL was probed: %q", reqs)
	}
}

func TestForgejoPagesAndLabelFilter(t *testing.T) {
	s, srv := newServer(t, Forgejo)
	c := newClient(nil)
	res, err := c.List(context.Background(), srv.URL+"/api/v1/repos/fesco/tickets/issues", "")
	if err != nil {
		t.Fatal(err)
	}
	want := "#3 Policy: mass rebuild timing <https://forge.example/fesco/tickets/issues/3>\n" +
		"#9 Approve the \x1b[31mnew\x1b[0m release schedule <https://forge.example/fesco/tickets/issues/9>\n" +
		"#12 Change: Example for F42 <https://forge.example/fesco/tickets/issues/12>"
	if got := summary(res); got != want {
		t.Errorf("issues:\n%s\nwant:\n%s", got, want)
	}
	if n := len(s.requests()); n != 2 {
		t.Errorf("%d requests: %q", n, s.requests())
	}

	// A label the repository lacks is ignored by Forgejo, which then lists
	// every open issue: only those that carry the label are kept, and
	// pull requests never.
	res, err = c.List(context.Background(), srv.URL+"/fesco/tickets", "agenda")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Issues) != 0 {
		t.Errorf("unknown label: %s", summary(res))
	}
	s.unfiltered = true
	res, err = c.List(context.Background(), srv.URL+"/fesco/tickets/issues?state=open", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := summary(res); got != "#12 Change: Example for F42 <https://forge.example/fesco/tickets/issues/12>" {
		t.Errorf("unfiltered listing kept %q", got)
	}
}

func TestErrors(t *testing.T) {
	_, pag := newServer(t, Pagure)
	_, fj := newServer(t, Forgejo)
	html := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html>hello</html>"))
	}))
	defer html.Close()
	garbage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"issues": [`))
	}))
	defer garbage.Close()
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(503)
	}))
	defer down.Close()
	tests := []struct {
		url  string
		kind error
		want string
	}{
		{pag.URL + "/nosuch", fetch.ErrNotFound, "has no Pagure project 'nosuch' with issues (Project not found)"},
		{pag.URL + "/notracker", fetch.ErrNotFound, "(Issue tracker disabled)"},
		{fj.URL + "/nosuch/repo", fetch.ErrNotFound, "has no Forgejo project 'nosuch/repo' with issues"},
		{html.URL + "/a/b", fetch.ErrInvalid, "runs neither Pagure nor Forgejo/Gitea"},
		{garbage.URL + "/api/0/x/issues", fetch.ErrBadResponse, "malformed JSON"},
		{down.URL + "/api/0/x/issues", fetch.ErrUnavailable, "503"},
		{"ftp://pagure.io/fesco", fetch.ErrInvalid, "not the http(s) address"},
		{"https://pagure.io/", fetch.ErrInvalid, "does not name a Pagure project"},
		{"https://codeberg.org/onlyowner", fetch.ErrInvalid, "want /<owner>/<repo>"},
		{"https://pagure.io/fe%0asco", fetch.ErrInvalid, "bad path part"},
	}
	c := New(fetch.New(fetch.Options{Service: "forge", Backoff: 1}), Options{})
	for _, tt := range tests {
		_, err := c.List(context.Background(), tt.url, "")
		if !errors.Is(err, tt.kind) || err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "forge: ") {
			t.Errorf("List(%s) = %v; want %v with %q", tt.url, err, tt.kind, tt.want)
		}
	}
	if _, err := c.Issues(context.Background(), Project{Kind: Pagure, Base: pag.URL, Path: "fesco"}, "a,b"); !errors.Is(err, fetch.ErrInvalid) {
		t.Errorf("label with a comma: %v", err)
	}
}

// rewrite sends every request to srv, whatever its host.
type rewrite struct{ to *url.URL }

func (r rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = r.to.Scheme, r.to.Host
	return http.DefaultTransport.RoundTrip(req)
}

func TestKnownHostIsNotProbed(t *testing.T) {
	s, srv := newServer(t, Pagure)
	to, _ := url.Parse(srv.URL)
	res, err := newClient(rewrite{to}).List(context.Background(), "https://pagure.io/fesco/issues?tags=meeting&status=Open", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Issues) != 3 {
		t.Errorf("%d issues", len(res.Issues))
	}
	for _, r := range s.requests() {
		if strings.Contains(r, "version") {
			t.Errorf("known host probed: %q", r)
		}
	}
}

func TestMoreThanMaxIssues(t *testing.T) {
	base := fixture(t, "pagure-fesco-issues-page2.json")
	var doc map[string]any
	json.Unmarshal(base, &doc)
	proto := doc["issues"].([]any)[0].(map[string]any)
	const total = MaxIssues + 30
	var pages int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pages++
		var page int
		fmt.Sscan(r.URL.Query().Get("page"), &page)
		var issues []any
		for id := (page-1)*100 + 1; id <= min(page*100, total); id++ {
			is := map[string]any{}
			for k, v := range proto {
				is[k] = v
			}
			is["id"], is["full_url"] = id, fmt.Sprintf("https://pagure.io/fesco/issue/%d", id)
			issues = append(issues, is)
		}
		out := map[string]any{"issues": issues, "total_issues": len(issues),
			"pagination": map[string]any{"page": page, "pages": (total + 99) / 100, "per_page": 100}}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(out)
	}))
	defer srv.Close()
	c := New(fetch.New(fetch.Options{Service: "forge"}), Options{})
	res, err := c.List(context.Background(), srv.URL+"/api/0/fesco/issues", "")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Issues) != MaxIssues || !res.More || res.Issues[0].ID != 1 || pages != 3 {
		t.Errorf("%d issues, more %v, first %d, %d pages", len(res.Issues), res.More, res.Issues[0].ID, pages)
	}
}

func TestParseURL(t *testing.T) {
	tests := []struct {
		in   string
		want Project
	}{
		{"https://pagure.io/fesco", Project{Pagure, "https://pagure.io", "fesco", ""}},
		{"https://pagure.io/fesco/issues?tags=meeting&status=Open", Project{Pagure, "https://pagure.io", "fesco", "meeting"}},
		{"https://pagure.io/fesco/issue/3201", Project{Pagure, "https://pagure.io", "fesco", ""}},
		{"https://src.fedoraproject.org/rpms/kernel.git", Project{Pagure, "https://src.fedoraproject.org", "rpms/kernel", ""}},
		{"https://pagure.io/fork/alice/fesco/issues", Project{Pagure, "https://pagure.io", "fork/alice/fesco", ""}},
		{"https://pagure.io/api/0/fedora-infrastructure/issues?tags=meeting", Project{Pagure, "https://pagure.io", "fedora-infrastructure", "meeting"}},
		{"https://codeberg.org/forgejo/forgejo/issues", Project{Forgejo, "https://codeberg.org", "forgejo/forgejo", ""}},
		{"https://Codeberg.org/forgejo/forgejo/src/branch/main", Project{Forgejo, "https://Codeberg.org", "forgejo/forgejo", ""}},
		{"https://git.example:3000/api/v1/repos/team/notes/issues?labels=agenda", Project{Forgejo, "https://git.example:3000", "team/notes", "agenda"}},
		{"https://git.example/team/notes", Project{Unknown, "https://git.example", "team/notes", ""}},
	}
	for _, tt := range tests {
		got, err := ParseURL(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("ParseURL(%q) = %+v, %v; want %+v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "pagure.io/fesco", "https://user:pw@pagure.io/fesco", "https://pagure.io/a/b/c", "https://pagure.io/fork/x", "https://pagure.io/-/x"} {
		if p, err := ParseURL(bad); err == nil {
			t.Errorf("ParseURL(%q) = %+v", bad, p)
		}
	}
}
