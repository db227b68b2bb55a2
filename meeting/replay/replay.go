// Package replay turns an IRC log into minutes offline: a log reader feeds
// the same meeting engine a live meeting uses, and the archive publisher
// writes the files. Replay and live produce identical minutes for identical
// lines.
package replay

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"gavel/ircclient"
	"gavel/meeting"
	"gavel/meeting/logfile"
	"gavel/meeting/publish"
)

// Options configure a replay.
type Options struct {
	Style meeting.Style
	// Channel overrides the channel the file name, its directories or
	// the log name (see logfile.ParseFileName and logfile.Reader.Channel).
	Channel string
	// Date overrides the date the log and the file name give (see
	// logfile.Options.Date).
	Date   time.Time
	Format logfile.Format // "" detects the format
	// Dialect is the meeting commands' spelling in the log: MeetBot's
	// "#topic" (the zero value) or Fedora's Matrix "!topic".
	Dialect   meeting.Dialect
	URLPrefix string
	Out       string // archive root
	// Batch, when set, defers the archive's syncs (see publish.Batch):
	// for regenerating many meetings, where the caller calls Batch.Sync
	// once at the end.
	Batch *publish.Batch
	// Archive, when set, is the archive written (Out, Style, URLPrefix
	// and Batch are then its own): replays of many logs share one, so
	// that they know each other's meetings (see publish.Session.resolve)
	// and inputs (publish.Archive.KeepInputs). It must be regenerating
	// (publish.Archive.Regenerate), as publish.Batch.Archive makes it.
	Archive *publish.Archive
	// Stubs are the logs zodbot left as rename stubs of this log's
	// meetings (see Stubs), which their replay writes again: in a
	// regeneration in place they are the meetings' own files.
	Stubs []os.FileInfo
	// Files, when set, is given each meeting's files (without repeats) as
	// soon as the meeting is written, and Result.Files stays empty: memory
	// then does not grow with the number of meetings in a log.
	Files func([]publish.File)
}

// Result says what a replay did.
type Result struct {
	Files      []publish.File // every file written, in order, without repeats (unless Options.Files is set)
	Meetings   int            // meetings found (started)
	Unfinished int            // meetings the log ends in before #endmeeting
	Stats      logfile.Stats  // lines read and lines that could not be read
	Channel    string         // the channel the meetings were filed under
	// BareStarts holds the times of the first few "#startmeeting" lines
	// without a topic that started no meeting: Fedora's MeetBot (zodbot
	// style) refuses them.
	BareStarts []time.Time
}

// maxBareStarts is how many refused #startmeeting lines a Result records.
const maxBareStarts = 3

// ErrNoDate is returned when neither the options, the log nor its file
// name give the meeting's date.
var ErrNoDate = errors.New("no date for the meeting: neither the log (day headers, dated lines, MeetBot's " +
	"\"Meeting started ... UTC\" reply) nor its file name (like name.2015-04-30-18.00.log.txt) gives one; pass --date YYYY-MM-DD")

// ErrNoChannel is returned when neither the options, the file name, its
// directories nor the log name the channel.
var ErrNoChannel = errors.New("no channel for the meeting: nothing names it (a published name like " +
	"magazine.2020-06-10-12.02.log.txt is the meeting's name, not the channel's; the channel is the " +
	"directory above <YYYY-MM-DD>/ in an archive); pass --channel '#name'")

