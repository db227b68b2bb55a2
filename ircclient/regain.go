package ircclient

import (
	"strings"
	"time"

	"github.com/ergochat/irc-go/ircmsg"
)

// regain takes the configured nick back when the server gave us another
// one (a ghost of an earlier connection holds it): it watches the nick
// with MONITOR, or asks with ISON every Config.RegainInterval where the
// server has no MONITOR, and sends NICK as soon as the nick is free. When
// gavel logged in with SASL it first asks NickServ to GHOST the holder.
// Its state belongs to the reader goroutine.
type regain struct {
	want    string // the configured nick while we are someone else; "" otherwise
	monitor bool   // watching with MONITOR (else ISON)
	trying  bool   // our NICK is in flight
}

// defaultRegainInterval is how often ISON asks when Config.RegainInterval is 0.
const defaultRegainInterval = 30 * time.Second

// startRegain runs once ISUPPORT is known, when our nick is not the
// configured one.
func (s *session) startRegain() {
	c := s.c
	c.mu.Lock()
	nick, want := c.nick, c.cfg.Nick
	taken := nick != "" && c.fold(nick) != c.fold(want)
	_, monitor := c.isup["MONITOR"]
	c.mu.Unlock()
	if !taken {
		return
	}
	s.regain = regain{want: want, monitor: monitor}
	c.log.Info("nick taken: taking it back when it frees", "nick", nick, "want", want, "monitor", monitor, "sasl", s.saslDone)
	if s.saslDone {
		// Services end a ghost of our own account; NickServ's answer
		// (or the ghost's QUIT) makes us try the nick.
		s.send("PRIVMSG NickServ :GHOST " + want)
	}
	if monitor {
		s.send("MONITOR + " + want)
	} else {
		s.isonPoll.Store(true)
		s.send("ISON " + want)
	}
}

// regainSees looks at a server line while we want our nick back; it
// reports whether the line was ours alone (an answer to our MONITOR, ISON
// or NICK) and is no event.
func (s *session) regainSees(msg ircmsg.Message) (swallow bool) {
	r := &s.regain
	if r.want == "" {
		return false
	}
	c := s.c
	same := func(n string) bool { return c.Fold(n) == c.Fold(r.want) }
	p := msg.Params
	switch msg.Command {
	case "731": // RPL_MONOFFLINE <me> :nick!user@host,...
		for t := range strings.SplitSeq(last(p), ",") {
			if n, _, _ := strings.Cut(t, "!"); same(n) {
				s.tryNick()
			}
		}
		return true
	case "730", "732", "733", "734": // online, list, end of list, list full
		return true
	case "303": // RPL_ISON <me> :nicks that are on
		for n := range strings.FieldsSeq(last(p)) {
			if same(n) {
				return true
			}
		}
		s.tryNick()
		return true
	case "QUIT":
		if n, _, _ := strings.Cut(msg.Source, "!"); same(n) {
			s.tryNick()
		}
	case "NICK":
		n, _, _ := strings.Cut(msg.Source, "!")
		switch {
		case len(p) > 0 && same(p[0]) && c.Fold(n) == c.Fold(c.Nick()):
			s.regained() // ours: the event follows as a NickChange
		case len(p) > 0 && c.Fold(n) == c.Fold(c.Nick()):
			s.regained() // the chair chose another nick: theirs to keep
		case same(n):
			s.tryNick() // the holder changed nick
		}
	case "NOTICE":
		if n, _, _ := strings.Cut(msg.Source, "!"); strings.EqualFold(n, "NickServ") {
			s.tryNick() // GHOST answered
		}
	case "432", "433", "436", "437":
		if r.trying {
			r.trying = false // still taken: keep watching
			return true
		}
	}
	return false
}

// tryNick asks for the configured nick (once at a time).
func (s *session) tryNick() {
	if s.regain.trying {
		return
	}
	s.regain.trying = true
	s.send("NICK " + s.regain.want)
}

// regained ends the watch: our nick is the configured one again, or one
// the chair chose.
func (s *session) regained() {
	if s.regain.monitor {
		s.send("MONITOR - " + s.regain.want)
	}
	s.isonPoll.Store(false)
	s.c.log.Info("no longer watching for the configured nick", "nick", s.regain.want)
	s.regain = regain{}
}
