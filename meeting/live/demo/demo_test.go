package demo

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"gavel/backend"
	"gavel/meeting"
	"gavel/meeting/live"
	"gavel/meeting/publish"
	"gavel/meeting/replay"
)

const seedLog = "../../../testdata/logs/fedora-meeting.infrastructure.2015-04-30-18.00.log.txt"

func openSeed(t testing.TB, o Options) *Network {
	t.Helper()
	b, err := os.ReadFile(seedLog)
	if err != nil {
		t.Fatal(err)
	}
	n, err := New(bytes.NewReader(b), filepath.Base(seedLog), o)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// drain reads every event waiting.
func drain(t testing.TB, n *Network) []live.Event {
	t.Helper()
	var out []live.Event
	for n.Pending() > 0 {
		batch, open := n.Next(context.Background(), 256)
		if !open {
			t.Fatal("the demo stopped")
		}
		out = append(out, batch...)
	}
	return out
}

// TestDemoPlaysTheLogAsANetwork: the log comes out as the network's
// events, our own join first; whoever starts the meeting is the demo's
// user, whose lines are marked as ours; speakers are members; the chair's
// own lines come back once each, at the log's clock.
func TestDemoPlaysTheLogAsANetwork(t *testing.T) {
	n := openSeed(t, Options{Paused: true})
	if n.Channel() != "#fedora-meeting" || !n.InChannel("#FEDORA-meeting") {
		t.Fatalf("channel %q, in it: %v", n.Channel(), n.InChannel(n.Channel()))
	}
	if played := n.Play(20, time.Time{}); played != 20 {
		t.Fatalf("played %d", played)
	}
	evs := drain(t, n)
	if j, ok := evs[0].(live.Join); !ok || !j.From.Self || j.Channel != "#fedora-meeting" {
		t.Fatalf("first event %#v, want our join", evs[0])
	}
	if n.Nick() != "nirik" {
		t.Errorf("the demo's user is %q, want the chair nirik", n.Nick())
	}
	var ours, theirs, info int
	for _, ev := range evs {
		switch e := ev.(type) {
		case live.Message:
			if e.From.Self != (e.From.Nick == "nirik") {
				t.Errorf("line of %s marked Self=%v", e.From.Nick, e.From.Self)
			}
			if e.From.Self {
				ours++
			} else {
				theirs++
			}
		case live.Info:
			info++
		}
	}
	if ours == 0 || theirs == 0 || info != 1 {
		t.Errorf("%d lines of ours, %d of others, %d infos", ours, theirs, info)
	}
	if len(n.Members("#fedora-meeting")) < 3 {
		t.Errorf("members: %+v", n.Members("#fedora-meeting"))
	}
	clock := n.Clock()
	if err := n.Say("#fedora-meeting", "#topic Deploys"); err != nil {
		t.Fatal(err)
	}
	echo := drain(t, n)
	if len(echo) != 1 {
		t.Fatalf("echo: %#v", echo)
	}
	if m, ok := echo[0].(live.Message); !ok || !m.From.Self || m.From.Nick != "nirik" || m.Text != "#topic Deploys" || !m.When().Equal(clock) {
		t.Errorf("echo %#v at %v", echo[0], clock)
	}
	if err := n.Say("#elsewhere", "hello"); err == nil {
		t.Error("a line to a channel the demo is not in was taken")
	}
	if err := n.Join("#x"); !errors.Is(err, live.ErrUnsupported) {
		t.Errorf("join in the demo: %v", err)
	}
}

// TestDemoPaceAndPause: the log's clock moves by the real time passed
// times the speed; paused, nothing plays; silences are cut to MaxIdle.
func TestDemoPaceAndPause(t *testing.T) {
	n := openSeed(t, Options{Speed: 20, MaxIdle: time.Second})
	base := time.Unix(1000, 0)
	n.Advance(base, 256)
	start := n.Clock()
	n.Advance(base.Add(100*time.Millisecond), 256)
	if got := n.Clock().Sub(start); got != 2*time.Second {
		t.Errorf("100ms at 20x moved the clock %v", got)
	}
	n.SetPaused(true)
	played := n.Played()
	n.Advance(base.Add(time.Second), 256)
	if n.Played() != played || n.Status() != "⏸ paused · space resumes" {
		t.Errorf("paused: played %d -> %d, status %q", played, n.Played(), n.Status())
	}
	n.SetPaused(false)
	n.Faster()
	if n.Speed() != 50 {
		t.Errorf("faster than 20: %g", n.Speed())
	}
	for i := 2; i < 100000 && !n.Done(); i++ {
		n.Advance(base.Add(time.Duration(i)*500*time.Millisecond), 256)
		drain(t, n)
	}
	if !n.Done() || n.Err() != nil {
		t.Fatalf("done %v, err %v", n.Done(), n.Err())
	}
}

// TestDemoMeetingEqualsReplay: the seed meeting played through the demo
// network and the live driver (as the console runs it) publishes the same
// minutes as `gavel replay` of the same log, and the engine's replies are
// not said again (the log holds the bot's).
func TestDemoMeetingEqualsReplay(t *testing.T) {
	n := openSeed(t, Options{Paused: true})
	live1 := t.TempDir()
	ctrl, err := live.New(live.Config{Archive: publish.New(live1, meeting.StyleDefault, ""), Network: n, Replayed: true})
	if err != nil {
		t.Fatal(err)
	}
	var files []publish.File
	for n.Play(256, time.Time{}) > 0 || n.Pending() > 0 {
		batch, _ := n.Next(context.Background(), 256)
		for _, u := range ctrl.HandleBatch(batch) {
			files = append(files, u.Files...)
			if u.Kind == live.UpdateError {
				t.Errorf("update error: %v", u.Err)
			}
		}
	}
	if n.Pending() != 0 {
		t.Fatal("the engine's replies were said again")
	}
	if got := ctrl.Meeting("#fedora-meeting"); got == nil || !got.Ended() {
		t.Fatalf("meeting %+v", got)
	}
	f, err := os.Open(seedLog)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := t.TempDir()
	if _, err := replay.Reader(context.Background(), f, filepath.Base(seedLog), replay.Options{Out: out}); err != nil {
		t.Fatal(err)
	}
	compared := 0
	for _, pf := range files {
		if !strings.HasSuffix(pf.Path, ".txt") || strings.HasSuffix(pf.Path, ".log.txt") {
			continue
		}
		rel := pf.Path
		if filepath.IsAbs(rel) {
			if rel, err = filepath.Rel(live1, pf.Path); err != nil {
				t.Fatal(err)
			}
		}
		a, err := os.ReadFile(filepath.Join(live1, rel))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(out, rel))
		if err != nil {
			t.Fatal(err)
		}
		compared++
		if string(a) != string(b) {
			t.Errorf("%s: the demo's minutes differ from the replay's:\n--- demo\n%s\n--- replay\n%s", pf.Path, a, b)
		}
	}
	if compared == 0 {
		t.Fatalf("no minutes published: %+v", files)
	}
}

