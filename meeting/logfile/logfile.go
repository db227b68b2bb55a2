// Package logfile reads IRC log formats for replay: MeetBot's raw
// .log.txt, and the channel logs written by irssi, WeeChat, ZNC and
// HexChat. A Reader turns a log into a stream of meeting.Events (messages,
// /me actions, joins, parts, quits, nick and topic changes) that can be fed
// to the same engine as a live meeting.
//
// Readers stream: they hold one line at a time and never read the whole
// file into memory. Lines longer than MaxLineLength are skipped and counted,
// and reading goes on. Message texts are trimmed of surrounding white space
// and \x01 and otherwise passed on as they are, IRC formatting codes and
// invalid UTF-8 included: the meeting engine decodes and strips them as the
// style asks (zodbot style keeps formatting codes in its files, as MeetBot
// did).
//
// Unlike MeetBot's replay, a line is classified once: a message whose text
// starts with "*" is one message, not a message and an action.
package logfile

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"gavel/meeting"
)

// Format names a log format.
type Format string

// The supported formats.
const (
	// MeetBot is MeetBot's raw log (B.log.txt): "HH:MM:SS <nick> text" and
	// "HH:MM:SS * nick text", with the variants MeetBot's replay accepts:
	// brackets around the time, no time, HH:MM, "@"/"+" before the nick.
	MeetBot Format = "meetbot"
	// Irssi is irssi's default log format ("--- Log opened ...",
	// "18:00 < nick> text", "18:00 -!- nick [host] has joined #chan").
	Irssi Format = "irssi"
	// WeeChat is WeeChat's logger format
	// ("2015-04-30 18:00:03\tnick\ttext").
	WeeChat Format = "weechat"
	// ZNC is the format of ZNC's log module ("[18:00:03] <nick> text",
	// "[18:00:03] *** Joins: nick (user@host)").
	ZNC Format = "znc"
	// HexChat is HexChat's (and XChat's) log format
	// ("**** BEGIN LOGGING AT ...", "Apr 30 18:00:03 <nick>\ttext").
	HexChat Format = "hexchat"
)

// Formats lists the supported formats.
func Formats() []Format { return []Format{MeetBot, Irssi, WeeChat, ZNC, HexChat} }

// ErrUnknownFormat is returned when a format name is not known or a log's
// format cannot be detected.
var ErrUnknownFormat = errors.New("logfile: unknown log format")

// ErrEmptyLog is returned for a log with nothing in it but white space.
var ErrEmptyLog = errors.New("logfile: empty log")

// ParseFormat returns the Format named s (as in the constants: "meetbot",
// "irssi", "weechat", "znc", "hexchat"; "log.txt" is an alias of "meetbot"
// and "xchat" one of "hexchat").
func ParseFormat(s string) (Format, error) {
	switch s {
	case "meetbot", "log.txt":
		return MeetBot, nil
	case "irssi":
		return Irssi, nil
	case "weechat":
		return WeeChat, nil
	case "znc":
		return ZNC, nil
	case "hexchat", "xchat":
		return HexChat, nil
	}
	return "", fmt.Errorf("%w %q", ErrUnknownFormat, s)
}

// MaxLineLength is the longest line a Reader accepts, line ending
// included. Longer lines are skipped and counted in Stats.TooLong.
const MaxLineLength = 64 << 10

// MaxSkippedRecorded is how many skipped line numbers Stats keeps.
const MaxSkippedRecorded = 5

// RolloverThreshold is how far back a time-only log's clock must go for the
// reader to decide that midnight has passed and to advance the day.
const RolloverThreshold = 3 * time.Hour

