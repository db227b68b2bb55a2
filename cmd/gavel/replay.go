package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gavel/meeting"
	"gavel/meeting/logfile"
	"gavel/meeting/publish"
	"gavel/meeting/replay"
	"gavel/tui"
)

// maxSkippedShown is how many unreadable line numbers the summary names.
const maxSkippedShown = 5

func runReplay(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gavel replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "minutes", "archive root to write the minutes under")
	style := fs.String("style", "default", "output style: default (bugs fixed, plus .md and .json) or zodbot (byte-exact MeetBot 0.1.4)")
	channel := fs.String("channel", "", "the meeting's channel, e.g. '#fedora-meeting' (default: from the file name, the archive path or the log)")
	date := fs.String("date", "", "the meeting's date, YYYY-MM-DD (default: from the log, else the file name)")
	format := fs.String("format", "", "log format: meetbot, irssi, weechat, znc, hexchat (default: detect)")
	urlPrefix := fs.String("url-prefix", "", "URL prefix of the archive, for links in the minutes")
	dialect := fs.String("dialect", "meetbot", "the commands' dialect: meetbot (#topic) or fedora (!topic, a Matrix room's)")
	inConsole := fs.Bool("tui", false, "play the log in the console instead of writing minutes (+/- speed, space pauses)")
	speed := fs.Float64("speed", 20, "with --tui: seconds of the log played per second")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: gavel replay [flags] LOG|DIR... [flags]\n\n"+
			"\"-\" reads standard input; a directory is searched for *.log.txt; \"--\" ends the flags.\n"+
			"Logs are replayed on every core; the files are synced once, at the end.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	logs, err := parseArgs(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if len(logs) == 0 {
		fmt.Fprintln(stderr, "gavel replay: name at least one log file, or - for standard input")
		return 2
	}
	st, ok := meeting.ParseStyle(*style)
	if !ok {
		fmt.Fprintf(stderr, "gavel replay: unknown --style %q (want default or zodbot)\n", *style)
		return 2
	}
	dia, ok := meeting.ParseDialect(*dialect)
	if !ok {
		fmt.Fprintf(stderr, "gavel replay: unknown --dialect %q (want meetbot or fedora)\n", *dialect)
		return 2
	}
	opts := replay.Options{Style: st, Channel: *channel, Format: logfile.Format(*format), URLPrefix: *urlPrefix, Out: *out, Dialect: dia}
	if *date != "" {
		d, err := time.Parse("2006-01-02", *date)
		if err != nil {
			fmt.Fprintf(stderr, "gavel replay: --date %q: want YYYY-MM-DD\n", *date)
			return 2
		}
		opts.Date = d
	}
	if *inConsole {
		return replayInConsole(ctx, logs, stdin, stderr, opts, *speed)
	}
	code := 0
	found, err := findLogs(logs, *out, func(err error) {
		fmt.Fprintf(stderr, "gavel replay: %v\n", err)
		code = 1
	}, func(err error) {
		fmt.Fprintf(stderr, "gavel replay: %v\n", err)
	})
	if err != nil {
		fmt.Fprintf(stderr, "gavel replay: %v\n", err)
		return 1
	}
	// One archive for every log, so that the replays know each other's
	// meetings and inputs. Files are renamed into place as they are
	// written, and synced all at once at the end: a sync per file would
	// bound the speed.
	opts.Batch = publish.NewBatch()
	opts.Archive = opts.Batch.Archive(opts.Out, opts.Style, opts.URLPrefix)
	// Many logs keep every core busy, one each: a meeting's files are
	// then written one after another, without more goroutines.
	opts.Archive.Serial = len(found) > 1 && runtime.GOMAXPROCS(0) > 1
	for i := range found {
		opts.Archive.KeepInputs(found[i].info)
		found[i].info = nil // the archive keeps what it needs of it
	}
	if os.Getenv("GOGC") == "" {
		// The live heap is small and flat (a few MiB however many
		// meetings): collecting it at 5x instead of 2x its size saves a
		// tenth of the CPU time of a regeneration.
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	if replayAll(ctx, found, stdin, stdout, stderr, opts) {
		code = 1
	}
	if err := opts.Archive.Close(); err != nil {
		fmt.Fprintf(stderr, "gavel replay: %v\n", err)
		code = 1
	}
	if err := opts.Batch.Sync(); err != nil {
		fmt.Fprintf(stderr, "gavel replay: %v\n", err)
		code = 1
	}
	return code
}

