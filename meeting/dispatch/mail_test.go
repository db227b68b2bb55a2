package dispatch

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"gavel/meeting/dispatch/smtpdtest"
	"gavel/meeting/publish"
)

func mailSettings(host string, port int) *EmailSettings {
	return &EmailSettings{Host: host, Port: port, From: "Gavel Bot <gavel@example.org>",
		To: []string{"devel@lists.example.org"}, Cc: []string{"Meeting Minutes <meetingminutes@lists.example.org>"},
		Subject: "{title} meeting minutes {date}", Timeout: 10 * time.Second}
}

// TestMailThroughOpenSMTPD sends the minutes to Debian's OpenSMTPD (a
// relay on the same machine, so tls = "none"; see smtpdtest on its TLS)
// and reads the message from the Maildir it delivered into.
func TestMailThroughOpenSMTPD(t *testing.T) {
	srv := smtpdtest.Start(t)
	start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	m, files := runMeeting(t, t.TempDir(), "#fedora-meeting", start, standardLines("https://pagure.io/fesco/issue/12")...)
	s := mailSettings("127.0.0.1", srv.Port)
	s.TLS = TLSNone
	d, evs := planned(t, Settings{Auto: true, Email: s}, "#fedora-meeting", m, files)
	ev := evs.wait(t, Sent, 30*time.Second)
	// One Maildir catches all: one copy for To, one for Cc.
	msgs := srv.WaitMessages(t, 2, 30*time.Second)
	if len(msgs) != 2 {
		t.Fatalf("%d messages in the Maildir, want 2 (to and cc)", len(msgs))
	}
	if a, b := msgs[0].Header.Get("Delivered-To"), msgs[1].Header.Get("Delivered-To"); a == b {
		t.Errorf("both copies delivered to %q", a)
	}
	msg := msgs[0]
	if got := msg.Header.Get("Message-ID"); got != ev.Ref || !strings.HasPrefix(got, "<gavel.") || !strings.HasSuffix(got, "@example.org>") {
		t.Errorf("Message-ID %q, sent ref %q", got, ev.Ref)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "Réunion ünïcode 会议 meeting minutes 2026-03-05"; subject != want {
		t.Errorf("subject %q, want %q (raw %q)", subject, want, msg.Header.Get("Subject"))
	}
	if !strings.Contains(msg.Header.Get("Cc"), "meetingminutes@lists.example.org") || !strings.Contains(msg.Header.Get("To"), "devel@lists.example.org") {
		t.Errorf("To %q Cc %q", msg.Header.Get("To"), msg.Header.Get("Cc"))
	}
	if ct := msg.Header.Get("Content-Type"); ct != "text/plain; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(body), "\r\n", "\n")
	lines := strings.Split(text, "\n")
	want := []string{"Minutes: " + urlOf(files, ".html"), "Minutes (text): " + urlOf(files, ".txt"), "Log: " + urlOf(files, ".log.html"), ""}
	for i, w := range want {
		if i >= len(lines) || lines[i] != w {
			t.Fatalf("body line %d = %q, want %q\n%s", i+1, lines[i], w, text)
		}
	}
	for _, w := range []string{"Réunion ünïcode 会议", "the outbox is durable", "carol to test it"} {
		if !strings.Contains(text, w) {
			t.Errorf("body lacks %q:\n%s", w, text)
		}
	}
	// Sent and recorded: a restart sends nothing again.
	d.Close()
	evs2 := newEvents()
	d2 := open(t, d.cfg.Dir, Settings{Auto: true, Email: s}, evs2)
	if fresh, err := d2.Plan("#fedora-meeting", m, files); err != nil || len(fresh) != 0 {
		t.Fatalf("planned again after it was sent: %v %v", fresh, err)
	}
	time.Sleep(300 * time.Millisecond)
	if n := len(srv.Messages(t)); n != 2 {
		t.Fatalf("%d messages after a restart, want 2", n)
	}
}

func urlOf(files []publish.File, ext string) string {
	for _, f := range files {
		if strings.HasSuffix(f.URL, ext) && !strings.HasSuffix(f.URL, ".log"+ext) {
			return f.URL
		}
	}
	return ""
}

// TestMailStartTLSWithCAFile: STARTTLS to a server whose certificate a
// test CA signed, trusted through ca_file; without it the certificate is
// refused once and nothing is sent.
func TestMailStartTLSWithCAFile(t *testing.T) {
	caFile, cert := smtpdtest.Certs(t, t.TempDir())
	srv := startSMTP(t, smtpBehaviour{tls: &tls.Config{Certificates: []tls.Certificate{cert}}})
	start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	m, files := runMeeting(t, t.TempDir(), "#chan", start, standardLines("")...)

	_, evs := planned(t, Settings{Auto: true, Email: mailSettings("localhost", srv.port)}, "#chan", m, files)
	ev := evs.wait(t, Refused, 10*time.Second)
	if !strings.Contains(ev.Err.Error(), "certificate") || srv.received() != 0 {
		t.Fatalf("an untrusted certificate: %v, %d messages", ev.Err, srv.received())
	}

	s := mailSettings("localhost", srv.port)
	s.CAFile = caFile
	_, evs = planned(t, Settings{Auto: true, Email: s}, "#chan", m, files)
	evs.wait(t, Sent, 10*time.Second)
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.msgs) != 1 || !srv.secure[0] {
		t.Fatalf("%d messages, over TLS: %v", len(srv.msgs), srv.secure)
	}
}