// Options configure a Reader.
type Options struct {
	// Format of the log; "" detects it from the first lines (see Detect).
	Format Format
	// Date, when set, is the day of the log's first lines, as the user
	// says (gavel's --date): it wins over the dates the log and
	// FallbackDate give. Only its calendar date (in its own location) is
	// used. Day headers in the log (irssi "Log opened"/"Day changed",
	// HexChat "BEGIN LOGGING AT") and WeeChat's dated lines still date the
	// lines after them.
	//
	// When zero, the day is the log's own, from its first lines (up to
	// HeadBytes): those headers and dated lines, or the "Meeting started
	// Thu Apr 30 18:00:03 2015 UTC." that MeetBot (or gavel) says at each
	// #startmeeting, converted to the log's clock; such a reply then also
	// dates the lines after it. Else FallbackDate is used, else
	// 1970-01-01, and Dated reports false.
	Date time.Time
	// FallbackDate is the day the file's name gives (see ParseFileName),
	// for a log that says none.
	FallbackDate time.Time
	// Location the log's times are in; nil means UTC.
	Location *time.Location

	streamed bool // tests: read through the buffer even when the log fits in the head
}

// HeadBytes is how much of a log's beginning NewReader reads ahead to
// learn its date and channel (and its format, reading further, up to
// MaxDetectBytes, while Detect is unsure).
const HeadBytes = 64 << 10

// MaxDetectBytes bounds how far NewReader reads ahead to detect a format.
const MaxDetectBytes = 1 << 20

// Stats counts what a Reader has read so far.
type Stats struct {
	Lines   int // lines read, blank and header lines included
	Events  int // events returned
	Skipped int // lines that are neither speech nor a recognised event
	TooLong int // skipped lines longer than MaxLineLength (part of Skipped)
	// SkippedLines holds the 1-based numbers of the first
	// MaxSkippedRecorded skipped lines.
	SkippedLines []int
}

// lineKind is how a parser classified a line.
type lineKind uint8

const (
	kindSkip  lineKind = iota // not understood: counted as skipped
	kindMeta                  // header or blank line: neither event nor skipped
	kindEvent                 // an event
)

type parseFunc func(r *Reader, line []byte) (meeting.Event, lineKind)

// Reader reads events from a log. It is not safe for concurrent use.
type Reader struct {
	br *bufio.Reader
	// A log that fits in its head is read from it in memory (mem, from
	// memOff), without a buffer: its lines' texts are the head's bytes.
	mem    []byte
	memOff int
	inMem  bool
	format Format
	parse  parseFunc
	loc    *time.Location

	// the current day and clock
	year     int
	month    time.Month
	day      int
	fullDate bool // lines carry their own date: no midnight rollover
	prevSec  int  // seconds since midnight of the previous timed line, -1 if none
	cacheSec int  // cache of the last computed time
	cacheT   time.Time
	midnight time.Time // of the day midDay (year, month, day), in UTC (see clock)
	midDay   [3]int
	lastT    time.Time // time of the last line with a time (for lines without one)

	nicks map[string]string // streamed: one string per nick (see intern)
	arena []byte            // holds the text of recent lines; see keep
	// shared: messages are returned as *meeting.Message from msgs, a
	// block of them (see NextShared).
	shared bool
	msgs   []meeting.Message
	// head and block are the memory Close gives back for reuse: the
	// bytes read ahead (the log itself when in memory) and the first
	// block of messages.
	head  []byte
	block []meeting.Message
	stats Stats
	err   error // sticky: io.EOF or the read error
	lineN int

	replies bool   // "Meeting started ... UTC" replies date the lines
	dated   bool   // the log's date is known (see Dated)
	channel string // the first channel a join or topic line names

	// While probing the head (see probe): whether the log has given its
	// date, the day of its first line it implies, how many days the clock
	// had advanced before, and whether a line had a time stamp.
	probing  bool
	found    bool
	foundDay time.Time
	advanced int
	timed    bool
}

// maxInterned bounds the nick table so that hostile input cannot grow it
// without limit.
const maxInterned = 8192

