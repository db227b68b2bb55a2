package bus

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"gavel/meeting/outbox"
)

// run is the sender: it sends the outbox in order, one connection at a
// time, and waits with a doubling backoff after each failure.
func (o *Outbox) run(ctx context.Context) {
	defer close(o.done)
	backoff := outbox.Backoff{Min: o.cfg.MinBackoff, Max: o.cfg.MaxBackoff}
	for {
		if !o.waitForWork(ctx) {
			return
		}
		progressed, err := o.session(ctx)
		if ctx.Err() != nil {
			o.setStatus(func(s *Status) { s.Connected, s.Retry = false, time.Time{} })
			return
		}
		if progressed {
			backoff.Reset()
		}
		if o.Status().Waiting == 0 {
			// The connection went away with nothing to send: not worth
			// a word; connect again when there is.
			o.log.Info("bus: connection closed", "err", err)
			o.setStatus(func(s *Status) { s.Connected, s.Err, s.Retry = false, nil, time.Time{} })
			continue
		}
		wait := backoff.Next()
		retry := time.Now().Add(wait)
		o.log.Warn("bus: cannot send, will retry", "err", err, "in", wait)
		o.setStatus(func(s *Status) { s.Connected, s.Err, s.Retry = false, err, retry })
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			o.setStatus(func(s *Status) { s.Retry = time.Time{} })
			return
		case <-t.C:
		}
	}
}

// waitForWork returns once messages wait (true) or ctx is done (false).
func (o *Outbox) waitForWork(ctx context.Context) bool {
	for {
		if o.Status().Waiting > 0 {
			return true
		}
		select {
		case <-ctx.Done():
			return false
		case <-o.wake:
		}
	}
}

// window returns copies of up to n pending messages after the first skip.
func (o *Outbox) window(skip, n int) []Message {
	o.mu.Lock()
	defer o.mu.Unlock()
	if skip >= len(o.pending) || n <= 0 {
		return nil
	}
	end := min(len(o.pending), skip+n)
	return append([]Message(nil), o.pending[skip:end]...)
}

// session connects, sends what is pending with publisher confirms, and
// stays connected for more until the connection fails or ctx is done.
// progressed says whether any message was confirmed.
func (o *Outbox) session(ctx context.Context) (progressed bool, err error) {
	conn, err := o.dial(ctx)
	if err != nil {
		return false, err
	}
	defer closeSoon(conn)
	ch, err := conn.Channel()
	if err != nil {
		return false, fmt.Errorf("opening a channel: %w", err)
	}
	if err := ch.Confirm(false); err != nil {
		return false, fmt.Errorf("turning on publisher confirms: %w", err)
	}
	confirms := ch.NotifyPublish(make(chan amqp.Confirmation, o.cfg.Window))
	connClosed := conn.NotifyClose(make(chan *amqp.Error, 1))
	chClosed := ch.NotifyClose(make(chan *amqp.Error, 1))
	o.setStatus(func(s *Status) { s.Connected, s.Err, s.Retry = true, nil, time.Time{} })
	o.log.Info("bus: connected", "broker", Redact(o.cfg.URL))

	var inflight []string // ids sent and not yet confirmed, in order
	for {
		for _, m := range o.window(len(inflight), o.cfg.Window-len(inflight)) {
			key := m.Topic
			if p := strings.TrimSuffix(o.cfg.TopicPrefix, "."); p != "" {
				key = p + "." + m.Topic
			}
			if err := ch.PublishWithContext(ctx, o.cfg.Exchange, key, false, false, publishing(m)); err != nil {
				return progressed, fmt.Errorf("publishing %s: %w", m.ID, err)
			}
			inflight = append(inflight, m.ID)
		}
		select {
		case <-ctx.Done():
			return progressed, ctx.Err()
		case <-o.wake:
		case e := <-connClosed:
			return progressed, closeErr("connection", e)
		case e := <-chClosed:
			return progressed, closeErr("channel", e)
		case c, ok := <-confirms:
			if !ok {
				return progressed, closeErr("channel", nil)
			}
			// Take every confirm already here, and record them with one
			// sync.
			var ids []string
			var nack error
			for {
				if len(ids) == len(inflight) {
					return progressed, fmt.Errorf("the broker confirmed message %d, which was not sent", c.DeliveryTag)
				}
				if !c.Ack {
					nack = fmt.Errorf("the broker refused message %s", inflight[len(ids)])
					break
				}
				ids = append(ids, inflight[len(ids)])
				if len(ids) == len(inflight) {
					break
				}
				var more bool
				select {
				case c, more = <-confirms:
				default:
				}
				if !more {
					break
				}
			}
			inflight = inflight[len(ids):]
			if len(ids) > 0 {
				if err := o.confirmed(ids); err != nil {
					return progressed, err
				}
				progressed = true
				o.log.Debug("bus: confirmed", "count", len(ids))
			}
			if nack != nil {
				// Send it again after a reconnection, and what followed
				// it, so that order holds.
				return progressed, nack
			}
		}
	}
}

