package live

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"gavel/backend"
	"gavel/ircclient"
	"gavel/ircclient/ircdtest"
	"gavel/meeting"
	"gavel/meeting/publish"
)

// channelWatcher reads what a plain client sees said in a channel.
type channelWatcher struct{ *ircdtest.Watcher }

func watch(lc *ircdtest.LineClient, channel string) channelWatcher {
	return channelWatcher{lc.Watch(channel, false)}
}

// until returns every line up to the first that starts with want.
func (w channelWatcher) until(t *testing.T, ctx context.Context, want string) []string {
	t.Helper()
	return w.Until(t, ctx, fmt.Sprintf("%q", want), func(l string) bool { return strings.HasPrefix(l, want) })
}

func gavelConfig(port int, pass, nick string, channels ...string) ircclient.Config {
	ic := ircclient.DefaultConfig()
	ic.Server, ic.Port, ic.TLS, ic.ServerPassword = ircdtest.Host, port, false, pass
	ic.Nick, ic.Channels, ic.SendUnpaced = nick, channels, true
	return ic
}

// TestBouncerPlaybackIsNotRun: a meeting said in the channel
// while the chair's gavel was away is buffered by a real ZNC in front of
// InspIRCd and played back when gavel attaches. gavel runs none of it: no
// reply, nothing published, no journal; the next live #startmeeting runs.
func TestBouncerPlaybackIsNotRun(t *testing.T) {
	t.Parallel()
	srv := ircdtest.StartInspIRCd(t, ircdtest.Options{})
	z := ircdtest.StartZNC(t, srv, ircdtest.ZNCOptions{Nick: "chair", Channels: []string{"#meet"}})
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	alice := ircdtest.Joined(t, ctx, srv.Addr(), "alice", "#meet")
	for _, l := range []string{"#startmeeting The 2020 meeting", "#topic said while gavel was away", "#info old", "#endmeeting"} {
		must(t, alice.Send("PRIVMSG #meet :"+l))
	}
	if err := z.Barrier(alice); err != nil {
		t.Fatal(err)
	}
	seenByAlice := watch(alice, "#meet")

	root, jdir := t.TempDir(), t.TempDir()
	g := startGavel(t, ctx, gavelConfig(z.Port, z.ServerPassword(), "chair", "#meet"),
		Config{Archive: publish.New(root, meeting.StyleDefault, ""), JournalDir: jdir})
	defer g.stop()
	// The playback reaches gavel (and is dropped) before alice's next line.
	waitSeen(t, ctx, g.seen, "alice #endmeeting")
	must(t, alice.Send("PRIVMSG #meet :#startmeeting Live now"))
	said := seenByAlice.until(t, ctx, "chair Meeting started")
	if len(said) != 1 {
		t.Errorf("gavel said before the live meeting: %q", said[:len(said)-1])
	}
	g.mu.Lock()
	m := g.ctrl.Meeting("#meet")
	g.mu.Unlock()
	if m == nil || m.Name != "live_now" || len(m.Items) != 0 {
		t.Fatalf("meeting: %+v", m)
	}
	if files, _ := filepath.Glob(filepath.Join(root, "meet", "*", "*the_2020*")); len(files) != 0 {
		t.Errorf("the played-back meeting was published: %v", files)
	}
	// gavel's own replies are the meeting's once the server has taken
	// them (ZNC in front of InspIRCd: gavel asks the server, not ZNC).
	waitSeen(t, ctx, g.seen, "chair The meeting name has been set to 'live_now'")
	// The live meeting's journal holds no played-back line.
	g.stop()
	c2, _ := New(Config{JournalDir: jdir})
	c2.Resume("#meet")
	if m := c2.Meeting("#meet"); m == nil || m.Name != "live_now" || m.LineCount != 6 {
		t.Errorf("journalled meeting: %+v", m)
	}
}

