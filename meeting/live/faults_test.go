package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"gavel/ircclient"
	"gavel/meeting"
	"gavel/meeting/journal"
	"gavel/meeting/journal/journaltest"
	"gavel/meeting/publish"
)

// logRecorder keeps slog records.
type logRecorder struct {
	mu   sync.Mutex
	recs []slog.Record
}

func (l *logRecorder) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecorder) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	l.recs = append(l.recs, r)
	l.mu.Unlock()
	return nil
}
func (l *logRecorder) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logRecorder) WithGroup(string) slog.Handler      { return l }
func (l *logRecorder) errors() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := 0
	for _, r := range l.recs {
		if r.Level >= slog.LevelError {
			n++
		}
	}
	return n
}

func leftovers(dir string) []string {
	l, _ := filepath.Glob(filepath.Join(dir, ".*"))
	return l
}

func chanMsg(sec int, channel, nick, text string) ircclient.Message {
	m := msg(sec, nick, text)
	m.Target = channel
	return m
}

func kinds(ups []Update, k UpdateKind) []Update {
	var out []Update
	for _, u := range ups {
		if u.Kind == k {
			out = append(out, u)
		}
	}
	return out
}

// TestJournalFaultsAreSaidAndCaughtUp: the journal's disk
// fails mid-meeting (full, I/O errors, read-only). The chair is told at
// once and once (an error, UpdateJournal, slog at ERROR), the meeting goes
// on (its replies are sent), every event waits in memory, and as soon as
// the disk takes them they are all written: a crash then loses nothing.
func TestJournalFaultsAreSaidAndCaughtUp(t *testing.T) {
	for _, fault := range []struct {
		name  string
		fault journaltest.Fault
		errno syscall.Errno
	}{{"full", journaltest.Full, syscall.ENOSPC}, {"eio", journaltest.IOError, syscall.EIO}, {"read-only", journaltest.ReadOnly, syscall.EROFS}} {
		t.Run(fault.name, func(t *testing.T) {
			root, jdir := t.TempDir(), t.TempDir()
			fsys := &journaltest.FS{}
			logs := &logRecorder{}
			net := &recorder{nick: "chair"}
			cfg := Config{Archive: publish.New(root, meeting.StyleDefault, ""), JournalDir: jdir, JournalFS: fsys,
				Network: net, Logger: slog.New(logs)}
			c, _ := New(cfg)
			online(c)
			net.feed(c, msg(1, "chair", "#startmeeting Faults"))
			fsys.Set(fault.fault)
			ups := net.feed(c, msg(2, "alice", "#info said on a failing disk"))
			journalUps := kinds(ups, UpdateJournal)
			if len(journalUps) != 1 || !errors.Is(journalUps[0].Err, fault.errno) || !strings.Contains(journalUps[0].Text, "NOT crash-safe") {
				t.Fatalf("journal updates: %+v", journalUps)
			}
			if len(kinds(ups, UpdateError)) == 0 || logs.errors() == 0 {
				t.Fatalf("not said as an error: %+v, %d slog errors", ups, logs.errors())
			}
			said := len(net.said)
			for i := 3; i < 8; i++ {
				ups = net.feed(c, msg(i, "alice", fmt.Sprintf("#idea number %d", i)))
				if len(kinds(ups, UpdateJournal)) != 0 || len(kinds(ups, UpdateError)) != 0 {
					t.Fatalf("said again: %+v", ups)
				}
			}
			net.feed(c, msg(8, "chair", "#topic the meeting goes on"))
			net.feed(c, msg(9, "chair", "#chair alice"))
			if len(net.said) == said || len(net.topics) == 0 {
				t.Fatalf("the meeting stalled: said %q, topics %q", net.said, net.topics)
			}
			if n := c.Unjournalled("#meet"); n < 8 {
				t.Fatalf("%d events wait, want at least 8", n)
			}
			fsys.Set(journaltest.Healthy)
			ups = c.Retry()
			if u := kinds(ups, UpdateJournal); len(u) != 1 || u[0].Err != nil || !strings.Contains(u[0].Text, "crash-safe again") {
				t.Fatalf("catching up: %+v", ups)
			}
			if n := c.Unjournalled("#meet"); n != 0 {
				t.Fatalf("%d events still wait", n)
			}
			// Crash now: the journal holds everything.
			c2, _ := New(Config{Archive: publish.New(t.TempDir(), meeting.StyleDefault, ""), JournalDir: jdir, Network: &recorder{nick: "chair"}})
			c2.Resume("#meet")
			m := c2.Meeting("#meet")
			if m == nil || len(m.Items) != 7 {
				t.Fatalf("resumed meeting: %+v", m)
			}
		})
	}
}