// NewReader returns a Reader of r. It reads the log's first HeadBytes
// ahead (the Reader still returns every line) to learn its date and
// channel, and when opts.Format is empty, its format (see Detect), reading
// further while that is unsure. A log with nothing but white space gives
// ErrEmptyLog; an undetectable one an error wrapping ErrUnknownFormat.
func NewReader(r io.Reader, opts Options) (*Reader, error) {
	rd := &Reader{
		loc:      opts.Location,
		prevSec:  -1,
		cacheSec: -1,
	}
	if rd.loc == nil {
		rd.loc = time.UTC
	}
	// A read error ahead is returned by Next once the lines read before
	// it are: the head is judged as if the log ended there.
	var readErr error
	head, eof, err := readMore(r, nil, headSize(r))
	if err != nil {
		readErr, eof = err, true
	}
	if eof && readErr == nil && isBlank(bytes.TrimPrefix(head, bom)) {
		return nil, ErrEmptyLog
	}
	f := opts.Format
	for f == "" {
		var sure bool
		f, sure, err = detect(head)
		if sure || eof || len(head) >= MaxDetectBytes {
			if err != nil {
				return nil, err
			}
			break
		}
		f = ""
		if head, eof, err = readMore(r, head, min(2*len(head), MaxDetectBytes)); err != nil {
			readErr, eof = err, true
		}
	}
	if err := rd.setFormat(f); err != nil {
		return nil, err
	}
	rd.head = head
	rest := r
	if readErr != nil {
		rest = errReader{readErr}
	}
	if eof && readErr == nil && !opts.streamed {
		rd.mem, rd.inMem = head, true
	} else {
		rd.br = bufio.NewReaderSize(io.MultiReader(bytes.NewReader(head), rest), MaxLineLength)
	}
	start := opts.Date
	rd.dated = !start.IsZero()
	rd.replies = !rd.dated && !rd.fullDate
	p := rd.probe(head, eof)
	rd.channel = p.channel
	if !rd.dated && p.found {
		start, rd.dated = p.foundDay, true
	}
	if !rd.dated && !opts.FallbackDate.IsZero() {
		start, rd.dated = opts.FallbackDate, true
	}
	if start.IsZero() {
		rd.year, rd.month, rd.day = 1970, time.January, 1
	} else {
		rd.year, rd.month, rd.day = start.Date()
	}
	rd.lastT = time.Date(rd.year, rd.month, rd.day, 0, 0, 0, 0, rd.loc)
	return rd, nil
}

// setFormat chooses the parser.
func (rd *Reader) setFormat(f Format) error {
	switch f {
	case MeetBot:
		rd.parse = parseMeetBot
	case Irssi:
		rd.parse = parseIrssi
	case WeeChat:
		rd.parse = parseWeeChat
		rd.fullDate = true
	case ZNC:
		rd.parse = parseZNC
	case HexChat:
		rd.parse = parseHexChat
		rd.fullDate = true
	default:
		return fmt.Errorf("%w %q", ErrUnknownFormat, string(f))
	}
	rd.format = f
	return nil
}

// bom is UTF-8's byte order mark, which a log may start with.
var bom = []byte{0xEF, 0xBB, 0xBF}

// errReader returns its error.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// headSize is how much of r NewReader reads first: HeadBytes, or less
// when r is a file known to be smaller (one byte more than its size, to
// see its end).
func headSize(r io.Reader) int {
	switch f := r.(type) {
	case interface{ Stat() (os.FileInfo, error) }:
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() < HeadBytes {
			return int(st.Size()) + 1
		}
	case interface{ Len() int }: // bytes.Reader, strings.Reader, bytes.Buffer: what is left to read
		if n := f.Len(); n < HeadBytes {
			return n + 1
		}
	}
	return HeadBytes
}

// readMore reads from r until buf holds n bytes or r ends (eof).
func readMore(r io.Reader, buf []byte, n int) (_ []byte, eof bool, err error) {
	if buf == nil {
		buf = reusedBytes(n)
	}
	if cap(buf) < n {
		nb := make([]byte, len(buf), n)
		copy(nb, buf)
		buf = nb
	}
	m, err := io.ReadFull(r, buf[len(buf):n])
	buf = buf[:len(buf)+m]
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return buf, true, nil
	}
	return buf, false, err
}

