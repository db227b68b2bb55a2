package live

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gavel/matrixclient/dendritetest"
	"gavel/meeting"
	"gavel/meeting/publish"
)

// TestEventsRunOnceByID: a restart that is given again events its journal
// holds (a sync not acked before gavel went down) runs none of them twice,
// while a different event with the same time, sender and text (another
// "+1" in the same millisecond) still runs: events are keyed by their ID.
func TestEventsRunOnceByID(t *testing.T) {
	jdir, root := t.TempDir(), t.TempDir()
	at := time.Date(2026, 12, 6, 16, 0, 0, 0, time.UTC)
	room := "#infra:fedora.im"
	msg := func(evID string, part int, sec int, nick, text string) Message {
		return Message{Meta: Meta{Time: at.Add(time.Duration(sec) * time.Second), ID: evID}, Part: part,
			From: User{Nick: nick, ID: "@" + strings.ToLower(nick) + ":fedora.im"}, Target: room, Text: text}
	}
	start := func() *Controller {
		c, err := New(Config{Archive: publish.New(root, meeting.StyleDefault, ""), JournalDir: jdir, Fold: func(s string) string { return s },
			Dialect: func(string) meeting.Dialect { return meeting.DialectFedora }})
		if err != nil {
			t.Fatal(err)
		}
		c.Handle(Join{Meta: Meta{Time: at}, From: User{Nick: "gavel", Self: true}, Channel: room})
		return c
	}
	first := []Event{
		msg("$1", 0, 0, "nirik", "!startmeeting once"),
		msg("$2", 0, 1, "Bob", "!info one"),
		msg("$2", 1, 1, "Bob", "!info two"),
		msg("$3", 0, 2, "Bob", "+1"),
		Edit{Meta: Meta{Time: at.Add(2 * time.Second), ID: "$e"}, From: User{Nick: "Bob", ID: "@bob:fedora.im"}, Channel: room,
			Original: "$2", Lines: []string{"!info uno", "!info two"}},
	}
	c := start()
	c.HandleBatch(first)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	c = start()
	again := append(append([]Event{}, first[1:]...),
		msg("$4", 0, 2, "Bob", "+1"), // the same time, sender and text: another event
		msg("$5", 0, 3, "nirik", "!endmeeting"))
	c.HandleBatch(again)
	m := c.Meeting(room)
	if m == nil || !m.Ended() {
		t.Fatal("the meeting did not end")
	}
	var items []string
	for _, it := range m.Items {
		items = append(items, it.Text)
	}
	if strings.Join(items, ",") != "uno,two" {
		t.Errorf("items %q, want uno, two once each", items)
	}
	// start, one, two, +1, the edit's two lines; +1, end: the edit given
	// again ran once.
	if m.LineCount != 8 {
		t.Errorf("%d lines logged, want 8", m.LineCount)
	}
	var plusOnes int
	for _, a := range m.Attendees {
		if a.Nick == "Bob" {
			plusOnes = a.Lines
		}
	}
	if plusOnes != 4 {
		t.Errorf("Bob said %d lines, want 4 (two infos, two +1s)", plusOnes)
	}
	c.Close()
}

// TestMatrixRestartRunsEachEventOnce stops gavel (its last batch maybe
// not acked to the homeserver), has lines said meanwhile, among them the
// same text twice, and starts it again from its session and journal: the
// missed lines come from the homeserver in order with their server times,
// and each event is in the log once.
func TestMatrixRestartRunsEachEventOnce(t *testing.T) {
	s := dendritetest.Start(t)
	chair := s.Register(t, "chair")
	alice := s.Register(t, "alice")
	roomID := alice.CreateRoom(t, "restart")
	room := dendritetest.Alias("restart")
	state, jdir, root := t.TempDir(), t.TempDir(), t.TempDir()
	cfg := func() Config {
		return Config{Archive: publish.New(root, meeting.StyleDefault, ""), JournalDir: jdir,
			Dialect: func(string) meeting.Dialect { return meeting.DialectFedora }}
	}
	g := startMatrixGavelIn(t, s, chair, room, state, cfg())
	alice.Text(t, roomID, "!startmeeting restart")
	g.waitSeen(t, "alice !startmeeting restart")
	for i := range 5 {
		alice.Text(t, roomID, fmt.Sprintf("!info before %d", i))
	}
	g.waitSeen(t, "alice !info before 4")
	g.stop()
	for range 2 {
		alice.Text(t, roomID, "!info said twice while gavel was down")
	}
	alice.Text(t, roomID, "!info last while down")
	g = startMatrixGavelIn(t, s, chair, room, state, cfg())
	g.waitSeen(t, "alice !info last while down")
	alice.Text(t, roomID, "!endmeeting")
	logPath := waitLog(t, root, filepath.Join("restart_matrix_localhost", "*", "restart.*.log.txt"))
	b, _ := os.ReadFile(logPath)
	log := string(b)
	for want, n := range map[string]int{
		"<alice> !startmeeting restart":                 1,
		"<alice> !info before 0":                        1,
		"<alice> !info before 4":                        1,
		"<alice> !info said twice while gavel was down": 2,
		"<alice> !info last while down":                 1,
		"<alice> !endmeeting":                           1,
	} {
		if got := strings.Count(log, want); got != n {
			t.Errorf("log has %q %d times, want %d:\n%s", want, got, n, log)
		}
	}
	if i, j := strings.Index(log, "before 4"), strings.Index(log, "last while down"); i < 0 || j < i {
		t.Errorf("missed lines out of order:\n%s", log)
	}
}

// TestPowerLevelChairs: members at or above the level chair (50 when
// none is given), by user ID, whatever name they show.
func TestPowerLevelChairs(t *testing.T) {
	conn := newRoomConn()
	n := NewMatrix(conn, nil)
	for _, tc := range []struct {
		level int
		id    string
		want  bool
	}{
		{0, "@alice:x", true}, // 100
		{0, "@bob:x", false},  // 10
		{10, "@bob:x", true},
		{101, "@alice:x", false},
		{0, "@gavel:x", false}, // 0
		{0, "@stranger:x", false},
		{0, "", false},
	} {
		if got := PowerLevelChairs(n, tc.level)("#meeting:x", "Alice", tc.id); got != tc.want {
			t.Errorf("level %d, %s: %v, want %v", tc.level, tc.id, got, tc.want)
		}
	}
	if PowerLevelChairs(n, 0)("#elsewhere:x", "Alice", "@alice:x") {
		t.Error("a room gavel is not in gave chair rights")
	}
}
