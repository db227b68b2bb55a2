// Package bus tells the rest of the world about meetings on the message bus:
// meetbot.meeting.start at #startmeeting and meetbot.meeting.complete once
// the minutes of #endmeeting are published, with the bodies of Fedora's
// meetbot-messages schemas, in fedora-messaging's wire format, over AMQP
// 0-9-1 (RabbitMQ).
//
// The bus never holds a meeting up and loses nothing. An event is first
// appended to a durable outbox file (next to the journal) and synced; a
// goroutine of its own then sends the outbox in order with publisher
// confirms, and retries with backoff while the broker is away, across
// restarts of gavel. Delivery is at least once: every event has a stable
// message id, kept in the outbox, so a copy sent again carries the same id
// and consumers can drop it; a message the broker confirmed is recorded as
// such and never sent again. (Should gavel die between the broker's
// confirm and that record reaching the disk, the message is sent once more,
// with its id.)
package bus

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"gavel/meeting"
	"gavel/meeting/outbox"
	"gavel/meeting/publish"
)

// DefaultExchange is where fedora-messaging publishes.
const DefaultExchange = "amq.topic"

// OutboxName is the outbox's file name in its directory.
const OutboxName = "bus.outbox"

// Config configures an Outbox.
type Config struct {
	// URL is the broker: amqp://user:password@host:port/vhost or amqps://…
	URL string
	// CAFile is a PEM bundle of the CAs that sign the broker's certificate
	// (default: the system's). CertFile and KeyFile are a client
	// certificate; with them gavel logs in with SASL EXTERNAL (x509), as
	// Fedora's broker wants.
	CAFile, CertFile, KeyFile string
	// Exchange is the exchange published to (default amq.topic).
	Exchange string
	// TopicPrefix goes before every topic with a '.', e.g.
	// org.fedoraproject.prod.
	TopicPrefix string
	// Dir holds the outbox file (gavel puts it next to the journals).
	Dir string

	Logger *slog.Logger
	// OnStatus, when set, is called (from any goroutine, never with a lock
	// held) each time Status changes. It must not block.
	OnStatus func(Status)
	// MinBackoff and MaxBackoff bound the wait between attempts while the
	// broker is away (default 1s and 1m); the wait doubles each failure.
	MinBackoff, MaxBackoff time.Duration
	// Window is how many messages may wait for their confirms at once
	// (default 64).
	Window int
	// DialTimeout bounds connecting and the AMQP handshake (default 15s).
	DialTimeout time.Duration

	// now is the clock for sent-at (tests).
	now func() time.Time
}

// Validate checks the settings without touching the network.
func (c Config) Validate() error {
	u, err := url.Parse(c.URL)
	if err != nil {
		return fmt.Errorf("bus: amqp_url: %w", redactErr(err, c.URL))
	}
	switch u.Scheme {
	case "amqp":
		if c.CAFile != "" || c.CertFile != "" || c.KeyFile != "" {
			return errors.New("bus: TLS files are set but amqp_url is not amqps://")
		}
	case "amqps":
	default:
		return fmt.Errorf("bus: amqp_url must start with amqp:// or amqps://, not %q", u.Scheme+"://")
	}
	if u.Host == "" {
		return errors.New("bus: amqp_url has no host")
	}
	if (c.CertFile == "") != (c.KeyFile == "") {
		return errors.New("bus: tls_cert_file and tls_key_file go together")
	}
	if c.Dir == "" {
		return errors.New("bus: no directory for the outbox")
	}
	return nil
}

// Status is what the console shows of the bus.
type Status struct {
	Waiting   int       // messages in the outbox not yet confirmed by the broker
	Connected bool      // a connection to the broker is up
	Err       error     // the last failure; nil once messages flow again
	Retry     time.Time // when the next attempt starts (zero unless waiting to retry)
	Sent      int       // messages confirmed since the outbox was opened
}

// String is a one-line summary: "" when nothing waits and all is well.
func (s Status) String() string {
	if s.Waiting == 0 && s.Err == nil {
		return ""
	}
	msg := "1 message waiting"
	if s.Waiting != 1 {
		msg = fmt.Sprintf("%d messages waiting", s.Waiting)
	}
	if s.Err != nil {
		msg += ": " + s.Err.Error()
		if !s.Retry.IsZero() {
			msg += "; retry at " + s.Retry.Local().Format("15:04:05")
		}
	} else if !s.Connected {
		msg += ": connecting"
	}
	return "bus: " + msg
}

