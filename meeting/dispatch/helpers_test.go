package dispatch

import (
	"sync"
	"testing"
	"time"

	"gavel/meeting"
	"gavel/meeting/publish"
)

// urlPrefix is the archive's public URL in the tests.
const urlPrefix = "https://meetbot.test/"

// runMeeting runs lines through the real engine, publishes the meeting
// into a real archive under root as meeting/live does, and returns the
// ended meeting and its files.
func runMeeting(t testing.TB, root, channel string, start time.Time, lines ...[2]string) (*meeting.Meeting, []publish.File) {
	t.Helper()
	eng := meeting.NewEngine(meeting.Options{Channel: channel, URLPrefix: urlPrefix})
	arch := publish.New(root, meeting.StyleDefault, urlPrefix)
	var sess *publish.Session
	var files []publish.File
	at := start
	for _, l := range lines {
		at = at.Add(time.Second)
		for _, eff := range eng.Handle(meeting.Message{Time: at, Nick: l[0], Text: l[1]}) {
			switch eff.Kind {
			case meeting.EffectLog:
				if sess == nil {
					s, err := arch.Open(eng.Meeting())
					if err != nil {
						t.Fatal(err)
					}
					sess = s
				}
				if err := sess.Log(eff.Line); err != nil {
					t.Fatal(err)
				}
			case meeting.EffectEnd:
				fs, err := sess.Finish(eng.Meeting())
				if err != nil {
					t.Fatal(err)
				}
				sess.Close()
				files = fs
			}
		}
	}
	if files == nil {
		t.Fatal("the meeting did not end")
	}
	return eng.Meeting(), files
}

// standardLines is a meeting with a ticket topic, items, a non-ASCII name.
func standardLines(issueURL string) [][2]string {
	return [][2]string{
		{"alice", "#startmeeting Réunion ünïcode 会议"},
		{"alice", "#chair bob"},
		{"bob", "hello"},
		{"alice", "#topic #12 Dispatch the minutes " + issueURL},
		{"bob", "#info the outbox is durable"},
		{"alice", "#agreed send them once"},
		{"alice", "#topic Open floor"},
		{"carol", "#action carol to test it"},
		{"bob", "#endmeeting"},
	}
}

// events collects a dispatcher's events.
type events struct {
	mu  sync.Mutex
	evs []Event
	ch  chan Event
}

func newEvents() *events { return &events{ch: make(chan Event, 100)} }

func (e *events) add(ev Event) {
	e.mu.Lock()
	e.evs = append(e.evs, ev)
	e.mu.Unlock()
	select {
	case e.ch <- ev:
	default:
	}
}

// wait returns the first event in state s within the timeout.
func (e *events) wait(t testing.TB, s State, timeout time.Duration) Event {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case ev := <-e.ch:
			if ev.State == s && (s != Queued || ev.Err != nil) {
				return ev
			}
		case <-deadline:
			t.Fatalf("no %s event within %s; events: %v", s, timeout, e.all())
		}
	}
}

func (e *events) all() []Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]Event(nil), e.evs...)
}

func (e *events) count(s State) int {
	n := 0
	for _, ev := range e.all() {
		if ev.State == s {
			n++
		}
	}
	return n
}

// open opens a dispatcher on dir with one channel's settings.
// planned opens a dispatcher with s in a directory of its own, its events
// watched, and plans meeting m (its files) of channel there.
func planned(t *testing.T, s Settings, channel string, m *meeting.Meeting, files []publish.File) (*Dispatcher, *events) {
	t.Helper()
	evs := newEvents()
	d := open(t, t.TempDir(), s, evs)
	if _, err := d.Plan(channel, m, files); err != nil {
		t.Fatal(err)
	}
	return d, evs
}

func open(t testing.TB, dir string, s Settings, evs *events) *Dispatcher {
	t.Helper()
	cfg := Config{Dir: dir, Settings: func(string) Settings { return s }, MinBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}
	if evs != nil {
		cfg.OnEvent = evs.add
	}
	d, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}
