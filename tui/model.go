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
// carries their handlers (commands.go), and shows the network's events
// (inbound.go). The events, in the live driver's vocabulary (meeting/live;
// the console never sees an IRC type), are read by a tea.Cmd that takes a
// whole burst at once, so a flood costs one redraw per batch; the live
// driver turns them into engine updates. Channel members and topics are
// read from the network, which owns them. The offline demo is a network
// too (meeting/live/demo): a meeting log played at an adjustable speed
// through the same path (see NewDemo).
package tui

import (
	"context"
	"errors"
	"os"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"gavel/backend"
	"gavel/meeting"
	"gavel/meeting/chair"
	"gavel/meeting/live"
	"gavel/themes"
	"gavel/tui/chanlog"
	"gavel/tui/cmdline"
	"gavel/tui/common"
	"gavel/tui/panes"
	"gavel/tui/winlist"
)

// Glue is what the console needs of the live driver; *live.Controller
// satisfies it.
type Glue interface {
	HandleBatch(events []live.Event) []live.Update
	HandleEvent(channel string, ev meeting.Event) []live.Update
	Meeting(channel string) *meeting.Meeting
	Say(channel, text string) []live.Update
	Publish(channel string) []live.Update
	Retry() []live.Update // writes what the journals hold in memory (called on the clock)
	// Answer sends a channel lookup's answer (unaddressed lines for asker).
	Answer(channel, key, asker string, lines []string) []live.Update
	// The chair's tools: a command, their clock, and their state to
	// draw (chairtools.go); their work comes as UpdateWork's Task.
	Chair(channel, cmd, arg string, now time.Time) ([]live.Update, error)
	Tick(now time.Time) []live.Update
	ChairTools(channel string) *chair.Tools
	// Finish runs a task's result (see live.Task) on the Update goroutine.
	Finish(done func() []live.Update) []live.Update
	// Minutes renders the text minutes of a channel's meeting as the
	// archive publishes them (the /minutes preview).
	Minutes(channel string) (string, error)
}

// Options configure the console.
type Options struct {
	// Network is the chat network (nil: offline), such as an IRC
	// connection through live.NewIRC. The caller runs the connection; the
	// console reads its events (Next), sends through it and quits it.
	// Every line sent comes back as exactly one event with From.Self set.
	Network live.Network
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

	// Style and URLPrefix are those of the offline controller made when
	// Glue is nil (the /minutes preview takes the live driver's, which
	// are its archive's).
	Style     meeting.Style
	URLPrefix string
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
	// Dispatch is the after-meeting deliveries (tui/dispatch.go); nil:
	// none configured.
	Dispatch Dispatch
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
	chans live.Channels       // members, topics, folding, our nick: the network's
	conn  connState
	demo  *demo
	now   time.Time // the clock for elapsed times (the log's time in a demo)
	state consoleState
	// chairSized are the Agenda and Votes panes' lengths at the last
	// layout (their heights follow their contents; chairpanes.go).
	chairSized [2]int
	// dispatch is what was offered and said of the deliveries (dispatch.go)
	dispatch *dispatchState
	pool     *chanlog.Pool // the scrollback budget of all windows
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
	// nets are the states of several networks (live.Nets), by name.
	nets map[string]string
}

// overlay is a component drawn over the screen that takes the keys until
// it is done.
type overlay interface {
	common.Component
	Done() bool
}

const statusWindow = "gavel"

// New returns the console for a live connection (or an empty offline
// console when opts.Network is nil).
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
		// Offline: the chair's tools work on what is typed (no agenda
		// sources, no lookups).
		c, err := live.New(live.Config{Style: opts.Style, URLPrefix: opts.URLPrefix, Chair: &chair.Config{}})
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
		chans:  live.NewChannelState("", live.FoldRFC1459, ""), // no network: no channels
		pool:   chanlog.NewPool(opts.Scrollback),
	}
	m.state = consoleState{notOp: map[string]time.Time{}, afterEnd: map[string][]func() tea.Cmd{},
		ignored: map[string]bool{}, whois: map[string]*winlist.Window{}, bell: !opts.NoBell}
	m.followBG = strings.EqualFold(opts.Theme, "auto") && !th.Plain
	if c := opts.Network; c != nil {
		m.conn.state = "connecting…"
		m.chans = c
		if n := c.Nick(); n != "" {
			me.Nick = n
		}
	}
	me.Fold = m.chans.Fold
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

// version is shown in the status window.
const version = "0.2"

// Init starts reading the connection's events.
func (m *Model) Init() tea.Cmd {
	var cmds []tea.Cmd
	if m.opts.Network != nil {
		cmds = append(cmds, waitEvents(m.opts.Context, m.opts.Network), clockTick())
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
	// taskDoneMsg brings a live driver's task back to the Update
	// goroutine, to finish there.
	taskDoneMsg struct{ done func() []live.Update }
)

// runTask runs a task of the live driver (a channel lookup) off the
// Update goroutine, as a tea.Cmd.
func (m *Model) runTask(t live.Task) tea.Cmd {
	ctx := m.opts.Context
	return func() tea.Msg {
		if done := t(ctx); done != nil {
			return taskDoneMsg{done}
		}
		return nil
	}
}

func clockTick() tea.Cmd {
	return tea.Tick(time.Second, func(t time.Time) tea.Msg { return clockMsg(t) })
}

// isChannel reports whether name is a channel, as the network says (IRC:
// by the server's CHANTYPES).
func (m *Model) isChannel(name string) bool { return m.chans.IsChannel(name) }

// offline reports whether there is no real network to send to: no
// network at all, or the offline demo's.
func (m *Model) offline() bool { return m.opts.Network == nil || m.demo != nil }

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
		out[i] = panes.Member{Nick: mb.Nick, Prefix: firstPrefix(mb.Prefixes), Power: mb.Power}
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
			if u.Task != nil {
				cmds = append(cmds, m.runTask(u.Task))
			}
		case live.UpdateChair:
			refresh = true
			m.chairReport(u)
		case live.UpdateWork:
			cmds = append(cmds, m.runTask(u.Task))
		case live.UpdateOffline:
			cmds = append(cmds, m.say(u.Channel, u.Text))
		}
	}
	cmds = append(cmds, m.afterMeetings()...)
	m.dispatchNews()
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
	m.offerRejoin(u.Channel, u.Err)
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
