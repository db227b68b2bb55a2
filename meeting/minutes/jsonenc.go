package minutes

import (
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"gavel/meeting"
)

// This file writes B.json in one pass, already indented: the bytes
// json.Encoder gives with SetIndent("", "  ") and HTML escaping on (the
// document's key order, map keys sorted by byte, "[]" and "{}" for empty
// lists and maps, "null" for nil ones, a final newline), without
// reflection, without a compact copy to indent afterwards.

// appendJSON appends d, as described above.
func appendJSON(b []byte, d *JSONMinutes) []byte {
	e := jsonWriter{b: b}
	e.open('{')
	e.strField("schema", d.Schema)
	e.strField("channel", d.Channel)
	e.strField("title", d.Title)
	e.strField("topic", d.Topic)
	e.strField("name", d.Name)
	e.strField("owner", d.Owner)
	e.key("chairs")
	e.strings(d.Chairs)
	e.strField("start", d.Start)
	e.strField("end", d.End)
	e.strField("logs_url", d.LogsURL)
	e.key("files")
	e.stringMap(d.Files)
	e.key("items")
	if d.Items == nil {
		e.null()
	} else {
		e.open('[')
		for i := range d.Items {
			it := &d.Items[i]
			e.elem()
			e.open('{')
			e.strField("type", it.Type)
			e.strField("nick", it.Nick)
			e.strField("time", it.Time)
			e.strField("text", it.Text)
			e.strField("topic", it.Topic)
			if it.URL != "" {
				e.strField("url", it.URL)
			}
			e.intField("line", it.Line)
			e.close('}')
		}
		e.close(']')
	}
	e.key("attendees")
	if d.Attendees == nil {
		e.null()
	} else {
		e.open('[')
		for _, a := range d.Attendees {
			e.elem()
			e.open('{')
			e.strField("nick", a.Nick)
			e.intField("lines", a.Lines)
			e.close('}')
		}
		e.close(']')
	}
	e.key("actions_by_person")
	if d.ActionsByPerson == nil {
		e.null()
	} else {
		e.open('[')
		for _, p := range d.ActionsByPerson {
			e.elem()
			e.open('{')
			e.strField("nick", p.Nick)
			e.key("actions")
			e.strings(p.Actions)
			e.close('}')
		}
		e.close(']')
	}
	e.key("unassigned_actions")
	e.strings(d.UnassignedAction)
	e.key("votes")
	if d.Votes == nil {
		e.null()
	} else {
		e.open('[')
		for i := range d.Votes {
			v := &d.Votes[i]
			e.elem()
			e.open('{')
			e.strField("question", v.Question)
			e.key("options")
			e.strings(v.Options)
			e.key("results")
			if v.Results == nil {
				e.null()
			} else {
				e.open('{')
				for _, k := range sortedKeys(v.Results) {
					e.key(k)
					e.strings(v.Results[k])
				}
				e.close('}')
			}
			e.strField("nick", v.Nick)
			e.strField("time", v.Time)
			e.intField("line", v.Line)
			e.key("ended")
			e.b = strconv.AppendBool(e.b, v.Ended)
			e.close('}')
		}
		e.close(']')
	}
	e.close('}')
	return append(e.b, '\n')
}

// jsonWriter appends indented JSON: open and close bracket a list or an
// object, key and elem start one of its members (with the comma and the
// new line before it), and a value follows.
type jsonWriter struct {
	b     []byte
	depth int
	empty bool // nothing in the innermost list or object yet
}

func (e *jsonWriter) open(c byte) {
	e.b = append(e.b, c)
	e.depth++
	e.empty = true
}

func (e *jsonWriter) close(c byte) {
	e.depth--
	if !e.empty {
		e.newline()
	}
	e.b = append(e.b, c)
	e.empty = false
}

// elem starts a member of a list.
func (e *jsonWriter) elem() {
	if !e.empty {
		e.b = append(e.b, ',')
	}
	e.empty = false
	e.newline()
}

// key starts a member of an object.
func (e *jsonWriter) key(k string) {
	e.elem()
	e.b = appendJSONString(e.b, k)
	e.b = append(e.b, ':', ' ')
}

func (e *jsonWriter) newline() {
	e.b = append(e.b, '\n')
	for range e.depth {
		e.b = append(e.b, ' ', ' ')
	}
}

func (e *jsonWriter) null() { e.b = append(e.b, "null"...) }

func (e *jsonWriter) strField(k, v string) {
	e.key(k)
	e.b = appendJSONString(e.b, v)
}

func (e *jsonWriter) intField(k string, v int) {
	e.key(k)
	e.b = strconv.AppendInt(e.b, int64(v), 10)
}

func (e *jsonWriter) strings(l []string) {
	if l == nil {
		e.null()
		return
	}
	e.open('[')
	for _, s := range l {
		e.elem()
		e.b = appendJSONString(e.b, s)
	}
	e.close(']')
}

func (e *jsonWriter) stringMap(m map[string]string) {
	if m == nil {
		e.null()
		return
	}
	e.open('{')
	for _, k := range sortedKeys(m) {
		e.strField(k, m[k])
	}
	e.close('}')
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// jsonSafe marks the ASCII bytes a JSON string holds as they are, with
// HTML escaping: not the controls, '"', '\\', '<', '>' or '&'.
var jsonSafe = func() (t [utf8.RuneSelf]bool) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		t[c] = true
	}
	for _, c := range `"\<>&` {
		t[c] = false
	}
	return t
}()

