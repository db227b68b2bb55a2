// Package dendritetest starts throwaway Dendrite homeservers (v0.13.8,
// github.com/matrix-org/dendrite) on random loopback ports for tests:
// each on its own PostgreSQL cluster (Debian's postgresql package), made
// for it on another random loopback port, as Dendrite is deployed (on
// SQLite, v0.13.8 answers 500 to some requests under load: "cannot start
// a transaction within a transaction"); generate-config -ci, which also
// turns rate limiting off; federation off, open registration. The binaries
// come from .ci/dendrite.sh, which builds them (without cgo, outside gavel's
// module) into a cache keyed by version when they are missing. The server
// is a child of the test process and is killed in t.Cleanup.
//
// When Dendrite cannot be built or PostgreSQL is not installed the test
// is skipped, or fails when the environment has CI=true.
package dendritetest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
)

// Version is the Dendrite release the tests run.
const Version = "v0.13.8"

// Host is the loopback address the server listens on.
const Host = "127.0.0.1"

// ServerName is the homeserver's name: user IDs are @name:localhost.
const ServerName = "localhost"

// ScriptPath is .ci/dendrite.sh in the module.
func ScriptPath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", ".ci", "dendrite.sh")
}

var (
	binOnce sync.Once
	binDir  string
	binErr  error
)

// BinDir returns the directory holding dendrite, generate-keys and
// generate-config, building them with .ci/dendrite.sh when missing; it
// skips tb (fails it under CI=true) when that is impossible.
func BinDir(tb testing.TB) string {
	tb.Helper()
	binOnce.Do(func() {
		cmd := exec.Command("bash", ScriptPath())
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			binErr = fmt.Errorf("%s: %v\n%s", ScriptPath(), err, stderr.Bytes())
			return
		}
		binDir = strings.TrimSpace(string(out))
	})
	if binErr != nil {
		unavailable(tb, binErr)
	}
	return binDir
}

// unavailable skips tb for want of what a homeserver needs, or fails it
// when the environment has CI=true.
func unavailable(tb testing.TB, err error) {
	tb.Helper()
	if os.Getenv("CI") == "true" {
		tb.Fatalf("dendritetest: Dendrite unavailable (CI=true, so this is a failure): %v", err)
	}
	tb.Skipf("dendritetest: Dendrite unavailable: %v", err)
}

// Server is a running Dendrite.
type Server struct {
	Port int    // client-server API port on 127.0.0.1
	URL  string // "http://127.0.0.1:<port>"
	Dir  string

	tb    testing.TB
	mu    sync.Mutex
	cmd   *exec.Cmd
	done  chan struct{}
	users int
}

// FreePort returns a currently unused loopback TCP port.
func FreePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", Host+":0")
	if err != nil {
		tb.Fatalf("dendritetest: free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Start starts a Dendrite and waits until it answers (a few seconds).
func Start(tb testing.TB) *Server {
	tb.Helper()
	bin := BinDir(tb)
	dir := tb.TempDir()
	run := func(name string, args ...string) []byte {
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.Dir = dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			tb.Fatalf("dendritetest: %s: %v\n%s", name, err, stderr.Bytes())
		}
		return out
	}
	pg := startPostgres(tb)
	run("generate-keys", "--private-key", filepath.Join(dir, "matrix_key.pem"))
	cfg := string(run("generate-config", "-ci", "-dir", dir, "-db", pg.dsn()))
	for _, r := range [][2]string{
		{"  private_key: matrix_key.pem\n", "  private_key: " + filepath.Join(dir, "matrix_key.pem") + "\n"},
		{"  disable_federation: false\n", "  disable_federation: true\n"},
		{"  level: trace\n", "  level: warn\n"},
	} {
		if !strings.Contains(cfg, r[0]) {
			tb.Fatalf("dendritetest: generate-config output has no %q", r[0])
		}
		cfg = strings.Replace(cfg, r[0], r[1], 1)
	}
	if err := os.WriteFile(filepath.Join(dir, "dendrite.yaml"), []byte(cfg), 0o600); err != nil {
		tb.Fatal(err)
	}
	s := &Server{tb: tb, Dir: dir}
	tb.Cleanup(s.Stop) // before the database's cleanup: Dendrite stops first
	s.start()
	return s
}

func (s *Server) start() {
	s.tb.Helper()
	for attempt := 0; ; attempt++ {
		if s.Port == 0 || attempt > 0 {
			s.Port = FreePort(s.tb)
		}
		s.URL = "http://" + net.JoinHostPort(Host, strconv.Itoa(s.Port))
		out, err := os.OpenFile(filepath.Join(s.Dir, "dendrite.out"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			s.tb.Fatal(err)
		}
		cmd := exec.Command(filepath.Join(BinDir(s.tb), "dendrite"), "-config", filepath.Join(s.Dir, "dendrite.yaml"),
			"-really-enable-open-registration", "-http-bind-address", net.JoinHostPort(Host, strconv.Itoa(s.Port)))
		cmd.Dir = s.Dir
		cmd.Stdout, cmd.Stderr = out, out
		if err := cmd.Start(); err != nil {
			out.Close()
			s.tb.Fatalf("dendritetest: start dendrite: %v", err)
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); out.Close(); close(done) }()
		s.mu.Lock()
		s.cmd, s.done = cmd, done
		s.mu.Unlock()
		err = s.waitUp(done, 60*time.Second)
		if err == nil {
			return
		}
		s.Stop()
		if attempt >= 2 {
			b, _ := os.ReadFile(filepath.Join(s.Dir, "dendrite.out"))
			s.tb.Fatalf("dendritetest: %v\n%s", err, tail(b, 4000))
		}
	}
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}

// waitUp polls /_matrix/client/versions until it answers 200 (bounded by d).
func (s *Server) waitUp(done chan struct{}, d time.Duration) error {
	deadline := time.Now().Add(d)
	hc := &http.Client{Timeout: 2 * time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return errors.New("dendrite exited while starting")
		default:
		}
		resp, err := hc.Get(s.URL + "/_matrix/client/versions")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("dendrite did not answer on %s within %v", s.URL, d)
}

// Stop kills the server and waits until it has exited.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd, done := s.cmd, s.done
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return
	}
	select {
	case <-done:
		// Nobody stopped it: say why it died, or a test that fails on
		// it only shows a client that could no longer connect.
		b, _ := os.ReadFile(filepath.Join(s.Dir, "dendrite.out"))
		s.tb.Logf("dendritetest: dendrite exited on its own (%v); the end of its output:\n%s", cmd.ProcessState, tail(b, 4000))
		return
	default:
	}
	cmd.Process.Kill()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
	}
}

