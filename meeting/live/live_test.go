package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gavel/backend"
	"gavel/ircclient"
	"gavel/meeting"
	"gavel/meeting/journal"
	"gavel/meeting/publish"
	"gavel/meeting/replay"
)

// recorder is a Network that records what the controller sends and, like
// ircclient, turns every line sent into exactly one Message event with
// Source.Self set (ircclient's echo-message or local echo); feed hands those
// back to the controller as the console's event loop does.
type recorder struct {
	nick   string
	said   []string
	topics []string
	echoes []ircclient.Event
	now    time.Time // the time of the event being fed, for echoes
}

func (r *recorder) Say(target, text string) error {
	r.said = append(r.said, target+" "+text)
	r.echoes = append(r.echoes, ircclient.Message{Meta: ircclient.Meta{Time: r.now},
		Source: ircclient.Source{Nick: r.nick, Self: true}, Target: target, Text: text})
	return nil
}
func (r *recorder) SetTopic(channel, topic string) error {
	r.topics = append(r.topics, channel+" "+topic)
	return nil
}

// feed hands ev to c, then the echoes of what c sent, until none is left.
func (r *recorder) feed(c *Controller, ev ircclient.Event) []Update {
	r.now = ev.When()
	ups := handleIRC(c, ev)
	for len(r.echoes) > 0 {
		batch := r.echoes
		r.echoes = nil
		ups = append(ups, handleIRC(c, batch...)...)
	}
	return ups
}

// handleIRC feeds IRC events to c through the IRC adapter's translation,
// as the console's reader of an IRC network does.
func handleIRC(c *Controller, evs ...ircclient.Event) []Update {
	return c.HandleBatch(NewIRC(nil).Translate(evs))
}

var t0 = time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)

// join is our own JOIN of #meet (ircclient emits it when the server
// confirms the join).
func join(sec int, nick string) ircclient.Join {
	return ircclient.Join{Meta: ircclient.Meta{Time: t0.Add(time.Duration(sec) * time.Second)},
		Source: ircclient.Source{Nick: nick, Self: true}, Channel: "#meet"}
}

func msg(sec int, nick, text string) ircclient.Message {
	return ircclient.Message{
		Meta:   ircclient.Meta{Time: t0.Add(time.Duration(sec) * time.Second)},
		Source: ircclient.Source{Nick: nick},
		Target: "#meet", Text: text,
	}
}

