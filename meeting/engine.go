package meeting

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Options configure an Engine.
type Options struct {
	Style   Style
	Channel string // the channel this engine runs, with its '#'
	// URLPrefix is prepended to the archive-relative paths of the minutes
	// in the #endmeeting announcement.
	URLPrefix string
	// BindAccounts, when set, binds each chair to the services account it
	// was first seen with (IRCv3 account-tag): someone else who takes a
	// chair's nick cannot run chair commands.
	BindAccounts bool
	// Fold folds a nick for comparison, as the IRC server does (its
	// CASEMAPPING live, rfc1459 in replay): in the default style chair
	// checks, #chair and #unchair compare folded nicks. nil means exact
	// comparison. zodbot style always compares exactly, as MeetBot did
	// ("Alice" is not the chair "alice"), and so does a Matrix room
	// (NickFold): whatever Fold is given, live or in replay.
	Fold func(string) string
	// Dialect is how commands are spelled: MeetBot's "#topic" (the zero
	// value) or Fedora's Matrix "!topic" (dialect.go).
	Dialect Dialect
	// Moderator, when set, reports whether a member may chair by their
	// standing in the channel (a Matrix power level at or above the
	// configured one), given the nick and the stable identity (the user
	// ID, Message.Account). In the default style such a member who is
	// not yet a chair becomes one when they first use a chair's command,
	// and the log records it ("-!- nick is a chair by power level") so
	// that a replay grants the same (edits.go).
	Moderator func(nick, id string) bool
}

// MeetBotInfo is the URL MeetBot's replies point to.
const MeetBotInfo = "http://wiki.debian.org/MeetBot"

// maxPending bounds the replies remembered while waiting for their echo;
// a reply not echoed within echoWindow log lines is forgotten (a replayed
// log that holds no bot lines, or a server without echo-message).
const (
	maxPending = 64
	echoWindow = 200
)

// reply is a line the engine said, remembered until its echo comes back.
type reply struct {
	text string
	line int // the meeting's line count when it was said
}

// Engine runs the meetings of one channel. It is not safe for concurrent
// use; feed it from one goroutine. It copies every string it keeps, so
// that event texts may share memory with the reader's buffers.
type Engine struct {
	opts    Options
	meeting *Meeting // the running meeting, or the last ended one
	topic   string   // the channel topic as last seen
	vote    *Vote    // the vote in progress

	accounts      map[string]string // folded nick -> last seen account
	chairAccounts map[string]string // folded chair nick -> bound account

	ids     map[string]sentLines // message ID -> the log lines it made (edits.go)
	pending []reply              // replies said, not yet seen echoed back
	out     []Effect             // reused result buffer
}

// NewEngine returns an engine for one channel.
func NewEngine(opts Options) *Engine {
	opts.Fold = NickFold(opts.Channel, opts.Fold)
	return &Engine{
		opts:          opts,
		accounts:      map[string]string{},
		chairAccounts: map[string]string{},
	}
}

// Meeting returns the running meeting, or the last one that ended, or nil.
func (e *Engine) Meeting() *Meeting { return e.meeting }

// Active reports whether a meeting is running.
func (e *Engine) Active() bool { return e.meeting != nil && !e.meeting.Ended() }

// Handle feeds one event to the engine and returns what to do. The returned
// slice is only valid until the next call.
func (e *Engine) Handle(ev Event) []Effect {
	e.out = e.out[:0]
	switch ev := ev.(type) {
	case Message:
		e.message(ev)
	case *Message:
		e.message(*ev)
	case NickChange:
		e.nickChange(ev)
	case TopicChange:
		e.topic = strings.Clone(ev.Topic)
	case Edit:
		e.edit(ev)
	case Redaction:
		e.redact(ev)
	case Chaired:
		if e.Active() && e.opts.Style != StyleZodbot {
			e.chaired(ev)
		}
	}
	return e.out
}

