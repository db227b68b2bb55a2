package publish

import (
	"errors"
	"sync"

	"gavel/meeting"
	"gavel/meeting/minutes"
)

// errLogClosed is returned for lines written after the log was closed.
var errLogClosed = errors.New("the log is closed")

// htmlBatch is how many lines go to the .log.html writer at once.
const htmlBatch = 512

// htmlLog writes the .log.html on a goroutine of its own: it is the
// costliest per-line writer, and moving it off the engine's goroutine lets
// a replay use both cores. Lines go over in batches; flush and close wait
// for the writer to catch up. It is used from one goroutine.
type htmlLog struct {
	w     *minutes.LogHTML
	batch []meeting.Line
	todo  chan []meeting.Line
	acks  chan error // one answer per flush request (a nil batch)
	done  chan struct{}
	err   error // the first write error, once seen
	ended bool
	// serial: lines are written as they come, on the caller's goroutine
	// (see Archive.Serial).
	serial bool
}

func newHTMLLog(w *minutes.LogHTML, serial bool) *htmlLog {
	if serial {
		return &htmlLog{w: w, serial: true}
	}
	h := &htmlLog{
		w:     w,
		batch: newBatch(),
		todo:  make(chan []meeting.Line, 4),
		acks:  make(chan error),
		done:  make(chan struct{}),
	}
	go h.run()
	return h
}

func (h *htmlLog) run() {
	defer close(h.done)
	var err error
	for batch := range h.todo {
		if batch == nil { // flush request
			if err == nil {
				err = h.w.Flush()
			}
			h.acks <- err
			continue
		}
		for _, l := range batch {
			if err == nil {
				err = h.w.WriteLine(l)
			}
		}
		freeBatch(batch)
	}
}

// batches are the batches of lines, reused from meeting to meeting.
var batches = sync.Pool{New: func() any { b := make([]meeting.Line, 0, htmlBatch); return &b }}

func newBatch() []meeting.Line { return (*batches.Get().(*[]meeting.Line))[:0] }

func freeBatch(b []meeting.Line) {
	clear(b) // the lines' texts may go
	b = b[:0]
	batches.Put(&b)
}

// write queues one line.
func (h *htmlLog) write(l meeting.Line) error {
	if h.err != nil {
		return h.err
	}
	if h.ended {
		return errLogClosed
	}
	if h.serial {
		h.err = h.w.WriteLine(l)
		return h.err
	}
	if h.batch == nil {
		h.batch = newBatch()
	}
	h.batch = append(h.batch, l)
	if len(h.batch) == htmlBatch {
		h.todo <- h.batch
		h.batch = nil
	}
	return nil
}

// flush waits until every line written so far is in the file.
func (h *htmlLog) flush() error {
	if h.err != nil {
		return h.err
	}
	if h.ended {
		return errLogClosed
	}
	if h.serial {
		h.err = h.w.Flush()
		return h.err
	}
	if len(h.batch) > 0 {
		h.todo <- h.batch
		h.batch = nil
	}
	h.todo <- nil
	h.err = <-h.acks
	return h.err
}

// close ends the page (see minutes.LogHTML.Close) and stops the goroutine.
// After a first close it does nothing.
func (h *htmlLog) close() error {
	if h.ended {
		return h.err
	}
	if h.serial && h.err == nil {
		// The end goes out with the last lines, in one write.
		h.ended = true
		h.err = h.w.Close()
		return h.err
	}
	if err := h.flush(); err != nil {
		h.stop()
		return err
	}
	h.stop()
	h.err = h.w.Close()
	return h.err
}

// stop ends the goroutine; it is safe to call more than once.
func (h *htmlLog) stop() {
	if !h.ended {
		h.ended = true
		if h.serial {
			return
		}
		close(h.todo)
		<-h.done
		if h.batch != nil {
			freeBatch(h.batch)
			h.batch = nil
		}
	}
}
