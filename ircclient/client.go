package ircclient

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"gavel/internal/eventq"
)

var (
	// ErrAlreadyRunning is returned by Run when called twice.
	ErrAlreadyRunning = errors.New("ircclient: Run already called")
	// ErrSASL wraps every SASL failure (bad password, no SASL on the server, ...).
	ErrSASL = errors.New("SASL authentication failed")
	// ErrTimeout is a registration or keep-alive timeout.
	ErrTimeout = errors.New("server did not respond in time")
	// ErrGaveUp is returned by Run after Config.MaxReconnects failed attempts.
	ErrGaveUp = errors.New("ircclient: giving up after repeated connection failures")
	// ErrNoNick is fatal: the nick, every alternative and nick_ … nick___
	// were refused (in use or invalid).
	ErrNoNick = errors.New("no usable nick")
	// ErrNeverConnected wraps the failures of attempts that never got an
	// IRC connection (refused, unreachable, timed out, TLS handshake); the
	// State is then ConnectFailed, never Disconnected.
	ErrNeverConnected = errors.New("never connected")
	// ErrNotInChannel is returned by Say, Action and Notice for a channel
	// gavel was kicked from: nothing is sent until /join brings it back.
	ErrNotInChannel = errors.New("gavel is not in the channel")
	// ErrTLSMismatch is fatal: TLS is on and the port speaks plain text,
	// or TLS is off and the port speaks TLS.
	ErrTLSMismatch = errors.New("TLS setting does not match the port")
	// errQuit ends a session after Quit or context cancellation.
	errQuit = errors.New("quit")
)

// fatalError marks errors that reconnecting cannot fix (bad SASL
// credentials, an untrusted certificate, no usable nick, TLS on a
// plain-text port): Run returns them.
type fatalError struct{ err error }

func (e fatalError) Error() string { return e.err.Error() }
func (e fatalError) Unwrap() error { return e.err }

// Client is one IRC connection with reconnects. Create it with New, start it
// with Run, read Events. All methods are safe for concurrent use.
type Client struct {
	cfg    Config
	log    *slog.Logger
	tls    *tls.Config
	events *eventq.Queue[Event]
	sendq  *sendQueue
	ran    atomic.Bool
	lag    atomic.Int64 // nanoseconds; see Lag

	mu       sync.Mutex
	sess     *session // current connection, nil between connections
	nick     string   // current nick ("" before the first registration)
	userhost string   // "user@host" as the server shows us, "" until seen
	isup     isupport
	caps     []string
	fold     func(string) string // by the server's CASEMAPPING (rfc1459 until 005 says otherwise)
	channels []string            // wanted channels, in join order
	want     map[string]bool     // folded names of channels
	chans    map[string]*channel // folded name -> channels we are in on this connection
	echoWait map[string][]Event  // folded channel -> local echoes written before our JOIN came back
	kicked   map[string]string   // folded channel -> who kicked us and why, until we are back in it
	dropped  atomic.Uint64       // channel lines for channels we are not in (see Dropped)
	quitMsg  string
	quitting bool
	quitCh   chan struct{}
}

// New checks cfg and returns a client; it does not connect. log may be nil.
func New(cfg Config, log *slog.Logger) (*Client, error) {
	if cfg.User == "" {
		cfg.User = cfg.Nick
	}
	if cfg.Caps == nil {
		cfg.Caps = DefaultCaps
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	c := &Client{
		cfg:      cfg,
		log:      log.With("irc", cfg.Addr()),
		events:   eventq.New[Event](cfg.EventBuffer, log),
		sendq:    newSendQueue(cfg.SendQueueMax),
		isup:     isupport{},
		fold:     CaseFold(""),
		want:     map[string]bool{},
		chans:    map[string]*channel{},
		echoWait: map[string][]Event{},
		kicked:   map[string]string{},
		quitCh:   make(chan struct{}),
	}
	if cfg.TLS {
		tc, err := cfg.tlsConfig()
		if err != nil {
			return nil, fmt.Errorf("ircclient: %w", err)
		}
		c.tls = tc
	}
	c.addChannels(cfg.Channels)
	return c, nil
}

// Events is the single ordered stream of events. It is closed after Run
// returns (the last event is a State with State == Stopped).
func (c *Client) Events() <-chan Event { return c.events.Out() }

// Run connects and keeps the connection up until ctx is cancelled (it then
// sends QUIT), Quit is called, or a fatal error (ErrSASL, ErrNoNick,
// ErrTLSMismatch, an untrusted certificate, ErrGaveUp) happens, which it
// returns. It returns nil after a cancel or Quit. Run may be called once.
//
// The reconnect backoff grows with every attempt that fails, including
// connections that a server closes right after registration (a K-line);
// it starts again from ReconnectMin only after a connection stayed up for
// Config.StableAfter.
func (c *Client) Run(ctx context.Context) (err error) {
	if !c.ran.CompareAndSwap(false, true) {
		return ErrAlreadyRunning
	}
	go c.events.Pump(2 * time.Second)
	defer func() {
		c.events.Push(State{Meta: now(), State: Stopped, Server: c.cfg.Addr(), Err: err})
		c.events.Close()
	}()
	failures := 0
	for {
		c.events.Push(State{Meta: now(), State: Connecting, Server: c.cfg.Addr(), Attempt: failures})
		connected, up, serr := c.runSession(ctx)
		if errors.Is(serr, errQuit) || ctx.Err() != nil {
			if connected {
				c.events.Push(State{Meta: now(), State: Disconnected, Server: c.cfg.Addr()})
			}
			return nil
		}
		if connected {
			c.events.Push(State{Meta: now(), State: Disconnected, Server: c.cfg.Addr(), Err: serr})
			c.log.Warn("disconnected", "err", serr, "up", up.Round(time.Millisecond))
		} else {
			c.events.Push(State{Meta: now(), State: ConnectFailed, Server: c.cfg.Addr(), Err: serr})
			c.log.Warn("could not connect", "err", serr)
		}
		var fe fatalError
		if errors.As(serr, &fe) {
			return fmt.Errorf("ircclient: %w", serr)
		}
		if c.cfg.NoReconnect {
			return fmt.Errorf("ircclient: %w", serr)
		}
		if up >= c.cfg.StableAfter {
			failures = 0
		}
		if c.cfg.MaxReconnects > 0 && failures >= c.cfg.MaxReconnects {
			return fmt.Errorf("%w (%d attempts): %w", ErrGaveUp, failures+1, serr)
		}
		delay := backoff(failures, c.cfg.ReconnectMin, c.cfg.ReconnectMax, c.cfg.ReconnectJitter, nil)
		failures++
		c.events.Push(State{Meta: now(), State: Reconnecting, Server: c.cfg.Addr(), Attempt: failures, Delay: delay, Err: serr})
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-c.quitCh:
			t.Stop()
			return nil
		}
	}
}

