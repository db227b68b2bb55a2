package tui

import (
	"context"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"gavel/meeting"
	"gavel/themes"
	"gavel/tui/chanlog"
	"gavel/tui/common"
	"gavel/tui/panes"
	"gavel/tui/winlist"
)

var readFile = os.ReadFile

func newStyles(t themes.Theme) *common.Styles { return common.NewStyles(t) }

// need is what a command needs before it can run.
type need uint8

const (
	needConn    need = 1 << iota // a connection (not the offline demo)
	needChannel                  // the current window is a channel
	needTalk                     // the current window is a channel or a query
)

// command is one / command: its help, its completion, what it needs and
// its handler (ergo's command table). The dispatcher checks the needs and
// the number of arguments before the handler runs.
type command struct {
	name, args, help string
	completes        string // "nicks", "channels", "packages", "users", "themes", "lookups"
	min              int    // fewest arguments
	needs            need
	run              func(m *Model, c *call) tea.Cmd
}

// call is one run of a command.
type call struct {
	cmd  *command
	w    *winlist.Window // the window it was typed in
	args []string
	line string // everything after the command name
}

// after returns the text after the first n arguments, spacing kept.
func (c *call) after(n int) string {
	s := c.line
	for i := 0; i < n; i++ {
		s = strings.TrimLeft(s, " ")
		if j := strings.IndexByte(s, ' '); j >= 0 {
			s = s[j:]
		} else {
			return ""
		}
	}
	return strings.TrimSpace(s)
}

// commands are the / commands, in help order. New commands (and their
// panes) are added here. (Set in init: /help lists the table itself.)
var commands []command