// logArg is one log to replay.
type logArg struct {
	path  string
	info  os.FileInfo // nil for "-" and for what could not be read
	found bool        // found in a directory (then a regular file)
	stub  string      // the log of the meeting it is a rename stub of (see replay.Stubs), or ""
	stubs []string    // the rename stubs of its meetings
}

// findLogs replaces each directory among the arguments by the logs in it
// and below it (*.log.txt, in lexical order; hidden names and the output
// directory out skipped, unless out is the directory itself: then the
// archive is regenerated in place). What is not a regular file there (a
// FIFO, a symbolic link leading nowhere) is skipped and told to skip.
// zodbot's rename stubs are marked (see replay.Stubs). A directory
// without logs is an error given to fail; err is for a directory that
// could not be read.
func findLogs(args []string, out string, fail, skip func(error)) ([]logArg, error) {
	var logs []logArg
	// filepath.Abs asks the system for the working directory each time
	// (two stats): ask once, for every log of a large archive.
	wd, wdErr := os.Getwd()
	abs := func(p string) (string, error) {
		if filepath.IsAbs(p) {
			return filepath.Clean(p), nil
		}
		if wdErr != nil {
			return "", wdErr
		}
		return filepath.Join(wd, p), nil
	}
	outAbs, _ := abs(out)

	for _, a := range args {
		st, err := os.Stat(a)
		if a == "-" || err != nil || !st.IsDir() {
			logs = append(logs, logArg{path: a, info: st}) // replayOne reports a missing file
			continue
		}
		n := len(logs)
		err = filepath.WalkDir(a, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if path != a && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.IsDir() && path != a {
				if p, err := abs(path); err == nil && p == outAbs {
					return filepath.SkipDir // the minutes being written
				}
			}
			if d.IsDir() || !strings.HasSuffix(d.Name(), ".log.txt") {
				return nil
			}
			st, err := os.Stat(path) // through a symbolic link
			switch {
			case err != nil && d.Type()&fs.ModeSymlink != 0:
				skip(fmt.Errorf("%s: skipped: a symbolic link to nothing (%v)", path, err))
			case err != nil:
				skip(fmt.Errorf("%s: skipped: %v", path, err))
			case !st.Mode().IsRegular():
				skip(fmt.Errorf("%s: skipped: not a regular file (%s)", path, fileKind(st.Mode())))
			default:
				logs = append(logs, logArg{path: path, info: st, found: true})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		if len(logs) == n {
			fail(fmt.Errorf("%s: no *.log.txt in it", a))
		}
	}
	// A log named twice (a directory and a log in it, say) is replayed
	// once: one set of files.
	seen := map[string]bool{}
	logs = slices.DeleteFunc(logs, func(l logArg) bool {
		p, err := abs(l.path)
		if l.path == "-" || err != nil {
			return false
		}
		dup := seen[p]
		seen[p] = true
		return dup
	})
	paths := make([]string, len(logs))
	for i, l := range logs {
		paths[i] = l.path
	}
	for stub, of := range replay.Stubs(paths) {
		logs[stub].stub = logs[of].path
		logs[of].stubs = append(logs[of].stubs, logs[stub].path)
	}
	for i := range logs {
		slices.Sort(logs[i].stubs)
	}
	return logs, nil
}

// fileKind names what a file that is not a regular one is.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m.IsDir():
		return "a directory"
	}
	return m.Type().String()
}

