// Package tui is gavel's console: the Bubble Tea program a chair lives in
// for an hour. The root Model is made of components (tui/common.Component),
// each with its own Update and rendering and all sharing one common.Common:
//
//   - the window list and bar (tui/winlist), each window with its
//     scrollback (tui/chanlog);
//   - the side panes: Topics, Actions, Attendees or members (tui/panes.Side);
//   - the lookup, minutes and listing pane (tui/panes.Results);
//   - the command line with fuzzy completion (tui/cmdline);
//   - the overlays: help (panes.Help), the palette (tui/palette) and
//     questions (panes.Dialog);
//   - the status bar.
//
// The root routes messages to them, runs the / commands from a table that
// carries their handlers (commands.go), and shows IRC events (inbound.go).
// IRC events arrive on one channel read by a tea.Cmd that takes a whole
// burst at once, so a flood costs one redraw per batch; the live driver
// (meeting/live) turns them into engine updates. Channel members and topics
// are read from the IRC client, which owns them. With no network the same
// model runs an offline demo: a meeting log replayed at an adjustable speed
// (see NewDemo).
package tui

import (
	"context"
	"errors"
	"os"
	"strings"
	"time"

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
	"gavel/tui/winlist"
)

// Channels is what the console reads of the channels it is in: the IRC
// client owns these facts (the offline demo keeps its own for the channel
// it replays).
type Channels interface {
	Members(channel string) []ircclient.Member
	Topic(channel string) string
	InChannel(channel string) bool
}

// Client is what the console needs of the IRC connection; *ircclient.Client
// satisfies it. Every line sent comes back as exactly one event with
// Source.Self set (the server's echo, or the client's local echo).
type Client interface {
	Channels
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
	Connected() bool
	Lag() time.Duration
	QueueLen() int // lines waiting to be sent
	IsChannel(name string) bool
	Fold(name string) string
}

// Glue is what the console needs of the live driver; *live.Controller
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

	Style     meeting.Style
	URLPrefix string // where published minutes are served (the /minutes preview's links)
	// Scrollback is the bytes of scrollback kept across all windows
	// (0: chanlog.DefaultBudget); the oldest lines of the window holding
	// the most go first. NoScrollback keeps none (headless: nobody reads
	// it).
	Scrollback      int64
	NoScrollback    bool
	StripFormatting bool // strip IRC colours and bold instead of rendering them
	// NoBell turns off the terminal bell on a highlight or a private
	// message (/bell toggles it).
	NoBell bool
	// BusWaiting, when set, says how many meeting messages wait in the
	// message bus's outbox; the status bar shows them.
	BusWaiting func() int
	Location   *time.Location
	Now        func() time.Time // default time.Now
	Context    context.Context  // cancels lookups (default Background)
	// Chair configures the chair's tools: agenda, follow-up, timeboxes,
	// votes, roll call (chairtools.go).
	Chair ChairOptions
}

// Model is the root model.
type Model struct {
	common.Common
	opts  Options
	theme themes.Theme
	// followBG switches between the dark and light themes with the
	// terminal's background ("auto").
	followBG bool

	wins    *winlist.List
	side    *panes.Side
	results *panes.Results
	input   *cmdline.Model
	overlay overlay // help, palette or a question: one at a time
	search  *search // Ctrl+R, while searching

	geo   geometry            // where the panes are, for the mouse wheel
	lists map[string][]string // completion lists (see cached)
	chans Channels            // members and topics: the client's, or the demo's
	conn  connState
	demo  *demo
	now   time.Time // the clock for elapsed times (the log's time in a demo)
	state consoleState
	chair *chairTools   // the chair's tools, per channel (chairtools.go)
	pool  *chanlog.Pool // the scrollback budget of all windows
}

// consoleState is the bookkeeping of commands in flight and of what was
// already said once.
type consoleState struct {
	lookupSeq int
	// notOp: the start of the meeting in which "not a channel operator"
	// was said, per folded channel (once per meeting).
	notOp map[string]time.Time
	// afterEnd: what to do once a channel's meeting has ended (leave after
	// #endmeeting), per channel.
	afterEnd map[string][]func() tea.Cmd
	ignored  map[string]bool // folded nicks whose lines are not shown
	whois    map[string]*winlist.Window
	listing  *listing
	bell     bool
	quitting bool
}

// connState is what the status bar says of the connection.
type connState struct {
	server string
	state  string // "connecting…", "connected", "disconnected", "reconnecting in 4s", "offline"
}

