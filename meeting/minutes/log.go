package minutes

import (
	"bufio"
	"errors"
	"io"
	"strconv"

	"gavel/meeting"
)

const logBufSize = 64 << 10

// lineBufSize is what the log writers' line buffer holds at first: most
// lines, with their markup.
const lineBufSize = 512

var errClosed = errors.New("minutes: log writer is closed")

// LogText streams B.log.txt: one line per log line, "HH:MM:SS <nick> text"
// or "HH:MM:SS * nick text" for /me lines, joined with "\n" and without a
// trailing newline. In zodbot style the texts are written as they are
// (formatting codes and control characters included, as MeetBot wrote
// them); the default style writes meeting.PlainText of them and records
// nick changes as "HH:MM:SS -!- old is now known as new", which
// meeting/logfile reads back. It buffers; Close flushes. WriteLine does not
// allocate for clean text.
type LogText struct {
	w      *bufio.Writer
	plain  bool
	n      int
	line   []byte // the line being written
	closed bool
}

// NewLogText returns a .log.txt writer on w.
func NewLogText(w io.Writer, style meeting.Style) *LogText {
	return &LogText{w: bufio.NewWriterSize(w, logBufSize), plain: style != meeting.StyleZodbot, line: make([]byte, 0, lineBufSize)}
}

// NickChangeMarker and NickChangeText frame a nick change in the default
// style's .log.txt: "HH:MM:SS -!- old is now known as new".
const (
	NickChangeMarker = "-!- "
	NickChangeText   = " is now known as "
)

// WriteLine appends one log line.
func (l *LogText) WriteLine(line meeting.Line) error {
	if l.closed {
		return errClosed
	}
	// The line is built in a buffer of the writer's own and written at
	// once.
	b := l.line[:0]
	if l.n > 0 {
		b = append(b, '\n')
	}
	l.n++
	b = appendClock(b, line.Time)
	nick, text := line.Nick, line.Text
	if l.plain {
		newNick := line.NewNick
		if !line.IsPlain() {
			nick, text, newNick = meeting.PlainText(nick), meeting.PlainText(text), meeting.PlainText(newNick)
		}
		if line.NewNick != "" {
			b = append(b, " "+NickChangeMarker...)
			b = append(b, nick...)
			b = append(b, NickChangeText...)
			b = append(b, newNick...)
			l.line = b
			_, err := l.w.Write(b)
			return err
		}
		if line.Op != meeting.OpNone {
			// An edit, a redaction, a chair by identity (meeting/edits.go).
			b = append(b, " "+NickChangeMarker...)
			b = append(b, nick...)
			b = append(b, ' ')
			b = append(b, meeting.PlainText(line.OpText())...)
			l.line = b
			_, err := l.w.Write(b)
			return err
		}
	}
	if line.Action {
		b = append(b, " * "...)
		b = append(b, nick...)
	} else {
		b = append(b, " <"...)
		b = append(b, nick...)
		b = append(b, '>')
	}
	b = append(b, ' ')
	b = append(b, text...)
	l.line = b
	_, err := l.w.Write(b)
	return err
}

// Flush writes the buffered lines through to the underlying writer.
func (l *LogText) Flush() error { return l.w.Flush() }

// Close flushes the buffered output. It does not close the underlying
// writer.
func (l *LogText) Close() error {
	if l.closed {
		return nil
	}
	l.closed = true
	return l.w.Flush()
}

// LogHTML streams B.log.html as MeetBot 0.1.4's HTMLlog2 writer lays it
// out: the head with the log stylesheet, then one <pre> holding a line per
// log line with its anchor "l-N", time and nick spans; "#topic" lines get
// topic/topicline spans, other "#word" lines cmd/cmdline spans, lines
// starting "word: " a hi span, /me lines nka and ac spans. In zodbot style
// only &, < and > are escaped (as MeetBot did); the default style escapes
// quotes too, and wraps each line in a <span class="ln"> that its
// stylesheet (cssLogDefault) makes a box clipping whatever the line paints
// outside it, so a letter under hundreds of combining marks cannot cover
// its neighbours. The lines stay separated by "\n" in both styles, so the
// text copies and reads the same. WriteLine does not allocate.
type LogHTML struct {
	w       *bufio.Writer
	zod     bool
	n       int
	line    []byte // the line being written
	started bool
	closed  bool
	channel string
}

// NewLogHTML returns a .log.html writer on w for a meeting in channel.
func NewLogHTML(w io.Writer, channel string, style meeting.Style) *LogHTML {
	return &LogHTML{w: bufio.NewWriterSize(w, logBufSize), zod: style == meeting.StyleZodbot, channel: channel, line: make([]byte, 0, lineBufSize)}
}

func (l *LogHTML) start() {
	l.started = true
	w := l.w
	w.WriteString(htmlHead)
	channel := l.channel
	if !l.zod {
		channel = meeting.PlainText(channel)
	}
	w.Write(l.esc(w.AvailableBuffer(), channel))
	w.WriteString(" log</title>\n")
	if l.zod {
		w.WriteString(cssLog)
	} else {
		w.WriteString(cssLogDefault)
	}
	w.WriteString("</head>\n\n<body>\n<pre>")
}

