package journal

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"strconv"
	"time"
	"unicode/utf8"

	"gavel/meeting"
)

// A record is framed as one line:
//
//	<length: 8 hex digits> <CRC-32C: 8 hex digits> <JSON payload>\n
//
// The length and checksum are of the payload. A damaged record (a flipped
// byte, a block of NULs, a lost newline) fails its checksum and is skipped;
// reading resynchronises on the next record whose frame checks out, so
// every good record after it is still read. Lines starting with '{' are
// unframed records written by gavel before framing, still read.

const headerLen = 18 // "%08x %08x "

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// record is one journal entry's payload.
type record struct {
	Seq     uint64    `json:"i,omitempty"` // 1, 2, 3… in a file (counts the records a damage took)
	Kind    string    `json:"k"`           // msg, nick, topic, join, part, quit, note, edit, redact, chaired; path
	Time    time.Time `json:"t"`
	Nick    string    `json:"n,omitempty"`
	Account string    `json:"a,omitempty"`
	Text    string    `json:"x,omitempty"`
	Action  bool      `json:"me,omitempty"`
	New     string    `json:"new,omitempty"`
	// A path record: the meeting's channel as the meeting spells it, one
	// of its names and the archive-relative path chosen for it.
	Channel string `json:"ch,omitempty"`
	Name    string `json:"name,omitempty"`
	Path    string `json:"p,omitempty"`
	// The texts and nicks that are not valid UTF-8, byte for byte (JSON
	// strings would turn their bytes into U+FFFD, and zodbot style
	// decodes invalid UTF-8 as CPython 2.7 did, which a resumed meeting
	// must do again): base64, in place of Text, Nick and New.
	TextB    []byte `json:"xb,omitempty"`
	NickB    []byte `json:"nb,omitempty"`
	NewB     []byte `json:"newb,omitempty"`
	ChannelB []byte `json:"chb,omitempty"`
	NameB    []byte `json:"nameb,omitempty"`
	PathB    []byte `json:"pb,omitempty"`
	// The network's message ID (a Matrix event ID) and the line's index
	// within its message: the live driver runs each once (also after a
	// restart); an edit or a redaction names the message by it, or, read
	// from a .log.txt, by its line number (Line).
	ID   string `json:"id,omitempty"`
	Self string `json:"sid,omitempty"` // an edit's or a redaction's own ID
	Part int    `json:"pt,omitempty"`
	Line int    `json:"ln,omitempty"`
}

// lossless moves the strings that JSON cannot carry byte for byte into
// the []byte fields.
func (r record) lossless() record {
	for _, f := range []struct {
		s *string
		b *[]byte
	}{{&r.Text, &r.TextB}, {&r.Nick, &r.NickB}, {&r.New, &r.NewB}, {&r.Channel, &r.ChannelB}, {&r.Name, &r.NameB}, {&r.Path, &r.PathB}} {
		if !utf8.ValidString(*f.s) {
			*f.b, *f.s = []byte(*f.s), ""
		}
	}
	return r
}

// raw puts the bytes lossless moved aside back into the strings.
func (r record) raw() record {
	for _, f := range []struct {
		s *string
		b []byte
	}{{&r.Text, r.TextB}, {&r.Nick, r.NickB}, {&r.New, r.NewB}, {&r.Channel, r.ChannelB}, {&r.Name, r.NameB}, {&r.Path, r.PathB}} {
		if f.b != nil {
			*f.s = string(f.b)
		}
	}
	return r
}

// pathOf reads a path record.
func (r record) pathOf() (Placed, bool) {
	if r.Kind != "path" {
		return Placed{}, false
	}
	r = r.raw()
	if r.Name == "" && r.Path == "" {
		return Placed{}, false
	}
	return Placed{Channel: r.Channel, Name: r.Name, Path: r.Path}, true
}

func (r record) event() meeting.Event {
	r = r.raw()
	switch r.Kind {
	case "msg":
		return meeting.Message{Time: r.Time, Nick: r.Nick, Account: r.Account, Text: r.Text, Action: r.Action, ID: r.ID, Part: r.Part}
	case "edit":
		return meeting.Edit{Time: r.Time, Nick: r.Nick, Account: r.Account, ID: r.ID, Line: r.Line, Text: r.Text, EventID: r.Self}
	case "redact":
		return meeting.Redaction{Time: r.Time, Nick: r.Nick, Account: r.Account, ID: r.ID, Line: r.Line, Reason: r.Text, EventID: r.Self}
	case "chaired":
		return meeting.Chaired{Time: r.Time, Nick: r.Nick, Why: r.Text}
	case "nick":
		return meeting.NickChange{Time: r.Time, Old: r.Nick, New: r.New}
	case "topic":
		return meeting.TopicChange{Time: r.Time, Nick: r.Nick, Topic: r.Text}
	case "join":
		return meeting.Join{Time: r.Time, Nick: r.Nick}
	case "part":
		return meeting.Part{Time: r.Time, Nick: r.Nick, Reason: r.Text}
	case "quit":
		return meeting.Quit{Time: r.Time, Nick: r.Nick, Reason: r.Text}
	case "note":
		return meeting.Note{Time: r.Time, Kind: r.Name, Text: r.Text}
	}
	return nil
}