// outputTail is the end of Dendrite's output, for the message of a
// request that failed.
func (s *Server) outputTail() string {
	if s == nil {
		return ""
	}
	b, _ := os.ReadFile(filepath.Join(s.Dir, "dendrite.out"))
	return "\nthe end of dendrite's output:\n" + string(tail(b, 6000))
}

// Restart stops the server and starts it again with the same data, on the
// same port when it is still free (else URL and Port change).
func (s *Server) Restart() {
	s.tb.Helper()
	s.Stop()
	s.start()
}

// User is a registered account with its own mautrix client (the test's
// "other users").
type User struct {
	UserID   string
	Password string
	*mautrix.Client
	server *Server
}

// Register creates an account (one at a time, and retried a few times
// when the server is still settling after its start).
func (s *Server) Register(tb testing.TB, name string) *User {
	tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users++
	pw := fmt.Sprintf("pw-%s-%d-%d", name, s.users, time.Now().UnixNano())
	cli, err := mautrix.NewClient(s.URL, "", "")
	if err != nil {
		tb.Fatal(err)
	}
	cli.Client = &http.Client{Timeout: 60 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var resp *mautrix.RespRegister
	for attempt := 0; ; attempt++ {
		resp, err = cli.RegisterDummy(ctx, &mautrix.ReqRegister[any]{Username: name, Password: pw, InhibitLogin: false})
		if err == nil {
			break
		}
		if attempt >= 10 || ctx.Err() != nil {
			tb.Fatalf("dendritetest: register %s: %v", name, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	cli.UserID, cli.AccessToken = resp.UserID, resp.AccessToken
	cli.DeviceID = resp.DeviceID
	return &User{UserID: string(resp.UserID), Password: pw, Client: cli, server: s}
}

// Ctx is a context for one request from a test (30 s).
func Ctx(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

// CreateRoom creates a public room with the alias #aliasLocal:localhost
// ("" for none) and returns its ID. initial are extra initial state events.
func (u *User) CreateRoom(tb testing.TB, aliasLocal string, initial ...*event.Event) string {
	tb.Helper()
	resp, err := u.Client.CreateRoom(Ctx(tb), &mautrix.ReqCreateRoom{
		Preset:        "public_chat",
		RoomAliasName: aliasLocal,
		Name:          aliasLocal,
		InitialState:  initial,
	})
	if err != nil {
		tb.Fatalf("dendritetest: %s creates room %q: %v%s", u.UserID, aliasLocal, err, u.server.outputTail())
	}
	return string(resp.RoomID)
}

// Alias is "#local:localhost".
func Alias(local string) string { return "#" + local + ":" + ServerName }

// Join joins the room (ID or alias).
func (u *User) Join(tb testing.TB, room string) {
	tb.Helper()
	if _, err := u.JoinRoom(Ctx(tb), room, nil); err != nil {
		tb.Fatalf("dendritetest: %s joins %s: %v%s", u.UserID, room, err, u.server.outputTail())
	}
}

// Send sends an m.room.message with content and returns its event ID.
func (u *User) Send(tb testing.TB, room string, content map[string]any) string {
	tb.Helper()
	resp, err := u.SendMessageEvent(Ctx(tb), id.RoomID(room), event.EventMessage, content)
	if err != nil {
		tb.Fatalf("dendritetest: %s sends to %s: %v%s", u.UserID, room, err, u.server.outputTail())
	}
	return string(resp.EventID)
}

// Text sends an m.text body and returns its event ID.
func (u *User) Text(tb testing.TB, room, body string) string {
	tb.Helper()
	return u.Send(tb, room, map[string]any{"msgtype": "m.text", "body": body})
}

// WaitInTimeline waits (polling, at most a minute) until eventID is the
// newest event of room in /messages: Dendrite answers a send before its
// sync API has taken the event (a moment later, longer when busy), and a
// benchmark that times a catch-up starts its clock only once all of it
// can be served.
func (u *User) WaitInTimeline(tb testing.TB, room, eventID string) {
	tb.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		resp, err := u.Messages(Ctx(tb), id.RoomID(room), "", "", mautrix.DirectionBackward, nil, 1)
		if err == nil && len(resp.Chunk) > 0 && string(resp.Chunk[0].ID) == eventID {
			return
		}
		if time.Now().After(deadline) {
			tb.Fatalf("dendritetest: %s is not the newest event of %s after a minute (%v)", eventID, room, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
