// Package tui is gavel's console: the Bubble Tea program a chair lives in
// for an hour. The root Model owns the windows (status, channels, queries),
// the side panes (Topics, Actions, Attendees), the lookup/minutes pane, the
// status bar and the command line; only it returns a tea.View.
//
// IRC events arrive on one channel read by a tea.Cmd that takes a whole
// burst at once (see drain), so a flood costs one redraw per batch. The
// live driver (meeting/live) turns them into engine updates. With no network
// the same model runs an offline demo: a meeting log replayed at an
// adjustable speed (see NewDemo).
package tui

import (
	"context"
	"os"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	tea "charm.land/bubbletea/v2"

	"gavel/backend"
	"gavel/ircclient"
	"gavel/meeting"
	"gavel/meeting/live"
	"gavel/themes"
	"gavel/tui/chanlog"
	"gavel/tui/cmdline"
	"gavel/tui/common"
	"gavel/tui/panes"
)

// Client is what the console needs of the IRC connection; *ircclient.Client
// satisfies it.
type Client interface {
	Events() <-chan ircclient.Event
	Say(target, text string) error
	Action(target, text string) error
	Notice(target, text string) error
	SetTopic(channel, topic string) error
	Join(channels ...string) error
	Part(channel, reason string) error
	SetNick(nick string) error
	SendRaw(line string) error
	Quit(msg string)
	Nick() string
}

// Glue is what the console needs of the meeting glue; *live.Controller
// satisfies it.
type Glue interface {
	HandleIRCBatch(events []ircclient.Event) []live.Update
	HandleEvent(channel string, ev meeting.Event) []live.Update
	Meeting(channel string) *meeting.Meeting
	Say(channel, text string) []live.Update
	Publish(channel string) []live.Update
	Retry() []live.Update // writes what the journals hold in memory (called on the clock)
	// Answer sends a channel lookup's answer (unaddressed lines for asker).
	Answer(channel, key, asker string, lines []string) []live.Update
}

// Options configure the console.
type Options struct {
	// Client is the IRC connection (nil: offline). The caller runs it
	// (Client.Run) and quits it; the console reads Client.Events().
	Client Client
	// Glue runs the meetings. nil: an offline live.Controller (no
	// publishing, no journal).
	Glue Glue
	// Router answers /fas, /pkgs, /mirrors… nil: the offline snapshot.
	Router *backend.Router

	Server   string   // shown in the status bar ("irc.libera.chat:6697")
	Nick     string   // our nick until the connection says otherwise
	Channels []string // windows opened at start (the client joins them)

	// Theme is a built-in theme name ("dark", "light", "high-contrast") or
	// "auto" to follow the terminal's background. ThemeFile overrides
	// colours (see package themes). NO_COLOR (read with Getenv) wins.
	Theme     string
	ThemeFile string
	Getenv    func(string) string // default os.Getenv

	Style           meeting.Style
	Scrollback      int  // lines kept per window (default 100,000)
	StripFormatting bool // strip IRC colours and bold instead of rendering them
	Location        *time.Location
	Now             func() time.Time     // default time.Now
	Lag             func() time.Duration // the connection's lag, if known
	Context         context.Context      // cancels lookups (default Background)
}

// Model is the root model.
type Model struct {
	opts   Options
	ctx    context.Context
	styles *common.Styles
	keys   *common.KeyMap
	theme  themes.Theme
	common common.Common // shared by every pane (Styles and Keys pointers)

	width, height int

	wins   windowSet
	nick   string
	server string
	conn   string

	topics, actions, people panes.List
	results                 panes.Results
	showResults             bool
	sideTab                 int // narrow layout: 0 log, 1 topics, 2 actions, 3 attendees

	input    *cmdline.Model
	help     help.Model
	showHelp bool

	palette  *palette
	paste    []string // lines waiting for confirmation
	pasteTo  string
	followBG bool
	packages []string
	users    []string
	cmdNames []string
	cmdHelp  []string
	meetCmds []string

	rects       map[string]rect // pane areas, for the mouse wheel
	demo        *demo
	now         time.Time // the clock for elapsed times (the log's time in a demo)
	quitting    bool
	pendingCmds []tea.Cmd
	lookupSeq   int
}

