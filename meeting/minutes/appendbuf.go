package minutes

import (
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
