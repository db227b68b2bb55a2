package ircclient

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ergochat/irc-go/ircmsg"
	"github.com/ergochat/irc-go/ircutils"
)

// handle reacts to one server line on the reader goroutine: protocol
// bookkeeping, then at most one event. It never blocks on the consumer. A
// returned error ends the session.
func (s *session) handle(msg ircmsg.Message) error {
	c := s.c
	p := msg.Params
	cmd := msg.Command
	if s.welcomed && !s.registered.Load() && !isRegNumeric(cmd) {
		s.startFlow()
	}
	if s.regainSees(msg) || s.labeledAnswer(msg) {
		return nil
	}
	switch cmd {
	case "PING":
		s.send("PONG :" + last(p))
		return nil
	case "PONG":
		if seq, ok := strings.CutPrefix(last(p), ackPrefix); ok {
			s.accepted(seq)
			return nil
		}
		if sent, ok := strings.CutPrefix(last(p), "gavel-"); ok {
			if ns, err := strconv.ParseInt(sent, 10, 64); err == nil {
				s.c.lag.Store(max(time.Since(time.Unix(0, ns)), 0).Nanoseconds())
			}
		}
		return nil
	case "ERROR":
		return fmt.Errorf("server closed the link: %s", last(p))
	case "302": // RPL_USERHOST: a barrier's answer behind a bouncer
		if s.barrierAnswered() {
			return nil
		}
	case "CAP":
		return s.handleCap(p)
	case "AUTHENTICATE":
		if len(p) > 0 && p[0] == "+" {
			acct := c.cfg.SASLAccount
			for _, chunk := range ircutils.EncodeSASLResponse([]byte(acct + "\x00" + acct + "\x00" + c.cfg.SASLPassword)) {
				s.send("AUTHENTICATE " + chunk)
			}
		}
		return nil
	case "900": // RPL_LOGGEDIN
		return nil
	case "903": // RPL_SASLSUCCESS
		s.saslDone = true
		s.send("CAP END")
		return nil
	case "902", "904", "905", "906", "908": // nick locked, fail, too long, aborted, mechs
		return fatalError{fmt.Errorf("%w for account %q: %s %s", ErrSASL, c.cfg.SASLAccount, cmd, last(p))}
	case "001":
		if len(p) == 0 {
			return fmt.Errorf("malformed 001")
		}
		s.welcomed = true
		return s.registeredNow(msg)
	case "432", "433", "436", "437":
		if !s.welcomed {
			s.nickIdx++
			n, ok := s.nickCandidate(s.nickIdx)
			if !ok {
				return fatalError{fmt.Errorf("%w: %s, its alternatives and %s_ … %s___ were refused (last: %s %s)",
					ErrNoNick, c.cfg.Nick, c.cfg.Nick, c.cfg.Nick, cmd, last(p))}
			}
			s.send("NICK " + n)
			return nil
		}
	case "BATCH":
		s.batch(msg)
		return nil
	case "005":
		c.mu.Lock()
		cm, um := c.isup["CASEMAPPING"], c.isup["UTF8MAPPING"]
		c.isup.add(p)
		if c.isup["CASEMAPPING"] != cm || c.isup["UTF8MAPPING"] != um {
			c.setCaseMappingLocked(c.isup["CASEMAPPING"], c.isup["UTF8MAPPING"])
		}
		c.mu.Unlock()
		return nil
	}
	// Channel state, the event and its emission happen under c.mu, so that
	// our accepted lines (emitEchoLocked) are ordered with them.
	c.mu.Lock()
	ev := s.translateLocked(msg)
	if e, ok := ev.(Error); ok {
		if u, ok := s.refusedLocked(e); ok {
			ev = u // one event: the line and why the channel did not see it
		}
	}
	if ev != nil {
		c.events.Push(ev)
		switch e := ev.(type) {
		case Join:
			if e.Self && !e.History {
				c.flushEchoLocked(e.Channel)
			}
		case Error:
			// A refused JOIN (banned, full, invite only…) comes before the
			// answers to the lines written after it: those were refused too.
			if e.Window != "" && c.echoWait[c.fold(e.Window)] != nil && c.chans[c.fold(e.Window)] == nil {
				delete(c.echoWait, c.fold(e.Window))
			}
		}
	}
	c.mu.Unlock()
	return nil
}

func isRegNumeric(cmd string) bool {
	switch cmd {
	case "001", "002", "003", "004", "005":
		return true
	}
	return false
}

func last(p []string) string {
	if len(p) == 0 {
		return ""
	}
	return p[len(p)-1]
}

