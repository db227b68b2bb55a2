package tui

import (
	_ "embed"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"gavel/meeting"
	"gavel/meeting/live"
	"gavel/meeting/logfile"
	"gavel/tui/chanlog"
)

// SeedLog is the meeting the offline demo replays: Fedora Infrastructure,
// 2015-04-30, as zodbot logged it.
//
//go:embed demo/seed.log.txt
var SeedLog string

// SeedName is the seed log's file name (it gives the channel and date).
const SeedName = "fedora-meeting.infrastructure.2015-04-30-18.00.log.txt"

// DemoOptions configure a replay in the console.
type DemoOptions struct {
	// Options are the console's options (theme, style, scrollback…);
	// Client must be nil.
	Options
	Channel string         // default: from the file name, else "#meeting"
	Date    time.Time      // default: the log's own dates, else the file name's, else today
	Format  logfile.Format // "" detects
	// Speed is how many seconds of the log pass per real second
	// (default 20; + and - change it, space pauses).
	Speed  float64
	Paused bool // start paused
	// QuitWhenDone ends the program when the log has been played (for a
	// headless replay).
	QuitWhenDone bool
	// MaxIdle compresses silences: the log never waits longer than this
	// (in log time) for its next line (default 15s).
	MaxIdle time.Duration
}

// demoChannel is the state of the channel the demo replays, kept from the
// log's lines: the demo is its own network, and owns these facts the way
// the IRC client does live.
type demoChannel struct {
	name    string
	members map[string]string // lower-cased nick -> nick
	topic   string
}

func (c *demoChannel) Members(ch string) []live.Member {
	if !strings.EqualFold(ch, c.name) {
		return nil
	}
	out := make([]live.Member, 0, len(c.members))
	for _, n := range c.members {
		out = append(out, live.Member{Nick: n})
	}
	slices.SortFunc(out, func(a, b live.Member) int {
		return strings.Compare(strings.ToLower(a.Nick), strings.ToLower(b.Nick))
	})
	return out
}

func (c *demoChannel) Topic(ch string) string {
	if strings.EqualFold(ch, c.name) {
		return c.topic
	}
	return ""
}

func (c *demoChannel) InChannel(ch string) bool { return strings.EqualFold(ch, c.name) }

func (c *demoChannel) add(nick string) bool {
	k := strings.ToLower(nick)
	if _, ok := c.members[k]; ok {
		return false
	}
	c.members[k] = nick
	return true
}

func (c *demoChannel) remove(nick string) bool {
	k := strings.ToLower(nick)
	if _, ok := c.members[k]; !ok {
		return false
	}
	delete(c.members, k)
	return true
}

// demo is the replay state.
type demo struct {
	ch      *demoChannel
	rd      *logfile.Reader
	name    string
	channel string
	next    meeting.Event // the next event to play, nil at the end
	vt      time.Time     // the log's clock
	last    time.Time     // real time of the last tick
	speed   float64
	paused  bool
	done    bool
	maxIdle time.Duration
	quit    bool
	played  int
	err     error
}

// demoTickMsg drives the replay.
type demoTickMsg time.Time

const demoTickEvery = 100 * time.Millisecond

func (d *demo) tick() tea.Cmd {
	return tea.Tick(demoTickEvery, func(t time.Time) tea.Msg { return demoTickMsg(t) })
}

var speeds = []float64{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000}

func (d *demo) faster() {
	for _, s := range speeds {
		if s > d.speed {
			d.speed = s
			return
		}
	}
}

func (d *demo) slower() {
	for i := len(speeds) - 1; i >= 0; i-- {
		if speeds[i] < d.speed {
			d.speed = speeds[i]
			return
		}
	}
}

func (d *demo) status() string {
	switch {
	case d.err != nil:
		return "replay failed"
	case d.done:
		return "replay done"
	case d.paused:
		return "⏸ paused · space resumes"
	}
	return fmt.Sprintf("▶ %gx · +/- speed · space pause", d.speed)
}

// NewSeedDemo returns the console replaying the embedded seed meeting: what
// `gavel` shows with no configuration.
func NewSeedDemo(opts DemoOptions) (*Model, error) {
	return NewDemo(strings.NewReader(SeedLog), SeedName, opts)
}

// NewDemo returns the console replaying the log read from r (name is its
// file name, which gives the channel and date when the options do not):
// `gavel replay --tui LOG`. Lookups are answered from the offline snapshot.
func NewDemo(r io.Reader, name string, opts DemoOptions) (*Model, error) {
	if opts.Network != nil {
		return nil, errors.New("tui: a demo runs offline (Options.Client must be nil)")
	}
	// As gavel replay does: the options win, then the log's own dates and
	// channel, then the file name's, then today.
	channel, fileDate := logfile.MeetingOf(name, opts.Channel, time.Time{})
	if fileDate.IsZero() {
		fileDate = time.Now().UTC()
	}
	rd, err := logfile.NewReader(r, logfile.Options{Format: opts.Format, Date: opts.Date, FallbackDate: fileDate})
	if err != nil {
		return nil, fmt.Errorf("replay %s: %w", name, err)
	}
	if channel == "" {
		channel, _ = logfile.MeetingOf("", rd.Channel(), time.Time{})
	}
	if channel == "" {
		channel = "#meeting"
	}
	o := opts.Options
	o.Channels = []string{channel}
	if o.Server == "" {
		o.Server = "offline demo"
	}
	m, err := New(o)
	if err != nil {
		return nil, err
	}
	d := &demo{rd: rd, name: filepath.Base(name), channel: channel, speed: opts.Speed, paused: opts.Paused, maxIdle: opts.MaxIdle, quit: opts.QuitWhenDone}
	if d.speed <= 0 {
		d.speed = 20
	}
	if d.maxIdle <= 0 {
		d.maxIdle = 15 * time.Second
	}
	d.ch = &demoChannel{name: channel, members: map[string]string{}}
	m.demo = d
	m.chans = d.ch
	m.conn.state = "offline"
	m.readNext()
	if d.next != nil {
		d.vt = d.next.When()
		m.now = d.vt
	}
	// The newcomer lands in the channel: say there what to do.
	w := m.wins.Get(channel)
	for _, s := range []string{
		"Welcome to gavel's offline demo: " + d.name + " replays here as if live.",
		"You are the chair. Type #topic, #info, #action or #agreed and press Enter; plain text is said to the channel.",
		"+ and - change the speed, space pauses · /minutes previews the minutes · /fas nirik looks someone up",
		"F1 shows every key and command · Ctrl+K searches everything · Ctrl+C quits",
	} {
		m.info(w, s)
	}
	m.status("offline demo: replaying " + d.name + " into " + channel)
	m.status("lookups (/fas, /pkgs, /mirrors) answer from the offline snapshot; #topic and friends work as the chair")
	return m, nil
}