// TestMailStartTLSRequired refuses a server that does not offer
// STARTTLS, once, and keeps the mail.
func TestMailStartTLSRequired(t *testing.T) {
	srv := startSMTP(t, smtpBehaviour{})
	start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	m, files := runMeeting(t, t.TempDir(), "#chan", start, standardLines("")...)
	_, evs := planned(t, Settings{Auto: true, Email: mailSettings("127.0.0.1", srv.port)}, "#chan", m, files)
	ev := evs.wait(t, Refused, 10*time.Second)
	if !strings.Contains(ev.Err.Error(), "STARTTLS") {
		t.Errorf("refusal %v", ev.Err)
	}
	if srv.received() != 0 {
		t.Fatal("a message went out without TLS")
	}
}

// smtpBehaviour is what a go-smtp test server does with a message.
type smtpBehaviour struct {
	rcptCode  int         // refuse RCPT with this code (0: accept)
	dropAfter int         // close the connection after reading this many bytes of DATA, on the first connection (0: never)
	noAnswer  bool        // read the whole message, then close without answering
	dropConns int         // how many connections drop (with dropAfter)
	tls       *tls.Config // offer STARTTLS
}

type smtpServer struct {
	port   int
	mu     sync.Mutex
	msgs   [][]byte
	secure []bool // each message came over TLS
	conns  int
	b      smtpBehaviour
}

func (s *smtpServer) received() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.msgs)
}

func (s *smtpServer) NewSession(c *smtp.Conn) (smtp.Session, error) {
	s.mu.Lock()
	s.conns++
	n := s.conns
	s.mu.Unlock()
	return &smtpSession{s: s, c: c, n: n}, nil
}

type smtpSession struct {
	s *smtpServer
	c *smtp.Conn
	n int
}

func (x *smtpSession) Reset()        {}
func (x *smtpSession) Logout() error { return nil }
func (x *smtpSession) Mail(string, *smtp.MailOptions) error {
	return nil
}
func (s *smtpServer) behaviour() smtpBehaviour {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b
}

