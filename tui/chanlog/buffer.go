// Package chanlog is the channel log pane: a scrollback of IRC lines and a
// view that renders only the rows on screen, so a frame costs the same with
// ten lines or a hundred thousand. The scrollback of every window shares
// one budget in bytes (Pool): when it is spent, the oldest lines of the
// window holding the most go first, so a quiet window keeps its history
// while busy ones take turns.
package chanlog

import "unsafe"

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

// DefaultCapacity is the most lines a Buffer made by NewBuffer keeps.
const DefaultCapacity = 100_000

// DefaultBudget is the scrollback budget of all windows together, in
// bytes, when the configuration names none: 64 MiB, some 400,000 lines of
// ordinary chatter.
const DefaultBudget = 64 << 20

// lineSize is what one slot of the ring costs.
const lineSize = int64(unsafe.Sizeof(Line{}))

// minRing is the smallest ring allocated.
const minRing = 16

// Pool is the scrollback budget shared by the buffers made from it. A
// line pushed beyond the budget makes room by dropping the oldest lines of
// the buffer that holds the most bytes (fair across windows: each busy
// window ends up with an equal share, a quiet one keeps what it has). The
// cost of a line is its slot in a ring plus its strings, rounded up as the
// Go allocator rounds them, so the budget is what the heap holds. A Pool
// of budget 0 keeps no lines at all (headless: nobody reads them).
type Pool struct {
	limit int64
	used  int64
	bufs  []*Buffer
}

// NewPool returns a budget of limit bytes (0: keep nothing; negative: the
// default).
func NewPool(limit int64) *Pool {
	if limit < 0 {
		limit = DefaultBudget
	}
	return &Pool{limit: limit}
}

// Limit is the budget in bytes.
func (p *Pool) Limit() int64 { return p.limit }

// Used is the bytes the pool's buffers hold now (never above Limit once a
// push returns).
func (p *Pool) Used() int64 { return p.used }

// Buffer returns a new, empty buffer drawing on the pool. Release it when
// its window closes.
func (p *Pool) Buffer() *Buffer {
	b := &Buffer{pool: p}
	p.bufs = append(p.bufs, b)
	return b
}

// fit drops lines until the pool is within its budget: the oldest lines
// of the largest buffer, down to the size of the next largest, and again.
func (p *Pool) fit() {
	for p.used > p.limit {
		var big, next *Buffer
		for _, b := range p.bufs {
			switch {
			case big == nil || b.bytes > big.bytes:
				big, next = b, big
			case next == nil || b.bytes > next.bytes:
				next = b
			}
		}
		if big == nil || big.bytes == 0 {
			return
		}
		floor := int64(0)
		if next != nil {
			floor = next.bytes
		}
		for p.used > p.limit && big.n > 0 && (big.bytes >= floor || next == nil) {
			big.dropOldest()
		}
		if big.n == 0 && big.bytes > 0 {
			big.setRing(0)
		}
	}
}

// Buffer is the scrollback of one window: a ring of lines, oldest first,
// bounded in lines (NewBuffer) or by the budget of its Pool. The zero value
// is not usable; call NewBuffer or Pool.Buffer.
type Buffer struct {
	ring  []Line
	head  int // index of the oldest line
	n     int // lines kept
	cap   int // most lines kept; 0: bounded by the pool alone
	total uint64
	bytes int64 // ring slots and strings, as counted against the pool
	pool  *Pool
}

// NewBuffer returns an empty buffer of its own that keeps the last
// capacity lines. Its storage grows as lines arrive, up to capacity.
func NewBuffer(capacity int) *Buffer {
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	return &Buffer{cap: capacity}
}

// strSize is what the heap holds for a string of n bytes: the size class
// the allocator rounds it up to (at least; larger strings are counted as
// they are).
func strSize(n int) int64 {
	switch {
	case n == 0:
		return 0
	case n <= 256:
		return int64(n+15) &^ 15
	case n <= 2048:
		return int64(n+127) &^ 127
	}
	return int64(n+1023) &^ 1023
}

