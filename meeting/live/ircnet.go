package live

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"gavel/ircclient"
)

// IRCConn is what the IRC adapter needs of an IRC connection;
// *ircclient.Client satisfies it (and so does the console's test fake,
// which then takes the adapter's path too).
type IRCConn interface {
	Events() <-chan ircclient.Event
	Say(target, text string) error
	Action(target, text string) error
	Notice(target, text string) error
	SetTopic(channel, topic string) error
	Join(channels ...string) error
	Part(channel, reason string) error
	SetNick(nick string) error
	SendRaw(line string) error
	Quit(msg string)
	Nick() string
	Connected() bool
	Lag() time.Duration
	QueueLen() int
	IsChannel(name string) bool
	Fold(name string) string
	Members(channel string) []ircclient.Member
	Topic(channel string) string
	InChannel(channel string) bool
}

// IRC adapts an IRC connection to Network: it is the one place where
// ircclient's events become the live driver's, and the console's
// commands become IRC lines. Its channel state is the connection's own.
// Next is called from one goroutine at a time (the console's reader).
type IRC struct {
	c       IRCConn
	listing []ListedChannel // a LIST answer being collected (322 up to 323)
}

// NewIRC returns the Network of an IRC connection.
func NewIRC(c IRCConn) *IRC { return &IRC{c: c} }

var _ Network = (*IRC)(nil)

// Next implements Network.
func (n *IRC) Next(ctx context.Context, max int) ([]Event, bool) {
	batch, open := WaitBatch(ctx, n.c.Events(), max)
	return n.Translate(batch), open
}

// Translate turns IRC events into the live driver's, in order; events
// gavel has no use for (raw lines) are left out.
func (n *IRC) Translate(evs []ircclient.Event) []Event {
	out := make([]Event, 0, len(evs))
	for _, ev := range evs {
		if e := n.translate(ev); e != nil {
			out = append(out, e)
		}
	}
	return out
}

func meta(m ircclient.Meta) Meta {
	return Meta{Time: m.Time, ID: m.Tags["msgid"], History: m.History}
}

func user(s ircclient.Source) User { return User{Nick: s.Nick, ID: s.Account, Self: s.Self} }

func (n *IRC) translate(ev ircclient.Event) Event {
	switch e := ev.(type) {
	case ircclient.Message:
		return Message{Meta: meta(e.Meta), From: user(e.Source), Target: e.Target, Text: e.Text, Private: e.Private}
	case ircclient.Action:
		return Message{Meta: meta(e.Meta), From: user(e.Source), Target: e.Target, Text: e.Text, Private: e.Private, Action: true}
	case ircclient.Notice:
		return Notice{Meta: meta(e.Meta), From: user(e.Source), Server: e.Server, Target: e.Target, Text: e.Text, Private: e.Private}
	case ircclient.CTCP:
		text := "CTCP " + e.Command + " from " + e.Nick
		if e.Reply {
			text = "CTCP " + e.Command + " reply from " + e.Nick
		}
		if e.Args != "" {
			text += ": " + e.Args
		}
		// A request is shown in the status window, a reply where the
		// chair is (who asked).
		return Info{Meta: meta(e.Meta), From: user(e.Source), Status: !e.Reply, Text: text}
	case ircclient.Join:
		return Join{Meta: meta(e.Meta), From: user(e.Source), Channel: e.Channel}
	case ircclient.Part:
		return Part{Meta: meta(e.Meta), From: user(e.Source), Channel: e.Channel, Reason: e.Reason}
	case ircclient.Kick:
		return Kick{Meta: meta(e.Meta), From: user(e.Source), Channel: e.Channel, Kicked: e.Kicked, KickedSelf: e.KickedSelf, Reason: e.Reason}
	case ircclient.Quit:
		return Quit{Meta: meta(e.Meta), From: user(e.Source), Reason: e.Reason, Channels: e.Channels}
	case ircclient.NickChange:
		return NickChange{Meta: meta(e.Meta), From: user(e.Source), NewNick: e.NewNick, Channels: e.Channels}
	case ircclient.Topic:
		return Topic{Meta: meta(e.Meta), From: user(e.Source), Channel: e.Channel, Text: e.Text, OnJoin: e.OnJoin}
	case ircclient.Names:
		ms := make([]Member, len(e.Members))
		for i, m := range e.Members {
			ms[i] = Member{Nick: m.Nick, Prefixes: m.Prefixes}
		}
		return Members{Meta: meta(e.Meta), Channel: e.Channel, Members: ms}
	case ircclient.Mode:
		return Mode{Meta: meta(e.Meta), From: user(e.Source), Target: e.Target, Modes: e.Modes, Params: e.Params}
	case ircclient.State:
		return Conn{Meta: meta(e.Meta), State: connState(e.State), Server: e.Server, Nick: e.Nick, Wanted: e.Wanted, Delay: e.Delay, Err: e.Err}
	case ircclient.Pending:
		p := Pending{Meta: meta(e.Meta), Target: e.Target, Text: ircclient.LineText(e.Line)}
		switch e.Line.(type) {
		case ircclient.Action:
			p.Action = true
		case ircclient.Notice:
			p.Notice = true
		case ircclient.CTCP:
			return nil // a CTCP request shows when it is accepted
		}
		return p
	case ircclient.Unsent:
		u := Unsent{Meta: meta(e.Meta), Target: e.Target, Text: e.Text(), Reason: e.Reason()}
		if e.Refusal != nil {
			u.Code = e.Refusal.Code
		}
		return u
	case ircclient.Error:
		return Error{Meta: meta(e.Meta), Kind: errorKind(e.Code), Code: e.Code, Command: e.Command, Window: e.Window, Text: e.Text}
	case ircclient.Reply:
		return n.reply(e)
	}
	return nil
}

