// Package bustest runs a throwaway RabbitMQ for tests: Debian's
// rabbitmq-server, started through its inner launcher
// (/usr/lib/rabbitmq/bin/rabbitmq-server, which does not switch to the
// rabbitmq user) with a data directory, node name, epmd port
// (ERL_EPMD_PORT) and distribution port of its own, so that test packages
// running at the same time never meet. It listens on random loopback ports:
// AMQP, and AMQPS with a CA, a server certificate and a client certificate
// made for it (the client logs in with SASL EXTERNAL, as on Fedora's
// broker). Its own epmd is a child of the test process too; both are
// stopped by Close.
package bustest

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Launcher is Debian's inner rabbitmq-server script.
const Launcher = "/usr/lib/rabbitmq/bin/rabbitmq-server"

// ClientName is the common name of the client certificate, and the broker
// user it logs in as over EXTERNAL.
const ClientName = "gavel-bus-test"

// Broker is a running (or stopped) RabbitMQ.
type Broker struct {
	Dir     string // its data directory
	Port    int    // AMQP on 127.0.0.1
	TLSPort int    // AMQPS on 127.0.0.1
	// CAFile signs the broker's certificate; CertFile and KeyFile are the
	// client certificate (CN ClientName).
	CAFile, CertFile, KeyFile string

	node              string
	epmdPort, distPrt int
	epmd              *exec.Cmd
	epmdDone          chan struct{}

	mu      sync.Mutex
	cmd     *exec.Cmd
	stdin   io.WriteCloser
	exited  chan struct{}
	logPath string
}

// Available reports why RabbitMQ cannot be run here ("" when it can).
func Available() string {
	if _, err := os.Stat(Launcher); err != nil {
		return "rabbitmq-server is not installed (" + Launcher + " missing)"
	}
	if _, err := exec.LookPath("epmd"); err != nil {
		return "epmd is not installed"
	}
	return ""
}

// Require skips tb (or fails it when CI=true) when RabbitMQ is missing.
func Require(tb testing.TB) {
	tb.Helper()
	if why := Available(); why != "" {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("bustest: %s (CI=true, so this is a failure)", why)
		}
		tb.Skip("bustest: " + why)
	}
}

// New starts a broker for one test and stops it in cleanup.
func New(tb testing.TB) *Broker {
	tb.Helper()
	Require(tb)
	b, err := Start()
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := b.Close(); err != nil {
			tb.Error(err)
		}
	})
	return b
}

