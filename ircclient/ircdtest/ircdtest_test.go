package ircdtest

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestInspIRCdAccounts(t *testing.T) {
	s := StartInspIRCd(t, Options{})
	s.RegisterAccounts(map[string]string{"alice": "alicepass1", "bob": "bobpass123"})
}

func TestNgircd(t *testing.T) {
	s := StartNgircd(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	lc, err := Dial(ctx, s.Addr(), "probe")
	if err != nil {
		t.Fatal(err)
	}
	lc.Close()
}

// TestZNC: ZNC buffers what is said while no client is attached and plays
// it back to the next client.
func TestZNC(t *testing.T) {
	s := StartInspIRCd(t, Options{})
	z := StartZNC(t, s, ZNCOptions{Nick: "chair", Channels: []string{"#meet"}})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	alice, err := Dial(ctx, s.Addr(), "alice")
	if err != nil {
		t.Fatal(err)
	}
	defer alice.Close()
	alice.Send("JOIN #meet")
	alice.Send("PRIVMSG #meet :said while away")
	if err := z.Barrier(alice); err != nil {
		t.Fatal(err)
	}
	c, err := DialPass(ctx, z.Addr(), "chair", z.ServerPassword())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.WaitFor(func(l string) bool { return strings.Contains(l, "said while away") }); err != nil {
		t.Fatalf("no playback: %v", err)
	}
}

// TestHybrid: ircd-hybrid registers a client on loopback and announces the
// TOPICLEN it was given.
func TestHybrid(t *testing.T) {
	s := StartHybrid(t, HybridOptions{TopicLen: 120})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	lc, err := Dial(ctx, s.Addr(), "probe")
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Close()
	if _, err := lc.WaitFor(func(l string) bool { return cmdOf(l) == "005" && strings.Contains(l, "TOPICLEN=120") }); err != nil {
		t.Fatalf("no TOPICLEN=120 in the 005 lines: %v", err)
	}
}
