package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"gavel/ircclient/ircdtest"
	"gavel/meeting/dispatch"
)

// killer SIGKILLs the running gavel once per destination, at the moment
// the destination has taken the delivery and before gavel hears so. The
// destinations take their deliveries in turn (mail, forum, ticket), each in
// a gavel of its own: a kill meant for one never cuts another delivery
// short while it is on the wire (a mail cut in the middle of DATA would be
// unsure, held, and never reach the server).
type killer struct {
	mu     sync.Mutex
	cmd    *exec.Cmd
	killed *exec.Cmd // the gavel the last kill was for
	fired  map[string]bool
	kills  int
}

// killOrder is the order in which the destinations take their deliveries.
var killOrder = []string{"mail", "forum", "ticket"}

// turn reports whether what may take its delivery now: every destination
// before it has had its kill, and the gavel asking was started after the
// last kill. A destination whose turn it is not answers "try again later"
// without taking anything.
func (k *killer) turn(what string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.fired[what] {
		return true
	}
	for _, d := range killOrder {
		if d == what {
			break
		}
		if !k.fired[d] {
			return false
		}
	}
	return k.cmd != nil && k.cmd != k.killed
}

func (k *killer) set(cmd *exec.Cmd) { k.mu.Lock(); k.cmd = cmd; k.mu.Unlock() }

// once kills gavel the first time what is taken.
func (k *killer) once(what string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.fired[what] || k.cmd == nil {
		return
	}
	k.fired[what] = true
	k.kills++
	k.killed = k.cmd
	k.cmd.Process.Signal(syscall.SIGKILL)
}

// e2eMail is an SMTP server that keeps what it takes.
type e2eMail struct {
	k    *killer
	mu   sync.Mutex
	msgs [][]byte
}

func (s *e2eMail) NewSession(*smtp.Conn) (smtp.Session, error) { return s, nil }
func (s *e2eMail) Reset()                                      {}
func (s *e2eMail) Logout() error                               { return nil }
func (s *e2eMail) Mail(string, *smtp.MailOptions) error        { return nil }
func (s *e2eMail) Rcpt(string, *smtp.RcptOptions) error        { return nil }
func (s *e2eMail) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if !s.k.turn("mail") {
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "not yet"}
	}
	s.mu.Lock()
	s.msgs = append(s.msgs, b)
	s.mu.Unlock()
	s.k.once("mail") // taken: gavel dies before the 250 reaches it
	return nil
}