// Start creates a data directory and starts a broker in it. Close stops it
// and removes the directory. Ports are picked free, but another process
// may take one before the broker or its epmd binds it: a failed start is
// tried again with other ports (three times at most).
func Start() (*Broker, error) {
	var errs []error
	for range 3 {
		b, err := start()
		if err == nil {
			return b, nil
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

func start() (*Broker, error) {
	dir, err := os.MkdirTemp("", "gavel-rabbitmq-")
	if err != nil {
		return nil, err
	}
	b := &Broker{Dir: dir, logPath: filepath.Join(dir, "rabbitmq.log")}
	ports, err := freePorts(4)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	b.Port, b.TLSPort, b.epmdPort, b.distPrt = ports[0], ports[1], ports[2], ports[3]
	b.node = fmt.Sprintf("gaveltest%d@localhost", b.Port)
	if err := b.writeConfig(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := b.startEPMD(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if err := b.Restart(); err != nil {
		b.Close()
		return nil, err
	}
	return b, nil
}

// URL is the AMQP URL of the broker (user guest, vhost /).
func (b *Broker) URL() string { return fmt.Sprintf("amqp://guest:guest@127.0.0.1:%d/", b.Port) }

// TLSURL is the AMQPS URL; log in with the client certificate.
func (b *Broker) TLSURL() string { return fmt.Sprintf("amqps://localhost:%d/", b.TLSPort) }

func (b *Broker) env() []string {
	d := b.Dir
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + d, // the Erlang cookie
		"LANG=C.UTF-8",
		"RABBITMQ_NODENAME=" + b.node,
		"RABBITMQ_NODE_IP_ADDRESS=127.0.0.1",
		"RABBITMQ_NODE_PORT=" + strconv.Itoa(b.Port),
		"RABBITMQ_DIST_PORT=" + strconv.Itoa(b.distPrt),
		"ERL_EPMD_PORT=" + strconv.Itoa(b.epmdPort),
		"ERL_EPMD_ADDRESS=127.0.0.1",
		"RABBITMQ_MNESIA_BASE=" + filepath.Join(d, "mnesia"),
		"RABBITMQ_LOG_BASE=" + filepath.Join(d, "log"),
		"RABBITMQ_LOGS=-",
		"RABBITMQ_CONFIG_FILE=" + filepath.Join(d, "rabbitmq.conf"),
		"RABBITMQ_ADVANCED_CONFIG_FILE=" + filepath.Join(d, "advanced.config"),
		"RABBITMQ_ENABLED_PLUGINS_FILE=" + filepath.Join(d, "enabled_plugins"),
		"RABBITMQ_CONF_ENV_FILE=" + filepath.Join(d, "rabbitmq-env.conf"),
		"RABBITMQ_PID_FILE=" + filepath.Join(d, "rabbitmq.pid"),
		// The launcher execs the VM itself (so signals reach it) and its
		// shell reads our stdin pipe, which closes if we die.
		"RABBITMQ_ALLOW_INPUT=true",
		"RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-start_epmd false",
	}
	return env
}

// Restart starts the broker again after Stop, with the same data and ports.
func (b *Broker) Restart() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cmd != nil {
		return errors.New("bustest: broker already running")
	}
	logf, err := os.OpenFile(b.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	cmd := exec.Command(Launcher)
	cmd.Dir = b.Dir
	cmd.Env = b.env()
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		logf.Close()
		return err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		logf.Close()
		return err
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("bustest: starting rabbitmq-server: %w", err)
	}
	ready := make(chan struct{})
	exited := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		once := false
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintln(logf, line)
			if !once && strings.Contains(line, "Server startup complete") {
				once = true
				close(ready)
			}
		}
		io.Copy(io.Discard, out)
		cmd.Wait()
		logf.Close()
		close(exited)
	}()
	b.cmd, b.stdin, b.exited = cmd, stdin, exited
	select {
	case <-ready:
	case <-exited:
		b.cmd = nil
		return fmt.Errorf("bustest: rabbitmq-server exited while starting; its log:\n%s", b.tail())
	case <-time.After(90 * time.Second):
		b.killLocked()
		return fmt.Errorf("bustest: rabbitmq-server did not start in 90s; its log:\n%s", b.tail())
	}
	// The listeners are up when startup completes; check it all the same.
	c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(b.Port)), 5*time.Second)
	if err != nil {
		b.killLocked()
		return fmt.Errorf("bustest: rabbitmq-server started but does not listen: %w", err)
	}
	c.Close()
	return nil
}

// Stop shuts the broker down cleanly (its data stays for Restart).
func (b *Broker) Stop() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cmd == nil {
		return nil
	}
	b.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-b.exited:
	case <-time.After(60 * time.Second):
		b.killLocked()
		return fmt.Errorf("bustest: rabbitmq-server did not stop in 60s; killed")
	}
	// Whatever the VM left in its process group goes with it.
	syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
	b.stdin.Close()
	b.cmd = nil
	return nil
}

func (b *Broker) killLocked() {
	if b.cmd == nil {
		return
	}
	syscall.Kill(-b.cmd.Process.Pid, syscall.SIGKILL)
	<-b.exited
	b.stdin.Close()
	b.cmd = nil
}

// Close stops the broker and its epmd and removes the data directory.
func (b *Broker) Close() error {
	err := b.Stop()
	if b.epmd != nil {
		b.epmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-b.epmdDone:
		case <-time.After(10 * time.Second):
			b.epmd.Process.Kill()
			<-b.epmdDone
		}
		b.epmd = nil
	}
	return errors.Join(err, os.RemoveAll(b.Dir))
}

// Log returns the broker's log so far (for failing tests).
func (b *Broker) Log() string { return b.tail() }

func (b *Broker) tail() string {
	data, _ := os.ReadFile(b.logPath)
	if len(data) > 8000 {
		data = data[len(data)-8000:]
	}
	return string(data)
}

