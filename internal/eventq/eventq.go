// Package eventq moves a network client's events from the goroutine that
// reads the network to the consumer, in order, without ever blocking the
// reader and without dropping an event while the consumer reads.
package eventq

import (
	"log/slog"
	"sync"
	"time"
)

// backlogWarn is the backlog of the first warning that the consumer is
// slow; each later warning is at twice the one before.
const backlogWarn = 10000

// Queue holds the events Push is given in an unbounded slice that Pump
// forwards to Out.
type Queue[T any] struct {
	out    chan T
	log    *slog.Logger
	mu     sync.Mutex
	buf    []T
	closed bool
	wake   chan struct{} // capacity 1
	warnAt int
}

// New is a queue whose Out channel holds size events; log gets the
// warnings of a growing backlog.
func New[T any](size int, log *slog.Logger) *Queue[T] {
	return &Queue[T]{out: make(chan T, size), log: log, wake: make(chan struct{}, 1), warnAt: backlogWarn}
}

// Out is where the events come out, in the order pushed; it is closed
// once Close was called and everything queued is delivered.
func (q *Queue[T]) Out() <-chan T { return q.out }

// Push queues ev; it never blocks.
func (q *Queue[T]) Push(ev T) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.buf = append(q.buf, ev)
	n := len(q.buf)
	if n >= q.warnAt {
		q.warnAt *= 2
		q.log.Warn("event consumer is slow; backlog growing (events are kept, not dropped)", "backlog", n)
	}
	q.mu.Unlock()
	q.poke()
}

// Queued is a copy of the events pushed and not yet forwarded: with no
// Pump running (a client driven offline, line by line), every event
// pushed so far.
func (q *Queue[T]) Queued() []T {
	q.mu.Lock()
	defer q.mu.Unlock()
	return append([]T(nil), q.buf...)
}

// Take removes the events not yet forwarded and returns them (a copy:
// the queue keeps its buffer for the events to come).
func (q *Queue[T]) Take() []T {
	q.mu.Lock()
	defer q.mu.Unlock()
	evs := append([]T(nil), q.buf...)
	clear(q.buf)
	q.buf = q.buf[:0]
	return evs
}

// Close stops accepting events; Pump delivers what is queued, then
// closes Out.
func (q *Queue[T]) Close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	q.poke()
}

func (q *Queue[T]) poke() {
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// Pump forwards events until Close has been called and the backlog is
// delivered. After Close it waits at most grace for a consumer that
// stopped reading, then drops the rest (saying how many) so that it ends.
func (q *Queue[T]) Pump(grace time.Duration) {
	defer close(q.out)
	var batch []T
	var deadline <-chan time.Time
	var zero T
	for {
		q.mu.Lock()
		batch, q.buf = q.buf, batch[:0]
		closed := q.closed
		q.mu.Unlock()
		if closed && deadline == nil {
			t := time.NewTimer(grace)
			defer t.Stop()
			deadline = t.C
		}
		for i, ev := range batch {
			select {
			case q.out <- ev:
			case <-deadline:
				q.log.Warn("events not read after stop; dropping", "dropped", len(batch)-i)
				return
			}
			batch[i] = zero // the slice is used again: hold no event
		}
		if closed && len(batch) == 0 {
			q.mu.Lock()
			empty := len(q.buf) == 0
			q.mu.Unlock()
			if empty {
				return
			}
			continue
		}
		if closed {
			continue
		}
		<-q.wake
	}
}
