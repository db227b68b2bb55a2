package live

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"testing"

	"gavel/ircclient"
	"gavel/meeting"
	"gavel/meeting/publish"
)

// ircChild runs gavel on IRC (client, adapter, controller with journal and
// archive) from the environment and prints "joined" and "seen <nick>
// <text>" for each line, played back or live, once its batch is handled
// (journalled), until it is killed.
func ircChild() int {
	env := os.Getenv
	port, _ := strconv.Atoi(env("PORT"))
	client, err := ircclient.New(gavelConfig(port, env("PASS"), env("NICK"), env("CHANNEL")), nil)
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go client.Run(ctx)
	net := NewIRC(client)
	ctrl, err := New(Config{Network: net, Archive: publish.New(env("ARCHIVE"), meeting.StyleDefault, ""), JournalDir: env("JOURNAL")})
	if err != nil {
		fmt.Println("error", err)
		return 1
	}
	out := bufio.NewWriter(os.Stdout)
	for {
		batch, open := net.Next(ctx, 256)
		ctrl.HandleBatch(batch)
		for _, ev := range batch {
			switch ev := ev.(type) {
			case Join:
				if ev.From.Self {
					fmt.Fprintln(out, "joined")
				}
			case Message:
				fmt.Fprintf(out, "seen %s %s\n", ev.From.Nick, ev.Text)
			}
		}
		out.Flush()
		if !open {
			return 0
		}
	}
}

// startIRCChild starts gavel on IRC in a child process and waits for its
// JOIN; it is killed in cleanup.
func startIRCChild(t *testing.T, env ...string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), append(env, "GAVEL_IRC_CHILD=1")...)
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

// kill ends the child with SIGKILL.
func (c *child) kill(t *testing.T) {
	t.Helper()
	if err := c.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	c.cmd.Wait()
}
