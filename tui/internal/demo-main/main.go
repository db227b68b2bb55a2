// Command demo-main runs the console's offline demo; the tmux smoke test
// (tui/testdata/tmux-smoke.sh) drives it. The real binary is cmd/gavel.
package main

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"gavel/tui"
)

func main() {
	speed := 20.0
	if s := os.Getenv("GAVEL_DEMO_SPEED"); s != "" {
		speed, _ = strconv.ParseFloat(s, 64)
	}
	var (
		m   *tui.Model
		err error
	)
	if len(os.Args) > 1 {
		f, ferr := os.Open(os.Args[1])
		if ferr != nil {
			fmt.Fprintln(os.Stderr, ferr)
			os.Exit(1)
		}
		defer f.Close()
		m, err = tui.NewDemo(f, os.Args[1], tui.DemoOptions{Speed: speed})
	} else {
		m, err = tui.NewSeedDemo(tui.DemoOptions{Speed: speed})
	}
	if err == nil {
		_, err = tui.Run(context.Background(), m, false)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
