package ircclient

import (
	"strconv"
	"strings"
	"time"

	"github.com/ergochat/irc-go/ircmsg"
)

// Pending is one of our lines written to a server without echo-message,
// not yet accepted. A server answers the lines of a connection in order,
// so after a burst of our lines the client sends one PING (outside the
// paced budget): when its PONG comes back with no refusal in between,
// Line (the line's Message, Action, Notice or CTCP, Source.Self) follows
// as the line's one event; when the server refused the line, or the
// connection ended before the answer, an Unsent follows instead. Show a
// Pending as waiting: it is no line of the channel yet. (A line to a
// channel we are neither in nor joining has no Pending: its event is
// dropped like that channel's other lines.)
type Pending struct {
	Meta
	Target string
	Line   Event
}

// Unsent is one of our lines that never became its event: the server
// refused it (Refusal is the server's error: 404 moderated, banned, not in
// the channel, +R…), or the connection ended before the server said
// whether it took it (Refusal nil; the channel may or may not have seen
// it). It never reaches a meeting.
type Unsent struct {
	Meta
	Target  string
	Line    Event
	Refusal *Error
	// Hint is what the client's channel state says when the refusal was
	// read: "not in" the channel, or "moderated" (+m and no voice); ""
	// when it knows nothing more. Servers such as ngircd say only
	// "Cannot send to channel".
	Hint string
}

// Text is the text of the line (as typed, without the CTCP wrapping).
func (u Unsent) Text() string { return LineText(u.Line) }

// Reason says in words why the line is not in the channel.
func (u Unsent) Reason() string {
	if u.Refusal == nil {
		return "the connection ended before the server confirmed it: the line is not in the minutes (say it again if it matters)"
	}
	e := u.Refusal
	text := strings.TrimSpace(e.Text)
	low := strings.ToLower(text)
	var why string
	switch {
	case e.Code == "442" || u.Hint == hintNotIn || strings.Contains(low, "not on channel") || strings.Contains(low, "not in channel") ||
		strings.Contains(low, "external message") || strings.Contains(low, "(+n)"):
		why = "gavel is not in " + u.Target + " (/join " + u.Target + ")"
	case strings.Contains(low, "moderat") || strings.Contains(low, "(+m)") || u.Hint == hintModerated:
		why = u.Target + " is moderated (+m) and gavel has no voice: ask for +v"
	case strings.Contains(low, "banned") || strings.Contains(low, "(+b)") || strings.Contains(low, "(+q)"):
		why = "gavel is banned or quieted in " + u.Target
	case e.Code == "477" || strings.Contains(low, "regist") || strings.Contains(low, "identif") || strings.Contains(low, "(+r)"):
		why = u.Target + " lets only registered (identified) nicks speak (+R): log in with SASL"
	case e.Code == "401" || e.Code == "403":
		why = "there is no such nick or channel as " + u.Target
	default:
		why = "the server refused it"
	}
	return why + " (" + e.Code + " " + text + ")"
}

// LineText is the text of one of our line events (Message, Action,
// Notice, CTCP's arguments), "" for other events.
func LineText(ev Event) string {
	switch e := ev.(type) {
	case Message:
		return e.Text
	case Action:
		return e.Text
	case Notice:
		return e.Text
	case CTCP:
		return e.Args
	}
	return ""
}

// heldLine is one of our lines written and not yet accepted.
type heldLine struct {
	seq    uint64
	target string
	ev     Event
}

const ackPrefix = "gavel-ok-"

func ackPing(seq uint64) string { return "PING :" + ackPrefix + strconv.FormatUint(seq, 10) + "\r\n" }

// barrier is the line that asks the server for the answer to our lines
// up to seq: a PING, or behind a bouncer (ZNC answers PINGs itself, before
// the server has read what came before) a USERHOST of our own nick, which
// the server answers and the bouncer relays.
func (s *session) barrier(seq uint64) string {
	if s.behindBouncer() {
		return "USERHOST " + s.c.Nick() + "\r\n"
	}
	return ackPing(seq)
}

// barrierAnswered handles an RPL_USERHOST behind a bouncer: the answer to
// the oldest barrier in flight, if there is one.
func (s *session) barrierAnswered() bool {
	if !s.behindBouncer() {
		return false
	}
	s.c.mu.Lock()
	var seq uint64
	if len(s.barriers) > 0 {
		seq = s.barriers[0]
	}
	s.c.mu.Unlock()
	if seq == 0 {
		return false
	}
	s.accepted(strconv.FormatUint(seq, 10))
	return true
}