func init() {
	// By subject, in help order.
	commands = slices.Concat(
		// windows and channels
		[]command{
			{name: "join", args: "#channel[,#channel…]", help: "join channels", completes: "channels", min: 1, needs: needConn, run: (*Model).cmdJoin},
			{name: "part", args: "[#channel] [reason]", help: "leave a channel (default: this one)", completes: "channels", needs: needConn, run: (*Model).cmdPart},
			{name: "close", help: "close this window (leaving its channel)", run: (*Model).cmdClose},
			{name: "window", args: "N | close | move N | list", help: "go to window N, close it, renumber it, list the windows", min: 1, run: (*Model).cmdWindow},
		},
		// talking
		[]command{
			{name: "msg", args: "nick text", help: "send a private message", completes: "nicks", min: 2, needs: needConn, run: (*Model).cmdMsg},
			{name: "query", args: "nick [text]", help: "open a private window", completes: "nicks", min: 1, run: (*Model).cmdQuery},
			{name: "me", args: "text", help: "say an action (/me waves)", min: 1, needs: needTalk, run: (*Model).cmdMe},
			{name: "notice", args: "target text", help: "send a notice", completes: "nicks", min: 2, needs: needConn, run: (*Model).cmdNotice},
			{name: "ctcp", args: "nick command [args]", help: "send a CTCP request (VERSION, PING, TIME…)", completes: "nicks", min: 2, needs: needConn, run: (*Model).cmdCTCP},
		},
		// people and channel modes
		[]command{
			{name: "nick", args: "newnick", help: "change your nick", min: 1, needs: needConn, run: (*Model).cmdNick},
			{name: "whois", args: "nick", help: "who someone is, in this window", completes: "nicks", min: 1, needs: needConn, run: (*Model).cmdWhois},
			{name: "names", args: "[#channel]", help: "who is in the channel", completes: "channels", run: (*Model).cmdNames},
			{name: "list", args: "[filter]", help: "list the server's channels (matching filter) in a pane", needs: needConn, run: (*Model).cmdList},
			{name: "topic", args: "[text]", help: "show or set the channel topic", needs: needChannel, run: (*Model).cmdTopic},
			{name: "mode", args: "target modes [args]", help: "set modes", completes: "channels", min: 2, needs: needConn, run: (*Model).cmdMode},
			{name: "op", args: "nick…", help: "give channel operator status", completes: "nicks", min: 1, needs: needConn | needChannel, run: (*Model).cmdStatus},
			{name: "deop", args: "nick…", help: "take channel operator status", completes: "nicks", min: 1, needs: needConn | needChannel, run: (*Model).cmdStatus},
			{name: "voice", args: "nick…", help: "give voice", completes: "nicks", min: 1, needs: needConn | needChannel, run: (*Model).cmdStatus},
			{name: "devoice", args: "nick…", help: "take voice", completes: "nicks", min: 1, needs: needConn | needChannel, run: (*Model).cmdStatus},
			{name: "kick", args: "nick [reason]", help: "kick someone from the channel", completes: "nicks", min: 1, needs: needConn | needChannel, run: (*Model).cmdKick},
			{name: "invite", args: "nick [#channel]", help: "invite someone", completes: "nicks", min: 1, needs: needConn, run: (*Model).cmdInvite},
			{name: "away", args: "[message]", help: "set (or clear) your away message", needs: needConn, run: (*Model).cmdAway},
			{name: "ignore", args: "[nick]", help: "hide someone's lines here (they still count in the minutes); no nick: list", completes: "nicks", run: (*Model).cmdIgnore},
			{name: "unignore", args: "nick", help: "show someone's lines again", completes: "nicks", min: 1, run: (*Model).cmdUnignore},
			{name: "raw", args: "LINE", help: "send a raw IRC line", min: 1, needs: needConn, run: (*Model).cmdRaw},
		},
		// scrollback
		[]command{
			{name: "lastlog", args: "text", help: "list this window's lines containing text (Ctrl+R searches as you type)", min: 1, run: (*Model).cmdLastlog},
			{name: "clear", help: "clear this window's scrollback", run: (*Model).cmdClear},
		},
		// the meeting
		[]command{
			{name: "minutes", help: "preview the current minutes in a pane", run: (*Model).cmdMinutes},
			{name: "publish", help: "write the minutes to the archive now", needs: needChannel, run: (*Model).cmdPublish},
		},
		// lookups
		[]command{
			{name: "fas", args: "name", help: "look up accounts", completes: "users", min: 1, run: (*Model).cmdFas},
			{name: "pkgs", args: "package", help: "who owns a package and what it is", completes: "packages", min: 1, run: (*Model).cmdPkgs},
			{name: "mirrors", args: "repo arch [country]", help: "mirrors serving a repository", min: 2, run: (*Model).cmdMirrors},
			{name: "lookup", args: "command args…", help: "any lookup (whoowns, branches, sources, members…)", completes: "lookups", run: (*Model).cmdLookup},
		},
		// the console
		[]command{
			{name: "theme", args: "dark|light|high-contrast|auto", help: "switch the colour theme", completes: "themes", run: (*Model).cmdTheme},
			{name: "bell", args: "[on|off]", help: "ring the terminal bell on a highlight or a private message", run: (*Model).cmdBell},
			{name: "quit", args: "[message]", help: "disconnect and leave gavel", run: (*Model).cmdQuit},
			{name: "help", help: "keys and commands", run: (*Model).cmdHelp},
		},
		chairCommands(),    // the chair's tools (chaircmds.go)
		dispatchCommands(), // after the meeting (dispatch.go)
	)
}

// lookupCommand finds a / command by its name ("/join" or "join").
func lookupCommand(word string) (*command, bool) {
	name := strings.ToLower(strings.TrimPrefix(word, "/"))
	for i := range commands {
		if commands[i].name == name {
			return &commands[i], true
		}
	}
	return nil, false
}

// meetingCommands lists the engine's meeting commands with their '#', in
// the order its command table offers them (what chairs type most first).
func meetingCommands() []string {
	table := meeting.CommandTable()
	out := make([]string, len(table))
	for i, c := range table {
		out[i] = "#" + c.Name
	}
	return out
}

