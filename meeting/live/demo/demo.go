// Package demo is gavel's offline demo as a network: a meeting log played
// at an adjustable pace through the live driver's Network interface, so
// that the demo takes the same path as a live meeting (the console shows
// its events, the live driver feeds them to the engine and the chair's
// tools). The chair's own lines come back once each, as a server's echo
// would; its channel state is a live.ChannelState kept from the events it
// plays. It never touches a real network.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"gavel/meeting"
	"gavel/meeting/live"
	"gavel/meeting/logfile"
)

// Options configure a demo.
type Options struct {
	Channel string         // default: from the file name, else the log's, else "#meeting"
	Date    time.Time      // default: the log's own dates, else the file name's, else today
	Format  logfile.Format // "" detects
	// Speed is how many seconds of the log pass per real second
	// (default 20).
	Speed  float64
	Paused bool // start paused
	// MaxIdle compresses silences: the log never waits longer than this
	// (in log time) for its next line (default 15s).
	MaxIdle time.Duration
	Now     func() time.Time // today, for a log without dates (default time.Now)
}

// Speeds are the demo's speeds, slowest first.
var Speeds = []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}

// ErrOffline is returned by the commands that need a real network.
var ErrOffline = fmt.Errorf("this is the offline demo: %w", live.ErrUnsupported)

// Network plays a meeting log. The pacing (Advance, Play, speed, pause)
// is driven by the console's clock on its goroutine; Next is read by
// another; both may run at once.
type Network struct {
	name    string // the log's file name
	channel string
	rd      *logfile.Reader
	state   *live.ChannelState

	mu      sync.Mutex
	next    meeting.Event // the next event of the log, nil at its end
	vt      time.Time     // the log's clock
	last    time.Time     // real time of the last Advance
	speed   float64
	paused  bool
	maxIdle time.Duration
	played  int
	done    bool
	err     error
	queue   []live.Event  // played, waiting for Next
	wake    chan struct{} // signalled when queue grows
	joined  bool
	told    bool // the end of the log was said
	stopped bool
}

var _ live.Network = (*Network)(nil)

// New returns the demo of the log read from r; name is its file name,
// which gives the channel and date when the options do not (as `gavel
// replay` takes them).
func New(r io.Reader, name string, o Options) (*Network, error) {
	if o.Now == nil {
		o.Now = time.Now
	}
	channel, fileDate := logfile.MeetingOf(name, o.Channel, time.Time{})
	if fileDate.IsZero() {
		fileDate = o.Now().UTC()
	}
	rd, err := logfile.NewReader(r, logfile.Options{Format: o.Format, Date: o.Date, FallbackDate: fileDate})
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", name, err)
	}
	if channel == "" {
		channel, _ = logfile.MeetingOf("", rd.Channel(), time.Time{})
	}
	if channel == "" {
		channel = "#meeting"
	}
	n := &Network{name: name, channel: channel, rd: rd, speed: o.Speed, paused: o.Paused, maxIdle: o.MaxIdle,
		state: live.NewChannelState("", live.FoldRFC1459, ""), wake: make(chan struct{}, 1)}
	if n.speed <= 0 {
		n.speed = 20
	}
	if n.maxIdle <= 0 {
		n.maxIdle = 15 * time.Second
	}
	n.readNext()
	if n.next != nil {
		n.vt = n.next.When()
	}
	n.joinLocked() // before anyone asks: we are in the channel from the start
	return n, nil
}

func (n *Network) readNext() {
	ev, err := n.rd.Next()
	if err != nil {
		n.next, n.done = nil, true
		if err != io.EOF {
			n.err = fmt.Errorf("replay: %w", err)
		}
		return
	}
	n.next = ev
}

// Channel is the channel the log is played into.
func (n *Network) Channel() string { return n.channel }

// Clock is the log's clock: the time of the line being played.
func (n *Network) Clock() time.Time {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.vt
}

// Err is why the log could not be read to its end (nil: it could).
func (n *Network) Err() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.err
}

// Done reports whether the whole log has been played.
func (n *Network) Done() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.done
}

// Played is the number of the log's events played so far.
func (n *Network) Played() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.played
}

// Pending is the number of events waiting for Next.
func (n *Network) Pending() int {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.queue)
}

// Speed is how many seconds of the log pass per real second.
func (n *Network) Speed() float64 {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.speed
}

// Paused reports whether the demo is paused.
func (n *Network) Paused() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.paused
}

// SetPaused pauses or resumes the demo.
func (n *Network) SetPaused(p bool) {
	n.mu.Lock()
	n.paused = p
	n.mu.Unlock()
}

// Faster and Slower step through Speeds.
func (n *Network) Faster() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, s := range Speeds {
		if s > n.speed {
			n.speed = s
			return
		}
	}
}

