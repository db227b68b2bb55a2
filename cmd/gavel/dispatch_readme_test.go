package main

import (
	"crypto/tls"
	"errors"
	"io"
	"log"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"gavel/meeting"
	"gavel/meeting/dispatch"
	"gavel/meeting/dispatch/smtpdtest"
	"gavel/meeting/publish"
)

// tlsMailbox is go-smtp's server offering STARTTLS, keeping each
// message's envelope recipients.
type tlsMailbox struct {
	mu     sync.Mutex
	rcpts  [][]string
	cur    []string
	logins []string
}

// AuthMechanisms and Auth take a PLAIN login (over TLS only: go-smtp
// offers AUTH once STARTTLS is done).
func (b *tlsMailbox) AuthMechanisms() []string { return []string{sasl.Plain} }
func (b *tlsMailbox) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != "gavel" || pass != "hunter2" {
			return errors.New("bad login")
		}
		b.mu.Lock()
		b.logins = append(b.logins, user)
		b.mu.Unlock()
		return nil
	}), nil
}

func (b *tlsMailbox) NewSession(*smtp.Conn) (smtp.Session, error) { return b, nil }
func (b *tlsMailbox) Reset()                                      { b.cur = nil }
func (b *tlsMailbox) Logout() error                               { return nil }
func (b *tlsMailbox) Mail(string, *smtp.MailOptions) error        { return nil }
func (b *tlsMailbox) Rcpt(to string, _ *smtp.RcptOptions) error {
	b.cur = append(b.cur, to)
	return nil
}
func (b *tlsMailbox) Data(r io.Reader) error {
	io.Copy(io.Discard, r)
	b.mu.Lock()
	b.rcpts = append(b.rcpts, b.cur)
	b.mu.Unlock()
	return nil
}

// The README's "After the meeting" config, as written, is read with every
// key known and its secrets found where it says; pointed at servers on
// this machine (host, port, forum URL and forge host replaced, nothing
// else), it sends a #fedora-coreos meeting to all three destinations.
func TestDispatchREADME(t *testing.T) {
	sec := readmeSection(t, "After the meeting")
	_, block, ok := strings.Cut(sec, "```toml\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("no toml block in the After the meeting section")
	}
	home := t.TempDir()
	t.Setenv("HOME", home)
	conf := filepath.Join(home, ".config", "gavel")
	os.MkdirAll(conf, 0o700)
	caFile, cert := smtpdtest.Certs(t, t.TempDir())
	ca, _ := os.ReadFile(caFile)
	os.WriteFile(filepath.Join(conf, "smtp-ca.pem"), ca, 0o600)
	os.WriteFile(filepath.Join(conf, "smtp-password"), []byte("hunter2\n"), 0o600)
	os.WriteFile(filepath.Join(conf, "forgejo-token"), []byte("forge-token\n"), 0o600)
	env := map[string]string{"GAVEL_DISCOURSE_KEY": "forum-key", "GAVEL_PAGURE_TOKEN": "pagure-token"}
	getenv := func(k string) string { return env[k] }
	var warnings []string
	warn := func(w string) { warnings = append(warnings, w) }

	load := func(text string) func(string) dispatch.Settings {
		t.Helper()
		p := filepath.Join(t.TempDir(), "config.toml")
		os.WriteFile(p, []byte(text), 0o600)
		cfg, _, err := loadConfig(p, true)
		if err != nil {
			t.Fatal(err)
		}
		s, some, err := dispatchSettings(cfg, false, getenv, warn)
		if err != nil || !some {
			t.Fatalf("the README's config: %v", err)
		}
		return s
	}
	s := load(block)
	if len(warnings) > 0 {
		t.Errorf("warnings: %q", warnings)
	}
	g, c := s("#fedora-meeting"), s("#fedora-coreos")
	if g.Auto || g.Email.Password != "hunter2" || g.Discourse.Key != "forum-key" || g.Tickets.Tokens["pagure.io"] != "pagure-token" ||
		g.Tickets.Tokens["forge.fedoraproject.org"] != "forge-token" || c.Email.To[0] != "coreos@lists.fedoraproject.org" || c.Email.Host != "smtp.example.org" {
		t.Fatalf("the README's config reads as %+v / %+v", g, c)
	}

	// Servers on this machine in the README's hosts' places.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	box := &tlsMailbox{}
	ms := smtp.NewServer(box)
	ms.Domain = "localhost"
	ms.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}}
	ms.ErrorLog = log.New(io.Discard, "", 0)
	go ms.Serve(l)
	defer ms.Close()
	forum := newE2EForum(t, func() bool { return true }, func() {})
	forge := newE2EForge(t, func() bool { return true }, func() {})
	fu, _ := url.Parse(forge.URL)
	local := strings.NewReplacer(
		`"smtp.example.org"`, `"localhost"`,
		"port          = 587", "port          = "+strconv.Itoa(l.Addr().(*net.TCPAddr).Port),
		`"https://discussion.fedoraproject.org"`, strconv.Quote(forum.URL),
		`"forge.fedoraproject.org"`, strconv.Quote(fu.Host),
	).Replace(block)
	if local == block {
		t.Fatal("the README's hosts were not found")
	}
	env["GAVEL_DISCOURSE_KEY"] = "forum-key"
	s = load(local)

	d, err := dispatch.Open(dispatch.Config{Dir: t.TempDir(), Settings: s})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	eng := meeting.NewEngine(meeting.Options{Channel: "#fedora-coreos", URLPrefix: "https://meetbot.example/"})
	arch := publish.New(t.TempDir(), meeting.StyleDefault, "https://meetbot.example/")
	var sess *publish.Session
	var files []publish.File
	at := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	for _, line := range []string{"#startmeeting fedora_coreos_meeting", "#topic #12 Release " + forge.URL + "/fesco/tickets/issues/12", "#agreed ship it", "#endmeeting"} {
		at = at.Add(time.Second)
		for _, eff := range eng.Handle(meeting.Message{Time: at, Nick: "dustymabe", Text: line}) {
			switch eff.Kind {
			case meeting.EffectLog:
				if sess == nil {
					if sess, err = arch.Open(eng.Meeting()); err != nil {
						t.Fatal(err)
					}
				}
				sess.Log(eff.Line)
			case meeting.EffectEnd:
				if files, err = sess.Finish(eng.Meeting()); err != nil {
					t.Fatal(err)
				}
				sess.Close()
			}
		}
	}
	planned, err := d.Plan("#fedora-coreos", eng.Meeting(), files)
	if err != nil || len(planned) != 3 {
		t.Fatalf("planned %d: %v", len(planned), err)
	}
	if n, err := d.Approve(); n != 3 || err != nil {
		t.Fatalf("Approve: %d %v", n, err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for d.Status().Sent < 3 {
		if time.Now().After(deadline) {
			t.Fatalf("not sent: %+v", d.Entries())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, e := range d.Entries() {
		if strings.Contains(e.Ref, "(") {
			t.Errorf("%s: %s", e.Delivery.Dest, e.Ref)
		}
	}
	box.mu.Lock()
	defer box.mu.Unlock()
	ncomments, nlabels := forge.count()
	if len(box.logins) != 1 || len(box.rcpts) != 1 || strings.Join(box.rcpts[0], ",") != "coreos@lists.fedoraproject.org,devel@lists.fedoraproject.org,meetingminutes@lists.fedoraproject.org" ||
		forum.count() != 1 || ncomments != 1 || nlabels != 0 {
		t.Fatalf("mail to %v, %d topics, %d comments, %d labels left", box.rcpts, forum.count(), ncomments, nlabels)
	}
}
