package live

import (
	"fmt"

	"gavel/meeting"
	"gavel/meeting/journal"
	"gavel/meeting/publish"
)

// channel returns the state of a channel, creating it — and resuming its
// meetings from the journal — on first use.
func (c *Controller) channel(name string) (*channel, []Update) {
	key := c.fold(name)
	if ch := c.channels[key]; ch != nil {
		return ch, nil
	}
	ch := &channel{name: name, engine: c.newEngine(name)}
	if c.cfg.Archive != nil {
		ch.writer = c.cfg.Archive.Writer()
		ch.writer.OnSettle = func(m *meeting.Meeting, mname, rel string) { c.journalPath(ch, ch.journal, m, mname, rel) }
	}
	c.channels[key] = ch
	if c.cfg.JournalDir == "" {
		return ch, c.chairStart(ch)
	}
	var ups []Update
	path := journal.Path(c.cfg.JournalDir, name)
	// Ended meetings whose minutes were never written come first.
	detached, err := journal.Detached(c.cfg.JournalFS, path)
	if err != nil {
		ups = append(ups, c.errorUpdate(ch, err))
	}
	for _, p := range detached {
		ups = append(ups, c.resumeEnded(ch, p)...)
	}
	j, rec, err := journal.OpenChannel(c.cfg.JournalFS, c.cfg.JournalDir, name)
	ch.journal = j
	if err != nil {
		ups = append(ups, c.errorUpdate(ch, err))
	}
	if u, ok := c.damaged(ch, rec); ok {
		ups = append(ups, u)
	}
	if len(rec.Events) > 0 {
		ups = append(ups, c.resume(ch, rec)...)
	}
	return ch, append(ups, c.chairStart(ch)...)
}

// damaged says what a damaged journal lost, and where it is kept.
func (c *Controller) damaged(ch *channel, rec journal.Recovered) (Update, bool) {
	if rec.Unreadable == 0 && rec.KeptAt == "" {
		return Update{}, false
	}
	kept := "it could not be kept aside"
	if rec.KeptAt != "" {
		kept = "the damaged file is kept at " + rec.KeptAt
	}
	return c.errorUpdate(ch, fmt.Errorf("the journal of %s was damaged: %d records could not be read; %s", ch.name, rec.Unreadable, kept)), true
}

// replayInto feeds journalled events to a fresh engine, carrying out the
// effects that write the log (replies and topics were sent before; a #save
// is not redone). An ended meeting's final files are left to the caller.
// The meeting's files go where the journal says the archive put them
// before (placed), so that a meeting published again after a crash writes
// over its own files and never makes a second copy.
func (c *Controller) replayInto(ch *channel, e *meeting.Engine, w *publish.Writer, waiting *[]meeting.Line, events []meeting.Event, placed []journal.Placed) []Update {
	var ups []Update
	var first *meeting.Meeting
	for i, ev := range events {
		if tc, ok := ev.(meeting.TopicChange); ok {
			ch.topic = tc.Topic
		}
		effects := e.Handle(ev)
		c.chairReplayed(ch, e, ev)
		if m := e.Meeting(); first == nil && m != nil {
			first = m
			if m.Paths == nil && len(placed) > 0 {
				m.Paths = map[string]string{}
			}
			for _, p := range placed {
				if _, ok := m.Paths[p.Name]; !ok {
					m.Paths[p.Name] = p.Path
				}
			}
		}
		for _, eff := range effects {
			switch {
			case w == nil:
			case eff.Kind == meeting.EffectLog:
				// Lines the archive refuses wait (see logTo).
				if err := logTo(w, e.Meeting(), waiting, eff.Line); err != nil {
					ups = append(ups, c.errorUpdate(ch, c.explain(err)))
				}
			case eff.Kind == meeting.EffectEnd && i < len(events)-1:
				// A journal of gavel before it set failed meetings
				// aside held one and the next: publish the first now.
				files, err := w.Apply(e.Meeting(), eff)
				ups = append(ups, c.published(ch, files, err)...)
				if err != nil {
					s := w.Detach()
					s.OnSettle(nil) // the journal holds the next meeting too
					ch.unpublished = append(ch.unpublished, &ended{session: s})
				}
			}
		}
	}
	return ups
}