func now() Meta { return Meta{Time: time.Now()} }

// Quit sends QUIT with msg (Config.QuitMessage when empty) and stops Run
// without reconnecting.
func (c *Client) Quit(msg string) {
	c.mu.Lock()
	if c.quitting {
		c.mu.Unlock()
		return
	}
	if msg == "" {
		msg = c.cfg.QuitMessage
	}
	c.quitting, c.quitMsg = true, msg
	s := c.sess
	close(c.quitCh)
	c.mu.Unlock()
	if s != nil {
		s.quit(msg)
	}
}

// Nick is our current nick (the configured one before registration).
func (c *Client) Nick() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.nick == "" {
		return c.cfg.Nick
	}
	return c.nick
}

// Connected reports whether a registered connection is up.
func (c *Client) Connected() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.sess != nil && c.sess.registered.Load()
}

// ISupport returns a copy of the server's 005 tokens.
func (c *Client) ISupport() map[string]string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]string, len(c.isup))
	for k, v := range c.isup {
		out[k] = v
	}
	return out
}

// Caps returns the capabilities the server acknowledged on this connection.
func (c *Client) Caps() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.caps)
}

// HasCap reports whether capability name was acknowledged.
func (c *Client) HasCap(name string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Contains(c.caps, name)
}

// IsChannel reports whether name is a channel by the server's CHANTYPES.
func (c *Client) IsChannel(name string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.isChannelLocked(name)
}

func (c *Client) isChannelLocked(name string) bool {
	return name != "" && strings.IndexByte(c.isup.chanTypes(), name[0]) >= 0
}

// Fold casefolds a nick or channel name by the server's CASEMAPPING and
// UTF8MAPPING (see CaseFoldFor), for comparing names.
func (c *Client) Fold(name string) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fold(name)
}

// Channels returns the channels the client keeps joined (config + Join - Part).
func (c *Client) Channels() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.channels)
}

// HasOp reports whether we are channel operator or half-operator (or
// above) in channel, as far as NAMES and MODE told us. A TOPIC sent without
// it on a +t channel comes back as an Error event with Code "482".
func (c *Client) HasOp(channel string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch, ok := c.chans[c.fold(channel)]
	if !ok || c.nick == "" {
		return false
	}
	st := ch.members[c.fold(c.nick)].Prefixes
	modes, syms := c.isup.prefix()
	rank := strings.IndexByte(modes, 'h')
	if rank < 0 {
		rank = strings.IndexByte(modes, 'o')
	}
	for i := 0; i < len(syms) && i <= rank; i++ {
		if strings.IndexByte(st, syms[i]) >= 0 {
			return true
		}
	}
	return false
}

// QueueLen is the number of lines waiting in the paced send queue (both
// lanes).
func (c *Client) QueueLen() int { return c.sendq.len() }

// Lag is the real delay of a line sent now: how long the oldest line
// waiting in the high lane (the chair's and the meeting's lines) has
// waited, or the round trip of the last PING (sent every LagInterval) when
// that is larger; 0 before anything was measured. While disconnected the
// waiting lines' age keeps growing.
func (c *Client) Lag() time.Duration {
	lag := time.Duration(c.lag.Load())
	if t := c.sendq.oldest(); !t.IsZero() {
		lag = max(lag, time.Since(t))
	}
	return lag
}

// addChannels adds to the wanted set and returns the ones that were new.
// c.mu must not be held.
func (c *Client) addChannels(chs []string) []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.addChannelsLocked(chs)
}

func (c *Client) addChannelsLocked(chs []string) []string {
	var added []string
	for _, ch := range chs {
		f := c.fold(ch)
		if ch == "" || c.want[f] {
			continue
		}
		c.want[f] = true
		c.channels = append(c.channels, ch)
		added = append(added, ch)
	}
	return added
}

func (c *Client) removeChannelLocked(ch string) {
	f := c.fold(ch)
	if !c.want[f] {
		return
	}
	delete(c.want, f)
	delete(c.echoWait, f)
	delete(c.kicked, f)
	c.channels = slices.DeleteFunc(c.channels, func(x string) bool { return c.fold(x) == f })
}

// prefixLen estimates the length of the prefix the server puts on our lines.
func (c *Client) prefixLen() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	nick := c.nick
	if nick == "" {
		nick = c.cfg.Nick
	}
	if c.userhost != "" {
		return len(nick) + 1 + len(c.userhost)
	}
	return len(nick) + safeUserHostLen
}