// WriteLine appends one log line. The anchor number is line.N, or the
// count of lines written so far when N is 0.
func (l *LogHTML) WriteLine(line meeting.Line) error {
	if l.closed {
		return errClosed
	}
	if !l.started {
		l.start()
	}
	// The line is built in a buffer of the writer's own and written at
	// once.
	b := l.line[:0]
	if l.n > 0 {
		b = append(b, '\n')
	}
	l.n++
	num := line.N
	if num <= 0 {
		num = l.n
	}
	if !l.zod {
		b = append(b, lineBoxStart...)
	}
	b = l.appendLine(b, line, num)
	if !l.zod {
		b = append(b, lineBoxEnd...)
	}
	l.line = b
	_, err := l.w.Write(b)
	return err
}

// The default style's box around each line (see cssLogDefault).
const (
	lineBoxStart = `<span class="ln">`
	lineBoxEnd   = `</span>`
)

// appendLine appends the anchor, time, nick and text of one line.
func (l *LogHTML) appendLine(b []byte, line meeting.Line, num int) []byte {
	b = append(b, `<a name="l-`...)
	b = strconv.AppendInt(b, int64(num), 10)
	b = append(b, `"></a><span class="tm">`...)
	b = appendClock(b, line.Time)
	if !l.zod {
		newNick := line.NewNick
		if !line.IsPlain() {
			line.Nick, line.Text, newNick = meeting.PlainText(line.Nick), meeting.PlainText(line.Text), meeting.PlainText(newNick)
		}
		if line.NewNick != "" {
			b = append(b, ` </span><span class="nka">-!- `...)
			b = l.esc(b, line.Nick)
			b = append(b, `</span> <span class="ac">is now known as `...)
			b = l.esc(b, newNick)
			return append(b, `</span>`...)
		}
		if line.Op != meeting.OpNone {
			b = append(b, ` </span><span class="nka">-!- `...)
			b = l.esc(b, line.Nick)
			b = append(b, `</span> <span class="ac">`...)
			b = l.esc(b, meeting.PlainText(line.OpText()))
			return append(b, `</span>`...)
		}
	}
	if line.Action {
		b = append(b, ` </span><span class="nka">* `...)
		b = l.esc(b, line.Nick)
		b = append(b, `</span> <span class="ac">`...)
		b = l.esc(b, line.Text)
		return append(b, `</span>`...)
	}
	b = append(b, `</span><span class="nk"> &lt;`...)
	b = l.esc(b, line.Nick)
	b = append(b, `&gt;</span> `...)
	t := line.Text
	if len(t) > 1 && t[0] == '#' {
		// command_topic_re (#topic[ \t\f\v]*)(.*), then
		// command_re (#[^\s]+[ \t\f\v]*)(.*)
		class1, class2 := `<span class="cmd">`, `</span><span class="cmdline">`
		var i int
		if len(t) >= 6 && t[:6] == "#topic" {
			class1, class2 = `<span class="topic">`, `</span><span class="topicline">`
			i = 6
		} else {
			i = 1
			for i < len(t) && !isASCIISpace(t[i]) {
				i++
			}
		}
		if i > 1 {
			for i < len(t) && (t[i] == ' ' || t[i] == '\t' || t[i] == '\f' || t[i] == '\v') {
				i++
			}
			b = append(b, class1...)
			b = l.esc(b, t[:i])
			b = append(b, class2...)
			b = l.esc(b, t[i:])
			return append(b, `</span>`...)
		}
	}
	// hilight_re ([^\s]+:)( .*): the first word ends with ':' and is
	// followed by a space.
	k := 0
	for k < len(t) && !isASCIISpace(t[k]) {
		k++
	}
	if k >= 2 && t[k-1] == ':' && k < len(t) && t[k] == ' ' {
		b = append(b, `<span class="hi">`...)
		b = l.esc(b, t[:k])
		b = append(b, `</span>`...)
		t = t[k:]
	}
	return l.esc(b, t)
}

// esc appends s HTML-escaped.
func (l *LogHTML) esc(b []byte, s string) []byte { return appendHTMLEsc(b, s, !l.zod) }

// LogHTMLEnd is what Close writes after the last line: a copy of a flushed
// page so far plus LogHTMLEnd is a complete page.
const LogHTMLEnd = "</pre>\n</body></html>\n"

// Flush writes the page so far (at least its head) through to the
// underlying writer, without ending it.
func (l *LogHTML) Flush() error {
	if !l.started {
		l.start()
	}
	return l.w.Flush()
}

// Close writes the end of the page and flushes. It does not close the
// underlying writer.
func (l *LogHTML) Close() error {
	if l.closed {
		return nil
	}
	if !l.started {
		l.start()
	}
	l.closed = true
	l.w.WriteString(LogHTMLEnd)
	return l.w.Flush()
}
