package minutes

import (
	"encoding/binary"
	"sync"
	"time"
	"unsafe"
)

// The minutes are built by appending into one byte buffer per file,
// reused from file to file (a regeneration renders thousands a second),
// and written with one Write: no string per line or per piece.

// renderBufs holds the buffers the minutes are built in.
var renderBufs = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

// maxPooledBuf is the largest buffer kept for reuse: the minutes of a
// huge meeting do not pin their memory afterwards.
const maxPooledBuf = 1 << 20

func getBuf() *[]byte { return renderBufs.Get().(*[]byte) }

func putBuf(p *[]byte) {
	if cap(*p) > maxPooledBuf {
		return
	}
	*p = (*p)[:0]
	renderBufs.Put(p)
}

// bytesString is b as a string without a copy, valid while b is not
// written.
func bytesString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// appendReplaced appends s with each byte c that repl maps to a
// non-empty string replaced by it, as a strings.Replacer of single bytes
// does.
func appendReplaced(b []byte, s string, repl *[256]string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		if r := repl[s[i]]; r != "" {
			b = append(b, s[start:i]...)
			b = append(b, r...)
			start = i + 1
		}
	}
	return append(b, s[start:]...)
}

// byteTable maps bytes to their replacements: pairs of old (one byte) and
// new.
func byteTable(pairs ...string) *[256]string {
	var t [256]string
	for i := 0; i < len(pairs); i += 2 {
		t[pairs[i][0]] = pairs[i+1]
	}
	return &t
}

// appendMdTime appends mdTime(t).
func appendMdTime(b []byte, t time.Time) []byte {
	return append(t.UTC().AppendFormat(b, "2006-01-02 15:04:05"), " "+timeZone...)
}

// word8 is the eight bytes of s from i on as a little-endian word (one
// bounds check, one load).
func word8(s string, i int) uint64 {
	return binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:i+8]), 8))
}

const ones, highs = 0x0101010101010101, 0x8080808080808080

// skipHTMLPlain returns i advanced by whole words of eight bytes of s
// that hold nothing HTML escapes: no &, < or >, nor with quotes a double
// quote or an apostrophe. The last word may overlap the one before it: at
// the end of a plain s it returns len(s).
func skipHTMLPlain(s string, i int, quotes bool) int {
	for ; i+8 <= len(s); i += 8 {
		if htmlSpecial8(word8(s, i), quotes) {
			return i
		}
	}
	if i < len(s) && len(s) >= 8 && !htmlSpecial8(word8(s, len(s)-8), quotes) {
		return len(s)
	}
	return i
}

// htmlSpecial8 reports whether a byte of w is one HTML escapes. '<' and
// '>' differ only in bit 1, '&' and the apostrophe only in bit 0: a byte
// with that bit set is compared once for both.
func htmlSpecial8(w uint64, quotes bool) bool {
	ltgt := (w | 0x02*ones) ^ '>'*ones
	m := (ltgt - ones) &^ ltgt
	if quotes {
		ampApos := (w | 0x01*ones) ^ '\''*ones
		quot := w ^ '"'*ones
		m |= (ampApos-ones)&^ampApos | (quot-ones)&^quot
	} else {
		amp := w ^ '&'*ones
		m |= (amp - ones) &^ amp
	}
	return m&highs != 0
}

// appendHTMLEsc appends s HTML-escaped: &, < and >, and with quotes
// double quotes and apostrophes too (the tables escZodbot and escFull).
// Eight bytes at a time while none is to be escaped.
func appendHTMLEsc(b []byte, s string, quotes bool) []byte {
	table := escZodbot
	if quotes {
		table = escFull
	}
	start := 0
	for i := 0; i < len(s); {
		i = skipHTMLPlain(s, i, quotes)
		for end := min(i+8, len(s)); i < end; i++ {
			if r := table[s[i]]; r != "" {
				b = append(b, s[start:i]...)
				b = append(b, r...)
				start = i + 1
			}
		}
	}
	return append(b, s[start:]...)
}
