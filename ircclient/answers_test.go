package ircclient

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// drain pops every line the writer would send, in order.
func drain(c *Client) []string {
	var out []string
	for l, ok := c.sendq.pop(c.buildAnswer); ok; l, ok = c.sendq.pop(c.buildAnswer) {
		out = append(out, strings.TrimSuffix(string(l.b), "\r\n"))
	}
	return out
}

// TestAnswerLanes: high-lane lines go before every waiting answer, the same
// key asked again while queued is one line to every asker, an asker gets
// at most two answers waiting.
func TestAnswerLanes(t *testing.T) {
	c, _ := offline(t)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(c.Answer("#meet", ".fas alice", "bob", []string{"alice is Alice Anders"}))
	must(c.Answer("#MEET", ".fas alice", "Carol", []string{"alice is Alice Anders"}))
	must(c.Answer("#meet", ".fas alice", "BOB", []string{"alice is Alice Anders"})) // already in that line
	must(c.Answer("#meet", ".fas x", "dave", []string{"x is X", "second line"}))
	must(c.Answer("#meet", ".fas y", "dave", []string{"y is Y"}))
	if err := c.Answer("#meet", ".fas z", "Dave", []string{"z is Z"}); !errors.Is(err, ErrAskerBusy) {
		t.Fatalf("third answer for dave: %v, want ErrAskerBusy", err)
	}
	must(c.Answer("#meet", ".fas y", "erin", []string{"y is Y"})) // coalesces with dave's, dave's count unchanged
	must(c.Say("#meet", "#topic chair first"))
	must(c.SetTopic("#meet", "chair first"))
	if c.QueueLen() != 6 {
		t.Errorf("QueueLen %d, want 6", c.QueueLen())
	}
	got := drain(c)
	want := []string{
		"PRIVMSG #meet :#topic chair first",
		"TOPIC #meet :chair first",
		"PRIVMSG #meet :bob, Carol: alice is Alice Anders",
		"PRIVMSG #meet :dave: x is X",
		"PRIVMSG #meet :dave: second line",
		"PRIVMSG #meet :dave, erin: y is Y",
	}
	if !slices.Equal(got, want) {
		t.Errorf("sent\n %q\nwant\n %q", got, want)
	}
	// Sent answers no longer count: dave may ask again.
	must(c.Answer("#meet", ".fas z", "dave", []string{"z is Z"}))
	drain(c)
}

// TestAnswerCoalesceLimits: no coalescing once the answer's first line is
// taken, after CoalesceWindow, in another channel, or when the addressed
// line would no longer fit.
func TestAnswerCoalesceLimits(t *testing.T) {
	c, _ := offline(t)
	c.Answer("#meet", "k", "a1", []string{"answer"})
	c.Answer("#other", "k", "a2", []string{"answer"})
	c.sendq.answers[0].asked = time.Now().Add(-CoalesceWindow)
	c.Answer("#meet", "k", "a3", []string{"answer"})
	budget := textBudget(c.prefixLen(), "PRIVMSG", "#meet")
	long := strings.Repeat("x", budget-len("a4: "))
	c.Answer("#meet", "long", "a4", []string{long})
	c.Answer("#meet", "long", "a5", []string{long})
	got := drain(c)
	want := []string{
		"PRIVMSG #meet :a1: answer", "PRIVMSG #other :a2: answer", "PRIVMSG #meet :a3: answer",
		"PRIVMSG #meet :a4: " + long, "PRIVMSG #meet :a5: " + long,
	}
	if !slices.Equal(got, want) {
		t.Errorf("sent\n %q\nwant\n %q", got, want)
	}
	c.Answer("#meet", "k", "b1", []string{"one", "two"})
	if l, _ := c.sendq.pop(c.buildAnswer); string(l.b) != "PRIVMSG #meet :b1: one\r\n" {
		t.Fatalf("first line %q", l.b)
	}
	c.Answer("#meet", "k", "b2", []string{"one", "two"}) // the answer is being sent: queued again
	if got := drain(c); !slices.Equal(got, []string{"PRIVMSG #meet :b1: two", "PRIVMSG #meet :b2: one", "PRIVMSG #meet :b2: two"}) {
		t.Errorf("sent %q", got)
	}
}

// TestLagIsQueueDelay: Lag is how long the oldest high-lane line has
// waited (answers do not count), or the ping round trip when larger.
func TestLagIsQueueDelay(t *testing.T) {
	c, _ := offline(t)
	c.lag.Store(int64(40 * time.Millisecond))
	if c.Lag() != 40*time.Millisecond {
		t.Errorf("idle Lag %v, want the ping round trip", c.Lag())
	}
	c.Answer("#meet", "k", "bob", []string{"answer"})
	if c.Lag() != 40*time.Millisecond {
		t.Errorf("Lag %v with only an answer waiting", c.Lag())
	}
	c.Say("#meet", "chair line")
	c.sendq.items[c.sendq.head].queued = time.Now().Add(-3 * time.Second)
	if lag := c.Lag(); lag < 3*time.Second {
		t.Errorf("Lag %v with a line waiting 3 s", lag)
	}
	drain(c)
	if c.Lag() != 40*time.Millisecond {
		t.Errorf("Lag %v after the queue drained", c.Lag())
	}
}
