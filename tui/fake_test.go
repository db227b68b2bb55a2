package tui

import (
	"context"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"gavel/ircclient"
	"gavel/meeting/live"
)

// fakeClient stands for *ircclient.Client in the console's unit and golden
// tests. It behaves as the real client does, which
// TestFakeClientMatchesIRCClient checks against the real client on real
// servers (InspIRCd with echo-message, ngircd without):
//
//   - every line sent comes back as exactly one event with Source.Self set
//     (Message, Action or Notice, Private for a nick), in the order sent;
//     lines to a channel we are not in come back as nothing;
//   - while disconnected, lines wait and their echoes come when the
//     connection is back (in order);
//   - members, topics and InChannel follow the channel events the client
//     has seen (deliver), from our JOIN to our PART, KICK or the end of
//     the connection (it joins them again when it is back, before the
//     lines that waited); Quit and NickChange carry the channels the nick
//     was in.
//
// It claims no capabilities: the console must not ask.
type fakeClient struct {
	mu        sync.Mutex
	events    chan ircclient.Event
	sent      []string
	waiting   []fakeLine
	quit      string
	quitted   bool
	connected bool
	// casemapping is the server's CASEMAPPING ("" for rfc1459, as the
	// client folds when the server names none).
	casemapping string
	// state is the fake's channel state: the one kept from the live
	// events (live.ChannelState), as every network but IRC keeps it.
	state *live.ChannelState
	// rejoin are the channels the connection was in when it ended: the
	// client joins them again, before the lines that waited, when it is
	// back.
	rejoin []string
}

type fakeLine struct {
	raw  string
	echo ircclient.Event
}

func newFake() *fakeClient {
	f := &fakeClient{events: make(chan ircclient.Event, 20000), connected: true}
	f.state = live.NewChannelState("chair", f.Fold, "")
	return f
}

// Fold folds like the client, by the server's CASEMAPPING.
func (f *fakeClient) Fold(name string) string { return ircclient.CaseFold(f.casemapping)(name) }

func (f *fakeClient) isChannel(s string) bool { return s != "" && (s[0] == '#' || s[0] == '&') }

// send writes a line (now, or when connected again) and emits its echo.
func (f *fakeClient) send(raw string, echo ircclient.Event) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.connected {
		f.waiting = append(f.waiting, fakeLine{raw, echo})
		return nil
	}
	f.writeLocked(fakeLine{raw, echo})
	return nil
}

func (f *fakeClient) writeLocked(l fakeLine) {
	f.sent = append(f.sent, l.raw)
	if l.echo == nil {
		return
	}
	target := ""
	switch e := l.echo.(type) {
	case ircclient.Message:
		target = e.Target
	case ircclient.Action:
		target = e.Target
	case ircclient.Notice:
		target = e.Target
	}
	if f.isChannel(target) && !f.state.InChannel(target) {
		return // not in the channel: dropped, like the server's echo
	}
	f.events <- l.echo
}

func (f *fakeClient) text(cmd, target, text string, action bool) error {
	src := ircclient.Source{Nick: f.Nick(), Self: true}
	meta := ircclient.Meta{Time: time.Now()}
	private := !f.isChannel(target)
	var echo ircclient.Event
	raw := cmd + " " + target + " :" + text
	switch {
	case action:
		echo = ircclient.Action{Meta: meta, Source: src, Target: target, Text: text, Private: private}
		raw = "PRIVMSG " + target + " :\x01ACTION " + text + "\x01"
	case cmd == "NOTICE":
		echo = ircclient.Notice{Meta: meta, Source: src, Target: target, Text: text, Private: private}
	default:
		echo = ircclient.Message{Meta: meta, Source: src, Target: target, Text: text, Private: private}
	}
	return f.send(raw, echo)
}

