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
	"strings"
	"sync"
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
	logs, err = findLogs(logs, *out, func(err error) {
		fmt.Fprintf(stderr, "gavel replay: %v\n", err)
		code = 1
	})
	if err != nil {
		fmt.Fprintf(stderr, "gavel replay: %v\n", err)
		return 1
	}
	// Files are renamed into place as they are written, and synced all
	// at once at the end: a sync per file would bound the speed.
	opts.Batch = publish.NewBatch()
	if replayAll(ctx, logs, stdin, stdout, stderr, opts) {
		code = 1
	}
	if err := opts.Batch.Sync(); err != nil {
		fmt.Fprintf(stderr, "gavel replay: %v\n", err)
		code = 1
	}
	return code
}

// findLogs replaces each directory among the arguments by the logs in it
// and below it (*.log.txt, in lexical order; hidden names and the output
// directory out skipped). A directory without logs is an error given to
// fail; err is for a directory that could not be read.
func findLogs(args []string, out string, fail func(error)) ([]string, error) {
	var logs []string
	outAbs, _ := filepath.Abs(out)
	for _, a := range args {
		st, err := os.Stat(a)
		if a == "-" || err != nil || !st.IsDir() {
			logs = append(logs, a) // replayOne reports a missing file
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
				if abs, err := filepath.Abs(path); err == nil && abs == outAbs {
					return filepath.SkipDir // the minutes being written
				}
			}
			if !d.IsDir() && strings.HasSuffix(d.Name(), ".log.txt") {
				logs = append(logs, path)
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
	return logs, nil
}

// replayAll replays the logs on every core, printing what each does as if
// they had been replayed one after another. It reports whether any failed.
func replayAll(ctx context.Context, logs []string, stdin io.Reader, stdout, stderr io.Writer, opts replay.Options) (failed bool) {
	workers := max(1, min(runtime.GOMAXPROCS(0), len(logs)))
	o := newOrdered(stdout, stderr, 4*workers)
	var mu sync.Mutex
	var total replayTotals
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range jobs {
				out, errw := o.Writers(i)
				t, err := replayOne(ctx, logs[i], stdin, out, opts)
				if err != nil {
					fmt.Fprintf(errw, "gavel replay: %v\n", err)
				}
				o.End(i)
				mu.Lock()
				total.add(t, err)
				mu.Unlock()
			}
		})
	}
	for i := range logs {
		o.Start(i)
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	if len(logs) > 1 {
		fmt.Fprintf(stdout, "%d logs: %d meeting(s), %d file(s) written", total.logs, total.meetings, total.files)
		if total.failed > 0 {
			fmt.Fprintf(stdout, ", %d log(s) failed", total.failed)
		}
		fmt.Fprintln(stdout)
	}
	return total.failed > 0
}

// replayTotals counts what replayAll did.
type replayTotals struct{ logs, meetings, files, failed int }

func (t *replayTotals) add(one replayTotals, err error) {
	t.logs++
	t.meetings += one.meetings
	t.files += one.files
	if err != nil {
		t.failed++
	}
}

// replayOne replays one log, printing each file as its meeting is written
// and a summary.
func replayOne(ctx context.Context, name string, stdin io.Reader, stdout io.Writer, opts replay.Options) (replayTotals, error) {
	var t replayTotals
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return t, err
		}
		defer f.Close()
		r = f
	}
	opts.Files = func(files []publish.File) {
		t.files += len(files)
		for _, f := range files {
			rel, rerr := filepath.Rel(opts.Out, f.Path)
			if rerr != nil {
				rel = f.Path
			}
			line := fmt.Sprintf("wrote %s (%d bytes)", filepath.Join(opts.Out, rel), f.Bytes)
			if f.URL != "" && opts.URLPrefix != "" {
				line += " " + f.URL
			}
			fmt.Fprintln(stdout, line)
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