func (x *smtpSession) Rcpt(string, *smtp.RcptOptions) error {
	if c := x.s.behaviour().rcptCode; c != 0 {
		return &smtp.SMTPError{Code: c, EnhancedCode: smtp.EnhancedCode{c / 100, 1, 1}, Message: "no such list here"}
	}
	return nil
}
func (x *smtpSession) Data(r io.Reader) error {
	b := x.s.behaviour()
	if b.dropAfter > 0 && x.n <= max(1, b.dropConns) {
		io.CopyN(io.Discard, r, int64(b.dropAfter))
		x.c.Conn().Close()
		return errors.New("dropped")
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	x.s.mu.Lock()
	x.s.msgs = append(x.s.msgs, data)
	_, secure := x.c.TLSConnectionState()
	x.s.secure = append(x.s.secure, secure)
	x.s.mu.Unlock()
	if b.noAnswer {
		x.c.Conn().Close()
		return errors.New("gone")
	}
	return nil
}

// startSMTP starts a go-smtp server (plain text, no STARTTLS) on a
// loopback port.
func startSMTP(t testing.TB, b smtpBehaviour) *smtpServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{port: l.Addr().(*net.TCPAddr).Port, b: b}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.TLSConfig = b.tls
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return s
}

func plainSettings(port int) *EmailSettings {
	s := mailSettings("127.0.0.1", port)
	s.TLS = TLSNone
	return s
}

// TestMailRefusalIsKeptForRetry: a 550 is reported once, not retried
// alone, and sent again on Retry.
func TestMailRefusalIsKeptForRetry(t *testing.T) {
	srv := startSMTP(t, smtpBehaviour{rcptCode: 550})
	start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	m, files := runMeeting(t, t.TempDir(), "#chan", start, standardLines("")...)
	d, evs := planned(t, Settings{Auto: true, Email: plainSettings(srv.port)}, "#chan", m, files)
	ev := evs.wait(t, Refused, 10*time.Second)
	if !strings.Contains(ev.Err.Error(), "550") {
		t.Errorf("refusal %v", ev.Err)
	}
	time.Sleep(500 * time.Millisecond) // ten backoffs' worth: nothing may happen
	es := d.Entries()
	if len(es) != 1 || es[0].State != Refused || es[0].Attempts != 1 || evs.count(Refused) != 1 {
		t.Fatalf("after a refusal: %+v, %d refused events", es, evs.count(Refused))
	}
	// Restarted, it is still refused and kept.
	dir := d.cfg.Dir
	d.Close()
	d = open(t, dir, Settings{Auto: true, Email: plainSettings(srv.port)}, evs)
	if es := d.Entries(); len(es) != 1 || es[0].State != Refused || !strings.Contains(es[0].LastErr, "550") {
		t.Fatalf("after a restart: %+v", es)
	}
	srv.mu.Lock()
	srv.b.rcptCode = 0
	srv.mu.Unlock()
	if n, err := d.Retry(); n != 1 || err != nil {
		t.Fatalf("Retry: %d %v", n, err)
	}
	evs.wait(t, Sent, 10*time.Second)
	if srv.received() != 1 {
		t.Fatalf("%d messages, want 1", srv.received())
	}
}