// Reader replays the log read from r; name is its file name (or "-"),
// which with its directories may give the channel and the date (see
// logfile.ParseFileName). The log's own dates win over the name's, and
// the options over both.
func Reader(ctx context.Context, r io.Reader, name string, opts Options) (Result, error) {
	var fileChannel string
	var fileDate time.Time
	if name != "-" {
		fileChannel, fileDate = logfile.MeetingOf(name, "", time.Time{})
	}
	rd, err := logfile.NewReader(r, logfile.Options{Format: opts.Format, Date: opts.Date, FallbackDate: fileDate})
	if err != nil {
		return Result{}, fmt.Errorf("%s: %w", name, err)
	}
	// The next log reuses this one's memory: nothing returned or kept
	// in the archive may point into it (the engine clones what it keeps;
	// the reader's channel is a copy).
	defer rd.Close()
	if !rd.Dated() {
		return Result{}, fmt.Errorf("%s: %w", name, ErrNoDate)
	}
	channel, _ := logfile.MeetingOf("", cmp.Or(opts.Channel, fileChannel, rd.Channel()), time.Time{})
	if channel == "" {
		return Result{}, fmt.Errorf("%s: %w", name, ErrNoChannel)
	}
	p := &player{
		engine: meeting.NewEngine(meeting.Options{Style: opts.Style, Channel: channel, URLPrefix: opts.URLPrefix, Dialect: opts.Dialect,
			Fold: ircclient.CaseFold("rfc1459")}), // chair checks in the default style, as servers that announce nothing compare
		seen:   map[string]int{},
		zodbot: opts.Style == meeting.StyleZodbot,
		report: opts.Files,
	}
	archive := opts.Archive
	switch {
	case archive != nil:
	case opts.Batch != nil:
		archive = opts.Batch.Archive(opts.Out, opts.Style, opts.URLPrefix)
		defer archive.Close()
	default:
		archive = publish.New(opts.Out, opts.Style, opts.URLPrefix)
		archive.Regenerate = true
		defer archive.Close()
	}
	src := &publish.Source{Stubs: opts.Stubs}
	if f, ok := r.(interface{ Stat() (os.FileInfo, error) }); ok {
		// Regenerating in place: the log read is never written over
		// with other bytes.
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			archive.KeepInputs(st)
			src.Log = st
		}
	}
	p.writer = archive.Writer()
	p.writer.Source = src
	p.serial = archive.Serial
	p.res.Channel = channel
	err = p.play(ctx, rd)
	if len(p.files) > 0 {
		p.done(p.files) // written by a #save before the error
	}
	p.res.Stats = rd.Stats()
	if err != nil {
		return p.res, fmt.Errorf("%s: %w", name, err)
	}
	return p.res, nil
}

type player struct {
	engine *meeting.Engine
	writer *publish.Writer // the file-writing effects, carried out as meeting/live does
	res    Result
	seen   map[string]int // path -> index in files
	files  []publish.File // the files of the running meeting
	last   time.Time
	zodbot bool
	report func([]publish.File)
	serial bool // finish each meeting before reading on (see publish.Archive.Serial)

	// Ended meetings are finished (their minutes written) on a goroutine
	// of their own, in order, while the engine goes on with the log; the
	// first error stops the replay.
	finishing chan finishJob
	finished  chan struct{}
	pending   sync.WaitGroup // meetings handed to the finisher and not finished yet
	mu        sync.Mutex
	finishErr error
	allSeen   map[string]int // path -> index in res.Files (report unset)
}

