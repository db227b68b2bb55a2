package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gavel/meeting/bus"
)

// readmeSection returns the text of a "## title" section of README.md.
func readmeSection(t *testing.T, title string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "\n## "+title+"\n")
	if !ok {
		t.Fatalf("README.md has no %q section", title)
	}
	if i := strings.Index(rest, "\n## "); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

// The README's [bus] table is a valid config with every key known, and
// every --bus-* flag it names exists.
func TestBusREADME(t *testing.T) {
	sec := readmeSection(t, "Message bus")
	_, block, ok := strings.Cut(sec, "```toml\n")
	block, _, ok2 := strings.Cut(block, "```")
	if !ok || !ok2 {
		t.Fatal("no toml block in the Message bus section")
	}
	path := filepath.Join(t.TempDir(), "config.toml")
	if err := os.WriteFile(path, []byte(block), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, _, err := loadConfig(path, true)
	if err != nil {
		t.Fatal(err)
	}
	b := cfg.Bus
	if b.AMQPURL == "" || b.TLSCAFile == "" || b.TLSCertFile == "" || b.TLSKeyFile == "" || b.Exchange != bus.DefaultExchange || b.TopicPrefix == "" {
		t.Errorf("[bus] read as %+v", b)
	}
	if err := (bus.Config{URL: b.AMQPURL, CAFile: b.TLSCAFile, CertFile: b.TLSCertFile, KeyFile: b.TLSKeyFile, Dir: "x"}).Validate(); err != nil {
		t.Error(err)
	}
	var f busFlags
	fs := flag.NewFlagSet("gavel", flag.ContinueOnError)
	f.register(fs)
	for _, name := range regexp.MustCompile("--(bus-[a-z-]+)").FindAllStringSubmatch(sec, -1) {
		if fs.Lookup(name[1]) == nil {
			t.Errorf("README names --%s, which gavel does not have", name[1])
		}
	}
}

// Flags override the [bus] table; a password in --bus-url is refused.
func TestBusFlags(t *testing.T) {
	c := busConfig{AMQPURL: "amqps://file/", TopicPrefix: "org.fedoraproject.prod", Exchange: "x"}
	busFlags{AMQPURL: "amqps://flag/", TopicPrefix: "org.fedoraproject.stg"}.apply(&c)
	if c.AMQPURL != "amqps://flag/" || c.TopicPrefix != "org.fedoraproject.stg" || c.Exchange != "x" {
		t.Errorf("%+v", c)
	}
	var stderr bytes.Buffer
	code := runConsole(context.Background(), []string{"--config", filepath.Join(t.TempDir(), "none.toml"), "--bus-url", "amqp://gavel:s3cret@broker/"}, &bytes.Buffer{}, &stderr)
	if code != 2 || !strings.Contains(stderr.String(), "not on the command line") {
		t.Errorf("exit %d: %s", code, stderr.String())
	}
}

// The bus is off without amqp_url, and refuses a url_prefix that mote
// could not follow.
func TestOpenBus(t *testing.T) {
	var stderr bytes.Buffer
	b, err := openBus(busConfig{}, "", t.TempDir(), true, nil, &stderr)
	if err != nil || b.live() != nil {
		t.Fatalf("off: %v %v", b, err)
	}
	_, err = openBus(busConfig{AMQPURL: "amqp://127.0.0.1:1/"}, "minutes/", t.TempDir(), true, nil, &stderr)
	if err == nil || !strings.Contains(err.Error(), "url_prefix") {
		t.Errorf("relative url_prefix: %v", err)
	}
	_, err = openBus(busConfig{AMQPURL: "http://broker/"}, "https://m.example/", t.TempDir(), true, nil, &stderr)
	if err == nil || !strings.Contains(err.Error(), "amqp://") {
		t.Errorf("http url: %v", err)
	}
}

// Headless stderr says when messages start waiting, when the reason
// changes, and when they have gone; not at every retry.
func TestBusReporter(t *testing.T) {
	var out bytes.Buffer
	r := &busReporter{w: &out}
	down := errors.New("connection refused")
	for _, s := range []bus.Status{
		{Waiting: 1},            // queued, not yet tried
		{Waiting: 1, Err: down}, // first failure
		{Waiting: 1, Err: down}, // a retry: nothing new
		{Waiting: 2, Err: down}, // another message
		{Waiting: 2, Connected: true},
		{Waiting: 0, Connected: true, Sent: 2},
		{Waiting: 0, Connected: true, Sent: 2},
	} {
		r.report(s)
	}
	want := "gavel: bus: 1 message waiting: connection refused (retrying)\n" +
		"gavel: bus: 2 messages waiting: connection refused (retrying)\n" +
		"gavel: bus: all messages sent\n"
	if out.String() != want {
		t.Errorf("got:\n%swant:\n%s", out.String(), want)
	}
}
