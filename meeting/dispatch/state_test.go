package dispatch

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gavel/meeting/outbox"
)

// TestHeldUntilApproved: without auto the deliveries wait for the chair,
// across a restart, and go on Approve; a meeting handed over again is
// planned once.
func TestHeldUntilApproved(t *testing.T) {
	f := newFakeDiscourse(t)
	srv := startSMTP(t, smtpBehaviour{})
	start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	m, files := runMeeting(t, t.TempDir(), "#chan", start, standardLines("")...)
	s := Settings{Email: plainSettings(srv.port), Discourse: discourseSettings(f)}
	dir := t.TempDir()
	evs := newEvents()
	d := open(t, dir, s, evs)
	fresh, err := d.Plan("#chan", m, files)
	if err != nil || len(fresh) != 2 {
		t.Fatalf("planned %d: %v", len(fresh), err)
	}
	if again, err := d.Plan("#chan", m, files); err != nil || len(again) != 0 {
		t.Fatalf("planned twice: %v %v", again, err)
	}
	if st := d.Status(); st.Held != 2 || !strings.Contains(st.String(), "2 to send (/dispatch)") {
		t.Fatalf("status %+v %q", st, st)
	}
	time.Sleep(200 * time.Millisecond)
	if srv.received() != 0 || f.posts != 0 {
		t.Fatal("sent without the chair's word")
	}
	d.Close()
	d = open(t, dir, s, evs)
	if held := d.Held(); len(held) != 2 || held[0].Kind != KindEmail || held[1].Kind != KindDiscourse {
		t.Fatalf("held after a restart: %+v", held)
	}
	if again, _ := d.Plan("#chan", m, files); len(again) != 0 {
		t.Fatal("planned again after a restart")
	}
	if n, err := d.Approve(); n != 2 || err != nil {
		t.Fatalf("Approve: %d %v", n, err)
	}
	evs.wait(t, Sent, 10*time.Second)
	evs.wait(t, Sent, 10*time.Second)
	if srv.received() != 1 || f.posts != 1 || d.Status().String() != "" {
		t.Fatalf("%d mails, %d posts, status %q", srv.received(), f.posts, d.Status())
	}
}

// TestCorruptOutboxKeptAside: a damaged line is reported, the file kept
// aside, and every good delivery goes on.
func TestCorruptOutboxKeptAside(t *testing.T) {
	srv := startSMTP(t, smtpBehaviour{})
	start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	m, files := runMeeting(t, t.TempDir(), "#chan", start, standardLines("")...)
	s := Settings{Email: plainSettings(srv.port)}
	dir := t.TempDir()
	d := open(t, dir, s, nil)
	if _, err := d.Plan("#chan", m, files); err != nil {
		t.Fatal(err)
	}
	d.Close()
	path := filepath.Join(dir, OutboxName)
	data, _ := os.ReadFile(path)
	os.WriteFile(path, append([]byte("garbage line\n"), data...), 0o600)
	d2, err := Open(Config{Dir: dir, Settings: func(string) Settings { return s }})
	var ce *outbox.CorruptError
	if !errors.As(err, &ce) || d2 == nil {
		t.Fatalf("Open: %v", err)
	}
	defer d2.Close()
	if len(d2.Held()) != 1 {
		t.Fatalf("held %+v", d2.Held())
	}
	aside, _ := filepath.Glob(path + ".corrupt-*")
	if len(aside) != 1 {
		t.Fatalf("kept aside: %v", aside)
	}
}