// TestChanHistoryIsNotRun: InspIRCd's chanhistory sends the
// channel's last lines on join (a chathistory BATCH with server-time).
// A meeting in them is not run; and a meeting resumed from the journal
// after a crash is not fed the history of its own lines again.
func TestChanHistoryIsNotRun(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv, alice := oldMeetingInHistory(t, ctx)
	seenByAlice := watch(alice, "#meet")

	root, jdir := t.TempDir(), t.TempDir()
	g := gavelbotIn(t, ctx, srv.Port, root, jdir)
	waitSeen(t, ctx, g.seen, "alice #endmeeting")
	lines := []string{"#startmeeting Now", "#topic a topic said once", "#info a fact said once"}
	saidAndSeen(t, ctx, alice, g, lines...)
	if said := seenByAlice.until(t, ctx, "gavelbot Meeting started"); len(said) != 1 {
		t.Errorf("gavel said before the live meeting: %q", said[:len(said)-1])
	}
	// Crash, and come back: chanhistory plays the meeting's own lines
	// again on join.
	g.stop()
	g = gavelbotIn(t, ctx, srv.Port, root, jdir) // a new process: nothing held in memory
	defer g.stop()
	waitSeen(t, ctx, g.seen, "alice #info a fact said once")
	must(t, alice.Send("PRIVMSG #meet :#endmeeting"))
	seenByAlice.until(t, ctx, "gavelbot Log:")

	logPath := waitLog(t, root, "meet/*/now.*.log.txt")
	log, _ := os.ReadFile(logPath)
	for _, l := range lines {
		if n := strings.Count(string(log), "<alice> "+l+"\n"); n != 1 {
			t.Errorf("the log holds %q %d times:\n%s", l, n, log)
		}
	}
	if strings.Contains(string(log), "long ago") {
		t.Errorf("history in the log:\n%s", log)
	}
	minutes, _ := os.ReadFile(strings.TrimSuffix(logPath, ".log.txt") + ".txt")
	if n := strings.Count(string(minutes), "a fact said once"); n != 1 {
		t.Errorf("the minutes hold the fact %d times:\n%s", n, minutes)
	}
	if files, _ := filepath.Glob(filepath.Join(root, "meet", "*", "long_ago*")); len(files) != 0 {
		t.Errorf("the meeting in the history was published: %v", files)
	}
}

// TestLookupAnsweredThroughTheClient: a channel lookup found by
// the router is answered through ircclient's lane for answers (addressed
// by the client), off the controller's goroutine as the console runs it,
// and the answer is in the meeting log once, as the channel saw it.
func TestLookupAnsweredThroughTheClient(t *testing.T) {
	t.Parallel()
	srv := ircdtest.StartNgircd(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	router, err := backend.New(backend.Config{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	alice := ircdtest.Joined(t, ctx, srv.Addr(), "alice", "#meet")
	root := t.TempDir()
	ic := gavelConfig(srv.Port, "", "gavelbot", "#meet")
	client, err := ircclient.New(ic, nil)
	if err != nil {
		t.Fatal(err)
	}
	go client.Run(ctx)
	net := NewIRC(client)
	ctrl, _ := New(Config{Archive: publish.New(root, meeting.StyleDefault, ""), Network: net, Lookups: router})
	var mu sync.Mutex
	go Drive(ctx, net, ctrl, &mu, 256, nil, nil) // lookups run in goroutines, answered under mu
	alice.WaitFor(func(l string) bool { return strings.HasPrefix(l, ":gavelbot!") && strings.Contains(l, " JOIN ") })
	w := watch(alice, "#meet")
	must(t, alice.Send("PRIVMSG #meet :#startmeeting Lookups"))
	w.until(t, ctx, "gavelbot The meeting name has been set")
	must(t, alice.Send("PRIVMSG #meet :.fas nirik"))
	w.until(t, ctx, "gavelbot alice: nirik 'Kevin Fenzi' <nirik@fedoraproject.org>")
	// ngircd has no echo-message: gavel's answer is the meeting's once
	// the server has taken it (the PONG after it), which may come after
	// alice has seen it.
	for n := 0; n < 8; {
		mu.Lock()
		n = ctrl.Meeting("#meet").LineCount // #startmeeting, 5 replies, .fas, the answer
		mu.Unlock()
		select {
		case <-ctx.Done():
			t.Fatalf("the answer never reached the meeting (%d lines)", n)
		case <-time.After(10 * time.Millisecond):
		}
	}
	must(t, alice.Send("PRIVMSG #meet :#endmeeting"))
	w.until(t, ctx, "gavelbot Log:")
	log, _ := os.ReadFile(waitLog(t, root, "meet/*/lookups.*.log.txt"))
	if n := strings.Count(string(log), "<gavelbot> alice: nirik 'Kevin Fenzi'"); n != 1 {
		t.Errorf("the answer is %d times in the log:\n%s", n, log)
	}
}
