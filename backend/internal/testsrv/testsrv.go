// Package testsrv gives the backend tests loopback httptest servers that
// replay the fixtures copied into testdata/backend/fixtures, and the golden
// zodbot reply tables. It is only imported by tests.
package testsrv

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"

	"gavel/backend/snapshot"
)

// Dir is testdata/backend/fixtures, found from this file's location so
// that tests of any package can use it.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "testdata", "backend", "fixtures")
}

// Manifest loads the fixture manifest.
func Manifest(tb testing.TB) *snapshot.Manifest {
	tb.Helper()
	m, err := snapshot.Load(os.DirFS(Dir()))
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// Replay starts a loopback server answering as the service at base.
func Replay(tb testing.TB, m *snapshot.Manifest, sel snapshot.Selector, base string) *httptest.Server {
	tb.Helper()
	srv := httptest.NewServer(m.Handler(sel, base))
	tb.Cleanup(srv.Close)
	return srv
}

// Counter wraps h and counts the requests it serves.
type Counter struct {
	H http.Handler
	N atomic.Int64
}

func (c *Counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.N.Add(1)
	c.H.ServeHTTP(w, r)
}

// Case is one golden command and its expected replies.
type Case struct {
	Bot     string   `json:"bot"`
	Nick    string   `json:"nick"`
	Input   string   `json:"input"`
	Replies []string `json:"replies"`
	Uses    []string `json:"uses"`
	Note    string   `json:"note"`
}

// Golden reads fixtures/zodbot/<name>.
func Golden(tb testing.TB, name string) []Case {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(Dir(), "zodbot", name))
	if err != nil {
		tb.Fatal(err)
	}
	var g struct {
		Cases []Case `json:"cases"`
	}
	if err := json.Unmarshal(data, &g); err != nil {
		tb.Fatal(err)
	}
	return g.Cases
}

// Read returns a fixture file.
func Read(tb testing.TB, rel string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join(Dir(), rel))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