// TestMailDroppedInData: a server that drops the connection in the middle
// of DATA gets the mail again once it takes it, and never two copies;
// when the drop comes too late to tell, the mail is held as unsure.
func TestMailDroppedInData(t *testing.T) {
	srv := startSMTP(t, smtpBehaviour{dropAfter: 200, dropConns: 2})
	start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	m, files := runMeeting(t, t.TempDir(), "#chan", start, standardLines("")...)
	d, evs := planned(t, Settings{Auto: true, Email: plainSettings(srv.port)}, "#chan", m, files)
	deadline := time.Now().Add(15 * time.Second)
	for {
		es := d.Entries()
		if es[0].State == Sent {
			if es[0].Attempts != 3 || srv.received() != 1 {
				t.Fatalf("sent after %d attempts, %d copies; want 3 and 1", es[0].Attempts, srv.received())
			}
			break
		}
		if es[0].State == Unsure {
			// The drop reached gavel only after its end of data.
			t.Logf("unsure after attempt %d: %s", es[0].Attempts, es[0].LastErr)
			if srv.received() != 0 {
				t.Fatal("unsure, yet the server kept a copy")
			}
			if _, err := d.Retry(); err != nil {
				t.Fatal(err)
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("not sent: %+v", es)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if evs.count(Refused) != 0 {
		t.Fatal("a drop was taken for a refusal")
	}
}

// TestMailWithoutAnswerIsUnsure: a server that takes the whole message
// and hangs up without answering may have it: gavel does not send it
// again by itself, says so, and Retry sends the same Message-ID.
func TestMailWithoutAnswerIsUnsure(t *testing.T) {
	srv := startSMTP(t, smtpBehaviour{noAnswer: true})
	start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	m, files := runMeeting(t, t.TempDir(), "#chan", start, standardLines("")...)
	evs := newEvents()
	dir := t.TempDir()
	d := open(t, dir, Settings{Auto: true, Email: plainSettings(srv.port)}, evs)
	if _, err := d.Plan("#chan", m, files); err != nil {
		t.Fatal(err)
	}
	evs.wait(t, Unsure, 10*time.Second)
	time.Sleep(300 * time.Millisecond)
	if srv.received() != 1 {
		t.Fatalf("%d copies, want 1", srv.received())
	}
	d.Close()
	d = open(t, dir, Settings{Auto: true, Email: plainSettings(srv.port)}, evs)
	time.Sleep(300 * time.Millisecond)
	if es := d.Entries(); len(es) != 1 || es[0].State != Unsure || srv.received() != 1 {
		t.Fatalf("after a restart: %+v, %d copies", es, srv.received())
	}
	srv.mu.Lock()
	srv.b.noAnswer = false
	srv.mu.Unlock()
	d.Retry()
	evs.wait(t, Sent, 10*time.Second)
	srv.mu.Lock()
	defer srv.mu.Unlock()
	if len(srv.msgs) != 2 || messageID(srv.msgs[0]) != messageID(srv.msgs[1]) || messageID(srv.msgs[0]) == "" {
		t.Fatalf("%d copies; Message-IDs %q", len(srv.msgs), messageID(srv.msgs[0]))
	}
}

func messageID(raw []byte) string {
	for _, l := range bytes.Split(raw, []byte("\r\n")) {
		if k, v, ok := strings.Cut(string(l), ": "); ok && strings.EqualFold(k, "Message-ID") {
			return v
		}
	}
	return ""
}

// TestMailSubjectEncoding: any script gives a subject that decodes back,
// with header lines within RFC 5322's limit.
func TestMailSubjectEncoding(t *testing.T) {
	for _, s := range []string{"plain ascii", "Réunion", "会议纪要 " + strings.Repeat("长", 60), "emoji 🎉 and \"quotes\"", "=?utf-8?q?not-a-word?="} {
		enc := encodeSubject(s)
		for _, l := range strings.Split(enc, "\r\n") {
			if len(l)+len("Subject: ") > 998 {
				t.Errorf("%q: header line of %d bytes", s, len(l))
			}
		}
		dec, err := new(mime.WordDecoder).DecodeHeader(strings.ReplaceAll(enc, "\r\n", ""))
		if err != nil || dec != s {
			t.Errorf("%q: encoded %q decodes to %q (%v)", s, enc, dec, err)
		}
	}
}

// TestMailServerAwayIsRetried: while nothing listens the mail waits and is
// retried with backoff, said once; it goes once the server is back.
func TestMailServerAwayIsRetried(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	m, files := runMeeting(t, t.TempDir(), "#chan", start, standardLines("")...)
	d, evs := planned(t, Settings{Auto: true, Email: plainSettings(port)}, "#chan", m, files)
	evs.wait(t, Queued, 10*time.Second)
	deadline := time.Now().Add(10 * time.Second)
	for d.Entries()[0].Attempts < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("not retried: %+v", d.Entries())
		}
		time.Sleep(10 * time.Millisecond)
	}
	if d.Status().Queued != 1 || !strings.Contains(d.Status().String(), "waiting") {
		t.Errorf("status %+v %q", d.Status(), d.Status())
	}
	l, err = net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{port: port}
	srv := smtp.NewServer(s)
	srv.Domain = "localhost"
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	evs.wait(t, Sent, 10*time.Second)
	if s.received() != 1 {
		t.Fatalf("%d copies", s.received())
	}
	n := 0
	for _, ev := range evs.all() {
		if ev.State == Queued && ev.Err != nil {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the trouble was said %d times, want once", n)
	}
}