// hold records lines about to be written (before the write, so that no
// answer can come first) and emits their Pending events. It returns the
// last line's number when a barrier must follow them (none is in flight),
// else 0: the answer to the one in flight sends the next.
func (s *session) hold(lines []outLine, t time.Time) uint64 {
	evs := make([]Event, len(lines))
	for i, l := range lines {
		evs[i] = l.echo(t) // before c.mu: the echo asks for our nick
	}
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, l := range lines {
		s.heldSeq++
		s.held = append(s.held, heldLine{seq: s.heldSeq, target: l.target, ev: evs[i]})
		s.pendingLocked(Pending{Meta: Meta{Time: t}, Target: l.target, Line: evs[i]})
	}
	if len(s.barriers) > 0 {
		return 0
	}
	s.barriers = append(s.barriers, s.heldSeq)
	return s.heldSeq
}

// lastBarrier is the barrier to send before QUIT when lines are held that
// no barrier in flight covers: the server answers it before it reads the
// QUIT, so the lines of a clean quit are settled. "" when none is needed.
func (s *session) lastBarrier() string {
	c := s.c
	c.mu.Lock()
	var seq uint64
	if n := len(s.held); n > 0 && (len(s.barriers) == 0 || s.barriers[len(s.barriers)-1] < s.held[n-1].seq) {
		seq = s.held[n-1].seq
		s.barriers = append(s.barriers, seq)
	}
	c.mu.Unlock()
	if seq == 0 {
		return ""
	}
	return strings.TrimSuffix(s.barrier(seq), "\r\n")
}

// pendingLocked emits a Pending, except for a line to a channel we are
// neither in nor joining: its event would be dropped like any line of
// such a channel (see emitEchoLocked), so it would wait for ever; a
// refusal of it still comes as an Unsent. c.mu is held.
func (s *session) pendingLocked(p Pending) {
	c := s.c
	if f := c.fold(p.Target); c.isChannelLocked(p.Target) && c.chans[f] == nil && !c.want[f] {
		return
	}
	c.events.Push(p)
}

// labelPrefix starts the labels of our lines (labeled-response).
const labelPrefix = "gavel-"

// holdLabeled records one line about to be written with a label, where
// the server offers labeled-response (and no echo-message): the server
// answers that label with ACK when it took the line, or with its refusal,
// so no PING is needed. It returns the label.
func (s *session) holdLabeled(l outLine, t time.Time) string {
	ev := l.echo(t) // before c.mu: the echo asks for our nick
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	s.heldSeq++
	s.held = append(s.held, heldLine{seq: s.heldSeq, target: l.target, ev: ev})
	s.pendingLocked(Pending{Meta: Meta{Time: t}, Target: l.target, Line: ev})
	return labelPrefix + strconv.FormatUint(s.heldSeq, 10)
}

// labeledAnswer reads a server line labeled with one of our labels: ACK
// (taken; the line is no event), a refusal (the line's Unsent instead of
// the Error), a labeled-response BATCH (its lines are the answer; its end
// settles the line), or any other answer (taken; the line is then handled
// as usual). It reports whether the line was consumed.
func (s *session) labeledAnswer(msg ircmsg.Message) bool {
	label := ""
	if ok, v := msg.GetTag("label"); ok {
		label = v
	} else if ok, ref := msg.GetTag("batch"); ok && s.labelBatch[ref] != "" {
		label = s.labelBatch[ref]
	}
	seqText, ok := strings.CutPrefix(label, labelPrefix)
	if !ok {
		return false
	}
	seq, err := strconv.ParseUint(seqText, 10, 64)
	if err != nil {
		return false
	}
	c := s.c
	switch {
	case msg.Command == "ACK":
		s.settle(seq, nil)
		return true
	case msg.Command == "BATCH" && len(msg.Params) > 0 && strings.HasPrefix(msg.Params[0], "+"):
		if s.labelBatch == nil {
			s.labelBatch = map[string]string{}
		}
		if len(s.labelBatch) < maxOpenBatches {
			s.labelBatch[msg.Params[0][1:]] = label
		}
		return true
	case msg.Command == "BATCH" && len(msg.Params) > 0 && strings.HasPrefix(msg.Params[0], "-"):
		delete(s.labelBatch, msg.Params[0][1:])
		s.settle(seq, nil)
		return true
	case refusals[msg.Command] && len(msg.Params) >= 2:
		c.mu.Lock()
		e, _ := s.translateLocked(msg).(Error)
		c.mu.Unlock()
		s.settle(seq, &e)
		return true
	}
	s.settle(seq, nil)
	return false
}