func (e *Engine) say(text string) {
	if e.meeting != nil && e.meeting.Lurking {
		return
	}
	e.out = append(e.out, Effect{Kind: EffectSay, Text: text})
	if len(e.pending) >= maxPending {
		e.pending = append(e.pending[:0], e.pending[1:]...)
	}
	at := 0
	if e.meeting != nil {
		at = e.meeting.LineCount
	}
	e.pending = append(e.pending, reply{text: text, line: at})
}

// sayError is a refusal, addressed as Supybot addresses errors.
func (e *Engine) sayError(nick, text string) {
	e.say(nick + ": Error: " + text)
}

func (e *Engine) setTopic(text string) {
	if e.meeting != nil && e.meeting.Lurking {
		return
	}
	e.out = append(e.out, Effect{Kind: EffectTopic, Text: text})
}

// isEcho reports whether text is a reply of ours coming back (IRCv3
// echo-message live, the bot's own lines in a replayed log), and forgets it.
func (e *Engine) isEcho(text string, line int) bool {
	old := 0
	for old < len(e.pending) && line-e.pending[old].line > echoWindow {
		old++
	}
	if old > 0 {
		e.pending = append(e.pending[:0], e.pending[old:]...)
	}
	for i, p := range e.pending {
		if p.text == text {
			e.pending = append(e.pending[:i], e.pending[i+1:]...)
			return true
		}
	}
	return false
}

// key is a nick as compared: folded in the default style when a fold is
// given, exact otherwise.
func (e *Engine) key(nick string) string {
	if e.opts.Fold != nil && e.opts.Style != StyleZodbot {
		return e.opts.Fold(nick)
	}
	return nick
}

func (e *Engine) nickChange(ev NickChange) {
	oldNick, newNick := e.decodeNick(ev.Old), e.decodeNick(ev.New)
	if a, ok := e.accounts[e.key(oldNick)]; ok {
		e.accounts[e.key(newNick)] = a
	}
	m := e.meeting
	if m == nil || m.Ended() {
		return
	}
	nick := strings.Clone(newNick)
	m.renameAttendee(oldNick, nick)
	if m.sameNick(m.Owner, oldNick) {
		m.Owner = nick
	}
	for i, c := range m.Chairs {
		if m.sameNick(c, oldNick) {
			m.Chairs[i] = nick
		}
	}
	if a, ok := e.chairAccounts[e.key(oldNick)]; ok {
		delete(e.chairAccounts, e.key(oldNick))
		e.chairAccounts[e.key(newNick)] = a
	}
	m.renameChairedAs(oldNick, nick)
	if e.opts.Style != StyleZodbot && oldNick != nick {
		// The default style's .log.txt records the change, so that a
		// replay of it follows the chair to the new nick as the live
		// meeting did (MeetBot's log has no such lines).
		m.LineCount++
		line := Line{N: m.LineCount, Time: ev.Time, Nick: strings.Clone(oldNick), NewNick: nick, plain: true}
		m.LastLine = ev.Time
		e.out = append(e.out, Effect{Kind: EffectLog, Line: line})
		m.lastSaved = m.LineCount
	}
}

// decodeNick is a nick as the style reads it.
func (e *Engine) decodeNick(nick string) string {
	if e.opts.Style == StyleZodbot {
		return PyDecodeUTF8(nick)
	}
	return PlainText(nick)
}

// said is one channel line as the engine reads it.
type said struct {
	nick string
	// log is the text of the log line.
	log string
	// cmd is the text commands, links and echoes are read from: in zodbot
	// style the decoded line as MeetBot matched its command regular
	// expression against it, in the default style the logged text.
	cmd    string
	action bool
}