type rect struct{ x, y, w, h int }

func (r rect) has(x, y int) bool { return x >= r.x && x < r.x+r.w && y >= r.y && y < r.y+r.h }

const statusWindow = "gavel"

// New returns the console for a live connection (or an empty offline
// console when opts.Client is nil).
func New(opts Options) (*Model, error) {
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Context == nil {
		opts.Context = context.Background()
	}
	if opts.Scrollback <= 0 {
		opts.Scrollback = chanlog.DefaultCapacity
	}
	th, err := themes.Select(themes.Options{Name: opts.Theme, File: opts.ThemeFile, ReadFile: os.ReadFile, Getenv: opts.Getenv})
	if err != nil {
		return nil, err
	}
	if opts.Glue == nil {
		c, err := live.New(live.Config{Style: opts.Style})
		if err != nil {
			return nil, err
		}
		opts.Glue = c
	}
	if opts.Router == nil {
		r, err := backend.New(backend.Config{Offline: true})
		if err != nil {
			return nil, err
		}
		opts.Router = r
	}
	m := &Model{
		opts:   opts,
		ctx:    opts.Context,
		styles: common.NewStyles(th),
		keys:   common.DefaultKeyMap(),
		theme:  th,
		nick:   opts.Nick,
		server: opts.Server,
		conn:   "offline",
		rects:  map[string]rect{},
	}
	m.followBG = strings.EqualFold(opts.Theme, "auto") && !th.Plain
	if opts.Client != nil {
		m.conn = "connecting…"
		if n := opts.Client.Nick(); n != "" {
			m.nick = n
		}
	}
	if m.server == "" {
		m.server = "offline"
	}
	m.common = common.Common{Styles: m.styles, Keys: m.keys}
	m.topics = panes.List{Common: m.common, Title: "Topics", Empty: "no meeting running"}
	m.actions = panes.List{Common: m.common, Title: "Actions", Empty: "no actions yet"}
	m.people = panes.List{Common: m.common, Title: "Attendees", Empty: "nobody yet"}
	m.results = panes.Results{Common: m.common}
	m.input = cmdline.New(m.common)
	m.input.Comp.Source = m.completions
	m.help = help.New()
	m.help.Styles = m.styles.Help
	m.help.ShowAll = true
	m.wins.list = []*window{newWindow(m.common, statusWindow, winStatus, 10_000)}
	for _, ch := range opts.Channels {
		m.openWindow(ch)
	}
	if len(m.wins.list) > 1 {
		m.wins.focus(1)
	}
	m.packages = opts.Router.Packages()
	m.users = opts.Router.Users()
	m.initCommands()
	m.status("gavel " + version + " — type /help, press ? or F1 for keys, Ctrl+K for everything")
	m.now = opts.Now()
	return m, nil
}

// version is shown in the status window.
const version = "0.1"

// Init starts reading the connection's events.
func (m *Model) Init() tea.Cmd {
	var cmds []tea.Cmd
	if m.opts.Client != nil {
		cmds = append(cmds, waitEvents(m.opts.Client.Events()), clockTick())
	}
	if m.followBG {
		cmds = append(cmds, tea.RequestBackgroundColor)
	}
	if m.demo != nil {
		cmds = append(cmds, m.demo.tick())
	}
	return tea.Batch(cmds...)
}

// messages
type (
	clockMsg  time.Time
	lookupMsg struct {
		seq   int
		title string
		res   backend.Result
		err   error
	}
	channelLookupMsg struct {
		channel, nick, key string
		lines              []string // unaddressed
	}
)

func clockTick() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return clockMsg(t) })
}

// openWindow returns the window of name, creating it.
func (m *Model) openWindow(name string) *window {
	if w := m.wins.get(name); w != nil {
		return w
	}
	kind := winQuery
	if isChannel(name) {
		kind = winChannel
	}
	w := newWindow(m.common, name, kind, m.opts.Scrollback)
	w.log.Strip = m.opts.StripFormatting
	w.log.Loc = m.opts.Location
	m.wins.list = append(m.wins.list, w)
	m.layout()
	return w
}

// status writes a line in the status window.
func (m *Model) status(text string) { m.info(m.wins.list[0], text) }

