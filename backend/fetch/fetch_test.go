package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func newClient(timeout time.Duration) *Client {
	return New(Options{Service: "pkgs", Timeout: timeout, MaxBody: 1 << 10, Backoff: time.Millisecond})
}

func TestFaults(t *testing.T) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{}`))
	}))
	defer other.Close()
	var hits sync.Map
	count := func(p string) int64 {
		v, _ := hits.LoadOrStore(p, new(atomic.Int64))
		return v.(*atomic.Int64).Load()
	}
	mux := http.NewServeMux()
	handle := func(p string, h http.HandlerFunc) {
		mux.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
			v, _ := hits.LoadOrStore(p, new(atomic.Int64))
			v.(*atomic.Int64).Add(1)
			h(w, r)
		})
	}
	handle("/slow", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	handle("/500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) })
	handle("/401", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("WWW-Authenticate", "Negotiate")
		w.WriteHeader(401)
		_, _ = w.Write([]byte(`{"message": "Re-authentication is necessary."}`))
	})
	handle("/html", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>maintenance</html>"))
	})
	handle("/huge", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(strings.Repeat("x", 1<<12)))
	})
	handle("/away", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/x", http.StatusFound)
	})
	handle("/here", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", http.StatusMovedPermanently) })
	handle("/ok", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write([]byte(`{"a":1}`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tests := []struct {
		path     string
		kind     error
		msg      string
		attempts int64
	}{
		{"/slow", ErrUnavailable, "pkgs: dist-git timed out after 50ms", 2},
		{"/500", ErrUnavailable, "pkgs: dist-git answered 500 Internal Server Error", 2},
		{"/401", ErrUnauthenticated, "pkgs: dist-git answered 401 Unauthorized (Re-authentication is necessary.): needs Kerberos", 1},
		{"/html", ErrBadResponse, "pkgs: dist-git sent content type text/html, want application/json", 1},
		{"/huge", ErrBadResponse, "pkgs: dist-git sent more than 1024 bytes; refused", 1},
		{"/away", ErrBadResponse, "pkgs: dist-git: refused redirect to another host", 1},
		{"/here", nil, "", 1},
	}
	c := newClient(50 * time.Millisecond)
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			resp, err := c.Do(context.Background(), Request{URL: srv.URL + tc.path, What: "dist-git",
				Accept: []string{"application/json"}, AuthHint: "needs Kerberos"})
			if tc.kind == nil {
				if err != nil || string(resp.Body) != `{"a":1}` || resp.ContentType != "application/json" {
					t.Fatalf("got %v, %v", resp, err)
				}
			} else {
				if !errors.Is(err, tc.kind) {
					t.Fatalf("err = %v, want kind %v", err, tc.kind)
				}
				if !strings.HasPrefix(err.Error(), tc.msg) {
					t.Errorf("message %q, want prefix %q", err.Error(), tc.msg)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("message has a newline: %q", err.Error())
				}
			}
			if got := count(tc.path); got != tc.attempts {
				t.Errorf("%d attempts, want %d", got, tc.attempts)
			}
		})
	}
}

func TestNoRetryForPost(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		http.Error(w, "boom", http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	_, err := newClient(time.Second).Do(context.Background(), Request{Method: "POST", URL: srv.URL, Body: []byte("x")})
	if !errors.Is(err, ErrUnavailable) || n.Load() != 1 {
		t.Fatalf("err %v after %d attempts, want ErrUnavailable after 1", err, n.Load())
	}
}

func TestCallerCancel(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := newClient(time.Minute).Do(ctx, Request{URL: srv.URL})
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "cancelled") {
		t.Fatalf("err = %v", err)
	}
}

func TestDecodeJSON(t *testing.T) {
	var v struct{ A int }
	err := DecodeJSON("fas", "FASJSON", []byte(`{"A": "not a number"`), &v)
	if !errors.Is(err, ErrBadResponse) || !strings.HasPrefix(err.Error(), "fas: FASJSON sent malformed JSON") {
		t.Fatalf("err = %v", err)
	}
}

func TestServerMessage(t *testing.T) {
	for in, want := range map[string]string{
		`{"message": "User not found"}`:             "User not found",
		`{"error": "Project not found"}`:            "Project not found",
		`{"error": ["a\nb", "c"]}`:                  "a b",
		`<html>`:                                    "",
		`{"output": "notok", "error": "Package x"}`: "Package x",
	} {
		if got := ServerMessage([]byte(in)); got != want {
			t.Errorf("ServerMessage(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestCacheSingleFlight(t *testing.T) {
	c := NewCache[int](time.Minute, 0, nil)
	var calls atomic.Int64
	gate := make(chan struct{})
	load := func(context.Context) (int, error) {
		calls.Add(1)
		<-gate
		return 42, nil
	}
	var wg sync.WaitGroup
	results := make(chan int, 100)
	started := make(chan struct{}, 100)
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			started <- struct{}{}
			v, err := c.Get(context.Background(), "nirik", load)
			if err != nil {
				t.Error(err)
			}
			results <- v
		}()
	}
	for i := 0; i < 100; i++ {
		<-started
	}
	close(gate)
	wg.Wait()
	close(results)
	for v := range results {
		if v != 42 {
			t.Fatalf("got %d", v)
		}
	}
	// Goroutines that arrived after the first load finished hit the cache;
	// either way there was exactly one load.
	if calls.Load() != 1 {
		t.Fatalf("%d loads, want 1", calls.Load())
	}
}

func TestCacheTTLAndErrors(t *testing.T) {
	now := time.Date(2025, 5, 20, 12, 0, 0, 0, time.UTC)
	c := NewCache[int](time.Minute, 2, func() time.Time { return now })
	n := 0
	load := func(context.Context) (int, error) { n++; return n, nil }
	ctx := context.Background()
	if v, _ := c.Get(ctx, "k", load); v != 1 {
		t.Fatal(v)
	}
	if v, _ := c.Get(ctx, "k", load); v != 1 {
		t.Fatalf("cached value %d, want 1", v)
	}
	now = now.Add(2 * time.Minute)
	if v, _ := c.Get(ctx, "k", load); v != 2 {
		t.Fatalf("after TTL %d, want 2", v)
	}
	boom := errors.New("boom")
	if _, err := c.Get(ctx, "e", func(context.Context) (int, error) { return 0, boom }); err != boom {
		t.Fatal(err)
	}
	if v, err := c.Get(ctx, "e", load); err != nil || v != 3 {
		t.Fatalf("errors must not be cached: %d %v", v, err)
	}
	_, _ = c.Get(ctx, "x", load)
	if c.Len() > 2 {
		t.Fatalf("cache holds %d entries, max 2", c.Len())
	}
	if _, err := c.Get(ctx, "p", func(context.Context) (int, error) { panic("bad") }); err == nil {
		t.Fatal("a panicking load must become an error")
	}
}

func TestCacheCallerGivesUp(t *testing.T) {
	c := NewCache[int](time.Minute, 0, nil)
	gate := make(chan struct{})
	defer close(gate)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Get(ctx, "k", func(context.Context) (int, error) { <-gate; return 1, nil })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"nirik", 40, "nirik"},
		{"a\x03b\nc\x7f", 40, "abc"},
		{"abcdef", 3, "abc…"},
		{"ééé", 3, "é…"}, // never half a rune
	}
	for _, tc := range tests {
		if got := Clip(tc.in, tc.max); got != tc.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tc.in, tc.max, got, tc.want)
		}
	}
}
