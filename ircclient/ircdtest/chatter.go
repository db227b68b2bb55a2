package ircdtest

import (
	"context"
	"fmt"
	"strings"
)

// Chatter keeps channels busy for soak tests and benchmarks: one
// connection in every channel, saying ordinary lines round-robin across
// them. What the server sends it is read and dropped.
type Chatter struct {
	lc       *LineClient
	channels []string
	said     int
	done     chan struct{}
	pongs    chan struct{}
	syncs    int
}

// NewChatter connects nick and joins channels (20 to a JOIN line),
// returning once the server has answered the last join.
func NewChatter(ctx context.Context, addr, nick string, channels []string) (*Chatter, error) {
	lc, err := Dial(ctx, addr, nick)
	if err != nil {
		return nil, err
	}
	for i := 0; i < len(channels); i += 20 {
		if err := lc.Send("JOIN " + strings.Join(channels[i:min(i+20, len(channels))], ",")); err != nil {
			lc.Close()
			return nil, err
		}
	}
	last := channels[len(channels)-1]
	if _, err := lc.WaitFor(func(l string) bool { return cmdOf(l) == "366" && strings.Contains(l, " "+last+" ") }); err != nil {
		lc.Close()
		return nil, fmt.Errorf("%s joining %d channels: %w", nick, len(channels), err)
	}
	c := &Chatter{lc: lc, channels: channels, done: make(chan struct{}), pongs: make(chan struct{}, 16)}
	go func() {
		defer close(c.done)
		for {
			l, err := lc.ReadLine()
			if err != nil {
				return
			}
			if cmdOf(l) == "PONG" && strings.Contains(l, ":chatter-sync") {
				c.pongs <- struct{}{}
			}
		}
	}()
	return c, nil
}

// Say sends n lines, each to the next channel in turn; every line differs
// (a count) and is some 90 bytes long, as ordinary chatter is.
func (c *Chatter) Say(n int) error {
	lines := make([]string, 0, min(n, 4096))
	for range n {
		ch := c.channels[c.said%len(c.channels)]
		lines = append(lines, fmt.Sprintf("PRIVMSG %s :line %d: about the builds, the mirrors and who reviews the next update", ch, c.said))
		c.said++
		if len(lines) == cap(lines) {
			if err := c.lc.SendAll(lines); err != nil {
				return err
			}
			lines = lines[:0]
		}
	}
	return c.lc.SendAll(lines)
}

// Sync returns once the server has taken every line sent so far (it
// answers a PING after the commands before it).
func (c *Chatter) Sync(ctx context.Context) error {
	c.syncs++
	if err := c.lc.Send(fmt.Sprintf("PING :chatter-sync%d", c.syncs)); err != nil {
		return err
	}
	select {
	case <-c.pongs:
		return nil
	case <-c.done:
		return fmt.Errorf("%s: disconnected", c.lc.Nick)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Line sends one line to one channel.
func (c *Chatter) Line(channel, text string) error {
	return c.lc.Send("PRIVMSG " + channel + " :" + text)
}

// Said is how many lines Say has sent.
func (c *Chatter) Said() int { return c.said }

// Close disconnects.
func (c *Chatter) Close() {
	c.lc.Close()
	<-c.done
}

// Chatters is one Chatter in each channel, so that the server's limits
// per connection do not bound the load.
type Chatters []*Chatter

// NewChatters connects one chatter (nick prefix plus a number) per
// channel, in parallel.
func NewChatters(ctx context.Context, addr, prefix string, channels []string) (Chatters, error) {
	cs := make(Chatters, len(channels))
	errs := make(chan error, len(channels))
	sem := make(chan struct{}, 32)
	for i, ch := range channels {
		go func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			c, err := NewChatter(ctx, addr, fmt.Sprintf("%s%d", prefix, i), []string{ch})
			cs[i] = c
			errs <- err
		}()
	}
	var first error
	for range channels {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	if first != nil {
		cs.Close()
		return nil, first
	}
	return cs, nil
}

// Say sends n lines spread evenly over the chatters (in parallel) and
// returns once the server has taken them all.
func (cs Chatters) Say(ctx context.Context, n int) error {
	errs := make(chan error, len(cs))
	for i, c := range cs {
		k := n / len(cs)
		if i < n%len(cs) {
			k++
		}
		go func() {
			if err := c.Say(k); err != nil {
				errs <- err
				return
			}
			errs <- c.Sync(ctx)
		}()
	}
	var first error
	for range cs {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}

// Close disconnects every chatter.
func (cs Chatters) Close() {
	for _, c := range cs {
		if c != nil {
			c.Close()
		}
	}
}
