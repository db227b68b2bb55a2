package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
)

// parseArgs parses a subcommand's command line, where flags may come
// before, between and after the arguments ("gavel replay LOG --out DIR"),
// and "--" ends the flags: everything after it is an argument, even when it
// starts with "-". A lone "-" (standard input) is an argument. It returns
// the arguments in the order given.
//
// Go's flag package stops at the first argument that is not a flag; here
// the command line is first split into flags (with the values of the flags
// that take one) and arguments, and the flags are then parsed in one go,
// so that errors and -h behave as the flag package's do.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		if takesValue(fs, a) && i+1 < len(args) {
			i++
			flags = append(flags, args[i])
		}
	}
	if err := fs.Parse(flags); err != nil {
		return nil, err
	}
	// Only flags were given to Parse, so nothing is left over; keep
	// anything that is, rather than drop it.
	return append(pos, fs.Args()...), nil
}

// takesValue reports whether the flag argument a ("-x", "--x") is a
// defined flag that takes its value from the next argument: not a boolean
// flag, and not written "--x=value". Unknown flags take none (Parse then
// reports them).
func takesValue(fs *flag.FlagSet, a string) bool {
	name := strings.TrimPrefix(strings.TrimPrefix(a, "-"), "-")
	if strings.Contains(name, "=") {
		return false
	}
	f := fs.Lookup(name)
	if f == nil {
		return false
	}
	if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
		return false
	}
	return true
}

// subcommands are the words run dispatches on.
var subcommands = []string{"replay", "lookup", "version", "help"}

// consoleArgsError reports arguments left after the console's flags:
// `gavel [flags]` takes none, and a subcommand's flags go after its name.
func consoleArgsError(stderr io.Writer, args []string) int {
	for _, s := range subcommands {
		if args[0] == s {
			fmt.Fprintf(stderr, "gavel: the console's flags do not go before %q: write \"gavel %s [flags] ...\"\n", s, s)
			return 2
		}
	}
	fmt.Fprintf(stderr, "gavel: unexpected argument %q (the console takes flags only; run \"gavel help\")\n", args[0])
	return 2
}