// submit runs a line typed in the command line.
func (m *Model) submit(line string) tea.Cmd {
	if strings.TrimSpace(line) == "" {
		return nil
	}
	w := m.wins.Current()
	if strings.HasPrefix(line, "/") && !strings.HasPrefix(line, "//") {
		return m.command(line)
	}
	line = strings.TrimPrefix(line, "/")
	if w.Kind == winlist.Status {
		m.errorLine(w, "this is gavel's own window: /join a channel or /query a nick to talk")
		return nil
	}
	return m.say(w.Name, line)
}

// say sends a line to a channel or nick. Channel lines go through the live
// driver; the line shows (and reaches the engine) when the client's event
// for it comes back. While disconnected it is shown at once, marked as
// queued. The offline demo is a network like any other (its lines come
// back as our own); only a console with no network at all feeds the engine
// itself.
func (m *Model) say(target, text string) tea.Cmd {
	w := m.openWindow(target)
	cl := m.opts.Network
	if cl == nil {
		now := m.clock()
		m.push(w, chanlog.Line{Time: now.Unix(), Nick: m.nickOr(), Text: text, Kind: chanlog.Msg, Flags: chanlog.Self})
		if m.isChannel(target) {
			_, cmd := m.applyUpdates(m.opts.Glue.HandleEvent(target, meeting.Message{Time: now.UTC(), Nick: m.nickOr(), Text: text}))
			m.refreshPanes()
			return cmd
		}
		return nil
	}
	if m.isChannel(target) {
		// Said while disconnected, the line comes back as UpdateQueued.
		refresh, cmd := m.applyUpdates(m.opts.Glue.Say(target, text))
		if refresh {
			m.refreshPanes()
		}
		return cmd
	}
	if !cl.Connected() {
		w.Queue(chanlog.Line{Time: m.clock().Unix(), Nick: m.nickOr(), Text: text, Kind: chanlog.Msg})
	}
	if err := cl.Say(target, text); err != nil {
		m.errorLine(w, err.Error())
	}
	return nil
}

func (m *Model) nickOr() string {
	if m.Me.Nick == "" {
		return "chair"
	}
	return m.Me.Nick
}

// command runs a / command from the table (or a lookup of the router).
func (m *Model) command(line string) tea.Cmd {
	name, rest, _ := strings.Cut(strings.TrimSpace(line[1:]), " ")
	if name == "" {
		return nil
	}
	w := m.wins.Current()
	c, known := lookupCommand(name)
	args := strings.Fields(rest)
	if !known {
		// Every lookup of the router works as a command too (/whoowns x).
		for _, ci := range m.opts.Router.Commands() {
			if ci.Name == strings.ToLower(name) {
				return m.lookup(ci.Name, args)
			}
		}
		m.errorLine(w, "unknown command /"+name+" — /help lists them, Ctrl+K searches them")
		return nil
	}
	switch {
	case c.needs&needConn != 0 && m.offline():
		m.errorLine(w, "/"+c.name+" needs a connection; this is the offline demo")
		return nil
	case c.needs&needChannel != 0 && w.Kind != winlist.Channel:
		m.errorLine(w, "/"+c.name+" works in a channel window")
		return nil
	case c.needs&needTalk != 0 && w.Kind == winlist.Status:
		m.errorLine(w, "/"+c.name+" works in a channel or query window")
		return nil
	case len(args) < c.min:
		m.usage(w, c)
		return nil
	}
	return c.run(m, &call{cmd: c, w: w, args: args, line: rest})
}

func (m *Model) usage(w *winlist.Window, c *command) {
	m.errorLine(w, "usage: /"+c.name+" "+c.args)
}

// report shows a failed send in the window.
func (m *Model) report(w *winlist.Window, err error) {
	if err != nil {
		m.errorLine(w, err.Error())
	}
}