// overlay is a component drawn over the screen that takes the keys until
// it is done.
type overlay interface {
	common.Component
	Done() bool
}

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
		opts.Scrollback = chanlog.DefaultBudget
	}
	if opts.NoScrollback {
		opts.Scrollback = 0
	}
	th, err := themes.Select(themes.Options{Name: opts.Theme, File: opts.ThemeFile, ReadFile: os.ReadFile, Getenv: opts.Getenv})
	if err != nil {
		return nil, err
	}
	if opts.Glue == nil {
		c, err := live.New(live.Config{Style: opts.Style, URLPrefix: opts.URLPrefix})
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
	me := &common.Me{Nick: opts.Nick}
	m := &Model{
		Common: common.Common{Styles: common.NewStyles(th), Keys: common.DefaultKeyMap(), Me: me},
		opts:   opts,
		theme:  th,
		conn:   connState{server: opts.Server, state: "offline"},
		chans:  noChannels{},
		pool:   chanlog.NewPool(opts.Scrollback),
	}
	m.state = consoleState{notOp: map[string]time.Time{}, afterEnd: map[string][]func() tea.Cmd{},
		ignored: map[string]bool{}, whois: map[string]*winlist.Window{}, bell: !opts.NoBell}
	m.followBG = strings.EqualFold(opts.Theme, "auto") && !th.Plain
	if c := opts.Client; c != nil {
		m.conn.state = "connecting…"
		m.chans = c
		if n := c.Nick(); n != "" {
			me.Nick = n
		}
		me.Fold = c.Fold
	}
	if m.conn.server == "" {
		m.conn.server = "offline"
	}
	m.wins = winlist.New(m.Common, statusWindow, m.newLog)
	m.side = panes.NewSide(m.Common)
	m.results = &panes.Results{Common: m.Common}
	m.input = cmdline.New(m.Common)
	m.input.Comp.Source = m.completions
	m.input.OnSubmit = m.submit
	m.input.Cut = m.itemCut
	m.chair = newChairTools(opts.Chair)
	for _, ch := range opts.Channels {
		m.wins.Open(ch, winlist.Channel)
	}
	if len(m.wins.All()) > 1 {
		m.wins.Focus(m.wins.All()[1])
	}
	m.status("gavel " + version + " — type /help or press F1 for keys and commands, Ctrl+K for everything")
	m.now = opts.Now()
	m.refreshPanes()
	return m, nil
}

func (m *Model) newLog() *chanlog.Log {
	l := chanlog.NewIn(m.Common, m.pool)
	l.Strip, l.Loc = m.opts.StripFormatting, m.opts.Location
	return l
}

// noChannels is the channel state of a console without a connection.
type noChannels struct{}

func (noChannels) Members(string) []ircclient.Member { return nil }
func (noChannels) Topic(string) string               { return "" }
func (noChannels) InChannel(string) bool             { return false }

// version is shown in the status window.
const version = "0.2"

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
	cmds = append(cmds, m.chairInit())
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

// isChannel reports whether name is a channel (by the server's CHANTYPES
// when connected).
func (m *Model) isChannel(name string) bool {
	if m.opts.Client != nil {
		return m.opts.Client.IsChannel(name)
	}
	return name != "" && (name[0] == '#' || name[0] == '&')
}

// openWindow returns the window of name, creating it.
func (m *Model) openWindow(name string) *winlist.Window {
	kind := winlist.Query
	if m.isChannel(name) {
		kind = winlist.Channel
	}
	w := m.wins.Open(name, kind)
	m.layout()
	return w
}

// status writes a line in the status window.
func (m *Model) status(text string) { m.info(m.wins.Status(), text) }

func (m *Model) info(w *winlist.Window, text string) {
	w.Log.Push(chanlog.Line{Time: m.clock().Unix(), Text: text, Kind: chanlog.Info})
}

func (m *Model) errorLine(w *winlist.Window, text string) {
	if w == nil {
		w = m.wins.Current()
	}
	w.Log.Push(chanlog.Line{Time: m.clock().Unix(), Text: text, Kind: chanlog.Error})
	m.wins.Mark(w, winlist.Unseen)
}

func (m *Model) clock() time.Time {
	if m.demo != nil && !m.now.IsZero() {
		return m.now
	}
	return m.opts.Now()
}

// push adds a line to a window and marks its activity; it returns the bell
// when the line is a highlight or a private message.
func (m *Model) push(w *winlist.Window, l chanlog.Line) tea.Cmd {
	talk := l.Kind == chanlog.Msg || l.Kind == chanlog.Action || l.Kind == chanlog.Notice
	if l.Flags&chanlog.Self == 0 && talk && m.Me.Nick != "" && panes.NamesNick(l.Text, m.Me.Nick) {
		l.Flags |= chanlog.Mention
	}
	w.Log.Push(l)
	if l.Flags&(chanlog.Self|chanlog.History) != 0 || !talk {
		if w != m.wins.Current() && l.Kind <= chanlog.Notice && l.Flags&chanlog.History == 0 {
			m.wins.Mark(w, winlist.Unseen)
		}
		return nil
	}
	private := w.Kind == winlist.Query
	switch {
	case l.Flags&chanlog.Mention != 0 || private:
		m.wins.Mark(w, winlist.Mentioned)
		if m.state.bell {
			return tea.Raw("\a")
		}
	default:
		m.wins.Mark(w, winlist.Unseen)
	}
	return nil
}

// Meeting returns the meeting of the current window, or nil.
func (m *Model) Meeting() *meeting.Meeting {
	w := m.wins.Current()
	if w.Kind != winlist.Channel {
		return nil
	}
	return m.opts.Glue.Meeting(w.Name)
}

