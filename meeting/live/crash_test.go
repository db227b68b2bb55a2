package live

import (
	"bytes"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	"gavel/ircclient"
	"gavel/meeting"
	"gavel/meeting/bus"
	"gavel/meeting/journal"
	"gavel/meeting/publish"
)

// crashFS is the journal's file system of a process that dies at a chosen
// point: the first removal of the file named at (emptying a published
// meeting's journal) never happens, and from then on nothing more reaches
// the disk, as when gavel is killed there.
type crashFS struct {
	at   string
	mu   sync.Mutex
	dead bool
}

func (f *crashFS) isDead() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dead
}

func (f *crashFS) OpenFile(name string, flag int, perm fs.FileMode) (journal.File, error) {
	if f.isDead() {
		return nil, &fs.PathError{Op: "open", Path: name, Err: syscall.EIO}
	}
	file, err := journal.OS.OpenFile(name, flag, perm)
	if err != nil {
		return nil, err
	}
	return &crashFile{File: file, fs: f}, nil
}

func (f *crashFS) Rename(o, n string) error {
	if f.isDead() {
		return &os.LinkError{Op: "rename", Old: o, New: n, Err: syscall.EIO}
	}
	return journal.OS.Rename(o, n)
}

func (f *crashFS) Remove(name string) error {
	f.mu.Lock()
	if name == f.at {
		f.dead = true
	}
	dead := f.dead
	f.mu.Unlock()
	if dead {
		return &fs.PathError{Op: "remove", Path: name, Err: syscall.EIO}
	}
	return journal.OS.Remove(name)
}

func (f *crashFS) MkdirAll(p string, perm fs.FileMode) error {
	if f.isDead() {
		return &fs.PathError{Op: "mkdir", Path: p, Err: syscall.EIO}
	}
	return journal.OS.MkdirAll(p, perm)
}

func (f *crashFS) Glob(pattern string) ([]string, error) { return journal.OS.Glob(pattern) }

type crashFile struct {
	journal.File
	fs *crashFS
}

func (f *crashFile) WriteAt(p []byte, off int64) (int, error) {
	if f.fs.isDead() {
		return 0, syscall.EIO
	}
	return f.File.WriteAt(p, off)
}

func (f *crashFile) Truncate(size int64) error {
	if f.fs.isDead() {
		return syscall.EIO
	}
	return f.File.Truncate(size)
}

func (f *crashFile) Sync() error {
	if f.fs.isDead() {
		return syscall.EIO
	}
	return f.File.Sync()
}

