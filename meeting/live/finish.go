package live

import (
	"fmt"

	"gavel/meeting"
	"gavel/meeting/publish"
)

// finish writes the final files of an ended meeting; on success its
// journal is emptied and the bus told, on failure the meeting and its
// journal are set aside (nothing is lost) for Publish to retry, and the
// channel's next meeting starts afresh.
func (c *Controller) finish(ch *channel) []Update {
	m := ch.engine.Meeting()
	if ch.writer != nil && len(ch.unlogged) > 0 {
		// The archive never took the meeting's first lines: they wait
		// in memory (and in the journal), to open its files on retry.
		u := &ended{meeting: m, unlogged: ch.unlogged}
		ch.unlogged = nil
		if ch.journal != nil {
			var derr error
			if u.journal, derr = ch.journal.Detach(); derr != nil {
				c.log.Warn("journal: setting an unpublished meeting aside", "channel", ch.name, "err", derr)
			}
		}
		ch.unpublished = append(ch.unpublished, u)
		u.quiet = true // the meeting's end says the URLs, or that they could not be written
		ups := c.retry(ch, u)
		u.quiet = false
		return ups
	}
	if ch.writer == nil || ch.writer.Session() == nil {
		var ups []Update
		if ch.journal != nil {
			if err := ch.journal.Reset(); err != nil {
				ups = append(ups, c.errorUpdate(ch, err))
			}
		}
		return ups
	}
	files, err := ch.writer.Apply(m, meeting.Effect{Kind: meeting.EffectEnd})
	ups := c.published(ch, files, err)
	if err != nil {
		u := &ended{session: ch.writer.Detach()}
		if ch.journal != nil {
			var derr error
			if u.journal, derr = ch.journal.Detach(); derr != nil {
				c.log.Warn("journal: setting an unpublished meeting aside", "channel", ch.name, "err", derr)
			}
		}
		// Paths chosen from now on go to the meeting's own journal.
		u.session.OnSettle(func(m *meeting.Meeting, name, rel string) { c.journalPath(ch, u.journal, m, name, rel) })
		ch.unpublished = append(ch.unpublished, u)
		return ups
	}
	// The bus's outbox has the message on disk before the journal goes: a
	// crash in between resends it with the same id, never loses it.
	ups = append(ups, c.busCompleted(ch, m, files)...)
	if ch.journal != nil {
		if err := ch.journal.Reset(); err != nil {
			ups = append(ups, c.errorUpdate(ch, err))
		}
	}
	return ups
}

// retry writes the final files of an unpublished meeting again.
func (c *Controller) retry(ch *channel, u *ended) []Update {
	if u.session == nil {
		// Its files were never opened: open them with the lines that
		// waited.
		w := c.cfg.Archive.Writer()
		w.OnSettle = func(m *meeting.Meeting, name, rel string) { c.journalPath(ch, u.journal, m, name, rel) }
		for len(u.unlogged) > 0 {
			_, err := w.Apply(u.meeting, meeting.Effect{Kind: meeting.EffectLog, Line: u.unlogged[0]})
			if w.Session() == nil {
				return c.published(ch, nil, err)
			}
			u.unlogged = u.unlogged[1:]
		}
		u.session, u.unlogged = w.Detach(), nil
	}
	m := u.session.Meeting()
	files, err := u.session.Finish(m)
	ups := c.published(ch, files, err)
	if err != nil {
		return ups
	}
	u.session.Close()
	if !u.quiet {
		ups = append(ups, c.announce(ch, files)...)
	}
	ups = append(ups, c.busCompleted(ch, m, files)...)
	if u.journal != nil {
		if err := u.journal.Discard(); err != nil {
			ups = append(ups, c.errorUpdate(ch, err))
		}
	}
	for i, x := range ch.unpublished {
		if x == u {
			ch.unpublished = append(ch.unpublished[:i], ch.unpublished[i+1:]...)
			break
		}
	}
	return ups
}

// Publish writes the minutes of a channel's meetings now (the console's
// /publish): the running meeting's as it stands, and those of ended
// meetings whose files could not be written.
func (c *Controller) Publish(name string) []Update {
	ch := c.find(name)
	var ups []Update
	if ch != nil && ch.writer != nil && len(ch.unlogged) > 0 && ch.engine.Active() {
		if ups = c.flushUnlogged(ch); len(ch.unlogged) > 0 {
			if len(ups) == 0 {
				ups = []Update{{Kind: UpdateError, Channel: name, Err: fmt.Errorf("the archive still refuses the minutes of %s (%d lines wait in memory and in the journal)", name, len(ch.unlogged))}}
			}
			return ups
		}
	}
	if ch == nil || ch.writer == nil || ch.writer.Session() == nil && len(ch.unpublished) == 0 {
		return []Update{{Kind: UpdateError, Channel: name, Err: fmt.Errorf("no meeting to publish in %s", name)}}
	}
	for _, u := range append([]*ended(nil), ch.unpublished...) {
		ups = append(ups, c.retry(ch, u)...)
	}
	if ch.writer.Session() != nil && ch.engine.Active() {
		files, err := ch.writer.Apply(ch.engine.Meeting(), meeting.Effect{Kind: meeting.EffectSave})
		ups = append(ups, c.published(ch, files, err)...)
	}
	return ups
}

func (c *Controller) published(ch *channel, files []publish.File, err error) []Update {
	var ups []Update
	if len(files) > 0 {
		ups = append(ups, Update{Kind: UpdatePublished, Channel: ch.name, Files: files})
	}
	if err != nil {
		c.log.Error("publishing minutes failed", "channel", ch.name, "err", err)
		ups = append(ups, Update{Kind: UpdateError, Channel: ch.name, Err: c.explain(err)})
	}
	return ups
}

// busStarted tells the bus a meeting started (its start is journalled).
func (c *Controller) busStarted(ch *channel) []Update {
	if c.cfg.Bus == nil {
		return nil
	}
	// The channel as the meeting spells it (the same after a resume),
	// which the message's stable id is drawn from.
	m := ch.engine.Meeting()
	if err := c.cfg.Bus.MeetingStarted(m.Channel, m); err != nil {
		return []Update{c.busError(ch, err)}
	}
	return nil
}

func (c *Controller) busCompleted(ch *channel, m *meeting.Meeting, files []publish.File) []Update {
	if c.cfg.Bus == nil {
		return nil
	}
	if err := c.cfg.Bus.MeetingCompleted(m.Channel, m, files); err != nil {
		return []Update{c.busError(ch, err)}
	}
	return nil
}

func (c *Controller) busError(ch *channel, err error) Update {
	return c.errorUpdate(ch, fmt.Errorf("message bus: %w", err))
}
