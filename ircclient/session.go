package ircclient

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/ergochat/irc-go/ircmsg"
	"github.com/ergochat/irc-go/ircreader"
)

// session is one TCP/TLS connection: a reader (which also translates lines
// into events), a writer (urgent lane first, then the paced queue) and a
// keep-alive ticker. It ends on the first error.
type session struct {
	c      *Client
	conn   net.Conn
	urgent chan []byte
	done   chan struct{}
	once   sync.Once
	err    error

	registered atomic.Bool
	welcomedAt atomic.Int64 // unix nanos of 001, 0 before
	lastRead   atomic.Int64 // unix nanos
	quitting   atomic.Bool

	// reader-goroutine state
	nickIdx    int
	capLS      map[string]string
	capPending int
	capAcked   []string
	saslDone   bool
	welcomed   bool
	batches    map[string]bool // open BATCH refs -> inside a history batch
	echo       bool            // echo-message acked (written by reader before registration, read by writer after)
	labeled    bool            // labeled-response acked without echo-message (likewise)
	bouncer    bool            // the server is a bouncer (ZNC: znc.in/ caps offered) (likewise)
	echoMu     sync.Mutex

	// Without echo-message: our lines written and not yet accepted (see
	// Pending), and the PING that asks for their answer; c.mu guards them.
	held     []heldLine
	heldSeq  uint64
	barriers []uint64 // the last line each barrier in flight covers (see hold), oldest first

	labelBatch map[string]string // open labeled-response batches -> their label (reader goroutine)

	regain   regain      // taking the configured nick back (reader goroutine)
	isonPoll atomic.Bool // keepAlive asks ISON for the configured nick
}

// runSession dials, registers and serves one connection until it ends. It
// reports whether the connection was made (dial and TLS handshake
// succeeded) and how long it stayed up after registration (0 when it never
// registered).
func (c *Client) runSession(ctx context.Context) (connected bool, up time.Duration, err error) {
	conn, err := c.dial(ctx)
	if err != nil {
		return false, 0, err
	}
	s := &session{c: c, conn: &sniffConn{Conn: conn}, urgent: make(chan []byte, 256), done: make(chan struct{})}
	s.lastRead.Store(time.Now().UnixNano())
	c.mu.Lock()
	if c.quitting {
		c.mu.Unlock()
		conn.Close()
		return true, 0, errQuit
	}
	c.sess = s
	c.caps = nil
	c.isup = isupport{}
	c.setCaseMappingLocked("", "")
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		s.loseHeldLocked()
		c.sess = nil
		clear(c.chans) // we are in no channel without a connection
		clear(c.echoWait)
		clear(c.kicked) // the next connection joins every wanted channel
		c.mu.Unlock()
	}()

	var wg sync.WaitGroup
	wg.Add(3)
	go func() { defer wg.Done(); s.fail(s.readLoop()) }()
	go func() { defer wg.Done(); s.fail(s.writeLoop()) }()
	go func() { defer wg.Done(); s.fail(s.keepAlive()) }()

	if c.cfg.ServerPassword != "" {
		s.send("PASS :" + c.cfg.ServerPassword)
	}
	s.send("CAP LS 302")
	s.send("NICK " + c.cfg.Nick)
	s.send(fmt.Sprintf("USER %s 0 * :%s", c.cfg.User, c.cfg.RealName))

	select {
	case <-s.done:
	case <-ctx.Done():
		s.quit(c.cfg.QuitMessage)
	}
	wg.Wait()
	if at := s.welcomedAt.Load(); at != 0 {
		up = time.Since(time.Unix(0, at))
	}
	return true, up, s.err
}

// tlsProbeAfter is how long a TLS handshake may go unanswered before a
// second, plain-text connection checks whether the port speaks plain IRC.
const tlsProbeAfter = 3 * time.Second