// finishJob is an ended meeting to finish: the writer holding its session
// (see publish.Writer.Handoff) and the files a #save wrote.
type finishJob struct {
	w     *publish.Writer
	m     *meeting.Meeting
	files []publish.File
	seen  map[string]int
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
				ev, err := rd.NextShared()
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

// batches are the batches of logs in memory, reused from log to log: a
// regeneration replays thousands of logs a second.
var batches = sync.Pool{New: func() any { return &batch{events: make([]meeting.Event, 0, batchSize)} }}

// eventBatches returns the batches of events of rd one after another: read
// ahead on a goroutine of their own, unless the log is in memory already
// (see logfile.Reader.InMemory), where parsing it costs less than handing
// it over. Each batch is given back with recycle once handled; stop ends
// the reading and waits for it.
func eventBatches(rd *logfile.Reader) (next func() (*batch, bool), recycle func(*batch), stop func()) {
	if rd.InMemory() {
		b := batches.Get().(*batch)
		b.err = nil
		next = func() (*batch, bool) {
			if b.err != nil {
				return nil, false
			}
			b.events = b.events[:0]
			for len(b.events) < batchSize {
				ev, err := rd.NextShared()
				if err != nil {
					b.err = err
					break
				}
				b.events = append(b.events, ev)
			}
			return b, true
		}
		return next, func(*batch) {}, func() {
			clear(b.events[:cap(b.events)]) // no event of this log kept alive
			b.events = b.events[:0]
			batches.Put(b)
		}
	}
	done := make(chan struct{})
	full, free := readAhead(rd, done)
	next = func() (*batch, bool) {
		b, ok := <-full
		return b, ok
	}
	recycle = func(b *batch) {
		select {
		case free <- b:
		default:
		}
	}
	stop = func() {
		close(done)
		for range full { // wait for the reader to stop before Stats
		}
	}
	return next, recycle, stop
}

func (p *player) play(ctx context.Context, rd *logfile.Reader) (err error) {
	if !p.serial {
		p.finishing = make(chan finishJob, 1)
		p.finished = make(chan struct{})
		go p.finisher()
	}
	defer func() {
		p.writer.Discard()
		p.waitFinished()
		if err == nil {
			err = p.finishErr
		}
	}()
	next, recycle, stop := eventBatches(rd)
	defer stop()
	for {
		b, ok := next()
		if !ok {
			break
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, ev := range b.events {
			p.last = ev.When()
			idle := !p.engine.Active()
			for _, eff := range p.engine.Handle(ev) {
				if err := p.apply(eff); err != nil {
					return err
				}
			}
			if idle && p.zodbot && !p.engine.Active() && isBareStart(ev) && len(p.res.BareStarts) < maxBareStarts {
				p.res.BareStarts = append(p.res.BareStarts, ev.When())
			}
		}
		if b.err == io.EOF {
			break
		}
		if b.err != nil {
			return b.err
		}
		recycle(b)
	}
	if p.writer.Session() != nil && p.engine.Active() {
		// The log ends inside a meeting: publish what it has.
		p.engine.Meeting().End = p.last
		p.res.Unfinished++
		return p.apply(meeting.Effect{Kind: meeting.EffectEnd})
	}
	return nil
}

// waitFinished waits until every ended meeting is finished.
func (p *player) waitFinished() {
	if p.finishing != nil {
		close(p.finishing)
		<-p.finished
		p.finishing = nil
	}
}

// finisher finishes the ended meetings handed over, in order.
func (p *player) finisher() {
	defer close(p.finished)
	for j := range p.finishing {
		p.finish(j)
		p.pending.Done()
	}
}

// finish writes the final files of an ended meeting.
func (p *player) finish(j finishJob) {
	if p.failed() != nil {
		j.w.Discard()
		return
	}
	files, err := j.w.Apply(j.m, meeting.Effect{Kind: meeting.EffectEnd})
	j.files = merge(j.files, j.seen, files)
	if err != nil {
		// The input log still holds every line: drop the partial copy.
		j.w.Discard()
		p.mu.Lock()
		p.finishErr = err
		p.mu.Unlock()
	}
	p.done(j.files)
}

func (p *player) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.finishErr
}

// done hands one meeting's files over (Options.Files) or adds them to the
// result.
func (p *player) done(files []publish.File) {
	if p.report != nil {
		if len(files) > 0 {
			p.report(files)
		}
		return
	}
	if p.allSeen == nil {
		p.allSeen = map[string]int{}
	}
	p.res.Files = merge(p.res.Files, p.allSeen, files)
}

// merge adds files to list, replacing the entries of paths already in it
// (seen maps each path to its index).
func merge(list []publish.File, seen map[string]int, files []publish.File) []publish.File {
	for _, f := range files {
		if i, ok := seen[f.Path]; ok {
			list[i] = f
			continue
		}
		seen[f.Path] = len(list)
		list = append(list, f)
	}
	return list
}

// isBareStart reports a "#startmeeting" line without a topic.
func isBareStart(ev meeting.Event) bool {
	m, ok := ev.(meeting.Message)
	if p, isPtr := ev.(*meeting.Message); isPtr {
		m, ok = *p, true
	}
	if !ok || len(m.Text) < len("#startmeeting") || m.Text[0] != '#' {
		return false
	}
	word, rest, _ := strings.Cut(m.Text, " ")
	return strings.EqualFold(word, "#startmeeting") && strings.TrimSpace(rest) == ""
}

func (p *player) apply(eff meeting.Effect) error {
	if eff.Kind == meeting.EffectLog && p.writer.Session() == nil {
		p.res.Meetings++
	}
	if eff.Kind == meeting.EffectEnd {
		if p.writer.Session() == nil {
			return nil
		}
		if err := p.failed(); err != nil {
			return err
		}
		// The engine never changes an ended meeting: the finisher may
		// read it while the engine goes on.
		j := finishJob{w: p.writer.Handoff(), m: p.engine.Meeting(), files: p.files, seen: p.seen}
		if p.serial {
			p.finish(j)
		} else {
			p.pending.Add(1)
			p.finishing <- j
		}
		p.files, p.seen = nil, map[string]int{}
		return nil
	}
	if eff.Kind == meeting.EffectSave {
		// A #save chooses the meeting's paths (see publish.Session.resolve)
		// after those of the meetings before it, as a finished meeting
		// does: the same paths however the goroutines run.
		p.pending.Wait()
	}
	files, err := p.writer.Apply(p.engine.Meeting(), eff)
	p.files = merge(p.files, p.seen, files)
	return err
}
