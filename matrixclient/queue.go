package matrixclient

import (
	"log/slog"
	"sync"
)

// eventQueue moves events from the sync loop to the Events channel without
// blocking the sync loop and without dropping: push appends to an
// unbounded slice that pump forwards in order.
type eventQueue struct {
	out    chan Event
	log    *slog.Logger
	mu     sync.Mutex
	buf    []Event
	closed bool
	wake   chan struct{}
	warnAt int
}

func newEventQueue(size int, log *slog.Logger) *eventQueue {
	q := &eventQueue{out: make(chan Event, size), log: log, wake: make(chan struct{}, 1), warnAt: 10000}
	go q.pump()
	return q
}

func (q *eventQueue) push(ev Event) {
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return
	}
	q.buf = append(q.buf, ev)
	if n := len(q.buf); n >= q.warnAt {
		q.warnAt *= 2
		q.log.Warn("matrix: event consumer is slow; backlog growing (events are kept, not dropped)", "backlog", n)
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

func (q *eventQueue) pump() {
	for {
		q.mu.Lock()
		batch := q.buf
		q.buf = nil
		closed := q.closed
		q.mu.Unlock()
		for _, ev := range batch {
			q.out <- ev
		}
		if len(batch) == 0 {
			if closed {
				close(q.out)
				return
			}
			<-q.wake
		}
	}
}

// seenSet remembers the last event IDs of a room, so that none is
// delivered twice (a backfill that overlaps a timeline, a sync repeated
// after a reconnect).
type seenSet struct {
	ids  map[string]struct{}
	ring []string
	next int
}

const seenMax = 4096

func newSeenSet() *seenSet { return &seenSet{ids: map[string]struct{}{}} }

func (s *seenSet) has(id string) bool { _, ok := s.ids[id]; return ok }

func (s *seenSet) add(id string) {
	if id == "" || s.has(id) {
		return
	}
	if len(s.ring) < seenMax {
		s.ring = append(s.ring, id)
	} else {
		delete(s.ids, s.ring[s.next])
		s.ring[s.next] = id
		s.next = (s.next + 1) % seenMax
	}
	s.ids[id] = struct{}{}
}
