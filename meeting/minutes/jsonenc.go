package minutes

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"gavel/meeting"
)

// This file writes B.json in one pass from the view, already indented:
// the bytes json.Encoder gives for the JSONMinutes document with
// SetIndent("", "  ") and HTML escaping on (the document's key order, map
// keys sorted by byte, "[]" and "{}" for empty lists and maps, a final
// newline), without reflection, without the document in between and
// without a compact copy to indent afterwards. The tests hold it to
// encoding/json's bytes for the document.

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

func (e *jsonWriter) strField(k, v string) {
	e.key(k)
	e.b = appendJSONString(e.b, v)
}

func (e *jsonWriter) intField(k string, v int) {
	e.key(k)
	e.b = strconv.AppendInt(e.b, int64(v), 10)
}

// strings writes a list of strings, "[]" when there are none.
func (e *jsonWriter) strings(l []string) {
	e.open('[')
	for _, s := range l {
		e.elem()
		e.b = appendJSONString(e.b, s)
	}
	e.close(']')
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

// appendJSONMinutes appends B.json of the view (default-style rules for
// attendee order and action attribution), as described above.
func (v *view) appendJSONMinutes(b []byte) []byte {
	m := v.m
	e := jsonWriter{b: b}
	e.open('{')
	e.strField("schema", JSONSchema)
	e.strField("channel", m.Channel)
	e.strField("title", v.title)
	e.strField("topic", m.Title)
	e.strField("name", m.Name)
	e.strField("owner", m.Owner)
	e.key("chairs")
	e.strings(m.ChairList())
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
	for _, vote := range m.Votes {
		e.elem()
		e.open('{')
		e.strField("question", vote.Question)
		e.key("options")
		e.strings(vote.Options)
		e.key("results")
		e.open('{')
		// A map from option to voters: keys sorted by byte, each once.
		res := vote.Results()
		order := make([]int, len(vote.Options))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(i, j int) int { return strings.Compare(vote.Options[i], vote.Options[j]) })
		for k, i := range order {
			if k > 0 && vote.Options[order[k-1]] == vote.Options[i] {
				continue // an option named twice has the same voters
			}
			e.key(vote.Options[i])
			e.strings(res[i])
		}
		e.close('}')
		e.strField("nick", vote.Nick)
		e.timeField("time", vote.Time)
		e.intField("line", vote.Line)
		e.key("ended")
		e.b = strconv.AppendBool(e.b, vote.Ended)
		e.close('}')
	}
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