// Outbox is the durable queue of bus messages and its sender. Its methods
// are safe for concurrent use.
type Outbox struct {
	cfg  Config
	log  *slog.Logger
	path string
	tls  *tls.Config

	mu      sync.Mutex
	file    *outbox.File // the outbox, locked and open for appending
	pending []Message
	acked   []string        // recently confirmed ids, oldest first
	known   map[string]bool // ids of pending and acked
	dead    int             // records in the file that compaction would drop
	status  Status
	closed  bool

	wake   chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
}

// keepAcked is how many confirmed ids the outbox remembers, so that an
// event handed again after it was sent is not sent twice.
const keepAcked = 256

// Open opens (creating) the outbox in cfg.Dir and starts sending what it
// holds. When the file holds corrupt records, Open keeps a copy of it
// beside the outbox, goes on with every good record, and returns the
// working outbox together with a *CorruptError that says so; any other
// error means no outbox.
func Open(cfg Config) (*Outbox, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Exchange == "" {
		cfg.Exchange = DefaultExchange
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = time.Second
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(time.Minute, cfg.MinBackoff)
	}
	if cfg.Window <= 0 {
		cfg.Window = 64
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 15 * time.Second
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	tc, err := tlsConfig(cfg)
	if err != nil {
		return nil, err
	}
	o := &Outbox{cfg: cfg, log: log, path: filepath.Join(cfg.Dir, OutboxName), tls: tc,
		known: map[string]bool{}, wake: make(chan struct{}, 1), done: make(chan struct{})}
	warn, err := o.load()
	if err != nil {
		return nil, err
	}
	o.status.Waiting = len(o.pending)
	ctx, cancel := context.WithCancel(context.Background())
	o.cancel = cancel
	go o.run(ctx)
	if len(o.pending) > 0 {
		o.log.Info("bus: messages waiting from an earlier run", "count", len(o.pending))
		o.notify()
	}
	return o, warn
}

// tlsConfig reads the TLS files of an amqps:// URL.
func tlsConfig(cfg Config) (*tls.Config, error) {
	u, _ := url.Parse(cfg.URL)
	if u.Scheme != "amqps" {
		return nil, nil
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: u.Hostname()}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("bus: tls_ca_file: %w", err)
		}
		tc.RootCAs = x509.NewCertPool()
		if !tc.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("bus: tls_ca_file %s: no PEM certificate in it", cfg.CAFile)
		}
	}
	if cfg.CertFile != "" {
		cert, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
		if err != nil {
			return nil, fmt.Errorf("bus: client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// load takes the lock, reads the outbox and rewrites it compactly.
func (o *Outbox) load() (warn error, err error) {
	file, data, err := outbox.Open(o.cfg.Dir, OutboxName)
	if err != nil {
		return nil, fmt.Errorf("bus: %w", err)
	}
	defer func() {
		if err != nil {
			file.Close()
		}
	}()
	c, rerr := ReadOutbox(strings.NewReader(string(data)))
	var corrupt *CorruptError
	switch {
	case errors.As(rerr, &corrupt):
		// Keep the file as it was for a human to look at; go on with
		// every good record.
		aside, err := file.SetAside(data)
		if err != nil {
			return nil, fmt.Errorf("bus: outbox %s is corrupt (%v) and could not be copied aside: %w", o.path, rerr, err)
		}
		warn = fmt.Errorf("bus: outbox %s: %w; the file as it was is kept in %s, and the %d good message(s) will be sent", o.path, rerr, aside, len(c.Pending))
		o.log.Error("bus: corrupt outbox", "err", warn)
	case rerr != nil:
		return nil, fmt.Errorf("bus: outbox %s: %w", o.path, rerr)
	}
	o.file = file
	o.pending = c.Pending
	o.acked = c.Acked
	if len(o.acked) > keepAcked {
		o.acked = o.acked[len(o.acked)-keepAcked:]
	}
	for _, m := range o.pending {
		o.known[m.ID] = true
	}
	for _, id := range o.acked {
		o.known[id] = true
	}
	if err := o.rewrite(); err != nil {
		return nil, err
	}
	return warn, nil
}

// rewrite replaces the outbox file atomically with what is pending and the
// ids remembered. Called with o.mu held (or before the outbox is shared).
func (o *Outbox) rewrite() error {
	err := o.file.Rewrite(func(w io.Writer) error {
		return encodeContents(w, Contents{Pending: o.pending, Acked: o.acked})
	})
	if err != nil {
		return fmt.Errorf("bus: %w", err)
	}
	o.dead = 0
	return nil
}

// MeetingStarted queues meetbot.meeting.start. It returns once the message
// is safe on disk; sending happens in the background.
func (o *Outbox) MeetingStarted(channel string, m *meeting.Meeting) error {
	msg, err := StartMessage(channel, m, o.cfg.now())
	if err != nil {
		return err
	}
	return o.Enqueue(msg)
}

// MeetingCompleted queues meetbot.meeting.complete for a meeting whose
// minutes were published as files.
func (o *Outbox) MeetingCompleted(channel string, m *meeting.Meeting, files []publish.File) error {
	msg, err := CompleteMessage(channel, m, files, o.cfg.now())
	if err != nil {
		return err
	}
	return o.Enqueue(msg)
}

// Enqueue appends a message to the outbox, syncs it, and wakes the sender.
// A message whose id is already waiting or was recently sent is the same
// event handed again, and is not queued twice.
func (o *Outbox) Enqueue(msg Message) error {
	if !validID(msg.ID) {
		return fmt.Errorf("message id %q is not a version 4 UUID", msg.ID)
	}
	line, err := encodeRecord(record{Kind: "msg", Message: msg})
	if err != nil {
		return fmt.Errorf("%s: %w", msg.Topic, err)
	}
	if len(line) > maxRecord {
		return fmt.Errorf("%s: message of %d bytes is too large", msg.Topic, len(line))
	}
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return errors.New("the outbox is closed")
	}
	if o.known[msg.ID] {
		o.mu.Unlock()
		return nil
	}
	err = o.appendSync(line)
	if err == nil {
		o.pending = append(o.pending, msg)
		o.known[msg.ID] = true
		o.status.Waiting = len(o.pending)
	}
	o.mu.Unlock()
	if err != nil {
		return err
	}
	o.log.Info("bus: queued", "topic", msg.Topic, "id", msg.ID)
	o.notify()
	select {
	case o.wake <- struct{}{}:
	default:
	}
	return nil
}

// appendSync writes records to the outbox and syncs them. Called with o.mu
// held.
func (o *Outbox) appendSync(lines ...[]byte) error { return o.file.Append(lines...) }

// confirmed records that the broker confirmed the first n pending
// messages (whose ids are given, as a check).
func (o *Outbox) confirmed(ids []string) error {
	lines := make([][]byte, 0, len(ids))
	for _, id := range ids {
		line, err := encodeRecord(record{Kind: "ack", Message: Message{ID: id}})
		if err != nil {
			return err
		}
		lines = append(lines, line)
	}
	o.mu.Lock()
	err := o.appendSync(lines...)
	if err == nil {
		for _, id := range ids {
			if len(o.pending) == 0 || o.pending[0].ID != id {
				err = fmt.Errorf("confirm for %s out of order", id)
				break
			}
			o.pending = o.pending[1:]
			o.acked = append(o.acked, id)
			o.dead += 2
			o.status.Sent++
		}
		if len(o.acked) > keepAcked {
			for _, id := range o.acked[:len(o.acked)-keepAcked] {
				delete(o.known, id)
			}
			o.acked = append([]string(nil), o.acked[len(o.acked)-keepAcked:]...)
		}
		o.status.Waiting = len(o.pending)
		if len(o.pending) == 0 && o.dead > 4*keepAcked {
			if cerr := o.rewrite(); cerr != nil {
				o.log.Warn("bus: compacting the outbox", "err", cerr)
			}
		}
	}
	o.mu.Unlock()
	o.notify()
	return err
}

// Status returns the state of the bus now.
func (o *Outbox) Status() Status {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.status
}

func (o *Outbox) setStatus(f func(*Status)) {
	o.mu.Lock()
	f(&o.status)
	o.mu.Unlock()
	o.notify()
}

func (o *Outbox) notify() {
	if o.cfg.OnStatus != nil {
		o.cfg.OnStatus(o.Status())
	}
}

// Close stops sending. Messages not yet confirmed stay in the outbox and
// are sent by the next Open.
func (o *Outbox) Close() error {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return nil
	}
	o.closed = true
	o.mu.Unlock()
	o.cancel()
	<-o.done
	o.mu.Lock()
	defer o.mu.Unlock()
	var errs []error
	if o.dead > 0 {
		errs = append(errs, o.rewrite())
	}
	errs = append(errs, o.file.Close())
	return errors.Join(errs...)
}