// read turns a message into what the engine logs and reads.
func (e *Engine) read(ev Message) said {
	text := ev.Text
	if strings.IndexByte(text, '\n') >= 0 || strings.IndexByte(text, '\r') >= 0 {
		// One event is one log line, whatever the source handed us.
		text = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(text)
	}
	if e.opts.Style == StyleZodbot {
		// MeetBot's addline: decode, match commands on the line as it
		// came; log it stripped of ' ' and \x01, then of white space, a
		// line starting "ACTION" as a /me line without its first seven
		// characters (a message "ACTIONS due" too: MeetBot's quirk).
		s := said{nick: PyDecodeUTF8(ev.Nick), cmd: PyDecodeUTF8(text)}
		if ev.Action {
			// MeetBot logged "ACTION " + text the same way: what follows
			// "ACTION " with ' ' and \x01 trimmed on the right, stripped.
			s.action = true
			s.log = pyStrip(trimRightSpaceCTCP(s.cmd))
			s.cmd = "" // never a command, never an echo of ours
			return s
		}
		l := trimSpaceCTCP(s.cmd)
		if strings.HasPrefix(l, "ACTION") {
			s.action = true
			s.log = pyStrip(dropRunes(l, 7))
		} else {
			s.log = pyStrip(l)
		}
		return s
	}
	// The default style reads and logs the line as its files show it
	// (PlainText: no formatting codes or control characters, valid
	// UTF-8), trimmed of white space and \x01 as the log readers trim, so
	// that a live line and the replay of its .log.txt are the same.
	log := trimFunc(PlainText(trimFunc(text, isTrimmed)), isBlank)
	return said{nick: PlainText(ev.Nick), log: log, cmd: log, action: ev.Action}
}

// isTrimmed reports the bytes trimmed around a line in the default style:
// ASCII white space and \x01, as the log readers trim them.
func isTrimmed(c byte) bool { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == 0x01 }

func isBlank(c byte) bool { return c == ' ' || c == '\t' }

// trimFunc trims the bytes trim reports at both ends of s.
func trimFunc(s string, trim func(byte) bool) string {
	i, j := 0, len(s)
	for i < j && trim(s[i]) {
		i++
	}
	for j > i && trim(s[j-1]) {
		j--
	}
	return s[i:j]
}

func isSpaceCTCP(c byte) bool { return c == ' ' || c == 0x01 }

// trimSpaceCTCP is MeetBot's line.strip(' \x01').
func trimSpaceCTCP(s string) string { return trimFunc(s, isSpaceCTCP) }

func trimRightSpaceCTCP(s string) string {
	j := len(s)
	for j > 0 && isSpaceCTCP(s[j-1]) {
		j--
	}
	return s[:j]
}

// dropRunes drops the first n code points of s (fewer when s is shorter).
func dropRunes(s string, n int) string {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		_, size := DecodePyRune(s[i:])
		i += size
	}
	return s[i:]
}

func (e *Engine) message(ev Message) {
	s := e.read(ev)
	if ev.Account != "" {
		e.accounts[e.key(s.nick)] = ev.Account
	}
	zodbot := e.opts.Style == StyleZodbot
	if !e.Active() {
		if !ev.Action {
			e.maybeStart(ev, s)
		}
		return
	}
	if zodbot && !ev.Action && e.startsWithWord(ev.Text, "startmeeting") {
		// zodbot refused this before logging the line.
		e.sayError(s.nick, "Can't start another meeting, one is in progress.")
		return
	}
	m := e.meeting
	e.grantChair(ev, s)
	m.LineCount++
	line := Line{N: m.LineCount, Time: ev.Time, Nick: s.nick, Text: s.log, Action: s.action, plain: !zodbot}
	m.LastLine = ev.Time
	e.out = append(e.out, Effect{Kind: EffectLog, Line: line})
	e.remember(ev, m.LineCount)
	e.rememberUser(s.nick, ev.Account)
	m.addAttendee(s.nick, 1)
	if len(e.pending) > 0 && e.isEcho(s.cmd, m.LineCount) {
		return
	}
	saved := true
	if !ev.Action {
		saved = e.command(ev, s, line)
	}
	if saved && !m.Ended() {
		m.lastSaved = m.LineCount
	}
}