func (s *session) handleCap(p []string) error {
	if len(p) < 3 {
		return nil
	}
	sub, rest := p[1], p[2:]
	switch sub {
	case "LS":
		if s.capLS == nil {
			s.capLS = map[string]string{}
		}
		more := len(rest) > 1 && rest[0] == "*"
		for tok := range strings.FieldsSeq(last(rest)) {
			k, v, _ := strings.Cut(tok, "=")
			s.capLS[k] = v
		}
		if more || s.welcomed || s.capPending > 0 {
			return nil
		}
		bouncer := false
		for k := range s.capLS {
			bouncer = bouncer || strings.HasPrefix(k, "znc.in/")
		}
		for _, want := range s.c.cfg.Caps {
			if want == "echo-message" && bouncer {
				// ZNC echoes our lines itself, before the server has
				// taken them: the client asks the server instead (see
				// Pending).
				continue
			}
			if _, ok := s.capLS[want]; ok {
				s.capPending++
				s.send("CAP REQ :" + want)
			}
		}
		if s.capPending == 0 {
			return s.capDone()
		}
	case "ACK", "NAK":
		for name := range strings.FieldsSeq(last(rest)) {
			if sub == "ACK" && !strings.HasPrefix(name, "-") {
				s.capAcked = append(s.capAcked, name)
			}
			if s.capPending > 0 {
				s.capPending--
				if s.capPending == 0 {
					return s.capDone()
				}
			}
		}
	}
	return nil
}

// A channel line is history when its server-time is older than our JOIN
// by more than a clock skew: joinSkew when the JOIN had a server-time (a
// bouncer stamps its JOIN with its own clock and relays the server's
// lines with the server's), untaggedJoinSkew when the JOIN's time is our
// local receive time. A clock somewhat behind must not turn live lines
// (the chair's #endmeeting) into history; playback is older than that.
const (
	joinSkew         = 2 * time.Second
	untaggedJoinSkew = 30 * time.Second
)

// historyTypes are the BATCH types whose lines are playback of the past.
var historyTypes = map[string]bool{"chathistory": true, "znc.in/playback": true}

// batch opens ("+ref type …") or closes ("-ref") a BATCH. A batch is
// history when its type is a playback type or it is nested (batch tag) in
// a batch that is.
func (s *session) batch(msg ircmsg.Message) {
	if len(msg.Params) == 0 || len(msg.Params[0]) < 2 {
		return
	}
	ref := msg.Params[0]
	switch ref[0] {
	case '+':
		if s.batches == nil {
			s.batches = map[string]bool{}
		}
		if len(s.batches) >= maxOpenBatches {
			return // a hostile server cannot grow this without bound
		}
		s.batches[ref[1:]] = (len(msg.Params) > 1 && historyTypes[msg.Params[1]]) || s.inHistory(msg)
	case '-':
		delete(s.batches, ref[1:])
	}
}

// maxOpenBatches bounds the batches open at once.
const maxOpenBatches = 1000

// inHistory reports whether msg is inside a history batch.
func (s *session) inHistory(msg ircmsg.Message) bool {
	if len(s.batches) == 0 {
		return false
	}
	ok, ref := msg.GetTag("batch")
	return ok && s.batches[ref]
}