func (c *Client) dial(ctx context.Context) (net.Conn, error) {
	addr := c.cfg.Addr()
	dctx, cancel := context.WithTimeout(ctx, c.cfg.DialTimeout)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(dctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%w to %s: %w", ErrNeverConnected, addr, err)
	}
	if c.tls == nil {
		return conn, nil
	}
	hctx, cancel := context.WithTimeout(ctx, c.cfg.DialTimeout)
	defer cancel()
	tc := tls.Client(conn, c.tls)
	done := make(chan error, 1)
	go func() { done <- tc.HandshakeContext(hctx) }()
	probe := time.NewTimer(tlsProbeAfter)
	defer probe.Stop()
	var plain <-chan string
	for {
		select {
		case err = <-done:
		case <-probe.C:
			ch := make(chan string, 1)
			go func() { ch <- probePlainIRC(hctx, addr) }()
			plain = ch
			continue
		case line := <-plain:
			if line == "" {
				plain = nil // no answer in plain text either: wait for the handshake
				continue
			}
			cancel()
			<-done
			conn.Close()
			return nil, fatalError{fmt.Errorf("%w: %w to %s: no TLS handshake, but the port answers in plain-text IRC (%q): set tls = false, or use the server's TLS port",
				ErrTLSMismatch, ErrNeverConnected, addr, line)}
		}
		break
	}
	if err == nil {
		return tc, nil
	}
	conn.Close()
	var rh tls.RecordHeaderError
	switch {
	case errors.As(err, &rh):
		return nil, fatalError{fmt.Errorf("%w: %w to %s: the server answered the TLS handshake in plain text (%q): set tls = false, or use the server's TLS port",
			ErrTLSMismatch, ErrNeverConnected, addr, printable(rh.RecordHeader[:]))}
	case hctx.Err() != nil && ctx.Err() == nil:
		return nil, fmt.Errorf("%w to %s: no TLS handshake within %v: is it a plain-text port (tls = false), or not an IRC server?",
			ErrNeverConnected, addr, c.cfg.DialTimeout)
	}
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	if errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci) {
		return nil, fatalError{fmt.Errorf("%w to %s: TLS handshake: %w", ErrNeverConnected, addr, err)}
	}
	return nil, fmt.Errorf("%w to %s: TLS handshake: %w (is it a plain-text port? then tls = false)", ErrNeverConnected, addr, err)
}

// probePlainIRC opens a plain-text connection to addr, sends CAP LS and
// returns the first line of the answer when it looks like IRC, else "".
func probePlainIRC(ctx context.Context, addr string) string {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return ""
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(tlsProbeAfter))
	if _, err := conn.Write([]byte("CAP LS 302\r\n")); err != nil {
		return ""
	}
	buf := make([]byte, 512)
	n, _ := io.ReadAtLeast(conn, buf, 1)
	line, _, complete := strings.Cut(string(buf[:n]), "\n")
	conn.Write([]byte("QUIT\r\n"))
	line = strings.TrimRight(line, "\r")
	msg, err := ircmsg.ParseLine(line)
	if !complete || err != nil || msg.Command == "" || !utf8.ValidString(line) {
		return ""
	}
	return printable([]byte(ircmsg.TruncateUTF8Safe(line, 80)))
}

// printable shows bytes for an error message: control bytes as \xNN.
func printable(b []byte) string {
	var sb strings.Builder
	for _, c := range b {
		if c < 0x20 || c >= 0x7f {
			fmt.Fprintf(&sb, "\\x%02x", c)
		} else {
			sb.WriteByte(c)
		}
	}
	return sb.String()
}

// sniffConn keeps the first bytes the server sent, to tell a TLS port
// from a plain-text one when the connection fails before registration.
type sniffConn struct {
	net.Conn
	mu    sync.Mutex
	first []byte
}

func (c *sniffConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.mu.Lock()
		if len(c.first) < 3 {
			c.first = append(c.first, p[:min(n, 3-len(c.first))]...)
		}
		c.mu.Unlock()
	}
	return n, err
}

// speaksTLS reports whether the server's first bytes were a TLS record
// (handshake or alert, any TLS version).
func (c *sniffConn) speaksTLS() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.first) >= 2 && (c.first[0] == 0x15 || c.first[0] == 0x16) && c.first[1] == 0x03
}

// fail ends the session with err (the first one wins).
func (s *session) fail(err error) {
	if err == nil {
		return
	}
	s.once.Do(func() {
		if s.quitting.Load() {
			err = errQuit
		}
		s.err = err
		close(s.done)
		s.conn.Close()
	})
}

// send queues a line on the urgent lane (never paced). It must not block
// forever: the writer drains the lane until the session ends.
func (s *session) send(line string) {
	select {
	case s.urgent <- []byte(line + "\r\n"):
	case <-s.done:
	}
}

// quit sends QUIT and ends the session when the server closes the
// connection, or after a short grace period.
func (s *session) quit(msg string) {
	if s.quitting.Swap(true) {
		return
	}
	go func() {
		if b := s.lastBarrier(); b != "" {
			// Our last lines are settled before the QUIT: a bouncer
			// drops the client at once on QUIT, before the answer.
			s.send(b)
			s.waitSettled(quitSettle)
		}
		s.send("QUIT :" + ircmsg.TruncateUTF8Safe(strings.Map(dropControl, msg), 300))
		t := time.NewTimer(2 * time.Second)
		defer t.Stop()
		select {
		case <-t.C:
			s.fail(errQuit)
		case <-s.done:
		}
	}()
}

func (s *session) hasEcho() bool {
	s.echoMu.Lock()
	defer s.echoMu.Unlock()
	return s.echo
}

// behindBouncer reports whether the server is a bouncer (see barrier).
func (s *session) behindBouncer() bool {
	s.echoMu.Lock()
	defer s.echoMu.Unlock()
	return s.bouncer
}

