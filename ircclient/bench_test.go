package ircclient

import (
	"context"
	"fmt"
	"testing"
	"time"

	"gavel/ircclient/ircdtest"
)

// BenchmarkConnectJoin150 connects, registers and joins 150 channels on a
// loopback InspIRCd with flood limits off. ms/op is the whole thing;
// reg-ms is dial to 001 (InspIRCd registers clients on its 1-second tick),
// join-ms is 001 to the last of the 150 own JOINs.
func BenchmarkConnectJoin150(b *testing.B) {
	srv := ircdtest.StartInspIRCd(b, ircdtest.Options{})
	chans := channels("bench", 150)
	var reg, join time.Duration
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		cfg := testConfig(srv.Port, fmt.Sprintf("bench%d", i))
		cfg.Channels = chans
		c, err := New(cfg, nil)
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		start := time.Now()
		go func() { done <- c.Run(ctx) }()
		l := &live{t: b, c: c, done: done}
		l.wait(10*time.Second, "registered", isState(Registered))
		r := time.Now()
		l.waitJoined(10*time.Second, chans)
		reg += r.Sub(start)
		join += time.Since(r)
		b.StopTimer()
		cancel()
		<-done
		for range c.Events() {
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(reg.Milliseconds())/float64(b.N), "reg-ms/op")
	b.ReportMetric(float64(join.Microseconds())/1000/float64(b.N), "join-ms/op")
}

// BenchmarkInboundMessages measures channel PRIVMSGs from other clients
// through the server, the reader, translation and the Events channel to a
// consumer. One op is 256 lines. InspIRCd reads only a few hundred lines/s from
// any one client even with flood limits off, so the load comes from
// inboundSources clients at once.
func BenchmarkInboundMessages(b *testing.B) {
	const inboundSources = 64
	srv := ircdtest.StartInspIRCd(b, ircdtest.Options{RecvQ: 1 << 20})
	cfg := testConfig(srv.Port, "sink")
	cfg.Channels = []string{"#load"}
	l := startClient(b, cfg)
	l.waitJoined(10*time.Second, cfg.Channels)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srcs := make([]*ircdtest.LineClient, inboundSources)
	errc := make(chan error, inboundSources)
	for i := range srcs {
		go func() {
			src, err := ircdtest.Dial(ctx, srv.Addr(), fmt.Sprintf("source%d", i))
			if err == nil {
				srcs[i] = src
				err = src.Send("JOIN #load")
				// Read what the server relays to the source: a client that
				// never reads fills its sendq, and past softsendq the server
				// stops reading its lines.
				go func() {
					for {
						if _, err := src.ReadLine(); err != nil {
							return
						}
					}
				}()
			}
			errc <- err
		}()
	}
	for range srcs {
		if err := <-errc; err != nil {
			b.Fatal(err)
		}
	}
	joined := 0
	l.wait(20*time.Second, "sources joined", func(ev Event) bool {
		if j, ok := ev.(Join); ok && !j.Self {
			joined++
		}
		return joined == inboundSources
	})
	defer func() {
		for _, s := range srcs {
			s.Close()
		}
	}()
	const batch = 256 // lines per op, spread over the sources
	var el time.Duration
	total := 0
	for b.Loop() {
		start := time.Now()
		for k, src := range srcs {
			var lines []string
			for i := k; i < batch; i += inboundSources {
				lines = append(lines, fmt.Sprintf("PRIVMSG #load :line %d of a meeting, a typical length of text said by a participant", total+i))
			}
			go func() { errc <- src.SendAll(lines) }()
		}
		got := 0
		deadline := time.After(30 * time.Second)
		for got < batch {
			select {
			case ev := <-l.c.Events():
				if m, ok := ev.(Message); ok && !m.Self {
					got++
				}
			case <-deadline:
				b.Fatalf("received %d of %d lines in 30s (dropped %d)", got, batch, l.c.Dropped())
			}
		}
		el += time.Since(start)
		total += batch
		for range srcs {
			if err := <-errc; err != nil {
				b.Fatal(err)
			}
		}
	}
	b.ReportMetric(float64(total)/el.Seconds(), "lines/s")
}
