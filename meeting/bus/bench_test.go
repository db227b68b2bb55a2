package bus

import (
	"fmt"
	"testing"
	"time"
)

// BenchmarkOutboxPublish measures messages/s through the whole outbox:
// each message appended and synced, sent to a real RabbitMQ with
// publisher confirms into a durable queue, and its confirm recorded.
func BenchmarkOutboxPublish(b *testing.B) {
	br := broker(b)
	const prefix = "org.fedoraproject.bench"
	c := newConsumer(b, br, "bench", prefix)
	_ = c // the queue makes the broker store every message, as Fedora's does
	msgs := make([]Message, b.N)
	base := time.Now()
	for i := range msgs {
		m := testMessage(i)
		m.ID = EventID(TopicStart, "#bench", base.Add(time.Duration(i)*time.Second))
		msgs[i] = m
	}
	w := make(statusWatcher, 1)
	o, err := Open(brokerConfig(br, b.TempDir(), prefix, w))
	if err != nil {
		b.Fatal(err)
	}
	defer o.Close()
	b.ReportAllocs()
	b.ResetTimer()
	startT := time.Now()
	for _, m := range msgs {
		if err := o.Enqueue(m); err != nil {
			b.Fatal(err)
		}
	}
	w.until(b, o, fmt.Sprint(b.N, " sent"), func(s Status) bool { return s.Waiting == 0 })
	b.ReportMetric(float64(b.N)/time.Since(startT).Seconds(), "msgs/s")
}

// BenchmarkOutboxEnqueue measures the durable part alone: appending and
// syncing a message with the broker away.
func BenchmarkOutboxEnqueue(b *testing.B) {
	o, err := Open(offlineConfig(b, b.TempDir(), nil))
	if err != nil {
		b.Fatal(err)
	}
	defer o.Close()
	base := time.Now()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		m := testMessage(i)
		m.ID = EventID(TopicStart, "#bench", base.Add(time.Duration(i)*time.Second))
		if err := o.Enqueue(m); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