func connState(s ircclient.ConnState) ConnState {
	switch s {
	case ircclient.Connecting:
		return Connecting
	case ircclient.Registered:
		return Connected
	case ircclient.Disconnected:
		return Disconnected
	case ircclient.Reconnecting:
		return Reconnecting
	case ircclient.Stopped:
		return Stopped
	case ircclient.ConnectFailed:
		return ConnectFailed
	}
	return 0
}

// Numerics the adapter words (RFC 1459/2812 and common extensions).
var (
	// serverNumerics are the server's own: the welcome, LUSERS and MOTD.
	serverNumerics = map[string]bool{
		"001": true, "002": true, "003": true, "004": true, "005": true,
		"250": true, "251": true, "252": true, "253": true, "254": true, "255": true, "265": true, "266": true,
		"372": true, "375": true, "376": true, "422": true,
	}
	whoisNumerics = map[string]bool{
		"301": true, "307": true, "311": true, "312": true, "313": true, "317": true, "318": true, "319": true,
		"320": true, "330": true, "338": true, "378": true, "379": true, "671": true, "276": true, "314": true, "369": true,
	}
)

func errorKind(code string) ErrorKind {
	switch {
	case code == "482":
		return ErrorNotOperator
	case code == "401" || code == "402" || code == "406":
		return ErrorNoSuchNick
	case serverNumerics[code]:
		return ErrorServer
	}
	return ErrorOther
}

// reply words an informational numeric: a WHOIS line, a LIST (collected
// up to its end), the server's own text, or a reply shown where the chair
// is.
func (n *IRC) reply(e ircclient.Reply) Event {
	m := meta(e.Meta)
	switch {
	case serverNumerics[e.Code]:
		return Info{Meta: m, Status: true, Text: e.String()}
	case whoisNumerics[e.Code]:
		nick := ""
		if len(e.Params) > 0 {
			nick = e.Params[0]
		}
		return Whois{Meta: m, Nick: nick, Text: whoisLine(e), End: e.Code == "318" || e.Code == "369"}
	case e.Code == "321":
		n.listing = []ListedChannel{}
		return nil
	case e.Code == "322":
		if len(e.Params) >= 2 {
			users, _ := strconv.Atoi(e.Params[1])
			n.listing = append(n.listing, ListedChannel{Name: e.Params[0], Users: users, Topic: e.Text})
		}
		return nil
	case e.Code == "323":
		l := ChannelList{Meta: m, Channels: n.listing}
		n.listing = nil
		return l
	}
	return Info{Meta: m, Text: e.String()}
}

