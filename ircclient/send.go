package ircclient

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ergochat/irc-go/ircmsg"
)

const actionWrap = len("\x01ACTION \x01")

// Say sends text to target (a channel or nick) as PRIVMSG through the paced
// queue, split into as many lines as needed (see SplitText). Our own lines come
// back as Message events with Self=true: the server's echo with
// echo-message, else a local echo when the line is written.
func (c *Client) Say(target, text string) error { return c.sendText("PRIVMSG", target, text, false) }

// Action sends a CTCP ACTION (/me text).
func (c *Client) Action(target, text string) error { return c.sendText("PRIVMSG", target, text, true) }

// Notice sends text as NOTICE.
func (c *Client) Notice(target, text string) error { return c.sendText("NOTICE", target, text, false) }

// TextBudget is how many bytes of text one PRIVMSG to target carries as
// our line would reach the channel: Say cuts longer text into pieces of
// at most this many bytes (see SplitText).
func (c *Client) TextBudget(target string) int { return textBudget(c.prefixLen(), "PRIVMSG", target) }

// Split returns the lines Say(target, text) would send now.
func (c *Client) Split(target, text string) []string { return SplitText(text, c.TextBudget(target)) }

func (c *Client) sendText(cmd, target, text string, action bool) error {
	if err := checkParam(target); err != nil {
		return fmt.Errorf("ircclient: %s target: %w", strings.ToLower(cmd), err)
	}
	if err := c.notInChannel(target); err != nil {
		return err
	}
	budget := textBudget(c.prefixLen(), cmd, target)
	if action {
		budget -= actionWrap
	}
	pieces := SplitText(text, budget)
	if len(pieces) == 0 {
		return fmt.Errorf("ircclient: %s to %s: empty text", strings.ToLower(cmd), target)
	}
	private := !c.IsChannel(target)
	lines := make([]outLine, 0, len(pieces))
	for _, p := range pieces {
		lines = append(lines, c.textLine(cmd, target, p, action, private))
	}
	if err := c.sendq.push(lines...); err != nil {
		return fmt.Errorf("ircclient: %s to %s: %w", strings.ToLower(cmd), target, err)
	}
	return nil
}

// textLine is one PRIVMSG or NOTICE line with its local echo.
func (c *Client) textLine(cmd, target, text string, action, private bool) outLine {
	body := text
	if action {
		body = "\x01ACTION " + text + "\x01"
	}
	return outLine{
		b:      []byte(cmd + " " + target + " :" + body + "\r\n"),
		target: target,
		echo: func(t time.Time) Event {
			src := Source{Nick: c.Nick(), Self: true}
			meta := Meta{Time: t}
			switch {
			case action:
				return Action{Meta: meta, Source: src, Target: target, Text: text, Private: private}
			case cmd == "NOTICE":
				return Notice{Meta: meta, Source: src, Target: target, Text: text, Private: private}
			}
			return Message{Meta: meta, Source: src, Target: target, Text: text, Private: private}
		},
	}
}

// SetTopic sets channel's topic (empty clears it); the text is cut at a UTF-8
// boundary to fit one line. Without operator status on a +t channel the
// server answers with an Error event, Code "482".
func (c *Client) SetTopic(channel, topic string) error {
	if err := checkParam(channel); err != nil {
		return fmt.Errorf("ircclient: topic channel: %w", err)
	}
	topic = strings.Map(dropControl, topic)
	head := "TOPIC " + channel + " :"
	topic = ircmsg.TruncateUTF8Safe(topic, MaxLineLen-2-len(head))
	return c.sendq.push(outLine{b: []byte(head + topic + "\r\n")})
}

// Join joins channels now (if connected) and after every reconnect.
func (c *Client) Join(channels ...string) error {
	for _, ch := range channels {
		if err := checkParam(ch); err != nil || strings.ContainsRune(ch, ',') {
			return fmt.Errorf("ircclient: join %q: not a channel name", ch)
		}
	}
	c.mu.Lock()
	added := c.addChannelsLocked(channels)
	up := c.sess != nil && c.sess.registered.Load()
	targ := c.isup.targMax("JOIN")
	// A channel we want but are not in (kicked, or a JOIN the server
	// refused) is joined again.
	for _, ch := range channels {
		if f := c.fold(ch); !slices.Contains(added, ch) && c.chans[f] == nil && c.want[f] {
			added = append(added, ch)
		}
	}
	c.mu.Unlock()
	if !up || len(added) == 0 {
		return nil
	}
	return c.sendq.push(rawLines(joinLines(added, targ))...)
}

