// Package ircdtest starts throwaway IRC servers on random loopback ports for
// tests: InspIRCd 3 linked with Atheme 7 services (IRCv3, SASL, NickServ
// accounts), or ngircd (plain RFC IRC, no accounts), and a ZNC bouncer in
// front of either (StartZNC). Configs come from
// testdata/ircd/start-ircd.sh (run with CONFIG_ONLY=1); the daemons are
// children of the test process and are killed in t.Cleanup.
//
// When a server binary is missing the test is skipped, or fails when the
// environment has CI=true.
package ircdtest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Options configures StartInspIRCd.
type Options struct {
	// Flood turns on production-like throttling (fakelag). FloodRate is
	// InspIRCd's commandrate in thousandths of a command per second
	// (default 1000) and FloodThreshold its threshold (default 10).
	Flood          bool
	FloodRate      int
	FloodThreshold int
	RecvQ          int // bytes; default 16384

	// TLSCert and TLSKey (PEM files) add a TLS client listener (Server.TLSPort).
	TLSCert, TLSKey string

	// ChanHistory loads InspIRCd's chanhistory module: a channel with mode
	// +H N:period (set by an operator of the channel) replays its last N
	// lines to each client that joins, in a BATCH of type chathistory with
	// server-time tags when the client has the batch cap.
	ChanHistory bool
}

// Server is a running InspIRCd (+ Atheme) or ngircd.
type Server struct {
	Port    int // plain-text client port on 127.0.0.1
	TLSPort int // TLS client port, 0 without TLS
	Dir     string

	tb       testing.TB
	mu       sync.Mutex
	ircd     *exec.Cmd
	services *exec.Cmd
	ircdArgs []string
}

// Host is the address clients connect to.
const Host = "127.0.0.1"

// Require skips (or, with CI=true, fails) tb when a binary is not on PATH.
func Require(tb testing.TB, bins ...string) {
	tb.Helper()
	for _, b := range bins {
		if _, err := exec.LookPath(b); err != nil {
			if os.Getenv("CI") == "true" {
				tb.Fatalf("ircdtest: %s not installed (CI=true, so this is a failure): %v", b, err)
			}
			tb.Skipf("ircdtest: %s not installed: %v", b, err)
		}
	}
}

// ScriptPath is testdata/ircd/start-ircd.sh in the module.
func ScriptPath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "ircd", "start-ircd.sh")
}

