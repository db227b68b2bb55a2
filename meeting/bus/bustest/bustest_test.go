package bustest

import (
	"crypto/tls"
	"crypto/x509"
	"os"
	"testing"

	amqp "github.com/rabbitmq/amqp091-go"
)

// The broker takes plain logins on AMQP and x509 (EXTERNAL) logins on
// AMQPS, survives a stop and restart, and leaves nothing running.
func TestBrokerPlainTLSRestart(t *testing.T) {
	b := New(t)
	c, err := amqp.Dial(b.URL())
	if err != nil {
		t.Fatalf("plain: %v\n%s", err, b.Log())
	}
	c.Close()
	pem, err := os.ReadFile(b.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	cert, err := tls.LoadX509KeyPair(b.CertFile, b.KeyFile)
	if err != nil {
		t.Fatal(err)
	}
	tc := &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}, ServerName: "localhost"}
	c, err = amqp.DialTLS_ExternalAuth(b.TLSURL(), tc)
	if err != nil {
		t.Fatalf("tls external: %v\n%s", err, b.Log())
	}
	c.Close()
	if err := b.Stop(); err != nil {
		t.Fatal(err)
	}
	if c, err := amqp.Dial(b.URL()); err == nil {
		c.Close()
		t.Fatal("stopped broker still answers")
	}
	if err := b.Restart(); err != nil {
		t.Fatal(err)
	}
	c, err = amqp.Dial(b.URL())
	if err != nil {
		t.Fatalf("after restart: %v\n%s", err, b.Log())
	}
	c.Close()
}
