package tui

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"gavel/backend"
	"gavel/ircclient"
	"gavel/ircclient/ircdtest"
	"gavel/meeting"
	"gavel/meeting/chair"
	"gavel/meeting/live"
	"gavel/meeting/publish"
)

// rig runs the console as `gavel` does — the real Bubble Tea program
// (without a renderer), the real ircclient and live driver — against a real
// server, and lets a test look at the model between two messages.
type rig struct {
	t       testing.TB
	p       *tea.Program
	client  *ircclient.Client
	ctrl    *live.Controller
	out     *syncBuffer
	bells   atomic.Int32 // terminal bells the console rang
	done    chan struct{}
	archive string
	journal string
}

// syncBuffer is the program's output (the bell, queries), safe to read
// while the program writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// probedModel wraps the console so that a test can run code on the
// program's goroutine and wait for a condition checked after every
// message, without polling.
type probedModel struct {
	*Model
	waiters []*waiter
}

type waiter struct {
	cond func(*Model) bool
	done chan struct{}
}

type probeMsg struct {
	fn   func(*Model)
	done chan struct{}
}

type waitMsg struct{ w *waiter }

func (p *probedModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	switch msg := msg.(type) {
	case probeMsg:
		msg.fn(p.Model)
		close(msg.done)
	case waitMsg:
		p.waiters = append(p.waiters, msg.w)
	default:
		_, cmd = p.Model.Update(msg)
	}
	keep := p.waiters[:0]
	for _, w := range p.waiters {
		if w.cond(p.Model) {
			close(w.done)
		} else {
			keep = append(keep, w)
		}
	}
	p.waiters = keep
	return p, cmd
}

// rigOptions configure startRig.
type rigOptions struct {
	nick     string
	channels []string
	width    int
	height   int
	mutate   func(*Options)
	// style is the archive's; archive is its directory ("": a new one);
	// chair configures the chair's tools (nil: none), given the archive
	// and the router, as cmd/gavel wires them.
	style   meeting.Style
	archive string
	chair   func(*publish.Archive, *backend.Router) *chair.Config
}

func startRig(t testing.TB, srv *ircdtest.Server, o rigOptions) *rig {
	t.Helper()
	if o.nick == "" {
		o.nick = "gav"
	}
	if o.width == 0 {
		o.width, o.height = 120, 40
	}
	client := realClient(t, srv, o.nick, o.channels...)
	r := &rig{t: t, client: client, out: &syncBuffer{}, done: make(chan struct{}), archive: t.TempDir(), journal: t.TempDir()}
	router, err := backend.New(backend.Config{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	net := live.NewIRC(client)
	if o.archive != "" {
		r.archive = o.archive
	}
	archive := publish.New(r.archive, o.style, "https://m.example/")
	var tools *chair.Config
	if o.chair != nil {
		tools = o.chair(archive, router)
	}
	ctrl, err := live.New(live.Config{Archive: archive,
		JournalDir: r.journal, URLPrefix: "https://m.example/", Network: net, Lookups: router,
		GapThreshold: time.Nanosecond, // any time away is a gap
		Chair:        tools})
	if err != nil {
		t.Fatal(err)
	}
	r.ctrl = ctrl
	opts := fixedOpts()
	opts.Now = time.Now
	opts.Network, opts.Glue, opts.Nick, opts.Server, opts.Channels = net, ctrl, o.nick, srv.Addr(), o.channels
	opts.URLPrefix, opts.Router = "https://m.example/", router
	if o.mutate != nil {
		o.mutate(&opts)
	}
	m, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.p = tea.NewProgram(&probedModel{Model: m}, tea.WithContext(ctx), tea.WithoutRenderer(), tea.WithInput(nil),
		tea.WithOutput(r.out), tea.WithoutSignals(), tea.WithFilter(func(m tea.Model, msg tea.Msg) tea.Msg {
			if raw, ok := msg.(tea.RawMsg); ok && raw.Msg == "\a" {
				r.bells.Add(1)
			}
			return keepWcWidth(m, msg)
		}))
	go func() {
		defer close(r.done)
		r.p.Run()
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-r.done:
		case <-time.After(5 * time.Second):
			t.Error("the console did not stop within 5s")
		}
		ctrl.Close()
	})
	r.p.Send(tea.WindowSizeMsg{Width: o.width, Height: o.height})
	return r
}