func lineBytes(l *Line) int64 { return strSize(len(l.Nick)) + strSize(len(l.Text)) }

// Push appends a line, dropping the oldest when the buffer (or the pool)
// is full. The strings are copied, so that a line never holds on to the
// whole message it was cut from.
func (b *Buffer) Push(l Line) {
	b.total++
	if b.pool != nil && b.pool.limit == 0 {
		return
	}
	if b.cap > 0 && b.n == b.cap {
		b.dropOldest()
	}
	if b.n == len(b.ring) {
		grow := max(2*len(b.ring), minRing)
		if b.cap > 0 {
			grow = min(grow, b.cap)
		}
		b.setRing(grow)
	}
	l.Nick, l.Text = clone(l.Nick), clone(l.Text)
	b.ring[(b.head+b.n)%len(b.ring)] = l
	b.n++
	b.add(lineBytes(&l))
	if b.pool != nil {
		b.pool.fit()
	}
}

// clone copies s into an allocation of its own ("" stays "").
func clone(s string) string {
	if s == "" {
		return ""
	}
	return string(append([]byte(nil), s...))
}

func (b *Buffer) add(d int64) {
	b.bytes += d
	if b.pool != nil {
		b.pool.used += d
	}
}

// dropOldest forgets the oldest line, and shrinks the ring when it has
// become mostly empty.
func (b *Buffer) dropOldest() {
	if b.n == 0 {
		return
	}
	old := &b.ring[b.head]
	b.add(-lineBytes(old))
	*old = Line{}
	b.head = (b.head + 1) % len(b.ring)
	b.n--
	if len(b.ring) > minRing && b.n <= len(b.ring)/4 {
		b.setRing(len(b.ring) / 2)
	}
}

// setRing moves the lines into a ring of size slots (size >= b.n).
func (b *Buffer) setRing(size int) {
	var ring []Line
	if size > 0 {
		ring = make([]Line, size)
		for i := 0; i < b.n; i++ {
			ring[i] = b.ring[(b.head+i)%len(b.ring)]
		}
	}
	b.add(int64(size-len(b.ring)) * lineSize)
	b.ring, b.head = ring, 0
}

// Reset empties the buffer (its line count goes on), giving its bytes back.
func (b *Buffer) Reset() {
	b.add(-b.bytes)
	b.ring, b.head, b.n = nil, 0, 0
}

// Release empties the buffer and takes it out of its pool (its window
// closed).
func (b *Buffer) Release() {
	b.Reset()
	if p := b.pool; p != nil {
		for i, x := range p.bufs {
			if x == b {
				p.bufs = append(p.bufs[:i], p.bufs[i+1:]...)
				break
			}
		}
	}
}

// Len is the number of lines kept.
func (b *Buffer) Len() int { return b.n }

// Cap is the most lines kept (0: as many as the pool's budget allows).
func (b *Buffer) Cap() int { return b.cap }

// Bytes is what the buffer holds, as counted against its pool.
func (b *Buffer) Bytes() int64 { return b.bytes }

// Total is the number of lines ever pushed.
func (b *Buffer) Total() uint64 { return b.total }

// At returns line i, 0 being the oldest kept.
func (b *Buffer) At(i int) *Line {
	return &b.ring[(b.head+i)%len(b.ring)]
}

// Abs returns the line whose absolute number (0 for the first line ever
// pushed) is n, or nil when it is no longer (or not yet) kept.
func (b *Buffer) Abs(n uint64) *Line {
	first := b.First()
	if n < first || n >= b.total {
		return nil
	}
	return b.At(int(n - first))
}

// First is the absolute number of the oldest line kept.
func (b *Buffer) First() uint64 { return b.total - uint64(b.n) }

// Last returns the newest line, or nil.
func (b *Buffer) Last() *Line {
	if b.n == 0 {
		return nil
	}
	return b.At(b.n - 1)
}