// Slower steps down through Speeds.
func (n *Network) Slower() {
	n.mu.Lock()
	defer n.mu.Unlock()
	for i := len(Speeds) - 1; i >= 0; i-- {
		if Speeds[i] < n.speed {
			n.speed = Speeds[i]
			return
		}
	}
}

// Status says how the demo plays, for the status bar.
func (n *Network) Status() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	switch {
	case n.err != nil:
		return "replay failed"
	case n.done:
		return "replay done"
	case n.paused:
		return "⏸ paused · space resumes"
	}
	return fmt.Sprintf("▶ %gx · +/- speed · space pause", n.speed)
}

// Advance moves the log's clock on by the real time passed since the last
// call (at most half a second of it) times the speed, and plays every
// line due by then, up to max. A silence longer than MaxIdle is cut short.
func (n *Network) Advance(now time.Time, max int) {
	n.mu.Lock()
	if n.last.IsZero() {
		n.last = now
	}
	elapsed := min(now.Sub(n.last), 500*time.Millisecond)
	n.last = now
	if n.paused || n.done {
		n.mu.Unlock()
		return
	}
	n.vt = n.vt.Add(time.Duration(float64(elapsed) * n.speed))
	if n.next != nil && n.next.When().Sub(n.vt) > n.maxIdle {
		n.vt = n.next.When().Add(-n.maxIdle)
	}
	until := n.vt
	n.mu.Unlock()
	n.Play(max, until)
}

// Play plays up to max lines of the log due by until (zero: whatever
// their time) and returns how many it played.
func (n *Network) Play(max int, until time.Time) int {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.joinLocked()
	played := 0
	for ; played < max && n.next != nil && (until.IsZero() || !n.next.When().After(until)); played++ {
		ev := n.next
		n.readNext()
		n.played++
		n.playLocked(ev)
		if ev.When().After(n.vt) {
			n.vt = ev.When()
		}
	}
	switch {
	case n.done && n.err != nil && !n.told:
		n.told = true
		n.pushLocked(live.Error{Meta: live.Meta{Time: n.vt}, Window: n.channel, Text: n.err.Error()})
	case n.done && played > 0:
		n.told = true
		n.pushLocked(live.Info{Meta: live.Meta{Time: n.vt}, Status: true,
			Text: fmt.Sprintf("replay of %s finished: %d events", n.name, n.played)})
	}
	n.signal()
	return played
}

// joinLocked joins the demo's channel, once: our own join, as a server
// confirms it.
func (n *Network) joinLocked() {
	if n.joined {
		return
	}
	n.joined = true
	n.pushLocked(live.Join{Meta: live.Meta{Time: n.vt}, From: live.User{Nick: n.state.Nick(), Self: true}, Channel: n.channel})
}

func (n *Network) pushLocked(ev live.Event) {
	n.queue = append(n.queue, n.state.Apply(ev))
}

func (n *Network) signal() {
	select {
	case n.wake <- struct{}{}:
	default:
	}
}

// playLocked turns one event of the log into the network's events.
func (n *Network) playLocked(ev meeting.Event) {
	m := live.Meta{Time: ev.When()}
	self := func(nick string) live.User {
		return live.User{Nick: nick, Self: nick != "" && n.state.Fold(nick) == n.state.Fold(n.state.Nick())}
	}
	switch e := ev.(type) {
	case meeting.Message:
		if n.state.Nick() == "" && strings.HasPrefix(strings.ToLower(e.Text), "#startmeeting") {
			// Whoever starts the meeting is the chair: the demo's user.
			n.state.SetNick(e.Nick)
			n.pushLocked(live.Info{Meta: m, Status: true,
				Text: "you are " + e.Nick + ", the chair of this meeting; your lines are yours to type too"})
		}
		if n.state.AddMember(n.channel, e.Nick) {
			// Whoever speaks is in the channel: the members as a
			// server's NAMES would give them.
			n.pushLocked(live.Members{Meta: m, Channel: n.channel, Members: n.state.Members(n.channel)})
		}
		n.pushLocked(live.Message{Meta: m, From: self(e.Nick), Target: n.channel, Text: e.Text, Action: e.Action})
	case meeting.Join:
		n.pushLocked(live.Join{Meta: m, From: live.User{Nick: e.Nick}, Channel: n.channel})
	case meeting.Part:
		n.pushLocked(live.Part{Meta: m, From: live.User{Nick: e.Nick}, Channel: n.channel, Reason: e.Reason})
	case meeting.Quit:
		n.pushLocked(live.Quit{Meta: m, From: live.User{Nick: e.Nick}, Reason: e.Reason})
	case meeting.NickChange:
		n.pushLocked(live.NickChange{Meta: m, From: self(e.Old), NewNick: e.New})
	case meeting.TopicChange:
		n.pushLocked(live.Topic{Meta: m, From: live.User{Nick: e.Nick}, Channel: n.channel, Text: e.Topic, OnJoin: e.Nick == ""})
	}
}