// archiveFiles reads every file under root (archive-relative path ->
// contents), hidden ones included.
func archiveFiles(t *testing.T, root string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		files[filepath.ToSlash(rel)] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// crashCase is one way the archive stands when gavel dies after publishing.
type crashCase struct {
	name string
	// channel is where the crashed meeting runs, as the live gavel spells
	// it; resumeAs is how the restarted gavel names it (its configuration).
	channel, resumeAs string
	// twin, when set, holds a meeting of the same name started in the same
	// minute just before, in a channel whose archive directory is the
	// crashed one's, so that the crashed meeting's files are a "-2" copy:
	// published and ended before the crash (twinEnds), or still running
	// (its files are only partial logs), to be resumed after the crashed
	// one and ended then.
	twin     string
	twinEnds bool
}

// TestCrashAfterPublishing ("nothing is lost" and no duplicates):
// gavel dies after the last rename of a meeting's minutes, before its
// journal is emptied. The restart publishes the meeting from the journal
// again; it must end with exactly the files that were published (one
// copy, no "-2" twin, the same bytes), the journal empty, and the bus's
// meetbot.meeting.complete once in the outbox (handed again, with the
// same id, because the crash may have come before the outbox had it).
// Both styles (in zodbot style the meeting is renamed, so that its stub
// under the first name is written too), and archives where the search for
// a free name would now choose differently: the natural name was held by
// a meeting still running in a channel of the same directory, or the
// restarted gavel spells the channel otherwise (it has it from its
// configuration, the live one had it from the server's JOIN).
func TestCrashAfterPublishing(t *testing.T) {
	for _, style := range []meeting.Style{meeting.StyleDefault, meeting.StyleZodbot} {
		sameDir := "#x_y" // the default style's directory of #x/y
		if style == meeting.StyleZodbot {
			sameDir = "#xy" // MeetBot drops the '/'
		}
		for _, tc := range []crashCase{
			{name: "alone", channel: "#meet", resumeAs: "#meet"},
			{name: "published-twin", channel: "#meet", resumeAs: "#meet", twin: "#meet", twinEnds: true},
			{name: "running-twin", channel: sameDir, resumeAs: sameDir, twin: "#x/y"},
			{name: "spelled-otherwise", channel: "#Meet", resumeAs: "#meet"},
		} {
			t.Run(style.String()+"/"+tc.name, func(t *testing.T) { testCrashAfterPublishing(t, style, tc) })
		}
	}
}

func testCrashAfterPublishing(t *testing.T, style meeting.Style, tc crashCase) {
	root, jdir, bdir := t.TempDir(), t.TempDir(), t.TempDir()
	jpath := journal.Path(jdir, tc.channel)
	openOutbox := func() *bus.Outbox {
		// Nothing listens on the broker's port: every message stays in
		// the outbox, where the test reads it.
		o, err := bus.Open(bus.Config{URL: "amqp://127.0.0.1:1/", Dir: bdir})
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	start := func(fsys journal.FS, net *recorder, o *bus.Outbox) *Controller {
		c, err := New(Config{Style: style, Archive: publish.New(root, style, "https://m.example/"), JournalDir: jdir,
			JournalFS: fsys, Network: net, Bus: o, URLPrefix: "https://m.example/"})
		if err != nil {
			t.Fatal(err)
		}
		handleIRC(c, ircclient.State{Meta: ircclient.Meta{Time: t0}, State: ircclient.Registered, Nick: "chair"})
		return c
	}
	joinAs := func(net *recorder, c *Controller, sec int, channel string) {
		j := join(sec, "chair")
		j.Channel = channel
		net.feed(c, j)
	}

	o := openOutbox()
	fsys := &crashFS{at: jpath}
	net := &recorder{nick: "chair"}
	c := start(fsys, net, o)
	wantComplete := 1
	if tc.twin != "" {
		joinAs(net, c, 0, tc.twin)
		net.feed(c, chanMsg(0, tc.twin, "chair", "#startmeeting Crash"))
		if tc.twinEnds {
			net.feed(c, chanMsg(1, tc.twin, "chair", "#endmeeting"))
			wantComplete++
		}
	}
	before := archiveFiles(t, root)
	joinAs(net, c, 2, tc.channel)
	net.feed(c, chanMsg(2, tc.channel, "chair", "#startmeeting Crash"))
	net.feed(c, chanMsg(3, tc.channel, "alice", "#topic the crash"))
	net.feed(c, chanMsg(4, tc.channel, "alice", "#info said before the crash"))
	net.feed(c, chanMsg(5, tc.channel, "bob", "#action alice to look at it"))
	if style == meeting.StyleZodbot {
		net.feed(c, chanMsg(6, tc.channel, "chair", "#meetingname Crash Renamed"))
	}
	ups := net.feed(c, chanMsg(7, tc.channel, "chair", "#endmeeting"))
	if !fsys.isDead() {
		t.Fatalf("the journal was never emptied: %+v", ups)
	}
	published := archiveFiles(t, root)
	var ours []string
	for rel := range published {
		if _, ok := before[rel]; !ok {
			ours = append(ours, rel)
		}
	}
	slices.Sort(ours)
	if len(ours) < 4 || (tc.twin != "") != strings.Contains(strings.Join(ours, " "), "-2.") {
		t.Fatalf("the crashed meeting's files: %q", ours)
	}
	if j, err := os.ReadFile(jpath); err != nil || !bytes.Contains(j, []byte("#endmeeting")) {
		t.Fatalf("the journal does not hold the ended meeting: %v", err)
	}
	// The process dies: its outbox goes with it (its partial logs stay
	// locked, as they would be while a dying process still holds them).
	o.Close()

	o = openOutbox()
	defer o.Close()
	net2 := &recorder{nick: "chair"}
	c2 := start(journal.OS, net2, o)
	resume := []string{tc.resumeAs}
	if tc.twin != "" && !tc.twinEnds {
		resume = append(resume, tc.twin)
	}
	ups = c2.Resume(resume...)
	for _, u := range kinds(ups, UpdateError) {
		t.Errorf("resume: %v", u.Err)
	}
	after := archiveFiles(t, root)
	for rel, data := range after {
		if strings.HasPrefix(path.Base(rel), ".") {
			continue // the resumed twin's partial logs
		}
		if want, ok := published[rel]; !ok {
			t.Errorf("the restart wrote %s:\n%s", rel, data)
		} else if data != want {
			t.Errorf("the restart changed %s:\n%s\nwas:\n%s", rel, data, want)
		}
	}
	for rel := range published {
		if _, ok := after[rel]; !ok && !strings.HasPrefix(path.Base(rel), ".") {
			t.Errorf("the restart removed %s", rel)
		}
	}
	if _, err := os.Stat(jpath); !os.IsNotExist(err) {
		t.Errorf("the journal is still there after the restart (%v)", err)
	}
	if m := c2.Meeting(tc.resumeAs); m != nil && !m.Ended() {
		t.Errorf("the published meeting runs again: %+v", m)
	}
	if tc.twin != "" && !tc.twinEnds {
		// The twin, resumed, ends where it always was going to be.
		joinAs(net2, c2, 8, tc.twin)
		if ups := net2.feed(c2, chanMsg(9, tc.twin, "chair", "#endmeeting")); len(kinds(ups, UpdateError)) != 0 {
			t.Fatalf("ending the twin: %+v", ups)
		}
		wantComplete++
		var twins []string
		for rel := range archiveFiles(t, root) {
			if _, ok := published[rel]; !ok && !strings.HasPrefix(path.Base(rel), ".") {
				twins = append(twins, rel)
			}
		}
		slices.Sort(twins)
		if len(twins) < 4 || strings.Contains(strings.Join(twins, " "), "-2.") {
			t.Errorf("the twin's files: %q", twins)
		}
	}
	o.Close()
	data, err := os.ReadFile(filepath.Join(bdir, bus.OutboxName))
	if err != nil {
		t.Fatal(err)
	}
	box, err := bus.ReadOutbox(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var complete []string
	for _, m := range box.Pending {
		if strings.HasSuffix(m.Topic, "meeting.complete") && !slices.Contains(complete, m.ID) {
			complete = append(complete, m.ID)
		}
	}
	if len(complete) != wantComplete || len(complete) != len(box.Pending)/2 {
		t.Errorf("meeting.complete messages in the outbox: %q of %d messages, want %d", complete, len(box.Pending), wantComplete)
	}
}