// whoisLine says one WHOIS reply in words.
func whoisLine(e ircclient.Reply) string {
	p := func(i int) string {
		if i < len(e.Params) {
			return e.Params[i]
		}
		return ""
	}
	nick := p(0)
	switch e.Code {
	case "311", "314":
		verb := " is "
		if e.Code == "314" {
			verb = " was "
		}
		return nick + verb + p(1) + "@" + p(2) + " (" + e.Text + ")"
	case "312":
		return nick + " is on " + p(1) + " (" + e.Text + ")"
	case "313":
		return nick + " is an IRC operator"
	case "317":
		secs, _ := strconv.Atoi(p(1))
		out := nick + " has been idle " + (time.Duration(secs) * time.Second).String()
		if on, err := strconv.ParseInt(p(2), 10, 64); err == nil && on > 0 {
			out += ", signed on " + time.Unix(on, 0).UTC().Format("2006-01-02 15:04 UTC")
		}
		return out
	case "319":
		return nick + " is in " + e.Text
	case "330":
		return nick + " is logged in as " + p(1)
	case "301":
		return nick + " is away: " + e.Text
	case "671":
		return nick + " is using a secure connection"
	case "338":
		return nick + " is connecting from " + p(1)
	case "318", "369":
		return "end of WHOIS " + nick
	}
	return nick + " " + e.Text
}

// Effects and senders.

// Say implements Effects.
func (n *IRC) Say(target, text string) error { return notIn(n.c.Say(target, text)) }

// notIn words ircclient's refusal of a line to a channel we were kicked
// from as the driver's ErrNotInChannel.
func notIn(err error) error {
	if errors.Is(err, ircclient.ErrNotInChannel) {
		return notInChannel{err}
	}
	return err
}

// notInChannel is ircclient's refusal, in its own words, that is also
// the driver's ErrNotInChannel.
type notInChannel struct{ err error }

func (e notInChannel) Error() string   { return e.err.Error() }
func (e notInChannel) Unwrap() []error { return []error{ErrNotInChannel, e.err} }

// SetTopic implements Effects.
func (n *IRC) SetTopic(channel, topic string) error { return n.c.SetTopic(channel, topic) }

// Answer implements Answerer through the connection's low lane when it
// has one (*ircclient.Client), else says each line addressed.
func (n *IRC) Answer(target, key, asker string, lines []string) error {
	if a, ok := n.c.(Answerer); ok {
		err := a.Answer(target, key, asker, lines)
		if errors.Is(err, ircclient.ErrAskerBusy) {
			return fmt.Errorf("%w: %w", ErrAskerBusy, err)
		}
		return err
	}
	for _, l := range lines {
		if err := n.c.Say(target, asker+": "+l); err != nil {
			return err
		}
	}
	return nil
}

// Action implements Network.
func (n *IRC) Action(target, text string) error { return notIn(n.c.Action(target, text)) }

// Notice implements Network.
func (n *IRC) Notice(target, text string) error { return notIn(n.c.Notice(target, text)) }

// Join implements Network.
func (n *IRC) Join(channels ...string) error { return n.c.Join(channels...) }

// Part implements Network.
func (n *IRC) Part(channel, reason string) error { return n.c.Part(channel, reason) }

// SetNick implements Network.
func (n *IRC) SetNick(nick string) error { return n.c.SetNick(nick) }

// Quit implements Network.
func (n *IRC) Quit(msg string) { n.c.Quit(msg) }

// params checks that every word is one IRC parameter.
func params(words ...string) error {
	for _, w := range words {
		if w == "" || strings.ContainsAny(w, " \r\n\x00") || strings.HasPrefix(w, ":") {
			return fmt.Errorf("%q is not a valid name here", w)
		}
	}
	return nil
}

