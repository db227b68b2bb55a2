package matrixclient

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// limitBody is Synapse's M_LIMIT_EXCEEDED reply, as the spec shows it.
const limitBody = `{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":%d}`

// fakeLimits is a homeserver that answers the calls the client makes, and
// 429 to the first `limited` calls of /sync and of send.
type fakeLimits struct {
	mu       sync.Mutex
	retryMS  int
	limited  int
	syncs    []time.Time
	sends    []string // request paths, with their transaction IDs
	sendAt   []time.Time
	syncSeen int
	sendSeen int
}

func (f *fakeLimits) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	p := r.URL.Path
	limit := func() {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(429)
		io.WriteString(w, strings.Replace(limitBody, "%d", itoa(f.retryMS), 1))
	}
	switch {
	case p == "/_matrix/client/versions":
		io.WriteString(w, `{"versions":["v1.11"]}`)
	case p == "/_matrix/client/v3/login":
		io.WriteString(w, `{"user_id":"@chair:test","access_token":"tok","device_id":"DEV"}`)
	case p == "/_matrix/client/v3/joined_rooms":
		io.WriteString(w, `{"joined_rooms":["!r:test"]}`)
	case p == "/_matrix/client/v3/rooms/!r:test/state":
		io.WriteString(w, `[]`)
	case p == "/_matrix/client/v3/rooms/!r:test/messages":
		io.WriteString(w, `{"chunk":[],"start":"t0"}`) // the room has no events, as its state has none
	case p == "/_matrix/client/v3/sync":
		f.syncs = append(f.syncs, time.Now())
		if f.syncSeen++; f.syncSeen <= f.limited {
			limit()
			return
		}
		if r.URL.Query().Get("since") != "" {
			time.Sleep(20 * time.Millisecond)
		}
		io.WriteString(w, `{"next_batch":"s`+itoa(f.syncSeen)+`"}`)
	case strings.HasPrefix(p, "/_matrix/client/v3/rooms/!r:test/send/m.room.message/"):
		f.sends = append(f.sends, p)
		f.sendAt = append(f.sendAt, time.Now())
		if f.sendSeen++; f.sendSeen <= f.limited {
			limit()
			return
		}
		io.WriteString(w, `{"event_id":"$sent"}`)
	default:
		w.WriteHeader(404)
		io.WriteString(w, `{"errcode":"M_UNRECOGNIZED","error":"Unrecognized request"}`)
	}
}

func TestRateLimitHonoursRetryAfterMS(t *testing.T) {
	f := &fakeLimits{retryMS: 400, limited: 2}
	srv := httptest.NewServer(f)
	defer srv.Close()
	pw := t.TempDir() + "/pw"
	writeFile(t, pw, "secret")
	c, err := New(Config{Homeserver: srv.URL, UserID: "@chair:test", PasswordFile: pw, Rooms: []string{"!r:test"},
		StateDir: t.TempDir(), SyncTimeout: 50 * time.Millisecond, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rec := record(c)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Run(ctx) }()
	defer func() { cancel(); <-done }()

	// Two 429s on /sync: each wait is the asked 400 ms, not the 10-50 ms backoff.
	rec.waitFor(t, 0, 5*time.Second, "synced", isState(Synced))
	var delays []time.Duration
	for _, ev := range rec.all() {
		if st, ok := ev.(State); ok && st.State == Reconnecting {
			delays = append(delays, st.Delay)
		}
	}
	if len(delays) != 2 || delays[0] < 400*time.Millisecond || delays[1] < 400*time.Millisecond {
		t.Errorf("reconnect delays %v, want two of at least 400ms", delays)
	}
	f.mu.Lock()
	gaps := []time.Duration{f.syncs[1].Sub(f.syncs[0]), f.syncs[2].Sub(f.syncs[1])}
	f.mu.Unlock()
	for _, g := range gaps {
		if g < 400*time.Millisecond {
			t.Errorf("next /sync after %v, before retry_after_ms", g)
		}
	}

	// Two 429s on a send: retried after 400 ms with the same transaction ID.
	if err := c.Notice("!r:test", "hello"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		f.mu.Lock()
		n := len(f.sends)
		f.mu.Unlock()
		if n == 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.sends) != 3 || f.sends[0] != f.sends[1] || f.sends[1] != f.sends[2] {
		t.Fatalf("send requests %q, want the same transaction three times", f.sends)
	}
	if g := f.sendAt[1].Sub(f.sendAt[0]); g < 400*time.Millisecond {
		t.Errorf("send retried after %v, before retry_after_ms", g)
	}
}

func TestRetryAfterReadsTheBodyThenTheHeader(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		header string
		body   string
		want   time.Duration
		ok     bool
	}{
		{"body", 429, "", `{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":2000}`, 2 * time.Second, true},
		{"body before header", 429, "7", `{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":1500}`, 1500 * time.Millisecond, true},
		{"header only", 429, "3", `{"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests"}`, 3 * time.Second, true},
		{"neither", 429, "", `{"errcode":"M_LIMIT_EXCEEDED"}`, 0, true},
		{"negative", 429, "", `{"errcode":"M_LIMIT_EXCEEDED","retry_after_ms":-5}`, 0, true},
		{"not a 429", 403, "", `{"errcode":"M_FORBIDDEN","error":"no"}`, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if tc.header != "" {
					w.Header().Set("Retry-After", tc.header)
				}
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			c, err := New(Config{Homeserver: srv.URL, UserID: "@a:test", PasswordEnv: "X", StateDir: t.TempDir()}, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.cli.Versions(context.Background())
			got, ok := retryAfter(err)
			if got != tc.want || ok != tc.ok {
				t.Errorf("retryAfter = %v, %v; want %v, %v (err %v)", got, ok, tc.want, tc.ok, err)
			}
			if transient(err) != (tc.status == 429) {
				t.Errorf("transient(%v) = %v", err, transient(err))
			}
		})
	}
}
