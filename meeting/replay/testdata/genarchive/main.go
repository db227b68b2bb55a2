// Command genarchive writes the generated archive of the replay tests and
// benchmarks (replaytest.Archive, and with -twins replaytest.Twins) under
// a directory, for timing "gavel replay" on it:
//
//	go run ./meeting/replay/testdata/genarchive -days 365 /dev/shm/in
package main

import (
	"flag"
	"fmt"
	"os"
	"testing"

	"gavel/meeting/replay/replaytest"
)

func main() {
	days := flag.Int("days", 365, "days of five meetings each")
	twins := flag.Int("twins", 0, "days that also get two meetings sharing a name and a minute (see replaytest.Twins)")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: genarchive [-days N] [-twins N] DIR")
		os.Exit(2)
	}
	n := 0
	failed := false
	// The generators report through a testing.TB: a benchmark run once
	// gives one.
	testing.Benchmark(func(b *testing.B) {
		if n > 0 {
			return
		}
		n = len(replaytest.Archive(b, flag.Arg(0), *days)) + len(replaytest.Twins(b, flag.Arg(0), *twins))
		failed = b.Failed()
	})
	if failed || n == 0 {
		fmt.Fprintln(os.Stderr, "genarchive: failed")
		os.Exit(1)
	}
	fmt.Printf("%d logs under %s\n", n, flag.Arg(0))
}