// Kick implements Network.
func (n *IRC) Kick(channel, nick, reason string) error {
	if err := params(channel, nick); err != nil {
		return fmt.Errorf("kick: %w", err)
	}
	l := "KICK " + channel + " " + nick
	if reason != "" {
		l += " :" + reason
	}
	return n.c.SendRaw(l)
}

// Invite implements Network.
func (n *IRC) Invite(nick, channel string) error {
	if err := params(nick, channel); err != nil {
		return fmt.Errorf("invite: %w", err)
	}
	return n.c.SendRaw("INVITE " + nick + " " + channel)
}

// Mode implements Network: MODE target [modes [params…]].
func (n *IRC) Mode(target, modes string, args ...string) error {
	if err := params(target); err != nil {
		return fmt.Errorf("mode: %w", err)
	}
	l := "MODE " + target
	if modes != "" {
		if err := params(append([]string{modes}, args...)...); err != nil {
			return fmt.Errorf("mode: %w", err)
		}
		l += " " + strings.Join(append([]string{modes}, args...), " ")
	}
	return n.c.SendRaw(l)
}

// Away implements Network.
func (n *IRC) Away(msg string) error {
	if msg == "" {
		return n.c.SendRaw("AWAY")
	}
	return n.c.SendRaw("AWAY :" + msg)
}

// Whois implements Network (asking the user's own server, for idle times).
func (n *IRC) Whois(nick string) error {
	if err := params(nick); err != nil {
		return fmt.Errorf("whois: %w", err)
	}
	return n.c.SendRaw("WHOIS " + nick + " " + nick)
}

// List implements Network.
func (n *IRC) List() error { return n.c.SendRaw("LIST") }

// Names implements Network.
func (n *IRC) Names(channel string) error {
	if err := params(channel); err != nil {
		return fmt.Errorf("names: %w", err)
	}
	return n.c.SendRaw("NAMES " + channel)
}

// CTCP implements Network: a PING without arguments carries the time, as
// clients expect to measure the round trip.
func (n *IRC) CTCP(target, command, args string) (string, error) {
	if err := params(target, command); err != nil {
		return "", fmt.Errorf("ctcp: %w", err)
	}
	req := strings.ToUpper(command)
	switch {
	case args != "":
		req += " " + args
	case req == "PING":
		req += " " + strconv.FormatInt(time.Now().Unix(), 10)
	}
	return req, n.c.SendRaw("PRIVMSG " + target + " :\x01" + req + "\x01")
}

// Raw implements Network.
func (n *IRC) Raw(line string) error { return n.c.SendRaw(line) }

// Connected implements Network.
func (n *IRC) Connected() bool { return n.c.Connected() }

// Lag implements Network.
func (n *IRC) Lag() time.Duration { return n.c.Lag() }

// QueueLen implements Network.
func (n *IRC) QueueLen() int { return n.c.QueueLen() }

// Members implements Channels.
func (n *IRC) Members(channel string) []Member {
	ms := n.c.Members(channel)
	if ms == nil {
		return nil
	}
	out := make([]Member, len(ms))
	for i, m := range ms {
		out[i] = Member{Nick: m.Nick, Prefixes: m.Prefixes}
	}
	return out
}

// TopicLen is the server's TOPICLEN (0 when unknown): the controller
// fits the topics it sets to it.
func (n *IRC) TopicLen() int {
	if t, ok := n.c.(interface{ TopicLen() int }); ok {
		return t.TopicLen()
	}
	return 0
}

// Topic implements Channels.
func (n *IRC) Topic(channel string) string { return n.c.Topic(channel) }

// InChannel implements Channels.
func (n *IRC) InChannel(channel string) bool { return n.c.InChannel(channel) }

// IsChannel implements Channels.
func (n *IRC) IsChannel(name string) bool { return n.c.IsChannel(name) }

// Fold implements Channels.
func (n *IRC) Fold(name string) string { return n.c.Fold(name) }

// Nick implements Channels.
func (n *IRC) Nick() string { return n.c.Nick() }

// FoldRFC1459 folds names as an IRC server that announces no CASEMAPPING
// compares them: what a network without a server (the offline demo, a
// log) uses.
var FoldRFC1459 = ircclient.CaseFold("rfc1459")