// running is the meeting in progress in a channel, or nil.
func (m *Model) running(channel string) *meeting.Meeting {
	if mt := m.opts.Glue.Meeting(channel); mt != nil && !mt.Ended() {
		return mt
	}
	return nil
}

// members returns a channel's members as the panes show them.
func (m *Model) members(channel string) []panes.Member {
	ms := m.chans.Members(channel)
	out := make([]panes.Member, len(ms))
	for i, mb := range ms {
		out[i] = panes.Member{Nick: mb.Nick, Prefix: firstPrefix(mb.Prefixes)}
	}
	return out
}

func firstPrefix(p string) string {
	if p == "" {
		return ""
	}
	return p[:1]
}

// memberOf reports a nick's status prefix in a channel and whether the
// nick is there.
func (m *Model) memberOf(channel string) func(nick string) (string, bool) {
	ms := m.chans.Members(channel)
	idx := make(map[string]string, len(ms))
	for _, mb := range ms {
		idx[m.Me.FoldName(mb.Nick)] = firstPrefix(mb.Prefixes)
	}
	return func(nick string) (string, bool) {
		p, ok := idx[m.Me.FoldName(nick)]
		return p, ok
	}
}

// refreshPanes re-derives the side panes from the current window's meeting
// and the channel's members.
func (m *Model) refreshPanes() {
	w := m.wins.Current()
	mt := m.Meeting()
	s := m.side
	var members []panes.Member
	if w.Kind == winlist.Channel {
		members = m.members(w.Name)
	}
	te, anchor := panes.TopicEntries(mt)
	s.Topics.SetEntries(te, anchor)
	nicks := make([]string, len(members))
	for i, mb := range members {
		nicks[i] = mb.Nick
	}
	s.Actions.SetEntries(panes.ActionEntries(mt, nicks...), -1)
	s.People.SetEntries(panes.AttendeeEntries(mt, m.memberOf(w.Name), members), 0)
	switch {
	case mt == nil:
		s.Topics.Title = "Topics"
	case mt.Ended():
		s.Topics.Title = "Topics · ended"
	default:
		s.Topics.Title = "Topics · " + mt.Name
	}
	s.People.Title = "Attendees"
	switch {
	case mt != nil:
		s.People.Title = "Attendees (" + itoa(len(mt.Attendees)) + ")"
	case len(members) > 0:
		s.People.Title = "Members (" + itoa(len(members)) + ")"
	}
	if m.results.Shown() && m.results.Kind == "minutes" {
		m.refreshMinutes()
	}
	m.refreshChair()
}

// applyUpdates shows what the live driver reported; it returns the
// commands to run (lookups, leaving after #endmeeting).
func (m *Model) applyUpdates(ups []live.Update) (refresh bool, cmd tea.Cmd) {
	var cmds []tea.Cmd
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
				m.showUpdateError(u)
			}
		case live.UpdateQueued:
			// Said while disconnected: shown now, marked as waiting.
			m.openWindow(u.Channel).Queue(chanlog.Line{Time: m.clock().Unix(), Nick: m.nickOr(), Text: u.Text, Kind: chanlog.Msg})
		case live.UpdateJournal:
			if u.Err == nil { // caught up (falling behind comes as an UpdateError)
				m.info(m.windowFor(u.Channel), u.Text)
			}
		case live.UpdateLookup:
			if u.Channel != "" && u.Text != "" {
				cmds = append(cmds, m.channelLookup(u.Channel, u.Nick, u.Text))
			}
		}
	}
	cmds = append(cmds, m.afterMeetings()...)
	return refresh, tea.Batch(cmds...)
}

// showUpdateError shows an error of the live driver; "not a channel
// operator" is said once per meeting.
func (m *Model) showUpdateError(u live.Update) {
	w := m.windowFor(u.Channel)
	if errors.Is(u.Err, live.ErrNotOperator) {
		key := m.Me.FoldName(u.Channel)
		start := time.Time{}
		if mt := m.opts.Glue.Meeting(u.Channel); mt != nil {
			start = mt.Start
		}
		if said, ok := m.state.notOp[key]; ok && said.Equal(start) {
			return
		}
		m.state.notOp[key] = start
	}
	m.errorLine(w, u.Err.Error())
}

// afterMeetings runs what waited for a meeting to end.
func (m *Model) afterMeetings() []tea.Cmd {
	var cmds []tea.Cmd
	for channel, todo := range m.state.afterEnd {
		if m.running(channel) != nil {
			continue
		}
		delete(m.state.afterEnd, channel)
		for _, f := range todo {
			cmds = append(cmds, f())
		}
	}
	return cmds
}

func suffix(s string) string {
	if s == "" {
		return ""
	}
	return ": " + s
}

// windowFor is the window of a channel or nick, or the status window.
func (m *Model) windowFor(name string) *winlist.Window {
	if name != "" {
		if w := m.wins.Get(name); w != nil {
			return w
		}
	}
	return m.wins.Status()
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