func recordOf(ev meeting.Event) (record, bool) {
	switch ev := ev.(type) {
	case meeting.Message:
		return record{Kind: "msg", Time: ev.Time, Nick: ev.Nick, Account: ev.Account, Text: ev.Text, Action: ev.Action, ID: ev.ID, Part: ev.Part}, true
	case meeting.Edit:
		return record{Kind: "edit", Time: ev.Time, Nick: ev.Nick, Account: ev.Account, ID: ev.ID, Line: ev.Line, Text: ev.Text, Self: ev.EventID}, true
	case meeting.Redaction:
		return record{Kind: "redact", Time: ev.Time, Nick: ev.Nick, Account: ev.Account, ID: ev.ID, Line: ev.Line, Text: ev.Reason, Self: ev.EventID}, true
	case meeting.Chaired:
		return record{Kind: "chaired", Time: ev.Time, Nick: ev.Nick, Text: ev.Why}, true
	case meeting.NickChange:
		return record{Kind: "nick", Time: ev.Time, Nick: ev.Old, New: ev.New}, true
	case meeting.TopicChange:
		return record{Kind: "topic", Time: ev.Time, Nick: ev.Nick, Text: ev.Topic}, true
	case meeting.Join:
		return record{Kind: "join", Time: ev.Time, Nick: ev.Nick}, true
	case meeting.Part:
		return record{Kind: "part", Time: ev.Time, Nick: ev.Nick, Text: ev.Reason}, true
	case meeting.Quit:
		return record{Kind: "quit", Time: ev.Time, Nick: ev.Nick, Text: ev.Reason}, true
	case meeting.Note:
		// A note of the chair's tools: its kind in the name field.
		return record{Kind: "note", Time: ev.Time, Name: ev.Kind, Text: ev.Text}, true
	}
	return record{}, false
}

// appendFramed appends rec (lossless already) as a framed record: its
// JSON payload is written in place after room for the header, which is
// filled in once the payload's length and checksum are known. The live
// controller appends every line of a meeting, so this is on the path of
// every line: no encoding/json (reflection, an allocation per record),
// one pass over the bytes.
func appendFramed(buf []byte, rec record) ([]byte, error) {
	start := len(buf)
	buf = append(buf, "00000000 00000000 "...)
	buf, err := appendJSON(buf, rec)
	if err != nil {
		return buf[:start], err
	}
	payload := buf[start+headerLen:]
	hdr := appendHex8(buf[start:start], uint32(len(payload)))
	hdr = append(hdr, ' ')
	appendHex8(hdr, crc32.Checksum(payload, castagnoli))
	return append(buf, '\n'), nil
}

// appendJSON appends rec as the JSON object encoding/json would give it
// (the same keys in the same order, omitempty honoured, strings escaped
// as JSON requires; frameAt decodes it with encoding/json). Its strings
// must be valid UTF-8 (lossless moves the others into the byte fields).
func appendJSON(b []byte, r record) ([]byte, error) {
	b = append(b, '{')
	if r.Seq != 0 {
		b = append(b, `"i":`...)
		b = strconv.AppendUint(b, r.Seq, 10)
		b = append(b, ',')
	}
	b = append(b, `"k":`...)
	b = appendJSONString(b, r.Kind)
	b = append(b, `,"t":"`...)
	b, err := r.Time.AppendText(b) // RFC 3339 as time.Time's MarshalJSON, which refuses what it refuses
	if err != nil {
		return b, fmt.Errorf("journal: %w", err)
	}
	b = append(b, '"')
	for _, f := range [...]struct {
		key, s string
	}{{"n", r.Nick}, {"a", r.Account}, {"x", r.Text}} {
		b = appendJSONField(b, f.key, f.s)
	}
	if r.Action {
		b = append(b, `,"me":true`...)
	}
	for _, f := range [...]struct {
		key, s string
	}{{"new", r.New}, {"ch", r.Channel}, {"name", r.Name}, {"p", r.Path}} {
		b = appendJSONField(b, f.key, f.s)
	}
	for _, f := range [...]struct {
		key string
		v   []byte
	}{{"xb", r.TextB}, {"nb", r.NickB}, {"newb", r.NewB}, {"chb", r.ChannelB}, {"nameb", r.NameB}, {"pb", r.PathB}} {
		if len(f.v) == 0 {
			continue
		}
		b = append(b, ',', '"')
		b = append(b, f.key...)
		b = append(b, `":"`...)
		b = base64.StdEncoding.AppendEncode(b, f.v)
		b = append(b, '"')
	}
	b = appendJSONField(b, "id", r.ID)
	b = appendJSONField(b, "sid", r.Self)
	for _, f := range [...]struct {
		key string
		v   int
	}{{"pt", r.Part}, {"ln", r.Line}} {
		if f.v != 0 {
			b = append(b, ',', '"')
			b = append(b, f.key...)
			b = append(b, '"', ':')
			b = strconv.AppendInt(b, int64(f.v), 10)
		}
	}
	return append(b, '}'), nil
}

