package ircclient

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"gavel/ircclient/ircdtest"
)

// fakeServer is a loopback listener that behaves like a server failing in
// one way; serve handles connection number n (from 0).
type fakeServer struct {
	ln   net.Listener
	wg   sync.WaitGroup
	port int
}

func startFake(t *testing.T, serve func(n int, conn net.Conn)) *fakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", ircdtest.Host+":0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeServer{ln: ln, port: ln.Addr().(*net.TCPAddr).Port}
	f.wg.Go(func() {
		for n := 0; ; n++ {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			f.wg.Go(func() {
				defer conn.Close()
				conn.SetDeadline(time.Now().Add(30 * time.Second))
				serve(n, conn)
			})
		}
	})
	t.Cleanup(func() { ln.Close(); f.wg.Wait() })
	return f
}

// register reads the client's registration and welcomes it as nick.
func register(conn net.Conn, r *bufio.Reader, nick string) bool {
	for user := false; !user; {
		line, err := r.ReadString('\n')
		if err != nil {
			return false
		}
		user = strings.HasPrefix(line, "USER ")
	}
	_, err := conn.Write([]byte(":irc.test 001 " + nick + " :Welcome\r\n:irc.test 005 " + nick +
		" CASEMAPPING=rfc1459 CHANTYPES=# :are supported\r\n:irc.test 376 " + nick + " :End of MOTD\r\n"))
	return err == nil
}

// TestBackoffGrowsOnKline: a server that closes every connection right
// after registration (ERROR :Closing Link … K-lined) makes the reconnect
// delay double each time; only a connection that stayed up for
// StableAfter starts it again from ReconnectMin.
func TestBackoffGrowsOnKline(t *testing.T) {
	t.Parallel()
	const stable = 300 * time.Millisecond
	const stableConn = 4 // the fifth connection stays up
	srv := startFake(t, func(n int, conn net.Conn) {
		r := bufio.NewReader(conn)
		if !register(conn, r, "chair") {
			return
		}
		if n == stableConn {
			// stay up well past StableAfter, answering keep-alive PINGs
			conn.SetReadDeadline(time.Now().Add(3 * stable))
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					break
				}
				if tok, ok := strings.CutPrefix(line, "PING "); ok {
					conn.Write([]byte("PONG irc.test " + tok))
				}
			}
		}
		conn.Write([]byte("ERROR :Closing Link: chair[127.0.0.1] (K-lined: spam)\r\n"))
	})
	cfg := testConfig(srv.port, "chair")
	cfg.ReconnectMin, cfg.ReconnectMax, cfg.ReconnectJitter, cfg.StableAfter = 20*time.Millisecond, 10*time.Second, 0, stable
	l := startClient(t, cfg)
	var delays []time.Duration
	l.wait(20*time.Second, "7 reconnects", func(ev Event) bool {
		st, ok := ev.(State)
		if !ok {
			return false
		}
		switch st.State {
		case ConnectFailed:
			t.Errorf("connect failed: %v", st.Err)
		case Reconnecting:
			if st.Err == nil || !strings.Contains(st.Err.Error(), "K-lined") {
				t.Errorf("reconnecting after %v, want the K-line", st.Err)
			}
			delays = append(delays, st.Delay)
		}
		return len(delays) == 7
	})
	ms := 20 * time.Millisecond
	want := []time.Duration{ms, 2 * ms, 4 * ms, 8 * ms, ms, 2 * ms, 4 * ms}
	if !slices.Equal(delays, want) {
		t.Errorf("delays %v, want %v (doubling on every K-line, reset after the connection that stayed up)", delays, want)
	}
}

// TestNeverConnected: a closed port reports ConnectFailed with "never
// connected", never Disconnected, and Run gives up with that cause.
func TestNeverConnected(t *testing.T) {
	t.Parallel()
	cfg := testConfig(ircdtest.FreePort(t), "chair")
	cfg.MaxReconnects = 2
	l := startClient(t, cfg)
	var states []ConnState
	var failure error
	l.wait(10*time.Second, "stopped", func(ev Event) bool {
		st, ok := ev.(State)
		if ok {
			states = append(states, st.State)
			if st.State == ConnectFailed {
				failure = st.Err
			}
		}
		return ok && st.State == Stopped
	})
	if slices.Contains(states, Disconnected) || !slices.Contains(states, ConnectFailed) {
		t.Errorf("states %v: want ConnectFailed, never Disconnected", states)
	}
	if !errors.Is(failure, ErrNeverConnected) || !strings.Contains(failure.Error(), "never connected to 127.0.0.1:") {
		t.Errorf("failure %v", failure)
	}
	err := <-l.done
	l.done <- err
	if !errors.Is(err, ErrGaveUp) || !errors.Is(err, ErrNeverConnected) {
		t.Errorf("Run: %v", err)
	}
	t.Logf("wrong port: %v", err)
}

