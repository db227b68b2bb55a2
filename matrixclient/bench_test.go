package matrixclient

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"gavel/matrixclient/dendritetest"
)

// A line the chair says, until another user's sync shows it (loopback
// Dendrite): ms/median is the median of the ops, ns/op their mean.
func BenchmarkLineSeenInOtherUsersSync(b *testing.B) {
	s := dendritetest.Start(b)
	chair := s.Register(b, "chair")
	alice := s.Register(b, "alice")
	room := alice.CreateRoom(b, "bench")
	c := run(b, chairConfig(b, s, chair, b.TempDir(), room))
	c.rec.waitFor(b, 0, wait, "synced", isState(Synced))

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seen := make(chan string, 1024)
	ready := make(chan struct{})
	go func() {
		resp, err := alice.SyncRequest(ctx, 0, "", "", false, "")
		if err != nil {
			return
		}
		since := resp.NextBatch
		close(ready)
		for ctx.Err() == nil {
			resp, err := alice.SyncRequest(ctx, 30000, since, "", false, "")
			if err != nil {
				continue
			}
			since = resp.NextBatch
			if jr := resp.Rooms.Join[id.RoomID(room)]; jr != nil {
				for _, e := range jr.Timeline.Events {
					if body, ok := e.Content.Raw["body"].(string); ok && string(e.Sender) == chair.UserID {
						seen <- body
					}
				}
			}
		}
	}()
	<-ready
	var lat []time.Duration
	b.ResetTimer()
	for i := range b.N {
		line := fmt.Sprintf("#info line %d", i)
		start := time.Now()
		if err := c.Say(room, line); err != nil {
			b.Fatal(err)
		}
		for got := ""; got != line; {
			select {
			case got = <-seen:
			case <-time.After(wait):
				b.Fatalf("alice did not see %q", line)
			}
		}
		lat = append(lat, time.Since(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2])/float64(time.Millisecond), "ms/median")
}

// 50 rooms (by alias) joined and synced, from New to the first Synced: by
// a new account that joins them all, and by a restart of an account that
// is in them already (the saved session). server-ms is the part of an op
// spent waiting on Dendrite's answers, join-ms the part with a join in
// flight (Dendrite makes its joins one at a time).
func BenchmarkJoinAndSync50Rooms(b *testing.B) {
	s := dendritetest.Start(b)
	alice := s.Register(b, "alice")
	var rooms []string
	for i := range 50 {
		alice.CreateRoom(b, fmt.Sprintf("r%02d", i))
		rooms = append(rooms, dendritetest.Alias(fmt.Sprintf("r%02d", i)))
	}
	isJoin := func(method, path string) bool { return method == "POST" && strings.Contains(path, "/join/") }
	var server, joins time.Duration
	start := func(b *testing.B, cfg Config) {
		clock := &dendritetest.Clock{}
		cfg.HTTPClient = clock.Client(time.Minute)
		began := time.Now()
		c := run(b, cfg)
		c.rec.waitFor(b, 0, 60*time.Second, "synced", isState(Synced))
		b.StopTimer()
		ended := time.Now()
		server += clock.Busy(began, ended, nil)
		joins += clock.Busy(began, ended, isJoin)
		if n := len(c.Rooms()); n != 50 {
			b.Fatalf("%d rooms joined", n)
		}
		c.stop(b)
	}
	report := func(b *testing.B) {
		b.ReportMetric(float64(server.Milliseconds())/float64(b.N), "server-ms")
		b.ReportMetric(float64(joins.Milliseconds())/float64(b.N), "join-ms")
		server, joins = 0, 0
	}
	accounts := 0
	b.Run("new account", func(b *testing.B) {
		for range b.N {
			b.StopTimer()
			accounts++
			chair := s.Register(b, fmt.Sprintf("chair%d", accounts))
			cfg := chairConfig(b, s, chair, b.TempDir(), rooms...)
			b.StartTimer()
			start(b, cfg)
		}
		report(b)
	})
	b.Run("restart", func(b *testing.B) {
		accounts++
		chair := s.Register(b, fmt.Sprintf("restarter%d", accounts))
		cfg := chairConfig(b, s, chair, b.TempDir(), rooms...)
		b.StopTimer()
		start(b, cfg)
		server, joins = 0, 0
		for range b.N {
			b.StartTimer()
			start(b, cfg)
		}
		report(b)
	})
}

// The client's share of the live path: a sync response of 1,000 messages
// in one room turned into events and read from Events.
func BenchmarkSyncToEvents(b *testing.B) {
	const n = 1000
	resp := &mautrix.RespSync{NextBatch: "s2"}
	jr := &mautrix.SyncJoinedRoom{}
	for i := range n {
		e := &event.Event{Type: event.EventMessage, ID: id.EventID(fmt.Sprintf("$e%d", i)), Sender: "@alice:x", Timestamp: int64(1700000000000 + i)}
		e.Content.VeryRaw = json.RawMessage(fmt.Sprintf(`{"msgtype":"m.text","body":"#info line %d of the meeting"}`, i))
		jr.Timeline.Events = append(jr.Timeline.Events, e)
	}
	resp.Rooms.Join = map[id.RoomID]*mautrix.SyncJoinedRoom{"!r:x": jr}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		c, err := New(Config{Homeserver: "http://127.0.0.1:1", UserID: "@chair:x", PasswordEnv: "X", StateDir: b.TempDir(), EventBuffer: n + 10}, nil)
		if err != nil {
			b.Fatal(err)
		}
		r := newRoom("!r:x", "!r:x", "@chair:x")
		r.setMember("@alice:x", "join", "Alice")
		c.rooms["!r:x"] = r
		go c.events.Pump(time.Second) // as Run starts it
		c.process(context.Background(), resp, "s1", false)
		for range n {
			<-c.Events()
		}
		c.events.Close()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "events/s")
}
