package matrixclient

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gavel/matrixclient/dendritetest"
)

// recorder collects a client's events for a test.
type recorder struct {
	mu     sync.Mutex
	events []Event
	wake   chan struct{}
	done   chan struct{}
}

func record(c *Client) *recorder {
	r := &recorder{wake: make(chan struct{}, 1), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		for ev := range c.Events() {
			r.mu.Lock()
			r.events = append(r.events, ev)
			r.mu.Unlock()
			select {
			case r.wake <- struct{}{}:
			default:
			}
		}
	}()
	return r
}

func (r *recorder) all() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}

// waitFor waits (at most d) until an event after index from satisfies ok;
// it returns the event and its index.
func (r *recorder) waitFor(t testing.TB, from int, d time.Duration, what string, ok func(Event) bool) (Event, int) {
	t.Helper()
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	for {
		r.mu.Lock()
		for i := from; i < len(r.events); i++ {
			if ok(r.events[i]) {
				ev := r.events[i]
				r.mu.Unlock()
				return ev, i
			}
		}
		r.mu.Unlock()
		select {
		case <-r.wake:
		case <-r.done:
			r.mu.Lock()
			for i := from; i < len(r.events); i++ {
				if ok(r.events[i]) {
					ev := r.events[i]
					r.mu.Unlock()
					return ev, i
				}
			}
			r.mu.Unlock()
			t.Fatalf("event stream ended before %s; events:\n%s", what, dump(r.all()))
		case <-deadline.C:
			t.Fatalf("no %s within %v; events:\n%s", what, d, dump(r.all()))
		}
	}
}

func dump(evs []Event) string {
	var b strings.Builder
	for i, ev := range evs {
		fmt.Fprintf(&b, "%3d %T %+v\n", i, ev, ev)
	}
	return b.String()
}

// messages are the Message events of room after index from.
func (r *recorder) messages(room string, from int) []Message {
	var out []Message
	for _, ev := range r.all()[from:] {
		if m, ok := ev.(Message); ok && m.Room == room {
			out = append(out, m)
		}
	}
	return out
}

// running is a client under test.
type running struct {
	*Client
	rec    *recorder
	cancel context.CancelFunc
	done   chan struct{} // closed when Run has returned
	runErr error
}

// stop cancels Run and waits for it.
func (r *running) stop(t testing.TB) error {
	t.Helper()
	r.cancel()
	select {
	case <-r.done:
		<-r.rec.done
		return r.runErr
	case <-time.After(20 * time.Second):
		t.Fatal("Run did not return within 20 s of cancel")
	}
	return nil
}

// chairConfig is a config for user u on s with a password file.
func chairConfig(t testing.TB, s *dendritetest.Server, u *dendritetest.User, stateDir string, rooms ...string) Config {
	t.Helper()
	pw := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(pw, []byte(u.Password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return Config{
		Homeserver:   s.URL,
		UserID:       u.UserID,
		PasswordFile: pw,
		Rooms:        rooms,
		StateDir:     stateDir,
		SyncTimeout:  5 * time.Second,
		MinBackoff:   50 * time.Millisecond,
		MaxBackoff:   time.Second,
	}
}

// run starts a client with cfg and records its events.
func run(t testing.TB, cfg Config) *running {
	t.Helper()
	c, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{Client: c, rec: record(c), cancel: cancel, done: make(chan struct{})}
	go func() { r.runErr = c.Run(ctx); close(r.done) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(20 * time.Second):
		}
	})
	return r
}

func isState(s ConnState) func(Event) bool {
	return func(ev Event) bool { st, ok := ev.(State); return ok && st.State == s }
}

func isJoined(room string) func(Event) bool {
	return func(ev Event) bool { j, ok := ev.(Joined); return ok && j.Room.ID == room }
}

func isMessage(room, line string) func(Event) bool {
	return func(ev Event) bool {
		m, ok := ev.(Message)
		return ok && m.Room == room && len(m.Lines) > 0 && m.Lines[0] == line
	}
}

func writeFile(t testing.TB, path, s string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}

func itoa(n int) string { return fmt.Sprint(n) }

func contextWithCancel() (context.Context, context.CancelFunc) {
	return context.WithCancel(context.Background())
}
