package dispatch

import (
	"errors"
	"io"
	"time"

	"gavel/meeting/outbox"
)

// entry is a delivery and where it stands.
type entry struct {
	d         Delivery
	state     State
	attempts  int
	committed bool   // a mail's end of data went out after the last try
	lastErr   string // the last failure, or the refusal
	ref       string // what the destination made of it, once sent

	// While gavel runs:
	next     time.Time // the next attempt (Queued)
	busy     bool      // an attempt is under way
	backoff  outbox.Backoff
	reported bool // the current trouble was reported once
	unsaved  bool // its plan is not on disk yet (the disk refused it): not sent until it is
}

// Contents is what a dispatch outbox holds, replayed.
type Contents struct {
	Entries []*entry // deliveries not yet sent, in the order planned
	Done    []string // ids of sent deliveries, oldest first, as far as the file remembers
}

// keepDone is how many sent ids the outbox remembers, so that a meeting
// handed over again after its deliveries went is not planned twice.
const keepDone = 512

// ReadOutbox replays a dispatch outbox file. A last line torn by a crash
// is dropped; other bad lines are skipped and reported in an
// *outbox.CorruptError returned with the contents of every good line.
func ReadOutbox(r io.Reader) (Contents, error) {
	var c Contents
	byID := map[string]*entry{}
	done := map[string]bool{}
	err := outbox.Read(r, func(body []byte) error {
		rec, err := decodeRecord(body)
		if err != nil {
			return err
		}
		e := byID[rec.ID]
		switch rec.Kind {
		case "plan":
			if e != nil || done[rec.ID] {
				return nil // the same meeting handed over again: planned once
			}
			e = &entry{d: *rec.Delivery, state: Held}
			byID[rec.ID] = e
			c.Entries = append(c.Entries, e)
			return nil
		case "done":
			if !done[rec.ID] {
				done[rec.ID] = true
				c.Done = append(c.Done, rec.ID)
			}
			if e != nil {
				e.state, e.ref = Sent, rec.Ref
			}
			return nil
		}
		if e == nil || e.state == Sent {
			return nil // about a delivery already sent and compacted away
		}
		switch rec.Kind {
		case "go":
			if e.state == Held {
				e.state = Queued
			}
		case "try":
			e.attempts++
			e.committed = false
		case "commit":
			e.committed = true
		case "fail":
			e.committed = false
		case "refused":
			e.state, e.lastErr, e.committed = Refused, rec.Err, false
		case "retry":
			if e.state == Refused || e.state == Unsure {
				e.state, e.committed, e.lastErr = Queued, false, ""
			}
		}
		return nil
	})
	var corrupt *outbox.CorruptError
	if err != nil && !errors.As(err, &corrupt) {
		return c, err
	}
	kept := c.Entries[:0]
	for _, e := range c.Entries {
		if e.state == Sent {
			continue
		}
		if e.state == Queued && e.committed {
			// The end of the mail's data went out and no answer was
			// recorded: the server may hold it. Never twice: the chair
			// decides.
			e.state = Unsure
			e.lastErr = "gavel stopped between sending the mail and hearing that the server took it: it may have been delivered"
		}
		kept = append(kept, e)
	}
	c.Entries = kept
	if len(c.Done) > keepDone {
		c.Done = c.Done[len(c.Done)-keepDone:]
	}
	return c, err
}

// encode writes c as a fresh outbox file: each delivery with the records
// that give its state, then the ids remembered as sent.
func (c Contents) encode(w io.Writer) error {
	var lines [][]byte
	add := func(r record) error {
		l, err := outbox.Line(r)
		if err == nil {
			lines = append(lines, l)
		}
		return err
	}
	for _, id := range c.Done {
		if err := add(record{Kind: "done", ID: id}); err != nil {
			return err
		}
	}
	for _, e := range c.Entries {
		if e.state == Sent {
			continue
		}
		d := e.d
		if err := add(record{Kind: "plan", ID: d.ID, At: d.Planned, Delivery: &d}); err != nil {
			return err
		}
		if e.state != Held {
			if err := add(record{Kind: "go", ID: d.ID}); err != nil {
				return err
			}
		}
		for range e.attempts {
			if err := add(record{Kind: "try", ID: d.ID}); err != nil {
				return err
			}
		}
		switch e.state {
		case Unsure:
			if err := add(record{Kind: "commit", ID: d.ID}); err != nil {
				return err
			}
		case Refused:
			if err := add(record{Kind: "refused", ID: d.ID, Err: e.lastErr}); err != nil {
				return err
			}
		}
	}
	for _, l := range lines {
		if _, err := w.Write(l); err != nil {
			return err
		}
	}
	return nil
}
