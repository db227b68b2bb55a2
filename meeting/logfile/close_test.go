package logfile

import (
	"errors"
	"runtime/debug"
	"strings"
	"testing"
	"unsafe"

	"gavel/meeting"
)

// TestCloseGivesTheMemoryBack: a closed Reader's log bytes and messages
// are zeroed (what was kept by mistake reads as NULs, never as another
// log's words), the next Reader of a log no bigger reads into the same
// memory, and a closed Reader reads no more.
func TestCloseGivesTheMemoryBack(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(-1)) // a collection may empty the pools
	first := "18:00:01 <nirik> #startmeeting first\n18:00:02 <smooge> hello there\n18:00:03 <nirik> #endmeeting\n"
	second := "09:00:01 <kevin> #startmeeting second\n09:00:02 <adamw> hi\n"
	read := func(log string) (*Reader, []*meeting.Message) {
		rd, err := NewReader(strings.NewReader(log), Options{Format: MeetBot})
		if err != nil {
			t.Fatal(err)
		}
		var msgs []*meeting.Message
		for {
			ev, err := rd.NextShared()
			if err != nil {
				break
			}
			msgs = append(msgs, ev.(*meeting.Message))
		}
		return rd, msgs
	}
	rd, msgs := read(first)
	if len(msgs) != 3 || msgs[1].Nick != "smooge" || msgs[1].Text != "hello there" {
		t.Fatalf("read %+v", msgs)
	}
	nick, text := msgs[1].Nick, msgs[1].Text // kept by mistake
	head := unsafe.SliceData(rd.head)
	rd.Close()
	if nick != "\x00\x00\x00\x00\x00\x00" || text != strings.Repeat("\x00", len("hello there")) {
		t.Errorf("after Close a kept nick reads %q and a text %q, not NULs", nick, text)
	}
	if *msgs[0] != (meeting.Message{}) {
		t.Errorf("after Close a kept message is %+v, not zero", *msgs[0])
	}
	if _, err := rd.Next(); !errors.Is(err, ErrClosed) {
		t.Errorf("Next after Close: %v", err)
	}
	rd.Close() // twice is harmless

	rd2, msgs2 := read(second)
	defer rd2.Close()
	if unsafe.SliceData(rd2.head) != head {
		t.Errorf("the next log was not read into the memory the first gave back")
	}
	if len(msgs2) != 2 || msgs2[0].Nick != "kevin" || msgs2[1].Text != "hi" {
		t.Errorf("the next log reads %+v", msgs2)
	}
}
