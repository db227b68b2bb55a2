// Package smtpdtest starts Debian's OpenSMTPD for tests: on a random
// loopback port, delivering every recipient into one Maildir the test
// reads. It also makes a test CA and a certificate it signs (Certs), for
// the TLS servers of the tests.
//
// OpenSMTPD 6.8 as Debian 12 builds it cannot serve TLS: its
// privilege-separated key process fails under OpenSSL 3 ("missing private
// key", the client sees "tls: internal error", openssl s_client the same
// alert 80), so it listens in plain text here and STARTTLS is tested
// against go-smtp's server.
//
// OpenSMTPD keeps its control socket and spool at fixed paths and needs
// root for them, so one runs at a time on the machine: Start takes a lock
// file for the test's lifetime, stops the packaged service if it runs,
// and fails when another smtpd still holds the control socket. Without
// root or without the binary the test is skipped, or fails when CI=true.
package smtpdtest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// Binary is OpenSMTPD's daemon.
const Binary = "/usr/sbin/smtpd"

const (
	controlSocket = "/var/run/smtpd.sock"
	lockPath      = "/tmp/gavel-opensmtpd.lock"
)

// Server is a running OpenSMTPD.
type Server struct {
	Port    int
	Maildir string
	Log     string // the daemon's output
}

// Addr is host:port.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.Port)) }

func unavailable(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("opensmtpd: %s", why)
	}
	t.Skipf("opensmtpd: %s", why)
}