func (m *Model) cmdJoin(c *call) tea.Cmd {
	var chans []string
	for _, ch := range strings.Split(c.args[0], ",") {
		if ch == "" {
			continue
		}
		if !m.isChannel(ch) {
			ch = "#" + ch
		}
		chans = append(chans, ch)
	}
	if len(chans) == 0 {
		m.usage(c.w, c.cmd)
		return nil
	}
	m.report(c.w, m.opts.Network.Join(chans...))
	for _, ch := range chans {
		m.openWindow(ch)
	}
	m.focus(m.wins.Get(chans[len(chans)-1]))
	return nil
}

func (m *Model) cmdPart(c *call) tea.Cmd {
	target, reason := c.w.Name, c.line
	if len(c.args) > 0 && m.isChannel(c.args[0]) {
		target, reason = c.args[0], c.after(1)
	}
	if !m.isChannel(target) {
		m.usage(c.w, c.cmd)
		return nil
	}
	return m.leave("leave "+target, []string{target}, func() tea.Cmd {
		m.partAndClose(target, strings.TrimSpace(reason))
		return nil
	})
}

func (m *Model) cmdClose(c *call) tea.Cmd {
	w := c.w
	if w.Kind == winlist.Status {
		m.errorLine(w, "the gavel window stays open")
		return nil
	}
	return m.closeWindow(w)
}

// closeWindow closes a window, leaving its channel (after asking, when a
// meeting runs there).
func (m *Model) closeWindow(w *winlist.Window) tea.Cmd {
	var channels []string
	if w.Kind == winlist.Channel {
		channels = []string{w.Name}
	}
	what := "close " + w.Name
	return m.leave(what, channels, func() tea.Cmd {
		if w.Kind == winlist.Channel {
			m.partAndClose(w.Name, "")
			return nil
		}
		m.wins.Close(w)
		m.switched()
		return nil
	})
}

// partAndClose leaves a channel; its window closes when the server
// confirms (see winlist.Window.Closing), at once when not in the channel.
func (m *Model) partAndClose(channel, reason string) {
	w := m.wins.Get(channel)
	if !m.offline() {
		// Also for a channel not joined yet: the client stops joining it.
		if err := m.opts.Network.Part(channel, reason); err != nil {
			m.errorLine(w, err.Error())
			return
		}
		if w != nil && m.chans.InChannel(channel) {
			w.Closing = true
			m.info(w, "leaving "+channel+"…")
			return
		}
	}
	if w != nil {
		m.wins.Close(w)
		m.switched()
	}
}

func (m *Model) cmdWindow(c *call) tea.Cmd {
	switch strings.ToLower(c.args[0]) {
	case "close":
		if c.w.Kind == winlist.Status {
			m.errorLine(c.w, "the gavel window stays open")
			return nil
		}
		return m.closeWindow(c.w)
	case "move":
		n, err := strconv.Atoi(c.after(1))
		if err != nil || !m.wins.Move(c.w, n) {
			m.errorLine(c.w, "usage: /window move N (2 or more; the gavel window stays 1)")
		}
		return nil
	case "list":
		for _, w := range m.wins.All() {
			m.info(c.w, itoa(w.Num)+": "+w.Name)
		}
		return nil
	}
	n, err := strconv.Atoi(c.args[0])
	if err != nil {
		m.usage(c.w, c.cmd)
		return nil
	}
	w := m.wins.ByNum(n)
	if w == nil {
		m.errorLine(c.w, "no window "+c.args[0])
		return nil
	}
	m.focus(w)
	return nil
}

func (m *Model) cmdMsg(c *call) tea.Cmd { return m.say(c.args[0], c.after(1)) }

func (m *Model) cmdQuery(c *call) tea.Cmd {
	w := m.openWindow(c.args[0])
	m.focus(w)
	if text := c.after(1); text != "" {
		return m.say(c.args[0], text)
	}
	return nil
}

func (m *Model) cmdMe(c *call) tea.Cmd {
	if m.offline() {
		m.errorLine(c.w, "/me needs a connection; this is the offline demo")
		return nil
	}
	m.report(c.w, m.opts.Network.Action(c.w.Name, c.line))
	return nil
}