// replayAll replays the logs on every core, printing what each does as if
// they had been replayed one after another. It reports whether any failed.
// When ctx ends (a signal) it starts no more logs, lets those running stop
// (their meetings not written are left out, partial files removed), and
// says how many were replayed.
func replayAll(ctx context.Context, logs []logArg, stdin io.Reader, stdout, stderr io.Writer, opts replay.Options) (failed bool) {
	workers := max(1, min(runtime.GOMAXPROCS(0), len(logs)))
	o := newOrdered(stdout, stderr, 4*workers)
	var mu sync.Mutex
	var total replayTotals
	// Each worker takes the next log itself: handing logs out from one
	// goroutine cost a switch per log, and on a busy machine a worker
	// waited for that goroutine to be scheduled.
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= len(logs) {
					return
				}
				o.Start(i)
				if ctx.Err() != nil {
					o.End(i) // not started: those waiting behind it go on (to stop)
					return
				}
				out, errw := o.Writers(i)
				var t replayTotals
				var err error
				if logs[i].stub != "" {
					t.stubs = 1
					fmt.Fprintf(out, "%s: the stub zodbot leaves when a meeting is renamed (#meetingname), part of %s: skipped\n", logs[i].path, logs[i].stub)
				} else {
					t, err = replayOne(ctx, logs[i], stdin, out, opts)
				}
				interrupted := err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err())
				if err != nil && !interrupted {
					fmt.Fprintf(errw, "gavel replay: %v\n", err)
				}
				o.End(i)
				mu.Lock()
				total.add(t, err, interrupted)
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(logs) > 1 || total.interrupted > 0 {
		fmt.Fprintf(stdout, "%d logs: %d meeting(s), %d file(s) written", total.logs-total.interrupted, total.meetings, total.files)
		if total.stubs > 0 {
			fmt.Fprintf(stdout, ", %d rename stub(s) skipped", total.stubs)
		}
		if total.failed > 0 {
			fmt.Fprintf(stdout, ", %d log(s) failed", total.failed)
		}
		fmt.Fprintln(stdout)
	}
	if ctx.Err() != nil {
		fmt.Fprintf(stderr, "gavel replay: interrupted: %d of %d logs replayed, their files synced; run it again for the rest\n",
			total.logs-total.interrupted, len(logs))
		return true
	}
	return total.failed > 0
}

// replayTotals counts what replayAll did.
type replayTotals struct{ logs, meetings, files, failed, stubs, interrupted int }

func (t *replayTotals) add(one replayTotals, err error, interrupted bool) {
	t.logs++
	t.meetings += one.meetings
	t.files += one.files
	t.stubs += one.stubs
	switch {
	case interrupted:
		t.interrupted++
	case err != nil:
		t.failed++
	}
}

// replayOne replays one log, printing each file as its meeting is written
// and a summary.
func replayOne(ctx context.Context, log logArg, stdin io.Reader, stdout io.Writer, opts replay.Options) (_ replayTotals, err error) {
	var t replayTotals
	name := log.path
	r := stdin
	if name != "-" {
		f, oerr := openInput(ctx, log)
		if oerr != nil {
			return t, oerr
		}
		defer f.Close()
		if st, serr := f.Stat(); serr == nil && !st.Mode().IsRegular() {
			// A pipe may never say more: a signal ends the wait (what
			// the replay then says of the closed pipe is the signal).
			stop := context.AfterFunc(ctx, func() { f.Close() })
			defer func() {
				if !stop() && err != nil {
					err = fmt.Errorf("%s: %w", name, ctx.Err())
				}
			}()
		}
		r = f
	}
	// A meeting's lines go out at once.
	var lines []byte
	opts.Files = func(files []publish.File) {
		t.files += len(files)
		lines = lines[:0]
		for _, f := range files {
			// f.Path is under --out, as given (cleaned).
			lines = append(append(lines, "wrote "...), f.Path...)
			lines = append(strconv.AppendInt(append(lines, " ("...), f.Bytes, 10), " bytes)"...)
			if f.URL != "" && opts.URLPrefix != "" {
				lines = append(append(lines, ' '), f.URL...)
			}
			lines = append(lines, '\n')
		}
		stdout.Write(lines)
	}
	for _, stub := range log.stubs {
		if st, serr := os.Stat(stub); serr == nil {
			opts.Stubs = append(opts.Stubs, st)
		}
	}
	res, err := replay.Reader(ctx, r, name, opts)
	t.meetings = res.Meetings
	if err != nil {
		return t, err
	}
	s := res.Stats
	summary := fmt.Sprintf("%s: %d lines read, %d meeting(s)", name, s.Lines, res.Meetings)
	if s.Skipped > 0 {
		nums := make([]string, 0, maxSkippedShown)
		for i, n := range s.SkippedLines {
			if i == maxSkippedShown {
				break
			}
			nums = append(nums, fmt.Sprint(n))
		}
		summary += fmt.Sprintf(", %d line(s) not read (lines %s", s.Skipped, strings.Join(nums, ", "))
		if s.Skipped > len(nums) {
			summary += ", ..."
		}
		summary += ")"
	}
	if res.Unfinished > 0 {
		summary += fmt.Sprintf(", %d meeting(s) without #endmeeting published up to the last line", res.Unfinished)
	}
	switch {
	case res.Meetings == 0 && len(res.BareStarts) > 0:
		summary += fmt.Sprintf("; no meeting started: Fedora's MeetBot (--style zodbot) needs a meeting topic, and the #startmeeting at %s has none"+
			" (write '#startmeeting <topic>', or replay in the default style), nothing written", res.BareStarts[0].Format("15:04:05"))
	case res.Meetings == 0:
		summary += "; no #startmeeting found, nothing written"
	}
	fmt.Fprintln(stdout, summary)
	return t, nil
}