// Start starts OpenSMTPD and stops it in t.Cleanup.
func Start(t testing.TB) *Server {
	t.Helper()
	if _, err := os.Stat(Binary); err != nil {
		unavailable(t, "not installed (apt-get install opensmtpd)")
	}
	if os.Geteuid() != 0 {
		unavailable(t, "needs root for its spool")
	}
	lock := takeLock(t)
	t.Cleanup(func() { lock.Close() })
	stopOthers(t)
	// Mail an earlier daemon left queued would be delivered into this
	// test's Maildir: each server starts with an empty queue.
	clearSpool(t)

	dir, err := os.MkdirTemp("", "gavel-smtpd-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	// The mail delivery agent runs as nobody: it must reach the Maildir.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	s := &Server{Maildir: filepath.Join(dir, "Maildir"), Log: filepath.Join(dir, "smtpd.log")}
	if err := os.Mkdir(s.Maildir, 0o777); err != nil {
		t.Fatal(err)
	}
	os.Chmod(s.Maildir, 0o777)
	s.Port = freePort(t)
	conf := filepath.Join(dir, "smtpd.conf")
	cfg := fmt.Sprintf(`table catchall { "@" = "nobody" }
listen on 127.0.0.1 port %d hostname localhost
action "box" maildir "%s" virtual <catchall>
match from any for any action "box"
`, s.Port, s.Maildir)
	if err := os.WriteFile(conf, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	logf, err := os.Create(s.Log)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(Binary, "-d", "-f", conf)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("opensmtpd: %v", err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); logf.Close(); close(exited) }()
	t.Cleanup(func() {
		// The daemon and its privilege-separated children form its
		// process group.
		syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-exited
		}
		// The next server must find the control socket free.
		for i := 0; i < 50 && socketAnswers(); i++ {
			time.Sleep(100 * time.Millisecond)
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.Addr(), time.Second)
		if err == nil {
			c.Close()
			break
		}
		select {
		case <-exited:
			out, _ := os.ReadFile(s.Log)
			t.Fatalf("opensmtpd exited at start:\n%s", out)
		default:
		}
		if time.Now().After(deadline) {
			out, _ := os.ReadFile(s.Log)
			t.Fatalf("opensmtpd does not listen on %s:\n%s", s.Addr(), out)
		}
		time.Sleep(50 * time.Millisecond)
	}
	return s
}

// takeLock serialises the servers of every test process on the machine.
func takeLock(t testing.TB) *os.File {
	f, err := os.OpenFile(lockPath, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return f
		}
		if time.Now().After(deadline) {
			f.Close()
			t.Fatalf("opensmtpd: another test holds %s: %v", lockPath, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// socketAnswers reports whether an smtpd holds the control socket.
func socketAnswers() bool {
	c, err := net.DialTimeout("unix", controlSocket, time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// stopOthers stops the packaged service; a daemon that still holds the
// control socket then is an error (never two at once).
func stopOthers(t testing.TB) {
	if !socketAnswers() {
		return
	}
	if _, err := os.Stat("/etc/init.d/opensmtpd"); err == nil {
		exec.Command("/etc/init.d/opensmtpd", "stop").Run()
	}
	for i := 0; i < 50 && socketAnswers(); i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if socketAnswers() {
		t.Fatalf("opensmtpd: another smtpd holds %s and would not stop; stop it first", controlSocket)
	}
}

// spoolDir is where OpenSMTPD keeps its queue (fixed when it is built).
const spoolDir = "/var/spool/smtpd"

// clearSpool empties the queue of messages an earlier daemon left behind
// (one stopped while it still had mail to deliver). Called with the lock
// held and no daemon running.
func clearSpool(t testing.TB) {
	t.Helper()
	for _, sub := range []string{"queue", "incoming", "temporary", "offline", "purge", "corrupt"} {
		ents, err := os.ReadDir(filepath.Join(spoolDir, sub))
		if err != nil {
			continue // not there yet: the daemon makes it
		}
		for _, e := range ents {
			if err := os.RemoveAll(filepath.Join(spoolDir, sub, e.Name())); err != nil {
				t.Fatalf("opensmtpd: clearing its queue: %v", err)
			}
		}
	}
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// Certs writes a test CA (caFile, PEM) in dir and returns it with a
// certificate it signs for localhost and 127.0.0.1.
func Certs(t testing.TB, dir string) (caFile string, cert tls.Certificate) {
	t.Helper()
	caFile = filepath.Join(dir, "ca.pem")
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := makeCerts(caFile, certFile, keyFile); err != nil {
		t.Fatal(err)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		t.Fatal(err)
	}
	return caFile, cert
}

// makeCerts writes a CA and a certificate it signs for localhost and
// 127.0.0.1.
func makeCerts(caFile, certFile, keyFile string) error {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "gavel test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	caCert, _ := x509.ParseCertificate(caDER)
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return err
	}
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "localhost"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, leaf, caCert, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	kb := x509.MarshalPKCS1PrivateKey(key)
	if err := os.WriteFile(caFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return err
	}
	return os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: kb}), 0o600)
}

// Messages reads the Maildir's messages (new and cur), oldest first.
func (s *Server) Messages(t testing.TB) []*mail.Message {
	t.Helper()
	var paths []string
	for _, sub := range []string{"new", "cur"} {
		ents, _ := os.ReadDir(filepath.Join(s.Maildir, sub))
		for _, e := range ents {
			paths = append(paths, filepath.Join(s.Maildir, sub, e.Name()))
		}
	}
	sort.Strings(paths)
	var out []*mail.Message
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.ReadMessage(f)
		if err != nil {
			f.Close()
			t.Fatalf("%s: %v", p, err)
		}
		// Keep the body readable after the file closes.
		body, _ := readAll(m)
		f.Close()
		m.Body = body
		out = append(out, m)
	}
	return out
}

// WaitMessages waits until the Maildir holds n messages (or more) and
// returns them.
func (s *Server) WaitMessages(t testing.TB, n int, timeout time.Duration) []*mail.Message {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ms := s.Messages(t)
		if len(ms) >= n || time.Now().After(deadline) {
			return ms
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func readAll(m *mail.Message) (*bytes.Reader, error) {
	b, err := io.ReadAll(m.Body)
	return bytes.NewReader(b), err
}
