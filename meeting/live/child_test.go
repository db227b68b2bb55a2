package live

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"gavel/meeting"
	"gavel/meeting/publish"
)

// childEnv names the network a child process runs gavel on ("irc" or
// "matrix"); unset, the test binary runs the tests.
const childEnv = "GAVEL_LIVE_CHILD"

// TestMain lets the test binary be gavel in a child process, so that a
// test can kill it with SIGKILL.
func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "irc":
		os.Exit(ircChild()) // gapkill_test.go
	case "matrix":
		os.Exit(matrixChild()) // matrixkill_test.go
	}
	os.Exit(m.Run())
}

// runChild is the child's gavel on net: the controller (journal and
// archive from the environment) driven by Drive, as headless mode runs
// it, with a presenter that prints to stdout "joined" for our own join,
// "seen <nick> <text>" for each line (played-back ones too when history
// is set) and "update <kind> <text>" when a meeting is resumed or
// published, each once its batch is handled (journalled). It returns when
// the network stops; a test ends it with SIGKILL.
func runChild(ctx context.Context, net Network, history bool) int {
	env := os.Getenv
	ctrl, err := New(Config{Network: net, Archive: publish.New(env("ARCHIVE"), meeting.StyleDefault, ""), JournalDir: env("JOURNAL")})
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	Drive(ctx, net, ctrl, &mu, 256, nil, func(batch []Event, ups []Update) {
		for _, up := range ups {
			if up.Kind == UpdateResumed || up.Kind == UpdatePublished {
				fmt.Fprintf(out, "update %d %s\n", up.Kind, strings.ReplaceAll(up.Text, "\n", " "))
			}
		}
		for _, ev := range batch {
			switch ev := ev.(type) {
			case Join:
				if ev.From.Self {
					fmt.Fprintln(out, "joined")
				}
			case Message:
				if history || !ev.History {
					fmt.Fprintf(out, "seen %s %s\n", ev.From.Nick, ev.Text)
				}
			}
		}
		out.Flush()
	})
	return 0
}

// child is gavel in a child process.
type child struct {
	cmd   *exec.Cmd
	lines chan string
}

// startChild starts gavel on network ("irc" or "matrix") in a child
// process, with env added to the environment, and waits for its join; it
// is killed in cleanup.
func startChild(t *testing.T, network string, env []string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), append(env, childEnv+"="+network)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := &child{cmd: cmd, lines: make(chan string, 1<<12)}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
		close(c.lines)
	}()
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	c.wait(t, "joined")
	return c
}

// wait reads the child's lines until want.
func (c *child) wait(t *testing.T, want string) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		select {
		case l, ok := <-c.lines:
			if !ok {
				t.Fatalf("gavel exited before %q", want)
			}
			if l == want {
				return
			}
		case <-deadline:
			t.Fatalf("gavel never printed %q", want)
		}
	}
}

// kill ends the child with SIGKILL.
func (c *child) kill(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	c.cmd.Wait()
}