// notInChannel refuses a line to a channel we were kicked from: the
// server would refuse it, and the chair must know at once.
func (c *Client) notInChannel(target string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess == nil || !c.sess.registered.Load() || !c.isChannelLocked(target) {
		return nil
	}
	f := c.fold(target)
	why, kicked := c.kicked[f]
	if !kicked || c.chans[f] != nil {
		return nil
	}
	return fmt.Errorf("%w %s (%s): the line was not sent; /join %s to rejoin", ErrNotInChannel, target, why, target)
}

// Part leaves channel and stops rejoining it.
func (c *Client) Part(channel, reason string) error {
	if err := checkParam(channel); err != nil {
		return fmt.Errorf("ircclient: part: %w", err)
	}
	c.mu.Lock()
	c.removeChannelLocked(channel)
	c.mu.Unlock()
	line := "PART " + channel
	if reason != "" {
		line += " :" + ircmsg.TruncateUTF8Safe(strings.Map(dropControl, reason), 300)
	}
	return c.sendq.push(outLine{b: []byte(line + "\r\n")})
}

// SetNick asks the server for a new nick; the result arrives as a
// NickChange event (Self) or an Error event (e.g. 433 in use).
func (c *Client) SetNick(nick string) error {
	if err := validNick(nick); err != nil {
		return fmt.Errorf("ircclient: nick: %w", err)
	}
	return c.sendq.push(outLine{b: []byte("NICK " + nick + "\r\n")})
}

// SendRaw queues one raw IRC line (without CRLF) in the paced queue. A
// raw PRIVMSG or NOTICE is echoed like Say's lines (one Self event).
func (c *Client) SendRaw(line string) error {
	if line == "" || strings.ContainsAny(line, "\r\n\x00") {
		return errors.New("ircclient: raw line is empty or contains CR, LF or NUL")
	}
	if len(line) > MaxLineLen-2 {
		return fmt.Errorf("ircclient: raw line is %d bytes, over %d", len(line), MaxLineLen-2)
	}
	l := outLine{b: []byte(line + "\r\n")}
	if msg, err := ircmsg.ParseLine(line); err == nil && len(msg.Params) == 2 && msg.Source == "" &&
		(msg.Command == "PRIVMSG" || msg.Command == "NOTICE") {
		cmd, target, text := msg.Command, msg.Params[0], msg.Params[1]
		action := false
		if body, ok := strings.CutPrefix(text, "\x01ACTION "); ok && cmd == "PRIVMSG" {
			text, action = strings.TrimSuffix(body, "\x01"), true
		}
		private := !c.IsChannel(target)
		l.target, l.echo = target, c.textLine(cmd, target, text, action, private).echo
		if ctcp, ok := strings.CutPrefix(text, "\x01"); ok && !action {
			name, args, _ := strings.Cut(strings.TrimSuffix(ctcp, "\x01"), " ")
			l.echo = func(t time.Time) Event {
				return CTCP{Meta: Meta{Time: t}, Source: Source{Nick: c.Nick(), Self: true}, Target: target,
					Command: name, Args: args, Reply: cmd == "NOTICE"}
			}
		}
	}
	return c.sendq.push(l)
}

func rawLines(lines []string) []outLine {
	out := make([]outLine, len(lines))
	for i, l := range lines {
		out[i] = outLine{b: []byte(l + "\r\n")}
	}
	return out
}

func checkParam(p string) error {
	if p == "" || p[0] == ':' || strings.ContainsAny(p, " \r\n\x00") {
		return fmt.Errorf("%q is empty, starts with ':' or contains a space or control character", p)
	}
	return nil
}

func dropControl(r rune) rune {
	if r == '\r' || r == '\n' || r == 0 {
		return ' '
	}
	return r
}
