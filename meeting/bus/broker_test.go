package bus

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"gavel/meeting/bus/bustest"
)

// One RabbitMQ for the package, started on first use (tests that need no
// broker, and fuzzing, do not wait for it). Tests that stop it start it
// again before they end; none runs in parallel with another.
var shared struct {
	once sync.Once
	b    *bustest.Broker
	err  error
}

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(child())
	}
	code := m.Run()
	if shared.b != nil {
		if err := shared.b.Close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			code = 1
		}
	}
	os.Exit(code)
}

func broker(t testing.TB) *bustest.Broker {
	t.Helper()
	bustest.Require(t)
	shared.once.Do(func() { shared.b, shared.err = bustest.Start() })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	return shared.b
}

// consumer reads what the bus publishes from a durable queue, the way a
// fedora-messaging consumer does.
type consumer struct {
	t          testing.TB
	conn       *amqp.Connection
	deliveries <-chan amqp.Delivery
}

// newConsumer binds queue (durable, so that it outlives a broker restart)
// to every meetbot topic under prefix.
func newConsumer(t testing.TB, b *bustest.Broker, queue, prefix string) *consumer {
	t.Helper()
	conn, err := amqp.Dial(b.URL())
	if err != nil {
		t.Fatalf("consumer: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ch.QueueDeclare(queue, true, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	if err := ch.QueueBind(queue, prefix+".meetbot.#", DefaultExchange, false, nil); err != nil {
		t.Fatal(err)
	}
	d, err := ch.Consume(queue, "", true, false, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	return &consumer{t: t, conn: conn, deliveries: d}
}

// next returns the next message (failing after a minute: a bound on a
// broken test, not a timing assertion).
func (c *consumer) next() amqp.Delivery {
	c.t.Helper()
	select {
	case d, ok := <-c.deliveries:
		if !ok {
			c.t.Fatal("consumer: the broker closed the channel")
		}
		return d
	case <-time.After(time.Minute):
		c.t.Fatal("consumer: no message in a minute")
	}
	return amqp.Delivery{}
}

// until returns every message up to and including the one with id.
func (c *consumer) until(id string) []amqp.Delivery {
	c.t.Helper()
	var out []amqp.Delivery
	for {
		d := c.next()
		out = append(out, d)
		if d.MessageId == id {
			return out
		}
	}
}

// fence queues one more event and returns everything the consumer gets
// before it. The outbox sends in order, so a copy of anything sent earlier
// would arrive before the fence.
func fence(t testing.TB, o *Outbox, c *consumer, n int) []amqp.Delivery {
	t.Helper()
	m := testMessage(1000 + n)
	if err := o.Enqueue(m); err != nil {
		t.Fatal(err)
	}
	got := c.until(m.ID)
	return got[:len(got)-1]
}

// checkDelivery checks one message as a fedora-messaging consumer would
// see it: routing key, properties, headers and body against their schemas,
// and, for a complete message, that url + ".log.html" is in the archive.
func checkDelivery(t testing.TB, d amqp.Delivery, prefix, archive string) {
	t.Helper()
	topic, ok := strings.CutPrefix(d.RoutingKey, prefix+".")
	if !ok || (topic != TopicStart && topic != TopicComplete) {
		t.Fatalf("routing key %q", d.RoutingKey)
	}
	if d.ContentType != "application/json" || d.ContentEncoding != "utf-8" || d.DeliveryMode != amqp.Persistent || !validID(d.MessageId) {
		t.Errorf("properties: type %q encoding %q mode %d id %q", d.ContentType, d.ContentEncoding, d.DeliveryMode, d.MessageId)
	}
	headers := map[string]any{}
	for k, v := range d.Headers {
		headers[k] = v
	}
	if errs := loadSchema(t, "headers").validate("headers", headers); len(errs) > 0 {
		t.Errorf("headers %v:\n%s", d.Headers, strings.Join(errs, "\n"))
	}
	if d.Headers["fedora_messaging_schema"] != topic {
		t.Errorf("schema header %v for topic %s", d.Headers["fedora_messaging_schema"], topic)
	}
	if _, err := time.Parse(time.RFC3339, fmt.Sprint(d.Headers["sent-at"])); err != nil {
		t.Errorf("sent-at %v", d.Headers["sent-at"])
	}
	if errs := loadSchema(t, topic).validate("body", decodeNumbers(t, string(d.Body))); len(errs) > 0 {
		t.Errorf("%s body %s:\n%s", topic, d.Body, strings.Join(errs, "\n"))
	}
	if topic == TopicComplete && archive != "" {
		var body CompleteBody
		if err := json.Unmarshal(d.Body, &body); err != nil {
			t.Fatal(err)
		}
		checkURLInArchive(t, archive, body.URL)
	}
}

func brokerConfig(b *bustest.Broker, dir, prefix string, w statusWatcher) Config {
	return Config{URL: b.URL(), Dir: dir, TopicPrefix: prefix, OnStatus: w.on,
		MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}
}

// A meeting's start and completion reach a consumer through a real
// RabbitMQ, in fedora-messaging's format, valid against the schemas, with
// url + ".log.html" a file in the archive.
func TestMeetingOnTheBus(t *testing.T) {
	b := broker(t)
	const prefix = "org.fedoraproject.test1"
	c := newConsumer(t, b, "test-meeting", prefix)
	w := make(statusWatcher, 1)
	o, err := Open(brokerConfig(b, t.TempDir(), prefix+".", w)) // the trailing dot is dropped, as fedora-messaging does
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	archive := t.TempDir()
	d := newDriver(t, archive, "#fedora-meeting", t0, o)
	d.standardMeeting()
	got := fence(t, o, c, 1)
	if len(got) != 2 {
		t.Fatalf("got %d messages, want start and complete", len(got))
	}
	for _, m := range got {
		checkDelivery(t, m, prefix, archive)
	}
	if got[0].RoutingKey != prefix+"."+TopicStart || got[1].RoutingKey != prefix+"."+TopicComplete {
		t.Errorf("order: %s, %s", got[0].RoutingKey, got[1].RoutingKey)
	}
	if got[0].MessageId != EventID(TopicStart, "#fedora-meeting", d.eng.Meeting().Start) {
		t.Errorf("start id %s", got[0].MessageId)
	}
	s := w.until(t, o, "all sent", func(s Status) bool { return s.Waiting == 0 && s.Sent == 3 })
	if !s.Connected || s.String() != "" {
		t.Errorf("status %+v %q", s, s)
	}
}

// amqps:// with the CA and a client certificate: gavel logs in with SASL
// EXTERNAL, as on Fedora's broker.
func TestClientCertificate(t *testing.T) {
	b := broker(t)
	const prefix = "org.fedoraproject.tls"
	c := newConsumer(t, b, "test-tls", prefix)
	cfg := brokerConfig(b, t.TempDir(), prefix, make(statusWatcher, 1))
	cfg.URL, cfg.CAFile, cfg.CertFile, cfg.KeyFile = b.TLSURL(), b.CAFile, b.CertFile, b.KeyFile
	o, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	d := newDriver(t, t.TempDir(), "#fedora-qa", t0, o)
	d.say("adamw", "#startmeeting QA")
	got := fence(t, o, c, 2)
	if len(got) != 1 || got[0].RoutingKey != prefix+"."+TopicStart {
		t.Fatalf("got %d messages", len(got))
	}
	checkDelivery(t, got[0], prefix, "")
	if got[0].UserId != "" && got[0].UserId != bustest.ClientName {
		t.Errorf("user %q", got[0].UserId)
	}

	// The broker's certificate is checked: with a CA that did not sign it
	// the message waits, and the status says why.
	cfg.Dir, cfg.CAFile = t.TempDir(), b.CertFile
	w := make(statusWatcher, 1)
	cfg.OnStatus = w.on
	o2, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer o2.Close()
	if err := o2.Enqueue(testMessage(3)); err != nil {
		t.Fatal(err)
	}
	s := w.until(t, o2, "a refused certificate", func(s Status) bool { return s.Err != nil })
	if s.Waiting != 1 || !strings.Contains(s.String(), "1 message waiting") || !strings.Contains(s.String(), "certificate") {
		t.Errorf("status %q", s)
	}
}

// The broker stops in the middle of a meeting and starts again after
// #endmeeting: the complete message arrives, and every copy of each event
// that arrives has the same id.
func TestBrokerStoppedMidMeeting(t *testing.T) {
	b := broker(t)
	const prefix = "org.fedoraproject.restart"
	c := newConsumer(t, b, "test-restart", prefix)
	w := make(statusWatcher, 1)
	o, err := Open(brokerConfig(b, t.TempDir(), prefix, w))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	archive := t.TempDir()
	d := newDriver(t, archive, "#fedora-meeting", t0, o)
	d.say("alice", "#startmeeting Outage")
	startID := EventID(TopicStart, "#fedora-meeting", d.eng.Meeting().Start)
	all := c.until(startID)
	w.until(t, o, "the start confirmed", func(s Status) bool { return s.Waiting == 0 })

	if err := b.Stop(); err != nil {
		t.Fatal(err)
	}
	restarted := false
	defer func() {
		if !restarted {
			b.Restart() // leave the shared broker running for the next test
		}
	}()
	d.say("bob", "the broker is down")
	d.say("alice", "#info the meeting goes on")
	d.say("alice", "#endmeeting") // returns at once: the bus never holds a meeting up
	s := w.until(t, o, "the complete message waiting", func(s Status) bool { return s.Waiting == 1 && s.Err != nil })
	if !strings.HasPrefix(s.String(), "bus: 1 message waiting: ") {
		t.Errorf("status %q", s)
	}

	if err := b.Restart(); err != nil {
		t.Fatal(err)
	}
	restarted = true
	w.until(t, o, "the complete message sent", func(s Status) bool { return s.Waiting == 0 })
	c = newConsumer(t, b, "test-restart", prefix) // the old connection died with the broker
	all = append(all, fence(t, o, c, 3)...)
	ids := map[string]string{} // topic → id
	complete := 0
	for _, m := range all {
		checkDelivery(t, m, prefix, archive)
		topic := strings.TrimPrefix(m.RoutingKey, prefix+".")
		if id, seen := ids[topic]; seen && id != m.MessageId {
			t.Errorf("a copy of %s with another id: %s vs %s", topic, m.MessageId, id)
		}
		ids[topic] = m.MessageId
		if topic == TopicComplete {
			complete++
		}
	}
	if complete == 0 {
		t.Fatal("the complete message never arrived")
	}
	if ids[TopicComplete] != EventID(TopicComplete, "#fedora-meeting", d.eng.Meeting().Start) {
		t.Errorf("complete id %s", ids[TopicComplete])
	}
}

// The child process (this test binary run again) opens an outbox, runs a
// meeting and reports; the parent kills it.
const (
	childEnv     = "GAVEL_BUS_TEST_CHILD" // the outbox directory
	childURL     = "GAVEL_BUS_TEST_URL"
	childPrefix  = "GAVEL_BUS_TEST_PREFIX"
	childArchive = "GAVEL_BUS_TEST_ARCHIVE"
	childConfirm = "GAVEL_BUS_TEST_CONFIRM" // "1": wait until the broker confirmed everything
)

type childT struct{}

func (childT) Helper() {}
func (childT) Fatal(args ...any) {
	fmt.Fprintln(os.Stderr, args...)
	os.Exit(3)
}

func child() int {
	w := make(statusWatcher, 1)
	o, err := Open(Config{URL: os.Getenv(childURL), Dir: os.Getenv(childEnv), TopicPrefix: os.Getenv(childPrefix),
		OnStatus: w.on, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	d := newDriver(childT{}, os.Getenv(childArchive), "#fedora-meeting", t0, o)
	d.standardMeeting()
	for os.Getenv(childConfirm) == "1" && o.Status().Waiting > 0 {
		<-w
	}
	fmt.Println("ready", o.Status().Waiting)
	select {} // until killed
}

// runAndKill runs the child until it is ready, then SIGKILLs it.
func runAndKill(t *testing.T, dir, url, prefix, archive string, confirm bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+dir, childURL+"="+url, childPrefix+"="+prefix, childArchive+"="+archive)
	if confirm {
		cmd.Env = append(cmd.Env, childConfirm+"=1")
	}
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	cmd.Process.Kill()
	cmd.Wait()
	if err != nil || !strings.HasPrefix(line, "ready ") {
		t.Fatalf("child: %q, %v", line, err)
	}
	t.Logf("child killed with %s message(s) waiting", strings.TrimSpace(strings.TrimPrefix(line, "ready ")))
}

// gavel is killed with messages in the outbox (the broker was away): they
// are sent, in order, with their ids, after the restart.
func TestKilledWithMessagesWaiting(t *testing.T) {
	b := broker(t)
	const prefix = "org.fedoraproject.killed"
	c := newConsumer(t, b, "test-killed", prefix)
	dir, archive := t.TempDir(), t.TempDir()
	runAndKill(t, dir, closedURL(t), prefix, archive, false)

	w := make(statusWatcher, 1)
	o, err := Open(brokerConfig(b, dir, prefix, w))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if s := o.Status(); s.Waiting != 2 {
		t.Fatalf("outbox after the kill holds %d messages, want 2", s.Waiting)
	}
	got := fence(t, o, c, 4)
	start := t0.Add(time.Second)
	want := []string{EventID(TopicStart, "#fedora-meeting", start), EventID(TopicComplete, "#fedora-meeting", start)}
	if len(got) != 2 || got[0].MessageId != want[0] || got[1].MessageId != want[1] {
		t.Fatalf("got %d messages %v, want %v", len(got), got, want)
	}
	for _, m := range got {
		checkDelivery(t, m, prefix, archive)
	}
}

// A message the broker confirmed is never sent again: not after gavel is
// killed and restarted, nor when the same event is handed to the bus once
// more.
func TestConfirmedNeverSentAgain(t *testing.T) {
	b := broker(t)
	const prefix = "org.fedoraproject.once"
	c := newConsumer(t, b, "test-once", prefix)
	dir, archive := t.TempDir(), t.TempDir()
	runAndKill(t, dir, b.URL(), prefix, archive, true)
	first := c.until(EventID(TopicComplete, "#fedora-meeting", t0.Add(time.Second)))
	if len(first) != 2 {
		t.Fatalf("first run: %d messages", len(first))
	}

	o, err := Open(brokerConfig(b, dir, prefix, make(statusWatcher, 1)))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if s := o.Status(); s.Waiting != 0 {
		t.Errorf("confirmed messages still waiting: %+v", s)
	}
	// The same meeting handed again (as a resumed journal might).
	newDriver(t, archive, "#fedora-meeting", t0, o).standardMeeting()
	if again := fence(t, o, c, 5); len(again) != 0 {
		t.Errorf("sent again: %d message(s), first %s", len(again), again[0].RoutingKey)
	}
}

// proxy sits between the outbox and the broker. hold() makes it swallow
// what the broker says on the connections open now (its confirms among
// it), and cut() closes them: the broker has the message, gavel never
// hears that it does.
type proxy struct {
	l     net.Listener
	to    string
	mu    sync.Mutex
	conns []*proxied
}

type proxied struct {
	client, server net.Conn
	held           atomic.Bool
}

func newProxy(t testing.TB, to string) *proxy {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{l: l, to: to}
	t.Cleanup(func() { l.Close(); p.cut() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", to)
			if err != nil {
				c.Close()
				continue
			}
			pc := &proxied{client: c, server: s}
			p.mu.Lock()
			p.conns = append(p.conns, pc)
			p.mu.Unlock()
			go func() { io.Copy(s, c); s.Close() }()
			go func() {
				buf := make([]byte, 32<<10)
				for {
					n, err := s.Read(buf)
					if n > 0 && !pc.held.Load() {
						if _, werr := c.Write(buf[:n]); werr != nil {
							break
						}
					}
					if err != nil {
						break
					}
				}
				c.Close()
			}()
		}
	}()
	return p
}

func (p *proxy) url() string { return "amqp://guest:guest@" + p.l.Addr().String() + "/" }

func (p *proxy) hold() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.held.Store(true)
	}
}

func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.client.Close()
		c.server.Close()
	}
	p.conns = nil
}

