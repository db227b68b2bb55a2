// Package cli implements "gavel lookup": the router's lookups on the
// command line, printed as a table or, with --json, as JSON for scripts.
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"text/tabwriter"
	"time"

	"gavel/backend"
)

// Exit codes.
const (
	ExitOK     = 0
	ExitFailed = 1 // the lookup failed (not found, service error)
	ExitUsage  = 2
)

// Run executes "gavel lookup <cmd> <args...> [flags]"; args excludes the
// word "lookup". Flags may come before, between or after the arguments.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gavel lookup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg backend.Config
	asJSON := fs.Bool("json", false, "print the result as JSON")
	channel := fs.String("channel", "", "print the channel reply addressed to this nick instead of a table")
	fs.BoolVar(&cfg.Offline, "offline", false, "answer from the embedded offline snapshot only")
	fs.BoolVar(&cfg.NoFallback, "no-fallback", false, "do not fall back to the offline snapshot when a service does not answer")
	fs.StringVar(&cfg.FASURL, "fas-url", "", "FASJSON base URL")
	fs.StringVar(&cfg.DistGitURL, "distgit-url", "", "dist-git (Pagure) base URL")
	fs.StringVar(&cfg.MdapiURL, "mdapi-url", "", "mdapi base URL")
	fs.StringVar(&cfg.LookasideURL, "lookaside-url", "", "lookaside cache base URL")
	fs.StringVar(&cfg.MirrorsURL, "mirrors-url", "", "MirrorManager (mirrorlist/metalink) base URL")
	fs.DurationVar(&cfg.Timeout, "timeout", 5*time.Second, "timeout of each request")
	verbose := fs.Bool("v", false, "log requests to stderr")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: gavel lookup <command> <args...> [--json] [--offline] [--fas-url URL] ...")
		fmt.Fprintln(stderr, "commands: fas, fasinfo, hellomynameis, himynameis, localtime, wikilink, group, members, sponsors, admins,")
		fmt.Fprintln(stderr, "          whoowns, what, branches, sources <pkg> [branch], lookaside <pkg> <file>, mirrors <repo> <arch> [country]")
		fs.PrintDefaults()
	}
	var pos []string
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return ExitOK
			}
			return ExitUsage
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
	if len(pos) == 0 {
		fs.Usage()
		return ExitUsage
	}
	if *verbose {
		cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	r, err := backend.New(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "gavel lookup:", err)
		return ExitFailed
	}
	if *channel != "" {
		replies, ok := r.Channel(ctx, *channel, "."+strings.Join(pos, " "))
		if !ok {
			fmt.Fprintf(stderr, "gavel lookup: unknown command %q\n", pos[0])
			return ExitUsage
		}
		for _, l := range replies {
			fmt.Fprintln(stdout, l)
		}
		return ExitOK
	}
	res, err := r.Lookup(ctx, pos[0], pos[1:])
	if err != nil {
		if *asJSON {
			enc := json.NewEncoder(stdout)
			_ = enc.Encode(map[string]string{"error": err.Error()})
		}
		fmt.Fprintln(stderr, err)
		if strings.HasPrefix(err.Error(), "usage:") || strings.HasPrefix(err.Error(), "unknown lookup") {
			return ExitUsage
		}
		return ExitFailed
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintln(stderr, "gavel lookup:", err)
			return ExitFailed
		}
		return ExitOK
	}
	WriteTable(stdout, res)
	return ExitOK
}

// WriteTable prints a result as an aligned text table with its title and
// source.
func WriteTable(w io.Writer, res backend.Result) {
	fmt.Fprintln(w, res.Title)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(res.Columns, "\t"))
	under := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		under[i] = strings.Repeat("-", len(c))
	}
	fmt.Fprintln(tw, strings.Join(under, "\t"))
	for _, row := range res.Rows {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = strings.ReplaceAll(c, "\t", " ")
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	_ = tw.Flush()
	fmt.Fprintf(w, "(%d rows; source: %s)\n", len(res.Rows), res.Source)
	if res.Note != "" {
		fmt.Fprintln(w, "note:", res.Note)
	}
}