// probe reads the head of the log (up to its last complete line, unless
// the log ends there) with a throwaway Reader of the same format, until it
// has learnt the log's date and channel or the head ends.
func (rd *Reader) probe(head []byte, eof bool) *Reader {
	if !eof {
		if i := bytes.LastIndexByte(head, '\n'); i >= 0 {
			head = head[:i+1]
		}
	}
	p := &Reader{
		mem: head, inMem: true, format: rd.format, parse: rd.parse,
		loc: rd.loc, fullDate: rd.fullDate, prevSec: -1, cacheSec: -1,
		replies: !rd.fullDate, probing: true, found: rd.dated,
		year: 1970, month: time.January, day: 1,
	}
	p.lastT = time.Date(1970, time.January, 1, 0, 0, 0, 0, rd.loc)
	wantChannel := rd.format != MeetBot && rd.format != ZNC // their lines never name one
	for !p.found || (wantChannel && p.channel == "") {
		if _, err := p.Next(); err != nil {
			break
		}
	}
	return p
}

// Format returns the format being read (detected or given).
func (r *Reader) Format() Format { return r.format }

// Dated reports whether the log's date is known: given in Options, said by
// the log's first lines, or given by Options.FallbackDate. When it is not,
// the lines are dated from 1970-01-01.
func (r *Reader) Dated() bool { return r.dated }

// Channel returns the channel the log's first lines name (irssi, WeeChat
// and HexChat log joins and topics with the channel), or "".
func (r *Reader) Channel() string { return r.channel }

// Stats returns the counts so far. The returned SkippedLines is a copy.
func (r *Reader) Stats() Stats {
	s := r.stats
	s.SkippedLines = append([]int(nil), r.stats.SkippedLines...)
	return s
}

// Next returns the next event, or io.EOF after the last one. A read error
// of the underlying reader is returned as is; errors are sticky.
func (r *Reader) Next() (meeting.Event, error) {
	if r.err != nil {
		return nil, r.err
	}
	for {
		line, tooLong, err := r.readLine()
		if err != nil {
			r.err = err
			return nil, err
		}
		r.stats.Lines++
		if tooLong {
			r.stats.TooLong++
			r.skip()
			continue
		}
		if r.lineN == 1 && len(line) >= 3 && line[0] == 0xEF && line[1] == 0xBB && line[2] == 0xBF {
			line = line[3:] // UTF-8 byte order mark
		}
		if isBlank(line) {
			continue
		}
		ev, kind := r.parse(r, line)
		switch kind {
		case kindEvent:
			r.stats.Events++
			return ev, nil
		case kindSkip:
			r.skip()
		}
	}
}

// NextShared is Next, except that a message (the most common event by
// far) is returned as a *meeting.Message rather than a meeting.Message:
// messages are allocated a block at a time, not one by one as a
// meeting.Message in an Event is. The engine takes either (see
// meeting.Engine.Handle). Use one of Next and NextShared per Reader.
func (r *Reader) NextShared() (meeting.Event, error) {
	r.shared = true
	return r.Next()
}

func (r *Reader) skip() {
	r.stats.Skipped++
	if len(r.stats.SkippedLines) < MaxSkippedRecorded {
		r.stats.SkippedLines = append(r.stats.SkippedLines, r.lineN)
	}
}

// readLine returns the next line without its line ending. The slice is
// valid until the next call. tooLong reports a line longer than
// MaxLineLength, which has been discarded.
func (r *Reader) readLine() (line []byte, tooLong bool, err error) {
	if r.inMem {
		return r.memLine()
	}
	line, err = r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		for err == bufio.ErrBufferFull {
			_, err = r.br.ReadSlice('\n')
		}
		if err != nil && err != io.EOF {
			return nil, false, err
		}
		r.lineN++
		return nil, true, nil
	}
	if err != nil {
		if err != io.EOF || len(line) == 0 {
			return nil, false, err
		}
		// last line without a line ending
	}
	r.lineN++
	n := len(line)
	if n > 0 && line[n-1] == '\n' {
		n--
	}
	if n > 0 && line[n-1] == '\r' {
		n--
	}
	return line[:n], false, nil
}

