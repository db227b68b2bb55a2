package ircclient

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"
)

// DefaultCaps are the IRCv3 capabilities requested when Config.Caps is nil.
var DefaultCaps = []string{"server-time", "message-tags", "account-tag", "echo-message", "batch", "labeled-response", "multi-prefix", "sasl"}

// Config describes one IRC connection. Start from DefaultConfig.
type Config struct {
	Server string // host name or address
	Port   int    // 0 means 6697 with TLS, 6667 without

	TLS                   bool   // on by default
	TLSCAFile             string // optional PEM file of extra trusted CAs (added to the system roots)
	TLSInsecureSkipVerify bool   // tests only: accept any certificate
	TLSCertFile           string // optional client certificate (PEM) ...
	TLSKeyFile            string // ... and its key
	TLSServerName         string // overrides the name checked in the certificate (default Server)

	// ServerPassword is sent as PASS before registration: a server's
	// connection password, or a bouncer's login ("user/network:password"
	// for ZNC). Never logged, like SASLPassword.
	ServerPassword string

	Nick     string
	AltNicks []string // tried in order when Nick is taken; then Nick_ , Nick__ ...
	User     string   // default Nick
	RealName string   // default "gavel"

	// SASL PLAIN. When SASLAccount is set, a connection without a successful
	// login is a fatal error (ErrSASL), never a silent anonymous connect.
	SASLAccount  string
	SASLPassword string // never logged; Config's String and LogValue redact it

	Channels []string // joined on connect and after every reconnect

	Caps []string // nil means DefaultCaps

	// Send pacing: a token bucket of SendBurst lines refilled at SendRate
	// lines per second. SendUnpaced switches pacing off (tests, benchmarks).
	SendBurst    int
	SendRate     float64
	SendUnpaced  bool
	SendQueueMax int // lines waiting in the paced queue before Say & co. fail with ErrQueueFull

	// Reconnect backoff: ReconnectMin doubled per failed attempt up to
	// ReconnectMax, each delay randomised by ±ReconnectJitter (0..1).
	// MaxReconnects > 0 gives up after that many consecutive failures.
	NoReconnect     bool
	ReconnectMin    time.Duration
	ReconnectMax    time.Duration
	ReconnectJitter float64
	MaxReconnects   int
	StableAfter     time.Duration // a connection up this long (from 001) resets the backoff

	DialTimeout time.Duration // TCP connect, then TLS handshake (each)
	RegTimeout  time.Duration // from connect to 001 (includes CAP and SASL)
	KeepAlive   time.Duration // send PING after this long without any line from the server
	Timeout     time.Duration // give up on the server after this long without any line after our PING
	LagInterval time.Duration // how often to PING to measure the lag (Client.Lag); 0 turns it off

	// RegainInterval is how often to ask (ISON) whether the configured
	// nick is free again while the server gave us another one, on servers
	// without MONITOR (with MONITOR the server says when); 0 means 30 s.
	RegainInterval time.Duration

	EventBuffer int    // capacity of the Events channel (never drops; see package doc)
	RawEvents   bool   // also emit Raw for lines that have no typed event
	QuitMessage string // default quit message for Run's context cancellation
}

// DefaultConfig returns a Config with TLS on, the default caps and pacing that
// stays under common server flood limits: a burst of 5 lines, then one line
// every 2 s. That is the strictest common default measured: stock InspIRCd 3
// (commandrate 1000, threshold 10, each PRIVMSG/JOIN costs 2000) allows a
// burst of 5, then 0.5 lines/s, and disconnects with "RecvQ exceeded" once
// the backlog passes its recvq; ergo allows 2/s, solanum about 1/s.
func DefaultConfig() Config {
	return Config{
		TLS:             true,
		RealName:        "gavel",
		SendBurst:       5,
		SendRate:        0.5,
		SendQueueMax:    10000,
		ReconnectMin:    2 * time.Second,
		ReconnectMax:    5 * time.Minute,
		ReconnectJitter: 0.2,
		StableAfter:     2 * time.Minute,
		DialTimeout:     15 * time.Second,
		RegTimeout:      60 * time.Second,
		KeepAlive:       90 * time.Second,
		Timeout:         60 * time.Second,
		LagInterval:     30 * time.Second,
		EventBuffer:     4096,
		QuitMessage:     "gavel",
	}
}