func (m *Model) cmdNotice(c *call) tea.Cmd {
	m.report(c.w, m.opts.Network.Notice(c.args[0], c.after(1)))
	return nil
}

func (m *Model) cmdCTCP(c *call) tea.Cmd {
	req, err := m.opts.Network.CTCP(c.args[0], c.args[1], c.after(2))
	if err != nil {
		m.errorLine(c.w, err.Error())
		return nil
	}
	m.info(c.w, "CTCP "+req+" sent to "+c.args[0])
	return nil
}

func (m *Model) cmdNick(c *call) tea.Cmd {
	m.report(c.w, m.opts.Network.SetNick(c.args[0]))
	return nil
}

func (m *Model) cmdWhois(c *call) tea.Cmd {
	nick := c.args[0]
	m.state.whois[m.Me.FoldName(nick)] = c.w
	m.report(c.w, m.opts.Network.Whois(nick))
	return nil
}

// channelArg is the channel a command names as its argument i, else its
// window's; ok is false, and the command's usage said, when that is no
// channel.
func (m *Model) channelArg(c *call, i int) (ch string, ok bool) {
	ch = c.w.Name
	if len(c.args) > i {
		ch = c.args[i]
	}
	if !m.isChannel(ch) {
		m.usage(c.w, c.cmd)
		return "", false
	}
	return ch, true
}

func (m *Model) cmdNames(c *call) tea.Cmd {
	ch, ok := m.channelArg(c, 0)
	if !ok {
		return nil
	}
	members := m.members(ch)
	if len(members) == 0 {
		m.info(c.w, "nobody known in "+ch+" (gavel is not in it)")
		return nil
	}
	var names []string
	ops, voiced := 0, 0
	for _, mb := range members {
		names = append(names, mb.Prefix+mb.Nick)
		switch mb.Prefix {
		case "@", "~", "&":
			ops++
		case "+", "%":
			voiced++
		}
	}
	m.info(c.w, "Users on "+ch+" ("+itoa(len(members))+", "+itoa(ops)+" operators, "+itoa(voiced)+" voiced): "+strings.Join(names, " "))
	return nil
}

func (m *Model) cmdList(c *call) tea.Cmd {
	m.state.listing = &listing{filter: strings.ToLower(c.line)}
	m.results.Kind = "list"
	m.results.SetLoading("Channels" + suffix(c.line))
	m.openResults("list")
	m.report(c.w, m.opts.Network.List())
	return nil
}

func (m *Model) cmdTopic(c *call) tea.Cmd {
	ch := c.w.Name
	if c.line == "" {
		t := m.chans.Topic(ch)
		if t == "" {
			t = "(no topic known)"
		}
		m.info(c.w, "topic of "+ch+": "+t)
		return nil
	}
	if m.offline() {
		m.errorLine(c.w, "setting the topic needs a connection; in a meeting, say #topic")
		return nil
	}
	m.report(c.w, m.opts.Network.SetTopic(ch, c.line))
	return nil
}

func (m *Model) cmdMode(c *call) tea.Cmd {
	m.report(c.w, m.opts.Network.Mode(c.args[0], c.args[1], c.args[2:]...))
	return nil
}

func (m *Model) cmdStatus(c *call) tea.Cmd {
	flag := map[string]string{"op": "+o", "deop": "-o", "voice": "+v", "devoice": "-v"}[c.cmd.name]
	for i := 0; i < len(c.args); i += 4 {
		batch := c.args[i:min(i+4, len(c.args))]
		modes := flag[:1] + strings.Repeat(flag[1:], len(batch))
		m.report(c.w, m.opts.Network.Mode(c.w.Name, modes, batch...))
	}
	return nil
}

func (m *Model) cmdKick(c *call) tea.Cmd {
	m.report(c.w, m.opts.Network.Kick(c.w.Name, c.args[0], c.after(1)))
	return nil
}

func (m *Model) cmdInvite(c *call) tea.Cmd {
	ch, ok := m.channelArg(c, 1)
	if !ok {
		return nil
	}
	m.report(c.w, m.opts.Network.Invite(c.args[0], ch))
	return nil
}