// TestChannelLookupRunsInTheDriver: a ".fas" said in the demo's channel is
// looked up and answered end to end by the live driver run with Drive (the
// runner of drivers without Bubble Tea): the lookup as a task in a
// goroutine, its answer said through the network and logged as the
// channel saw it. The lookup answers from the snapshot alone.
func TestChannelLookupRunsInTheDriver(t *testing.T) {
	n := openSeed(t, Options{Paused: true})
	router, err := backend.New(backend.Config{Offline: true})
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	ctrl, err := live.New(live.Config{Archive: publish.New(root, meeting.StyleDefault, ""), Network: n, Replayed: true, Lookups: router})
	if err != nil {
		t.Fatal(err)
	}
	n.Play(10, time.Time{}) // the meeting has started
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var mu sync.Mutex
	answered := make(chan string, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		live.Drive(ctx, n, ctrl, &mu, 256, nil, func(evs []live.Event, _ []live.Update) {
			for _, ev := range evs {
				if m, ok := ev.(live.Message); ok && m.From.Self && strings.HasPrefix(m.Text, "nirik: ") {
					select {
					case answered <- m.Text:
					default:
					}
				}
			}
		})
	}()
	if err := n.Say("#fedora-meeting", ".fas nirik"); err != nil {
		t.Fatal(err)
	}
	select {
	case got := <-answered:
		if !strings.Contains(got, "Kevin Fenzi") {
			t.Errorf("answer %q", got)
		}
	case <-ctx.Done():
		t.Fatal("the lookup was never answered")
	}
	n.Quit("")
	<-done
	mu.Lock()
	defer mu.Unlock()
	var logTxt string
	for _, u := range ctrl.Publish("#fedora-meeting") {
		if u.Err != nil {
			t.Fatal(u.Err)
		}
		for _, f := range u.Files {
			if strings.HasSuffix(f.Path, ".log.txt") {
				logTxt = f.Path
			}
		}
	}
	if !filepath.IsAbs(logTxt) {
		logTxt = filepath.Join(root, logTxt)
	}
	b, err := os.ReadFile(logTxt)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<nirik> .fas nirik", "<nirik> nirik: nirik 'Kevin Fenzi'"} {
		if strings.Count(string(b), want) != 1 {
			t.Errorf("the log does not hold %q once:\n%s", want, b)
		}
	}
}