// InMemory reports whether the whole log is in memory already: it fitted
// in the head read ahead (see NewReader), so reading it waits on nothing.
func (r *Reader) InMemory() bool { return r.inMem }

// memLine is readLine for a log in memory: the same lines, and the same
// ones too long (those a MaxLineLength buffer cannot hold).
func (r *Reader) memLine() (line []byte, tooLong bool, err error) {
	rest := r.mem[r.memOff:]
	if len(rest) == 0 {
		return nil, false, io.EOF
	}
	if i := bytes.IndexByte(rest, '\n'); i >= 0 {
		line = rest[:i+1]
		tooLong = len(line) > MaxLineLength
	} else {
		line = rest
		tooLong = len(line) >= MaxLineLength // the buffer fills before the end is seen
	}
	r.memOff += len(line)
	r.lineN++
	if tooLong {
		return nil, true, nil
	}
	n := len(line)
	if n > 0 && line[n-1] == '\n' {
		n--
	}
	if n > 0 && line[n-1] == '\r' {
		n--
	}
	return line[:n], false, nil
}

// logDay sets the current day from what the log says (a header, a dated
// line, a MeetBot reply); change is true for a header that says the day
// has changed (the lines before it are the day before).
func (r *Reader) logDay(y int, m time.Month, d int, change bool) {
	if r.probing && !r.found {
		adv := r.advanced
		if change && r.timed {
			adv++
		}
		r.found = true
		r.foundDay = time.Date(y, m, d-adv, 0, 0, 0, 0, time.UTC)
	}
	r.setDay(y, m, d)
}

// setDay sets the current day (from a header or a dated line).
func (r *Reader) setDay(y int, m time.Month, d int) {
	if y == r.year && m == r.month && d == r.day {
		return
	}
	r.year, r.month, r.day = y, m, d
	r.prevSec = -1
	r.cacheSec = -1
}

// clock returns the time of a line stamped sec seconds after midnight of
// the current day, advancing the day when a time-only log's clock goes
// back by more than RolloverThreshold.
func (r *Reader) clock(sec int) time.Time {
	if !r.fullDate && r.prevSec >= 0 && sec < r.prevSec-int(RolloverThreshold/time.Second) {
		t := time.Date(r.year, r.month, r.day+1, 0, 0, 0, 0, r.loc)
		r.year, r.month, r.day = t.Date()
		r.cacheSec = -1
		r.advanced++
	}
	r.timed = true
	r.prevSec = sec
	if sec != r.cacheSec {
		if r.loc == time.UTC {
			// No daylight saving in UTC: the day's midnight plus the
			// seconds (time.Date once a day, not once a second).
			if r.midDay != [3]int{r.year, int(r.month), r.day} {
				r.midnight = time.Date(r.year, r.month, r.day, 0, 0, 0, 0, time.UTC)
				r.midDay = [3]int{r.year, int(r.month), r.day}
			}
			r.cacheT = r.midnight.Add(time.Duration(sec) * time.Second)
		} else {
			r.cacheT = time.Date(r.year, r.month, r.day, 0, 0, sec, 0, r.loc)
		}
		r.cacheSec = sec
	}
	r.lastT = r.cacheT
	return r.cacheT
}

// noClock is the time of a line without a time stamp: the time of the
// previous stamped line, or midnight of the current day.
func (r *Reader) noClock() time.Time { return r.lastT }