// settle ends the wait of one labeled line: its event, or its Unsent when
// the server refused it. A line already settled is left alone.
func (s *session) settle(seq uint64, refusal *Error) {
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, h := range s.held {
		if h.seq != seq {
			continue
		}
		s.held = append(s.held[:i], s.held[i+1:]...)
		if refusal == nil {
			c.emitEchoLocked(h.target, h.ev)
			return
		}
		u := Unsent{Meta: refusal.Meta, Target: h.target, Line: h.ev, Refusal: refusal}
		u.Hint = s.hintLocked(h.target)
		c.events.Push(u)
		return
	}
}

// accepted handles the answer to a barrier (the PONG of an ack PING, or
// behind a bouncer the USERHOST): every line up to seq that was not
// refused is the channel's now, and becomes its event. Lines written after
// it get a barrier of their own.
func (s *session) accepted(token string) {
	seq, err := strconv.ParseUint(token, 10, 64)
	if err != nil {
		return
	}
	c := s.c
	c.mu.Lock()
	i := 0
	for i < len(s.held) && s.held[i].seq <= seq {
		c.emitEchoLocked(s.held[i].target, s.held[i].ev)
		i++
	}
	s.held = append(s.held[:0], s.held[i:]...)
	j := 0
	for j < len(s.barriers) && s.barriers[j] <= seq {
		j++
	}
	s.barriers = append(s.barriers[:0], s.barriers[j:]...)
	var next uint64
	if len(s.held) > 0 && len(s.barriers) == 0 {
		next = s.held[len(s.held)-1].seq
		s.barriers = append(s.barriers, next)
	}
	c.mu.Unlock()
	if next != 0 {
		s.send(strings.TrimSuffix(s.barrier(next), "\r\n"))
	}
}

// refusals are the errors a server answers a PRIVMSG or NOTICE with
// instead of delivering it.
var refusals = map[string]bool{
	"401": true, // no such nick/channel
	"403": true, // no such channel
	"404": true, // cannot send to channel: +m, +b, +n, +R, +c, +C…
	"408": true, // no colours / control codes
	"442": true, // not on that channel
	"477": true, // registered nicks only
	"486": true, // the nick only accepts messages from registered nicks
	"489": true, // secure connections only
	"492": true, // no CTCPs
	"531": true, // blocked by the recipient
}

// refusedLocked turns a refusal of one of our held lines into its Unsent:
// the server answers in order, so it is the oldest line held for that
// target. c.mu is held.
func (s *session) refusedLocked(e Error) (Unsent, bool) {
	if !refusals[e.Code] || len(e.Params) < 2 {
		return Unsent{}, false
	}
	c := s.c
	target := c.fold(e.Params[1])
	for i, h := range s.held {
		if c.fold(h.target) == target {
			s.held = append(s.held[:i], s.held[i+1:]...)
			u := Unsent{Meta: e.Meta, Target: h.target, Line: h.ev, Refusal: &e}
			u.Hint = s.hintLocked(h.target)
			return u, true
		}
	}
	return Unsent{}, false
}

// hintLocked is what the channel state says of a refusal in target.
func (s *session) hintLocked(target string) string {
	c := s.c
	if !c.isChannelLocked(target) {
		return ""
	}
	ch := c.chans[c.fold(target)]
	switch {
	case ch == nil:
		return hintNotIn
	case strings.IndexByte(ch.modes, 'm') >= 0 && ch.members[c.fold(c.nick)].Prefixes == "":
		return hintModerated
	}
	return ""
}

// Hints of an Unsent.
const (
	hintNotIn     = "not in"
	hintModerated = "moderated"
)

// loseHeldLocked reports the lines still held when the connection ends:
// the server never said whether it took them. c.mu is held.
func (s *session) loseHeldLocked() {
	now := Meta{Time: time.Now()}
	for _, h := range s.held {
		s.c.events.Push(Unsent{Meta: now, Target: h.target, Line: h.ev})
	}
	s.held, s.barriers = nil, nil
}

// quitSettle bounds how long a quit waits for the server to settle our
// last lines.
const quitSettle = 2 * time.Second

// waitSettled waits until no line of ours is held, the session ends, or d
// has passed.
func (s *session) waitSettled(d time.Duration) {
	deadline := time.NewTimer(d)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		s.c.mu.Lock()
		n := len(s.held)
		s.c.mu.Unlock()
		if n == 0 {
			return
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			return
		case <-s.done:
			return
		}
	}
}