// appendJSONField appends `,"key":"s"` unless s is empty (omitempty).
func appendJSONField(b []byte, key, s string) []byte {
	if s == "" {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, '"', ':')
	return appendJSONString(b, s)
}

// appendJSONString appends s, valid UTF-8, as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	last := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[last:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
		}
		last = i + 1
	}
	b = append(b, s[last:]...)
	return append(b, '"')
}

const hexDigits = "0123456789abcdef"

func appendHex8(b []byte, v uint32) []byte {
	for shift := 28; shift >= 0; shift -= 4 {
		b = append(b, hexDigits[v>>uint(shift)&0xf])
	}
	return b
}

func parseHex8(b []byte) (uint32, bool) {
	var v uint32
	for _, c := range b[:8] {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | uint32(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | uint32(c-'a'+10)
		default:
			return 0, false
		}
	}
	return v, true
}

// frameAt decodes the record framed at the start of b. n is the bytes it
// takes, its newline included. A frame without the byte after its payload
// is a torn write (never synced) and not a record.
func frameAt(b []byte) (rec record, n int, ok bool) {
	if len(b) < headerLen+1 || b[8] != ' ' || b[17] != ' ' {
		return record{}, 0, false
	}
	size, ok1 := parseHex8(b[0:8])
	sum, ok2 := parseHex8(b[9:17])
	if !ok1 || !ok2 || uint64(size) >= uint64(len(b)-headerLen) {
		return record{}, 0, false
	}
	payload := b[headerLen : headerLen+int(size)]
	if crc32.Checksum(payload, castagnoli) != sum {
		return record{}, 0, false
	}
	if err := json.Unmarshal(payload, &rec); err != nil {
		return record{}, 0, false
	}
	return rec, headerLen + int(size) + 1, true
}

// legacyAt decodes an unframed JSON line (gavel before framing).
func legacyAt(b []byte) (rec record, n int, ok bool) {
	if len(b) == 0 || b[0] != '{' {
		return record{}, 0, false
	}
	nl := bytes.IndexByte(b, '\n')
	if nl < 0 {
		return record{}, 0, false
	}
	if err := json.Unmarshal(b[:nl], &rec); err != nil || rec.event() == nil {
		return record{}, 0, false
	}
	return rec, nl + 1, true
}

// recordAt is frameAt, or legacyAt at the start of a line (so that the
// payload of a damaged frame is never taken for an unframed record).
func recordAt(data []byte, i int) (record, int, bool) {
	if rec, n, ok := frameAt(data[i:]); ok {
		return rec, n, true
	}
	if i == 0 || data[i-1] == '\n' {
		return legacyAt(data[i:])
	}
	return record{}, 0, false
}

// parsed is what a journal file holds.
type parsed struct {
	events     []meeting.Event
	placed     []Placed
	good       int64  // bytes up to the end of the last record read
	lastSeq    uint64 // the sequence number of the last record read
	damaged    int    // stretches of damaged bytes skipped
	unreadable int    // records lost in them
	torn       int    // bytes of a torn last write, dropped
}

// parse reads every record of data, skipping damaged ones.
func parse(data []byte) parsed {
	var p parsed
	pos := 0
	take := func(rec record, n int) {
		if ev := rec.event(); ev != nil {
			p.events = append(p.events, ev)
		} else if pl, ok := rec.pathOf(); ok {
			p.placed = append(p.placed, pl)
		} else {
			p.unreadable++ // a record of a kind this gavel does not know
		}
		if rec.Seq != 0 {
			p.lastSeq = rec.Seq
		}
		pos += n
		p.good = int64(pos)
	}
	for pos < len(data) {
		if rec, n, ok := recordAt(data, pos); ok {
			take(rec, n)
			continue
		}
		// Damaged bytes: find the next record that checks out.
		next, nextRec, nextN := len(data), record{}, 0
		for i := pos + 1; i < len(data); i++ {
			if rec, n, ok := recordAt(data, i); ok {
				next, nextRec, nextN = i, rec, n
				break
			}
		}
		region := data[pos:next]
		lines := bytes.Count(region, []byte{'\n'})
		if next == len(data) {
			// Up to the end: what follows the last newline is a torn
			// write (never synced); each line before it was a record.
			last := bytes.LastIndexByte(region, '\n')
			p.torn = len(region) - (last + 1)
			if lines > 0 {
				p.damaged++
				p.unreadable += lines
				p.good = int64(pos + last + 1)
			}
			break
		}
		p.damaged++
		switch {
		case p.lastSeq != 0 && nextRec.Seq > p.lastSeq:
			p.unreadable += int(nextRec.Seq - p.lastSeq - 1)
		case pos == 0 && nextRec.Seq > 0:
			p.unreadable += int(nextRec.Seq - 1)
		default:
			p.unreadable += max(lines, 1)
		}
		pos = next
		take(nextRec, nextN)
	}
	return p
}