// FuzzReadOutbox: whatever the file holds, the reader does not panic,
// returns each delivery once with a valid plan, never one it knows was
// sent, and its rewrite reads back the same. A line starting with '~'
// gets a correct checksum.
func FuzzReadOutbox(f *testing.F) {
	plan := fmt.Sprintf(`{"k":"plan","id":"%[1]s","d":{"id":"%[1]s","kind":"discourse","channel":"#c","meeting":"m","start":"2026-03-05T16:00:00Z","dest":"forum x","summary":"s","planned":"2026-03-05T16:10:00Z","discourse":{"site":"https://x","title":"t","raw":"r","external_id":"gavel-1"}}}`, strings.Repeat("a", 32))
	id := strings.Repeat("a", 32)
	f.Add([]byte("~" + plan + "\n"))
	f.Add([]byte("~" + plan + "\n~{\"k\":\"go\",\"id\":\"" + id + "\"}\n~{\"k\":\"try\",\"id\":\"" + id + "\"}\n~{\"k\":\"commit\",\"id\":\"" + id + "\"}\n"))
	f.Add([]byte("~" + plan + "\n~{\"k\":\"go\",\"id\":\"" + id + "\"}\n~{\"k\":\"refused\",\"id\":\"" + id + "\",\"err\":\"550\"}\n~{\"k\":\"retry\",\"id\":\"" + id + "\"}\n"))
	f.Add([]byte("~{\"k\":\"done\",\"id\":\"" + id + "\"}\n~" + plan + "\n"))
	f.Add([]byte("~" + plan + "\ngarbage\n~{\"k\":\"done\",\"id\":\"" + id + "\"}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		data = seal(data)
		c, err := ReadOutbox(bytes.NewReader(data))
		var ce *outbox.CorruptError
		if err != nil && !errors.As(err, &ce) {
			t.Fatalf("not a CorruptError: %v", err)
		}
		done := map[string]bool{}
		for _, id := range c.Done {
			done[id] = true
		}
		seen := map[string]bool{}
		for _, e := range c.Entries {
			if seen[e.d.ID] || done[e.d.ID] || e.state == Sent {
				t.Fatalf("delivery %s twice, or sent", e.d.ID)
			}
			seen[e.d.ID] = true
			if (record{Kind: "plan", ID: e.d.ID, Delivery: &e.d}).check() != nil {
				t.Fatalf("bad delivery %+v", e.d)
			}
		}
		var b bytes.Buffer
		if err := c.encode(&b); err != nil {
			t.Fatal(err)
		}
		again, err := ReadOutbox(&b)
		if err != nil {
			t.Fatalf("rewritten outbox unreadable: %v", err)
		}
		if !reflect.DeepEqual(summary(again), summary(c)) {
			t.Fatalf("rewriting changed the contents:\n%v\n%v", summary(c), summary(again))
		}
	})
}

func summary(c Contents) []string {
	var out []string
	for _, id := range c.Done {
		out = append(out, "done "+id)
	}
	for _, e := range c.Entries {
		out = append(out, fmt.Sprintf("%s %s %d %q", e.d.ID, e.state, e.attempts, e.lastErr))
	}
	return out
}

// seal puts the right checksum on lines that start with '~'.
func seal(data []byte) []byte {
	lines := bytes.Split(data, []byte("\n"))
	for i, l := range lines {
		if len(l) > 0 && l[0] == '~' {
			lines[i] = fmt.Appendf(nil, "%08x %s", outbox.Checksum(l[1:]), l[1:])
		}
	}
	return bytes.Join(lines, []byte("\n"))
}

// TestDiskRefusesThePlan: when the outbox cannot be written the meeting's
// deliveries are kept in memory, said, never sent unsaved, and written
// and sent once the disk takes them again.
func TestDiskRefusesThePlan(t *testing.T) {
	srv := startSMTP(t, smtpBehaviour{})
	start := time.Date(2026, 3, 5, 16, 0, 0, 0, time.UTC)
	m, files := runMeeting(t, t.TempDir(), "#chan", start, standardLines("")...)
	dir := t.TempDir()
	evs := newEvents()
	d := open(t, dir, Settings{Auto: true, Email: plainSettings(srv.port)}, evs)
	// The disk goes away under the outbox: its file is closed.
	d.mu.Lock()
	d.file.Close()
	d.mu.Unlock()
	fresh, err := d.Plan("#chan", m, files)
	if err == nil || !strings.Contains(err.Error(), "kept in memory") || len(fresh) != 1 {
		t.Fatalf("Plan on a dead disk: %d, %v", len(fresh), err)
	}
	time.Sleep(300 * time.Millisecond)
	if srv.received() != 0 {
		t.Fatal("sent before it was on disk")
	}
	// The disk is back: the outbox file opens again (empty: nothing
	// else was in it), and the sender writes the plan before it sends.
	d.mu.Lock()
	file, _, oerr := outbox.Open(dir, OutboxName)
	if oerr == nil {
		d.file = file
		oerr = file.Rewrite(func(io.Writer) error { return nil })
	}
	d.mu.Unlock()
	if oerr != nil {
		t.Fatal(oerr)
	}
	d.poke()
	evs.wait(t, Sent, 10*time.Second)
	if srv.received() != 1 {
		t.Fatalf("%d copies", srv.received())
	}
	d.Close()
	data, _ := os.ReadFile(filepath.Join(dir, OutboxName))
	c, err := ReadOutbox(bytes.NewReader(data))
	if err != nil || len(c.Entries) != 0 || len(c.Done) != 1 {
		t.Fatalf("outbox after: %+v %v", c, err)
	}
}