// startEPMD runs an epmd of our own in the foreground on its own port.
func (b *Broker) startEPMD() error {
	cmd := exec.Command("epmd", "-port", strconv.Itoa(b.epmdPort), "-address", "127.0.0.1")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + b.Dir}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("bustest: starting epmd: %w", err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	b.epmd, b.epmdDone = cmd, done
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(b.epmdPort))
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-done:
			return fmt.Errorf("bustest: epmd exited: %w", err)
		case <-time.After(20 * time.Millisecond): // polling a port, bounded below
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("bustest: epmd does not listen on %s: %w", addr, err)
		}
	}
}

// writeConfig writes rabbitmq.conf, the plugins list, the definitions
// (users) and the TLS files.
func (b *Broker) writeConfig() error {
	d := b.Dir
	if err := b.writeCerts(); err != nil {
		return err
	}
	defs := map[string]any{
		"users": []map[string]any{
			{"name": "guest", "password_hash": passwordHash("guest"), "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": []string{"administrator"}},
			{"name": ClientName, "password_hash": "", "hashing_algorithm": "rabbit_password_hashing_sha256", "tags": []string{}},
		},
		"vhosts": []map[string]any{{"name": "/"}},
		"permissions": []map[string]any{
			{"user": "guest", "vhost": "/", "configure": ".*", "write": ".*", "read": ".*"},
			{"user": ClientName, "vhost": "/", "configure": ".*", "write": ".*", "read": ".*"},
		},
	}
	defsJSON, err := json.Marshal(defs)
	if err != nil {
		return err
	}
	conf := fmt.Sprintf(`listeners.tcp.1 = 127.0.0.1:%d
listeners.ssl.1 = 127.0.0.1:%d
ssl_options.cacertfile = %s
ssl_options.certfile = %s
ssl_options.keyfile = %s
ssl_options.verify = verify_peer
ssl_options.fail_if_no_peer_cert = false
auth_mechanisms.1 = PLAIN
auth_mechanisms.2 = AMQPLAIN
auth_mechanisms.3 = EXTERNAL
ssl_cert_login_from = common_name
load_definitions = %s
log.console = true
log.console.level = info
log.file = false
`, b.Port, b.TLSPort, b.CAFile, filepath.Join(d, "server.pem"), filepath.Join(d, "server.key"), filepath.Join(d, "definitions.json"))
	files := map[string]string{
		"rabbitmq.conf":     conf,
		"enabled_plugins":   "[rabbitmq_auth_mechanism_ssl].\n",
		"advanced.config":   "[].\n",
		"rabbitmq-env.conf": "",
		"definitions.json":  string(defsJSON),
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(d, name), []byte(body), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// passwordHash is RabbitMQ's salted SHA-256 password hash.
func passwordHash(pw string) string {
	salt := make([]byte, 4)
	rand.Read(salt)
	sum := sha256.Sum256(append(append([]byte(nil), salt...), pw...))
	return base64.StdEncoding.EncodeToString(append(salt, sum[:]...))
}

// writeCerts makes a CA, a server certificate for localhost and 127.0.0.1,
// and a client certificate with CN ClientName.
func (b *Broker) writeCerts() error {
	d := b.Dir
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	ca := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "gavel test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	caCert, _ := x509.ParseCertificate(caDER)
	b.CAFile = filepath.Join(d, "ca.pem")
	if err := writePEM(b.CAFile, "CERTIFICATE", caDER); err != nil {
		return err
	}
	leaf := func(serial int64, cn string, usage x509.ExtKeyUsage, dns []string, ips []net.IP, certPath, keyPath string) error {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			return err
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: cn},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour),
			KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{usage},
			DNSNames: dns, IPAddresses: ips,
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
		if err != nil {
			return err
		}
		kder, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			return err
		}
		return errors.Join(writePEM(certPath, "CERTIFICATE", der), writePEM(keyPath, "PRIVATE KEY", kder))
	}
	if err := leaf(2, "localhost", x509.ExtKeyUsageServerAuth, []string{"localhost"}, []net.IP{net.IPv4(127, 0, 0, 1)},
		filepath.Join(d, "server.pem"), filepath.Join(d, "server.key")); err != nil {
		return err
	}
	b.CertFile, b.KeyFile = filepath.Join(d, "client.pem"), filepath.Join(d, "client.key")
	return leaf(3, ClientName, x509.ExtKeyUsageClientAuth, nil, nil, b.CertFile, b.KeyFile)
}

func writePEM(path, typ string, der []byte) error {
	return os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600)
}

// freePorts returns n distinct loopback ports that are free now.
func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	var ports []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