// maybeStart starts a meeting when the line asks for one.
func (e *Engine) maybeStart(ev Message, s said) {
	if e.opts.Style == StyleZodbot {
		// zodbot's plugin: a line starting exactly "#startmeeting"
		// starts a meeting when something but white space follows.
		if !e.startsWithWord(ev.Text, "startmeeting") {
			return
		}
		if cmd, arg, ok := e.parse(s.cmd); ok && cmd == "startmeeting" && s.cmd[1:13] == "startmeeting" {
			if strings.Trim(ev.Text[len("#startmeeting"):], " \t\n\r\v\f") == "" {
				e.sayError(s.nick, "A meeting topic is required, e.g., '"+e.word("startmeeting")+" Infrastructure'")
				return
			}
			e.startMeeting(ev, s, arg)
		}
		return
	}
	if cmd, arg, ok := e.parse(s.cmd); ok && cmd == "startmeeting" {
		e.startMeeting(ev, s, arg)
	}
}

// parseCommand splits "#cmd arg" as MeetBot's `#(\w+)[ \t]*(.*)` does, with
// the command lower-cased.
func parseCommand(text string) (cmd, arg string, ok bool) {
	if len(text) < 2 || text[0] != '#' {
		return "", "", false
	}
	return parseCommandAfter(text)
}

// parseCommandAfter is parseCommand after the command character, whatever
// it is (see Engine.parse).
func parseCommandAfter(text string) (cmd, arg string, ok bool) {
	i := 1
	for i < len(text) && isWordByte(text[i]) {
		i++
	}
	if i == 1 {
		return "", "", false
	}
	cmd = strings.ToLower(text[1:i])
	arg = strings.TrimLeft(text[i:], " \t")
	return cmd, arg, true
}

