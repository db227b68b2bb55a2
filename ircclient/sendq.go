package ircclient

import (
	"errors"
	"sync"
	"time"
)

// ErrQueueFull is returned when the paced send queue holds Config.SendQueueMax lines.
var ErrQueueFull = errors.New("ircclient: send queue full")

// outLine is one line waiting in the paced queue. echo, when set, is emitted
// as our own Message/Action/Notice once the line is written if the server did
// not ack echo-message (with echo-message the server's echo is the event).
type outLine struct {
	b      []byte // the line with CRLF
	target string // where the line goes (for echo)
	echo   func(time.Time) Event
}

// sendQueue is the paced lane. It outlives connections: lines queued while
// disconnected go out after the next registration, behind the rejoin.
type sendQueue struct {
	mu    sync.Mutex
	items []outLine
	head  int
	max   int
	wake  chan struct{} // capacity 1
}

func newSendQueue(max int) *sendQueue {
	return &sendQueue{max: max, wake: make(chan struct{}, 1)}
}

func (q *sendQueue) signal() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// push appends lines, all or nothing.
func (q *sendQueue) push(lines ...outLine) error {
	q.mu.Lock()
	if len(q.items)-q.head+len(lines) > q.max {
		q.mu.Unlock()
		return ErrQueueFull
	}
	q.items = append(q.items, lines...)
	q.mu.Unlock()
	q.signal()
	return nil
}

// pushFront puts lines ahead of everything queued (rejoin after reconnect,
// or a line whose write failed). It ignores the size limit.
func (q *sendQueue) pushFront(lines ...outLine) {
	q.mu.Lock()
	rest := q.items[q.head:]
	items := make([]outLine, 0, len(lines)+len(rest))
	items = append(append(items, lines...), rest...)
	q.items, q.head = items, 0
	q.mu.Unlock()
	q.signal()
}

// pop removes and returns the first line.
func (q *sendQueue) pop() (outLine, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.head == len(q.items) {
		return outLine{}, false
	}
	l := q.items[q.head]
	q.items[q.head] = outLine{}
	q.head++
	if q.head == len(q.items) {
		q.items, q.head = q.items[:0], 0
	} else if q.head > 1024 && q.head > len(q.items)/2 {
		q.items = append(q.items[:0:0], q.items[q.head:]...)
		q.head = 0
	}
	return l, true
}

func (q *sendQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) - q.head
}