// TestJournalsNeverShared: #x/y and #x_y reduce to the same
// archive name; their meetings keep journals of their own, and ending one
// leaves the other whole.
func TestJournalsNeverShared(t *testing.T) {
	root, jdir := t.TempDir(), t.TempDir()
	net := &recorder{nick: "chair"}
	c := newController(t, root, jdir, net)
	online(c)
	for _, ch := range []string{"#x/y", "#x_y"} {
		j := join(0, "chair")
		j.Channel = ch
		net.feed(c, j)
		net.feed(c, chanMsg(1, ch, "chair", "#startmeeting In "+ch))
		net.feed(c, chanMsg(2, ch, "alice", "#info from "+ch))
	}
	net.feed(c, chanMsg(3, "#x/y", "chair", "#endmeeting"))
	// Crash: #x_y's meeting comes back whole.
	c2 := newController(t, t.TempDir(), jdir, &recorder{nick: "chair"})
	c2.Resume("#x/y", "#x_y")
	if m := c2.Meeting("#x/y"); m != nil {
		t.Errorf("#x/y's ended meeting came back: %+v", m)
	}
	m := c2.Meeting("#x_y")
	if m == nil || m.Ended() || len(m.Items) != 1 || m.Items[0].Text != "from #x_y" {
		t.Fatalf("#x_y's meeting: %+v", m)
	}
}

// TestOnlyJoinedChannelsGetAnEngine: lines for channels gavel
// never joined (or has left) run nothing and open no journal.
func TestOnlyJoinedChannelsGetAnEngine(t *testing.T) {
	jdir := t.TempDir()
	net := &recorder{nick: "chair"}
	c := newController(t, t.TempDir(), jdir, net)
	online(c)
	batch := make([]ircclient.Event, 0, 20000)
	for i := 0; i < 20000; i++ {
		batch = append(batch, chanMsg(1, fmt.Sprintf("#spam%d", i), "spammer", "#startmeeting spam"))
	}
	handleIRC(c, batch...)
	// Left: a PART of ours, then lines.
	net.feed(c, ircclient.Part{Meta: ircclient.Meta{Time: t0}, Source: ircclient.Source{Nick: "chair", Self: true}, Channel: "#meet"})
	net.feed(c, msg(2, "alice", "#startmeeting after we left"))
	if len(c.channels) != 1 || c.Meeting("#meet") != nil || len(net.said) != 0 {
		t.Fatalf("%d channels, said %q", len(c.channels), net.said)
	}
	if files, _ := os.ReadDir(jdir); len(files) != 0 {
		t.Fatalf("journals for channels gavel is not in: %d files", len(files))
	}
}

// TestTopicBeforeTheMeetingRestoredAfterResume: the topic the
// channel had before #startmeeting is journalled, so #endmeeting after a
// crash and resume restores it.
func TestTopicBeforeTheMeetingRestoredAfterResume(t *testing.T) {
	root, jdir := t.TempDir(), t.TempDir()
	net := &recorder{nick: "chair"}
	c := newController(t, root, jdir, net)
	online(c)
	net.feed(c, ircclient.Topic{Meta: ircclient.Meta{Time: t0}, Channel: "#meet", Text: "Welcome to #meet | agenda at https://example.org", OnJoin: true})
	net.feed(c, msg(1, "chair", "#startmeeting Topics"))
	net.feed(c, msg(2, "chair", "#topic first"))
	// Crash.
	net2 := &recorder{nick: "chair"}
	c2 := newController(t, root, jdir, net2)
	c2.Resume("#meet")
	onlineAt(c2, 3)
	net2.feed(c2, msg(4, "chair", "#endmeeting"))
	if len(net2.topics) == 0 || net2.topics[len(net2.topics)-1] != "#meet Welcome to #meet | agenda at https://example.org" {
		t.Fatalf("topics set after the resume: %q", net2.topics)
	}
}