func (f *fakeClient) Events() <-chan ircclient.Event { return f.events }
func (f *fakeClient) Say(t, s string) error          { return f.text("PRIVMSG", t, s, false) }
func (f *fakeClient) Action(t, s string) error       { return f.text("PRIVMSG", t, s, true) }
func (f *fakeClient) Notice(t, s string) error       { return f.text("NOTICE", t, s, false) }
func (f *fakeClient) SetTopic(c, s string) error     { return f.send("TOPIC "+c+" :"+s, nil) }
func (f *fakeClient) Join(chs ...string) error       { return f.send("JOIN "+strings.Join(chs, ","), nil) }
func (f *fakeClient) Part(c, r string) error         { return f.send("PART "+c+" :"+r, nil) }
func (f *fakeClient) SetNick(n string) error         { return f.send("NICK "+n, nil) }
func (f *fakeClient) SendRaw(l string) error {
	var echo ircclient.Event
	if t, text, ok := strings.Cut(strings.TrimPrefix(l, "PRIVMSG "), " :"); ok && strings.HasPrefix(l, "PRIVMSG ") && !strings.HasPrefix(text, "\x01") {
		echo = ircclient.Message{Meta: ircclient.Meta{Time: time.Now()}, Source: ircclient.Source{Nick: f.Nick(), Self: true}, Target: t, Text: text, Private: !f.isChannel(t)}
	}
	return f.send(l, echo)
}
func (f *fakeClient) Quit(msg string) {
	f.mu.Lock()
	f.quit, f.quitted = msg, true
	f.mu.Unlock()
}
func (f *fakeClient) Nick() string    { return f.state.Nick() }
func (f *fakeClient) Connected() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.connected }
func (f *fakeClient) QueueLen() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.waiting)
}
func (f *fakeClient) Lag() time.Duration         { return 42 * time.Millisecond }
func (f *fakeClient) IsChannel(name string) bool { return f.isChannel(name) }

func (f *fakeClient) InChannel(ch string) bool { return f.state.InChannel(ch) }

func (f *fakeClient) Topic(ch string) string { return f.state.Topic(ch) }

// Members orders like the client: by status, highest first, then by
// folded nick.
func (f *fakeClient) Members(ch string) []ircclient.Member {
	ms := f.state.Members(ch)
	if ms == nil {
		return nil
	}
	out := make([]ircclient.Member, len(ms))
	for i, m := range ms {
		out[i] = ircclient.Member{Nick: m.Nick, Prefixes: m.Prefixes}
	}
	return out
}

// setConnected changes the connection; lines that waited go out (and
// echo) when it comes back.
func (f *fakeClient) setConnected(up bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.connected = up
	if up {
		for _, ch := range f.rejoin {
			f.events <- f.track(ircclient.Join{Meta: ircclient.Meta{Time: time.Now()}, Source: ircclient.Source{Nick: f.state.Nick(), Self: true}, Channel: ch})
		}
		f.rejoin = nil
		for _, l := range f.waiting {
			f.writeLocked(l)
		}
		f.waiting = nil
	}
}

// deliver is the server: it updates the channel state as the client does,
// then emits the events.
func (f *fakeClient) deliver(evs ...ircclient.Event) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, ev := range evs {
		ev = f.track(ev)
		f.events <- ev
	}
}

// track keeps the channel state from the event as the client does (the
// adapter's translation applied to the shared channel state), and fills
// in the channels a Quit or NickChange concerns.
func (f *fakeClient) track(ev ircclient.Event) ircclient.Event {
	if st, ok := ev.(ircclient.State); ok && st.State == ircclient.Disconnected {
		f.rejoin = f.state.Joined()
	}
	for _, le := range live.NewIRC(nil).Translate([]ircclient.Event{ev}) {
		switch out := f.state.Apply(le).(type) {
		case live.Quit:
			if e, ok := ev.(ircclient.Quit); ok {
				e.Channels = out.Channels
				return e
			}
		case live.NickChange:
			if e, ok := ev.(ircclient.NickChange); ok {
				e.Channels = out.Channels
				return e
			}
		}
	}
	return ev
}

func (f *fakeClient) last() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.sent) == 0 {
		return ""
	}
	return f.sent[len(f.sent)-1]
}

func (f *fakeClient) all() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return strings.Join(f.sent, "\n")
}

func (f *fakeClient) reset() { f.mu.Lock(); f.sent = nil; f.mu.Unlock() }

// pump hands the model every event waiting in the fake's channel, in
// batches as the runtime would, and returns the commands the model
// returned (the IRC reader's re-arming left out).
func pump(m *Model, f *fakeClient) []tea.Cmd {
	var cmds []tea.Cmd
	for len(f.events) > 0 {
		batch, _ := m.opts.Network.Next(context.Background(), MaxBatch)
		cmds = append(cmds, m.update(eventsMsg{events: batch, closed: true}))
	}
	return cmds
}
