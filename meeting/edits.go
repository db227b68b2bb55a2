package meeting

import (
	"slices"
	"strings"
)

// Edits, redactions and chairs by identity: what a Matrix room has and an
// IRC channel has not. The engine runs them in the default style only
// (MeetBot's log has no way to say them, so zodbot style ignores them).
//
// Each is logged as a line that is no line said, which a replay of the
// .log.txt reads back into the same event, so that live and replay give
// the same minutes:
//
//	HH:MM:SS -!- Alice edited line 12: #info the new text
//	HH:MM:SS -!- Alice redacted line 12
//	HH:MM:SS -!- Bob is a chair by power level
//	HH:MM:SS -!- Bob is a chair as @bob:example.org
//
// An edit of a line that made an item updates that item (its kind and
// text, as the new text's command says; the item is removed when the new
// text is no item command, or one its editor may not use); an edit of any
// other line is logged and runs nothing, so editing a line into
// "#endmeeting" ends nothing. A redaction removes the items its line
// made, as #undo would, with #undo's reply.

// itemKinds are the commands that make an item, by name.
var itemKinds = map[string]ItemKind{
	"topic": KindTopic, "info": KindInfo, "action": KindAction, "agreed": KindAgreed, "agree": KindAgreed,
	"link": KindLink, "idea": KindIdea, "help": KindHelp, "halp": KindHelp, "accepted": KindAccepted,
	"accept": KindAccepted, "rejected": KindRejected, "reject": KindRejected,
}

// Chair reasons as the log says them.
const (
	ByPowerLevel = "by power level"
	asPrefix     = "as "
)

// noteLine logs a line that is no line said.
func (e *Engine) noteLine(line Line) {
	m := e.meeting
	m.LineCount++
	line.N = m.LineCount
	m.LastLine = line.Time
	e.out = append(e.out, Effect{Kind: EffectLog, Line: line})
	m.lastSaved = m.LineCount
}

// remember records which log line a message made.
func (e *Engine) remember(ev Message, n int) {
	if ev.ID == "" {
		return
	}
	if e.ids == nil {
		e.ids = map[string]sentLines{}
	}
	sent := e.ids[ev.ID]
	if sent.who == "" {
		sent.who = cmpOr(ev.Account, ev.Nick)
	}
	for len(sent.lines) <= ev.Part {
		sent.lines = append(sent.lines, 0)
	}
	sent.lines[ev.Part] = n
	e.ids[ev.ID] = sent
}