// labels reports whether our lines carry a label the server answers (see
// holdLabeled).
func (s *session) labels() bool {
	s.echoMu.Lock()
	defer s.echoMu.Unlock()
	return s.labeled
}

func (s *session) writeLoop() error {
	cfg := s.c.cfg
	b := newBucket(cfg.SendBurst, cfg.SendRate)
	if cfg.SendUnpaced {
		b = newBucket(1, 0)
	}
	bw := bufio.NewWriterSize(s.conn, 4096)
	var echoes []outLine
	flush := func() error {
		if bw.Buffered() == 0 {
			return nil
		}
		if len(echoes) > 0 {
			// Held until the server has accepted them; one PING after
			// the burst asks (see Pending). It is not paced: the chair's
			// lines keep the whole budget.
			if seq := s.hold(echoes, time.Now()); seq != 0 {
				bw.WriteString(s.barrier(seq))
			}
			clear(echoes)
			echoes = echoes[:0]
		}
		s.conn.SetWriteDeadline(time.Now().Add(cfg.Timeout))
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		return nil
	}
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		// urgent lane first
		select {
		case line := <-s.urgent:
			bw.Write(line)
			continue
		default:
		}
		var wait <-chan time.Time
		if s.registered.Load() && s.c.sendq.len() > 0 {
			ok, d := b.take(time.Now())
			if ok {
				l, _ := s.c.sendq.pop(s.c.buildAnswer)
				if l.echo != nil && !s.hasEcho() {
					if s.labels() {
						// labeled-response: the server answers this line
						// itself (ACK, or its refusal).
						bw.WriteString("@label=" + s.holdLabeled(l, time.Now()) + " ")
					} else {
						echoes = append(echoes, l)
					}
				}
				bw.Write(l.b)
				if bw.Buffered() < 2048 {
					continue
				}
			} else {
				timer.Reset(d)
				wait = timer.C
			}
		}
		if err := flush(); err != nil {
			// lines already taken from the paced queue are lost with the connection
			return err
		}
		if wait == nil && s.registered.Load() && s.c.sendq.len() > 0 {
			continue
		}
		select {
		case line := <-s.urgent:
			bw.Write(line)
		case <-s.c.sendq.wake:
		case <-wait:
		case <-s.done:
			return nil
		}
		if wait != nil && !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
	}
}

func (s *session) keepAlive() error {
	cfg := s.c.cfg
	isonEvery := cfg.RegainInterval
	if isonEvery <= 0 {
		isonEvery = defaultRegainInterval
	}
	// The ticker serves every timer below at a quarter of the shortest.
	tick := min(cfg.KeepAlive, cfg.Timeout, cfg.RegTimeout, isonEvery)
	if cfg.LagInterval > 0 {
		tick = min(tick, cfg.LagInterval)
	}
	t := time.NewTicker(max(tick/4, 10*time.Millisecond))
	defer t.Stop()
	start := time.Now()
	var pingAt, lagAt, isonAt time.Time
	for {
		select {
		case <-s.done:
			return nil
		case now := <-t.C:
			if !s.registered.Load() && now.Sub(start) > cfg.RegTimeout {
				return fmt.Errorf("registration: %w after %v", ErrTimeout, cfg.RegTimeout)
			}
			last := time.Unix(0, s.lastRead.Load())
			if !pingAt.IsZero() {
				if last.After(pingAt) {
					pingAt = time.Time{}
				} else if now.Sub(pingAt) > cfg.Timeout {
					return fmt.Errorf("keep-alive: %w (no reply to PING for %v)", ErrTimeout, cfg.Timeout)
				}
			}
			if pingAt.IsZero() && now.Sub(last) > cfg.KeepAlive {
				pingAt = now
				s.send(fmt.Sprintf("PING :gavel-%d", now.UnixNano()))
			} else if s.registered.Load() && cfg.LagInterval > 0 && now.Sub(lagAt) >= cfg.LagInterval {
				// Measure the lag the status bar shows (see Client.Lag).
				lagAt = now
				s.send(fmt.Sprintf("PING :gavel-%d", now.UnixNano()))
			}
			if s.isonPoll.Load() && now.Sub(isonAt) >= isonEvery {
				if !isonAt.IsZero() {
					s.send("ISON " + cfg.Nick)
				}
				isonAt = now
			}
		}
	}
}

