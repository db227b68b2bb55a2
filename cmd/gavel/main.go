// Command gavel is a terminal console for people who chair IRC meetings.
//
//	gavel                       the console (an offline demo without configuration)
//	gavel replay [flags] LOG…   regenerate minutes from meeting logs
//	gavel lookup CMD ARGS…      account, package and mirror lookups
//
// A subcommand's flags may come before or after its arguments, and "--"
// ends them; the console's flags come alone (`gavel [flags]`).
//
// This package only parses flags and dispatches; the work lives in the
// meeting, backend, ircclient and tui packages.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

const usage = `gavel: a console for chairing IRC meetings

Usage:
  gavel [flags]                 the console: live with a configured server, else
                                an offline demo (run "gavel -h" for the flags)
  gavel replay [flags] LOG...   regenerate minutes from meeting logs ("-" reads stdin,
                                a directory is searched for *.log.txt)
  gavel lookup CMD ARGS...      fas, fasinfo, members, sponsors, whoowns, what,
                                branches, sources, lookaside, mirrors
  gavel version                 the version
  gavel help                    this text

A command's flags go before or after its arguments; "--" ends them.
Run "gavel replay -h" and "gavel lookup -h" for their flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run dispatches a command line; it returns the process exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || (args[0] != "" && args[0][0] == '-') {
		return runConsole(ctx, args, stdout, stderr)
	}
	switch args[0] {
	case "replay":
		return runReplay(ctx, args[1:], stdin, stdout, stderr)
	case "lookup":
		return runLookup(ctx, args[1:], stdout, stderr)
	case "help":
		fmt.Fprint(stdout, usage)
		return 0
	case "version":
		fmt.Fprintln(stdout, "gavel", version())
		return 0
	}
	fmt.Fprintf(stderr, "gavel: unknown command %q\n\n%s", args[0], usage)
	return 2
}

// version is the module version the binary was built from.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "(" + s.Value[:12] + ")"
			}
		}
		return bi.Main.Version
	}
	return "(unknown)"
}
