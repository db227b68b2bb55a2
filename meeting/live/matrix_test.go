package live

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"gavel/matrixclient"
	"gavel/matrixclient/dendritetest"
	"gavel/meeting"
	"gavel/meeting/publish"
	"gavel/meeting/replay"
)

// matrixGavel is gavel on a Matrix account: the client, the adapter and
// the controller's event loop, as the console runs them.
type matrixGavel struct {
	ctrl *Controller
	mu   sync.Mutex
	net  *Matrix
	seen chan string // "nick text" of every Message handled
	stop func()
}

func startMatrixGavel(t testing.TB, s *dendritetest.Server, u *dendritetest.User, room string, cfg Config) *matrixGavel {
	t.Helper()
	return startMatrixGavelIn(t, s, u, room, t.TempDir(), cfg)
}

// startMatrixGavelIn starts gavel with its Matrix session in stateDir.
func startMatrixGavelIn(t testing.TB, s *dendritetest.Server, u *dendritetest.User, room, stateDir string, cfg Config) *matrixGavel {
	t.Helper()
	return startMatrixGavelWith(t, s, u, room, stateDir, cfg, nil)
}

// startMatrixGavelWith is startMatrixGavelIn with the client's config
// changed by tune (when not nil).
func startMatrixGavelWith(t testing.TB, s *dendritetest.Server, u *dendritetest.User, room, stateDir string, cfg Config, tune func(*matrixclient.Config)) *matrixGavel {
	t.Helper()
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte(u.Password), 0o600); err != nil {
		t.Fatal(err)
	}
	mc := matrixclient.Config{Homeserver: s.URL, UserID: u.UserID, PasswordFile: pw,
		Rooms: []string{room}, StateDir: stateDir, SyncTimeout: 5 * time.Second}
	if tune != nil {
		tune(&mc)
	}
	// What the client and the controller log shows with a failed test
	// (a benchmark's output shows always: warnings only).
	level := slog.LevelDebug
	if _, bench := t.(*testing.B); bench {
		level = slog.LevelWarn
	}
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: level}))
	client, err := matrixclient.New(mc, logger)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Logger == nil {
		cfg.Logger = logger
	}
	ctx, cancel := context.WithCancel(context.Background())
	runDone := make(chan struct{})
	go func() { client.Run(ctx); close(runDone) }()
	g := &matrixGavel{net: NewMatrix(client, cancel), seen: make(chan string, 1<<14)}
	cfg.Network = g.net
	if g.ctrl, err = New(cfg); err != nil {
		t.Fatal(err)
	}
	joined, loopDone := driveInTest(ctx, g.net, g.ctrl, &g.mu, func(ev Event) {
		if m, ok := ev.(Message); ok && !m.History {
			g.seen <- m.From.Nick + " " + m.Text
		}
	})
	g.stop = func() {
		cancel()
		<-runDone
		<-loopDone
	}
	t.Cleanup(g.stop)
	select {
	case <-joined:
	case <-time.After(30 * time.Second):
		t.Fatal("gavel did not join the room")
	}
	return g
}

// waitSeen waits until gavel has handled the line "nick text" (a prefix
// of it when want ends with "…").
func (g *matrixGavel) waitSeen(t testing.TB, want string) {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case got := <-g.seen:
			if got == want || strings.HasSuffix(want, "…") && strings.HasPrefix(got, strings.TrimSuffix(want, "…")) {
				return
			}
		case <-deadline:
			t.Fatalf("gavel never handled %q", want)
		}
	}
}

// say has u say text in the room (its alias room, its ID roomID): the
// chair (the account gavel runs as) through the controller, as the
// console sends a typed line, anyone else through their own client; then
// it waits until gavel has handled each of its lines as nick's.
func (g *matrixGavel) say(t testing.TB, chair, u *dendritetest.User, room, roomID, nick, text string) {
	t.Helper()
	if u == chair {
		g.mu.Lock()
		ups := g.ctrl.Say(room, text)
		g.mu.Unlock()
		for _, up := range ups {
			if up.Kind == UpdateError {
				t.Fatalf("chair says %q: %v", text, up.Err)
			}
		}
	} else {
		u.Text(t, roomID, text)
	}
	for _, l := range strings.Split(text, "\n") {
		g.waitSeen(t, nick+" "+l)
	}
}