func (m *Model) cmdAway(c *call) tea.Cmd {
	m.report(c.w, m.opts.Network.Away(c.line))
	return nil
}

func (m *Model) cmdIgnore(c *call) tea.Cmd {
	if len(c.args) == 0 {
		var list []string
		for n := range m.state.ignored {
			list = append(list, n)
		}
		slices.Sort(list)
		if len(list) == 0 {
			m.info(c.w, "ignoring nobody")
		} else {
			m.info(c.w, "ignoring "+strings.Join(list, ", ")+" (display only: their lines still count in the minutes)")
		}
		return nil
	}
	for _, n := range c.args {
		m.state.ignored[m.Me.FoldName(n)] = true
	}
	m.info(c.w, "ignoring "+strings.Join(c.args, ", ")+": their lines are not shown; the meeting still counts them")
	return nil
}

func (m *Model) cmdUnignore(c *call) tea.Cmd {
	for _, n := range c.args {
		delete(m.state.ignored, m.Me.FoldName(n))
	}
	m.info(c.w, "showing "+strings.Join(c.args, ", ")+" again")
	return nil
}

func (m *Model) cmdRaw(c *call) tea.Cmd {
	m.report(c.w, m.opts.Network.Raw(c.line))
	return nil
}

func (m *Model) cmdLastlog(c *call) tea.Cmd {
	q := strings.ToLower(c.line)
	buf := c.w.Log.Buf
	var lines []string
	for i := 0; i < buf.Len(); i++ {
		l := buf.At(i)
		if !chanlog.Matches(l, q) {
			continue
		}
		t := time.Unix(l.Time, 0).In(m.location()).Format("15:04")
		var who string
		switch l.Kind {
		case chanlog.Msg:
			who = "<" + l.Nick + ">"
		case chanlog.Action:
			who = "* " + l.Nick
		default:
			who = "--"
		}
		lines = append(lines, t+" "+who+" "+meeting.StripFormatting(l.Text))
	}
	title := "Lastlog " + strconv.Quote(c.line) + " in " + c.w.Name + " · " + itoa(len(lines)) + " lines"
	if len(lines) == 0 {
		lines = []string{"no line contains " + strconv.Quote(c.line)}
	}
	m.openResults("lastlog")
	m.results.SetText(title, lines)
	m.results.Scroll(len(lines)) // the newest at the bottom
	return nil
}

func (m *Model) location() *time.Location {
	if m.opts.Location != nil {
		return m.opts.Location
	}
	return time.UTC
}

func (m *Model) cmdClear(c *call) tea.Cmd {
	c.w.Log.Clear()
	return nil
}

func (m *Model) cmdMinutes(c *call) tea.Cmd {
	mt := m.Meeting()
	if mt == nil {
		m.errorLine(c.w, "no meeting in "+c.w.Name+" (start one with #startmeeting)")
		return nil
	}
	m.openResults("minutes")
	m.refreshMinutes()
	return nil
}

// refreshMinutes shows the current meeting's text minutes in the pane, as
// the live driver renders them (a running meeting as in progress, in the
// archive's style and with its URL prefix).
func (m *Model) refreshMinutes() {
	mt := m.Meeting()
	if mt == nil {
		m.results.Refresh("Minutes", []string{"no meeting in " + m.wins.Current().Name})
		return
	}
	text, err := m.opts.Glue.Minutes(m.wins.Current().Name)
	if err != nil {
		m.results.SetError("Minutes", err.Error())
		return
	}
	title := "Minutes of " + mt.Name + " · in progress (" + panes.Elapsed(m.clock().Sub(mt.Start)) + ")"
	if mt.Ended() {
		title = "Minutes of " + mt.Name + " · ended"
	}
	m.results.Refresh(title, strings.Split(strings.TrimRight(text, "\n"), "\n"))
}

