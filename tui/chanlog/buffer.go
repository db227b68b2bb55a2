// Package chanlog is the channel log pane: a scrollback ring buffer of IRC
// lines and a view that renders only the rows on screen, so a frame costs
// the same with ten lines or a hundred thousand.
package chanlog

// Kind is what a line is.
type Kind uint8

// Line kinds.
const (
	Msg    Kind = iota // <nick> text
	Action             // * nick text
	Notice             // -nick- text
	Join               // --> nick joined
	Part               // <-- nick left
	Quit               // <-- nick quit
	Nick               // -- old is now known as new
	Topic              // -- topic changes
	Mode               // -- mode changes
	Info               // -- anything the console says
	Error              // !! a server error or a failed command
)

// Flag marks a line.
type Flag uint8

// Line flags.
const (
	Self    Flag = 1 << iota // said by us
	Mention                  // mentions our nick (and was not said by us)
	Gap                      // marks lines said while we were away
	History                  // played back by a server or bouncer: shown dimmed, with its own time
	Queued                   // typed while disconnected: waits in the send queue
)

// Line is one line of scrollback. It is kept small: a Unix time, two
// strings and two bytes (48 bytes plus the text).
type Line struct {
	Time  int64 // Unix seconds
	Nick  string
	Text  string // raw: IRC formatting codes are kept
	Kind  Kind
	Flags Flag
}

// DefaultCapacity is the scrollback kept per window.
const DefaultCapacity = 100_000

// Buffer is a ring of the last Cap lines. The zero value is not usable;
// call NewBuffer.
type Buffer struct {
	lines []Line
	head  int // index of the oldest line once the ring is full
	cap   int
	total uint64 // lines ever pushed
}

// NewBuffer returns an empty ring that keeps the last capacity lines. Its
// storage grows as lines arrive, up to capacity.
func NewBuffer(capacity int) *Buffer {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	return &Buffer{cap: capacity}
}

// Push appends a line, dropping the oldest when the ring is full.
func (b *Buffer) Push(l Line) {
	b.total++
	if len(b.lines) < b.cap {
		b.lines = append(b.lines, l)
		return
	}
	b.lines[b.head] = l
	b.head++
	if b.head == b.cap {
		b.head = 0
	}
}

// Len is the number of lines kept.
func (b *Buffer) Len() int { return len(b.lines) }

// Cap is the most lines kept.
func (b *Buffer) Cap() int { return b.cap }

// Total is the number of lines ever pushed.
func (b *Buffer) Total() uint64 { return b.total }

// At returns line i, 0 being the oldest kept.
func (b *Buffer) At(i int) *Line {
	if len(b.lines) < b.cap {
		return &b.lines[i]
	}
	j := b.head + i
	if j >= b.cap {
		j -= b.cap
	}
	return &b.lines[j]
}

// Abs returns the line whose absolute number (0 for the first line ever
// pushed) is n, or nil when it is no longer (or not yet) kept.
func (b *Buffer) Abs(n uint64) *Line {
	first := b.total - uint64(len(b.lines))
	if n < first || n >= b.total {
		return nil
	}
	return b.At(int(n - first))
}

// First is the absolute number of the oldest line kept.
func (b *Buffer) First() uint64 { return b.total - uint64(len(b.lines)) }

// Last returns the newest line, or nil.
func (b *Buffer) Last() *Line {
	if len(b.lines) == 0 {
		return nil
	}
	return b.At(len(b.lines) - 1)
}
