package dispatch

// Mail goes out through github.com/emersion/go-smtp's client (the
// standard library's net/smtp is frozen): it dials with a context,
// speaks STARTTLS on a connection gavel made, returns the server's
// replies as *smtp.SMTPError with their codes, and lets gavel record the
// point of no return between writing the data and sending its end.

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"syscall"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// CheckEmail checks settings without touching the network.
func CheckEmail(s EmailSettings) error {
	if s.Host == "" {
		return errors.New("email: no host")
	}
	switch s.TLS {
	case "", TLSStartTLS, TLSImplicit, TLSNone:
	default:
		return fmt.Errorf("email: tls = %q: want starttls, tls or none", s.TLS)
	}
	if s.TLS == TLSNone && s.User != "" {
		return errors.New("email: a password is never sent without TLS (tls = \"none\" with a user)")
	}
	if s.TLS == TLSNone && s.CAFile != "" {
		return errors.New("email: ca_file is set but tls = \"none\"")
	}
	if s.From == "" || len(s.To) == 0 {
		return errors.New("email: from and to are needed")
	}
	if s.CAFile != "" {
		if _, err := tlsConfig(s); err != nil {
			return err
		}
	}
	return CheckTemplate(s.Subject)
}

func tlsConfig(s EmailSettings) (*tls.Config, error) {
	tc := &tls.Config{ServerName: s.Host, MinVersion: tls.VersionTLS12}
	if s.CAFile != "" {
		pem, err := os.ReadFile(s.CAFile)
		if err != nil {
			return nil, fmt.Errorf("email: ca_file: %w", err)
		}
		tc.RootCAs = x509.NewCertPool()
		if !tc.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("email: ca_file %s: no PEM certificate in it", s.CAFile)
		}
	}
	return tc, nil
}

func port(s EmailSettings) int {
	if s.Port != 0 {
		return s.Port
	}
	switch s.TLS {
	case TLSImplicit:
		return 465
	case TLSNone:
		return 25
	}
	return 587
}

// sendMail sends one message. A 5xx answer is a refusal; a 4xx, a
// network failure or a timeout before the end of data is worth a retry;
// losing the connection after it leaves the mail unsure.
func sendMail(ctx context.Context, s EmailSettings, m *Email, a Attempt) (string, error) {
	if m == nil {
		return "", &RefusedError{errors.New("email: the delivery holds no message")}
	}
	tc, err := tlsConfig(s)
	if err != nil {
		return "", &RefusedError{err}
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	addr := net.JoinHostPort(s.Host, strconv.Itoa(port(s)))
	dialer := &net.Dialer{Timeout: timeout}
	var conn net.Conn
	if s.TLS == TLSImplicit {
		conn, err = (&tls.Dialer{NetDialer: dialer, Config: tc}).DialContext(ctx, "tcp", addr)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return "", tlsOr(fmt.Errorf("email: connecting to %s: %w", addr, err))
	}
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	conn.SetDeadline(time.Now().Add(timeout))
	var c *smtp.Client
	switch s.TLS {
	case TLSNone, TLSImplicit:
		c = smtp.NewClient(conn)
	default:
		c, err = smtp.NewClientStartTLS(conn, tc)
		if err != nil {
			conn.Close()
			if !isSMTP(err) && !isNet(err) {
				// No STARTTLS offered, or a certificate gavel cannot
				// trust: the settings must change, not the weather.
				return "", &RefusedError{fmt.Errorf("email: %s: STARTTLS: %w", addr, err)}
			}
			return "", smtpErr(addr, "STARTTLS", err)
		}
	}
	defer c.Close()
	conn.SetDeadline(time.Time{})
	c.CommandTimeout = timeout
	c.SubmissionTimeout = 5 * timeout
	if err := c.Hello(helloName()); err != nil {
		return "", smtpErr(addr, "EHLO", err)
	}
	if s.User != "" {
		if ok, _ := c.Extension("AUTH"); !ok {
			return "", &RefusedError{fmt.Errorf("email: %s offers no login (AUTH) and a user is set", addr)}
		}
		if err := c.Auth(sasl.NewPlainClient("", s.User, s.Password)); err != nil {
			return "", smtpErr(addr, "AUTH", err)
		}
	}
	if err := c.Mail(m.From, nil); err != nil {
		return "", smtpErr(addr, "MAIL FROM", err)
	}
	for _, r := range m.To {
		if err := c.Rcpt(r, nil); err != nil {
			return "", smtpErr(addr, "RCPT TO:<"+r+">", err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return "", smtpErr(addr, "DATA", err)
	}
	if _, err := w.Write(m.Data); err != nil {
		return "", smtpErr(addr, "sending the message", err)
	}
	if a.Commit != nil {
		if err := a.Commit(); err != nil {
			return "", err // the end of data never left: a retry is safe
		}
	}
	if err := w.Close(); err != nil {
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			return "", smtpErr(addr, "the end of data", err)
		}
		return "", &UnsureError{fmt.Errorf("email: %s: the connection failed after the end of the message, before the server said whether it took it: %w", addr, err)}
	}
	c.Quit()
	return m.MessageID, nil
}

func helloName() string {
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return "localhost"
}

func isSMTP(err error) bool {
	var se *smtp.SMTPError
	return errors.As(err, &se)
}

// isNet reports a failure of the connection itself (worth a retry).
func isNet(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, net.ErrClosed) || errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET)
}

// tlsOr makes a certificate failure a refusal.
func tlsOr(err error) error {
	var cv *tls.CertificateVerificationError
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	if errors.As(err, &cv) || errors.As(err, &ua) || errors.As(err, &hn) {
		return &RefusedError{err}
	}
	return err
}

// smtpErr sorts an SMTP failure: 5xx refuses, the rest retries.
func smtpErr(addr, step string, err error) error {
	e := fmt.Errorf("email: %s: %s: %w", addr, step, err)
	var se *smtp.SMTPError
	if errors.As(err, &se) && se.Code >= 500 && se.Code < 600 {
		return &RefusedError{e}
	}
	return tlsOr(e)
}