// The real binary with all three destinations, killed by each one right
// after it took its delivery and before gavel could record it, restarted
// each time: no destination gets a second copy (one mail with its
// Message-ID, one Discourse topic, one ticket comment), the mail whose
// answer never came is said to be unsure, and the rest is sent.
func TestDispatchThroughTheBinaryKilledBeforeRecording(t *testing.T) {
	srv := ircdtest.StartNgircd(t)
	bin := buildGavel(t)
	k := &killer{fired: map[string]bool{}}

	// Mail.
	ml, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mail := &e2eMail{k: k}
	ms := smtp.NewServer(mail)
	ms.Domain = "localhost"
	ms.ErrorLog = log.New(io.Discard, "", 0)
	go ms.Serve(ml)
	defer ms.Close()

	forum := newE2EForum(t, func() bool { return k.turn("forum") }, func() { k.once("forum") })
	forge := newE2EForge(t, func() bool { return k.turn("ticket") }, func() { k.once("ticket") })
	fu, _ := url.Parse(forge.URL)

	dir := t.TempDir()
	archive, state := filepath.Join(dir, "archive"), t.TempDir()
	config := testConfig{Port: srv.Port, Nick: "gavelbot", Archive: archive, URLPrefix: "https://meetbot.example/", Tables: fmt.Sprintf(`[dispatch.email]
host = "127.0.0.1"
port = %d
tls = "none"
from = "Gavel <gavel@example.org>"
to = ["devel@lists.example.org"]

[dispatch.discourse]
url = %q
api_username = "gavel"
api_key_env = "GAVEL_E2E_FORUM_KEY"
category = 6
tags = ["meeting"]

[dispatch.tickets]
remove_label = true

[dispatch.tickets.tokens.%q]
token_env = "GAVEL_E2E_FORGE_TOKEN"
`, ml.Addr().(*net.TCPAddr).Port, forum.URL, fu.Host)}.write(t, dir)

	// run starts gavel, the one the killer kills.
	run := func() *headless {
		h := runHeadless(t, bin, []string{"XDG_STATE_HOME=" + state, "GAVEL_E2E_FORUM_KEY=forum-key", "GAVEL_E2E_FORGE_TOKEN=forge-token"},
			"--config", config, "--log", filepath.Join(dir, "gavel.log"))
		k.set(h.cmd)
		return h
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	alice := ircdtest.Joined(t, ctx, srv.Addr(), "alice", "#meet")
	say := func(text string) { alice.Send("PRIVMSG #meet :" + text) }

	g := run()
	alice.Expect(t, ":gavelbot!")
	say("#startmeeting Dispatch e2e")
	say("#topic #12 Send the minutes " + forge.URL + "/fesco/tickets/issues/12")
	say("#agreed they go once")
	say("#endmeeting")

	// Each kill is followed by a restart, until gavel lives through the
	// round and says everything went.
	var said []string
	for round := 0; round < 5; round++ {
		quiet := time.After(10 * time.Second)
		killed := false
	wait:
		for {
			select {
			case l, ok := <-g.lines:
				if ok {
					if strings.Contains(l, "dispatch:") {
						said = append(said, l)
					}
					continue
				}
				// Its stderr closed: it died, of a signal.
				err := <-g.exit
				g.exit <- err // for the cleanup
				var ee *exec.ExitError
				if !errors.As(err, &ee) {
					t.Fatalf("gavel ended: %v", err)
				}
				killed = true
				break wait
			case <-quiet:
				break wait
			}
		}
		if !killed {
			break
		}
		g = run()
	}
	if k.kills != 3 {
		t.Errorf("%d kills, want one per destination (3); stderr: %q", k.kills, said)
	}
	mail.mu.Lock()
	nmail := len(mail.msgs)
	mail.mu.Unlock()
	ntopics := forum.count()
	ncomments, nlabels := forge.count()
	if nmail != 1 || ntopics != 1 || ncomments != 1 || nlabels != 0 {
		t.Fatalf("%d mails, %d topics, %d comments, labels left %d; want 1, 1, 1, 0\nstderr: %q", nmail, ntopics, ncomments, nlabels, said)
	}
	// The mail is held as unsure (said at every start while it is);
	// the outbox holds nothing else. (A "sent" line may die with the
	// process that recorded it: the counts above prove those.)
	joined := strings.Join(said, "\n")
	if !strings.Contains(joined, "dispatch: unsure: mail to devel@lists.example.org") {
		t.Errorf("stderr does not say the mail is unsure:\n%s", joined)
	}
	boxes, _ := filepath.Glob(filepath.Join(state, "*", "journal", "*", dispatch.OutboxName))
	if len(boxes) != 1 {
		t.Fatalf("outboxes %v", boxes)
	}
	f, err := os.Open(boxes[0])
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := dispatch.ReadOutbox(f)
	if err != nil || len(c.Entries) != 1 || len(c.Done) != 2 {
		t.Fatalf("outbox: %d waiting, %d done, %v", len(c.Entries), len(c.Done), err)
	}
}

// e2eForum is Discourse's topic API as gavel uses it: POST /posts.json
// makes a topic (taken is called once it is made, before the answer), GET
// /t/external_id/<id>.json finds it.
type e2eForum struct {
	*httptest.Server
	mu     sync.Mutex
	topics map[string]int
	tags   map[int][]string
}

func (f *e2eForum) count() int { f.mu.Lock(); defer f.mu.Unlock(); return len(f.topics) }

func newE2EForum(t *testing.T, mayTake func() bool, taken func()) *e2eForum {
	f := &e2eForum{topics: map[string]int{}, tags: map[int][]string{}}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if r.Header.Get("Api-Key") != "forum-key" {
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"errors":["invalid key"],"error_type":"invalid_access"}`))
			return
		}
		switch {
		case r.Method == http.MethodPost && r.URL.Path == "/posts.json":
			var req struct {
				ExternalID string   `json:"external_id"`
				Tags       []string `json:"tags"`
			}
			json.NewDecoder(r.Body).Decode(&req)
			if !mayTake() {
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write([]byte(`{"errors":["try again later"]}`))
				return
			}
			if _, ok := f.topics[req.ExternalID]; ok {
				w.WriteHeader(http.StatusUnprocessableEntity)
				w.Write([]byte(`{"errors":["External ID has already been taken"]}`))
				return
			}
			f.topics[req.ExternalID] = 900 + len(f.topics)
			f.tags[f.topics[req.ExternalID]] = req.Tags
			taken()
			fmt.Fprintf(w, `{"id":1,"topic_id":%d,"topic_slug":"minutes"}`, f.topics[req.ExternalID])
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/t/external_id/"):
			id, ok := f.topics[strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/t/external_id/"), ".json")]
			if !ok {
				w.WriteHeader(http.StatusNotFound)
				w.Write([]byte(`{"errors":["not found"],"error_type":"not_found"}`))
				return
			}
			fmt.Fprintf(w, `{"id":%d,"slug":"minutes"}`, id)
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/t/"):
			var id int
			fmt.Sscanf(strings.TrimPrefix(r.URL.Path, "/t/"), "%d.json", &id)
			tags, ok := f.tags[id]
			if !ok {
				w.WriteHeader(http.StatusNotFound)
				w.Write([]byte(`{"errors":["not found"],"error_type":"not_found"}`))
				return
			}
			json.NewEncoder(w).Encode(map[string]any{"id": id, "slug": "minutes", "tags": tags})
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"errors":["not found"]}`))
		}
	}))
	t.Cleanup(f.Close)
	return f
}