func (m *Model) info(w *window, text string) {
	w.log.Push(chanlog.Line{Time: m.clock().Unix(), Text: text, Kind: chanlog.Info})
}

func (m *Model) errorLine(w *window, text string) {
	if w == nil {
		w = m.wins.current()
	}
	w.log.Push(chanlog.Line{Time: m.clock().Unix(), Text: text, Kind: chanlog.Error})
	if w != m.wins.current() && w.act < panes.Unseen {
		w.act = panes.Unseen
	}
}

func (m *Model) clock() time.Time {
	if m.demo != nil && !m.now.IsZero() {
		return m.now
	}
	return m.opts.Now()
}

// push adds a line to a window and marks its activity.
func (m *Model) push(w *window, l chanlog.Line) {
	if l.Flags&chanlog.Self == 0 && (l.Kind == chanlog.Msg || l.Kind == chanlog.Action || l.Kind == chanlog.Notice) &&
		m.nick != "" && panes.NamesNick(l.Text, m.nick) {
		l.Flags |= chanlog.Mention
	}
	w.log.Push(l)
	if w == m.wins.current() {
		return
	}
	switch {
	case l.Flags&chanlog.Mention != 0 || (w.kind == winQuery && l.Flags&chanlog.Self == 0 && l.Kind <= chanlog.Notice):
		w.act = panes.Mentioned
	case l.Kind <= chanlog.Notice && w.act < panes.Unseen:
		w.act = panes.Unseen
	}
}

// Meeting returns the meeting of the current window, or nil.
func (m *Model) Meeting() *meeting.Meeting {
	w := m.wins.current()
	if w.kind != winChannel {
		return nil
	}
	return m.opts.Glue.Meeting(w.name)
}

// refreshPanes re-derives the side panes from the current window's meeting.
func (m *Model) refreshPanes() {
	w := m.wins.current()
	mt := m.Meeting()
	te, anchor := panes.TopicEntries(mt)
	m.topics.SetEntries(te, anchor)
	m.actions.SetEntries(panes.ActionEntries(mt, w.nickList()...), -1)
	m.people.SetEntries(panes.AttendeeEntries(mt, w.present, w.nickList()), 0)
	switch {
	case mt == nil:
		m.topics.Title = "Topics"
	case mt.Ended():
		m.topics.Title = "Topics · ended"
	default:
		m.topics.Title = "Topics · " + mt.Name
	}
	m.people.Title = "Attendees"
	if mt != nil {
		m.people.Title = "Attendees (" + itoa(len(mt.Attendees)) + ")"
	} else if n := len(w.members); n > 0 {
		m.people.Title = "Members (" + itoa(n) + ")"
	}
}

// applyUpdates shows what the meeting glue reported.
func (m *Model) applyUpdates(ups []live.Update) (refresh bool) {
	for _, u := range ups {
		switch u.Kind {
		case live.UpdateMeeting, live.UpdateResumed:
			refresh = true
			if u.Kind == live.UpdateResumed {
				m.info(m.openWindow(u.Channel), "meeting resumed from the journal"+suffix(u.Text))
			}
		case live.UpdatePublished:
			w := m.windowFor(u.Channel)
			for _, f := range u.Files {
				where := f.Path
				if f.URL != "" {
					where = f.URL
				}
				m.info(w, "published "+where)
			}
		case live.UpdateError:
			if u.Err != nil {
				m.errorLine(m.windowFor(u.Channel), u.Err.Error())
			}
		case live.UpdateJournal:
			if u.Err == nil { // caught up (falling behind comes as an UpdateError)
				m.info(m.windowFor(u.Channel), u.Text)
			}
		case live.UpdateLookup:
			if u.Channel != "" && u.Text != "" {
				m.pendingCmds = append(m.pendingCmds, m.channelLookup(u.Channel, u.Nick, u.Text))
			}
		}
	}
	return refresh
}

func suffix(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

// windowFor is the window of a channel or nick, or the status window.
func (m *Model) windowFor(name string) *window {
	if name != "" {
		if w := m.wins.get(name); w != nil {
			return w
		}
	}
	return m.wins.list[0]
}

func itoa(n int) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}