// do runs fn on the program's goroutine.
func (r *rig) do(fn func(*Model)) {
	r.t.Helper()
	done := make(chan struct{})
	r.p.Send(probeMsg{fn: fn, done: done})
	select {
	case <-done:
	case <-r.done:
		r.t.Fatal("the console has stopped")
	case <-time.After(10 * time.Second):
		r.t.Fatal("the console did not answer within 10s")
	}
}

// until waits (bounded by d) for cond, checked after every message.
func (r *rig) until(d time.Duration, what string, cond func(*Model) bool) {
	r.t.Helper()
	w := &waiter{cond: cond, done: make(chan struct{})}
	r.p.Send(waitMsg{w})
	select {
	case <-w.done:
	case <-r.done:
		r.t.Fatalf("the console stopped while waiting for %s", what)
	case <-time.After(d):
		r.t.Fatalf("no %s within %v; screen:\n%s", what, d, r.screen())
	}
}

// screen is what the console shows now (plain text).
func (r *rig) screen() string {
	var s string
	done := make(chan struct{})
	select {
	case <-r.done:
		return "(stopped)"
	default:
	}
	r.p.Send(probeMsg{fn: func(m *Model) { s = ansi.Strip(m.Render()) }, done: done})
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		return "(no answer)"
	}
	return s
}

// typeLine types a line and presses Enter.
func (r *rig) typeLine(s string) {
	r.keys(s)
	r.p.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
}

// keys types text without Enter.
func (r *rig) keys(s string) {
	for _, c := range s {
		if c == ' ' {
			r.p.Send(tea.KeyPressMsg{Code: tea.KeySpace, Text: " "})
			continue
		}
		r.p.Send(tea.KeyPressMsg{Code: c, Text: string(c)})
	}
}

func (r *rig) key(k tea.KeyPressMsg) { r.p.Send(k) }

// windowLines returns the plain lines of a window's scrollback.
func windowLines(m *Model, name string) []string {
	w := m.wins.Get(name)
	if name == statusWindow {
		w = m.wins.Status()
	}
	if w == nil {
		return nil
	}
	var out []string
	for i := 0; i < w.Log.Buf.Len(); i++ {
		l := w.Log.Buf.At(i)
		out = append(out, l.Nick+"\t"+l.Text)
	}
	return out
}

// count is how many lines of a window contain s.
func count(m *Model, window, s string) int {
	n := 0
	for _, l := range windowLines(m, window) {
		if strings.Contains(l, s) {
			n++
		}
	}
	return n
}

// participant is another person on the server: a raw line client.
func participant(t testing.TB, ctx context.Context, srv *ircdtest.Server, nick string, channels ...string) *ircdtest.LineClient {
	t.Helper()
	return ircdtest.Joined(t, ctx, srv.Addr(), nick, channels...)
}

// dialAll connects participants in parallel (InspIRCd registers clients on
// a one-second tick).
func dialAll(t testing.TB, ctx context.Context, srv *ircdtest.Server, nicks ...string) map[string]*ircdtest.LineClient {
	t.Helper()
	out := map[string]*ircdtest.LineClient{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make(chan error, len(nicks))
	for _, n := range nicks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lc, err := ircdtest.Dial(ctx, srv.Addr(), n)
			if err != nil {
				errs <- err
				return
			}
			mu.Lock()
			out[n] = lc
			mu.Unlock()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	for _, lc := range out {
		t.Cleanup(func() { lc.Close() })
	}
	return out
}

// joinAndWait makes a participant join and waits for the end of NAMES.
func joinAndWait(t testing.TB, lc *ircdtest.LineClient, ch string) {
	t.Helper()
	lc.Send("JOIN " + ch)
	lc.Expect(t, " 366 ")
}

// expect waits for a line the participant receives that contains every
// part, and returns it.
func expect(t testing.TB, lc *ircdtest.LineClient, parts ...string) string {
	t.Helper()
	l, err := lc.WaitFor(func(l string) bool {
		for _, p := range parts {
			if !strings.Contains(l, p) {
				return false
			}
		}
		return true
	})
	if err != nil {
		t.Fatalf("%s waiting for %q: %v", lc.Nick, parts, err)
	}
	return l
}