// Validate reports every problem in c, joined.
func (c Config) Validate() error {
	var errs []error
	bad := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if strings.TrimSpace(c.Server) == "" {
		bad("server is empty")
	}
	if c.Port < 0 || c.Port > 65535 {
		bad("port %d out of range 1-65535", c.Port)
	}
	if err := validNick(c.Nick); err != nil {
		bad("nick: %w", err)
	}
	for _, n := range c.AltNicks {
		if err := validNick(n); err != nil {
			bad("alternative nick: %w", err)
		}
	}
	if strings.ContainsAny(c.User, " \r\n\x00@") {
		bad("user %q contains a space, @ or control character", c.User)
	}
	if strings.ContainsAny(c.RealName, "\r\n\x00") {
		bad("realname contains a line break or NUL")
	}
	if c.SASLAccount != "" && c.SASLPassword == "" {
		bad("SASL account %q has no password", c.SASLAccount)
	}
	if c.SASLAccount == "" && c.SASLPassword != "" {
		bad("SASL password given without an account")
	}
	if strings.ContainsAny(c.ServerPassword, "\x00\r\n") {
		bad("server password contains NUL or a line break")
	}
	if strings.ContainsAny(c.SASLAccount, "\x00\r\n") {
		bad("SASL account contains NUL or a line break")
	}
	for _, ch := range c.Channels {
		if ch == "" || strings.ContainsAny(ch, " ,\x07\r\n\x00") {
			bad("channel %q is empty or contains a space, comma or control character", ch)
		}
	}
	if (c.TLSCertFile == "") != (c.TLSKeyFile == "") {
		bad("client certificate needs both a cert file and a key file")
	}
	if !c.TLS && (c.TLSCertFile != "" || c.TLSCAFile != "" || c.TLSInsecureSkipVerify) {
		bad("TLS options given but TLS is off")
	}
	if !c.SendUnpaced {
		if c.SendBurst < 1 {
			bad("send burst %d must be at least 1", c.SendBurst)
		}
		if !(c.SendRate > 0) {
			bad("send rate %v lines/s must be positive", c.SendRate)
		}
	}
	if c.SendQueueMax < 1 {
		bad("send queue max %d must be at least 1", c.SendQueueMax)
	}
	if !c.NoReconnect {
		if c.ReconnectMin <= 0 || c.ReconnectMax < c.ReconnectMin {
			bad("reconnect backoff min %v / max %v: need 0 < min <= max", c.ReconnectMin, c.ReconnectMax)
		}
		if c.ReconnectJitter < 0 || c.ReconnectJitter > 1 {
			bad("reconnect jitter %v must be within 0..1", c.ReconnectJitter)
		}
		if c.StableAfter <= 0 {
			bad("stable-after %v must be positive", c.StableAfter)
		}
	}
	if c.DialTimeout <= 0 || c.RegTimeout <= 0 || c.KeepAlive <= 0 || c.Timeout <= 0 {
		bad("dial timeout, registration timeout, keepalive and timeout must all be positive")
	}
	if c.EventBuffer < 1 {
		bad("event buffer %d must be at least 1", c.EventBuffer)
	}
	if len(errs) == 0 {
		return nil
	}
	return fmt.Errorf("ircclient config: %w", errors.Join(errs...))
}

func validNick(n string) error {
	switch {
	case n == "":
		return errors.New("empty")
	case strings.ContainsAny(n, " ,*?!@.:#&\r\n\x00"):
		return fmt.Errorf("%q contains a character not allowed in nicks", n)
	case n[0] == '$' || (n[0] >= '0' && n[0] <= '9') || n[0] == '-':
		return fmt.Errorf("%q starts with a character not allowed in nicks", n)
	}
	return nil
}

// Addr is the host:port dialled.
func (c Config) Addr() string {
	port := c.Port
	if port == 0 {
		port = 6667
		if c.TLS {
			port = 6697
		}
	}
	return fmt.Sprintf("%s:%d", strings.Trim(c.Server, "[]"), port)
}

// tlsConfig builds the client TLS configuration from the config's files.
func (c Config) tlsConfig() (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12, ServerName: c.TLSServerName, InsecureSkipVerify: c.TLSInsecureSkipVerify}
	if tc.ServerName == "" {
		tc.ServerName = strings.Trim(c.Server, "[]")
	}
	if c.TLSCAFile != "" {
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		pem, err := os.ReadFile(c.TLSCAFile)
		if err != nil {
			return nil, fmt.Errorf("read TLS CA file: %w", err)
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("TLS CA file %s: no PEM certificates found", c.TLSCAFile)
		}
		tc.RootCAs = pool
	}
	if c.TLSCertFile != "" {
		cert, err := tls.LoadX509KeyPair(c.TLSCertFile, c.TLSKeyFile)
		if err != nil {
			return nil, fmt.Errorf("load TLS client certificate: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// String describes c without the SASL password.
func (c Config) String() string {
	return fmt.Sprintf("ircclient.Config{%s tls=%t nick=%s sasl=%q channels=%d}", c.Addr(), c.TLS, c.Nick, c.SASLAccount, len(c.Channels))
}

// LogValue keeps the SASL password out of slog output.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("addr", c.Addr()), slog.Bool("tls", c.TLS), slog.String("nick", c.Nick),
		slog.String("sasl_account", c.SASLAccount), slog.Int("channels", len(c.Channels)),
	)
}

// GoString keeps the SASL password out of %#v.
func (c Config) GoString() string { return c.String() }