func (m *Model) readNext() {
	d := m.demo
	ev, err := d.rd.Next()
	if err != nil {
		d.next = nil
		d.done = true
		if err != io.EOF {
			d.err = err
			m.errorLine(m.wins.Get(d.channel), "replay: "+err.Error())
		}
		return
	}
	d.next = ev
}

// demoTick advances the log clock by the real time passed times the speed
// and plays every line up to it.
func (m *Model) demoTick(now time.Time) tea.Cmd {
	d := m.demo
	if d == nil {
		return nil
	}
	if d.last.IsZero() {
		d.last = now
	}
	elapsed := min(now.Sub(d.last), 500*time.Millisecond)
	d.last = now
	if !d.paused && !d.done {
		d.vt = d.vt.Add(time.Duration(float64(elapsed) * d.speed))
		if d.next != nil && d.next.When().Sub(d.vt) > d.maxIdle {
			d.vt = d.next.When().Add(-d.maxIdle)
		}
		m.demoFeed(MaxBatch, d.vt)
		m.now = d.vt
	}
	if d.done {
		if d.quit {
			return tea.Quit
		}
		return nil
	}
	return d.tick()
}

// demoFeed plays up to n lines of the log that are due by until (zero:
// whatever their time).
func (m *Model) demoFeed(n int, until time.Time) {
	d := m.demo
	w := m.openWindow(d.channel)
	refresh := false
	played := 0
	for ; played < n && d.next != nil && (until.IsZero() || !d.next.When().After(until)); played++ {
		ev := d.next
		m.readNext()
		d.played++
		if l, ok := lineFromEvent(ev); ok {
			if l.Nick != "" && m.Me.Is(l.Nick) && (l.Kind == chanlog.Msg || l.Kind == chanlog.Action) {
				l.Flags |= chanlog.Self
			}
			m.push(w, l)
		}
		switch e := ev.(type) {
		case meeting.Message:
			if m.Me.Nick == "" && strings.HasPrefix(strings.ToLower(e.Text), "#startmeeting") {
				m.Me.Nick = e.Nick
				m.status("you are " + e.Nick + ", the chair of this meeting; your lines are yours to type too")
			}
			refresh = d.ch.add(e.Nick) || refresh
		case meeting.Join:
			refresh = d.ch.add(e.Nick) || refresh
		case meeting.Part:
			refresh = d.ch.remove(e.Nick) || refresh
		case meeting.Quit:
			refresh = d.ch.remove(e.Nick) || refresh
		case meeting.NickChange:
			if d.ch.remove(e.Old) {
				d.ch.add(e.New)
				refresh = true
			}
		case meeting.TopicChange:
			d.ch.topic = e.Topic
		}
		if r, _ := m.applyUpdates(m.opts.Glue.HandleEvent(d.channel, ev)); r {
			refresh = true
		}
		m.now = ev.When()
	}
	if d.done && played > 0 {
		m.status("replay of " + d.name + " finished: " + itoa(d.played) + " events")
	}
	if refresh || played > 0 {
		m.refreshPanes()
	}
}

// lineFromEvent turns a meeting event (from a log replay) into a scrollback
// line for the channel's window.
func lineFromEvent(ev meeting.Event) (chanlog.Line, bool) {
	t := ev.When().Unix()
	switch e := ev.(type) {
	case meeting.Message:
		k := chanlog.Msg
		if e.Action {
			k = chanlog.Action
		}
		return chanlog.Line{Time: t, Nick: e.Nick, Text: e.Text, Kind: k}, true
	case meeting.Join:
		return chanlog.Line{Time: t, Nick: e.Nick, Text: e.Nick + " joined", Kind: chanlog.Join}, true
	case meeting.Part:
		return chanlog.Line{Time: t, Nick: e.Nick, Text: withReason(e.Nick+" left", e.Reason), Kind: chanlog.Part}, true
	case meeting.Quit:
		return chanlog.Line{Time: t, Nick: e.Nick, Text: withReason(e.Nick+" quit", e.Reason), Kind: chanlog.Quit}, true
	case meeting.NickChange:
		return chanlog.Line{Time: t, Nick: e.New, Text: e.Old + " is now known as " + e.New, Kind: chanlog.Nick}, true
	case meeting.TopicChange:
		if e.Nick == "" {
			return chanlog.Line{Time: t, Text: "topic: " + e.Topic, Kind: chanlog.Topic}, true
		}
		return chanlog.Line{Time: t, Nick: e.Nick, Text: e.Nick + " set the topic: " + e.Topic, Kind: chanlog.Topic}, true
	}
	return chanlog.Line{}, false
}
