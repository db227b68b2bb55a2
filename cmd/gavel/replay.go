package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"gavel/meeting"
	"gavel/meeting/logfile"
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
	channel := fs.String("channel", "", "the meeting's channel, e.g. '#fedora-meeting' (default: from the file name)")
	date := fs.String("date", "", "the meeting's date, YYYY-MM-DD (default: from the file name)")
	format := fs.String("format", "", "log format: meetbot, irssi, weechat, znc, hexchat (default: detect)")
	urlPrefix := fs.String("url-prefix", "", "URL prefix of the archive, for links in the minutes")
	inConsole := fs.Bool("tui", false, "play the log in the console instead of writing minutes (+/- speed, space pauses)")
	speed := fs.Float64("speed", 20, "with --tui: seconds of the log played per second")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: gavel replay [flags] LOG... [flags] (\"-\" reads standard input; \"--\" ends the flags)\n\nFlags:\n")
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
	opts := replay.Options{Style: st, Channel: *channel, Format: logfile.Format(*format), URLPrefix: *urlPrefix, Out: *out}
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
	for _, name := range logs {
		if err := replayOne(ctx, name, stdin, stdout, opts); err != nil {
			fmt.Fprintf(stderr, "gavel replay: %v\n", err)
			code = 1
		}
	}
	return code
}

func replayOne(ctx context.Context, name string, stdin io.Reader, stdout io.Writer, opts replay.Options) error {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		r = f
	}
	res, err := replay.Reader(ctx, r, name, opts)
	for _, f := range res.Files {
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
	if err != nil {
		return err
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
	if res.Meetings == 0 {
		summary += "; no #startmeeting found, nothing written"
	}
	fmt.Fprintln(stdout, summary)
	return nil
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
	m, err := tui.NewDemo(r, filepath.Base(names[0]), tui.DemoOptions{
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
