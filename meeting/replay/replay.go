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
	"strings"
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
	Date      time.Time
	Format    logfile.Format // "" detects the format
	URLPrefix string
	Out       string // archive root
	// Batch, when set, defers the archive's syncs (see publish.Batch):
	// for regenerating many meetings, where the caller calls Batch.Sync
	// once at the end.
	Batch *publish.Batch
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
	if !rd.Dated() {
		return Result{}, fmt.Errorf("%s: %w", name, ErrNoDate)
	}
	channel, _ := logfile.MeetingOf("", cmp.Or(opts.Channel, fileChannel, rd.Channel()), time.Time{})
	if channel == "" {
		return Result{}, fmt.Errorf("%s: %w", name, ErrNoChannel)
	}
	p := &player{
		engine: meeting.NewEngine(meeting.Options{Style: opts.Style, Channel: channel, URLPrefix: opts.URLPrefix,
			Fold: ircclient.CaseFold("rfc1459")}), // chair checks in the default style, as servers that announce nothing compare
		seen:   map[string]int{},
		zodbot: opts.Style == meeting.StyleZodbot,
		report: opts.Files,
	}
	archive := publish.New(opts.Out, opts.Style, opts.URLPrefix)
	if opts.Batch != nil {
		archive = opts.Batch.Archive(opts.Out, opts.Style, opts.URLPrefix)
	}
	p.writer = archive.Writer()
	p.res.Channel = channel
	err = p.play(ctx, rd)
	if p.report != nil && len(p.files) > 0 {
		p.report(p.files) // written by a #save before the error
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
	files  []publish.File // the files of the meeting (report set) or of the log
	last   time.Time
	zodbot bool
	report func([]publish.File)
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
		select {
		case free <- b:
		default:
		}
	}
	if p.writer.Session() != nil && p.engine.Active() {
		// The log ends inside a meeting: publish what it has.
		p.engine.Meeting().End = p.last
		p.res.Unfinished++
		return p.apply(meeting.Effect{Kind: meeting.EffectEnd})
	}
	return nil
}

// isBareStart reports a "#startmeeting" line without a topic.
func isBareStart(ev meeting.Event) bool {
	m, ok := ev.(meeting.Message)
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
	files, err := p.writer.Apply(p.engine.Meeting(), eff)
	p.record(files)
	if eff.Kind == meeting.EffectEnd {
		return p.ended(err)
	}
	return err
}

// ended hands a finished meeting's files over.
func (p *player) ended(err error) error {
	if err != nil {
		// The input log still holds every line: drop the partial copy.
		p.writer.Discard()
	}
	if p.report != nil {
		// Hand the meeting's files over and forget them.
		if len(p.files) > 0 {
			p.report(p.files)
		}
		p.files = nil
		clear(p.seen)
	}
	return err
}

func (p *player) record(files []publish.File) {
	for _, f := range files {
		if i, ok := p.seen[f.Path]; ok {
			p.files[i] = f
			continue
		}
		p.seen[f.Path] = len(p.files)
		p.files = append(p.files, f)
	}
	if p.report == nil {
		p.res.Files = p.files
	}
}