func newController(t *testing.T, root, journalDir string, net Effects) *Controller {
	t.Helper()
	c, err := New(Config{
		Archive:    publish.New(root, meeting.StyleDefault, "https://m.example/"),
		JournalDir: journalDir, Network: net, URLPrefix: "https://m.example/",
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// online is what ircclient emits as gavel connects and joins #meet.
func online(c *Controller) []Update { return onlineAt(c, 0) }

func onlineAt(c *Controller, sec int) []Update {
	return handleIRC(c,
		ircclient.State{Meta: ircclient.Meta{Time: t0.Add(time.Duration(sec) * time.Second)}, State: ircclient.Registered, Nick: "chair"},
		join(sec, "chair"),
	)
}

// TestOwnLinesLoggedOnce: the chair's lines and gavel's replies reach the
// log once each, from ircclient's event for them; Say only sends.
func TestOwnLinesLoggedOnce(t *testing.T) {
	root := t.TempDir()
	net := &recorder{nick: "chair"}
	c := newController(t, root, t.TempDir(), net)
	online(c)
	net.now = t0
	for i, text := range []string{"#startmeeting Weekly", "#topic \x02Bold\x02 topic"} {
		if ups := c.Say("#meet", text); len(ups) != 0 {
			t.Fatalf("Say: %+v", ups)
		}
		if i == 0 && c.Meeting("#meet") != nil {
			t.Fatal("Say fed the engine itself")
		}
		echo := net.echoes[0]
		net.echoes = net.echoes[1:]
		net.feed(c, echo)
	}
	ups := net.feed(c, msg(2, "chair", "#endmeeting"))
	if m := c.Meeting("#MEET"); m == nil || !m.Ended() {
		t.Fatalf("meeting = %+v", m)
	}
	if len(net.topics) != 2 || net.topics[0] != "#meet Bold topic (Meeting topic: Weekly)" {
		t.Errorf("topics = %q", net.topics)
	}
	var published bool
	for _, u := range ups {
		if u.Kind == UpdateError {
			t.Errorf("error: %v", u.Err)
		}
		published = published || u.Kind == UpdatePublished
	}
	if !published {
		t.Fatalf("no publish update in %+v", ups)
	}
	logTxt, err := os.ReadFile(filepath.Join(root, "meet", "2026-11-24", "weekly.2026-11-24-18.00.log.txt"))
	if err != nil {
		t.Fatal(err)
	}
	// The five start replies were logged as the chair's own lines, and
	// every line once.
	if n := strings.Count(string(logTxt), "\n") + 1; n != 8 {
		t.Errorf("log has %d lines, want 8:\n%s", n, logTxt)
	}
	if n := strings.Count(string(logTxt), "<chair> #topic"); n != 1 {
		t.Errorf("#topic logged %d times:\n%s", n, logTxt)
	}
	if !strings.Contains(net.said[len(net.said)-1], "Log:            https://m.example/meet/2026-11-24/weekly.2026-11-24-18.00.log.html") {
		t.Errorf("last said = %q", net.said[len(net.said)-1])
	}
}

// TestResumeAfterCrash kills a controller mid-meeting (no Close, nothing
// flushed but the journal), starts a new one on the same directories, and
// checks the final minutes hold every line and equal a replay of the log.
func TestResumeAfterCrash(t *testing.T) {
	root, jdir := t.TempDir(), t.TempDir()
	net := &recorder{nick: "chair"}
	c1 := newController(t, root, jdir, net)
	online(c1)
	lines := []ircclient.Message{
		msg(0, "chair", "#startmeeting Crash test"),
		msg(1, "alice", "hello"),
		msg(2, "chair", "#topic Before the crash"),
		msg(3, "alice", "#info said before the crash <b>"),
		msg(4, "bob", "#action alice to check"),
	}
	for _, l := range lines {
		net.feed(c1, l)
	}
	// Crash: c1 is dropped without Close.

	net2 := &recorder{nick: "chair"}
	c2 := newController(t, root, jdir, net2)
	ups := c2.Resume("#meet")
	if len(ups) != 2 || ups[0].Kind != UpdateResumed {
		t.Fatalf("resume updates = %+v", ups)
	}
	net2.now = t0.Add(599 * time.Second) // the time of the gap notice's echo
	onlineAt(c2, 599)
	m := c2.Meeting("#meet")
	if m == nil || !strings.HasPrefix(m.Name, "crash_test") || len(m.Items) != 3 {
		t.Fatalf("resumed meeting = %+v", m)
	}
	net2.feed(c2, msg(600, "alice", "#info after the crash"))
	if len(net2.said) == 0 || !strings.Contains(net2.said[0], "gavel was away from 18:00:04 to 18:09:59 UTC") {
		t.Errorf("no gap notice: %q", net2.said)
	}
	ups = net2.feed(c2, msg(602, "chair", "#endmeeting"))
	for _, u := range ups {
		if u.Kind == UpdateError {
			t.Fatalf("error: %v", u.Err)
		}
	}
	dir := filepath.Join(root, "meet", "2026-11-24")
	logTxt, err := os.ReadFile(filepath.Join(dir, "crash_test.2026-11-24-18.00.log.txt"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"said before the crash <b>", "after the crash", "gavel was away", "#endmeeting"} {
		if !bytes.Contains(logTxt, []byte(want)) {
			t.Errorf("final log lacks %q:\n%s", want, logTxt)
		}
	}
	// Live minutes equal the replay of the log they wrote.
	out := t.TempDir()
	if _, err := replay.Reader(context.Background(), bytes.NewReader(logTxt), "crash_test.2026-11-24-18.00.log.txt",
		replay.Options{Channel: "#meet", Out: out, URLPrefix: "https://m.example/"}); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{".txt", ".html", ".md", ".log.html"} {
		live, _ := os.ReadFile(filepath.Join(dir, "crash_test.2026-11-24-18.00"+ext))
		replayed, err := os.ReadFile(filepath.Join(out, "meet", "2026-11-24", "crash_test.2026-11-24-18.00"+ext))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(live, replayed) {
			t.Errorf("%s: live minutes differ from the replay of the live log:\n%s\n----\n%s", ext, live, replayed)
		}
	}
	// The journal is gone once the minutes are out.
	if files, _ := filepath.Glob(filepath.Join(jdir, "*")); len(files) != 0 {
		t.Errorf("journal after publishing: %v", files)
	}
}

func TestPublishFailureKeepsTheMeeting(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "archive")
	jdir := t.TempDir()
	net := &recorder{nick: "chair"}
	c := newController(t, root, jdir, net)
	online(c)
	net.feed(c, msg(0, "chair", "#startmeeting Doomed"))
	net.feed(c, msg(1, "alice", "#info keep me"))
	// Directories stand where the minutes go: renaming onto them fails.
	dayDir := filepath.Join(root, "meet", "2026-11-24")
	blockers := []string{"doomed.2026-11-24-18.00.html", "doomed.2026-11-24-18.00.txt"}
	for _, b := range blockers {
		if err := os.MkdirAll(filepath.Join(dayDir, b, "x"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	ups := net.feed(c, msg(2, "chair", "#endmeeting"))
	var gotErr bool
	for _, u := range ups {
		gotErr = gotErr || u.Kind == UpdateError
	}
	if !gotErr {
		t.Fatalf("no error update: %+v", ups)
	}
	for _, s := range net.said {
		if strings.Contains(s, "Minutes:") {
			t.Errorf("announced URLs of unwritten minutes: %q", s)
		}
	}
	if !strings.Contains(net.said[len(net.said)-1], "could not be written") {
		t.Errorf("last said = %q", net.said[len(net.said)-1])
	}
	// The meeting's journal is set aside, whole.
	detached, _ := journal.Detached(nil, journal.Path(jdir, "#meet"))
	if len(detached) != 1 {
		t.Fatalf("journal lost: %v", detached)
	}
	// Fix the disk, /publish again: the minutes appear.
	for _, b := range blockers {
		must(t, os.RemoveAll(filepath.Join(dayDir, b)))
	}
	ups = c.Publish("#meet")
	for _, u := range ups {
		if u.Kind == UpdateError {
			t.Fatalf("retry failed: %v", u.Err)
		}
	}
	if _, err := os.Stat(filepath.Join(dayDir, "doomed.2026-11-24-18.00.html")); err != nil {
		t.Fatal(err)
	}
	if files, _ := filepath.Glob(filepath.Join(jdir, "*")); len(files) != 0 {
		t.Errorf("journals left once the minutes are out: %v", files)
	}
}

func TestTopicRefusalIsExplained(t *testing.T) {
	c := newController(t, t.TempDir(), "", &recorder{nick: "chair"})
	ups := handleIRC(c, ircclient.Error{Code: "482", Window: "#meet", Text: "You must be a channel op"})
	if len(ups) != 1 || ups[0].Kind != UpdateError || !strings.Contains(ups[0].Err.Error(), "not a channel operator") {
		t.Fatalf("updates = %+v", ups)
	}
}

// TestLookupsAreTheRoutersToDecide: the router, with its own
// prefix, decides which channel lines are lookups; a custom prefix works
// (it used to reach only the controller, and channel lookups stopped).
func TestLookupsAreTheRoutersToDecide(t *testing.T) {
	router, err := backend.New(backend.Config{Offline: true, Prefix: "!"})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := New(Config{Lookups: router})
	online(c)
	for _, tc := range []struct {
		text   string
		lookup bool
	}{{"!fas stbnruiz001", true}, {"!FAS nirik", true}, {".fas stbnruiz001", false}, {"!nosuchcommand x", false}, {"fas nirik", false}} {
		ups := kinds(handleIRC(c, msg(0, "stbnruiz", tc.text)), UpdateLookup)
		if got := len(ups) == 1 && ups[0].Nick == "stbnruiz" && ups[0].Text == tc.text; got != tc.lookup || len(ups) > 1 {
			t.Errorf("%q: lookup updates %+v, want a lookup: %v", tc.text, ups, tc.lookup)
		}
	}
}

// TestHostileLinesLiveEqualsReplay: formatting codes, invalid UTF-8, tabs
// and markup said live give the same minutes as the replay of the log.
func TestHostileLinesLiveEqualsReplay(t *testing.T) {
	root := t.TempDir()
	net := &recorder{nick: "chair"}
	c := newController(t, root, t.TempDir(), net)
	online(c)
	lines := []string{
		"#startmeeting \x02Hostile\x02 <b>meeting</b>",
		"#topic \x0304red\x03 topic\t",
		"#info bad \xff\xfe bytes & <script>alert(1)</script>",
		"\t#link https://example.org/a?b=\"c\" trailing\x0f",
		"\x01ACTION-ish\x01 text",
		"#action bob to \x1ditalic\x1d things",
		"#endmeeting",
	}
	for i, l := range lines {
		net.feed(c, msg(i, "chair", l))
	}
	dir := filepath.Join(root, "meet", "2026-11-24")
	logs, _ := filepath.Glob(filepath.Join(dir, "*.log.txt"))
	if len(logs) != 1 {
		t.Fatalf("logs: %v", logs)
	}
	sameAsReplay(t, context.Background(), root, logs[0], replay.Options{Channel: "#meet", URLPrefix: "https://m.example/"},
		".log.txt", ".txt", ".html", ".md", ".json", ".log.html")
}

// busRecorder checks, at each call, that what the call promises is on disk.
type busRecorder struct {
	t       *testing.T
	journal string // the journal file
	net     *recorder
	calls   []string
}

func (b *busRecorder) MeetingStarted(channel string, m *meeting.Meeting) error {
	j, err := os.ReadFile(b.journal)
	if err != nil || !bytes.Contains(j, []byte("#startmeeting")) {
		b.t.Errorf("MeetingStarted before the start is journalled: %q %v", j, err)
	}
	if len(b.net.said) != 0 {
		b.t.Errorf("MeetingStarted after the first reply: %q", b.net.said)
	}
	b.calls = append(b.calls, "started "+channel+" "+m.Name)
	return nil
}

func (b *busRecorder) MeetingCompleted(channel string, m *meeting.Meeting, files []publish.File) error {
	for _, f := range files {
		if _, err := os.Stat(f.Path); err != nil {
			b.t.Errorf("MeetingCompleted before %s is written: %v", f.Path, err)
		}
	}
	// Until the outbox has the message, the journal must still hold the
	// meeting: a crash in between must resend it, not lose it.
	if j, err := os.ReadFile(b.journal); err != nil || !bytes.Contains(j, []byte("#endmeeting")) {
		b.t.Errorf("MeetingCompleted after the journal was emptied: %q %v", j, err)
	}
	b.calls = append(b.calls, fmt.Sprintf("completed %s %s %d files", channel, m.Name, len(files)))
	return errors.New("broker away")
}

func TestBusCalls(t *testing.T) {
	root, jdir := t.TempDir(), t.TempDir()
	net := &recorder{nick: "chair"}
	c, err := New(Config{Archive: publish.New(root, meeting.StyleDefault, ""), JournalDir: jdir, Network: net})
	if err != nil {
		t.Fatal(err)
	}
	bus := &busRecorder{t: t, net: net}
	c.cfg.Bus = bus
	online(c)
	bus.journal = journal.Path(jdir, "#meet")
	net.feed(c, msg(1, "chair", "#startmeeting Bus"))
	if len(bus.calls) != 1 || bus.calls[0] != "started #meet bus" {
		t.Fatalf("calls = %q", bus.calls)
	}
	net.feed(c, msg(2, "chair", "#info x"))
	ups := net.feed(c, msg(3, "chair", "#endmeeting"))
	if len(bus.calls) != 2 || bus.calls[1] != "completed #meet bus 6 files" {
		t.Fatalf("calls = %q", bus.calls)
	}
	var busErr bool
	for _, u := range ups {
		busErr = busErr || u.Kind == UpdateError && strings.Contains(u.Err.Error(), "message bus: broker away")
	}
	if !busErr {
		t.Errorf("a bus error is not reported: %+v", ups)
	}
}

// TestDisconnectedIsKnown: while the connection is down the controller
// says so (Connected), lines said are reported as queued, and the
// channel counts as left until gavel joins again.
func TestDisconnectedIsKnown(t *testing.T) {
	net := &recorder{nick: "chair"}
	c := newController(t, t.TempDir(), t.TempDir(), net)
	if c.Connected() {
		t.Fatal("connected before any connection")
	}
	online(c)
	if !c.Connected() || len(c.Say("#meet", "hello")) != 0 {
		t.Fatal("not connected after registering")
	}
	handleIRC(c, ircclient.State{Meta: ircclient.Meta{Time: t0}, State: ircclient.Disconnected, Err: errors.New("EOF")})
	ups := c.Say("#meet", "still there?")
	if c.Connected() || len(ups) != 1 || ups[0].Kind != UpdateQueued || ups[0].Text != "still there?" {
		t.Fatalf("disconnected: %v, %+v", c.Connected(), ups)
	}
	net.feed(c, msg(5, "alice", "#startmeeting while we are away"))
	if c.Meeting("#meet") != nil {
		t.Fatal("a line fed while gavel was not in the channel")
	}
	onlineAt(c, 6)
	net.feed(c, msg(7, "alice", "#startmeeting back"))
	if m := c.Meeting("#meet"); m == nil || m.Name != "back" {
		t.Fatalf("after rejoining: %+v", m)
	}
}

// TestArchiveOwnsStyleAndURLPrefix (one owner per fact): with an
// archive, the engines announce in its style and under its URL prefix,
// whatever the controller's own Style and URLPrefix say.
func TestArchiveOwnsStyleAndURLPrefix(t *testing.T) {
	net := &recorder{nick: "chair"}
	c, err := New(Config{
		Archive: publish.New(t.TempDir(), meeting.StyleZodbot, "https://archive.example/"),
		Style:   meeting.StyleDefault, URLPrefix: "https://not-the-archive.example/",
		JournalDir: t.TempDir(), Network: net,
	})
	if err != nil {
		t.Fatal(err)
	}
	online(c)
	net.feed(c, msg(1, "chair", "#startmeeting Owners"))
	net.feed(c, msg(2, "chair", "#endmeeting"))
	said := strings.Join(net.said, "\n")
	if !strings.Contains(said, "https://archive.example/meet/") || strings.Contains(said, "not-the-archive") {
		t.Errorf("announced:\n%s", said)
	}
	if m := c.Meeting("#meet"); m == nil || m.Style != meeting.StyleZodbot {
		t.Errorf("meeting style: %+v", m)
	}
}

// must stops the test at a failed write (a file, a line to the server):
// every write a test makes is checked.
func must(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Fatal(err)
	}
}

// check is must for a test's own goroutines: the failure is reported and
// the test goes on to its end.
func check(tb testing.TB, err error) {
	tb.Helper()
	if err != nil {
		tb.Error(err)
	}
}