// FreePort returns a currently unused loopback TCP port.
func FreePort(tb testing.TB) int {
	tb.Helper()
	l, err := net.Listen("tcp", Host+":0")
	if err != nil {
		tb.Fatalf("ircdtest: free port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// StartInspIRCd starts InspIRCd with Atheme linked and waits until services
// have synced (about 150 ms).
func StartInspIRCd(tb testing.TB, opt Options) *Server {
	tb.Helper()
	Require(tb, "inspircd", "atheme-services", "bash")
	dir := tb.TempDir()
	s := &Server{tb: tb, Dir: dir, Port: FreePort(tb)}
	env := append(os.Environ(), "CONFIG_ONLY=1", "PORT="+strconv.Itoa(s.Port), "LINK_PORT="+strconv.Itoa(FreePort(tb)))
	if opt.Flood {
		env = append(env, "FLOOD=on")
		if opt.FloodRate > 0 {
			env = append(env, "FLOOD_RATE="+strconv.Itoa(opt.FloodRate))
		}
		if opt.FloodThreshold > 0 {
			env = append(env, "FLOOD_THRESHOLD="+strconv.Itoa(opt.FloodThreshold))
		}
	}
	if opt.RecvQ > 0 {
		env = append(env, "RECVQ="+strconv.Itoa(opt.RecvQ))
	}
	if opt.ChanHistory {
		env = append(env, "HISTORY=1")
	}
	if opt.TLSCert != "" {
		s.TLSPort = FreePort(tb)
		env = append(env, "TLS_PORT="+strconv.Itoa(s.TLSPort), "TLS_CERT="+opt.TLSCert, "TLS_KEY="+opt.TLSKey)
	}
	cmd := exec.Command("bash", ScriptPath(), dir)
	cmd.Env = env
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("ircdtest: %s: %v\n%s", ScriptPath(), err, out)
	}
	tb.Cleanup(s.stop)
	s.ircdArgs = []string{"--nofork", "--runasroot", "--config=" + filepath.Join(dir, "inspircd.conf")}
	s.startIRCd()
	s.services = s.spawn("atheme", "atheme-services", "-n", "-c", filepath.Join(dir, "atheme.conf"),
		"-D", filepath.Join(dir, "atheme"), "-l", filepath.Join(dir, "atheme.log"), "-p", filepath.Join(dir, "atheme.pid"))
	s.waitFor("atheme.out", "finished synching", 10*time.Second)
	return s
}

func (s *Server) startIRCd() {
	s.tb.Helper()
	os.Remove(filepath.Join(s.Dir, "inspircd.out"))
	s.mu.Lock()
	s.ircd = s.spawn("inspircd", "inspircd", s.ircdArgs...)
	s.mu.Unlock()
	s.waitFor("inspircd.out", "now running", 10*time.Second)
}

// spawn starts name with output to DIR/<log>.out.
func (s *Server) spawn(log, name string, args ...string) *exec.Cmd {
	s.tb.Helper()
	out, err := os.Create(filepath.Join(s.Dir, log+".out"))
	if err != nil {
		s.tb.Fatalf("ircdtest: %v", err)
	}
	cmd := exec.Command(name, args...)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		out.Close()
		s.tb.Fatalf("ircdtest: start %s: %v", name, err)
	}
	go func() { cmd.Wait(); out.Close() }()
	return cmd
}

// waitFor polls DIR/file until it contains text (bounded by d).
func (s *Server) waitFor(file, text string, d time.Duration) {
	s.tb.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		b, _ := os.ReadFile(filepath.Join(s.Dir, file))
		if bytes.Contains(b, []byte(text)) {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	b, _ := os.ReadFile(filepath.Join(s.Dir, file))
	s.tb.Fatalf("ircdtest: %q not in %s after %v:\n%s", text, file, d, b)
}

func (s *Server) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range []*exec.Cmd{s.services, s.ircd} {
		if c != nil && c.Process != nil {
			c.Process.Kill()
		}
	}
}

// KillIRCd kills the IRC server (services stay up and relink later).
func (s *Server) KillIRCd() {
	s.mu.Lock()
	c := s.ircd
	s.mu.Unlock()
	if c != nil && c.Process != nil {
		c.Process.Kill()
		// wait until the port is closed (bounded)
		for i := 0; i < 200; i++ {
			conn, err := net.DialTimeout("tcp", net.JoinHostPort(Host, strconv.Itoa(s.Port)), 100*time.Millisecond)
			if err != nil {
				return
			}
			conn.Close()
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// RestartIRCd kills InspIRCd and starts it again on the same ports.
func (s *Server) RestartIRCd() {
	s.tb.Helper()
	s.KillIRCd()
	s.startIRCd()
}

// Addr is host:port of the plain-text listener.
func (s *Server) Addr() string { return net.JoinHostPort(Host, strconv.Itoa(s.Port)) }

// RegisterAccounts registers NickServ accounts (account -> password) in
// parallel, one client connection each (~1 s: InspIRCd registers clients on
// its 1-second tick).
func (s *Server) RegisterAccounts(accounts map[string]string) {
	s.tb.Helper()
	var wg sync.WaitGroup
	errs := make(chan error, len(accounts))
	for acct, pass := range accounts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.register(acct, pass); err != nil {
				errs <- fmt.Errorf("register %s: %w", acct, err)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		s.tb.Fatal(err)
	}
}

func (s *Server) register(acct, pass string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	lc, err := Dial(ctx, s.Addr(), acct)
	if err != nil {
		return err
	}
	defer lc.Close()
	lc.Send("PRIVMSG NickServ :REGISTER " + pass + " " + acct + "@example.invalid")
	_, err = lc.WaitFor(func(line string) bool {
		return strings.Contains(line, "NOTICE") && strings.Contains(line, "registered")
	})
	if err == nil {
		lc.Send("QUIT")
	}
	return err
}

// LineClient is a bare line-level IRC client for driving the server from
// tests (other users, services registration). Its methods are bounded by
// the context deadline given to Dial.
type LineClient struct {
	conn net.Conn
	r    *bufio.Reader
	ctx  context.Context
	Nick string
}

// Dial connects and registers nick (no CAP), answering PINGs while waiting.
func Dial(ctx context.Context, addr, nick string) (*LineClient, error) {
	return DialPass(ctx, addr, nick, "")
}

// DialPass is Dial sending PASS pass first (when not empty), as a client
// of a bouncer does (see ZNC.ServerPassword).
func DialPass(ctx context.Context, addr, nick, pass string) (*LineClient, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	lc := &LineClient{conn: conn, r: bufio.NewReader(conn), ctx: ctx, Nick: nick}
	if pass != "" {
		lc.Send("PASS :" + pass)
	}
	lc.Send("NICK " + nick)
	lc.Send("USER " + nick + " 0 * :" + nick)
	if _, err := lc.WaitFor(func(l string) bool { return cmdOf(l) == "001" }); err != nil {
		conn.Close()
		return nil, fmt.Errorf("register %s: %w", nick, err)
	}
	return lc, nil
}

// Send writes one line.
func (lc *LineClient) Send(line string) error {
	_, err := lc.conn.Write([]byte(line + "\r\n"))
	return err
}

// ReadLine returns the next line (PINGs are answered and skipped).
func (lc *LineClient) ReadLine() (string, error) {
	for {
		l, err := lc.r.ReadString('\n')
		if err != nil {
			return "", err
		}
		l = strings.TrimRight(l, "\r\n")
		if cmdOf(l) == "PING" {
			lc.Send("PONG " + strings.SplitN(l, " ", 2)[1])
			continue
		}
		return l, nil
	}
}

// WaitFor reads lines until match returns true, and returns that line.
func (lc *LineClient) WaitFor(match func(string) bool) (string, error) {
	for {
		l, err := lc.ReadLine()
		if err != nil {
			return "", err
		}
		if match(l) {
			return l, nil
		}
		if cmdOf(l) == "ERROR" {
			return "", fmt.Errorf("server: %s", l)
		}
	}
}

// Close closes the connection.
func (lc *LineClient) Close() error { return lc.conn.Close() }

// cmdOf returns the command of a raw line (skipping tags and source).
func cmdOf(l string) string {
	f := strings.Fields(l)
	for len(f) > 0 && (f[0][0] == '@' || f[0][0] == ':') {
		f = f[1:]
	}
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// StartNgircd starts ngircd 26 (no IRCv3, no accounts; MaxJoins unlimited).
func StartNgircd(tb testing.TB) *Server {
	tb.Helper()
	Require(tb, "ngircd")
	dir := tb.TempDir()
	s := &Server{tb: tb, Dir: dir, Port: FreePort(tb)}
	conf := fmt.Sprintf(`[Global]
	Name = irc.test
	Info = throwaway test server
	Listen = 127.0.0.1
	Ports = %d
	ServerUID = %d
	ServerGID = %d
	MotdPhrase = test
[Limits]
	MaxJoins = 0
	MaxConnectionsIP = 0
[Options]
	DNS = no
	Ident = no
	PAM = no
`, s.Port, os.Getuid(), os.Getgid())
	path := filepath.Join(dir, "ngircd.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(s.stop)
	s.ircd = s.spawn("ngircd", "ngircd", "-n", "-f", path)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", s.Addr(), 100*time.Millisecond); err == nil {
			c.Close()
			return s
		}
		time.Sleep(5 * time.Millisecond)
	}
	b, _ := os.ReadFile(filepath.Join(dir, "ngircd.out"))
	tb.Fatalf("ircdtest: ngircd did not listen on %s:\n%s", s.Addr(), b)
	return nil
}

// SendAll writes many lines with few system calls (for load generation).
func (lc *LineClient) SendAll(lines []string) error {
	var buf bytes.Buffer
	for _, l := range lines {
		buf.WriteString(l)
		buf.WriteString("\r\n")
		if buf.Len() >= 64<<10 {
			if _, err := lc.conn.Write(buf.Bytes()); err != nil {
				return err
			}
			buf.Reset()
		}
	}
	_, err := lc.conn.Write(buf.Bytes())
	return err
}
