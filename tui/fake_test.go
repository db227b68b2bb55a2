package tui

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"gavel/ircclient"
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
//     has seen (deliver), from our JOIN to our PART or KICK; Quit and
//     NickChange carry the channels the nick was in.
//
// It claims no capabilities: the console must not ask.
type fakeClient struct {
	mu        sync.Mutex
	events    chan ircclient.Event
	sent      []string
	waiting   []fakeLine
	quit      string
	quitted   bool
	nick      string
	connected bool
	// casemapping is the server's CASEMAPPING ("" for rfc1459, as the
	// client folds when the server names none).
	casemapping string
	chans       map[string]*fakeChan
}

type fakeChan struct {
	name    string
	topic   string
	members map[string]ircclient.Member
}

type fakeLine struct {
	raw  string
	echo ircclient.Event
}

func newFake() *fakeClient {
	return &fakeClient{events: make(chan ircclient.Event, 20000), nick: "chair", connected: true, chans: map[string]*fakeChan{}}
}

func fold(s string) string { return ircclient.CaseFold("rfc1459")(s) }

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
	if f.isChannel(target) && f.chans[fold(target)] == nil {
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
func (f *fakeClient) Nick() string    { f.mu.Lock(); defer f.mu.Unlock(); return f.nick }
func (f *fakeClient) Connected() bool { f.mu.Lock(); defer f.mu.Unlock(); return f.connected }
func (f *fakeClient) QueueLen() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.waiting)
}
func (f *fakeClient) Lag() time.Duration         { return 42 * time.Millisecond }
func (f *fakeClient) IsChannel(name string) bool { return f.isChannel(name) }

func (f *fakeClient) InChannel(ch string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.chans[fold(ch)] != nil
}

func (f *fakeClient) Topic(ch string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c := f.chans[fold(ch)]; c != nil {
		return c.topic
	}
	return ""
}

// Members orders like the client: operators, then voiced, then the rest,
// each by folded nick.
func (f *fakeClient) Members(ch string) []ircclient.Member {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.chans[fold(ch)]
	if c == nil {
		return nil
	}
	out := make([]ircclient.Member, 0, len(c.members))
	for _, m := range c.members {
		out = append(out, m)
	}
	rank := func(m ircclient.Member) int {
		if m.Prefixes == "" {
			return 2
		}
		return strings.IndexByte("@+", m.Prefixes[0])
	}
	slices.SortFunc(out, func(a, b ircclient.Member) int {
		if d := rank(a) - rank(b); d != 0 {
			return d
		}
		return strings.Compare(fold(a.Nick), fold(b.Nick))
	})
	return out
}

// setConnected changes the connection; lines that waited go out (and
// echo) when it comes back.
func (f *fakeClient) setConnected(up bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.connected = up
	if up {
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

func (f *fakeClient) track(ev ircclient.Event) ircclient.Event {
	switch e := ev.(type) {
	case ircclient.Join:
		if e.Self {
			f.chans[fold(e.Channel)] = &fakeChan{name: e.Channel, members: map[string]ircclient.Member{fold(f.nick): {Nick: f.nick}}}
		} else if c := f.chans[fold(e.Channel)]; c != nil {
			c.members[fold(e.Nick)] = ircclient.Member{Nick: e.Nick}
		}
	case ircclient.Part:
		if e.Self {
			delete(f.chans, fold(e.Channel))
		} else if c := f.chans[fold(e.Channel)]; c != nil {
			delete(c.members, fold(e.Nick))
		}
	case ircclient.Kick:
		if e.KickedSelf {
			delete(f.chans, fold(e.Channel))
		} else if c := f.chans[fold(e.Channel)]; c != nil {
			delete(c.members, fold(e.Kicked))
		}
	case ircclient.Quit:
		e.Channels = nil
		for _, c := range f.chans {
			if _, ok := c.members[fold(e.Nick)]; ok {
				delete(c.members, fold(e.Nick))
				e.Channels = append(e.Channels, c.name)
			}
		}
		slices.Sort(e.Channels)
		return e
	case ircclient.NickChange:
		e.Channels = nil
		if e.Self {
			f.nick = e.NewNick
		}
		for _, c := range f.chans {
			if mb, ok := c.members[fold(e.Nick)]; ok {
				delete(c.members, fold(e.Nick))
				mb.Nick = e.NewNick
				c.members[fold(e.NewNick)] = mb
				e.Channels = append(e.Channels, c.name)
			}
		}
		slices.Sort(e.Channels)
		return e
	case ircclient.Topic:
		if c := f.chans[fold(e.Channel)]; c != nil && !e.History {
			c.topic = e.Text
		}
	case ircclient.Names:
		if c := f.chans[fold(e.Channel)]; c != nil {
			c.members = map[string]ircclient.Member{}
			for _, m := range e.Members {
				c.members[fold(m.Nick)] = m
			}
		}
	case ircclient.Mode:
		if c := f.chans[fold(e.Target)]; c != nil && len(e.Modes) == 2 && len(e.Params) == 1 {
			if mb, ok := c.members[fold(e.Params[0])]; ok {
				sym := map[byte]string{'o': "@", 'v': "+"}[e.Modes[1]]
				if e.Modes[0] == '+' && !strings.Contains(mb.Prefixes, sym) {
					mb.Prefixes = sym + mb.Prefixes
				} else if e.Modes[0] == '-' {
					mb.Prefixes = strings.ReplaceAll(mb.Prefixes, sym, "")
				}
				c.members[fold(mb.Nick)] = mb
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
