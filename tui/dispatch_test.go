package tui

import (
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/emersion/go-smtp"

	"gavel/ircclient"
	"gavel/meeting"
	"gavel/meeting/dispatch"
	"gavel/meeting/live"
	"gavel/meeting/publish"
)

// mailbox is an SMTP server (go-smtp's) that keeps what it takes.
type mailbox struct {
	mu     sync.Mutex
	msgs   int
	port   int
	refuse bool // answer RCPT with 550
}

func (b *mailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return b, nil }
func (b *mailbox) Reset()                                      {}
func (b *mailbox) Logout() error                               { return nil }
func (b *mailbox) Mail(string, *smtp.MailOptions) error        { return nil }
func (b *mailbox) Rcpt(string, *smtp.RcptOptions) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.refuse {
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1}, Message: "no such list"}
	}
	return nil
}
func (b *mailbox) Data(r io.Reader) error {
	io.Copy(io.Discard, r)
	b.mu.Lock()
	b.msgs++
	b.mu.Unlock()
	return nil
}

func (b *mailbox) count() int { b.mu.Lock(); defer b.mu.Unlock(); return b.msgs }

func startMailbox(t *testing.T) *mailbox {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &mailbox{port: l.Addr().(*net.TCPAddr).Port}
	s := smtp.NewServer(b)
	s.Domain = "localhost"
	s.ErrorLog = log.New(io.Discard, "", 0)
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return b
}

// dispatchConsole is the console on the fake IRC client (through the IRC
// adapter) in #meet as chair, the live controller handing finished
// meetings to a dispatcher that mails box (sending without asking when
// auto), sized width by 40.
func dispatchConsole(t *testing.T, box *mailbox, auto bool, width int) (*Model, *dispatch.Dispatcher) {
	t.Helper()
	d, err := dispatch.Open(dispatch.Config{Dir: t.TempDir(), MinBackoff: 20 * time.Millisecond, Settings: func(string) dispatch.Settings {
		return dispatch.Settings{Auto: auto, Email: &dispatch.EmailSettings{Host: "127.0.0.1", Port: box.port, TLS: dispatch.TLSNone,
			From: "gavel@example.org", To: []string{"devel@lists.example.org"}}}
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	net := live.NewIRC(newFake()) // the fake takes the IRC adapter's path
	ctl, err := live.New(live.Config{Network: net, Archive: publish.New(t.TempDir(), meeting.StyleDefault, "https://meetbot.test/"), Bus: d})
	if err != nil {
		t.Fatal(err)
	}
	o := fixedOpts()
	o.Network, o.Glue, o.Nick, o.Server, o.Channels, o.Dispatch = net, ctl, "chair", "irc.test:6697", []string{"#meet"}, d
	m, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	m.Update(tea.WindowSizeMsg{Width: width, Height: 40})
	return m, d
}

// chairSays is the chair's own join of #meet and its lines there, one a
// second, as the network gives them.
func chairSays(lines ...string) eventsMsg {
	chair := ircclient.Source{Nick: "chair", Self: true}
	evs := []ircclient.Event{ircclient.Join{Meta: at(0), Source: chair, Channel: "#meet"}}
	for i, l := range lines {
		evs = append(evs, ircclient.Message{Meta: at(i + 1), Source: chair, Target: "#meet", Text: l})
	}
	return ev(evs...)
}

// waitDispatch waits until done holds, at most until deadline, failing
// with what the dispatcher holds.
func waitDispatch(t *testing.T, d *dispatch.Dispatcher, deadline time.Time, what string, done func() bool) {
	t.Helper()
	for !done() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: %+v", what, d.Entries())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestDispatchPreviewSendsOnOneKey: after #endmeeting the console shows
// each destination and what it gets, and "s" sends; /dispatch show lists
// the delivery; the status bar says what waits.
func TestDispatchPreviewSendsOnOneKey(t *testing.T) {
	box := startMailbox(t)
	m, d := dispatchConsole(t, box, false, 140)
	m.Update(chairSays("#startmeeting Infra", "#info deploys on Friday", "#endmeeting"))
	scr := screen(m)
	for _, want := range []string{"After the meeting", "mail to devel@lists.example.org", "subject: Infra meeting minutes", "s: send 1 delivery now", "dispatch: 1 to send"} {
		if !strings.Contains(scr, want) {
			t.Fatalf("the preview lacks %q:\n%s", want, scr)
		}
	}
	if box.count() != 0 {
		t.Fatal("sent before the key")
	}
	m.Update(press("s"))
	waitDispatch(t, d, time.Now().Add(10*time.Second), "not sent", func() bool { return box.count() != 0 && d.Status().Sent != 0 })
	m.Update(clockMsg(fixedNow))
	send(m, "/dispatch show")
	scr = screen(m)
	for _, want := range []string{"dispatch: sending 1 delivery", "dispatch: sent: mail to devel@lists.example.org", "[sent] mail to devel@lists.example.org", "1 attempt"} {
		if !strings.Contains(scr, want) {
			t.Errorf("screen lacks %q:\n%s", want, scr)
		}
	}
	if strings.Contains(scr, "dispatch: 1 to send") || box.count() != 1 {
		t.Errorf("after sending: %d mails\n%s", box.count(), scr)
	}
	send(m, "/dispatch")
	if !strings.Contains(screen(m), "nothing waits to be sent") {
		t.Errorf("/dispatch with nothing held:\n%s", screen(m))
	}
}

// TestDispatchRefusalSaidOnceAndRetried: a refused mail is said once in
// the channel's window, listed by /dispatch show with its error, and
// /dispatch retry sends it.
func TestDispatchRefusalSaidOnceAndRetried(t *testing.T) {
	box := startMailbox(t)
	box.refuse = true
	m, d := dispatchConsole(t, box, true, 160)
	m.Update(chairSays("#startmeeting Infra", "#endmeeting"))
	deadline := time.Now().Add(10 * time.Second)
	waitDispatch(t, d, deadline, "not refused", func() bool { return d.Status().Refused != 0 })
	for range 3 {
		m.Update(clockMsg(fixedNow))
	}
	scr := screen(m)
	if n := strings.Count(scr, "dispatch: refused: mail to devel@lists.example.org"); n != 1 || !strings.Contains(scr, "dispatch: 1 failed") {
		t.Fatalf("the refusal said %d times:\n%s", n, scr)
	}
	send(m, "/dispatch show")
	if !strings.Contains(screen(m), "[refused] mail to devel@lists.example.org") || !strings.Contains(screen(m), "last error: email:") {
		t.Fatalf("/dispatch show:\n%s", screen(m))
	}
	box.mu.Lock()
	box.refuse = false
	box.mu.Unlock()
	send(m, "/dispatch retry")
	waitDispatch(t, d, deadline, "not sent after retry", func() bool { return d.Status().Sent != 0 })
	m.Update(clockMsg(fixedNow))
	if scr := screen(m); !strings.Contains(scr, "dispatch: sending 1 delivery again") || !strings.Contains(scr, "dispatch: sent: mail to") || box.count() != 1 {
		t.Fatalf("after /dispatch retry (%d mails):\n%s", box.count(), scr)
	}
}
