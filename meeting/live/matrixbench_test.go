package live

import (
	"fmt"
	"testing"
	"time"

	"gavel/ircclient"
	"gavel/matrixclient"
	"gavel/meeting"
	"gavel/meeting/publish"
)

// BenchmarkBatchWithJournal measures the live path from a network's
// events to the archive with the journal synced once per batch (256
// events, each with its own message ID, of a running meeting), IRC and
// Matrix side by side: the adapter's translation, the ID check, the
// engine, the journal's append and fsync, and the log streamed to the
// archive.
func BenchmarkBatchWithJournal(b *testing.B) {
	const size = 256
	b.Run("irc", func(b *testing.B) {
		net := &recorder{nick: "chair"}
		c, err := New(Config{Archive: publish.New(b.TempDir(), meeting.StyleDefault, ""), Network: net, JournalDir: b.TempDir()})
		if err != nil {
			b.Fatal(err)
		}
		online(c)
		net.feed(c, msg(1, "chair", "#startmeeting Load"))
		adapter := NewIRC(nil)
		batch := make([]ircclient.Event, size)
		n := 0
		b.ReportAllocs()
		for b.Loop() {
			for i := range batch {
				n++
				batch[i] = ircclient.Message{Meta: ircclient.Meta{Time: t0.Add(time.Duration(n) * time.Millisecond), Tags: map[string]string{"msgid": fmt.Sprint("id", n)}},
					Source: ircclient.Source{Nick: fmt.Sprintf("talker%d", i%32), Account: "acct"}, Target: "#meet", Text: "a line of the meeting, as people say them"}
			}
			c.HandleBatch(adapter.Translate(batch))
		}
		b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "events/s")
		if c.Meeting("#meet").LineCount < b.N*size {
			b.Fatalf("%d lines logged of %d", c.Meeting("#meet").LineCount, b.N*size)
		}
	})
	b.Run("matrix", func(b *testing.B) {
		conn := newRoomConn()
		net := NewMatrix(conn, nil)
		c, err := New(Config{Archive: publish.New(b.TempDir(), meeting.StyleDefault, ""), Network: net, JournalDir: b.TempDir(),
			Dialect: func(string) meeting.Dialect { return meeting.DialectFedora }})
		if err != nil {
			b.Fatal(err)
		}
		c.HandleBatch(net.Translate([]matrixclient.Event{
			matrixclient.State{State: matrixclient.LoggedIn},
			matrixclient.Joined{Meta: matrixclient.Meta{Time: t0}, Room: conn.room},
			matrixclient.Message{Meta: matrixclient.Meta{Room: "!r:x", EventID: "$start", Time: t0},
				Sender: matrixclient.Sender{UserID: "@alice:x", Name: "Alice"}, Lines: []string{"!startmeeting Load"}},
		}))
		if m := c.Meeting("#meeting:x"); m == nil || !c.find("#meeting:x").engine.Active() {
			b.Fatal("no meeting")
		}
		batch := make([]matrixclient.Event, size)
		n := 0
		b.ReportAllocs()
		for b.Loop() {
			for i := range batch {
				n++
				batch[i] = matrixclient.Message{Meta: matrixclient.Meta{Room: "!r:x", EventID: fmt.Sprint("$ev", n), Time: t0.Add(time.Duration(n) * time.Millisecond)},
					Sender: matrixclient.Sender{UserID: fmt.Sprintf("@talker%d:x", i%32), Name: fmt.Sprintf("talker%d", i%32)},
					Lines:  []string{"a line of the meeting, as people say them"}}
			}
			c.HandleBatch(net.Translate(batch))
		}
		b.ReportMetric(float64(b.N*size)/b.Elapsed().Seconds(), "events/s")
		if c.Meeting("#meeting:x").LineCount < b.N*size {
			b.Fatalf("%d lines logged of %d", c.Meeting("#meeting:x").LineCount, b.N*size)
		}
	})
}