// TestDamagedJournalResumes: a record damaged in the middle of
// the journal is skipped; the meeting resumes with every other line, says
// how many records were unreadable, and the damaged file is kept.
func TestDamagedJournalResumes(t *testing.T) {
	root, jdir := t.TempDir(), t.TempDir()
	net := &recorder{nick: "chair"}
	c := newController(t, root, jdir, net)
	online(c)
	net.feed(c, msg(1, "chair", "#startmeeting Damage"))
	for i := 2; i < 10; i++ {
		net.feed(c, msg(i, "alice", fmt.Sprintf("#info fact %d", i)))
	}
	// Crash, and the disk flips a byte in the middle of the journal.
	path := journal.Path(jdir, "#meet")
	data, _ := os.ReadFile(path)
	i := bytes.Index(data, []byte("fact 5"))
	data[i+5] ^= 0x01
	os.WriteFile(path, data, 0o600)

	c2 := newController(t, root, jdir, &recorder{nick: "chair"})
	ups := c2.Resume("#meet")
	errs, resumed := kinds(ups, UpdateError), kinds(ups, UpdateResumed)
	if len(errs) != 1 || !strings.Contains(errs[0].Err.Error(), "1 records could not be read") || len(resumed) != 1 ||
		!strings.Contains(resumed[0].Text, "1 journal records could not be read") {
		t.Fatalf("resume updates: %+v", ups)
	}
	m := c2.Meeting("#meet")
	var facts []string
	for _, it := range m.Items {
		facts = append(facts, it.Text)
	}
	if len(facts) != 7 || strings.Contains(strings.Join(facts, ","), "fact 5") || facts[6] != "fact 9" {
		t.Fatalf("resumed items: %q", facts)
	}
	kept, _ := filepath.Glob(path + ".*.damaged")
	if len(kept) != 1 {
		t.Fatalf("damaged journal kept: %v", kept)
	}
	if b, _ := os.ReadFile(kept[0]); !bytes.Equal(b, data) {
		t.Error("the kept file is not the damaged journal as it was")
	}
}

// TestFailedPublishNeverCrashes: the final files of a meeting
// cannot be written (a directory stands where the log goes). #endmeeting
// reports it; /publish and a second #endmeeting-less retry do not panic;
// the channel's next meeting has a log of its own (also after a restart);
// and the first meeting is published once the way is clear, also from a
// restarted gavel.
func TestFailedPublishNeverCrashes(t *testing.T) {
	root, jdir := t.TempDir(), t.TempDir()
	net := &recorder{nick: "chair"}
	c := newController(t, root, jdir, net)
	online(c)
	dayDir := filepath.Join(root, "meet", "2026-11-24")
	blocker := filepath.Join(dayDir, "blocked.2026-11-24-18.00.log.txt", "x")
	os.MkdirAll(blocker, 0o755)
	net.feed(c, msg(0, "chair", "#startmeeting Blocked"))
	net.feed(c, msg(1, "alice", "#info first meeting"))
	if ups := net.feed(c, msg(2, "chair", "#endmeeting")); len(kinds(ups, UpdateError)) == 0 {
		t.Fatalf("no error: %+v", ups)
	}
	for i := 0; i < 2; i++ {
		if ups := c.Publish("#meet"); len(kinds(ups, UpdateError)) == 0 {
			t.Fatalf("/publish with the way blocked: %+v", ups)
		}
	}
	net.feed(c, msg(120, "chair", "#startmeeting Next"))
	net.feed(c, msg(121, "bob", "#info second meeting"))
	// Restart (c stays alive, holding its partial logs as a process
	// would until it dies).
	before, _ := filepath.Glob(filepath.Join(dayDir, ".*"))
	defer runtime.KeepAlive(c)
	net2 := &recorder{nick: "chair"}
	c2 := newController(t, root, jdir, net2)
	if ups := c2.Resume("#meet"); len(kinds(ups, UpdateResumed)) != 1 || len(kinds(ups, UpdateError)) == 0 {
		t.Fatalf("resume: %+v", ups)
	}
	onlineAt(c2, 122)
	os.RemoveAll(filepath.Dir(blocker))
	if ups := c2.Publish("#meet"); len(kinds(ups, UpdateError)) != 0 {
		t.Fatalf("/publish once the way is clear: %+v", ups)
	}
	if ups := net2.feed(c2, msg(123, "chair", "#endmeeting")); len(kinds(ups, UpdateError)) != 0 {
		t.Fatalf("ending the second meeting: %+v", ups)
	}
	first, _ := os.ReadFile(filepath.Join(dayDir, "blocked.2026-11-24-18.00.log.txt"))
	second, _ := os.ReadFile(filepath.Join(dayDir, "next.2026-11-24-18.02.log.txt"))
	if !strings.HasPrefix(string(first), "18:00:00 <chair> #startmeeting Blocked") || !strings.HasSuffix(string(first), "<chair> #endmeeting") ||
		strings.Contains(string(first), "second meeting") {
		t.Errorf("first log:\n%s", first)
	}
	if !strings.HasPrefix(string(second), "18:02:00 <chair> #startmeeting Next") || strings.Contains(string(second), "first meeting") ||
		!strings.Contains(string(second), "second meeting") {
		t.Errorf("second log:\n%s", second)
	}
	for _, l := range leftovers(dayDir) {
		if !slices.Contains(before, l) {
			t.Errorf("left by the restarted gavel: %s", l)
		}
	}
	if left, _ := os.ReadDir(jdir); len(left) != 0 {
		t.Errorf("journals left: %v", left)
	}
}