// TestTLSOnPlainPort: TLS against the plain-text port of real InspIRCd and
// ngircd (they stay silent until the line ends) fails with a fatal error
// saying to set tls = false, found by a plain-text probe after a few
// seconds instead of waiting for the dial deadline.
func TestTLSOnPlainPort(t *testing.T) {
	t.Parallel()
	onEachServer(t, echoAndNot, func(t *testing.T, server string, srv *ircdtest.Server) {
		cfg := testConfig(srv.Port, "chair")
		cfg.TLS, cfg.TLSInsecureSkipVerify = true, true
		cfg.DialTimeout = time.Minute // the probe, not the deadline, must end it
		l := startClient(t, cfg)
		err := l.ended(30*time.Second, "no error")
		if !errors.Is(err, ErrTLSMismatch) || !strings.Contains(err.Error(), "tls = false") {
			t.Errorf("error %v, want ErrTLSMismatch with the tls = false hint", err)
		}
		t.Logf("%s: %v", server, err)
	})
	t.Run("silent port", func(t *testing.T) {
		t.Parallel()
		srv := startFake(t, func(n int, conn net.Conn) { io.Copy(io.Discard, conn) })
		cfg := testConfig(srv.port, "chair")
		cfg.TLS, cfg.TLSInsecureSkipVerify, cfg.NoReconnect = true, true, true
		cfg.DialTimeout = 500 * time.Millisecond
		l := startClient(t, cfg)
		err := <-l.done
		l.done <- err
		if !errors.Is(err, ErrNeverConnected) || !strings.Contains(err.Error(), "tls = false") {
			t.Errorf("error %v, want never connected with the tls = false hint", err)
		}
	})
}

// TestNoUsableNick: when the nick, the alternative and nick_ … nick___ are
// all taken on a real server, Run returns ErrNoNick at once and does not
// reconnect.
func TestNoUsableNick(t *testing.T) {
	t.Parallel()
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	var wg sync.WaitGroup
	for _, n := range []string{"chair", "chairalt", "chair_", "chair__", "chair___"} {
		wg.Go(func() { dialLine(t, srv.Addr(), n) })
	}
	wg.Wait()
	cfg := testConfig(srv.Port, "chair")
	cfg.AltNicks = []string{"chairalt"}
	l := startClient(t, cfg)
	var states []ConnState
	l.wait(10*time.Second, "stopped", func(ev Event) bool {
		st, ok := ev.(State)
		if ok {
			states = append(states, st.State)
		}
		return ok && st.State == Stopped
	})
	err := <-l.done
	l.done <- err
	if !errors.Is(err, ErrNoNick) || !strings.Contains(err.Error(), "chair___") {
		t.Errorf("Run: %v, want ErrNoNick", err)
	}
	if slices.Contains(states, Reconnecting) {
		t.Errorf("states %v: reconnected after a fatal error", states)
	}
	t.Logf("%v", err)
}

// TestHostileServerChannels: a server that sends 20,000 channel lines for
// channels we never joined, through the real connection, gives no events
// for them; the one line for our channel after them arrives.
func TestHostileServerChannels(t *testing.T) {
	t.Parallel()
	const spam = 20000
	srv := startFake(t, func(n int, conn net.Conn) {
		r := bufio.NewReader(conn)
		if !register(conn, r, "chair") {
			return
		}
		var b strings.Builder
		b.WriteString(":chair!c@h JOIN #meet\r\n")
		for i := range spam {
			fmt.Fprintf(&b, ":spam!s@h PRIVMSG #never-%d :buy now\r\n", i)
		}
		b.WriteString(":bob!b@h PRIVMSG #meet :the real line\r\n")
		conn.Write([]byte(b.String()))
		io.Copy(io.Discard, conn)
	})
	l := startClient(t, testConfig(srv.port, "chair"))
	var got []string
	l.wait(20*time.Second, "the real line", func(ev Event) bool {
		if m, ok := ev.(Message); ok {
			got = append(got, m.Target+" "+m.Text)
			return m.Target == "#meet"
		}
		return false
	})
	if !slices.Equal(got, []string{"#meet the real line"}) {
		t.Errorf("messages %q", got[:min(len(got), 5)])
	}
	if l.c.Dropped() != spam {
		t.Errorf("Dropped = %d, want %d", l.c.Dropped(), spam)
	}
}