func (m *Model) cmdPublish(c *call) tea.Cmd {
	ups := m.opts.Glue.Publish(c.w.Name)
	if m.offline() {
		m.info(c.w, "offline: nothing is published — /minutes shows the minutes")
		return nil
	}
	_, cmd := m.applyUpdates(ups)
	return cmd
}

func (m *Model) cmdFas(c *call) tea.Cmd { return m.lookup("fas", c.args) }

func (m *Model) cmdPkgs(c *call) tea.Cmd {
	if len(c.args) != 1 {
		m.usage(c.w, c.cmd)
		return nil
	}
	return m.lookup("whoowns", c.args)
}

func (m *Model) cmdMirrors(c *call) tea.Cmd { return m.lookup("mirrors", c.args) }

func (m *Model) cmdLookup(c *call) tea.Cmd {
	if len(c.args) == 0 {
		var rows [][]string
		for _, ci := range m.opts.Router.Commands() {
			rows = append(rows, []string{ci.Usage, ci.Help})
		}
		m.results.SetTable("Lookups", []string{"Usage", "What"}, rows, "")
		m.openResults("lookups")
		return nil
	}
	return m.lookup(c.args[0], c.args[1:])
}

func (m *Model) cmdTheme(c *call) tea.Cmd {
	if len(c.args) != 1 {
		m.info(c.w, "theme "+m.theme.Name+" — /theme dark|light|high-contrast|auto")
		return nil
	}
	if strings.EqualFold(c.args[0], "auto") {
		m.followBG = true
		m.status("following the terminal's background")
		return tea.RequestBackgroundColor
	}
	t, err := themes.ByName(c.args[0])
	if err != nil {
		m.errorLine(c.w, err.Error())
		return nil
	}
	m.followBG = false
	m.setTheme(t, true)
	return nil
}

func (m *Model) cmdBell(c *call) tea.Cmd {
	if len(c.args) > 0 {
		switch strings.ToLower(c.args[0]) {
		case "on":
			m.state.bell = true
		case "off":
			m.state.bell = false
		default:
			m.usage(c.w, c.cmd)
			return nil
		}
	}
	state := "off"
	if m.state.bell {
		state = "on"
	}
	m.info(c.w, "bell "+state+" (a highlight or a private message rings the terminal bell)")
	return nil
}

func (m *Model) cmdQuit(c *call) tea.Cmd { return m.quit(c.line) }

func (m *Model) cmdHelp(*call) tea.Cmd {
	m.openHelp()
	return nil
}

// openHelp shows the keys and commands over the screen.
func (m *Model) openHelp() {
	var cmds [][2]string
	for _, c := range commands {
		cmds = append(cmds, [2]string{strings.TrimSpace("/" + c.name + " " + c.args), c.help})
	}
	m.overlay = &panes.Help{
		Common:   m.Common,
		Keys:     m.Keys.FullHelp(),
		Commands: cmds,
		Footer: []string{
			"Plain text is said to the channel; #topic, #info, #action, #agreed… are meeting commands.",
			"Any lookup works as a command too: " + strings.Join(m.lookupNames(), ", "),
		},
	}
}

// openResults shows the results pane (kind names its content).
func (m *Model) openResults(kind string) {
	m.results.Kind = kind
	if !m.results.Shown() {
		m.results.Show()
	}
	m.layout()
}

// lookup runs a backend lookup as an async Cmd; the answer fills the pane.
func (m *Model) lookup(cmd string, args []string) tea.Cmd {
	m.state.lookupSeq++
	seq := m.state.lookupSeq
	title := strings.TrimSpace(cmd + " " + strings.Join(args, " "))
	m.results.SetLoading(title)
	m.openResults("lookup")
	r, ctx := m.opts.Router, m.opts.Context
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		res, err := r.Lookup(ctx, cmd, args)
		return lookupMsg{seq: seq, title: title, res: res, err: err}
	}
}

func (m *Model) lookupNames() []string {
	var out []string
	for _, c := range m.opts.Router.Commands() {
		out = append(out, c.Name)
	}
	return out
}