// intern returns nick as a string, sharing one string per distinct nick;
// in a log in memory, the head's bytes.
func (r *Reader) intern(b []byte) string {
	if r.inMem && inside(b, r.mem) {
		return unsafe.String(unsafe.SliceData(b), len(b))
	}
	if s, ok := r.nicks[string(b)]; ok {
		return s
	}
	s := string(b)
	if len(r.nicks) < maxInterned {
		if r.nicks == nil {
			r.nicks = make(map[string]string, 64)
		}
		r.nicks[string(b)] = s
	}
	return s
}

// text cleans a message, reason or topic text.
func (r *Reader) text(b []byte) string {
	b = trimText(b)
	if len(b) == 0 {
		return ""
	}
	return r.keep(b)
}

// arenaSize is the block that line texts are copied into: one allocation
// for hundreds of lines instead of one per line. A block lives as long as
// any string in it does, so whoever keeps a text for long (the meeting
// engine keeps the few that become minutes items) clones it.
const arenaSize = 64 << 10

// keep returns b as a string that shares an append-only block with the
// texts of neighbouring lines. Bytes of a block are never written twice.
func (r *Reader) keep(b []byte) string {
	if r.inMem && inside(b, r.mem) {
		// The head is never written: its bytes are the text.
		return unsafe.String(unsafe.SliceData(b), len(b))
	}
	if len(b) > arenaSize/8 {
		return string(b)
	}
	if len(r.arena)+len(b) > cap(r.arena) {
		r.arena = make([]byte, 0, arenaSize)
	}
	off := len(r.arena)
	r.arena = append(r.arena, b...)
	return unsafe.String(&r.arena[off], len(b))
}

// inside reports whether b (not empty) lies within buf.
func inside(b, buf []byte) bool {
	if len(b) == 0 || len(buf) == 0 {
		return false
	}
	p, lo := uintptr(unsafe.Pointer(unsafe.SliceData(b))), uintptr(unsafe.Pointer(unsafe.SliceData(buf)))
	return p >= lo && p+uintptr(len(b)) <= lo+uintptr(len(buf))
}

// message builds a Message event; a line with an empty nick is skipped.
func (r *Reader) message(t time.Time, nick, text []byte, action bool) (meeting.Event, lineKind) {
	nick = trimSpace(nick)
	if len(nick) == 0 {
		return nil, kindSkip
	}
	n := r.intern(nick)
	if n == "" {
		return nil, kindSkip
	}
	s := r.text(text)
	if r.replies && len(s) > len(startedPrefix) && s[0] == 'M' && s[:len(startedPrefix)] == startedPrefix {
		t = r.meetingStarted(t, s)
	}
	if r.shared {
		if len(r.msgs) == 0 {
			r.msgs = r.newMsgBlock()
		}
		p := &r.msgs[0]
		r.msgs = r.msgs[1:]
		*p = meeting.Message{Time: t, Nick: n, Text: s, Action: action}
		return p, kindEvent
	}
	return meeting.Message{Time: t, Nick: n, Text: s, Action: action}, kindEvent
}

// msgBlock is how many messages NextShared allocates at once, at most
// (maxMsgBlock in memory).
const (
	msgBlock    = 128
	maxMsgBlock = 4096
)

// newMsgBlock returns the next block of messages for NextShared: the
// first one reused from a closed Reader when one is big enough.
func (r *Reader) newMsgBlock() []meeting.Message {
	n := r.msgBlock()
	if r.block == nil {
		if v, ok := msgBlocks.Get().(*[]meeting.Message); ok && cap(*v) >= n {
			r.block = (*v)[:n]
		} else {
			r.block = make([]meeting.Message, n)
		}
		return r.block
	}
	return make([]meeting.Message, n)
}

// msgBlock is the size of the next block of messages: as many as the
// rest of a log in memory has lines, if not too many.
func (r *Reader) msgBlock() int {
	if !r.inMem {
		return msgBlock
	}
	return min(bytes.Count(r.mem[r.memOff:], []byte{'\n'})+1, maxMsgBlock)
}

