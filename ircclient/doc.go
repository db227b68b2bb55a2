// Package ircclient is gavel's IRC connection: one client connection as the
// chair's own nick, built on github.com/ergochat/irc-go (ircmsg for parsing and
// serialising lines, ircreader for framing, ircutils for SASL, ircfmt for
// formatting codes).
//
// The connection loop is written here rather than on ircevent.Connection
// because gavel needs things ircevent does not do: a paced send queue with a
// priority lane for PING/PONG and registration, reconnect with capped
// exponential backoff and jitter, rejoining every channel after a reconnect,
// context cancellation, nick alternatives and typed events.
//
// Use:
//
//	c, err := ircclient.New(cfg, logger)
//	go c.Run(ctx)               // connects, reconnects, returns when ctx ends or after Quit
//	for ev := range c.Events() { // one ordered stream of typed events
//		switch ev := ev.(type) {
//		case ircclient.Message: ...
//		case ircclient.State: ...
//		}
//	}
//
// Events are never dropped: the reader goroutine hands them to an unbounded
// internal queue that feeds the buffered Events channel, so a slow consumer
// costs memory (a warning is logged as the backlog grows), never a stalled
// connection or a lost line.
//
// Outgoing lines other than PING/PONG, CAP, AUTHENTICATE, NICK/USER during
// registration and QUIT go through a token bucket (Config.SendBurst,
// Config.SendRate). Keep-alive traffic uses its own lane and is never queued
// behind paced lines.
package ircclient
