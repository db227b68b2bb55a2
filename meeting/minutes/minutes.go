// Package minutes writes a meeting's published files in the layout of
// Fedora's zodbot (MeetBot 0.1.4): the raw log (.log.txt), the HTML log
// (.log.html), the text minutes (.txt) and the HTML minutes (.html), plus,
// in gavel's default style, Markdown (.md) and JSON (.json) minutes.
//
// All writers are pure: they write to an io.Writer and never touch the file
// system. The two log writers stream (NewLogText, NewLogHTML) so that a
// log of any length is written in constant memory; the minutes writers
// (Render) take the meeting state, which holds no log lines.
//
// With meeting.StyleZodbot the .log.txt, .log.html, .txt and .html are byte
// for byte what zodbot published, quirks included: 72-column Python textwrap
// wrapping, "#link" taking its first word as the URL, case-sensitive
// substring matching of nicks in action items, the unescaped meeting title
// in the HTML, the HTML's missing "by person" section and single
// unassigned action, and attendee ties in CPython 2.7 dict order. The
// default style keeps the files, sections and layout but escapes
// everything in HTML (quotes too), finds the URL anywhere in a #link line
// and only links http, https, ftp, irc and mailto URLs, matches nicks as
// whole words ignoring case, orders attendee ties alphabetically, shows
// VOTE items and a Votes section, and puts each .log.html line in a box
// that clips what the line paints outside it (combining marks stacked on a
// letter).
package minutes

import (
	"errors"
	"fmt"
	"io"
	"iter"
	"slices"
	"strings"

	"gavel/meeting"
)

// FileKind is one of the published files.
type FileKind int

// The files, in the order zodbot writes them.
const (
	FileLogText  FileKind = iota // B.log.txt: the raw log
	FileLogHTML                  // B.log.html: the HTML log
	FileText                     // B.txt: text minutes
	FileHTML                     // B.html: HTML minutes
	FileMarkdown                 // B.md: Markdown minutes (default style)
	FileJSON                     // B.json: JSON minutes (default style)
)

// Ext returns the file name extension without the leading dot, e.g.
// "log.html".
func (k FileKind) Ext() string {
	switch k {
	case FileLogText:
		return "log.txt"
	case FileLogHTML:
		return "log.html"
	case FileText:
		return "txt"
	case FileHTML:
		return "html"
	case FileMarkdown:
		return "md"
	case FileJSON:
		return "json"
	}
	return ""
}

// String returns the extension.
func (k FileKind) String() string { return k.Ext() }

// IsLog reports whether the file is one of the two streamed logs.
func (k FileKind) IsLog() bool { return k == FileLogText || k == FileLogHTML }

// Kinds returns the files published in a style: four for zodbot, six for
// the default style.
func Kinds(style meeting.Style) []FileKind {
	if style == meeting.StyleZodbot {
		return []FileKind{FileLogText, FileLogHTML, FileText, FileHTML}
	}
	return []FileKind{FileLogText, FileLogHTML, FileText, FileHTML, FileMarkdown, FileJSON}
}

// Options configures Render.
type Options struct {
	Style meeting.Style

	// LogsURL is the full URL of B.log.html that the .txt minutes print
	// ("The full logs are available at ..."), the JSON records and the
	// Markdown links to. When empty it is URLPrefix + RelDir + "/" +
	// base + ".log.html" (RelDir may be empty; URLPrefix gets a "/" added
	// when it lacks one and is not empty).
	LogsURL string
	// URLPrefix is the archive's public URL prefix, e.g.
	// "https://meetbot.fedoraproject.org/".
	URLPrefix string
	// RelDir is the archive-relative directory of the files, e.g.
	// "fedora-meeting/2020-06-10".
	RelDir string
}

// ErrStreamed is returned by Render for the two log kinds, which are
// written line by line with NewLogText / NewLogHTML (or RenderLog).
var ErrStreamed = errors.New("minutes: log files are streamed; use NewLogText, NewLogHTML or RenderLog")

// LogsURL returns the URL of base.log.html that the options describe.
func (o Options) logsURL(base string) string {
	if o.LogsURL != "" {
		return o.LogsURL
	}
	p := o.URLPrefix
	if p != "" && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	if o.RelDir != "" {
		p += strings.TrimSuffix(o.RelDir, "/") + "/"
	}
	return p + base + ".log.html"
}

// Render writes one minutes file of m. base is the file base name
// (<meetingname>.<YYYY-MM-DD-HH.MM>), used in the relative links to
// base.log.html#l-N. The log kinds return ErrStreamed.
func Render(kind FileKind, w io.Writer, m *meeting.Meeting, base string, opts Options) error {
	r, err := NewRenderer(m, base, opts)
	if err != nil {
		return err
	}
	return r.Render(kind, w)
}

// Renderer renders the files of one meeting, doing the work they share
// (attendee order, actions by person) once. Its Render may be called from
// several goroutines at once; the meeting must not change meanwhile.
type Renderer struct{ v *view }

// NewRenderer prepares the minutes of m; see Render for base.
func NewRenderer(m *meeting.Meeting, base string, opts Options) (*Renderer, error) {
	if m == nil {
		return nil, errors.New("minutes: nil meeting")
	}
	return &Renderer{v: newView(m, base, opts)}, nil
}

// Render writes one file. The log kinds return ErrStreamed.
func (r *Renderer) Render(kind FileKind, w io.Writer) error {
	v := r.v
	p := getBuf()
	defer putBuf(p)
	b := slices.Grow((*p)[:0], v.sizeHint()) // at once, not doubling its way there
	switch kind {
	case FileText:
		b = v.appendText(b)
		if v.zod {
			// replaceWRAP runs over the whole output, as in MeetBot.
			q := getBuf()
			defer putBuf(q)
			*q = appendReplaceWRAP((*q)[:0], bytesString(b))
			*p, b = b, *q
		}
	case FileHTML:
		b = v.appendHTML(b)
	case FileMarkdown:
		b = v.appendMarkdown(b)
	case FileJSON:
		b = v.appendJSONMinutes(b)
	case FileLogText, FileLogHTML:
		return ErrStreamed
	default:
		return fmt.Errorf("minutes: unknown file kind %d", int(kind))
	}
	if kind != FileText || !v.zod {
		*p = b
	}
	_, err := w.Write(b)
	return err
}

// LogWriter is a streaming log writer: NewLogText or NewLogHTML.
type LogWriter interface {
	WriteLine(meeting.Line) error
	// Close writes the end of the file and flushes; it does not close the
	// underlying writer.
	Close() error
}

// NewLogWriter returns the streaming writer of a log kind.
func NewLogWriter(kind FileKind, w io.Writer, channel string, style meeting.Style) (LogWriter, error) {
	switch kind {
	case FileLogText:
		return NewLogText(w, style), nil
	case FileLogHTML:
		return NewLogHTML(w, channel, style), nil
	}
	return nil, fmt.Errorf("minutes: %s is not a log file", kind)
}

// RenderLog streams lines into a log file of the given kind.
func RenderLog(kind FileKind, w io.Writer, channel string, style meeting.Style, lines iter.Seq[meeting.Line]) error {
	lw, err := NewLogWriter(kind, w, channel, style)
	if err != nil {
		return err
	}
	for l := range lines {
		if err := lw.WriteLine(l); err != nil {
			return err
		}
	}
	return lw.Close()
}
