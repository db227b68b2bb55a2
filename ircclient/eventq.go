package ircclient

import (
	"log/slog"
	"sync"
	"time"
)

// eventQueue moves events from the reader goroutine to the Events channel
// without ever blocking the reader and without dropping: push appends to an
// unbounded slice that pump forwards in order.
type eventQueue struct {
	out    chan Event
	log    *slog.Logger
	mu     sync.Mutex
	buf    []Event
	closed bool
	wake   chan struct{} // capacity 1
	warnAt int
}

const backlogWarn = 10000

func newEventQueue(size int, log *slog.Logger) *eventQueue {
	return &eventQueue{out: make(chan Event, size), log: log, wake: make(chan struct{}, 1), warnAt: backlogWarn}
}

// push never blocks.
func (q *eventQueue) push(ev Event) {
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
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// close stops accepting events; pump delivers what is queued, then closes out.
func (q *eventQueue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// pump forwards events until close has been called and the backlog is
// delivered. After close it waits at most grace for a consumer that stopped
// reading, then drops the rest so the goroutine ends.
func (q *eventQueue) pump(grace time.Duration) {
	defer close(q.out)
	var batch []Event
	var deadline <-chan time.Time
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
			batch[i] = nil
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
