package tui

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"gavel/meeting"
	"gavel/meeting/minutes"
	"gavel/themes"
	"gavel/tui/chanlog"
	"gavel/tui/cmdline"
	"gavel/tui/common"
)

var readFile = os.ReadFile

func newStyles(t themes.Theme) *common.Styles { return common.NewStyles(t) }

// command is one console command.
type command struct {
	name, args, help string
	completes        string // "nicks", "channels", "packages", "users", "themes", "commands"
	network          bool   // needs the connection
}

// consoleCommands are the / commands, in help order.
var consoleCommands = []command{
	{"join", "#channel[,#channel…]", "join channels", "channels", true},
	{"part", "[#channel] [reason]", "leave a channel (default: this one)", "channels", true},
	{"msg", "nick text", "send a private message", "nicks", true},
	{"query", "nick [text]", "open a private window", "nicks", false},
	{"me", "text", "say an action (/me waves)", "", true},
	{"nick", "newnick", "change your nick", "", true},
	{"whois", "nick", "ask the server about someone", "nicks", true},
	{"topic", "[text]", "show or set the channel topic", "", false},
	{"mode", "target modes [args]", "set modes", "channels", true},
	{"op", "nick…", "give channel operator status", "nicks", true},
	{"deop", "nick…", "take channel operator status", "nicks", true},
	{"voice", "nick…", "give voice", "nicks", true},
	{"kick", "nick [reason]", "kick someone from the channel", "nicks", true},
	{"invite", "nick [#channel]", "invite someone", "nicks", true},
	{"away", "[message]", "set (or clear) your away message", "", true},
	{"raw", "LINE", "send a raw IRC line", "", true},
	{"quit", "[message]", "disconnect and leave gavel", "", false},
	{"minutes", "", "preview the current minutes in a pane", "", false},
	{"publish", "", "write the minutes to the archive now", "", false},
	{"fas", "name", "look up accounts", "users", false},
	{"pkgs", "package", "who owns a package and what it is", "packages", false},
	{"mirrors", "repo arch [country]", "mirrors serving a repository", "", false},
	{"lookup", "command args…", "any lookup (whoowns, branches, sources, members…)", "lookups", false},
	{"theme", "dark|light|high-contrast|auto", "switch the colour theme", "themes", false},
	{"close", "", "close this window", "", false},
	{"clear", "", "clear this window's scrollback", "", false},
	{"help", "", "list the commands", "", false},
}

func (m *Model) initCommands() {
	for _, c := range consoleCommands {
		m.cmdNames = append(m.cmdNames, "/"+c.name)
		m.cmdHelp = append(m.cmdHelp, c.args+" — "+c.help)
	}
	for _, c := range meeting.Commands() {
		name := c
		if !strings.HasPrefix(name, "#") {
			name = "#" + name
		}
		m.meetCmds = append(m.meetCmds, name)
	}
	slices.Sort(m.meetCmds)
}

// completions is the command line's completion source.
func (m *Model) completions(words []string, tok string, index int) (cmdline.Set, bool) {
	w := m.wins.current()
	if index == 0 {
		switch {
		case strings.HasPrefix(tok, "/"):
			return cmdline.Set{Title: "commands", Items: m.cmdNames, Details: m.cmdHelp}, true
		case strings.HasPrefix(tok, "#") && w.kind == winChannel:
			return cmdline.Set{Title: "meeting commands", Items: m.meetCmds}, true
		}
		return cmdline.Set{Title: "nicks in " + w.name, Items: m.nicksFor(w), Suffix: ": "}, true
	}
	first := strings.ToLower(words[0])
	if c, ok := lookupCommand(first); ok && index == 1 {
		switch c.completes {
		case "packages":
			return cmdline.Set{Title: "packages", Items: m.packages}, true
		case "users":
			return cmdline.Set{Title: "accounts", Items: m.users}, true
		case "channels":
			return cmdline.Set{Title: "channels", Items: m.channelList()}, true
		case "themes":
			return cmdline.Set{Title: "themes", Items: []string{"dark", "light", "high-contrast", "auto"}}, true
		case "lookups":
			return cmdline.Set{Title: "lookups", Items: m.lookupNames()}, true
		}
	}
	if first == "/lookup" && index == 2 && len(words) > 1 {
		for _, ci := range m.opts.Router.Commands() {
			if ci.Name == strings.ToLower(words[1]) {
				switch ci.Completes {
				case "packages":
					return cmdline.Set{Title: "packages", Items: m.packages}, true
				case "users":
					return cmdline.Set{Title: "accounts", Items: m.users}, true
				}
			}
		}
	}
	if strings.HasPrefix(tok, "#") {
		return cmdline.Set{Title: "channels", Items: m.channelList()}, true
	}
	return cmdline.Set{Title: "nicks in " + w.name, Items: m.nicksFor(w)}, true
}

