package live

import (
	"errors"
	"fmt"
	"strings"

	"gavel/meeting"
)

// Say sends text to a channel as the chair typed it. It only sends: the
// line reaches the engine as the network's one event for every line we
// send (on IRC the server's echo-message, or the client's local echo), like
// any other line of the channel.
func (c *Controller) Say(name, text string) []Update {
	net := c.cfg.Network
	if net == nil {
		return []Update{{Kind: UpdateError, Channel: name, Err: errors.New("offline: nothing is sent")}}
	}
	if err := net.Say(name, text); err != nil {
		return []Update{{Kind: UpdateError, Channel: name, Err: err}}
	}
	if !c.online(name) {
		return []Update{{Kind: UpdateQueued, Channel: name, Text: text}}
	}
	return nil
}

// Answer sends the answer to a channel lookup (see UpdateLookup): lines,
// unaddressed, for asker; key names the question. Through a network's
// Answerer (IRC's) it goes in the low lane, after every line of the chair and the meeting,
// addressed (and coalesced with the same question asked meanwhile) by the
// client; an asker with too many answers waiting is not answered again.
// The lines reach the log as the channel sees them, like every line sent.
func (c *Controller) Answer(channel, key, asker string, lines []string) []Update {
	net := c.cfg.Network
	if net == nil {
		return []Update{{Kind: UpdateError, Channel: channel, Err: errors.New("offline: nothing is sent")}}
	}
	if a, ok := net.(Answerer); ok {
		err := a.Answer(channel, key, asker, lines)
		if errors.Is(err, ErrAskerBusy) {
			c.log.Debug("lookup dropped: the asker has answers waiting", "channel", channel, "asker", asker, "key", key)
			return nil
		}
		if err != nil {
			return []Update{{Kind: UpdateError, Channel: channel, Err: err}}
		}
		return nil
	}
	for _, l := range lines {
		if err := net.Say(channel, asker+": "+l); err != nil {
			return []Update{{Kind: UpdateError, Channel: channel, Err: err}}
		}
	}
	return nil
}

// online reports whether a line said now to channel goes out now: its
// network's own word (of several, the one the channel is on) when it has
// one, else the last connection state it reported.
func (c *Controller) online(channel string) bool {
	if nets, ok := c.cfg.Network.(Nets); ok {
		on := nets.NetOf(channel)
		for _, n := range nets.Nets() {
			if n.Name == on {
				return n.Connected
			}
		}
	}
	if n, ok := c.cfg.Network.(interface{ Connected() bool }); ok {
		return n.Connected()
	}
	return c.connected
}

// carryOut syncs the journals touched by a batch (and those behind), then
// carries out its effects in order. A journal that cannot be written does
// not hold the effects back: the meeting goes on, and the chair is told it
// is not crash-safe until the journal catches up.
func (c *Controller) carryOut(ups []Update, todo []pending) []Update {
	for _, p := range todo {
		if p.ch.journal != nil && p.ch.journal.Pending() > 0 {
			c.behind[p.ch] = true
		}
	}
	for ch := range c.behind {
		ups = append(ups, c.syncJournal(ch)...)
	}
	failedEnd, announced := map[*channel]bool{}, map[*channel]bool{}
	for _, p := range todo {
		ch, eff := p.ch, p.eff
		if p.started {
			ups = append(ups, Update{Kind: UpdateStarted, Channel: ch.name, Text: ch.engine.Meeting().Name})
			ups = append(ups, c.busStarted(ch)...)
			continue
		}
		switch eff.Kind {
		case meeting.EffectLog, meeting.EffectSave, meeting.EffectRename:
			if ch.writer == nil {
				continue
			}
			if eff.Kind == meeting.EffectLog && (ch.writer.Session() == nil || len(ch.unlogged) > 0) {
				ups = append(ups, c.logLine(ch, eff.Line)...)
				continue
			}
			files, err := ch.writer.Apply(ch.engine.Meeting(), eff)
			if eff.Kind == meeting.EffectSave {
				ups = append(ups, c.published(ch, files, err)...)
			} else if err != nil {
				ups = append(ups, c.errorUpdate(ch, c.explain(err)))
			}
		case meeting.EffectSay:
			if failedEnd[ch] && !strings.HasPrefix(eff.Text, "Meeting ended") {
				// Instead of the URLs of files that were not written:
				if !announced[ch] {
					announced[ch] = true
					ups = append(ups, c.send(ch, "The minutes could not be written; gavel keeps the meeting and will retry on /publish.")...)
				}
				continue
			}
			ups = append(ups, c.send(ch, eff.Text)...)
		case meeting.EffectTopic:
			ups = append(ups, c.topic(ch, eff.Text)...)
		case meeting.EffectEnd:
			ups = append(ups, Update{Kind: UpdateEnded, Channel: ch.name, Text: ch.engine.Meeting().Name})
			u := c.finish(ch)
			for _, x := range u {
				if x.Kind == UpdateError {
					failedEnd[ch] = true
				}
			}
			ups = append(ups, u...)
			ch.forget()
		}
	}
	return ups
}