// TestLongTitleNeverCrashes: a 240-character meeting title.
// Whether or not its files can be named, ending the meeting and /publish
// never panic, and the next meeting's log holds only its own lines.
func TestLongTitleNeverCrashes(t *testing.T) {
	root := t.TempDir()
	net := &recorder{nick: "chair"}
	c := newController(t, root, t.TempDir(), net)
	online(c)
	net.feed(c, msg(0, "chair", "#startmeeting "+strings.Repeat("Very long title ", 15)))
	net.feed(c, msg(1, "chair", "#endmeeting"))
	c.Publish("#meet")
	c.Publish("#meet")
	net.feed(c, msg(60, "chair", "#startmeeting Short"))
	net.feed(c, msg(61, "chair", "#endmeeting"))
	log, err := os.ReadFile(filepath.Join(root, "meet", "2026-11-24", "short.2026-11-24-18.01.log.txt"))
	if err != nil || !strings.HasPrefix(string(log), "18:01:00 <chair> #startmeeting Short") {
		t.Fatalf("the next meeting's log (%v):\n%s", err, log)
	}
}

// TestStalePartialsRemovedOnResume: the partial logs a killed
// gavel left are removed when the meeting resumes.
func TestStalePartialsRemovedOnResume(t *testing.T) {
	root, jdir := t.TempDir(), t.TempDir()
	c := newController(t, root, jdir, &recorder{nick: "chair"})
	online(c)
	handleIRC(c, msg(0, "chair", "#startmeeting Stale"))
	// As a dead process leaves them: nobody holds them.
	dayDir := filepath.Join(root, "meet", "2026-11-24")
	for _, ext := range []string{"txt", "html"} {
		os.WriteFile(filepath.Join(dayDir, ".meeting.2026-11-24-18.00.log."+ext+".partial-999"), []byte("old"), 0o644)
	}
	defer runtime.KeepAlive(c) // its partials stay locked, as a living process's do
	c2 := newController(t, root, jdir, &recorder{nick: "chair"})
	c2.Resume("#meet")
	left, _ := filepath.Glob(filepath.Join(dayDir, ".*.partial-999"))
	if len(left) != 0 {
		t.Fatalf("stale partials: %v", left)
	}
	if live, _ := filepath.Glob(filepath.Join(dayDir, ".*.partial-*")); len(live) != 4 {
		t.Fatalf("the living sessions' partials: %v", live)
	}
}
