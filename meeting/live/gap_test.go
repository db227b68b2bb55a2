package live

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"gavel/meeting"
	"gavel/meeting/journal"
)

// played is a line of a bouncer's or server's playback.
func played(at time.Time, id, nick, text string) Message {
	return Message{Meta: Meta{Time: at, ID: id, History: true}, From: User{Nick: nick}, Target: "#meet", Text: text}
}

// liveLine is a line the channel says now.
func liveLine(at time.Time, id, nick, text string) Message {
	return Message{Meta: Meta{Time: at, ID: id}, From: User{Nick: nick}, Target: "#meet", Text: text}
}

// logOf is the journalled lines of #meet's running meeting in jdir, as
// "nick text", in order: what the meeting ran.
func logOf(t *testing.T, jdir string) []string {
	t.Helper()
	_, rec, err := journal.OpenChannel(journal.OS, jdir, "#meet")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, ev := range rec.Events {
		if m, ok := ev.(meeting.Message); ok {
			out = append(out, m.Nick+" "+m.Text)
		}
	}
	return out
}

func TestGapLineKeys(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name     string
		journal  []Message // said live before the restart
		playback []Message
		want     []string // the meeting's lines after the playback
	}{{
		name:     "a line said twice in one millisecond runs twice, its playback never",
		journal:  []Message{liveLine(t0, "", "alice", "#startmeeting m"), liveLine(t0.Add(ms), "", "alice", "x"), liveLine(t0.Add(ms), "", "alice", "x")},
		playback: []Message{played(t0.Add(ms), "", "alice", "x"), played(t0.Add(ms), "", "alice", "x"), played(t0.Add(ms), "", "alice", "x")},
		want:     []string{"alice #startmeeting m", "alice x", "alice x", "alice x"},
	}, {
		name:     "the same text by another sender or at another time is another line",
		journal:  []Message{liveLine(t0, "", "alice", "#startmeeting m"), liveLine(t0.Add(ms), "", "alice", "x")},
		playback: []Message{played(t0.Add(ms), "", "alice", "x"), played(t0.Add(ms), "", "bob", "x"), played(t0.Add(2*ms), "", "alice", "x")},
		want:     []string{"alice #startmeeting m", "alice x", "bob x", "alice x"},
	}, {
		name:     "lines from before the meeting's last journalled line never run",
		journal:  []Message{liveLine(t0, "", "alice", "#startmeeting m"), liveLine(t0.Add(time.Second), "", "alice", "y")},
		playback: []Message{played(t0.Add(-time.Hour), "", "alice", "#startmeeting old"), played(t0.Add(500*ms), "", "bob", "missed?"), played(t0.Add(2*time.Second), "", "bob", "z")},
		want:     []string{"alice #startmeeting m", "alice y", "bob z"},
	}, {
		name:     "a line with an ID is known by it, not by time, nick and text",
		journal:  []Message{liveLine(t0, "1", "alice", "#startmeeting m"), liveLine(t0.Add(ms), "2", "alice", "x")},
		playback: []Message{played(t0.Add(ms), "2", "alice", "x"), played(t0.Add(ms), "3", "alice", "x")},
		want:     []string{"alice #startmeeting m", "alice x", "alice x"},
	}, {
		name:     "gavel's own lines played back never run",
		journal:  []Message{liveLine(t0, "", "alice", "#startmeeting m")},
		playback: []Message{{Meta: Meta{Time: t0.Add(time.Second), History: true}, From: User{Nick: "chair", Self: true}, Target: "#meet", Text: "said by gavel"}},
		want:     []string{"alice #startmeeting m"},
	}, {
		name:     "a time given to the second is matched to the second",
		journal:  []Message{liveLine(t0, "", "alice", "#startmeeting m"), liveLine(t0.Add(1700*ms), "", "alice", "x")},
		playback: []Message{played(t0.Add(time.Second), "", "alice", "x"), played(t0.Add(time.Second), "", "bob", "y"), played(t0.Add(3*time.Second), "", "alice", "x")},
		want:     []string{"alice #startmeeting m", "alice x", "bob y", "alice x"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jdir := t.TempDir()
			c1, _ := New(Config{JournalDir: jdir, Network: &recorder{nick: "chair"}})
			c1.HandleBatch(onlineEvents(0))
			for _, l := range tt.journal {
				c1.Handle(l)
			}
			c2, _ := New(Config{JournalDir: jdir, Network: &recorder{nick: "chair"}})
			c2.Resume("#meet")
			c2.HandleBatch(onlineEvents(60))
			batch := make([]Event, len(tt.playback))
			for i, l := range tt.playback {
				batch[i] = l
			}
			c2.HandleBatch(batch)
			if got := logOf(t, jdir); strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

// onlineEvents are gavel's connection and JOIN of #meet at t0+sec.
func onlineEvents(sec int) []Event {
	at := t0.Add(time.Duration(sec) * time.Second)
	return []Event{Conn{Meta: Meta{Time: at}, State: Connected, Nick: "chair"},
		Join{Meta: Meta{Time: at}, From: User{Nick: "chair", Self: true}, Channel: "#meet"}}
}

// FuzzGapPlayback: a meeting's lines (from a few senders and texts, at
// times that repeat) are said; gavel is restarted after the first k of
// them are journalled, and the bouncer plays the whole buffer back, twice
// (a reconnect in between). The meeting then holds every line once, in
// order.
func FuzzGapPlayback(f *testing.F) {
	f.Add([]byte{3, 0, 1, 2, 3, 4, 5, 6})
	f.Add([]byte{1, 0, 0, 0, 0})
	f.Add([]byte{9, 0x10, 0x10, 0x11, 0x31, 0x20, 0x20})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 2 || len(data) > 40 {
			return
		}
		at := t0
		lines := []Message{liveLine(at, "", "alice", "#startmeeting fuzz")}
		for _, b := range data[1:] {
			switch b >> 4 & 3 {
			case 1:
				at = at.Add(time.Millisecond)
			case 2:
				at = at.Add(time.Second)
			case 3:
				at = at.Add(time.Minute)
			}
			lines = append(lines, liveLine(at, "", []string{"alice", "bob"}[b&1], fmt.Sprintf("line %d", b>>1&3)))
		}
		k := 1 + int(data[0])%len(lines)
		jdir := t.TempDir()
		c1, _ := New(Config{JournalDir: jdir, Network: &recorder{nick: "chair"}})
		c1.HandleBatch(onlineEvents(0))
		for _, l := range lines[:k] {
			c1.Handle(l)
		}
		c2, _ := New(Config{JournalDir: jdir, Network: &recorder{nick: "chair"}})
		c2.Resume("#meet")
		for round := range 2 {
			c2.HandleBatch(append([]Event{Conn{Meta: Meta{Time: at}, State: Disconnected}}, onlineEvents(3600+round)...))
			batch := make([]Event, len(lines))
			for i, l := range lines {
				l.History = true
				batch[i] = l
			}
			c2.HandleBatch(batch)
		}
		var want []string
		for _, l := range lines {
			want = append(want, l.From.Nick+" "+l.Text)
		}
		if got := logOf(t, jdir); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("k=%d lines:\n%s\nwant:\n%s", k, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

// BenchmarkGapPlaybackKnown measures a reconnect's playback of 256 lines
// without IDs that the running meeting holds already (a bouncer playing
// its buffer again): each is counted against the journal's keys and
// dropped. No journal: the disk's sync is not what is measured.
func BenchmarkGapPlaybackKnown(b *testing.B) {
	c, err := New(Config{Network: &recorder{nick: "chair"}})
	if err != nil {
		b.Fatal(err)
	}
	c.HandleBatch(onlineEvents(0))
	at := t0.Add(time.Second)
	c.Handle(liveLine(at, "", "alice", "#startmeeting Load"))
	batch := []Event{Conn{Meta: Meta{Time: at}, State: Disconnected}}
	batch = append(batch, onlineEvents(2)...)
	for i := range 256 {
		text := fmt.Sprintf("a line of the meeting, as people say them %d", i)
		c.Handle(liveLine(at, "", fmt.Sprintf("talker%d", i%32), text))
		batch = append(batch, played(at, "", fmt.Sprintf("talker%d", i%32), text))
	}
	lines := c.Meeting("#meet").LineCount
	b.ReportAllocs()
	for b.Loop() {
		c.HandleBatch(batch)
	}
	if n := c.Meeting("#meet").LineCount; n != lines {
		b.Fatalf("the playback ran: %d lines, want %d", n, lines)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*256), "ns/line")
}
