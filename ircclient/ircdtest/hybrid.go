package ircdtest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// HybridOptions configures StartHybrid.
type HybridOptions struct {
	TopicLen int // the server's TOPICLEN (default 300, Debian's)
}

// StartHybrid starts Debian's ircd-hybrid 8.2 (OFTC's family: no IRCv3
// echo-message, no server-time, MONITOR, CASEMAPPING=ascii). It refuses
// to run as root, so as root it runs as the user nobody. Its ident check
// and its reconnect throttle are off; it looks up the client's host name
// (allow about 20 s for registration on a machine without DNS). It is
// killed in cleanup.
func StartHybrid(tb testing.TB, opt HybridOptions) *Server {
	tb.Helper()
	Require(tb, "ircd-hybrid")
	if opt.TopicLen <= 0 {
		opt.TopicLen = 300
	}
	dir := tb.TempDir()
	s := &Server{tb: tb, Dir: dir, Port: FreePort(tb)}
	conf := fmt.Sprintf(`serverinfo {
	name = "hybrid.test";
	sid = "0HY";
	description = "throwaway test server";
	network_name = "test";
	network_description = "test";
	hub = no;
	default_max_clients = 512;
	max_nick_length = 30;
	max_topic_length = %d;
};
admin { name = "test"; description = "test"; email = "<test@example.invalid>"; };
class {
	name = "users";
	ping_time = 90 seconds;
	number_per_ip_local = 1000;
	number_per_ip_global = 1000;
	max_number = 1000;
	sendq = 1 megabyte;
	recvq = 2560 bytes;
};
listen { host = "%s"; port = %d; };
auth { user = "*@*"; class = "users"; flags = exceed_limit; };
general {
	disable_auth = yes;
	throttle_count = 1000;
	throttle_time = 0 seconds;
	max_monitor = 50;
	invisible_on_connect = no; # NAMES from outside a channel lists its members (see StartZNC)
};
`, opt.TopicLen, Host, s.Port)
	path := filepath.Join(dir, "ircd.conf")
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		tb.Fatal(err)
	}
	args := []string{"-foreground", "-configfile", path, "-pidfile", filepath.Join(dir, "ircd.pid"),
		"-logfile", filepath.Join(dir, "ircd.log")}
	for _, db := range []string{"kline", "dline", "xline", "resv"} {
		args = append(args, "-"+db+"file", filepath.Join(dir, db+".db"))
	}
	out, err := os.Create(filepath.Join(dir, "hybrid.out"))
	if err != nil {
		tb.Fatal(err)
	}
	cmd := exec.Command("ircd-hybrid", args...)
	cmd.Stdout, cmd.Stderr = out, out
	if os.Geteuid() == 0 {
		cred, err := unprivileged(dir)
		if err != nil {
			out.Close()
			tb.Fatalf("ircdtest: ircd-hybrid as nobody: %v", err)
		}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
	}
	if err := cmd.Start(); err != nil {
		out.Close()
		tb.Fatalf("ircdtest: start ircd-hybrid: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); out.Close(); close(exited) }()
	s.ircd = cmd
	tb.Cleanup(func() {
		s.stop()
		<-exited
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if c, err := net.DialTimeout("tcp", s.Addr(), 100*time.Millisecond); err == nil {
			c.Close()
			return s
		}
		select {
		case <-exited:
			deadline = time.Now()
		case <-time.After(10 * time.Millisecond):
		}
	}
	b, _ := os.ReadFile(filepath.Join(dir, "ircd.log"))
	o, _ := os.ReadFile(filepath.Join(dir, "hybrid.out"))
	tb.Fatalf("ircdtest: ircd-hybrid did not listen on %s:\n%s\n%s", s.Addr(), o, b)
	return nil
}

// Pause stops the IRC server process (SIGSTOP): it keeps its connections
// but answers nothing until Continue, like a server that hangs.
func (s *Server) Pause() { s.signalIRCd(syscall.SIGSTOP) }

// Continue lets a paused server run again (SIGCONT).
func (s *Server) Continue() { s.signalIRCd(syscall.SIGCONT) }

func (s *Server) signalIRCd(sig syscall.Signal) {
	s.mu.Lock()
	c := s.ircd
	s.mu.Unlock()
	if c != nil && c.Process != nil {
		if err := c.Process.Signal(sig); err != nil {
			s.tb.Errorf("ircdtest: %v to the server: %v", sig, err)
		}
	}
}