// TestWholeMeetingInAMatrixRoom runs a meeting in a room of a real
// homeserver: gavel chairs it as the chair's own account through the live
// controller, two others speak (one pastes several lines), the replies go
// out as m.notice, the minutes land under the room's directory as
// Fedora's meetbot names it, and they equal the replay of the log gavel
// wrote.
func TestWholeMeetingInAMatrixRoom(t *testing.T) {
	s := dendritetest.Start(t)
	ctx := dendritetest.Ctx(t)
	// The chair may set the topic (power 50).
	chair, alice, others, roomID := chairedRoom(t, s, "meeting", "Bob Smith")
	bob := others[0]
	room := dendritetest.Alias("meeting")
	root := t.TempDir()
	g := startMatrixGavel(t, s, chair, room, Config{Archive: publish.New(root, meeting.StyleDefault, ""), JournalDir: t.TempDir()})

	say := func(u *dendritetest.User, nick, text string) {
		t.Helper()
		g.say(t, chair, u, room, roomID, nick, text)
	}
	say(chair, "nirik", "#startmeeting matrix test")
	g.waitSeen(t, "nirik Meeting started …") // gavel's reply, as our line
	say(alice, "Alice", "#topic agenda")
	say(bob, "Bob_Smith", "#info one\n#info two")
	bob.Send(t, roomID, map[string]any{"msgtype": "m.emote", "body": "waves"})
	g.waitSeen(t, "Bob_Smith waves")
	// HTML: the formatted body is never used; the plain body's markup is text.
	bob.Send(t, roomID, map[string]any{"msgtype": "m.text", "body": "#info <b>bold</b> claim",
		"format": "org.matrix.custom.html", "formatted_body": "#info <script>alert(1)</script>"})
	g.waitSeen(t, "Bob_Smith #info <b>bold</b> claim")
	say(alice, "Alice", "#action Bob_Smith writes it up")
	say(chair, "nirik", "#endmeeting")

	// The minutes, under Fedora's directory for the room.
	logPath := waitLog(t, root, "meeting_matrix_localhost/*/matrix_test.*.log.txt")
	logTxt, _ := os.ReadFile(logPath)
	for _, want := range []string{
		"<nirik> #startmeeting matrix test",
		"<Alice> #topic agenda",
		"<Bob_Smith> #info one",
		"<Bob_Smith> #info two",
		"* Bob_Smith waves",
		"<Alice> #action Bob_Smith writes it up",
		"<nirik> #endmeeting",
	} {
		if !strings.Contains(string(logTxt), want) {
			t.Errorf("log lacks %q:\n%s", want, logTxt)
		}
	}
	for _, ext := range []string{".html", ".log.html"} {
		h, _ := os.ReadFile(strings.TrimSuffix(logPath, ".log.txt") + ext)
		if bytes.Contains(h, []byte("<script>")) || bytes.Contains(h, []byte("<b>bold")) || !bytes.Contains(h, []byte("&lt;b&gt;bold&lt;/b&gt;")) {
			t.Errorf("%s: markup of a message is not escaped", ext)
		}
	}
	// gavel's replies went out as m.notice: alice sees them so.
	notices := 0
	resp, err := alice.Messages(ctx, id.RoomID(roomID), "", "", 'b', nil, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range resp.Chunk {
		if e.Type == event.EventMessage && string(e.Sender) == chair.UserID && e.Content.Raw["msgtype"] == "m.notice" {
			notices++
		}
	}
	if notices == 0 {
		t.Error("no m.notice from gavel in the room")
	}
	// The minutes equal the replay of the log gavel wrote.
	sameAsReplay(t, ctx, root, logPath, replay.Options{Channel: room}, ".txt", ".html", ".log.html")
}

// BenchmarkLiveInboundMatrix measures room events per second through the
// whole live path on Dendrite. Dendrite takes a message in tens of
// milliseconds (one at a time, whatever the number of senders), so its
// rate of intake, not gavel's, would be measured by lines said while gavel
// listens; instead, alice says 1,000 lines while gavel is away (off the
// clock, until Dendrite serves the last of them; a meeting runs in the
// room), and an op is gavel's start until
// the last of them is handled: login, the room's state, the sync that
// brings them (the client's default timeline limit holds 1,000), each
// line through the adapter, the engine, the journal (synced per batch)
// and the archive's log. server-ms is the part of an op spent waiting on
// Dendrite's answers (from each request to the end of its body), ours-ms
// the rest. paged-events/s is the same catch-up by a second account whose
// client has a timeline limit of 50, so that the sync is limited and the
// rest is paged back with /messages (Dendrite gives 100 events a page);
// paged-server-ms is its wait on Dendrite.
func BenchmarkLiveInboundMatrix(b *testing.B) {
	s := dendritetest.Start(b)
	alice := s.Register(b, "alice")
	roomID := alice.CreateRoom(b, "load")
	room := dendritetest.Alias("load")
	type account struct {
		user           *dendritetest.User
		state, journal string
		archive        string
		clock          *dendritetest.Clock
		tune           func(*matrixclient.Config)
		took, server   time.Duration
	}
	var accounts []*account
	for _, limit := range []int{0, 50} {
		a := &account{user: s.Register(b, fmt.Sprintf("chair%d", limit)), state: b.TempDir(), journal: b.TempDir(), archive: b.TempDir(), clock: &dendritetest.Clock{}}
		a.tune = func(mc *matrixclient.Config) {
			mc.TimelineLimit = limit
			mc.HTTPClient = a.clock.Client(time.Minute)
		}
		accounts = append(accounts, a)
	}
	start := func(a *account) *matrixGavel {
		return startMatrixGavelWith(b, s, a.user, room, a.state, Config{Archive: publish.New(a.archive, meeting.StyleDefault, ""), JournalDir: a.journal}, a.tune)
	}
	var gs []*matrixGavel
	for _, a := range accounts {
		gs = append(gs, start(a))
	}
	alice.Text(b, roomID, "#startmeeting Load")
	for _, g := range gs {
		g.waitSeen(b, "alice #startmeeting Load")
	}
	for _, g := range gs {
		g.stop()
	}
	const perOp = 1000
	catchUp := func(a *account, n int) {
		began := time.Now()
		g := start(a)
		g.waitSeen(b, fmt.Sprintf("alice line %d of op %d of the load meeting", perOp-1, n))
		ended := time.Now()
		b.StopTimer()
		a.took += ended.Sub(began)
		a.server += a.clock.Busy(began, ended, nil)
		g.mu.Lock()
		lines := g.ctrl.Meeting(room).LineCount
		g.mu.Unlock()
		if lines < (n+1)*perOp {
			b.Fatalf("%d lines in the meeting's log after op %d", lines, n)
		}
		g.stop()
	}
	b.ResetTimer()
	for n := range b.N {
		b.StopTimer()
		last := ""
		for i := range perOp {
			last = alice.Text(b, roomID, fmt.Sprintf("line %d of op %d of the load meeting", i, n))
		}
		alice.WaitInTimeline(b, roomID, last)
		b.StartTimer()
		catchUp(accounts[0], n) // stops the timer
		catchUp(accounts[1], n)
	}
	def, paged := accounts[0], accounts[1]
	b.ReportMetric(float64(perOp*b.N)/def.took.Seconds(), "events/s")
	b.ReportMetric(float64(def.server.Milliseconds())/float64(b.N), "server-ms")
	b.ReportMetric(float64((def.took-def.server).Milliseconds())/float64(b.N), "ours-ms")
	b.ReportMetric(float64(perOp*b.N)/paged.took.Seconds(), "paged-events/s")
	b.ReportMetric(float64(paged.server.Milliseconds())/float64(b.N), "paged-server-ms")
}

func TestLogNickReadsBack(t *testing.T) {
	for in, want := range map[string]string{
		"Kevin Fenzi":          "Kevin_Fenzi",
		"Sam (@sam:fedora.im)": "Sam_(@sam:fedora.im)",
		"@nirik:fedora.im":     "nirik:fedora.im",
		"a<b>c":                "a_b_c",
		"+voice":               "_voice",
		"@@x":                  "_x",
		"  ":                   "_",
		"nirik":                "nirik",
	} {
		if got := LogNick(in); got != want {
			t.Errorf("LogNick(%q) = %q, want %q", in, got, want)
		}
	}
}
