package live

import (
	"strings"

	"gavel/meeting"
	"gavel/meeting/publish"
)

// What the archive refused waits in memory (and in the journal) until it
// takes it; what the channel should have heard of the minutes is said
// once they are written.

// logLine streams a line of the log. When the archive refuses to open the
// meeting's files, the line waits in memory with those before it; the
// first line it takes opens them and writes the waiting lines first, so
// the log never starts late. The chair hears of the first refusal.
func (c *Controller) logLine(ch *channel, line meeting.Line) []Update {
	ch.unlogged = append(ch.unlogged, line)
	return c.flushUnlogged(ch)
}

// flushUnlogged writes the lines waiting for the archive, if it takes them
// now.
func (c *Controller) flushUnlogged(ch *channel) []Update {
	m := ch.engine.Meeting()
	for len(ch.unlogged) > 0 {
		_, err := ch.writer.Apply(m, meeting.Effect{Kind: meeting.EffectLog, Line: ch.unlogged[0]})
		if ch.writer.Session() == nil {
			if len(ch.unlogged) > 1 {
				return nil // said at the first refusal
			}
			return []Update{c.errorUpdate(ch, c.explain(err))}
		}
		ch.unlogged = ch.unlogged[1:]
		if err != nil {
			return []Update{c.errorUpdate(ch, c.explain(err))}
		}
	}
	ch.unlogged = nil
	return nil
}

// explain says what went wrong with the archive, and where.
func (c *Controller) explain(err error) error {
	if c.cfg.Archive == nil {
		return err
	}
	return c.cfg.Archive.Explain(err)
}

// announce tells the channel where the minutes of an ended meeting are,
// once they are written after all: when the meeting ended it heard only
// that they could not be (or nothing, if gavel died as it published). Out
// of the channel, the lines wait for gavel's JOIN.
func (c *Controller) announce(ch *channel, files []publish.File) []Update {
	lines := minutesLines(files)
	if len(lines) == 0 {
		return nil
	}
	if !ch.joined {
		ch.unsaid = append(ch.unsaid, lines...)
		return nil
	}
	var ups []Update
	for _, l := range lines {
		ups = append(ups, c.send(ch, l)...)
	}
	return ups
}

// sayUnsaid sends what announce kept for gavel's return to the channel.
func (c *Controller) sayUnsaid(ch *channel) []Update {
	var ups []Update
	for _, l := range ch.unsaid {
		ups = append(ups, c.send(ch, l)...)
	}
	ch.unsaid = nil
	return ups
}

// minutesLines are the lines that give the minutes' URLs, as the meeting's
// end gives them (MeetBot's layout), after a line saying they are written
// now.
func minutesLines(files []publish.File) []string {
	var html, txt, log string
	for _, f := range files {
		switch {
		case strings.HasSuffix(f.URL, ".log.html"):
			log = f.URL
		case strings.HasSuffix(f.URL, ".log.txt"):
		case strings.HasSuffix(f.URL, ".html"):
			html = f.URL
		case strings.HasSuffix(f.URL, ".txt"):
			txt = f.URL
		}
	}
	if html == "" && txt == "" && log == "" {
		return nil
	}
	lines := []string{"The minutes are written now."}
	for _, l := range [][2]string{{"Minutes:        ", html}, {"Minutes (text): ", txt}, {"Log:            ", log}} {
		if l[1] != "" {
			lines = append(lines, l[0]+l[1])
		}
	}
	return lines
}
