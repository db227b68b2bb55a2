package journal

import (
	"bytes"
	"testing"
	"time"

	"gavel/meeting"
)

// FuzzParse: any bytes parse without a panic, and a good record written
// after them (on a line of its own) is always read back, whatever damage
// comes before it.
func FuzzParse(f *testing.F) {
	var good []byte
	for i, text := range []string{"#startmeeting x", "#info \xff <b>", "hello"} {
		good, _ = appendRecord(good, uint64(i+1), meeting.Message{Time: time.Unix(int64(i), 0).UTC(), Nick: "a", Text: text})
	}
	good, _ = appendPayload(good, 4, placedRecord(Placed{Channel: "#Meet", Name: "x\xff", Path: "meet/2026-11-24/x-2.2026-11-24-18.00"}))
	f.Add(good)
	f.Add(append(bytes.Clone(good[:30]), good[40:]...))
	f.Add([]byte(`{"k":"msg","t":"2026-11-24T18:00:00Z","n":"a","x":"legacy"}` + "\n"))
	f.Add(make([]byte, 64))
	f.Add([]byte("00000005 00000000 {}\n"))
	want := meeting.Message{Time: time.Unix(99, 0).UTC(), Nick: "last", Text: "the record after the damage"}
	tail, _ := appendRecord(nil, 1<<40, want)
	f.Fuzz(func(t *testing.T, data []byte) {
		p := parse(data)
		if p.good > int64(len(data)) || p.unreadable < 0 {
			t.Fatalf("parse: good %d of %d, %d unreadable", p.good, len(data), p.unreadable)
		}
		in := append(append(bytes.Clone(data), '\n'), tail...)
		p = parse(in)
		if len(p.events) == 0 || p.events[len(p.events)-1] != meeting.Event(want) {
			t.Fatalf("the good record after %q is lost: %v", data, p.events)
		}
	})
}