// translateLocked updates the channel state for a line and turns it into
// an event, or nil. Channel lines for channels we are not in are dropped
// (counted in Client.Dropped) before anything is allocated for them. c.mu
// is held.
func (s *session) translateLocked(msg ircmsg.Message) Event {
	c := s.c
	p := msg.Params
	switch msg.Command {
	case "PRIVMSG", "NOTICE":
		if len(p) < 2 {
			return nil
		}
		target, text := p[0], p[1]
		private := !c.isChannelLocked(target)
		if !private && c.channelLocked(target) == nil {
			c.dropLocked(msg.Command, target)
			return nil
		}
		meta, src := s.meta(msg), s.sourceLocked(msg)
		if src.Self {
			s.learnUserhostLocked(msg.Source)
		}
		if !private && !meta.History && meta.serverTime && meta.Time.Before(c.channelLocked(target).joined) {
			meta.History = true // said before we joined: a bouncer's or server's playback
		}
		if len(text) > 1 && text[0] == '\x01' {
			body := strings.TrimSuffix(text[1:], "\x01")
			ctcp, args, _ := strings.Cut(body, " ")
			if ctcp == "ACTION" && msg.Command == "PRIVMSG" {
				return Action{Meta: meta, Source: src, Target: target, Text: args, Private: private}
			}
			return CTCP{Meta: meta, Source: src, Target: target, Command: ctcp, Args: args, Reply: msg.Command == "NOTICE"}
		}
		if msg.Command == "NOTICE" {
			n := Notice{Meta: meta, Source: src, Target: target, Text: text, Private: private}
			if !strings.Contains(msg.Source, "!") && strings.Contains(msg.Source, ".") {
				n.Server, n.Nick = msg.Source, ""
			}
			return n
		}
		return Message{Meta: meta, Source: src, Target: target, Text: text, Private: private}
	case "JOIN":
		if len(p) < 1 {
			return nil
		}
		meta, src := s.meta(msg), s.sourceLocked(msg)
		if src.Nick == "" {
			return nil // a JOIN without a nick (malformed source)
		}
		if src.Self && !meta.History {
			s.learnUserhostLocked(msg.Source)
			joined := meta.Time.Add(-joinSkew)
			if !meta.serverTime {
				joined = meta.Time.Add(-untaggedJoinSkew)
			}
			c.joinedLocked(p[0], joined)
			delete(c.kicked, c.fold(p[0]))
			return Join{Meta: meta, Source: src, Channel: p[0]}
		}
		ch := c.channelLocked(p[0])
		if ch == nil {
			c.dropLocked("JOIN", p[0])
			return nil
		}
		if meta.History {
			return Join{Meta: meta, Source: src, Channel: p[0]}
		}
		ch.members[c.fold(src.Nick)] = Member{Nick: src.Nick}
		return Join{Meta: meta, Source: src, Channel: p[0]}
	case "PART":
		if len(p) < 1 {
			return nil
		}
		ch := c.channelLocked(p[0])
		if ch == nil {
			c.dropLocked("PART", p[0])
			return nil
		}
		meta, src := s.meta(msg), s.sourceLocked(msg)
		switch {
		case meta.History:
		case src.Self:
			delete(c.chans, c.fold(p[0]))
		default:
			delete(ch.members, c.fold(src.Nick))
		}
		return Part{Meta: meta, Source: src, Channel: p[0], Reason: param(p, 1)}
	case "KICK":
		if len(p) < 2 {
			return nil
		}
		ch := c.channelLocked(p[0])
		if ch == nil {
			c.dropLocked("KICK", p[0])
			return nil
		}
		meta, self := s.meta(msg), s.isSelfLocked(p[1])
		switch {
		case meta.History:
		case self:
			delete(c.chans, c.fold(p[0]))
			by, _, _ := strings.Cut(msg.Source, "!")
			c.kicked[c.fold(p[0])] = withReason("kicked by "+by, param(p, 2))
		default:
			delete(ch.members, c.fold(p[1]))
		}
		return Kick{Meta: meta, Source: s.sourceLocked(msg), Channel: p[0], Kicked: p[1], KickedSelf: self, Reason: param(p, 2)}
	case "QUIT":
		meta, src := s.meta(msg), s.sourceLocked(msg)
		if meta.History {
			return Quit{Meta: meta, Source: src, Reason: param(p, 0)}
		}
		k := c.fold(src.Nick)
		var in []string
		for _, ch := range c.chans {
			if _, ok := ch.members[k]; ok {
				delete(ch.members, k)
				in = append(in, ch.name)
			}
		}
		slices.Sort(in)
		return Quit{Meta: meta, Source: src, Reason: param(p, 0), Channels: in}
	case "NICK":
		if len(p) < 1 || p[0] == "" || strings.ContainsAny(p[0], " ") {
			return nil
		}
		meta, src := s.meta(msg), s.sourceLocked(msg)
		if src.Nick == "" {
			return nil
		}
		if meta.History {
			return NickChange{Meta: meta, Source: src, NewNick: p[0]}
		}
		if src.Self {
			c.nick = p[0]
		}
		old, nw := c.fold(src.Nick), c.fold(p[0])
		var in []string
		for _, ch := range c.chans {
			if m, ok := ch.members[old]; ok {
				delete(ch.members, old)
				m.Nick = p[0]
				ch.members[nw] = m
				in = append(in, ch.name)
			}
		}
		slices.Sort(in)
		return NickChange{Meta: meta, Source: src, NewNick: p[0], Channels: in}
	case "TOPIC":
		if len(p) < 1 {
			return nil
		}
		ch := c.channelLocked(p[0])
		if ch == nil {
			c.dropLocked("TOPIC", p[0])
			return nil
		}
		meta := s.meta(msg)
		if !meta.History {
			ch.topic = param(p, 1)
		}
		return Topic{Meta: meta, Source: s.sourceLocked(msg), Channel: p[0], Text: param(p, 1)}
	case "332": // RPL_TOPIC <me> <channel> :<topic>
		if len(p) < 3 {
			return nil
		}
		ch := c.channelLocked(p[1])
		if ch == nil { // the answer to a TOPIC query about another channel
			return Reply{Meta: s.meta(msg), Code: msg.Command, Params: p[1:2], Text: p[2]}
		}
		ch.topic = p[2]
		return Topic{Meta: s.meta(msg), Channel: p[1], Text: p[2], OnJoin: true}
	case "324": // RPL_CHANNELMODEIS <me> <channel> <modes> [params]
		if len(p) >= 3 {
			if ch := c.channelLocked(p[1]); ch != nil {
				ch.modes = ""
				c.trackModesLocked(ch, p[2], p[3:])
			}
		}
	case "331": // RPL_NOTOPIC <me> <channel> :No topic is set
		if len(p) >= 3 {
			if ch := c.channelLocked(p[1]); ch != nil {
				ch.topic = ""
			}
		}
	case "353": // RPL_NAMREPLY <me> <type> <channel> :<names>
		if len(p) < 4 {
			return nil
		}
		ch := c.channelLocked(p[2])
		if ch == nil { // the answer to a NAMES query about another channel
			return Reply{Meta: s.meta(msg), Code: msg.Command, Params: p[1:3], Text: p[3]}
		}
		_, syms := c.isup.prefix()
		for tok := range strings.FieldsSeq(p[3]) {
			i := 0
			for i < len(tok) && strings.IndexByte(syms, tok[i]) >= 0 {
				i++
			}
			nick, _, _ := strings.Cut(tok[i:], "!") // userhost-in-names
			if nick == "" {
				continue
			}
			ch.names = append(ch.names, Member{Nick: nick, Prefixes: tok[:i]})
		}
		return nil
	case "366": // RPL_ENDOFNAMES <me> <channel>
		if len(p) < 2 {
			return nil
		}
		ch := c.channelLocked(p[1])
		if ch == nil {
			return Reply{Meta: s.meta(msg), Code: msg.Command, Params: p[1:2], Text: last(p)}
		}
		members := ch.names
		ch.names = nil
		ch.members = make(map[string]Member, len(members))
		for _, m := range members {
			ch.members[c.fold(m.Nick)] = m
		}
		return Names{Meta: s.meta(msg), Channel: p[1], Members: members}
	case "MODE":
		if len(p) < 2 {
			return nil
		}
		if c.isChannelLocked(p[0]) {
			ch := c.channelLocked(p[0])
			if ch == nil {
				c.dropLocked("MODE", p[0])
				return nil
			}
			if !s.inHistory(msg) {
				c.trackModesLocked(ch, p[1], p[2:])
			}
		}
		return Mode{Meta: s.meta(msg), Source: s.sourceLocked(msg), Target: p[0], Modes: p[1], Params: p[2:]}
	case "FAIL":
		if len(p) < 3 {
			return nil
		}
		return Error{Meta: s.meta(msg), Code: "FAIL", Command: p[0], Window: "", Text: last(p), Params: p}
	}
	if len(msg.Command) == 3 && (msg.Command[0] == '4' || msg.Command[0] == '5') {
		e := Error{Meta: s.meta(msg), Code: msg.Command, Text: last(p), Params: p}
		if len(p) >= 3 {
			e.Window = p[1]
		}
		return e
	}
	if isReplyNumeric(msg.Command) && len(p) >= 2 {
		return Reply{Meta: s.meta(msg), Code: msg.Command, Params: p[1 : len(p)-1], Text: last(p)}
	}
	if c.cfg.RawEvents {
		return Raw{Meta: s.meta(msg), Msg: msg}
	}
	return nil
}

