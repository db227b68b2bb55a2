package snapshot

import (
	"net/http"
	"net/url"
	"testing"
	"testing/fstest"
)

const manifest = `{"format": "fedora-backends-snapshot/1", "taken_at": {"modern": "2025-05-20T12:00:00Z"}, "entries": [
 {"service": "s", "era": "modern", "method": "GET", "base": "https://h.example", "path": "/m/", "status": 200, "content_type": "application/json", "body": "plain"},
 {"service": "s", "era": "modern", "method": "GET", "base": "https://h.example", "path": "/m/", "request_headers": {"X-Fields": "{a,b}"}, "scenario": "masked", "status": 200, "content_type": "application/json", "body": "masked"},
 {"service": "s", "era": "modern", "method": "GET", "base": "https://h.example", "path": "/q", "query": {"g": ["b", "a"], "x": "1"}, "status": 200, "content_type": "text/plain", "body": "multi"},
 {"service": "s", "era": "2015", "method": "GET", "base": "https://h.example/sub", "path": "/ml", "scenario": "us", "status": 200, "content_type": "text/plain", "body": "us"},
 {"service": "s", "era": "2015", "method": "GET", "base": "https://h.example/sub", "path": "/ml", "scenario": "py", "status": 200, "content_type": "text/plain", "body": "py"}
]}`

func load(t *testing.T) *Manifest {
	fsys := fstest.MapFS{"manifest.json": {Data: []byte(manifest)}}
	for _, b := range []string{"plain", "masked", "multi", "us", "py"} {
		fsys[b] = &fstest.MapFile{Data: []byte(b)}
	}
	m, err := Load(fsys)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMatch(t *testing.T) {
	m := load(t)
	tests := []struct {
		sel    Selector
		url    string
		header http.Header
		want   string
	}{
		{Selector{Eras: []string{"modern"}}, "https://h.example/m/", nil, "plain"},
		{Selector{Eras: []string{"modern"}}, "https://h.example/m/", http.Header{"X-Fields": {"a, b"}}, "masked"},
		{Selector{Eras: []string{"modern"}}, "https://h.example/m/", http.Header{"X-Fields": {"c"}}, "plain"},
		{Selector{Eras: []string{"modern"}}, "https://h.example/q?x=1&g=a&g=b", nil, "multi"},
		{Selector{Eras: []string{"modern"}}, "https://h.example/q?x=1&g=a", nil, ""},
		{Selector{Eras: []string{"modern", "2015"}, Scenario: "py"}, "https://h.example/sub/ml", nil, "py"},
		{Selector{Eras: []string{"modern", "2015"}}, "https://h.example/sub/ml", nil, ""},
		{Selector{Eras: []string{"modern"}}, "https://other.example/m/", nil, ""},
	}
	for _, tc := range tests {
		u, _ := url.Parse(tc.url)
		h := tc.header
		if h == nil {
			h = http.Header{}
		}
		e := m.Match(tc.sel, "GET", u, h)
		got := ""
		if e != nil {
			got = e.Body
		}
		if got != tc.want {
			t.Errorf("%s %v: %q, want %q", tc.url, tc.header, got, tc.want)
		}
	}
	if m.Taken("modern").Year() != 2025 {
		t.Error("taken_at")
	}
}

func TestTransportMiss(t *testing.T) {
	m := load(t)
	c := &http.Client{Transport: m.Transport(Selector{Eras: []string{"modern"}})}
	resp, err := c.Get("https://h.example/nothing")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 || resp.Header.Get("X-Snapshot-Miss") == "" {
		t.Fatalf("%d %v", resp.StatusCode, resp.Header)
	}
}

func TestLoadRejectsOtherFormats(t *testing.T) {
	if _, err := Load(fstest.MapFS{"manifest.json": {Data: []byte(`{"format": "x"}`)}}); err == nil {
		t.Fatal("accepted")
	}
}