// Next implements live.Network: the events played (and our lines' echoes)
// as they come. It returns open false only after Quit.
func (n *Network) Next(ctx context.Context, max int) ([]live.Event, bool) {
	for {
		n.mu.Lock()
		if len(n.queue) > 0 {
			k := min(max, len(n.queue))
			batch := append([]live.Event(nil), n.queue[:k]...)
			n.queue = n.queue[k:]
			if len(n.queue) > 0 {
				n.signal()
			}
			n.mu.Unlock()
			return batch, true
		}
		stopped := n.stopped
		n.mu.Unlock()
		if stopped {
			return nil, false
		}
		select {
		case <-n.wake:
		case <-ctx.Done():
			return nil, false
		}
	}
}

// echo queues our own line as the channel sees it, at the log's clock.
func (n *Network) echo(ev live.Event) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.stopped {
		return errors.New("the demo has ended")
	}
	n.pushLocked(ev)
	n.signal()
	return nil
}

func (n *Network) line(target, text string, action bool) error {
	if strings.TrimSpace(text) == "" {
		return errors.New("nothing to say")
	}
	if n.state.IsChannel(target) && !n.state.InChannel(target) {
		return fmt.Errorf("not in %s (the demo plays %s)", target, n.channel)
	}
	me := n.state.Nick()
	if me == "" {
		me = "chair"
	}
	return n.echo(live.Message{Meta: live.Meta{Time: n.Clock()}, From: live.User{Nick: me, Self: true},
		Target: target, Text: text, Private: !n.state.IsChannel(target), Action: action})
}

// Say implements live.Network: the line comes back once, as our own.
func (n *Network) Say(target, text string) error { return n.line(target, text, false) }

// Action implements live.Network.
func (n *Network) Action(target, text string) error { return n.line(target, text, true) }

// Notice implements live.Network.
func (n *Network) Notice(target, text string) error {
	return n.echo(live.Notice{Meta: live.Meta{Time: n.Clock()}, From: live.User{Nick: n.state.Nick(), Self: true},
		Target: target, Text: text, Private: !n.state.IsChannel(target)})
}

// SetTopic implements live.Network: the topic is set, as a server would
// confirm it.
func (n *Network) SetTopic(channel, topic string) error {
	if !n.state.InChannel(channel) {
		return fmt.Errorf("not in %s", channel)
	}
	return n.echo(live.Topic{Meta: live.Meta{Time: n.Clock()}, From: live.User{Nick: n.state.Nick(), Self: true},
		Channel: channel, Text: topic})
}

// Quit implements live.Network: Next reports the end once the events
// played have been read.
func (n *Network) Quit(string) {
	n.mu.Lock()
	n.stopped = true
	n.mu.Unlock()
	n.signal()
}

// The commands that need a real network.

// Join implements live.Network.
func (n *Network) Join(...string) error { return ErrOffline }

// Part implements live.Network.
func (n *Network) Part(string, string) error { return ErrOffline }

// SetNick implements live.Network.
func (n *Network) SetNick(string) error { return ErrOffline }

// Kick implements live.Network.
func (n *Network) Kick(string, string, string) error { return ErrOffline }

// Invite implements live.Network.
func (n *Network) Invite(string, string) error { return ErrOffline }

// Mode implements live.Network.
func (n *Network) Mode(string, string, ...string) error { return ErrOffline }

// Away implements live.Network.
func (n *Network) Away(string) error { return ErrOffline }

// Whois implements live.Network.
func (n *Network) Whois(string) error { return ErrOffline }

// List implements live.Network.
func (n *Network) List() error { return ErrOffline }

// Names implements live.Network.
func (n *Network) Names(string) error { return ErrOffline }

// CTCP implements live.Network.
func (n *Network) CTCP(string, string, string) (string, error) { return "", ErrOffline }

// Raw implements live.Network.
func (n *Network) Raw(string) error { return ErrOffline }

// Connected implements live.Network: the demo always takes lines.
func (n *Network) Connected() bool { return true }

// Lag implements live.Network.
func (n *Network) Lag() time.Duration { return 0 }

// QueueLen implements live.Network.
func (n *Network) QueueLen() int { return 0 }

// Members implements live.Channels.
func (n *Network) Members(channel string) []live.Member { return n.state.Members(channel) }

// Topic implements live.Channels.
func (n *Network) Topic(channel string) string { return n.state.Topic(channel) }

// InChannel implements live.Channels.
func (n *Network) InChannel(channel string) bool { return n.state.InChannel(channel) }

// IsChannel implements live.Channels.
func (n *Network) IsChannel(name string) bool { return n.state.IsChannel(name) }

// Fold implements live.Channels.
func (n *Network) Fold(name string) string { return n.state.Fold(name) }

// Nick implements live.Channels.
func (n *Network) Nick() string { return n.state.Nick() }