func isWordByte(c byte) bool {
	return c == '_' || isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

// urlSchemes are the prefixes that make a whole line a LINK item.
var urlSchemes = [...]string{"http://", "https://", "irc://", "ftp://", "mailto://", "ssh://"}

func isBareURL(text string) bool {
	if len(text) < 6 {
		return false
	}
	switch text[0] {
	case 'h', 'i', 'f', 'm', 's':
	default:
		return false
	}
	for _, s := range urlSchemes {
		if strings.HasPrefix(text, s) {
			return true
		}
	}
	return false
}

// asctime formats t like C's asctime(): "Wed Jun 10 12:02:26 2020".
func asctime(t time.Time) string { return t.UTC().Format("Mon Jan _2 15:04:05 2006") }

func clock(t time.Time) string { return t.UTC().Format("15:04:05") }

func (e *Engine) startMeeting(ev Message, s said, arg string) {
	zodbot := e.opts.Style == StyleZodbot
	title := strings.TrimSpace(arg)
	if zodbot {
		title = pyStrip(arg)
	}
	m := &Meeting{
		Channel: e.opts.Channel,
		Owner:   strings.Clone(s.nick),
		Title:   strings.Clone(title),
		Start:   ev.Time,
		Style:   e.opts.Style,
		fold:    e.opts.Fold,
	}
	if zodbot {
		m.fold = nil
	}
	e.meeting = m
	e.vote = nil
	e.ids = nil
	e.chairAccounts = map[string]string{}
	if ev.Account != "" {
		e.chairAccounts[e.key(s.nick)] = ev.Account
	}
	m.LineCount = 1
	m.LastLine = ev.Time
	e.out = append(e.out, Effect{Kind: EffectLog, Line: Line{N: 1, Time: ev.Time, Nick: s.nick, Text: s.log, plain: !zodbot}})
	e.remember(ev, 1)
	e.rememberUser(s.nick, ev.Account)
	m.addAttendee(s.nick, 1)
	m.startTopic = e.topic

	e.say("Meeting started " + asctime(ev.Time) + " UTC.")
	e.say("This meeting is logged and archived in a public location.")
	e.say("The chair is " + s.nick + ". Information about MeetBot at " + MeetBotInfo + ".")
	e.say("Useful Commands: " + strings.Join(e.spelled(usefulCommands), " ") + ".")
	if title != "" {
		if zodbot {
			// do_meetingtopic, then do_meetingname: the topic becomes
			// " (Meeting topic: <title>)" before any #topic.
			e.showTopic()
		}
		m.Name = e.meetingName(title)
		e.say("The meeting name has been set to '" + m.Name + "'")
	} else if !zodbot {
		m.Name = ChannelDir(m.Channel)
	}
	m.lastSaved = m.LineCount
}

// meetingName reduces a #meetingname argument to the meeting's name: in
// zodbot style as MeetBot did (lower-cased, white space runs joined with
// '_'; the file name drops '/' and goes through strftime, see
// Meeting.RelBaseFor), in the default style to [a-z0-9_-].
func (e *Engine) meetingName(s string) string {
	if e.opts.Style == StyleZodbot {
		return strings.Clone(strings.Join(pyFields(PyLower(pyStrip(s))), "_"))
	}
	return strings.Clone(SafeName(s))
}

// isChair checks chair rights, including the services account when chairs
// are bound to accounts.
func (e *Engine) isChair(ev Message, nick string) bool {
	m := e.meeting
	if !m.IsChair(nick) {
		return false
	}
	if !e.opts.BindAccounts {
		return true
	}
	key := e.key(nick)
	bound, ok := e.chairAccounts[key]
	if !ok {
		if ev.Account == "" {
			return false
		}
		e.chairAccounts[key] = ev.Account
		return true
	}
	return ev.Account != "" && strings.EqualFold(bound, ev.Account)
}

// command runs the command a line holds, if any, from the command table
// (commands.go). It reports false when MeetBot failed on the command with
// an exception, which skipped its realtime save of the log.
func (e *Engine) command(ev Message, s said, line Line) bool {
	name, arg, ok := e.parse(s.cmd)
	if !ok {
		if isBareURL(s.cmd) {
			e.addItem(KindLink, s, line, s.cmd)
		}
		return true
	}
	zodbot := e.opts.Style == StyleZodbot
	c, known := commandIndex[name]
	switch {
	case known && !c.Chair && zodbot && !c.Zodbot:
		// MeetBot 0.1.4 has no votes: ordinary lines, but the engine
		// keeps the ballot silently for the chair's tools (vote.go).
		if name == "vote" {
			e.castVote(s, arg)
		}
		return true
	case !known || c.Chair:
		// Unknown commands check chair rights as MeetBot's dispatch
		// does (binding a chair's account on first use).
		if !e.isChair(ev, s.nick) || !known {
			return true
		}
		if zodbot && !c.Zodbot {
			// The votes, silent in zodbot style (vote.go).
			switch name {
			case "startvote":
				e.startVote(s, line, arg)
			case "endvote":
				e.endVote(s, line)
			}
			return true
		}
	}
	return c.run(e, cmdCall{ev: ev, said: s, line: line, arg: arg, zodbot: zodbot})
}

// The commands' bodies, by name in the command table.

func (e *Engine) doCommands(cmdCall) bool {
	e.say("Available commands: " + strings.Join(e.commandList(), " "))
	return true
}

func (e *Engine) doNick(c cmdCall) bool {
	for _, n := range e.splitNicks(c.arg, true) {
		e.meeting.addAttendee(n, 0)
	}
	return true
}

func (e *Engine) doVote(c cmdCall) bool {
	e.castVote(c.said, c.arg)
	return true
}

func (e *Engine) doShowVote(cmdCall) bool {
	e.showVote()
	return true
}

func (e *Engine) doStartMeeting(c cmdCall) bool {
	e.sayError(c.said.nick, "Can't start another meeting, one is in progress.")
	return true
}

func (e *Engine) doMeetingName(c cmdCall) bool {
	if c.zodbot || e.isChair(c.ev, c.said.nick) {
		e.setName(c.arg, c.said)
	}
	return true
}

func (e *Engine) doTopic(c cmdCall) bool {
	m := e.meeting
	e.addItem(KindTopic, c.said, c.line, c.arg)
	m.topicText = m.Items[len(m.Items)-1].Text
	e.showTopic()
	return true
}

func (e *Engine) doMeetingTopic(c cmdCall) bool {
	m := e.meeting
	t := strings.TrimSpace(c.arg)
	lt := strings.ToLower(t)
	if c.zodbot {
		t = pyStrip(c.arg)
		lt = PyLower(t)
	}
	switch lt {
	case "", "none", "unset":
		m.Title = ""
	default:
		m.Title = strings.Clone(t)
	}
	if c.zodbot || m.CurrentTopic() != "" {
		e.showTopic()
	}
	return true
}

func (e *Engine) doChair(c cmdCall) bool {
	m := e.meeting
	for _, n := range e.splitNicks(c.arg, true) {
		if !m.isChairListed(n) {
			m.Chairs = append(m.Chairs, n)
			m.addAttendee(n, 0)
		}
	}
	e.say("Current chairs: " + strings.Join(m.ChairList(), " "))
	return true
}

func (e *Engine) doUnchair(c cmdCall) bool {
	m := e.meeting
	for _, n := range e.splitNicks(c.arg, !c.zodbot) {
		if m.sameNick(n, m.Owner) {
			continue
		}
		// A member chaired as a user ID goes with that ID, and the other
		// way round: else the ID would chair them again at once.
		names := append([]string{n}, m.chairedWith(n)...)
		m.Chairs = slices.DeleteFunc(m.Chairs, func(ch string) bool {
			return slices.ContainsFunc(names, func(x string) bool { return m.sameNick(ch, x) })
		})
		for _, x := range names {
			delete(e.chairAccounts, e.key(x))
		}
		m.forgetChairedAs(names)
	}
	e.say("Current chairs: " + strings.Join(m.ChairList(), " "))
	return true
}

func (e *Engine) doUndo(cmdCall) bool { return e.undo() }

func (e *Engine) doSave(cmdCall) bool {
	e.out = append(e.out, Effect{Kind: EffectSave})
	return true
}

func (e *Engine) doRestrictLogs(c cmdCall) bool {
	e.meeting.Restrict = true
	if c.zodbot {
		// MeetBot 0.1.4 fails here (RestrictPerm is not defined in
		// do_restrictlogs) after setting the flag: no reply.
		return false
	}
	e.say("Restricting permissions on minutes: -077 on next #save")
	return true
}

func (e *Engine) doLurk(cmdCall) bool {
	e.meeting.Lurking = true
	return true
}

func (e *Engine) doUnlurk(cmdCall) bool {
	e.meeting.Lurking = false
	return true
}

func (e *Engine) doStartVote(c cmdCall) bool {
	e.startVote(c.said, c.line, c.arg)
	return true
}

func (e *Engine) doEndVote(c cmdCall) bool {
	e.endVote(c.said, c.line)
	return true
}

func (e *Engine) doEndMeeting(c cmdCall) bool {
	e.endMeeting(c.said, c.line)
	return true
}

// itemText is a command argument as an item keeps it: as it came in zodbot
// style (MeetBot kept it unstripped), trimmed in the default style.
func (e *Engine) itemText(arg string) string {
	if e.opts.Style == StyleZodbot {
		return arg
	}
	return strings.TrimSpace(arg)
}

func (e *Engine) addItem(kind ItemKind, s said, line Line, text string) {
	e.meeting.Items = append(e.meeting.Items, Item{
		Kind: kind, Nick: e.meeting.keep(s.nick), Time: line.Time, Text: e.meeting.keep(e.itemText(text)), Line: line.N,
	})
}

// showTopic sets the channel topic to the current topic and the meeting
// topic, as MeetBot's settopic does.
func (e *Engine) showTopic() {
	m := e.meeting
	t := m.topicText
	if m.Title != "" {
		t += " (Meeting topic: " + m.Title + ")"
	}
	e.setTopic(t)
}

func (e *Engine) setName(arg string, s said) {
	m := e.meeting
	name := e.meetingName(arg)
	zodbot := e.opts.Style == StyleZodbot
	if !zodbot && strings.TrimSpace(arg) == "" {
		// A bare #meetingname: back to the channel's name, the name of a
		// meeting that was never given one (zodbot's fallback too).
		name = ChannelDir(m.Channel)
	}
	if name != m.Name {
		old := m.Name
		if zodbot && m.lastSaved > 0 && m.RelBaseFor(old) != m.RelBaseFor(name) {
			// MeetBot's realtime .log.txt under the old name stays
			// behind, as it was after the last line it saved.
			m.Stubs = slices.DeleteFunc(m.Stubs, func(st Stub) bool { return st.Name == old })
			m.Stubs = append(m.Stubs, Stub{Name: old, Lines: m.lastSaved})
		}
		rel := m.RelBaseFor(name)
		m.Stubs = slices.DeleteFunc(m.Stubs, func(st Stub) bool { return m.RelBaseFor(st.Name) == rel })
		m.Name = name
		e.out = append(e.out, Effect{Kind: EffectRename, Text: old})
	}
	e.say("The meeting name has been set to '" + name + "'")
}

// undo removes the last item. It reports false where MeetBot failed: its
// reply str()s the item in ASCII, which raises for non-ASCII text or
// nicks before the item is removed.
func (e *Engine) undo() bool {
	m := e.meeting
	if len(m.Items) == 0 {
		return true
	}
	it := m.Items[len(m.Items)-1]
	if e.opts.Style == StyleZodbot && it.Kind != KindTopic && it.Kind != KindLink && !(isASCII(it.Nick) && isASCII(it.Text)) {
		return false
	}
	m.Items = m.Items[:len(m.Items)-1]
	e.say("Removing item from minutes: " + string(it.Kind) + " by " + it.Nick + " at " + clock(it.Time) + " : " + it.Text)
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func (e *Engine) endMeeting(s said, line Line) {
	m := e.meeting
	if e.vote != nil {
		e.endVote(s, line)
	}
	m.End = line.Time
	m.EndedBy = m.keep(s.nick)
	if m.startTopic != "" || (e.opts.Style != StyleZodbot && m.CurrentTopic() != "") {
		// zodbot restores the old topic only when there was one.
		e.setTopic(m.startTopic)
	}
	e.out = append(e.out, Effect{Kind: EffectEnd})
	url := urlJoin(e.opts.URLPrefix, m.RelBase())
	e.say("Meeting ended " + asctime(line.Time) + " UTC.  Information about MeetBot at " + MeetBotInfo + " . (v 0.1.4)")
	e.say("Minutes:        " + url + ".html")
	e.say("Minutes (text): " + url + ".txt")
	e.say("Log:            " + url + ".log.html")
	e.vote = nil
}

// urlJoin joins a URL prefix and an archive-relative path as MeetBot's
// os.path.join did: with a '/' between them unless the prefix ends in one.
func urlJoin(prefix, rel string) string {
	if prefix == "" || strings.HasSuffix(prefix, "/") {
		return prefix + rel
	}
	return prefix + "/" + rel
}

func (e *Engine) commandList() []string {
	if e.opts.Style == StyleZodbot {
		return e.spelled(zodbotCommandList)
	}
	return e.spelled(defaultCommandList)
}

// usefulCommands are named when a meeting starts.
var usefulCommands = []string{"#action", "#agreed", "#halp", "#info", "#idea", "#link", "#topic"}

// splitNicks splits a #chair/#nick/#unchair argument. zodbot style splits
// as MeetBot did: #chair and #nick on runs of ',' and ' ' after unicode
// strip(), #unchair on white space; the default style splits on any white
// space, and commas when commas is set. The nicks are copies: the engine
// keeps them.
func (e *Engine) splitNicks(arg string, commas bool) []string {
	var nicks []string
	if e.opts.Style == StyleZodbot {
		if commas {
			for _, n := range strings.FieldsFunc(pyStrip(arg), func(r rune) bool { return r == ',' || r == ' ' }) {
				if n = pyStrip(n); n != "" {
					nicks = append(nicks, n)
				}
			}
		} else {
			nicks = pyFields(arg)
		}
	} else {
		if commas {
			arg = strings.ReplaceAll(arg, ",", " ")
		}
		nicks = strings.Fields(arg)
	}
	for i, n := range nicks {
		nicks[i] = e.meeting.keep(n)
	}
	return nicks
}