// syncJournal writes a channel's waiting journal records, saying when the
// journal falls behind and when it has caught up.
func (c *Controller) syncJournal(ch *channel) []Update {
	err := ch.journal.Sync()
	switch {
	case err != nil && ch.journal.Pending() == 0:
		// Nothing of the meeting waits (a removal or a move failed).
		c.log.Debug("journal", "channel", ch.name, "err", err)
		return nil
	case err != nil:
		if ch.journalSaid {
			return nil
		}
		ch.journalSaid = true
		err = fmt.Errorf("%w: the meeting goes on, but is NOT crash-safe until the journal catches up (%d events wait in memory)",
			err, ch.journal.Pending())
		c.log.Error("journal cannot be written", "channel", ch.name, "waiting", ch.journal.Pending(), "err", err)
		return []Update{
			{Kind: UpdateError, Channel: ch.name, Err: err},
			{Kind: UpdateJournal, Channel: ch.name, Err: err, Text: err.Error()},
		}
	}
	delete(c.behind, ch)
	if !ch.journalSaid {
		return nil
	}
	ch.journalSaid = false
	c.log.Info("journal caught up", "channel", ch.name)
	return []Update{{Kind: UpdateJournal, Channel: ch.name, Text: "the journal of " + ch.name + " has caught up: the meeting is crash-safe again"}}
}

// Replier is a network whose meeting replies differ from the chair's lines
// (Matrix: m.notice, not m.text); the controller sends its replies with
// Reply.
type Replier interface {
	Reply(target, text string) error
}

func (c *Controller) send(ch *channel, text string) []Update {
	ups := []Update{{Kind: UpdateSaid, Channel: ch.name, Text: text}}
	if c.cfg.Network == nil || c.cfg.Replayed {
		return ups
	}
	// The line comes back as the network's event for it (IRC: echo-message
	// or local echo) and is logged then, as the channel saw it.
	say := c.cfg.Network.Say
	if r, ok := c.cfg.Network.(Replier); ok {
		say = r.Reply
	}
	if err := say(ch.name, text); err != nil {
		return append(ups, Update{Kind: UpdateError, Channel: ch.name, Err: err})
	}
	return ups
}

func (c *Controller) topic(ch *channel, text string) []Update {
	if c.cfg.Network == nil || c.cfg.Replayed {
		return nil
	}
	if tl, ok := c.cfg.Network.(topicLimiter); ok && ch.engine.Meeting() != nil {
		text = fitTopic(text, ch.engine.Meeting().Title, tl.TopicLen())
	}
	if err := c.cfg.Network.SetTopic(ch.name, text); err != nil {
		return []Update{{Kind: UpdateError, Channel: ch.name, Err: err}}
	}
	return nil
}
