package live

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gavel/ircclient"
	"gavel/ircclient/ircdtest"
	"gavel/meeting"
)

func TestFitTopic(t *testing.T) {
	for _, tt := range []struct {
		name, topic, title string
		limit              int
		want               string
	}{
		{"fits", "Roll call (Meeting topic: Weekly)", "Weekly", 80, "Roll call (Meeting topic: Weekly)"},
		{"no limit", strings.Repeat("x", 500), "", 0, strings.Repeat("x", 500)},
		{"the #topic is shortened", "a very long topic indeed (Meeting topic: Weekly)", "Weekly", 40, "a very long t…" + " (Meeting topic: Weekly)"},
		{"multibyte kept whole", "ääääääää (Meeting topic: W)", "W", 24, "ä…" + " (Meeting topic: W)"},
		{"the meeting's part alone is too long", "t (Meeting topic: a very long title)", "a very long title", 20, "(Meeting topic: a ve"},
		{"not a meeting topic", "the topic from before the meeting", "Weekly", 10, "the topic "},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := fitTopic(tt.topic, tt.title, tt.limit)
			if got != tt.want {
				t.Errorf("fitTopic(%q, %q, %d) = %q, want %q", tt.topic, tt.title, tt.limit, got, tt.want)
			}
		})
	}
}

// FuzzFitTopic: a fitted topic is never longer than the limit, is valid
// UTF-8 when the topic was, and keeps the meeting's part whenever it fits.
func FuzzFitTopic(f *testing.F) {
	f.Add("Roll call", "Weekly", 40)
	f.Add("ääääää", "ü", 20)
	f.Add("", "x", 1)
	f.Fuzz(func(t *testing.T, head, title string, limit int) {
		if limit < 0 || limit > 1000 {
			return
		}
		suffix := " (Meeting topic: " + title + ")"
		topic := head + suffix
		got := fitTopic(topic, title, limit)
		if limit > 0 && len(got) > limit {
			t.Fatalf("%d bytes, over %d: %q", len(got), limit, got)
		}
		if utf8.ValidString(topic) && !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8: %q", got)
		}
		if title != "" && len(suffix)+len(ellipsis) < limit && !strings.HasSuffix(got, suffix) {
			t.Fatalf("meeting part lost: %q", got)
		}
	})
}

// TestTopicFitsTopicLenOnHybrid: on ircd-hybrid with TOPICLEN=80 a long
// #topic is shortened so that the channel's topic ends with the whole
// meeting part, instead of the server cutting it off.
func TestTopicFitsTopicLenOnHybrid(t *testing.T) {
	srv := ircdtest.StartHybrid(t, ircdtest.HybridOptions{TopicLen: 80})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second) // two registrations of ~20 s without DNS
	defer cancel()
	ic := ircclient.DefaultConfig()
	ic.Server, ic.Port, ic.TLS = ircdtest.Host, srv.Port, false
	ic.Nick, ic.Channels, ic.SendUnpaced = "chair", []string{"#meet"}, true
	g := startGavel(t, ctx, ic, Config{Style: meeting.StyleDefault})
	defer g.stop()
	observer, err := ircdtest.Dial(ctx, srv.Addr(), "observer")
	if err != nil {
		t.Fatal(err)
	}
	must(t, observer.Send("JOIN #meet"))
	observer.Expect(t, " 366 ")
	say := func(text string) {
		g.mu.Lock()
		g.ctrl.Say("#meet", text)
		g.mu.Unlock()
		waitSeen(t, ctx, g.seen, "chair "+text)
	}
	say("#startmeeting Weekly infrastructure sync")
	long := "#topic " + strings.TrimSpace(strings.Repeat("a topic that goes on and on ", 5))
	say(long)
	line, err := observer.WaitFor(func(l string) bool { return strings.Contains(l, " TOPIC #meet :a topic") })
	if err != nil {
		t.Fatal(err)
	}
	_, topic, _ := strings.Cut(line, " TOPIC #meet :")
	if !strings.HasSuffix(topic, "… (Meeting topic: Weekly infrastructure sync)") || len(topic) > 80 {
		t.Errorf("the channel's topic (%d bytes): %q", len(topic), topic)
	}
}
