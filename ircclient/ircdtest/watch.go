package ircdtest

import (
	"context"
	"strings"
	"testing"
)

// Said reads a line from the server as one said in channel: the nick and
// text of a PRIVMSG to it.
func Said(line, channel string) (nick, text string, ok bool) {
	src, rest, ok := strings.Cut(strings.TrimPrefix(line, ":"), " ")
	if !ok {
		return "", "", false
	}
	nick, _, _ = strings.Cut(src, "!")
	text, ok = strings.CutPrefix(rest, "PRIVMSG "+channel+" :")
	return nick, text, ok
}

// Watcher is what one person sees said in a channel (Watch).
type Watcher struct {
	Nick  string        // who watches
	Lines <-chan string // "nick text" (and "nick JOIN"); closed with the connection
}

// Watch reads lc's lines in a goroutine until its connection ends (then
// Lines is closed), handing on "nick text" for each line said in channel
// and, with joins, "nick JOIN" for each join. Nothing else may read lc
// meanwhile.
func (lc *LineClient) Watch(channel string, joins bool) *Watcher {
	out := make(chan string, 4096)
	go func() {
		defer close(out)
		for {
			l, err := lc.ReadLine()
			if err != nil {
				return
			}
			if nick, text, ok := Said(l, channel); ok {
				out <- nick + " " + text
			} else if src, rest, ok := strings.Cut(strings.TrimPrefix(l, ":"), " "); ok && joins && strings.HasPrefix(rest, "JOIN ") {
				nick, _, _ := strings.Cut(src, "!")
				out <- nick + " JOIN"
			}
		}
	}()
	return &Watcher{Nick: lc.Nick, Lines: out}
}

// Until reads lines until one that match accepts (what names it) and
// returns every line read, that one last; the test fails if the
// connection ends or ctx is done first.
func (w *Watcher) Until(tb testing.TB, ctx context.Context, what string, match func(string) bool) []string {
	tb.Helper()
	var got []string
	for {
		select {
		case l, ok := <-w.Lines:
			if !ok {
				tb.Fatalf("%s was disconnected waiting for %s; saw %q", w.Nick, what, got)
			}
			got = append(got, l)
			if match(l) {
				return got
			}
		case <-ctx.Done():
			tb.Fatalf("%s never saw %s; saw %q", w.Nick, what, got)
		}
	}
}

// Joined dials addr as nick and joins each of channels, waiting for the
// end of its NAMES; the connection is closed in cleanup.
func Joined(tb testing.TB, ctx context.Context, addr, nick string, channels ...string) *LineClient {
	tb.Helper()
	lc, err := Dial(ctx, addr, nick)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { lc.Close() })
	for _, ch := range channels {
		if err := lc.Send("JOIN " + ch); err != nil {
			tb.Fatal(err)
		}
		if _, err := lc.WaitFor(func(l string) bool { return strings.Contains(l, " 366 ") }); err != nil {
			tb.Fatalf("%s joining %s: %v", nick, ch, err)
		}
	}
	return lc
}

// Expect reads lines until one that contains sub, and returns it; the
// test fails if the connection ends or its deadline passes first.
func (lc *LineClient) Expect(tb testing.TB, sub string) string {
	tb.Helper()
	l, err := lc.WaitFor(func(l string) bool { return strings.Contains(l, sub) })
	if err != nil {
		tb.Fatalf("%s waiting for %q: %v", lc.Nick, sub, err)
	}
	return l
}