func lookupCommand(word string) (command, bool) {
	if !strings.HasPrefix(word, "/") {
		return command{}, false
	}
	for _, c := range consoleCommands {
		if c.name == word[1:] {
			return c, true
		}
	}
	return command{}, false
}

func (m *Model) lookupNames() []string {
	var out []string
	for _, c := range m.opts.Router.Commands() {
		out = append(out, c.Name)
	}
	return out
}

// nicksFor lists the nicks to complete in a window: its members and the
// meeting's attendees.
func (m *Model) nicksFor(w *window) []string {
	out := slices.Clone(w.nickList())
	if w.kind == winChannel {
		if mt := m.opts.Glue.Meeting(w.name); mt != nil {
			for _, a := range mt.Attendees {
				if !w.present(a.Nick) {
					out = append(out, a.Nick)
				}
			}
		}
	}
	if w.kind == winQuery {
		out = append(out, w.name)
	}
	return out
}

func (m *Model) channelList() []string {
	var out []string
	for _, w := range m.wins.list {
		if w.kind == winChannel {
			out = append(out, w.name)
		}
	}
	return out
}

// submit runs a line typed in the command line.
func (m *Model) submit(line string) {
	if strings.TrimSpace(line) == "" {
		return
	}
	w := m.wins.current()
	if strings.HasPrefix(line, "/") && !strings.HasPrefix(line, "//") {
		m.command(line)
		return
	}
	line = strings.TrimPrefix(line, "/")
	if w.kind == winStatus {
		m.errorLine(w, "this is gavel's own window: /join a channel or /query a nick to talk")
		return
	}
	m.say(w.name, line)
}

// say sends a line to a channel or nick. Channel lines go through the glue
// so that the meeting engine sees them exactly as the channel does; offline
// (the demo) they are fed to the engine as our own lines.
func (m *Model) say(target, text string) {
	w := m.openWindow(target)
	if m.opts.Client == nil {
		now := m.clock()
		m.push(w, chanlog.Line{Time: now.Unix(), Nick: m.nickOr(), Text: text, Kind: chanlog.Msg, Flags: chanlog.Self})
		if isChannel(target) {
			w.addMember(m.nickOr())
			m.applyUpdates(m.opts.Glue.HandleEvent(target, meeting.Message{Time: now.UTC(), Nick: m.nickOr(), Text: text}))
			m.refreshPanes()
		}
		return
	}
	if isChannel(target) {
		if m.applyUpdates(m.opts.Glue.Say(target, text)) {
			m.refreshPanes()
		}
		return
	}
	if err := m.opts.Client.Say(target, text); err != nil {
		m.errorLine(w, err.Error())
	}
}

func (m *Model) nickOr() string {
	if m.nick == "" {
		return "chair"
	}
	return m.nick
}

