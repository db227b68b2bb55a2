package meeting

import (
	"slices"
	"strings"
	"time"
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

	accounts      map[string]string // lower-case nick -> last seen account
	chairAccounts map[string]string // lower-case chair nick -> bound account

	pending []reply  // replies said, not yet seen echoed back
	out     []Effect // reused result buffer
}

// NewEngine returns an engine for one channel.
func NewEngine(opts Options) *Engine {
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

func (e *Engine) nickChange(ev NickChange) {
	if a, ok := e.accounts[strings.ToLower(ev.Old)]; ok {
		e.accounts[strings.ToLower(ev.New)] = a
	}
	m := e.meeting
	if m == nil || m.Ended() {
		return
	}
	nick := strings.Clone(ev.New)
	m.renameAttendee(ev.Old, nick)
	if strings.EqualFold(m.Owner, ev.Old) {
		m.Owner = nick
	}
	for i, c := range m.Chairs {
		if strings.EqualFold(c, ev.Old) {
			m.Chairs[i] = nick
		}
	}
	if a, ok := e.chairAccounts[strings.ToLower(ev.Old)]; ok {
		delete(e.chairAccounts, strings.ToLower(ev.Old))
		e.chairAccounts[strings.ToLower(ev.New)] = a
	}
}

func (e *Engine) message(ev Message) {
	text := ev.Text
	if strings.IndexByte(text, '\n') >= 0 || strings.IndexByte(text, '\r') >= 0 {
		// One event is one log line, whatever the source handed us.
		text = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ").Replace(text)
	}
	// MeetBot strips ' ' and \x01; gavel strips all ASCII white space too,
	// as the log readers do, so a live line and its replay are the same.
	text = strings.Trim(text, " \t\v\f\x01")
	if ev.Account != "" {
		e.accounts[strings.ToLower(ev.Nick)] = ev.Account
	}
	if !e.Active() {
		if !ev.Action {
			if cmd, arg, ok := parseCommand(text); ok && cmd == "startmeeting" {
				e.startMeeting(ev, text, arg)
			}
		}
		return
	}
	m := e.meeting
	m.LineCount++
	line := Line{N: m.LineCount, Time: ev.Time, Nick: ev.Nick, Text: text, Action: ev.Action}
	e.out = append(e.out, Effect{Kind: EffectLog, Line: line})
	m.addAttendee(ev.Nick, 1)
	if len(e.pending) > 0 && e.isEcho(text, m.LineCount) {
		return
	}
	if !ev.Action {
		e.command(ev, line)
	}
	if !m.Ended() {
		m.lastSaved = m.LineCount
	}
}

// parseCommand splits "#cmd arg" as MeetBot's `#(\w+)[ \t]*(.*)` does, with
// the command lower-cased.
func parseCommand(text string) (cmd, arg string, ok bool) {
	if len(text) < 2 || text[0] != '#' {
		return "", "", false
	}
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

func (e *Engine) startMeeting(ev Message, text, title string) {
	title = strings.TrimSpace(title)
	if e.opts.Style == StyleZodbot && title == "" {
		e.sayError(ev.Nick, "A meeting topic is required, e.g., '#startmeeting Infrastructure'")
		return
	}
	m := &Meeting{
		Channel: e.opts.Channel,
		Owner:   strings.Clone(ev.Nick),
		Title:   strings.Clone(title),
		Start:   ev.Time,
	}
	e.meeting = m
	e.vote = nil
	e.chairAccounts = map[string]string{}
	if ev.Account != "" {
		e.chairAccounts[strings.ToLower(ev.Nick)] = ev.Account
	}
	m.LineCount = 1
	e.out = append(e.out, Effect{Kind: EffectLog, Line: Line{N: 1, Time: ev.Time, Nick: ev.Nick, Text: text}})
	m.addAttendee(ev.Nick, 1)
	m.startTopic = e.topic

	e.say("Meeting started " + asctime(ev.Time) + " UTC.")
	e.say("This meeting is logged and archived in a public location.")
	e.say("The chair is " + ev.Nick + ". Information about MeetBot at " + MeetBotInfo + ".")
	e.say("Useful Commands: #action #agreed #halp #info #idea #link #topic.")
	if title != "" {
		m.Name = e.meetingName(title)
		e.say("The meeting name has been set to '" + m.Name + "'")
	} else {
		m.Name = ChannelDir(m.Channel)
	}
	m.lastSaved = m.LineCount
}

// meetingName reduces a #meetingname argument to a file-name-safe name.
func (e *Engine) meetingName(s string) string {
	if e.opts.Style == StyleZodbot {
		return strings.Clone(ZodbotName(s))
	}
	return strings.Clone(SafeName(s))
}

// isChair checks chair rights, including the services account when chairs
// are bound to accounts.
func (e *Engine) isChair(ev Message) bool {
	m := e.meeting
	if !m.IsChair(ev.Nick) {
		return false
	}
	if !e.opts.BindAccounts {
		return true
	}
	key := strings.ToLower(ev.Nick)
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

func (e *Engine) command(ev Message, line Line) {
	m := e.meeting
	cmd, arg, ok := parseCommand(line.Text)
	if !ok {
		if isBareURL(line.Text) {
			e.addItem(KindLink, ev, line, line.Text)
		}
		return
	}
	zodbot := e.opts.Style == StyleZodbot
	switch cmd {
	// Anyone.
	case "info":
		e.addItem(KindInfo, ev, line, arg)
	case "idea":
		e.addItem(KindIdea, ev, line, arg)
	case "help", "halp":
		e.addItem(KindHelp, ev, line, arg)
	case "link":
		e.addItem(KindLink, ev, line, arg)
	case "action":
		e.addItem(KindAction, ev, line, arg)
	case "nick":
		for _, n := range splitNicks(arg, true) {
			m.addAttendee(n, 0)
		}
	case "commands":
		e.say("Available commands: " + strings.Join(e.commandList(), " "))
	case "vote":
		e.castVote(ev, arg)
	case "showvote":
		e.showVote()
	case "startmeeting":
		e.sayError(ev.Nick, "Can't start another meeting, one is in progress.")
	case "meetingname":
		if zodbot || e.isChair(ev) {
			e.setName(arg, ev)
		}
	default:
		if !e.isChair(ev) {
			return
		}
		e.chairCommand(cmd, arg, ev, line)
	}
}

// chairCommand runs the commands only chairs may use.
func (e *Engine) chairCommand(cmd, arg string, ev Message, line Line) {
	m := e.meeting
	zodbot := e.opts.Style == StyleZodbot
	switch cmd {
	case "topic":
		e.addItem(KindTopic, ev, line, arg)
		e.showTopic()
	case "meetingtopic":
		switch strings.ToLower(strings.TrimSpace(arg)) {
		case "", "none", "unset":
			m.Title = ""
		default:
			m.Title = strings.Clone(strings.TrimSpace(arg))
		}
		if m.CurrentTopic() != "" {
			e.showTopic()
		}
	case "agreed", "agree":
		e.addItem(KindAgreed, ev, line, arg)
	case "accepted", "accept":
		e.addItem(KindAccepted, ev, line, arg)
	case "rejected":
		e.addItem(KindRejected, ev, line, arg)
	case "reject":
		// Fedora's zodbot lost this alias; the default style has it back.
		if !zodbot {
			e.addItem(KindRejected, ev, line, arg)
		}
	case "chair":
		for _, n := range splitNicks(arg, true) {
			if !containsFold(m.Chairs, n) {
				m.Chairs = append(m.Chairs, n)
			}
			m.addAttendee(n, 0)
		}
		e.say("Current chairs: " + strings.Join(m.ChairList(), " "))
	case "unchair":
		for _, n := range splitNicks(arg, !zodbot) {
			if strings.EqualFold(n, m.Owner) {
				continue
			}
			m.Chairs = removeFold(m.Chairs, n)
			delete(e.chairAccounts, strings.ToLower(n))
		}
		e.say("Current chairs: " + strings.Join(m.ChairList(), " "))
	case "undo":
		e.undo()
	case "save":
		e.out = append(e.out, Effect{Kind: EffectSave})
	case "restrictlogs":
		m.Restrict = true
		e.say("Restricting permissions on minutes: -077 on next #save")
	case "lurk":
		m.Lurking = true
	case "unlurk":
		m.Lurking = false
	case "startvote":
		e.startVote(ev, line, arg)
	case "endvote":
		e.endVote(ev, line)
	case "endmeeting":
		e.endMeeting(ev)
	}
}

func (e *Engine) addItem(kind ItemKind, ev Message, line Line, text string) {
	e.meeting.Items = append(e.meeting.Items, Item{
		Kind: kind, Nick: strings.Clone(ev.Nick), Time: ev.Time, Text: strings.Clone(strings.TrimSpace(text)), Line: line.N,
	})
}

func (e *Engine) showTopic() {
	m := e.meeting
	t := m.CurrentTopic()
	if m.Title != "" {
		t += " (Meeting topic: " + m.Title + ")"
	}
	e.setTopic(t)
}

func (e *Engine) setName(arg string, ev Message) {
	m := e.meeting
	name := e.meetingName(arg)
	if name == "" {
		e.sayError(ev.Nick, "A meeting name is required, e.g., '#meetingname infrastructure'")
		return
	}
	if name != m.Name {
		old := m.Name
		if e.opts.Style == StyleZodbot && m.lastSaved > 0 {
			m.Stubs = append(m.Stubs, Stub{Name: old, Lines: m.lastSaved})
		}
		m.Name = name
		e.out = append(e.out, Effect{Kind: EffectRename, Text: old})
	}
	e.say("The meeting name has been set to '" + name + "'")
}

func (e *Engine) undo() {
	m := e.meeting
	if len(m.Items) == 0 {
		return
	}
	it := m.Items[len(m.Items)-1]
	m.Items = m.Items[:len(m.Items)-1]
	e.say("Removing item from minutes: " + string(it.Kind) + " by " + it.Nick + " at " + clock(it.Time) + " : " + it.Text)
}

func (e *Engine) endMeeting(ev Message) {
	m := e.meeting
	if e.vote != nil {
		e.endVote(ev, Line{N: m.LineCount, Time: ev.Time, Nick: ev.Nick})
	}
	m.End = ev.Time
	m.EndedBy = strings.Clone(ev.Nick)
	if m.CurrentTopic() != "" || m.startTopic != "" {
		e.setTopic(m.startTopic)
	}
	e.out = append(e.out, Effect{Kind: EffectEnd})
	url := e.opts.URLPrefix + m.RelBase()
	e.say("Meeting ended " + asctime(ev.Time) + " UTC.  Information about MeetBot at " + MeetBotInfo + " . (v 0.1.4)")
	e.say("Minutes:        " + url + ".html")
	e.say("Minutes (text): " + url + ".txt")
	e.say("Log:            " + url + ".log.html")
	e.vote = nil
}

// zodbotCommands is the #commands reply of Fedora's zodbot.
var zodbotCommands = []string{"#accept", "#accepted", "#action", "#agree", "#agreed", "#chair", "#commands", "#endmeeting", "#endvote", "#halp", "#help", "#idea", "#info", "#link", "#lurk", "#meetingname", "#meetingtopic", "#nick", "#rejected", "#restrictlogs", "#save", "#showvote", "#startmeeting", "#startvote", "#topic", "#unchair", "#undo", "#unlurk", "#vote"}

// defaultCommands adds the #reject alias zodbot lost, in sorted place.
var defaultCommands = func() []string {
	cmds := append([]string{"#reject"}, zodbotCommands...)
	slices.Sort(cmds)
	return cmds
}()

func (e *Engine) commandList() []string {
	if e.opts.Style == StyleZodbot {
		return zodbotCommands
	}
	return defaultCommands
}

// Commands lists every meeting command the engine understands, for
// completion in the console.
func Commands() []string { return append([]string(nil), defaultCommands...) }

// splitNicks splits a #chair/#nick argument on spaces, and on commas too
// when commas is set. The nicks are copies: the engine keeps them.
func splitNicks(arg string, commas bool) []string {
	if commas {
		arg = strings.ReplaceAll(arg, ",", " ")
	}
	nicks := strings.Fields(arg)
	for i, n := range nicks {
		nicks[i] = strings.Clone(n)
	}
	return nicks
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func removeFold(list []string, s string) []string {
	out := list[:0]
	for _, x := range list {
		if !strings.EqualFold(x, s) {
			out = append(out, x)
		}
	}
	return out
}