// heads and msgBlocks keep the memory of closed Readers (see Close) for
// the next ones: a regeneration reads thousands of logs a second, and
// their bytes and messages were most of what it allocated.
var heads, msgBlocks sync.Pool

// reusedBytes returns an empty buffer of n bytes at least, one a closed
// Reader gave back if it is big enough.
func reusedBytes(n int) []byte {
	if v, ok := heads.Get().(*[]byte); ok && cap(*v) >= n {
		return (*v)[:0]
	}
	return make([]byte, 0, n)
}

// ErrClosed is what a Reader returns once closed.
var ErrClosed = errors.New("logfile: read after Close")

// Close gives the Reader's memory back, for the next Reader to reuse: the
// bytes it read ahead (all of a log read in memory, which the nicks and
// texts of its events are) and the first block of NextShared's messages.
// Whoever keeps a nick, a text or an event past Close must have copied it
// (the meeting engine clones what it keeps). Close zeroes that memory,
// so that a string kept by mistake reads as NUL bytes, never as the
// words of another log. Next returns ErrClosed afterwards.
func (r *Reader) Close() {
	if r.head != nil {
		b := r.head[:cap(r.head)]
		clear(b)
		b = b[:0]
		heads.Put(&b)
	}
	if r.block != nil {
		b := r.block[:cap(r.block)]
		clear(b)
		msgBlocks.Put(&b)
	}
	r.head, r.block, r.mem, r.msgs, r.inMem = nil, nil, nil, nil, false
	r.br = nil
	r.err = ErrClosed
}

// startedPrefix starts MeetBot's reply to #startmeeting: "Meeting started
// Thu Apr 30 18:00:03 2015 UTC.  The chair is nirik. ..."
const startedPrefix = "Meeting started "

// meetingStarted dates the log from MeetBot's reply to #startmeeting,
// said at t by the log's clock: the reply's UTC time, moved by the offset
// between the two clocks (rounded to a quarter hour), gives the log's day.
// It returns the line's time on that day.
func (r *Reader) meetingStarted(t time.Time, text string) time.Time {
	f := strings.Fields(text[len(startedPrefix):])
	if len(f) < 6 || !strings.HasPrefix(f[5], "UTC") {
		return t
	}
	mon, ok := parseMonth([]byte(f[1]))
	if !ok {
		return t
	}
	d, ok1 := atoi([]byte(f[2]), 2)
	utcSec, ok2 := parseClockExact([]byte(f[3]))
	y, ok3 := atoi([]byte(f[4]), 4)
	if !ok1 || !ok2 || !ok3 || d < 1 || d > 31 || y < 1970 {
		return t
	}
	lineSec := t.Hour()*3600 + t.Minute()*60 + t.Second()
	off := ((lineSec-utcSec)%86400 + 86400) % 86400
	if off > 14*3600 {
		off -= 86400
	}
	off = int(math.Round(float64(off)/900)) * 900
	ly, lm, ld := time.Date(y, mon, d, 0, 0, utcSec+off, 0, time.UTC).Date()
	if ly == r.year && lm == r.month && ld == r.day {
		if r.probing {
			r.logDay(ly, lm, ld, false)
		}
		return t
	}
	r.logDay(ly, lm, ld, false)
	return r.clock(lineSec)
}

// noteChannel records the first channel a join or topic line names.
func (r *Reader) noteChannel(b []byte) {
	b = bytes.TrimSuffix(b, []byte(":")) // "Topic for #chan: ..."
	if r.channel != "" || len(b) < 2 || len(b) > 200 || (b[0] != '#' && b[0] != '&') || !utf8.Valid(b) {
		return
	}
	for _, c := range b {
		if c <= ' ' || c == ',' || c == 0x7f {
			return
		}
	}
	r.channel = string(b)
}

// nick cleans a nick from an event line; "" means none.
func (r *Reader) nick(b []byte) string {
	b = trimSpace(b)
	if len(b) == 0 {
		return ""
	}
	return r.intern(b)
}
