package dispatch

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// maxBusy bounds the attempts under way at once.
const maxBusy = 4

// RefusedError is a destination's permanent no (SMTP 5xx, HTTP 4xx other
// than 408 and 429): the delivery is kept for Retry, never retried alone.
type RefusedError struct{ Err error }

func (e *RefusedError) Error() string { return e.Err.Error() }
func (e *RefusedError) Unwrap() error { return e.Err }

// WaitError is a destination asking to be left alone for a while (HTTP
// 429 with Retry-After).
type WaitError struct {
	Err   error
	After time.Duration
}

func (e *WaitError) Error() string { return e.Err.Error() }
func (e *WaitError) Unwrap() error { return e.Err }

// UnsureError is an attempt that ended without knowing whether the
// destination took the delivery (a mail whose end of data went out but
// whose answer never came).
type UnsureError struct{ Err error }

func (e *UnsureError) Error() string { return e.Err.Error() }
func (e *UnsureError) Unwrap() error { return e.Err }

// Attempt is what a transport gets besides the delivery.
type Attempt struct {
	N int // 1 for the first attempt
	// Resumed: an earlier attempt started and its outcome is unknown, so
	// the transport looks for what it may have made before sending.
	Resumed bool
	// Commit records (synced) that the point of no return is reached: a
	// mail's end of data is about to go.
	Commit func() error
}

