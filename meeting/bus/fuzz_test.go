package bus

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"reflect"
	"testing"
)

// FuzzReadOutbox: whatever the file holds, the reader does not panic,
// returns only well-formed messages, once each, none of them acknowledged,
// and what it returns survives being written and read again unchanged.
// A line that starts with '~' gets a correct checksum in its place, so that
// the fuzzer reaches the JSON and the checks behind the checksum.
func FuzzReadOutbox(f *testing.F) {
	f.Add(encodeLines(f, msgRec(1), msgRec(2), ackRec(1)))
	f.Add(append(encodeLines(f, msgRec(1)), "garbage\n"...))
	f.Add(encodeLines(f, msgRec(1))[:50])
	f.Add([]byte(`~{"k":"msg","id":"3e3f1bb8-52a4-4b6c-9f3e-0c5d0e7a1f22","topic":"meetbot.meeting.start","sent_at":"2024-03-05T16:00:00Z","users":[],"body":{"a":1}}` + "\n"))
	f.Add([]byte(`~{"k":"msg","id":"3e3f1bb8-52a4-4b6c-9f3e-0c5d0e7a1f22","topic":"meetbot.meeting.start","sent_at":"2024-03-05T16:00:00Z","body":{"a":1}}` + "\n" +
		`~{"k":"ack","id":"3e3f1bb8-52a4-4b6c-9f3e-0c5d0e7a1f22"}` + "\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		data = seal(data)
		c, err := ReadOutbox(bytes.NewReader(data))
		var ce *CorruptError
		if err != nil && !errors.As(err, &ce) {
			t.Fatalf("not a CorruptError: %v", err)
		}
		if ce != nil && len(ce.Lines) == 0 {
			t.Fatal("CorruptError with no lines")
		}
		seen := map[string]bool{}
		for _, id := range c.Acked {
			seen[id] = true
		}
		for _, m := range c.Pending {
			if !validID(m.ID) || (m.Topic != TopicStart && m.Topic != TopicComplete) || seen[m.ID] {
				t.Fatalf("bad or repeated pending message %+v", m)
			}
			seen[m.ID] = true
		}
		var b bytes.Buffer
		if err := encodeContents(&b, c); err != nil {
			t.Fatal(err)
		}
		again, err := ReadOutbox(&b)
		if err != nil {
			t.Fatalf("rewritten outbox unreadable: %v", err)
		}
		if !reflect.DeepEqual(normal(again), normal(c)) {
			t.Fatalf("rewriting changed the contents:\n%+v\n%+v", c, again)
		}
	})
}

// FuzzOutboxLosesNothingGood: garbage lines anywhere among good records
// are reported as corrupt, and every good record is still read.
func FuzzOutboxLosesNothingGood(f *testing.F) {
	f.Add([]byte("garbage"), uint8(1))
	f.Add([]byte{0, 0xff, '\n', '{'}, uint8(0))
	f.Add(encodeLines(f, msgRec(7))[:30], uint8(3))
	f.Add([]byte("00000000 {}"), uint8(2))
	good := []record{msgRec(1), msgRec(2), ackRec(1), msgRec(3)}
	want, err := ReadOutbox(bytes.NewReader(encodeLines(f, good...)))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, garbage []byte, at uint8) {
		for _, l := range bytes.Split(garbage, []byte("\n")) {
			if _, err := decodeRecord(l); err == nil {
				t.Skip("the garbage holds a valid record")
			}
		}
		pos := int(at) % (len(good) + 1)
		var data []byte
		for i := 0; i <= len(good); i++ {
			if i == pos {
				data = append(append(data, garbage...), '\n')
			}
			if i < len(good) {
				data = append(data, encodeLines(t, good[i])...)
			}
		}
		c, err := ReadOutbox(bytes.NewReader(data))
		var ce *CorruptError
		if !errors.As(err, &ce) {
			t.Fatalf("garbage not reported: %v", err)
		}
		if !reflect.DeepEqual(normal(c), normal(want)) {
			t.Fatalf("good records lost:\n got %+v\nwant %+v", c, want)
		}
	})
}

// seal puts the right checksum on lines that start with '~'.
func seal(data []byte) []byte {
	lines := bytes.Split(data, []byte("\n"))
	for i, l := range lines {
		if len(l) > 0 && l[0] == '~' {
			lines[i] = fmt.Appendf(nil, "%08x %s", crc32.Checksum(l[1:], castagnoli), l[1:])
		}
	}
	return bytes.Join(lines, []byte("\n"))
}

// normal makes empty and nil slices compare equal, at every level: the
// contents' lists and each message's users and body, which JSON writes
// the same way whether empty or nil ("users" is left out either way, a
// body of null reads back as null).
func normal(c Contents) Contents {
	if len(c.Pending) == 0 {
		c.Pending = nil
	} else {
		ms := make([]Message, len(c.Pending))
		for i, m := range c.Pending {
			if len(m.Users) == 0 {
				m.Users = nil
			}
			if len(m.Body) == 0 {
				m.Body = nil
			}
			ms[i] = m
		}
		c.Pending = ms
	}
	if len(c.Acked) == 0 {
		c.Acked = nil
	}
	return c
}
