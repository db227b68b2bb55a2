package live

import (
	"bytes"
	"context"
	"fmt"
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
	pw := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pw, []byte(u.Password), 0o600); err != nil {
		t.Fatal(err)
	}
	client, err := matrixclient.New(matrixclient.Config{Homeserver: s.URL, UserID: u.UserID, PasswordFile: pw,
		Rooms: []string{room}, StateDir: stateDir, SyncTimeout: 5 * time.Second}, nil)
	if err != nil {
		t.Fatal(err)
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
// whole live path on Dendrite: lines said while gavel was away (1,000 per
// op, a meeting running) are caught up on its restart, the sync's limited
// timeline paged back with /messages, each line through the adapter, the
// engine, the journal (synced per batch) and the archive's log.
func BenchmarkLiveInboundMatrix(b *testing.B) {
	s := dendritetest.Start(b)
	chair := s.Register(b, "chair")
	alice := s.Register(b, "alice")
	roomID := alice.CreateRoom(b, "load")
	room := dendritetest.Alias("load")
	state, journal, archive := b.TempDir(), b.TempDir(), b.TempDir()
	cfg := func() Config {
		return Config{Archive: publish.New(archive, meeting.StyleDefault, ""), JournalDir: journal}
	}
	g := startMatrixGavelIn(b, s, chair, room, state, cfg())
	alice.Text(b, roomID, "#startmeeting Load")
	g.waitSeen(b, "alice #startmeeting Load")
	g.stop()
	const perOp = 1000
	b.ResetTimer()
	for n := range b.N {
		b.StopTimer()
		for i := range perOp {
			alice.Text(b, roomID, fmt.Sprintf("line %d of op %d of the load meeting", i, n))
		}
		b.StartTimer()
		g := startMatrixGavelIn(b, s, chair, room, state, cfg())
		g.waitSeen(b, fmt.Sprintf("alice line %d of op %d of the load meeting", perOp-1, n))
		b.StopTimer()
		g.stop()
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(perOp*b.N)/b.Elapsed().Seconds(), "events/s")
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