// e2eForge is a Forgejo holding ticket #12 of fesco/tickets with the
// "meeting" label (taken is called once a comment is made, before the
// answer).
type e2eForge struct {
	*httptest.Server
	mu       sync.Mutex
	comments []string
	labels   []string
}

func (f *e2eForge) count() (comments, labels int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.comments), len(f.labels)
}

func newE2EForge(t *testing.T, mayTake func() bool, taken func()) *e2eForge {
	f := &e2eForge{labels: []string{"meeting"}}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		const api = "/api/v1/repos/fesco/tickets/issues/12"
		if r.Header.Get("Authorization") != "token forge-token" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"message":"token is required"}`))
			return
		}
		switch {
		case r.Method == http.MethodPost && r.URL.Path == api+"/comments":
			var c struct{ Body string }
			json.NewDecoder(r.Body).Decode(&c)
			if !mayTake() {
				w.WriteHeader(http.StatusServiceUnavailable)
				w.Write([]byte(`{"message":"try again later"}`))
				return
			}
			f.comments = append(f.comments, c.Body)
			taken()
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte(`{"id":1}`))
		case r.Method == http.MethodGet && r.URL.Path == api+"/comments":
			out := []map[string]any{}
			for i, c := range f.comments {
				out = append(out, map[string]any{"id": i + 1, "body": c})
			}
			json.NewEncoder(w).Encode(out)
		case r.Method == http.MethodGet && r.URL.Path == api+"/labels":
			out := []map[string]any{}
			for _, l := range f.labels {
				out = append(out, map[string]any{"id": 3, "name": l})
			}
			json.NewEncoder(w).Encode(out)
		case r.Method == http.MethodDelete && r.URL.Path == api+"/labels/3":
			f.labels = nil
			w.WriteHeader(http.StatusNoContent)
		default:
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"message":"not found"}`))
		}
	}))
	t.Cleanup(f.Close)
	return f
}
