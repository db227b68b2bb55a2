package chairio

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gavel/backend/fetch"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "agenda.md")
	os.WriteFile(path, []byte("# agenda.Agenda\n- One [5m]\n- Two\n"), 0o644)
	items, err := ReadFile(path)
	if err != nil || len(items) != 2 || items[0].Timebox != 5*time.Minute {
		t.Fatalf("ReadFile = %q, %v", items, err)
	}
	if _, err := ReadFile(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("directory: %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing file accepted")
	}
	os.WriteFile(path, []byte("- a [0m]\n"), 0o644)
	if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), path+": agenda: line 1:") {
		t.Errorf("bad file: %v", err)
	}
}

func TestFetch(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/raw/agenda.md":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Write([]byte("- Roll call\n- F41 https://f41.example\n"))
		case "/page":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte("<ul><li>x</li></ul>"))
		case "/big":
			w.Write([]byte(strings.Repeat("- x\n", 1000)))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c := fetch.New(fetch.Options{Service: "agenda", MaxBody: 2000})
	ctx := context.Background()
	items, err := Fetch(ctx, c, srv.URL+"/raw/agenda.md")
	if err != nil || len(items) != 2 || items[1].URL != "https://f41.example" {
		t.Fatalf("Fetch = %q, %v", items, err)
	}
	for path, want := range map[string]string{"/page": "web page", "/missing": "answered 404", "/big": "more than 2000 bytes"} {
		if _, err := Fetch(ctx, c, srv.URL+path); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Fetch %s = %v, want %q", path, err, want)
		}
	}
	if _, err := Fetch(ctx, c, "file:///etc/passwd"); err == nil {
		t.Error("file URL accepted")
	}
}
