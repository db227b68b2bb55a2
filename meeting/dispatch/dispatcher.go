package dispatch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"gavel/backend/fetch"
	"gavel/backend/forge"
	"gavel/meeting"
	"gavel/meeting/outbox"
	"gavel/meeting/publish"
)

// OutboxName is the outbox's file name in its directory.
const OutboxName = "dispatch.outbox"

// Config configures a Dispatcher.
type Config struct {
	// Dir holds the outbox (gavel puts it next to the journals).
	Dir string
	// Settings are a channel's destinations (the [dispatch] table with
	// the channel's overrides). A channel without any is not dispatched.
	Settings func(channel string) Settings
	Logger   *slog.Logger
	// OnEvent, when set, hears of each delivery planned, sent, refused,
	// unsure, and of the first failure of each spell of trouble. It is
	// called from any goroutine, never with a lock held, and must not
	// block.
	OnEvent func(Event)
	// MinBackoff and MaxBackoff bound the wait between attempts while a
	// destination is away (default 2s and 5m).
	MinBackoff, MaxBackoff time.Duration
	// HTTP is the client for Discourse and the forges (nil: fetch's
	// defaults with a 30s timeout).
	HTTP *fetch.Client
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Event is something that happened to a delivery.
type Event struct {
	Delivery Delivery
	State    State
	Attempts int
	Err      error  // the failure (Queued: a retry follows; Refused; Unsure)
	Ref      string // Sent: what the destination made of it
}

// String is the event in one line, for headless mode's stderr.
func (e Event) String() string {
	d := e.Delivery
	what := d.Dest + " (" + d.Meeting + ")"
	switch e.State {
	case Held:
		return "dispatch: ready, waiting for /dispatch: " + what + ": " + d.Summary
	case Queued:
		if e.Err != nil {
			return fmt.Sprintf("dispatch: %s: attempt %d failed, retrying: %v", what, e.Attempts, e.Err)
		}
		return "dispatch: queued: " + what + ": " + d.Summary
	case Sent:
		s := "dispatch: sent: " + what
		if e.Ref != "" {
			s += ": " + e.Ref
		}
		return s
	case Refused:
		return fmt.Sprintf("dispatch: refused: %s: %v (kept; /dispatch retry)", what, e.Err)
	case Unsure:
		return fmt.Sprintf("dispatch: unsure: %s: %v (kept; /dispatch retry sends it again)", what, e.Err)
	}
	return "dispatch: " + what
}

// Entry is a delivery as /dispatch show lists it.
type Entry struct {
	Delivery Delivery
	State    State
	Attempts int
	LastErr  string
	Next     time.Time // Queued: when the next attempt starts (zero: now)
	Busy     bool      // an attempt is under way
	Ref      string
}

// Status counts the deliveries by state, for the status bar.
type Status struct {
	Held, Queued, Refused, Unsure, Sent int
	Err                                 string // the last failure of a queued delivery
}

// String is a one-line summary: "" when nothing waits.
func (s Status) String() string {
	var parts []string
	if s.Held > 0 {
		parts = append(parts, fmt.Sprintf("%d to send (/dispatch)", s.Held))
	}
	if s.Queued > 0 {
		p := fmt.Sprintf("%d sending", s.Queued)
		if s.Err != "" {
			p = fmt.Sprintf("%d waiting: %s", s.Queued, s.Err)
		}
		parts = append(parts, p)
	}
	if s.Refused+s.Unsure > 0 {
		parts = append(parts, fmt.Sprintf("%d failed (/dispatch show)", s.Refused+s.Unsure))
	}
	if len(parts) == 0 {
		return ""
	}
	return "dispatch: " + strings.Join(parts, ", ")
}

// Dispatcher is the durable outbox of after-meeting deliveries and its
// sender. Its methods are safe for concurrent use.
type Dispatcher struct {
	cfg   Config
	log   *slog.Logger
	forge *forge.Client

	mu      sync.Mutex
	file    *outbox.File
	entries []*entry
	byID    map[string]*entry
	done    []string
	known   map[string]bool // ids planned or sent
	closed  bool

	wake    chan struct{}
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	stopped chan struct{}
}

// Open opens (creating) the outbox in cfg.Dir and starts sending what it
// holds. A file holding corrupt records is kept aside and the dispatcher
// goes on with every good record, returned together with an
// *outbox.CorruptError that says so; any other error means no dispatcher.
func Open(cfg Config) (*Dispatcher, error) {
	if cfg.Dir == "" {
		return nil, errors.New("dispatch: no directory for the outbox")
	}
	if cfg.Settings == nil {
		cfg.Settings = func(string) Settings { return Settings{} }
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 2 * time.Second
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(5*time.Minute, cfg.MinBackoff)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTP == nil {
		cfg.HTTP = fetch.New(fetch.Options{Service: "dispatch", Timeout: 30 * time.Second, Logger: cfg.Logger})
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := &Dispatcher{cfg: cfg, log: log, forge: forge.New(cfg.HTTP, forge.Options{}),
		byID: map[string]*entry{}, known: map[string]bool{}, wake: make(chan struct{}, 1), stopped: make(chan struct{})}
	file, data, err := outbox.Open(cfg.Dir, OutboxName)
	if err != nil {
		return nil, fmt.Errorf("dispatch: %w", err)
	}
	c, rerr := ReadOutbox(strings.NewReader(string(data)))
	var warn error
	var corrupt *outbox.CorruptError
	switch {
	case errors.As(rerr, &corrupt):
		aside, err := file.SetAside(data)
		if err != nil {
			file.Close()
			return nil, fmt.Errorf("dispatch: outbox %s is corrupt (%v) and could not be copied aside: %w", file.Path(), rerr, err)
		}
		warn = fmt.Errorf("dispatch: outbox %s: %w; the file as it was is kept in %s, and the %d good deliveries go on", file.Path(), rerr, aside, len(c.Entries))
		log.Error("dispatch: corrupt outbox", "err", warn)
	case rerr != nil:
		file.Close()
		return nil, fmt.Errorf("dispatch: outbox %s: %w", file.Path(), rerr)
	}
	d.file = file
	d.entries, d.done = c.Entries, c.Done
	for _, e := range d.entries {
		d.byID[e.d.ID] = e
		d.known[e.d.ID] = true
		e.backoff = outbox.Backoff{Min: cfg.MinBackoff, Max: cfg.MaxBackoff}
	}
	for _, id := range d.done {
		d.known[id] = true
	}
	if err := d.rewrite(); err != nil {
		file.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	go d.run(ctx)
	// What an earlier run left refused or unsure is said again, once.
	for _, e := range d.entries {
		if e.state == Refused || e.state == Unsure {
			d.emit(Event{Delivery: e.d, State: e.state, Attempts: e.attempts, Err: errors.New(e.lastErr)})
		}
	}
	return d, warn
}

// rewrite compacts the outbox. Called with d.mu held (or before sharing).
func (d *Dispatcher) rewrite() error {
	c := Contents{Entries: d.entries, Done: d.done}
	if err := d.file.Rewrite(c.encode); err != nil {
		return fmt.Errorf("dispatch: %w", err)
	}
	for _, e := range d.entries {
		e.unsaved = false
	}
	return nil
}

// appendLocked writes records and syncs them. Called with d.mu held.
func (d *Dispatcher) appendLocked(recs ...record) error {
	lines := make([][]byte, 0, len(recs))
	for _, r := range recs {
		l, err := outbox.Line(r)
		if err != nil {
			return fmt.Errorf("dispatch: %w", err)
		}
		if len(l) > outbox.MaxRecord {
			return fmt.Errorf("dispatch: a record of %d bytes is too large", len(l))
		}
		lines = append(lines, l)
	}
	if err := d.file.Append(lines...); err != nil {
		return fmt.Errorf("dispatch: %w", err)
	}
	return nil
}

// MeetingStarted does nothing: dispatch is for ended meetings. With
// MeetingCompleted it lets a Dispatcher stand where the live driver hands
// meetings to the bus.
func (d *Dispatcher) MeetingStarted(string, *meeting.Meeting) error { return nil }

// MeetingCompleted plans the deliveries of a meeting whose minutes were
// published as files, and returns once they are on disk. They wait for
// Approve unless the channel's settings say Auto. A meeting handed over
// again is planned once.
func (d *Dispatcher) MeetingCompleted(channel string, m *meeting.Meeting, files []publish.File) error {
	_, err := d.Plan(channel, m, files)
	return err
}

// Plan is MeetingCompleted returning the deliveries newly planned.
func (d *Dispatcher) Plan(channel string, m *meeting.Meeting, files []publish.File) ([]Delivery, error) {
	s := d.cfg.Settings(channel)
	if !s.Enabled() {
		return nil, nil
	}
	ds, err := Render(channel, m, files, s, d.cfg.Now())
	if err != nil {
		return nil, fmt.Errorf("dispatch: %w", err)
	}
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil, errors.New("dispatch: the outbox is closed")
	}
	var recs []record
	var fresh []Delivery
	for _, dl := range ds {
		if d.known[dl.ID] {
			continue
		}
		dl := dl
		recs = append(recs, record{Kind: "plan", ID: dl.ID, At: dl.Planned, Delivery: &dl})
		if s.Auto {
			recs = append(recs, record{Kind: "go", ID: dl.ID})
		}
		fresh = append(fresh, dl)
	}
	var saveErr error
	if len(recs) > 0 {
		if err := d.appendLocked(recs...); err != nil {
			// Kept in memory, never sent unsaved: written as soon as
			// the disk takes it (before any attempt).
			saveErr = fmt.Errorf("%w: the deliveries are kept in memory and written as soon as the disk allows", err)
		}
	}
	var evs []Event
	for _, dl := range fresh {
		e := &entry{d: dl, state: Held, unsaved: saveErr != nil, backoff: outbox.Backoff{Min: d.cfg.MinBackoff, Max: d.cfg.MaxBackoff}}
		if s.Auto {
			e.state = Queued
		}
		d.entries = append(d.entries, e)
		d.byID[dl.ID] = e
		d.known[dl.ID] = true
		evs = append(evs, Event{Delivery: dl, State: e.state})
	}
	d.mu.Unlock()
	for _, ev := range evs {
		d.log.Info("dispatch: planned", "id", ev.Delivery.ID, "dest", ev.Delivery.Dest, "state", ev.State.String())
		d.emit(ev)
	}
	d.poke()
	return fresh, saveErr
}

// saveLocked writes the plan of deliveries the disk refused at first
// (with their go when queued); false while it still refuses. Called with
// d.mu held.
func (d *Dispatcher) saveLocked() bool {
	var recs []record
	var saving []*entry
	for _, e := range d.entries {
		if !e.unsaved {
			continue
		}
		dl := e.d
		recs = append(recs, record{Kind: "plan", ID: dl.ID, At: dl.Planned, Delivery: &dl})
		if e.state != Held {
			recs = append(recs, record{Kind: "go", ID: dl.ID})
		}
		saving = append(saving, e)
	}
	if len(recs) == 0 {
		return true
	}
	if err := d.appendLocked(recs...); err != nil {
		return false
	}
	for _, e := range saving {
		e.unsaved = false
	}
	d.log.Info("dispatch: deliveries kept in memory are on disk now", "count", len(saving))
	return true
}

// Held returns the deliveries waiting for the chair's word, in order.
func (d *Dispatcher) Held() []Delivery {
	d.mu.Lock()
	defer d.mu.Unlock()
	var out []Delivery
	for _, e := range d.entries {
		if e.state == Held {
			out = append(out, e.d)
		}
	}
	return out
}

// Approve sends the held deliveries with the given ids (none: every held
// delivery). It returns how many it queued.
func (d *Dispatcher) Approve(ids ...string) (int, error) {
	return d.requeue("go", func(e *entry) bool { return e.state == Held }, ids)
}

// Retry queues again the refused and unsure deliveries with the given ids
// (none: all of them). It returns how many it queued.
func (d *Dispatcher) Retry(ids ...string) (int, error) {
	return d.requeue("retry", func(e *entry) bool { return e.state == Refused || e.state == Unsure }, ids)
}

func (d *Dispatcher) requeue(kind string, ok func(*entry) bool, ids []string) (int, error) {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	d.mu.Lock()
	if !d.saveLocked() {
		d.mu.Unlock()
		return 0, errors.New("dispatch: the outbox cannot be written: nothing is sent before it is on disk")
	}
	var picked []*entry
	var recs []record
	for _, e := range d.entries {
		if ok(e) && (len(want) == 0 || want[e.d.ID]) {
			picked = append(picked, e)
			recs = append(recs, record{Kind: kind, ID: e.d.ID})
		}
	}
	if len(recs) > 0 {
		if err := d.appendLocked(recs...); err != nil {
			d.mu.Unlock()
			return 0, err
		}
	}
	for _, e := range picked {
		e.state, e.committed, e.next, e.reported = Queued, false, time.Time{}, false
		if kind == "retry" {
			e.lastErr = ""
		}
		e.backoff.Reset()
	}
	d.mu.Unlock()
	d.poke()
	return len(picked), nil
}

// Entries lists every delivery of this run and every one not yet sent,
// in the order planned.
func (d *Dispatcher) Entries() []Entry {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([]Entry, 0, len(d.entries))
	for _, e := range d.entries {
		out = append(out, Entry{Delivery: e.d, State: e.state, Attempts: e.attempts, LastErr: e.lastErr, Next: e.next, Busy: e.busy, Ref: e.ref})
	}
	return out
}

// Status counts the deliveries by state.
func (d *Dispatcher) Status() Status {
	d.mu.Lock()
	defer d.mu.Unlock()
	var s Status
	for _, e := range d.entries {
		switch e.state {
		case Held:
			s.Held++
		case Queued:
			s.Queued++
			if e.lastErr != "" {
				s.Err = e.lastErr
			}
		case Refused:
			s.Refused++
		case Unsure:
			s.Unsure++
		case Sent:
			s.Sent++
		}
	}
	return s
}

func (d *Dispatcher) emit(ev Event) {
	if d.cfg.OnEvent != nil {
		d.cfg.OnEvent(ev)
	}
}

func (d *Dispatcher) poke() {
	select {
	case d.wake <- struct{}{}:
	default:
	}
}

// Close stops sending, waits for the attempts under way to end, and
// compacts the outbox. What is not sent is sent by the next Open.
func (d *Dispatcher) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	d.mu.Unlock()
	d.cancel()
	<-d.stopped
	d.wg.Wait()
	d.mu.Lock()
	defer d.mu.Unlock()
	return errors.Join(d.rewrite(), d.file.Close())
}