// sentLines are the log lines of one message and who sent it (the user
// ID, else the nick): only they may edit it, as Matrix clients only show
// an edit by the original sender.
type sentLines struct {
	lines []int
	who   string
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// rememberUser keeps a speaker's Matrix user ID for the bus.
func (e *Engine) rememberUser(nick, id string) {
	if !IsMatrixUserID(id) {
		return
	}
	m := e.meeting
	if m.UserIDs == nil {
		m.UserIDs = map[string]string{}
	}
	if m.UserIDs[nick] != id {
		m.UserIDs[strings.Clone(nick)] = strings.Clone(id)
	}
}

// IsMatrixUserID reports whether s is a Matrix user ID ("@x:server").
func IsMatrixUserID(s string) bool {
	return len(s) > 3 && s[0] == '@' && strings.IndexByte(s[2:], ':') >= 0 && !strings.ContainsAny(s, " \t")
}

// linesOf are the log lines of a message, by ID (live) or number (replay).
func (e *Engine) linesOf(id string, line int) []int {
	if line > 0 {
		return []int{line}
	}
	return slices.DeleteFunc(slices.Clone(e.ids[id].lines), func(n int) bool { return n == 0 })
}

// grantChair makes the sender of a chair's command a chair by who they
// are, before their line is logged, when they are not one by nick.
func (e *Engine) grantChair(ev Message, s said) {
	m := e.meeting
	if e.opts.Style == StyleZodbot || ev.Action {
		return
	}
	// The cheap tests first: most lines are no command at all.
	name, _, ok := e.parse(s.cmd)
	if !ok {
		return
	}
	if c, known := commandIndex[name]; !known || !c.Chair && name != "meetingname" {
		return // only a chair's command (#meetingname is one in this style)
	}
	if m.IsChair(s.nick) {
		return
	}
	why := ""
	switch {
	case ev.Account != "" && m.isChairListed(ev.Account):
		why = asPrefix + ev.Account
	case e.opts.Moderator != nil && e.opts.Moderator(ev.Nick, ev.Account):
		why = ByPowerLevel
	default:
		return
	}
	e.chaired(Chaired{Time: ev.Time, Nick: s.nick, Why: why})
}

func (e *Engine) chaired(ev Chaired) {
	m := e.meeting
	nick := strings.Clone(PlainText(ev.Nick))
	if !m.isChairListed(nick) {
		m.Chairs = append(m.Chairs, nick)
	}
	if id, ok := strings.CutPrefix(ev.Why, asPrefix); ok {
		// The user ID #chair named, who was no member then, is this
		// member: one attendee, under the name they speak with (the ID
		// stays a chair, whatever name they take), and one chair, whom
		// #unchair of either the name or the ID unchairs.
		m.renameAttendee(id, nick)
		if m.chairedAs == nil {
			m.chairedAs = map[string]string{}
		}
		m.chairedAs[nick] = strings.Clone(id)
	}
	e.noteLine(Line{Time: ev.Time, Nick: nick, Op: OpChair, Text: strings.Clone(ev.Why)})
}

// chairedWith are the names that chair as one with name: the user ID a
// member was chaired as, or the members chaired as a user ID.
func (m *Meeting) chairedWith(name string) []string {
	var out []string
	for nick, id := range m.chairedAs {
		switch {
		case m.sameNick(nick, name):
			out = append(out, id)
		case id == name:
			out = append(out, nick)
		}
	}
	return out
}

// forgetChairedAs forgets the chairs by user ID of names.
func (m *Meeting) forgetChairedAs(names []string) {
	for nick, id := range m.chairedAs {
		if slices.Contains(names, id) || slices.ContainsFunc(names, func(x string) bool { return m.sameNick(nick, x) }) {
			delete(m.chairedAs, nick)
		}
	}
}

// renameChairedAs follows a member chaired as a user ID to a new name.
func (m *Meeting) renameChairedAs(old, nick string) {
	var ids []string
	for n, id := range m.chairedAs {
		if m.sameNick(n, old) {
			delete(m.chairedAs, n)
			ids = append(ids, id)
		}
	}
	for _, id := range ids {
		m.chairedAs[strings.Clone(nick)] = id
	}
}

// cleanLine is a text as the default style logs a line.
func cleanLine(t string) string { return trimFunc(PlainText(trimFunc(t, isTrimmed)), isBlank) }

func (e *Engine) edit(ev Edit) {
	if !e.Active() || e.opts.Style == StyleZodbot {
		return
	}
	if ev.Line == 0 && e.ids[ev.ID].who != cmpOr(ev.Account, ev.Nick) {
		return // not the sender's: no edit at all
	}
	lines := e.linesOf(ev.ID, ev.Line)
	if len(lines) == 0 {
		return
	}
	texts := strings.Split(strings.ReplaceAll(ev.Text, "\r\n", "\n"), "\n")
	if ev.Line > 0 {
		texts = []string{strings.Join(texts, " ")}
	}
	nick := PlainText(ev.Nick)
	for i, n := range lines {
		t := ""
		switch {
		case i == len(lines)-1 && len(texts) > i:
			t = strings.Join(texts[i:], " ")
		case i < len(texts):
			t = texts[i]
		}
		t = cleanLine(t)
		e.noteLine(Line{Time: ev.Time, Nick: strings.Clone(nick), Op: OpEdit, Target: n, Text: strings.Clone(t)})
		e.reitem(ev, nick, n, t)
	}
}

// reitem updates the item line n made to what its new text says.
func (e *Engine) reitem(ev Edit, nick string, n int, text string) {
	m := e.meeting
	i := slices.IndexFunc(m.Items, func(it Item) bool { return it.Line == n })
	if i < 0 {
		return
	}
	it := &m.Items[i]
	kind, arg, ok := ItemKind(""), "", false
	if name, a, parsed := e.parse(text); parsed {
		if k, isItem := itemKinds[name]; isItem {
			c := commandIndex[name]
			if !c.Chair || e.isChair(Message{Time: ev.Time, Nick: nick, Account: ev.Account}, nick) {
				kind, arg, ok = k, a, true
			}
		}
	} else if isBareURL(text) {
		kind, arg, ok = KindLink, text, true
	}
	if !ok {
		e.removeItem(i)
		return
	}
	it.Kind, it.Text = kind, strings.Clone(e.itemText(arg))
	if kind == KindTopic && !slices.ContainsFunc(m.Items[i+1:], func(x Item) bool { return x.Kind == KindTopic }) {
		m.topicText = it.Text
		e.showTopic()
	}
	e.say("Updated item in minutes: " + string(it.Kind) + " by " + it.Nick + " at " + clock(it.Time) + " : " + it.Text)
}

// removeItem removes item i with #undo's reply.
func (e *Engine) removeItem(i int) {
	m := e.meeting
	it := m.Items[i]
	m.Items = slices.Delete(m.Items, i, i+1)
	e.say("Removing item from minutes: " + string(it.Kind) + " by " + it.Nick + " at " + clock(it.Time) + " : " + it.Text)
}

func (e *Engine) redact(ev Redaction) {
	if !e.Active() || e.opts.Style == StyleZodbot {
		return
	}
	nick := PlainText(ev.Nick)
	for _, n := range e.linesOf(ev.ID, ev.Line) {
		e.noteLine(Line{Time: ev.Time, Nick: strings.Clone(nick), Op: OpRedact, Target: n})
		for {
			i := slices.IndexFunc(e.meeting.Items, func(it Item) bool { return it.Line == n })
			if i < 0 {
				break
			}
			e.removeItem(i)
		}
	}
}

// OpText is what a line that records an operation says after its nick
// ("edited line 12: text", "redacted line 12", "is a chair by power
// level"); "" for a line said or a nick change.
func (l Line) OpText() string {
	switch l.Op {
	case OpEdit:
		return "edited line " + itoa(l.Target) + ": " + l.Text
	case OpRedact:
		return "redacted line " + itoa(l.Target)
	case OpChair:
		return "is a chair " + l.Text
	}
	return ""
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for ; n > 0; n /= 10 {
		i--
		b[i] = byte('0' + n%10)
	}
	return string(b[i:])
}
