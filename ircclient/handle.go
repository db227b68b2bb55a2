package ircclient

import (
	"fmt"
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
	switch cmd {
	case "PING":
		s.send("PONG :" + last(p))
		return nil
	case "PONG":
		if sent, ok := strings.CutPrefix(last(p), "gavel-"); ok {
			if ns, err := strconv.ParseInt(sent, 10, 64); err == nil {
				s.c.lag.Store(max(time.Since(time.Unix(0, ns)), 0).Nanoseconds())
			}
		}
		return nil
	case "ERROR":
		return fmt.Errorf("server closed the link: %s", last(p))
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
	case "005":
		c.mu.Lock()
		c.isup.add(p)
		c.mu.Unlock()
		return nil
	case "432", "433", "436", "437":
		if !s.welcomed {
			s.nickIdx++
			n, ok := s.nickCandidate(s.nickIdx)
			if !ok {
				return fmt.Errorf("no usable nick: %s and all alternatives are taken or invalid", c.cfg.Nick)
			}
			s.send("NICK " + n)
			return nil
		}
	}
	ev := s.translate(msg)
	if ev != nil {
		c.events.push(ev)
	}
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
		for _, want := range s.c.cfg.Caps {
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

// translate turns a line into an event, or nil.
func (s *session) translate(msg ircmsg.Message) Event {
	c := s.c
	p := msg.Params
	meta := s.meta(msg)
	src := s.source(msg)
	switch msg.Command {
	case "PRIVMSG", "NOTICE":
		if len(p) < 2 {
			return nil
		}
		target, text := p[0], p[1]
		private := !c.IsChannel(target)
		if src.Self {
			s.learnUserhost(msg.Source)
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
		if src.Self {
			s.learnUserhost(msg.Source)
			c.mu.Lock()
			c.status[c.isup.fold(p[0])] = ""
			c.mu.Unlock()
		}
		return Join{Meta: meta, Source: src, Channel: p[0]}
	case "PART":
		if len(p) < 1 {
			return nil
		}
		if src.Self {
			c.mu.Lock()
			delete(c.status, c.isup.fold(p[0]))
			c.mu.Unlock()
		}
		return Part{Meta: meta, Source: src, Channel: p[0], Reason: param(p, 1)}
	case "KICK":
		if len(p) < 2 {
			return nil
		}
		self := s.isSelf(p[1])
		if self {
			c.mu.Lock()
			delete(c.status, c.isup.fold(p[0]))
			c.mu.Unlock()
		}
		return Kick{Meta: meta, Source: src, Channel: p[0], Kicked: p[1], KickedSelf: self, Reason: param(p, 2)}
	case "QUIT":
		return Quit{Meta: meta, Source: src, Reason: param(p, 0)}
	case "NICK":
		if len(p) < 1 {
			return nil
		}
		if src.Self {
			c.mu.Lock()
			c.nick = p[0]
			c.mu.Unlock()
		}
		return NickChange{Meta: meta, Source: src, NewNick: p[0]}
	case "TOPIC":
		if len(p) < 1 {
			return nil
		}
		return Topic{Meta: meta, Source: src, Channel: p[0], Text: param(p, 1)}
	case "332": // RPL_TOPIC <me> <channel> :<topic>
		if len(p) < 3 {
			return nil
		}
		return Topic{Meta: meta, Channel: p[1], Text: p[2], OnJoin: true}
	case "353": // RPL_NAMREPLY <me> <type> <channel> :<names>
		if len(p) < 4 {
			return nil
		}
		_, syms := c.isupPrefix()
		key := c.Fold(p[2])
		for tok := range strings.FieldsSeq(p[3]) {
			i := 0
			for i < len(tok) && strings.IndexByte(syms, tok[i]) >= 0 {
				i++
			}
			nick, _, _ := strings.Cut(tok[i:], "!") // userhost-in-names
			m := Member{Nick: nick, Prefixes: tok[:i]}
			s.names[key] = append(s.names[key], m)
			if s.isSelf(nick) {
				c.mu.Lock()
				c.status[key] = m.Prefixes
				c.mu.Unlock()
			}
		}
		return nil
	case "366": // RPL_ENDOFNAMES <me> <channel>
		if len(p) < 2 {
			return nil
		}
		key := c.Fold(p[1])
		members := s.names[key]
		delete(s.names, key)
		return Names{Meta: meta, Channel: p[1], Members: members}
	case "MODE":
		if len(p) < 2 {
			return nil
		}
		if c.IsChannel(p[0]) {
			s.trackModes(p[0], p[1], p[2:])
		}
		return Mode{Meta: meta, Source: src, Target: p[0], Modes: p[1], Params: p[2:]}
	case "FAIL":
		if len(p) < 3 {
			return nil
		}
		return Error{Meta: meta, Code: "FAIL", Command: p[0], Window: "", Text: last(p), Params: p}
	}
	if len(msg.Command) == 3 && (msg.Command[0] == '4' || msg.Command[0] == '5') {
		e := Error{Meta: meta, Code: msg.Command, Text: last(p), Params: p}
		if len(p) >= 3 {
			e.Window = p[1]
		}
		return e
	}
	if isReplyNumeric(msg.Command) && len(p) >= 2 {
		return Reply{Meta: meta, Code: msg.Command, Params: p[1 : len(p)-1], Text: last(p)}
	}
	if c.cfg.RawEvents {
		return Raw{Meta: meta, Msg: msg}
	}
	return nil
}

// isReplyNumeric reports whether a numeric answers a command a user typed
// (WHOIS, WHOWAS, AWAY, INVITE, MODE queries, lists…): 2xx and 3xx
// numerics other than the registration burst and those with typed events.
func isReplyNumeric(cmd string) bool {
	if len(cmd) != 3 || (cmd[0] != '2' && cmd[0] != '3') || cmd[1] < '0' || cmd[1] > '9' || cmd[2] < '0' || cmd[2] > '9' {
		return false
	}
	switch cmd {
	case "332", "333", "353", "366", "372", "375", "376":
		return false // topic, names (typed events), MOTD
	}
	return true
}

func param(p []string, i int) string {
	if i < len(p) {
		return p[i]
	}
	return ""
}

func (s *session) source(msg ircmsg.Message) Source {
	var src Source
	if nuh, err := msg.NUH(); err == nil {
		src.Nick, src.User, src.Host = nuh.Name, nuh.User, nuh.Host
	}
	if ok, acct := msg.GetTag("account"); ok && acct != "*" {
		src.Account = acct
	}
	src.Self = src.Nick != "" && s.isSelf(src.Nick)
	return src
}

func (s *session) isSelf(nick string) bool {
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	me := c.nick
	if me == "" {
		return false
	}
	return c.isup.fold(nick) == c.isup.fold(me)
}

func (s *session) learnUserhost(source string) {
	if _, uh, ok := strings.Cut(source, "!"); ok && strings.Contains(uh, "@") {
		s.c.mu.Lock()
		s.c.userhost = uh
		s.c.mu.Unlock()
	}
}

func (c *Client) isupPrefix() (string, string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.isup.prefix()
}

// trackModes follows our own status prefixes in channel through MODE
// changes, using PREFIX and CHANMODES to know which letters take a parameter.
func (s *session) trackModes(channel, modes string, params []string) {
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	pm, syms := c.isup.prefix()
	groups := strings.Split(c.isup["CHANMODES"], ",")
	for len(groups) < 4 {
		groups = append(groups, "")
	}
	key := c.isup.fold(channel)
	adding := true
	for i := 0; i < len(modes); i++ {
		m := modes[i]
		switch {
		case m == '+':
			adding = true
			continue
		case m == '-':
			adding = false
			continue
		}
		takes := strings.IndexByte(groups[0], m) >= 0 || strings.IndexByte(groups[1], m) >= 0 ||
			(adding && strings.IndexByte(groups[2], m) >= 0)
		idx := strings.IndexByte(pm, m)
		if idx < 0 && !takes {
			continue
		}
		if len(params) == 0 {
			return
		}
		arg := params[0]
		params = params[1:]
		if idx < 0 || c.nick == "" || c.isup.fold(arg) != c.isup.fold(c.nick) {
			continue
		}
		st, in := c.status[key]
		if !in {
			continue
		}
		sym := syms[idx]
		if adding && strings.IndexByte(st, sym) < 0 {
			st += string(sym)
		} else if !adding {
			st = strings.ReplaceAll(st, string(sym), "")
		}
		c.status[key] = st
	}
}
