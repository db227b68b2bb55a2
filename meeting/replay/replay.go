// Package replay turns an IRC log into minutes offline: a log reader feeds
// the same meeting engine a live meeting uses, and the archive publisher
// writes the files. Replay and live produce identical minutes for identical
// lines.
package replay

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"gavel/meeting"
	"gavel/meeting/logfile"
	"gavel/meeting/publish"
)

// Options configure a replay.
type Options struct {
	Style     meeting.Style
	Channel   string         // overrides the channel taken from the file name
	Date      time.Time      // overrides the date taken from the file name
	Format    logfile.Format // "" detects the format
	URLPrefix string
	Out       string // archive root
}

// Result says what a replay did.
type Result struct {
	Files      []publish.File // every file written, in order, without repeats
	Meetings   int            // meetings found (started)
	Unfinished int            // meetings the log ends in before #endmeeting
	Stats      logfile.Stats  // lines read and lines that could not be read
}

// ErrNoDate is returned when neither the file name nor the options give the
// meeting's date.
var ErrNoDate = errors.New("no date for the meeting: the file name has none (like name.2015-04-30-18.00.log.txt); pass --date YYYY-MM-DD")

// ErrNoChannel is returned when neither the file name nor the options give
// the channel.
var ErrNoChannel = errors.New("no channel for the meeting: the file name has none; pass --channel '#name'")

// Reader replays the log read from r; name is its file name (or "-"), used
// for the channel and date when the options do not give them.
func Reader(ctx context.Context, r io.Reader, name string, opts Options) (Result, error) {
	channel, date := logfile.MeetingOf(name, opts.Channel, opts.Date)
	if date.IsZero() {
		return Result{}, ErrNoDate
	}
	if channel == "" {
		return Result{}, ErrNoChannel
	}
	rd, err := logfile.NewReader(r, logfile.Options{Format: opts.Format, Date: date})
	if err != nil {
		return Result{}, fmt.Errorf("replay %s: %w", name, err)
	}
	p := &player{
		engine: meeting.NewEngine(meeting.Options{Style: opts.Style, Channel: channel, URLPrefix: opts.URLPrefix}),
		writer: publish.New(opts.Out, opts.Style, opts.URLPrefix).Writer(),
		seen:   map[string]int{},
	}
	err = p.play(ctx, rd)
	p.res.Stats = rd.Stats()
	if err != nil {
		return p.res, fmt.Errorf("replay %s: %w", name, err)
	}
	return p.res, nil
}

type player struct {
	engine *meeting.Engine
	writer *publish.Writer // the file-writing effects, as meeting/live carries them out
	res    Result
	seen   map[string]int // path -> index in res.Files
	last   time.Time
}

// batchSize is how many events the reading goroutine hands over at once.
const batchSize = 512

// batch is a run of events read ahead, or the error that ended reading.
type batch struct {
	events []meeting.Event
	err    error // io.EOF at the end
}

// readAhead reads the log on its own goroutine, so that parsing overlaps
// the engine and the writers. It stops at the end, on an error, or when
// done is closed; the returned channel is closed when it has stopped.
func readAhead(rd *logfile.Reader, done <-chan struct{}) (<-chan *batch, chan<- *batch) {
	full := make(chan *batch, 4)
	free := make(chan *batch, 4)
	go func() {
		defer close(full)
		for {
			var b *batch
			select {
			case b = <-free:
				b.events = b.events[:0]
			default:
				b = &batch{events: make([]meeting.Event, 0, batchSize)}
			}
			for len(b.events) < batchSize {
				ev, err := rd.Next()
				if err != nil {
					b.err = err
					break
				}
				b.events = append(b.events, ev)
			}
			select {
			case full <- b:
			case <-done:
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	return full, free
}

func (p *player) play(ctx context.Context, rd *logfile.Reader) error {
	defer p.writer.Discard()
	done := make(chan struct{})
	full, free := readAhead(rd, done)
	defer func() {
		close(done)
		for range full { // wait for the reader to stop before Stats
		}
	}()
	for b := range full {
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, ev := range b.events {
			p.last = ev.When()
			for _, eff := range p.engine.Handle(ev) {
				if err := p.apply(eff); err != nil {
					return err
				}
			}
		}
		if b.err == io.EOF {
			break
		}
		if b.err != nil {
			return b.err
		}
		select {
		case free <- b:
		default:
		}
	}
	if p.writer.Session() != nil && p.engine.Active() {
		// The log ends inside a meeting: publish what it has.
		m := p.engine.Meeting()
		m.End = p.last
		p.res.Unfinished++
		return p.apply(meeting.Effect{Kind: meeting.EffectEnd})
	}
	return nil
}

func (p *player) apply(eff meeting.Effect) error {
	if eff.Kind == meeting.EffectLog && p.writer.Session() == nil {
		p.res.Meetings++
	}
	files, err := p.writer.Apply(p.engine.Meeting(), eff)
	p.record(files)
	if err != nil && eff.Kind == meeting.EffectEnd {
		// The input log still holds every line: drop the partial copy.
		p.writer.Discard()
	}
	return err
}

func (p *player) record(files []publish.File) {
	for _, f := range files {
		if i, ok := p.seen[f.Path]; ok {
			p.res.Files[i] = f
			continue
		}
		p.seen[f.Path] = len(p.res.Files)
		p.res.Files = append(p.res.Files, f)
	}
}
