package main

// "gavel lookup": the router's lookups on the command line, printed as a
// table or, with --json, as JSON for scripts.

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

// Exit codes of "gavel lookup".
const (
	lookupOK     = 0
	lookupFailed = 1 // the lookup failed (not found, service error)
	lookupUsage  = 2
)

// runLookup executes "gavel lookup <cmd> <args...> [flags]"; args excludes
// the word "lookup". Flags may come before, between or after the
// arguments, and "--" ends them. The services and offline mode come from
// the configuration file's [backend] section and "offline" key, which the
// flags override. Everything printed is cleaned of control codes, the
// services' own error messages included.
func runLookup(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("gavel lookup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f backend.Config
	configPath := fs.String("config", "", "configuration file (default $XDG_CONFIG_HOME/gavel/config.toml)")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	channel := fs.String("channel", "", "print the channel reply addressed to this nick instead of a table")
	fs.BoolVar(&f.Offline, "offline", false, "answer from the embedded offline snapshot only")
	fs.BoolVar(&f.NoFallback, "no-fallback", false, "do not fall back to the offline snapshot when a service does not answer")
	fs.StringVar(&f.FASURL, "fas-url", "", "FASJSON base URL")
	fs.StringVar(&f.DistGitURL, "distgit-url", "", "dist-git (Pagure) base URL")
	fs.StringVar(&f.MdapiURL, "mdapi-url", "", "mdapi base URL")
	fs.StringVar(&f.LookasideURL, "lookaside-url", "", "lookaside cache base URL")
	fs.StringVar(&f.MirrorsURL, "mirrors-url", "", "MirrorManager (mirrorlist/metalink) base URL")
	fs.DurationVar(&f.Timeout, "timeout", 0, "timeout of each request (default: the config file's, else 5s)")
	verbose := fs.Bool("v", false, "log requests to stderr")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: gavel lookup <command> <args...> [--json] [--offline] [--fas-url URL] ...")
		fmt.Fprintln(stderr, "commands: fas, fasinfo, hellomynameis, himynameis, localtime, wikilink, group, members, sponsors, admins,")
		fmt.Fprintln(stderr, "          whoowns, what, branches, sources <pkg> [branch], lookaside <pkg> <file>, mirrors <repo> <arch> [country]")
		fs.PrintDefaults()
	}
	pos, err := parseArgs(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return lookupOK
		}
		return lookupUsage
	}
	if len(pos) == 0 {
		fs.Usage()
		return lookupUsage
	}
	path, explicit := *configPath, *configPath != ""
	if !explicit {
		path = defaultConfigPath()
	}
	file, _, err := loadConfig(path, explicit)
	if err != nil {
		fmt.Fprintln(stderr, "gavel lookup:", err)
		return lookupUsage
	}
	cfg := lookupConfig(file, f)
	if *verbose {
		cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	r, err := backend.New(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "gavel lookup:", backend.Clean(err.Error()))
		return lookupFailed
	}
	if *channel != "" {
		replies, ok := r.Channel(ctx, *channel, "."+strings.Join(pos, " "))
		if !ok {
			fmt.Fprintf(stderr, "gavel lookup: unknown command %q\n", backend.Clean(pos[0]))
			return lookupUsage
		}
		for _, l := range replies {
			fmt.Fprintln(stdout, l)
		}
		return lookupOK
	}
	res, err := r.Lookup(ctx, pos[0], pos[1:])
	if err != nil {
		// A service's own message is quoted in the error: it may hold
		// anything, terminal escapes included.
		msg := backend.Clean(err.Error())
		if *asJSON {
			enc := json.NewEncoder(stdout)
			_ = enc.Encode(map[string]string{"error": msg})
		}
		fmt.Fprintln(stderr, msg)
		if strings.HasPrefix(msg, "usage:") || strings.HasPrefix(msg, "unknown lookup") {
			return lookupUsage
		}
		return lookupFailed
	}
	res.Note = backend.Clean(res.Note)
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			fmt.Fprintln(stderr, "gavel lookup:", err)
			return lookupFailed
		}
		return lookupOK
	}
	writeTable(stdout, res)
	return lookupOK
}

// lookupConfig is the router's configuration: the file's, with what the
// flags set on top.
func lookupConfig(file config, flags backend.Config) backend.Config {
	b := file.Backend
	cfg := backend.Config{
		FASURL: b.FASURL, DistGitURL: b.DistGitURL, MdapiURL: b.MdapiURL, LookasideURL: b.LookasideURL,
		MirrorsURL: b.MirrorsURL, Offline: file.Offline || flags.Offline, NoFallback: flags.NoFallback,
		Timeout: b.Timeout.Duration,
	}
	for _, o := range []struct {
		dst *string
		v   string
	}{
		{&cfg.FASURL, flags.FASURL}, {&cfg.DistGitURL, flags.DistGitURL}, {&cfg.MdapiURL, flags.MdapiURL},
		{&cfg.LookasideURL, flags.LookasideURL}, {&cfg.MirrorsURL, flags.MirrorsURL},
	} {
		if o.v != "" {
			*o.dst = o.v
		}
	}
	if flags.Timeout > 0 {
		cfg.Timeout = flags.Timeout
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 5 * time.Second
	}
	return cfg
}

// writeTable prints a result as an aligned text table with its title and
// source.
func writeTable(w io.Writer, res backend.Result) {
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