// TestDemoNextWaitsAndEnds: Next waits for lines to be played (on another
// goroutine, as the console's reader does), and reports the end once the
// demo has quit and its events are read.
func TestDemoNextWaitsAndEnds(t *testing.T) {
	n := openSeed(t, Options{Paused: true})
	drain(t, n) // our join
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	got := make(chan []live.Event)
	go func() {
		batch, _ := n.Next(ctx, 256)
		got <- batch
	}()
	select {
	case b := <-got:
		t.Fatalf("Next returned %d events before any was played", len(b))
	case <-time.After(50 * time.Millisecond):
	}
	n.Play(3, time.Time{})
	select {
	case b := <-got:
		if len(b) == 0 {
			t.Fatal("woken with nothing")
		}
	case <-ctx.Done():
		t.Fatal("Next never woke")
	}
	drain(t, n)
	n.Quit("bye")
	if batch, open := n.Next(ctx, 256); open || len(batch) != 0 {
		t.Errorf("after Quit: %d events, open %v", len(batch), open)
	}
	if err := n.Say("#fedora-meeting", "too late"); err == nil {
		t.Error("a line said after the demo ended")
	}
}

// TestDemoSaysWhyTheLogStopped: a log that cannot be read to its end is
// played as far as it goes, then the demo says why, in its channel, once.
func TestDemoSaysWhyTheLogStopped(t *testing.T) {
	b, err := os.ReadFile(seedLog)
	if err != nil {
		t.Fatal(err)
	}
	head := strings.Join(strings.SplitAfter(string(b), "\n")[:5], "")
	r := io.MultiReader(strings.NewReader(head), iotest.ErrReader(errors.New("the disk is gone")))
	n, err := New(r, filepath.Base(seedLog), Options{Paused: true})
	if err != nil {
		t.Fatal(err)
	}
	n.Play(100, time.Time{})
	n.Play(100, time.Time{})
	var said []live.Error
	lines := 0
	for _, ev := range drain(t, n) {
		switch e := ev.(type) {
		case live.Error:
			said = append(said, e)
		case live.Message:
			lines++
		}
	}
	if lines != 5 || len(said) != 1 || said[0].Window != "#fedora-meeting" || !strings.Contains(said[0].Text, "the disk is gone") {
		t.Errorf("%d lines played, errors said: %+v", lines, said)
	}
	if n.Status() != "replay failed" || n.Err() == nil || !n.Done() {
		t.Errorf("status %q, err %v, done %v", n.Status(), n.Err(), n.Done())
	}
}
