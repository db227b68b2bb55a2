package minutes

import (
	"bufio"
	"errors"
	"io"
	"strconv"

	"gavel/meeting"
)

const logBufSize = 64 << 10

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
	scr    [16]byte
	closed bool
}

// NewLogText returns a .log.txt writer on w.
func NewLogText(w io.Writer, style meeting.Style) *LogText {
	return &LogText{w: bufio.NewWriterSize(w, logBufSize), plain: style != meeting.StyleZodbot}
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
	w := l.w
	if l.n > 0 {
		w.WriteByte('\n')
	}
	l.n++
	w.Write(appendClock(l.scr[:0], line.Time))
	nick, text := line.Nick, line.Text
	if l.plain {
		nick, text = meeting.PlainText(nick), meeting.PlainText(text)
		if line.NewNick != "" {
			w.WriteString(" " + NickChangeMarker)
			w.WriteString(nick)
			w.WriteString(NickChangeText)
			_, err := w.WriteString(meeting.PlainText(line.NewNick))
			return err
		}
		if line.Op != meeting.OpNone {
			// An edit, a redaction, a chair by identity (meeting/edits.go).
			w.WriteString(" " + NickChangeMarker)
			w.WriteString(nick)
			w.WriteByte(' ')
			_, err := w.WriteString(meeting.PlainText(line.OpText()))
			return err
		}
	}
	if line.Action {
		w.WriteString(" * ")
		w.WriteString(nick)
	} else {
		w.WriteString(" <")
		w.WriteString(nick)
		w.WriteByte('>')
	}
	w.WriteByte(' ')
	_, err := w.WriteString(text)
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
	scr     [24]byte
	started bool
	closed  bool
	channel string
}

// NewLogHTML returns a .log.html writer on w for a meeting in channel.
func NewLogHTML(w io.Writer, channel string, style meeting.Style) *LogHTML {
	return &LogHTML{w: bufio.NewWriterSize(w, logBufSize), zod: style == meeting.StyleZodbot, channel: channel}
}

func (l *LogHTML) start() {
	l.started = true
	w := l.w
	w.WriteString(htmlHead)
	if l.zod {
		l.esc(l.channel)
	} else {
		l.esc(meeting.PlainText(l.channel))
	}
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
	w := l.w
	if l.n > 0 {
		w.WriteByte('\n')
	}
	l.n++
	num := line.N
	if num <= 0 {
		num = l.n
	}
	end := ""
	if !l.zod {
		w.WriteString(lineBoxStart)
		end = lineBoxEnd
	}
	l.writeLine(line, num)
	// bufio.Writer's errors are sticky: the last write reports any.
	_, err := w.WriteString(end)
	return err
}

// The default style's box around each line (see cssLogDefault).
const (
	lineBoxStart = `<span class="ln">`
	lineBoxEnd   = `</span>`
)

// writeLine writes the anchor, time, nick and text of one line.
func (l *LogHTML) writeLine(line meeting.Line, num int) {
	w := l.w
	w.WriteString(`<a name="l-`)
	w.Write(strconv.AppendInt(l.scr[:0], int64(num), 10))
	w.WriteString(`"></a><span class="tm">`)
	w.Write(appendClock(l.scr[:0], line.Time))
	if !l.zod {
		line.Nick, line.Text = meeting.PlainText(line.Nick), meeting.PlainText(line.Text)
		if line.NewNick != "" {
			w.WriteString(` </span><span class="nka">-!- `)
			l.esc(line.Nick)
			w.WriteString(`</span> <span class="ac">is now known as `)
			l.esc(meeting.PlainText(line.NewNick))
			w.WriteString(`</span>`)
			return
		}
		if line.Op != meeting.OpNone {
			w.WriteString(` </span><span class="nka">-!- `)
			l.esc(line.Nick)
			w.WriteString(`</span> <span class="ac">`)
			l.esc(meeting.PlainText(line.OpText()))
			w.WriteString(`</span>`)
			return
		}
	}
	if line.Action {
		w.WriteString(` </span><span class="nka">* `)
		l.esc(line.Nick)
		w.WriteString(`</span> <span class="ac">`)
		l.esc(line.Text)
		w.WriteString(`</span>`)
		return
	}
	w.WriteString(`</span><span class="nk"> &lt;`)
	l.esc(line.Nick)
	w.WriteString(`&gt;</span> `)
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
			w.WriteString(class1)
			l.esc(t[:i])
			w.WriteString(class2)
			l.esc(t[i:])
			w.WriteString(`</span>`)
			return
		}
	}
	// hilight_re ([^\s]+:)( .*): the first word ends with ':' and is
	// followed by a space.
	k := 0
	for k < len(t) && !isASCIISpace(t[k]) {
		k++
	}
	if k >= 2 && t[k-1] == ':' && k < len(t) && t[k] == ' ' {
		w.WriteString(`<span class="hi">`)
		l.esc(t[:k])
		w.WriteString(`</span>`)
		t = t[k:]
	}
	l.esc(t)
}

// esc writes s HTML-escaped.
func (l *LogHTML) esc(s string) {
	w := l.w
	table := &htmlSpecialFull
	if l.zod {
		table = &htmlSpecialZodbot
	}
	last := 0
	for i := 0; i < len(s); i++ {
		if !table[s[i]] {
			continue
		}
		w.WriteString(s[last:i])
		switch s[i] {
		case '&':
			w.WriteString("&amp;")
		case '<':
			w.WriteString("&lt;")
		case '>':
			w.WriteString("&gt;")
		case '"':
			w.WriteString("&quot;")
		default:
			w.WriteString("&#39;")
		}
		last = i + 1
	}
	w.WriteString(s[last:])
}

// The bytes esc replaces: zodbot's &, < and >; the default style adds
// quotes.
var htmlSpecialZodbot, htmlSpecialFull = func() (z, f [256]bool) {
	for _, c := range "&<>" {
		z[c], f[c] = true, true
	}
	f['"'], f['\''] = true, true
	return z, f
}()

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