// isReplyNumeric reports whether a numeric answers a command a user typed
// (WHOIS, WHOWAS, AWAY, INVITE, MODE queries, lists…) or is the server's
// own text (LUSERS, MOTD: the console shows them in its server window):
// 2xx and 3xx numerics other than the registration burst and those with
// typed events.
func isReplyNumeric(cmd string) bool {
	if len(cmd) != 3 || (cmd[0] != '2' && cmd[0] != '3') || cmd[1] < '0' || cmd[1] > '9' || cmd[2] < '0' || cmd[2] > '9' {
		return false
	}
	switch cmd {
	case "332", "333", "353", "366":
		return false // topic, names (typed events)
	}
	return true
}

func withReason(s, reason string) string {
	if reason == "" {
		return s
	}
	return s + " (" + reason + ")"
}

func param(p []string, i int) string {
	if i < len(p) {
		return p[i]
	}
	return ""
}

func (s *session) sourceLocked(msg ircmsg.Message) Source {
	var src Source
	if nuh, err := msg.NUH(); err == nil {
		src.Nick, src.User, src.Host = nuh.Name, nuh.User, nuh.Host
	}
	if ok, acct := msg.GetTag("account"); ok && acct != "*" {
		src.Account = acct
	}
	src.Self = src.Nick != "" && s.isSelfLocked(src.Nick)
	return src
}

func (s *session) isSelfLocked(nick string) bool {
	c := s.c
	return c.nick != "" && c.fold(nick) == c.fold(c.nick)
}

func (s *session) learnUserhostLocked(source string) {
	if _, uh, ok := strings.Cut(source, "!"); ok && strings.Contains(uh, "@") {
		s.c.userhost = uh
	}
}
