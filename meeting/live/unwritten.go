package live

import (
	"strings"

	"gavel/meeting"
	"gavel/meeting/publish"
)

// What the archive refused waits in memory (and in the journal) until it
// takes it; what the channel should have heard of the minutes is said
// once they are written.

// logLine streams a line of the running meeting's log (see logTo).
func (c *Controller) logLine(ch *channel, line meeting.Line) []Update {
	return c.said(ch, logTo(ch.writer, ch.engine.Meeting(), &ch.unlogged, line))
}

// flushUnlogged writes the running meeting's lines that wait for the
// archive, if it takes them now.
func (c *Controller) flushUnlogged(ch *channel) []Update {
	return c.said(ch, flushTo(ch.writer, ch.engine.Meeting(), &ch.unlogged))
}

func (c *Controller) said(ch *channel, err error) []Update {
	if err == nil {
		return nil
	}
	return []Update{c.errorUpdate(ch, c.explain(err))}
}

// logTo streams a line into w's log. When the archive refuses to open the
// meeting's files, the line waits in *waiting with those before it; the
// first line it takes opens them and writes the waiting lines first, so
// the log never starts late. The error is that of the first refusal
// (later ones are not said again).
func logTo(w *publish.Writer, m *meeting.Meeting, waiting *[]meeting.Line, line meeting.Line) error {
	*waiting = append(*waiting, line)
	err := flushTo(w, m, waiting)
	if len(*waiting) > 1 {
		return nil
	}
	return err
}

// flushTo writes the lines waiting for the archive, if it takes them now.
func flushTo(w *publish.Writer, m *meeting.Meeting, waiting *[]meeting.Line) error {
	for len(*waiting) > 0 {
		_, err := w.Apply(m, meeting.Effect{Kind: meeting.EffectLog, Line: (*waiting)[0]})
		if w.Session() == nil {
			return err
		}
		*waiting = (*waiting)[1:]
		if err != nil {
			return err // the line waits in the session's own memory
		}
	}
	*waiting = nil
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
