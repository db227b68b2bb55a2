package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"gavel/ircclient/ircdtest"
	"gavel/meeting/bus"
	"gavel/meeting/bus/bustest"
)

// The real binary with a [bus] table: #startmeeting reaches a consumer;
// the broker then stops, #endmeeting publishes the minutes anyway and
// headless stderr says the message waits; gavel is killed; with the broker
// back, the restarted gavel sends meetbot.meeting.complete, whose url +
// ".log.html" is the published log.
func TestBusThroughTheBinary(t *testing.T) {
	bustest.Require(t)
	srv := ircdtest.StartNgircd(t)
	broker := bustest.New(t)
	bin := buildGavel(t)
	dir := t.TempDir()
	archive, state := filepath.Join(dir, "archive"), t.TempDir()
	const prefix = "org.fedoraproject.e2e"
	config := testConfig{Port: srv.Port, Nick: "gavelbot", Archive: archive, URLPrefix: "https://meetbot.example/",
		Tables: fmt.Sprintf("[bus]\namqp_url = %q\ntopic_prefix = %q\n", broker.URL(), prefix)}.write(t, dir)
	env := []string{"XDG_STATE_HOME=" + state}
	logFile := filepath.Join(dir, "gavel.log")

	consume := func() <-chan amqp.Delivery {
		conn, err := amqp.Dial(broker.URL())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close() })
		ch, err := conn.Channel()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ch.QueueDeclare("e2e", true, false, false, false, nil); err != nil {
			t.Fatal(err)
		}
		if err := ch.QueueBind("e2e", prefix+".meetbot.#", "amq.topic", false, nil); err != nil {
			t.Fatal(err)
		}
		d, err := ch.Consume("e2e", "", true, false, false, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	next := func(d <-chan amqp.Delivery) amqp.Delivery {
		t.Helper()
		select {
		case m, ok := <-d:
			if !ok {
				t.Fatal("consumer closed")
			}
			return m
		case <-time.After(time.Minute):
			t.Fatal("no message on the bus in a minute")
		}
		return amqp.Delivery{}
	}
	deliveries := consume()

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	alice := ircdtest.Joined(t, ctx, srv.Addr(), "alice", "#meet")
	say := func(text string) { alice.Send("PRIVMSG #meet :" + text) }

	gavel := runHeadless(t, bin, env, "--config", config, "--log", logFile)
	alice.Expect(t, ":gavelbot!")
	say("#startmeeting Bus e2e")
	start := next(deliveries)
	var sb bus.StartBody
	if err := json.Unmarshal(start.Body, &sb); err != nil || start.RoutingKey != prefix+"."+bus.TopicStart ||
		sb.StartUser != "alice" || sb.Location != "#meet" || sb.MeetingName != "bus_e2e" {
		t.Fatalf("start: %s %s (%v)", start.RoutingKey, start.Body, err)
	}

	if err := broker.Stop(); err != nil {
		t.Fatal(err)
	}
	say("#info said while the broker is down")
	say("#endmeeting")
	alice.Expect(t, "Minutes:        https://meetbot.example/meet/")
	gavel.next(t, ctx, "gavel: bus: 1 message waiting")
	gavel.cmd.Process.Signal(syscall.SIGKILL)
	gavel.wait(t, ctx)

	if err := broker.Restart(); err != nil {
		t.Fatal(err)
	}
	deliveries = consume()
	gavel = runHeadless(t, bin, env, "--config", config, "--log", logFile)
	done := next(deliveries)
	var cb bus.CompleteBody
	if err := json.Unmarshal(done.Body, &cb); err != nil || done.RoutingKey != prefix+"."+bus.TopicComplete {
		t.Fatalf("complete: %s %s (%v)", done.RoutingKey, done.Body, err)
	}
	if !validComplete(cb) {
		t.Errorf("complete body %s", done.Body)
	}
	rel, ok := strings.CutPrefix(cb.URL, "https://meetbot.example/")
	if !ok {
		t.Fatalf("url %s", cb.URL)
	}
	if _, err := os.Stat(filepath.Join(archive, filepath.FromSlash(rel)+".log.html")); err != nil {
		t.Errorf("url + .log.html is not in the archive: %v", err)
	}
	if done.MessageId != bus.EventID(bus.TopicComplete, "#meet", mustTime(t, cb.StartTime)) {
		t.Errorf("message id %s is not the event's", done.MessageId)
	}
	select {
	case l := <-gavel.lines:
		if strings.Contains(l, "bus:") {
			t.Errorf("restarted gavel: %s", l)
		}
	default:
	}
}

func validComplete(cb bus.CompleteBody) bool {
	return cb.EndUser == "alice" && cb.MeetingName == "bus_e2e" && len(cb.Logs) >= 4 && len(cb.Chairs) == 1 && len(cb.Attendees) >= 1
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
