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
	queued time.Time // when it was queued (high lane; see Client.Lag)
}

// sendQueue holds the two paced lanes. The high lane (the chair's lines,
// the meeting's replies, JOIN, PART, TOPIC…) is always served first; the
// low lane holds channel lookup answers (see Client.Answer) and is served
// one line at a time while the high lane is empty, so a chair's line waits
// for at most the line being written. The queue outlives connections:
// lines queued while disconnected go out after the next registration,
// behind the rejoin.
type sendQueue struct {
	mu    sync.Mutex
	items []outLine // high lane
	head  int
	max   int
	wake  chan struct{} // capacity 1

	answers  []*answer // low lane, in the order asked
	lowLines int       // lines waiting in the low lane (estimate for unstarted answers)
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

// push appends lines to the high lane, all or nothing.
func (q *sendQueue) push(lines ...outLine) error {
	now := time.Now()
	q.mu.Lock()
	if len(q.items)-q.head+len(lines) > q.max {
		q.mu.Unlock()
		return ErrQueueFull
	}
	for i := range lines {
		lines[i].queued = now
	}
	q.items = append(q.items, lines...)
	q.mu.Unlock()
	q.signal()
	return nil
}

// pushFront puts lines ahead of everything queued (rejoin after reconnect).
// It ignores the size limit.
func (q *sendQueue) pushFront(lines ...outLine) {
	now := time.Now()
	for i := range lines {
		lines[i].queued = now
	}
	q.mu.Lock()
	rest := q.items[q.head:]
	items := make([]outLine, 0, len(lines)+len(rest))
	items = append(append(items, lines...), rest...)
	q.items, q.head = items, 0
	q.mu.Unlock()
	q.signal()
}

// pop removes and returns the next line: the high lane's first, else the
// next line of the first answer in the low lane (build addresses an answer
// when its first line is taken).
func (q *sendQueue) pop(build func(*answer) []outLine) (outLine, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.head < len(q.items) {
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
	for len(q.answers) > 0 {
		a := q.answers[0]
		if a.out == nil {
			q.lowLines -= len(a.lines)
			a.out = build(a)
			q.lowLines += len(a.out)
		}
		if len(a.out) == 0 {
			q.answers = q.answers[1:]
			continue
		}
		l := a.out[0]
		a.out = a.out[1:]
		q.lowLines--
		if len(a.out) == 0 {
			q.answers[0] = nil
			q.answers = q.answers[1:]
		}
		return l, true
	}
	return outLine{}, false
}

// len is the number of lines waiting in both lanes.
func (q *sendQueue) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items) - q.head + q.lowLines
}

// oldest is when the first line of the high lane was queued (zero when
// the high lane is empty).
func (q *sendQueue) oldest() time.Time {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.head < len(q.items) {
		return q.items[q.head].queued
	}
	return time.Time{}
}
