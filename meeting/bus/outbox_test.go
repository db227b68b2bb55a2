package bus

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// testMessage is a valid message for the n-th event.
func testMessage(n int) Message {
	start := t0.Add(time.Duration(n) * time.Minute)
	body, _ := json.Marshal(StartBody{StartTime: formatTime(start), StartUser: "alice", Location: "#x", MeetingName: fmt.Sprint("m", n)})
	return Message{ID: EventID(TopicStart, "#x", start), Topic: TopicStart, SentAt: start, Users: []string{"alice"}, Body: body}
}

func encodeLines(t testing.TB, recs ...record) []byte {
	t.Helper()
	var b bytes.Buffer
	for _, r := range recs {
		line, err := encodeRecord(r)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(line)
	}
	return b.Bytes()
}

func msgRec(n int) record { return record{Kind: "msg", Message: testMessage(n)} }
func ackRec(n int) record { return record{Kind: "ack", Message: Message{ID: testMessage(n).ID}} }

func ids(ms []Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

func TestReadOutbox(t *testing.T) {
	good := encodeLines(t, msgRec(1), msgRec(2), ackRec(1), msgRec(3), msgRec(2))
	c, err := ReadOutbox(bytes.NewReader(good))
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{testMessage(2).ID, testMessage(3).ID}; !reflect.DeepEqual(ids(c.Pending), want) {
		t.Errorf("pending %v, want %v (acked dropped, duplicate kept once)", ids(c.Pending), want)
	}
	if !reflect.DeepEqual(c.Acked, []string{testMessage(1).ID}) {
		t.Errorf("acked %v", c.Acked)
	}
	if !reflect.DeepEqual(c.Pending[0], testMessage(2)) {
		t.Errorf("message changed on the way: %+v", c.Pending[0])
	}

	// A torn last line (the process died writing it) is dropped quietly.
	torn := append(append([]byte(nil), good...), encodeLines(t, msgRec(4))[:40]...)
	c, err = ReadOutbox(bytes.NewReader(torn))
	if err != nil || len(c.Pending) != 2 {
		t.Errorf("torn tail: %v, %d pending", err, len(c.Pending))
	}
	// A complete last record that only lacks its newline is kept.
	nonl := bytes.TrimSuffix(append(append([]byte(nil), good...), encodeLines(t, msgRec(4))...), []byte("\n"))
	c, err = ReadOutbox(bytes.NewReader(nonl))
	if err != nil || len(c.Pending) != 3 {
		t.Errorf("no final newline: %v, %d pending", err, len(c.Pending))
	}
}

// A corrupt line in the middle is reported with its line number and
// offset, and every good record around it is still read.
func TestReadOutboxCorruptMiddle(t *testing.T) {
	one, two := encodeLines(t, msgRec(1)), encodeLines(t, msgRec(2))
	flipped := append([]byte(nil), two...)
	flipped[30] ^= 0x01 // one bit in the JSON: the checksum catches it
	cases := map[string][]byte{
		"bit flip":      flipped,
		"garbage":       []byte("\x00\x00\x00garbage\n"),
		"empty line":    []byte("\n"),
		"no checksum":   []byte(`{"k":"msg"}` + "\n"),
		"unknown kind":  encodeLines(t, record{Kind: "zap", Message: testMessage(9)}),
		"bad id":        encodeLines(t, record{Kind: "msg", Message: Message{ID: "1", Topic: TopicStart, SentAt: t0, Body: []byte(`{}`)}}),
		"unknown topic": encodeLines(t, record{Kind: "msg", Message: Message{ID: testMessage(9).ID, Topic: "x.y", SentAt: t0, Body: []byte(`{}`)}}),
		"body array":    encodeLines(t, record{Kind: "msg", Message: Message{ID: testMessage(9).ID, Topic: TopicStart, SentAt: t0, Body: []byte(`[1]`)}}),
	}
	for name, bad := range cases {
		t.Run(name, func(t *testing.T) {
			data := append(append(append([]byte(nil), one...), bad...), encodeLines(t, msgRec(3), ackRec(1))...)
			c, err := ReadOutbox(bytes.NewReader(data))
			var ce *CorruptError
			if !errors.As(err, &ce) || len(ce.Lines) != 1 || ce.Lines[0].N != 2 || ce.Lines[0].Offset != int64(len(one)) {
				t.Fatalf("err %v", err)
			}
			if !strings.Contains(err.Error(), "line 2 (byte ") {
				t.Errorf("unclear error: %v", err)
			}
			if got := ids(c.Pending); !reflect.DeepEqual(got, []string{testMessage(3).ID}) {
				t.Errorf("pending %v", got)
			}
		})
	}
}

// A line longer than any record is corrupt, and is not held in memory.
func TestReadOutboxLongLine(t *testing.T) {
	data := append(encodeLines(t, msgRec(1)), bytes.Repeat([]byte("x"), maxRecord+100)...)
	data = append(append(data, '\n'), encodeLines(t, msgRec(2))...)
	c, err := ReadOutbox(bytes.NewReader(data))
	var ce *CorruptError
	if !errors.As(err, &ce) || ce.Lines[0].Reason != "line too long" || len(c.Pending) != 2 {
		t.Fatalf("%v, %d pending", err, len(c.Pending))
	}
}

// closedURL is a broker URL where nothing listens.
func closedURL(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return fmt.Sprintf("amqp://guest:s3cret@127.0.0.1:%d/", port)
}

// statusWatcher turns OnStatus calls into a channel a test can wait on.
type statusWatcher chan Status

func (w statusWatcher) on(s Status) {
	select {
	case w <- s:
	default: // a test only waits for the latest; never block the bus
		select {
		case <-w:
		default:
		}
		select {
		case w <- s:
		default:
		}
	}
}

// until waits for a status that satisfies ok (or fails after a minute: a
// bound, not a timing assertion).
func (w statusWatcher) until(t testing.TB, o *Outbox, what string, ok func(Status) bool) Status {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		if s := o.Status(); ok(s) {
			return s
		}
		select {
		case <-w:
		case <-deadline:
			t.Fatalf("bus never reached %s; status %+v", what, o.Status())
		}
	}
}