// resume replays a channel's journal into its engine.
func (c *Controller) resume(ch *channel, rec journal.Recovered) []Update {
	events := rec.Events
	if spelled := placedChannel(rec.Placed); spelled != "" && spelled != ch.name && ch.engine.Meeting() == nil {
		// The meeting spells its channel as it did when it started
		// (gavel may now have it from the configuration instead of
		// the server): its minutes, if written again, are the same.
		ch.engine = c.newEngine(spelled)
	}
	ups := c.replayInto(ch, ch.engine, ch.writer, &ch.unlogged, events, rec.Placed)
	m := ch.engine.Meeting()
	if m == nil {
		return ups
	}
	if !ch.engine.Active() {
		// The journal ends with #endmeeting but the minutes were not
		// written: write them now.
		return append(ups, c.finish(ch)...)
	}
	ch.resumedAt = events[len(events)-1].When()
	ch.rememberRan(events)
	ch.replayed = map[lineKey]bool{}
	for _, ev := range events {
		if msg, ok := ev.(meeting.Message); ok {
			ch.replayed[keyOf(msg)] = true
		}
	}
	text := fmt.Sprintf("resumed meeting %q from its journal: %d lines", m.Name, m.LineCount)
	if rec.Unreadable > 0 {
		text += fmt.Sprintf("; %d journal records could not be read, their lines are missing", rec.Unreadable)
	}
	c.log.Info("meeting resumed from journal", "channel", ch.name, "events", len(events), "lines", m.LineCount, "unreadable", rec.Unreadable)
	return append(ups, Update{Kind: UpdateResumed, Channel: ch.name, Text: text}, Update{Kind: UpdateMeeting, Channel: ch.name})
}

func keyOf(m meeting.Message) lineKey { return lineKey{m.Time.UnixNano(), m.Nick, m.Text} }

// placedChannel is the channel as a journalled meeting spelled it, or "".
func placedChannel(placed []journal.Placed) string {
	for _, p := range placed {
		if p.Channel != "" {
			return p.Channel
		}
	}
	return ""
}

// journalPath records in j (the journal of the meeting m) where the
// archive puts its files under name, synced before any file is written
// there (see publish.SettleFunc). A journal that cannot take it now
// catches up with the channel's other records.
func (c *Controller) journalPath(ch *channel, j *journal.Journal, m *meeting.Meeting, name, rel string) {
	if j == nil {
		return
	}
	if err := j.AppendPath(journal.Placed{Channel: m.Channel, Name: name, Path: rel}); err != nil {
		c.log.Error("journal: recording where the minutes go", "channel", ch.name, "err", err)
		return
	}
	if err := j.Sync(); err != nil {
		c.log.Warn("journal: recording where the minutes go", "channel", ch.name, "err", err)
		if j == ch.journal {
			c.behind[ch] = true
		}
	}
}

// resumeEnded publishes an ended meeting from its detached journal.
func (c *Controller) resumeEnded(ch *channel, path string) []Update {
	j, rec, err := journal.Open(c.cfg.JournalFS, path)
	var ups []Update
	if err != nil {
		ups = append(ups, c.errorUpdate(ch, err))
	}
	if u, ok := c.damaged(ch, rec); ok {
		ups = append(ups, u)
	}
	if len(rec.Events) == 0 {
		if err == nil {
			j.Discard()
		}
		return ups
	}
	var w *publish.Writer
	if c.cfg.Archive != nil {
		w = c.cfg.Archive.Writer()
		w.OnSettle = func(m *meeting.Meeting, name, rel string) { c.journalPath(ch, j, m, name, rel) }
	}
	spelled := placedChannel(rec.Placed)
	if spelled == "" {
		spelled = ch.name
	}
	e := c.newEngine(spelled)
	var waiting []meeting.Line
	ups = append(ups, c.replayInto(ch, e, w, &waiting, rec.Events, rec.Placed)...)
	m := e.Meeting()
	if w == nil || m == nil || w.Session() == nil && len(waiting) == 0 {
		return ups
	}
	if !m.Ended() {
		m.End = rec.Events[len(rec.Events)-1].When()
	}
	// Without a session the archive refused the meeting's files: they
	// open from the waiting lines on retry.
	u := &ended{session: w.Detach(), journal: j, meeting: m, unlogged: waiting}
	ch.unpublished = append(ch.unpublished, u)
	return append(ups, c.retry(ch, u)...)
}

// Resume opens the journals of the given channels now (at start-up), so
// that interrupted meetings are back before the first live line.
func (c *Controller) Resume(channels ...string) []Update {
	var ups []Update
	for _, name := range channels {
		_, u := c.channel(name)
		ups = append(ups, u...)
	}
	return ups
}