// run starts the attempts that are due, one at a time per delivery.
func (d *Dispatcher) run(ctx context.Context) {
	defer close(d.stopped)
	for {
		wait := d.startDue(ctx)
		var timer <-chan time.Time
		var t *time.Timer
		if wait > 0 {
			t = time.NewTimer(wait)
			timer = t.C
		}
		select {
		case <-ctx.Done():
		case <-d.wake:
		case <-timer:
		}
		if t != nil {
			t.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// startDue starts every due attempt it may and returns how long until the
// next one is due (0: nothing is scheduled).
func (d *Dispatcher) startDue(ctx context.Context) time.Duration {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.cfg.Now()
	if !d.saveLocked() {
		return time.Second // the disk still refuses: try again soon
	}
	busy := 0
	for _, e := range d.entries {
		if e.busy {
			busy++
		}
	}
	var soonest time.Duration
	for _, e := range d.entries {
		if e.state != Queued || e.busy {
			continue
		}
		if w := e.next.Sub(now); w > 0 {
			if soonest == 0 || w < soonest {
				soonest = w
			}
			continue
		}
		if busy >= maxBusy {
			continue // the wake at the end of an attempt starts it
		}
		busy++
		e.busy = true
		d.wg.Add(1)
		go d.attempt(ctx, e)
	}
	return soonest
}

// attempt records the try, sends, and records the outcome.
func (d *Dispatcher) attempt(ctx context.Context, e *entry) {
	defer d.wg.Done()
	defer d.poke()
	d.mu.Lock()
	dl := e.d
	resumed := e.attempts > 0
	n := e.attempts + 1
	err := d.appendLocked(record{Kind: "try", ID: dl.ID, At: d.cfg.Now().UTC()})
	if err == nil {
		e.attempts = n
	}
	d.mu.Unlock()
	var ref string
	if err == nil {
		commit := func() error {
			d.mu.Lock()
			defer d.mu.Unlock()
			if err := d.appendLocked(record{Kind: "commit", ID: dl.ID}); err != nil {
				return err
			}
			e.committed = true
			return nil
		}
		ref, err = d.send(ctx, dl, Attempt{N: n, Resumed: resumed, Commit: commit})
	}
	if ctx.Err() != nil && err != nil {
		// gavel is closing: the attempt's outcome is its next run's.
		d.mu.Lock()
		e.busy = false
		d.mu.Unlock()
		return
	}
	d.finish(e, ref, err)
}

// finish records an attempt's outcome and schedules what follows.
func (d *Dispatcher) finish(e *entry, ref string, err error) {
	d.mu.Lock()
	e.busy = false
	dl := e.d
	var ev *Event
	var refused *RefusedError
	var wait *WaitError
	var unsure *UnsureError
	switch {
	case err == nil:
		e.state, e.ref, e.lastErr = Sent, ref, ""
		ev = &Event{Delivery: dl, State: Sent, Attempts: e.attempts, Ref: ref}
		// Remembered as sent (a compaction writes it) even if the
		// record below fails.
		d.done = append(d.done, dl.ID)
		if len(d.done) > keepDone {
			d.done = d.done[len(d.done)-keepDone:]
		}
		if rerr := d.appendLocked(record{Kind: "done", ID: dl.ID, Ref: ref}); rerr != nil {
			// Sent, but the disk refused the record: never sent again
			// by this run; after a restart the forum and the forge are
			// asked (they find it), a mail is held as unsure.
			e.lastErr = "sent, but recording it failed: " + rerr.Error()
			d.log.Error("dispatch: sent but not recorded", "dest", dl.Dest, "err", rerr)
			break
		}
		e.committed = false
	case errors.As(err, &refused):
		if rerr := d.appendLocked(record{Kind: "refused", ID: dl.ID, Err: err.Error()}); rerr != nil {
			d.log.Warn("dispatch: recording a refusal", "err", rerr)
		}
		e.state, e.lastErr, e.committed = Refused, err.Error(), false
		ev = &Event{Delivery: dl, State: Refused, Attempts: e.attempts, Err: err}
	case errors.As(err, &unsure):
		// The commit record is on disk: a restart holds it too.
		e.state, e.lastErr = Unsure, err.Error()
		ev = &Event{Delivery: dl, State: Unsure, Attempts: e.attempts, Err: err}
	default:
		if e.committed {
			// A definite no after the end of data (a 4xx): not
			// delivered, so not unsure after a restart either.
			if rerr := d.appendLocked(record{Kind: "fail", ID: dl.ID}); rerr == nil {
				e.committed = false
			}
		}
		delay := e.backoff.Next()
		if errors.As(err, &wait) && wait.After > 0 {
			delay = wait.After
		}
		e.lastErr = err.Error()
		e.next = d.cfg.Now().Add(delay)
		if !e.reported {
			e.reported = true
			ev = &Event{Delivery: dl, State: Queued, Attempts: e.attempts, Err: err}
		}
		d.log.Warn("dispatch: attempt failed, will retry", "dest", dl.Dest, "attempt", e.attempts, "in", delay, "err", err)
	}
	if e.state == Sent {
		e.reported = false
		e.backoff.Reset()
	}
	d.mu.Unlock()
	if ev != nil {
		d.log.Info("dispatch: "+ev.State.String(), "id", dl.ID, "dest", dl.Dest, "err", ev.Err)
		d.emit(*ev)
	}
}

// send hands the delivery to its transport with the channel's settings.
func (d *Dispatcher) send(ctx context.Context, dl Delivery, a Attempt) (string, error) {
	s := d.cfg.Settings(dl.Channel)
	switch dl.Kind {
	case KindEmail:
		if s.Email == nil {
			return "", &RefusedError{fmt.Errorf("no [dispatch.email] settings for %s any more", dl.Channel)}
		}
		return sendMail(ctx, *s.Email, dl.Email, a)
	case KindDiscourse:
		if s.Discourse == nil {
			return "", &RefusedError{fmt.Errorf("no [dispatch.discourse] settings for %s any more", dl.Channel)}
		}
		return d.postTopic(ctx, *s.Discourse, dl.Discourse, a)
	case KindTicket:
		if s.Tickets == nil {
			return "", &RefusedError{fmt.Errorf("no [dispatch.tickets] settings for %s any more", dl.Channel)}
		}
		return d.commentTicket(ctx, *s.Tickets, dl.Ticket, a)
	}
	return "", &RefusedError{fmt.Errorf("unknown kind of delivery %q", dl.Kind)}
}