// openInput opens a log to replay. One found in a directory must still be
// a regular file (it is opened without waiting on a FIFO); one named on
// the command line may be a pipe (<(zcat log.gz)), and waiting for its
// writer ends with ctx.
func openInput(ctx context.Context, log logArg) (*inputFile, error) {
	if log.found {
		f, err := openNonblocking(log.path)
		if err != nil {
			return nil, err
		}
		st, err := f.Stat()
		if err != nil || !st.Mode().IsRegular() {
			f.Close()
			if err == nil {
				err = fmt.Errorf("%s: not a regular file (%s)", log.path, fileKind(st.Mode()))
			}
			return nil, err
		}
		return &inputFile{f, st}, nil
	}
	type opened struct {
		f   *os.File
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		f, err := os.Open(log.path)
		ch <- opened{f, err}
	}()
	select {
	case o := <-ch:
		if o.err != nil {
			return nil, o.err
		}
		st, err := o.f.Stat()
		if err != nil {
			o.f.Close()
			return nil, err
		}
		return &inputFile{o.f, st}, nil
	case <-ctx.Done():
		go func() { // the open may still succeed: close what it opens
			if o := <-ch; o.f != nil {
				o.f.Close()
			}
		}()
		return nil, fmt.Errorf("%s: %w", log.path, ctx.Err())
	}
}

// inputFile is a log opened to replay, with what it was when opened: the
// replay and the log reader ask (see replay.Reader).
type inputFile struct {
	*os.File
	st os.FileInfo
}

func (f *inputFile) Stat() (os.FileInfo, error) { return f.st, nil }

// replayInConsole plays one log in the console, panes filling as it goes.
func replayInConsole(ctx context.Context, names []string, stdin io.Reader, stderr io.Writer, opts replay.Options, speed float64) int {
	if len(names) != 1 {
		fmt.Fprintln(stderr, "gavel replay --tui: name exactly one log")
		return 2
	}
	r := stdin
	if names[0] != "-" {
		f, err := os.Open(names[0])
		if err != nil {
			fmt.Fprintln(stderr, "gavel replay:", err)
			return 1
		}
		defer f.Close()
		r = f
	}
	m, err := tui.NewDemo(r, names[0], tui.DemoOptions{
		Options: tui.Options{Style: opts.Style, Context: ctx},
		Channel: opts.Channel, Date: opts.Date, Format: opts.Format, Speed: speed,
	})
	if err != nil {
		fmt.Fprintln(stderr, "gavel replay:", err)
		return 1
	}
	_, err = tui.Run(ctx, m, false)
	return exitCode(stderr, err)
}
