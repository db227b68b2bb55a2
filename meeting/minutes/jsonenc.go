package minutes

import (
	"slices"
	"strconv"
	"unicode/utf8"
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
	const hex = "0123456789abcdef"
	b = append(b, '"')
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
	b = append(b, s[start:]...)
	return append(b, '"')
}