// command runs a / command.
func (m *Model) command(line string) {
	fields := strings.Fields(line[1:])
	if len(fields) == 0 {
		return
	}
	name := strings.ToLower(fields[0])
	args := fields[1:]
	rest := strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(line[1:]), fields[0]))
	w := m.wins.current()
	cl := m.opts.Client
	c, known := lookupCommand("/" + name)
	if !known {
		// Every lookup of the router works as a command too (/whoowns x).
		for _, ci := range m.opts.Router.Commands() {
			if ci.Name == name {
				m.lookup(name, args)
				return
			}
		}
		m.errorLine(w, "unknown command /"+name+" — /help lists them, Ctrl+K searches them")
		return
	}
	if c.network && cl == nil {
		m.errorLine(w, "/"+name+" needs a connection; this is the offline demo")
		return
	}
	usage := func() { m.errorLine(w, "usage: /"+c.name+" "+c.args) }
	report := func(err error) {
		if err != nil {
			m.errorLine(w, err.Error())
		}
	}
	channelHere := func() (string, bool) {
		if w.kind != winChannel {
			m.errorLine(w, "/"+name+" works in a channel window")
			return "", false
		}
		return w.name, true
	}
	switch name {
	case "join":
		if len(args) == 0 {
			usage()
			return
		}
		var chans []string
		for _, ch := range strings.Split(args[0], ",") {
			if ch == "" {
				continue
			}
			if !isChannel(ch) {
				ch = "#" + ch
			}
			chans = append(chans, ch)
		}
		report(cl.Join(chans...))
		for _, ch := range chans {
			m.openWindow(ch)
		}
		m.switchWin(m.wins.find(chans[len(chans)-1]))
	case "part":
		target, reason := w.name, rest
		if len(args) > 0 && isChannel(args[0]) {
			target, reason = args[0], strings.TrimSpace(strings.TrimPrefix(rest, args[0]))
		}
		if !isChannel(target) {
			usage()
			return
		}
		report(cl.Part(target, reason))
		m.wins.remove(m.wins.find(target))
		m.refreshPanes()
	case "msg":
		if len(args) < 2 {
			usage()
			return
		}
		text := strings.TrimSpace(strings.TrimPrefix(rest, args[0]))
		if isChannel(args[0]) {
			m.say(args[0], text)
			return
		}
		report(cl.Say(args[0], text))
	case "query":
		if len(args) == 0 {
			usage()
			return
		}
		m.openWindow(args[0])
		m.switchWin(m.wins.find(args[0]))
		if text := strings.TrimSpace(strings.TrimPrefix(rest, args[0])); text != "" {
			m.say(args[0], text)
		}
	case "me":
		if w.kind == winStatus || rest == "" {
			usage()
			return
		}
		report(cl.Action(w.name, rest))
	case "nick":
		if len(args) != 1 {
			usage()
			return
		}
		report(cl.SetNick(args[0]))
	case "whois":
		if len(args) != 1 {
			usage()
			return
		}
		report(cl.SendRaw("WHOIS " + args[0]))
		m.info(w, "asked the server about "+args[0]+"; the answer shows in the gavel window")
	case "topic":
		ch, ok := channelHere()
		if !ok {
			return
		}
		if rest == "" {
			t := w.topic
			if t == "" {
				t = "(no topic known)"
			}
			m.info(w, "topic of "+ch+": "+t)
			return
		}
		if cl == nil {
			m.errorLine(w, "setting the topic needs a connection; in a meeting, say #topic")
			return
		}
		report(cl.SetTopic(ch, rest))
	case "mode":
		if len(args) < 2 {
			usage()
			return
		}
		report(cl.SendRaw("MODE " + rest))
	case "op", "deop", "voice":
		ch, ok := channelHere()
		if !ok {
			return
		}
		if len(args) == 0 {
			usage()
			return
		}
		flag := map[string]string{"op": "+o", "deop": "-o", "voice": "+v"}[name]
		for i := 0; i < len(args); i += 4 {
			batch := args[i:min(i+4, len(args))]
			modes := flag[:1] + strings.Repeat(flag[1:], len(batch))
			report(cl.SendRaw("MODE " + ch + " " + modes + " " + strings.Join(batch, " ")))
		}
	case "kick":
		ch, ok := channelHere()
		if !ok {
			return
		}
		if len(args) == 0 {
			usage()
			return
		}
		reason := strings.TrimSpace(strings.TrimPrefix(rest, args[0]))
		l := "KICK " + ch + " " + args[0]
		if reason != "" {
			l += " :" + reason
		}
		report(cl.SendRaw(l))
	case "invite":
		if len(args) == 0 {
			usage()
			return
		}
		ch := w.name
		if len(args) > 1 {
			ch = args[1]
		}
		if !isChannel(ch) {
			usage()
			return
		}
		report(cl.SendRaw("INVITE " + args[0] + " " + ch))
	case "away":
		if rest == "" {
			report(cl.SendRaw("AWAY"))
		} else {
			report(cl.SendRaw("AWAY :" + rest))
		}
	case "raw":
		if rest == "" {
			usage()
			return
		}
		report(cl.SendRaw(rest))
	case "quit":
		m.quit(rest)
	case "minutes":
		m.showMinutes()
	case "publish":
		ch, ok := channelHere()
		if !ok {
			return
		}
		ups := m.opts.Glue.Publish(ch)
		if m.opts.Client == nil && len(ups) == 0 {
			m.info(w, "offline: nothing is published — /minutes shows the minutes")
		}
		m.applyUpdates(ups)
	case "fas":
		if len(args) == 0 {
			usage()
			return
		}
		m.lookup("fas", args)
	case "pkgs":
		if len(args) != 1 {
			usage()
			return
		}
		m.lookup("whoowns", args)
	case "mirrors":
		if len(args) < 2 {
			usage()
			return
		}
		m.lookup("mirrors", args)
	case "lookup":
		if len(args) == 0 {
			m.lookupHelp()
			return
		}
		m.lookup(args[0], args[1:])
	case "theme":
		if len(args) != 1 {
			m.info(w, "theme "+m.theme.Name+" — /theme dark|light|high-contrast|auto")
			return
		}
		if strings.EqualFold(args[0], "auto") {
			m.followBG = true
			m.pendingCmds = append(m.pendingCmds, tea.RequestBackgroundColor)
			m.status("following the terminal's background")
			return
		}
		t, err := themes.ByName(args[0])
		if err != nil {
			m.errorLine(w, err.Error())
			return
		}
		m.followBG = false
		m.setTheme(t, true)
	case "close":
		if m.wins.cur == 0 {
			m.errorLine(w, "the gavel window stays open")
			return
		}
		if w.kind == winChannel && w.joined && cl != nil {
			report(cl.Part(w.name, ""))
		}
		m.wins.remove(m.wins.cur)
		m.refreshPanes()
	case "clear":
		w.log.Buf = chanlog.NewBuffer(w.log.Buf.Cap())
		w.log.End()
	case "help":
		m.commandHelp()
	}
}

