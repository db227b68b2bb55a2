// Package ircclient is gavel's IRC connection: one client connection as the
// chair's own nick, built on github.com/ergochat/irc-go (ircmsg for parsing and
// serialising lines, ircreader for framing, ircutils for SASL). Text is
// passed on raw; formatting codes are read by meeting.FormatScanner, the
// one scanner the minutes and the screen share.
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
// Our own lines: every PRIVMSG, NOTICE or ACTION the client sends comes
// back as exactly one event with Source.Self: the server's echo when
// echo-message is acknowledged, else the client's own event once the
// server has accepted the line (a Pending event when it is written, then
// the line's event when the PONG to a PING sent after the burst comes back
// with no refusal in between, or an Unsent when the server refused it or
// the connection ended first). Nothing else should feed our own lines
// anywhere.
//
// A channel we were kicked from refuses Say, Action and Notice with
// ErrNotInChannel until Join brings us back. When the server gives us
// another nick than Config.Nick (a ghost holds it), State.Wanted says so
// and the client takes the nick back when it frees (MONITOR, else ISON;
// NickServ GHOST first when logged in with SASL).
//
// Channel state is the client's: Members, Topic and InChannel are kept from
// JOIN, PART, KICK, QUIT, NICK, MODE, TOPIC and NAMES, and channel events
// (Message, Action, Notice, Topic, Join, Part, Kick, Names, Mode) are
// emitted only for channels we are in on this connection; others are
// dropped and counted (Dropped). Names are compared with Fold, the
// server's CASEMAPPING and UTF8MAPPING (see CaseFoldFor).
//
// History: lines a bouncer or server plays back (a chathistory or
// znc.in/playback BATCH, or a server-time older than our JOIN) carry
// Meta.History; show them, never run them as a meeting.
//
// Outgoing lines other than PING/PONG, CAP, AUTHENTICATE, NICK/USER during
// registration and QUIT go through a token bucket (Config.SendBurst,
// Config.SendRate) in two lanes: the high lane (Say, Action, Notice,
// SetTopic, Join, Part, SendRaw) is always served before the low lane of
// channel lookup answers (Answer), which coalesces repeated asks and
// limits each asker. Keep-alive traffic uses its own lane and is never
// queued behind paced lines. Lag is the high lane's real delay.
package ircclient
