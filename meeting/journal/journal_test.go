package journal

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"gavel/meeting"
)

var at = time.Date(2026, 11, 24, 18, 0, 0, 0, time.UTC)

func TestRoundTrip(t *testing.T) {
	path := Path(t.TempDir(), "#Fedora-Meeting")
	j, old, err := Open(path)
	if err != nil || len(old) != 0 {
		t.Fatalf("open: %v %v", old, err)
	}
	events := []meeting.Event{
		meeting.Message{Time: at, Nick: "nirik", Account: "kevin", Text: "#startmeeting x <b>&"},
		meeting.Message{Time: at.Add(time.Second), Nick: "pingou", Text: "here", Action: true},
		meeting.NickChange{Time: at, Old: "pingou", New: "pingou_"},
		meeting.TopicChange{Time: at, Nick: "nirik", Topic: "t"},
		meeting.Join{Time: at, Nick: "a"},
		meeting.Part{Time: at, Nick: "a", Reason: "bye"},
		meeting.Quit{Time: at, Nick: "b", Reason: "gone"},
	}
	for _, ev := range events {
		if err := j.Append(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Sync(); err != nil {
		t.Fatal(err)
	}
	// No Close: the process "dies" here.
	j2, got, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer j2.Close()
	if !reflect.DeepEqual(got, events) {
		t.Fatalf("read back\n%v\nwant\n%v", got, events)
	}
}

func TestTornTailIsDroppedAndAppendingContinues(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.journal")
	j, _, _ := Open(path)
	j.Append(meeting.Message{Time: at, Nick: "a", Text: "one"})
	j.Close()
	f, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"k":"msg","t":"2026-11-24T18:00:00Z","n":"a","x":"tw`)
	f.Close()

	j, got, err := Open(path)
	if err != nil || len(got) != 1 {
		t.Fatalf("got %v, %v", got, err)
	}
	j.Append(meeting.Message{Time: at, Nick: "a", Text: "two"})
	j.Close()
	_, got, _ = Open(path)
	if len(got) != 2 || got[1].(meeting.Message).Text != "two" {
		t.Fatalf("after torn tail: %v", got)
	}
}

func TestReset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.journal")
	j, _, _ := Open(path)
	j.Append(meeting.Message{Time: at, Nick: "a", Text: "one"})
	j.Sync()
	if err := j.Reset(); err != nil {
		t.Fatal(err)
	}
	j.Append(meeting.Message{Time: at, Nick: "a", Text: "next meeting"})
	j.Close()
	_, got, _ := Open(path)
	if len(got) != 1 || got[0].(meeting.Message).Text != "next meeting" {
		t.Fatalf("after reset: %v", got)
	}
}

func TestPathIsSafe(t *testing.T) {
	dir := t.TempDir()
	p := Path(dir, "#../../etc")
	if filepath.Dir(p) != dir {
		t.Fatalf("Path escaped %s: %s", dir, p)
	}
}

func BenchmarkAppendSync(b *testing.B) {
	j, _, err := Open(filepath.Join(b.TempDir(), "c.journal"))
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	ev := meeting.Message{Time: at, Nick: "nirik", Text: "a typical line of a meeting, about sixty bytes long"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		j.Append(ev)
		if i%64 == 63 { // one sync per coalesced batch
			j.Sync()
		}
	}
}
