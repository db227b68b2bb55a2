package ircclient

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestConfigValidate(t *testing.T) {
	cfg := DefaultConfig()
	if err := cfg.Validate(); err == nil {
		t.Fatal("empty server and nick accepted")
	} else if !strings.Contains(err.Error(), "server is empty") || !strings.Contains(err.Error(), "nick: empty") {
		t.Errorf("unclear error: %v", err)
	}
	cfg.Server, cfg.Nick = "irc.example.org", "chair"
	if err := cfg.Validate(); err != nil {
		t.Fatalf("default config with server and nick: %v", err)
	}
	if cfg.Addr() != "irc.example.org:6697" {
		t.Errorf("Addr = %s", cfg.Addr())
	}
	bad := cfg
	bad.SASLAccount, bad.Channels, bad.SendRate, bad.ReconnectJitter = "chair", []string{"#ok", "#bad chan"}, 0, 2
	err := bad.Validate()
	for _, want := range []string{"no password", "#bad chan", "send rate", "jitter"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error %v does not mention %q", err, want)
		}
	}
	secret := cfg
	secret.SASLAccount, secret.SASLPassword = "chair", "hunter2-secret"
	var buf strings.Builder
	slog.New(slog.NewTextHandler(&buf, nil)).Info("cfg", "cfg", secret)
	for _, s := range []string{fmt.Sprint(secret), fmt.Sprintf("%+v", secret), fmt.Sprintf("%#v", secret), buf.String()} {
		if strings.Contains(s, "hunter2") {
			t.Errorf("password leaked: %s", s)
		}
	}
}

func TestBackoff(t *testing.T) {
	mid := func() float64 { return 0.5 }
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second, 10 * time.Second, 10 * time.Second}
	for n, w := range want {
		if got := backoff(n, time.Second, 10*time.Second, 0.3, mid); got != w {
			t.Errorf("backoff(%d) = %v, want %v", n, got, w)
		}
	}
	if got := backoff(1000, time.Second, time.Minute, 0, nil); got != time.Minute {
		t.Errorf("huge attempt: %v", got)
	}
	lo := backoff(0, time.Second, time.Minute, 0.5, func() float64 { return 0 })
	hi := backoff(0, time.Second, time.Minute, 0.5, func() float64 { return 0.999 })
	if lo != 500*time.Millisecond || hi < 1490*time.Millisecond || hi > 1500*time.Millisecond {
		t.Errorf("jitter range %v..%v", lo, hi)
	}
}

func TestBucket(t *testing.T) {
	b := newBucket(4, 2)
	t0 := time.Unix(1000, 0)
	for i := range 4 {
		if ok, _ := b.take(t0); !ok {
			t.Fatalf("burst token %d refused", i)
		}
	}
	ok, wait := b.take(t0)
	if ok || wait != 500*time.Millisecond {
		t.Fatalf("5th: ok=%v wait=%v, want refused, 500ms", ok, wait)
	}
	if ok, _ := b.take(t0.Add(500 * time.Millisecond)); !ok {
		t.Fatal("token not refilled after 500ms")
	}
	// refill is capped at burst
	sent := 0
	for i := range 100 {
		if ok, _ := b.take(t0.Add(time.Hour)); ok {
			sent++
		}
		_ = i
	}
	if sent != 4 {
		t.Errorf("after a long idle %d lines went out at once, want burst 4", sent)
	}
	if ok, _ := newBucket(1, 0).take(t0); !ok {
		t.Error("unlimited bucket refused")
	}
}

func TestSendQueue(t *testing.T) {
	q := newSendQueue(3)
	if err := q.push(outLine{b: []byte("a")}, outLine{b: []byte("b")}); err != nil {
		t.Fatal(err)
	}
	if err := q.push(outLine{b: []byte("c")}, outLine{b: []byte("d")}); !errors.Is(err, ErrQueueFull) {
		t.Fatalf("over max: %v", err)
	}
	q.pushFront(outLine{b: []byte("j")})
	var got string
	for l, ok := q.pop(nil); ok; l, ok = q.pop(nil) {
		got += string(l.b)
	}
	if got != "jab" {
		t.Errorf("order %q, want jab", got)
	}
}
