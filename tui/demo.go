package tui

import (
	_ "embed"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"gavel/meeting/chair"
	"gavel/meeting/live"
	demonet "gavel/meeting/live/demo"
	"gavel/meeting/logfile"
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
	// Network must be nil: the demo is its own.
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

// demo is the console's hold on the demo network: its pace (the speed
// keys, the clock tick) and whether to quit when the log has been played.
type demo struct {
	net     *demonet.Network
	name    string
	channel string
	quit    bool
}

// demoTickMsg drives the replay.
type demoTickMsg time.Time

const demoTickEvery = 100 * time.Millisecond

func (d *demo) tick() tea.Cmd {
	return tea.Tick(demoTickEvery, func(t time.Time) tea.Msg { return demoTickMsg(t) })
}

func (d *demo) faster()        { d.net.Faster() }
func (d *demo) slower()        { d.net.Slower() }
func (d *demo) togglePause()   { d.net.SetPaused(!d.net.Paused()) }
func (d *demo) status() string { return d.net.Status() }

// NewSeedDemo returns the console replaying the embedded seed meeting: what
// `gavel` shows with no configuration.
func NewSeedDemo(opts DemoOptions) (*Model, error) {
	return NewDemo(strings.NewReader(SeedLog), SeedName, opts)
}

// NewDemo returns the console replaying the log read from r (name is its
// file name, which gives the channel and date when the options do not):
// `gavel replay --tui LOG`. The log is played by the demo network
// (meeting/live/demo) through the same path as a live meeting. Lookups are
// answered from the offline snapshot alone: Options.Router, when set,
// must be offline.
func NewDemo(r io.Reader, name string, opts DemoOptions) (*Model, error) {
	if opts.Network != nil {
		return nil, errors.New("tui: a demo is its own network (Options.Network must be nil)")
	}
	net, err := demonet.New(r, name, demonet.Options{Channel: opts.Channel, Date: opts.Date, Format: opts.Format,
		Speed: opts.Speed, Paused: opts.Paused, MaxIdle: opts.MaxIdle})
	if err != nil {
		return nil, err
	}
	channel := net.Channel()
	o := opts.Options
	o.Network, o.Channels = net, []string{channel}
	if o.Server == "" {
		o.Server = "offline demo"
	}
	if o.Router != nil && !o.Router.Offline() {
		return nil, errors.New("tui: the offline demo answers lookups from the snapshot alone (Options.Router must be offline)")
	}
	if o.Glue == nil {
		// The log holds the bot's replies: the engine's are not said
		// again (Replayed).
		c, err := live.New(live.Config{Style: o.Style, URLPrefix: o.URLPrefix, Network: net, Replayed: true, Chair: &chair.Config{}})
		if err != nil {
			return nil, err
		}
		o.Glue = c
	}
	m, err := New(o)
	if err != nil {
		return nil, err
	}
	d := &demo{net: net, name: filepath.Base(name), channel: channel, quit: opts.QuitWhenDone}
	m.demo = d
	m.conn.state = "offline"
	m.now = net.Clock()
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

// demoTick advances the demo network's clock by the real time passed
// times the speed; the lines it plays come as the network's events.
func (m *Model) demoTick(now time.Time) tea.Cmd {
	d := m.demo
	if d == nil {
		return nil
	}
	d.net.Advance(now, MaxBatch)
	m.now = d.net.Clock()
	if d.net.Done() {
		if d.quit && d.net.Pending() == 0 {
			return tea.Quit
		}
		if !d.quit {
			return nil
		}
	}
	return d.tick()
}
