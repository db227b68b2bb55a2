package live

import (
	"fmt"
	"testing"
	"time"

	"gavel/ircclient"
	"gavel/meeting"
	"gavel/meeting/publish"
)

// BenchmarkIRCBatchThroughTheAdapter measures one console batch (256 IRC
// lines of a running meeting) through the IRC adapter's translation and
// the controller, with the archive streaming the log (no journal: the
// disk's sync is not what is measured here).
func BenchmarkIRCBatchThroughTheAdapter(b *testing.B) {
	net := &recorder{nick: "chair"}
	c, err := New(Config{Archive: publish.New(b.TempDir(), meeting.StyleDefault, ""), Network: net})
	if err != nil {
		b.Fatal(err)
	}
	online(c)
	net.feed(c, msg(1, "chair", "#startmeeting Load"))
	batch := make([]ircclient.Event, 256)
	for i := range batch {
		batch[i] = ircclient.Message{Meta: ircclient.Meta{Time: t0.Add(time.Duration(i) * time.Millisecond), Tags: map[string]string{"msgid": fmt.Sprint("id", i)}},
			Source: ircclient.Source{Nick: fmt.Sprintf("talker%d", i%32), Account: "acct"}, Target: "#meet", Text: "a line of the meeting, as people say them"}
	}
	adapter := NewIRC(nil)
	b.ReportAllocs()
	for b.Loop() {
		c.HandleBatch(adapter.Translate(batch))
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(batch)), "ns/line")
}