// jsonPlain8 reports whether the eight bytes of s from i on are printable
// ASCII that a JSON string holds as they are: none of '"', '\\', '<',
// '>' and '&'.
func jsonPlain8(s string, i int) bool {
	const quot, bsl, lt, gt, amp = '"' * ones, '\\' * ones, '<' * ones, '>' * ones, '&' * ones
	w := word8(s, i)
	q, k, l, g, a := w^quot, w^bsl, w^lt, w^gt, w^amp
	special := (q-ones)&^q | (k-ones)&^k | (l-ones)&^l | (g-ones)&^g | (a-ones)&^a
	below := (w - 0x20*ones) & ^w     // a byte < 0x20
	above := w + (0x80-0x7f)*ones | w // a byte >= 0x7f
	return (special|below|above)&highs == 0
}

// appendJSONString appends s quoted as encoding/json quotes it with HTML
// escaping: \" \\ \b \f \n \r \t, other controls and <, >, & as \u00XX,
// U+2028 and U+2029 as \u2028 and \u2029, and each byte of invalid UTF-8
// as \ufffd.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	b = appendJSONChars(b, s)
	return append(b, '"')
}

// appendJSONChars is appendJSONString without the quotes.
func appendJSONChars(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	start := 0
	for i := 0; i < len(s); {
		for i+8 <= len(s) && jsonPlain8(s, i) {
			i += 8
		}
		if i >= len(s) {
			break
		}
		c := s[i]
		if c < utf8.RuneSelf {
			if jsonSafe[c] {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			i += size
			continue
		}
		i += size
		start = i
	}
	return append(b, s[start:]...)
}

// appendJSONMinutes appends B.json of the view: the bytes
// appendJSON(b, v.jsonDoc()) gives, written from the view without the
// document in between. Votes are rare: a meeting with any goes through
// the document.
func (v *view) appendJSONMinutes(b []byte) []byte {
	m := v.m
	if len(m.Votes) > 0 {
		return appendJSON(b, v.jsonDoc())
	}
	e := jsonWriter{b: b}
	e.open('{')
	e.strField("schema", JSONSchema)
	e.strField("channel", m.Channel)
	e.strField("title", v.title)
	e.strField("topic", m.Title)
	e.strField("name", m.Name)
	e.strField("owner", m.Owner)
	e.key("chairs")
	e.strings(append(make([]string, 0, len(m.Chairs)+1), m.ChairList()...))
	e.timeField("start", m.Start)
	e.timeField("end", m.End)
	e.strField("logs_url", v.logsURL)
	e.key("files")
	e.open('{')
	for _, ext := range jsonFileExts {
		e.key(ext)
		e.b = append(e.b, '"')
		e.b = appendJSONChars(e.b, v.base)
		e.b = append(e.b, '.')
		e.b = append(e.b, ext...) // nothing to escape
		e.b = append(e.b, '"')
	}
	e.close('}')
	e.key("items")
	e.open('[')
	topic := ""
	for _, it := range m.Items {
		if it.Kind == meeting.KindTopic {
			topic = it.Text
		}
		e.elem()
		e.open('{')
		e.strField("type", string(it.Kind))
		e.strField("nick", it.Nick)
		e.timeField("time", it.Time)
		e.strField("text", it.Text)
		e.strField("topic", topic)
		if it.Kind == meeting.KindLink {
			if url := linkURL(it.Text); url != "" {
				e.strField("url", url)
			}
		}
		e.intField("line", it.Line)
		e.close('}')
	}
	e.close(']')
	e.key("attendees")
	e.open('[')
	for _, p := range v.people {
		e.elem()
		e.open('{')
		e.strField("nick", p.Nick)
		e.intField("lines", p.Lines)
		e.close('}')
	}
	e.close(']')
	e.key("actions_by_person")
	e.open('[')
	for _, p := range v.byPerson {
		e.elem()
		e.open('{')
		e.strField("nick", p.nick)
		e.key("actions")
		e.open('[')
		for _, a := range p.items {
			e.elem()
			e.b = appendJSONString(e.b, a.Text)
		}
		e.close(']')
		e.close('}')
	}
	e.close(']')
	e.key("unassigned_actions")
	e.open('[')
	for _, a := range v.unassigned {
		e.elem()
		e.b = appendJSONString(e.b, a.Text)
	}
	e.close(']')
	e.key("votes")
	e.open('[')
	e.close(']')
	e.close('}')
	return append(e.b, '\n')
}

// jsonFileExts are the extensions of the default style's files, sorted
// by byte as the "files" map's keys are written.
var jsonFileExts = func() []string {
	var exts []string
	for _, k := range Kinds(meeting.StyleDefault) {
		exts = append(exts, k.Ext())
	}
	slices.Sort(exts)
	return exts
}()

// timeField writes a time as rfc3339 gives it: RFC 3339 in UTC, "" for
// the zero time.
func (e *jsonWriter) timeField(k string, t time.Time) {
	e.key(k)
	e.b = append(e.b, '"')
	if !t.IsZero() {
		e.b = t.UTC().AppendFormat(e.b, time.RFC3339)
	}
	e.b = append(e.b, '"')
}