func offlineConfig(t testing.TB, dir string, w statusWatcher) Config {
	cfg := Config{URL: closedURL(t), Dir: dir, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}
	if w != nil {
		cfg.OnStatus = w.on
	}
	return cfg
}

// With the broker away, a message waits in the outbox; the status says so
// (without the password); it is still there after a restart of gavel.
func TestOutboxKeepsMessagesWhileBrokerAway(t *testing.T) {
	dir := t.TempDir()
	w := make(statusWatcher, 1)
	o, err := Open(offlineConfig(t, dir, w))
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Enqueue(testMessage(1)); err != nil {
		t.Fatal(err)
	}
	if err := o.Enqueue(testMessage(1)); err != nil { // the same event again
		t.Fatal(err)
	}
	s := w.until(t, o, "a failed attempt", func(s Status) bool { return s.Err != nil })
	if s.Waiting != 1 || !strings.HasPrefix(s.String(), "bus: 1 message waiting: connecting to amqp://guest:xxxxx@127.0.0.1:") || strings.Contains(s.String(), "s3cret") {
		t.Errorf("status %q (%+v)", s, s)
	}
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	o, err = Open(offlineConfig(t, dir, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if s := o.Status(); s.Waiting != 1 {
		t.Errorf("after reopening: %+v", s)
	}
	if _, err := Open(offlineConfig(t, dir, nil)); err == nil || !strings.Contains(err.Error(), "in use by another gavel") {
		t.Errorf("second open of the same outbox: %v", err)
	}
}

// A corrupt outbox: Open goes on with every good message, keeps the file
// as it was beside it, and says where in a clear error.
func TestOpenCorruptOutbox(t *testing.T) {
	dir := t.TempDir()
	data := append(append(encodeLines(t, msgRec(1)), "#!garbage\n"...), encodeLines(t, msgRec(2))...)
	if err := os.WriteFile(filepath.Join(dir, OutboxName), data, 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := Open(offlineConfig(t, dir, nil))
	var ce *CorruptError
	if o == nil || !errors.As(err, &ce) {
		t.Fatalf("outbox %v, err %v", o, err)
	}
	defer o.Close()
	if !strings.Contains(err.Error(), "line 2") || !strings.Contains(err.Error(), "2 good message(s) will be sent") {
		t.Errorf("unclear: %v", err)
	}
	if s := o.Status(); s.Waiting != 2 {
		t.Errorf("waiting %d", s.Waiting)
	}
	aside, _ := filepath.Glob(filepath.Join(dir, OutboxName+".corrupt-*"))
	if len(aside) != 1 {
		t.Fatalf("copies aside: %v", aside)
	}
	if kept, _ := os.ReadFile(aside[0]); !bytes.Equal(kept, data) {
		t.Error("the copy aside is not the file as it was")
	}
	// The outbox itself is clean again.
	now, _ := os.ReadFile(filepath.Join(dir, OutboxName))
	if c, err := ReadOutbox(bytes.NewReader(now)); err != nil || len(c.Pending) != 2 {
		t.Errorf("rewritten outbox: %v, %d", err, len(c.Pending))
	}
}

// Bad settings are refused before anything is opened.
func TestConfigValidate(t *testing.T) {
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{URL: "http://x/", Dir: "d"}, "amqp:// or amqps://"},
		{Config{URL: "amqp://x/", Dir: "d", CAFile: "ca.pem"}, "not amqps"},
		{Config{URL: "amqps://x/", Dir: "d", CertFile: "c.pem"}, "go together"},
		{Config{URL: "amqp:///", Dir: "d"}, "no host"},
		{Config{URL: "amqp://x/"}, "no directory"},
	} {
		if err := c.cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.cfg, err, c.want)
		}
	}
	if err := (Config{URL: "amqps://u:p@x:5671/%2Fpubsub", Dir: "d", CAFile: "a", CertFile: "b", KeyFile: "c"}).Validate(); err != nil {
		t.Error(err)
	}
}

// Quitting gavel while the broker hangs in the handshake does not wait for
// the dial timeout (here far longer than the test's own limit), and the
// message stays for next time.
func TestCloseDuringHungHandshake(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := l.Accept()
		if err == nil {
			accepted <- c // held open, never answered
		}
	}()
	dir := t.TempDir()
	cfg := offlineConfig(t, dir, nil)
	cfg.URL, cfg.DialTimeout = "amqp://guest:guest@"+l.Addr().String()+"/", time.Hour
	o, err := Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Enqueue(testMessage(1)); err != nil {
		t.Fatal(err)
	}
	c := <-accepted
	defer c.Close()
	if err := o.Close(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(filepath.Join(dir, OutboxName))
	if got, err := ReadOutbox(bytes.NewReader(data)); err != nil || len(got.Pending) != 1 {
		t.Errorf("after close: %v, %d pending", err, len(got.Pending))
	}
}