// dial connects to the broker: SASL EXTERNAL with a client certificate,
// else the URL's user and password (PLAIN). Cancelling ctx abandons the
// attempt at once, handshake included.
func (o *Outbox) dial(ctx context.Context) (*amqp.Connection, error) {
	var stops []func() bool
	defer func() {
		for _, stop := range stops {
			stop()
		}
	}()
	cfg := amqp.Config{
		TLSClientConfig: o.tls,
		Dial: func(network, addr string) (net.Conn, error) {
			d := net.Dialer{Timeout: o.cfg.DialTimeout}
			c, err := d.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			// No heartbeats yet: bound the TLS and AMQP handshakes (the
			// library clears the deadline once connected), and close
			// the socket if ctx ends first.
			c.SetDeadline(time.Now().Add(o.cfg.DialTimeout))
			stops = append(stops, context.AfterFunc(ctx, func() { c.Close() }))
			return c, nil
		},
		Heartbeat:  10 * time.Second,
		Properties: amqp.Table{"product": "gavel", "connection_name": "gavel meetbot publisher"},
	}
	if o.cfg.CertFile != "" {
		cfg.SASL = []amqp.Authentication{&amqp.ExternalAuth{}}
	}
	conn, err := amqp.DialConfig(o.cfg.URL, cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", Redact(o.cfg.URL), redactErr(err, o.cfg.URL))
	}
	return conn, nil
}

// publishing is the AMQP message for m in fedora-messaging's wire format.
func publishing(m Message) amqp.Publishing {
	h := amqp.Table{
		"fedora_messaging_schema":         m.Topic,
		"fedora_messaging_schema_package": SchemaPackage,
		"fedora_messaging_severity":       SeverityInfo,
		"sent-at":                         formatTime(m.SentAt),
		"priority":                        0,
	}
	for _, u := range m.Users {
		// A header name is an AMQP short string: a name too long for it
		// would make the message unsendable, so it is left out.
		if k := "fedora_messaging_user_" + u; len(k) <= 255 {
			h[k] = true
		}
	}
	return amqp.Publishing{
		ContentType:     "application/json",
		ContentEncoding: "utf-8",
		DeliveryMode:    amqp.Persistent,
		MessageId:       m.ID,
		Headers:         h,
		Body:            m.Body,
	}
}

// closeSoon closes a connection politely, but gives up waiting for the
// broker's answer after a few seconds (gavel is quitting or the broker is
// gone).
func closeSoon(conn *amqp.Connection) {
	done := make(chan struct{})
	go func() {
		conn.Close()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(3 * time.Second):
	}
}

func closeErr(what string, e *amqp.Error) error {
	if e == nil {
		return fmt.Errorf("the broker closed the %s", what)
	}
	return fmt.Errorf("the broker closed the %s: %w", what, e)
}

// Redact returns an AMQP URL without its password, for messages.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the broker"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// redactErr removes a URL's password from an error's text.
func redactErr(err error, raw string) error {
	u, perr := url.Parse(raw)
	if perr != nil || u.User == nil {
		if strings.Contains(err.Error(), raw) {
			return errors.New(strings.ReplaceAll(err.Error(), raw, "the URL"))
		}
		return err
	}
	if pw, has := u.User.Password(); has && pw != "" && strings.Contains(err.Error(), pw) {
		return errors.New(strings.ReplaceAll(err.Error(), pw, "xxxxx"))
	}
	return err
}