// The broker got a message but its confirm was lost: gavel sends it again,
// and the copy carries the same message id.
func TestResentCopyKeepsItsID(t *testing.T) {
	b := broker(t)
	const prefix = "org.fedoraproject.resend"
	c := newConsumer(t, b, "test-resend", prefix)
	p := newProxy(t, fmt.Sprintf("127.0.0.1:%d", b.Port))
	w := make(statusWatcher, 1)
	cfg := brokerConfig(b, t.TempDir(), prefix, w)
	cfg.URL = p.url()
	o, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	fence(t, o, c, 6) // connected, and confirms flow
	w.until(t, o, "the fence confirmed", func(s Status) bool { return s.Waiting == 0 })

	p.hold()
	m := testMessage(7)
	if err := o.Enqueue(m); err != nil {
		t.Fatal(err)
	}
	first := c.next() // the broker has it...
	if first.MessageId != m.ID {
		t.Fatalf("got %s, want %s", first.MessageId, m.ID)
	}
	if s := o.Status(); s.Waiting != 1 {
		t.Fatalf("...and gavel must not know yet: %+v", s)
	}
	p.cut()
	again := fence(t, o, c, 8)
	if len(again) != 1 || again[0].MessageId != m.ID || string(again[0].Body) != string(first.Body) {
		t.Fatalf("resent: %d copies %v", len(again), again)
	}
	checkDelivery(t, again[0], prefix, "")
	if s := w.until(t, o, "all confirmed", func(s Status) bool { return s.Waiting == 0 }); s.Sent != 3 {
		t.Errorf("status %+v", s)
	}
}
