package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"sync"

	"gavel/meeting/bus"
	"gavel/meeting/live"
)

// busConfig is the [bus] table: meeting events on the message bus
// (fedora-messaging over AMQP). Off while amqp_url is empty.
type busConfig struct {
	AMQPURL     string `toml:"amqp_url"`
	TLSCAFile   string `toml:"tls_ca_file"`
	TLSCertFile string `toml:"tls_cert_file"`
	TLSKeyFile  string `toml:"tls_key_file"`
	Exchange    string `toml:"exchange"`
	TopicPrefix string `toml:"topic_prefix"`
}

// busFlags are the --bus-* flags; they override the [bus] table.
type busFlags busConfig

func (f *busFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.AMQPURL, "bus-url", "", "message bus broker, amqp:// or amqps:// (a password goes in the config file, not here)")
	fs.StringVar(&f.TLSCAFile, "bus-ca-file", "", "CA certificates (PEM) of the message bus broker")
	fs.StringVar(&f.TLSCertFile, "bus-cert-file", "", "client certificate (PEM) for the message bus (x509 login)")
	fs.StringVar(&f.TLSKeyFile, "bus-key-file", "", "key of the client certificate")
	fs.StringVar(&f.Exchange, "bus-exchange", "", "exchange to publish to (default amq.topic)")
	fs.StringVar(&f.TopicPrefix, "bus-topic-prefix", "", "topic prefix, e.g. org.fedoraproject.prod")
}

func (f busFlags) apply(c *busConfig) {
	set := func(dst *string, v string) {
		if v != "" {
			*dst = v
		}
	}
	set(&c.AMQPURL, f.AMQPURL)
	set(&c.TLSCAFile, f.TLSCAFile)
	set(&c.TLSCertFile, f.TLSCertFile)
	set(&c.TLSKeyFile, f.TLSKeyFile)
	set(&c.Exchange, f.Exchange)
	set(&c.TopicPrefix, f.TopicPrefix)
}

// check refuses a password on the command line, where other users of the
// machine can read it.
func (f busFlags) check() error {
	if u, err := url.Parse(f.AMQPURL); err == nil && u.User != nil {
		if _, has := u.User.Password(); has {
			return errors.New("--bus-url: put a password in the config file's [bus] amqp_url, not on the command line")
		}
	}
	return nil
}

// messageBus is the bus of a live run: nil Outbox when not configured.
type messageBus struct {
	*bus.Outbox
}

// live returns the controller's Bus (nil when there is none).
func (b messageBus) live() live.Bus {
	if b.Outbox == nil {
		return nil
	}
	return b.Outbox
}

func (b messageBus) Close() {
	if b.Outbox != nil {
		b.Outbox.Close()
	}
}

// openBus opens the outbox next to the journals and starts sending. A
// corrupt outbox is said on stderr and the bus goes on with every good
// message. headless runs also say on stderr when messages wait and when
// they have gone.
func openBus(c busConfig, urlPrefix, journalDir string, headless bool, logger *slog.Logger, stderr io.Writer) (messageBus, error) {
	if c.AMQPURL == "" {
		return messageBus{}, nil
	}
	if u, err := url.Parse(urlPrefix); err != nil || !u.IsAbs() || u.Host == "" {
		return messageBus{}, fmt.Errorf("bus: url_prefix %q must be the archive's public URL (https://…): meetbot.meeting.complete carries it", urlPrefix)
	}
	cfg := bus.Config{
		URL: c.AMQPURL, CAFile: c.TLSCAFile, CertFile: c.TLSCertFile, KeyFile: c.TLSKeyFile,
		Exchange: c.Exchange, TopicPrefix: c.TopicPrefix, Dir: journalDir, Logger: logger,
	}
	if headless {
		cfg.OnStatus = (&busReporter{w: stderr}).report
	}
	o, err := bus.Open(cfg)
	var corrupt *bus.CorruptError
	if errors.As(err, &corrupt) && o != nil {
		fmt.Fprintln(stderr, "gavel:", err)
		err = nil
	}
	if err != nil {
		return messageBus{}, err
	}
	return messageBus{o}, nil
}

// busReporter writes a line to stderr when messages start or stop
// waiting, or when the reason changes (not at every retry).
type busReporter struct {
	w       io.Writer
	mu      sync.Mutex
	last    string
	waiting bool
}

func (r *busReporter) report(s bus.Status) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case s.Waiting > 0 && s.Err != nil:
		key := fmt.Sprint(s.Waiting, s.Err)
		if key == r.last {
			return
		}
		r.last, r.waiting = key, true
		noun := "messages"
		if s.Waiting == 1 {
			noun = "message"
		}
		fmt.Fprintf(r.w, "gavel: bus: %d %s waiting: %v (retrying)\n", s.Waiting, noun, s.Err)
	case s.Waiting == 0 && r.waiting:
		r.last, r.waiting = "", false
		fmt.Fprintln(r.w, "gavel: bus: all messages sent")
	}
}

// StatusLine is what the console shows of the bus: "" when it is off or
// nothing waits, else e.g. "bus: 2 messages waiting: … retry at 10:04:05".
func (b messageBus) StatusLine() string {
	if b.Outbox == nil {
		return ""
	}
	return b.Outbox.Status().String()
}