func (m *Model) commandHelp() {
	var lines []string
	for _, c := range consoleCommands {
		lines = append(lines, padRight("/"+c.name+" "+c.args, 34)+c.help)
	}
	lines = append(lines, "", "Plain text is said to the channel; #topic, #action, #agreed… are meeting commands.",
		"Any lookup works as a command too: "+strings.Join(m.lookupNames(), ", "))
	m.results.SetText("Commands", lines)
	m.openResults()
}

func (m *Model) lookupHelp() {
	var rows [][]string
	for _, c := range m.opts.Router.Commands() {
		rows = append(rows, []string{c.Usage, c.Help})
	}
	m.results.SetTable("Lookups", []string{"Usage", "What"}, rows, "")
	m.openResults()
}

func padRight(s string, n int) string {
	if w := common.TextWidth(s); w < n {
		return s + strings.Repeat(" ", n-w)
	}
	return s + " "
}

func (m *Model) openResults() {
	if !m.showResults {
		m.showResults = true
		m.layout()
	}
}

// showMinutes renders the current meeting's text minutes into the pane.
func (m *Model) showMinutes() {
	w := m.wins.current()
	mt := m.Meeting()
	if mt == nil {
		m.errorLine(w, "no meeting in "+w.name+" (start one with #startmeeting)")
		return
	}
	var buf bytes.Buffer
	if err := minutes.Render(minutes.FileText, &buf, mt, mt.BaseName(), minutes.Options{Style: m.opts.Style, RelDir: mt.RelDir()}); err != nil {
		m.errorLine(w, "minutes: "+err.Error())
		return
	}
	m.results.SetText("Minutes of "+mt.Name+" (preview)", strings.Split(strings.TrimRight(buf.String(), "\n"), "\n"))
	m.openResults()
}

// lookup runs a backend lookup as an async Cmd; the answer fills the pane.
func (m *Model) lookup(cmd string, args []string) {
	m.lookupSeq++
	seq := m.lookupSeq
	title := strings.TrimSpace(cmd + " " + strings.Join(args, " "))
	m.results.SetLoading(title)
	m.openResults()
	r, ctx := m.opts.Router, m.ctx
	m.pendingCmds = append(m.pendingCmds, func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		res, err := r.Lookup(ctx, cmd, args)
		return lookupMsg{seq: seq, title: title, res: res, err: err}
	})
}

// channelLookup answers ".fas x" said in a channel, off the UI goroutine.
func (m *Model) channelLookup(channel, nick, text string) tea.Cmd {
	r, ctx := m.opts.Router, m.ctx
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		key, lines, ok := r.ChannelAnswer(ctx, nick, text)
		if !ok {
			return nil
		}
		return channelLookupMsg{channel: channel, nick: nick, key: key, lines: lines}
	}
}

func (m *Model) channelReplies(msg channelLookupMsg) {
	if m.opts.Client != nil {
		// Through the glue, in the connection's lane for answers; the
		// reply is logged like every line said.
		m.applyUpdates(m.opts.Glue.Answer(msg.channel, msg.key, msg.nick, msg.lines))
		return
	}
	w := m.openWindow(msg.channel)
	for _, l := range msg.lines {
		m.push(w, chanlog.Line{Time: m.clock().Unix(), Nick: m.nickOr(), Text: msg.nick + ": " + l, Kind: chanlog.Msg, Flags: chanlog.Self})
	}
}