func (s *session) readLoop() error {
	var r ircreader.Reader
	r.Initialize(s.conn, 4096, ircmsg.MaxlenTags+MaxLineLen+2)
	for {
		line, err := r.ReadLine()
		if err != nil {
			select {
			case <-s.done:
				return nil
			default:
			}
			if sc, ok := s.conn.(*sniffConn); ok && !s.welcomed && sc.speaksTLS() {
				return fatalError{fmt.Errorf("%w: %s answered in TLS: set tls = true, or use the server's plain-text port", ErrTLSMismatch, s.c.cfg.Addr())}
			}
			return fmt.Errorf("read: %w", err)
		}
		s.lastRead.Store(time.Now().UnixNano())
		msg, err := ircmsg.ParseLine(string(line))
		if err != nil {
			if !errors.Is(err, ircmsg.ErrorLineIsEmpty) {
				s.c.log.Debug("unparsable line from server", "err", err)
			}
			continue
		}
		if err := s.handle(msg); err != nil {
			return err
		}
	}
}

// nickCandidates is the nick, the alternatives, then nick_ up to nick___.
func (s *session) nickCandidate(i int) (string, bool) {
	cfg := s.c.cfg
	all := append([]string{cfg.Nick}, cfg.AltNicks...)
	if i < len(all) {
		return all[i], true
	}
	if k := i - len(all) + 1; k <= 3 {
		return cfg.Nick + strings.Repeat("_", k), true
	}
	return "", false
}

func (s *session) ackedCaps() []string { return slices.Clone(s.capAcked) }

func (s *session) wantSASL() bool { return s.c.cfg.SASLAccount != "" }

// capDone ends CAP negotiation: SASL if configured, else CAP END.
func (s *session) capDone() error {
	if !s.wantSASL() {
		s.send("CAP END")
		return nil
	}
	if !slices.Contains(s.capAcked, "sasl") {
		return fatalError{fmt.Errorf("%w: the server does not offer SASL (cap not acknowledged)", ErrSASL)}
	}
	if v, ok := s.capLS["sasl"]; ok && v != "" && !slices.Contains(strings.Split(v, ","), "PLAIN") {
		return fatalError{fmt.Errorf("%w: the server does not offer PLAIN (offers %s)", ErrSASL, v)}
	}
	s.send("AUTHENTICATE PLAIN")
	return nil
}

// registeredNow runs on 001: it records the nick and caps, publishes the
// state, and sends a PING whose PONG (after the 005s) starts the paced queue.
func (s *session) registeredNow(msg ircmsg.Message) error {
	c := s.c
	if s.wantSASL() && !s.saslDone {
		return fatalError{fmt.Errorf("%w: registration finished without SASL login", ErrSASL)}
	}
	s.welcomedAt.Store(time.Now().UnixNano())
	c.mu.Lock()
	c.nick = msg.Params[0]
	c.caps = s.ackedCaps()
	chans := slices.Clone(c.channels)
	c.mu.Unlock()
	s.echoMu.Lock()
	s.echo = slices.Contains(s.capAcked, "echo-message")
	s.labeled = !s.echo && slices.Contains(s.capAcked, "labeled-response")
	for k := range s.capLS {
		s.bouncer = s.bouncer || strings.HasPrefix(k, "znc.in/")
	}
	s.echoMu.Unlock()
	c.log.Info("registered", "nick", msg.Params[0], "caps", s.capAcked, "channels", len(chans))
	st := State{Meta: s.meta(msg), State: Registered, Server: c.cfg.Addr(), Nick: msg.Params[0], Caps: s.ackedCaps()}
	if c.Fold(st.Nick) != c.Fold(c.cfg.Nick) {
		st.Wanted = c.cfg.Nick
	}
	c.events.Push(st)
	s.send("PING :gavel-registered")
	return nil
}

// startFlow queues the rejoin ahead of anything waiting in the paced queue
// and lets the writer serve it. It runs on the first line after 001-005, so
// ISUPPORT (TARGMAX, CASEMAPPING) is known.
func (s *session) startFlow() {
	if s.registered.Load() {
		return
	}
	c := s.c
	c.mu.Lock()
	chans := slices.Clone(c.channels)
	targ := c.isup.targMax("JOIN")
	if lim := c.isup.chanLimit('#'); lim > 0 && len(chans) > lim {
		c.log.Warn("more channels configured than the server's CHANLIMIT", "channels", len(chans), "chanlimit", lim)
	}
	// registered is set under c.mu so that Join sees either the flag or the channel in the rejoin list
	s.registered.Store(true)
	c.mu.Unlock()
	if len(chans) > 0 {
		c.sendq.pushFront(rawLines(joinLines(chans, targ))...)
	} else {
		c.sendq.signal()
	}
	s.startRegain()
}

func (s *session) meta(msg ircmsg.Message) Meta {
	m := Meta{History: s.inHistory(msg)}
	if ok, t := msg.GetTag("time"); ok {
		if pt, err := time.Parse(time.RFC3339Nano, t); err == nil {
			m.Time, m.serverTime = pt, true
		}
	}
	if m.Time.IsZero() {
		m.Time = time.Now()
	}
	if tags := msg.AllTags(); len(tags) > 0 {
		m.Tags = tags
	}
	return m
}
