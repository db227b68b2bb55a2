package journal

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
	"time"
	"unicode/utf8"

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

// FuzzRecordJSON: the journal's own JSON encoder (appendJSON, on the path
// of every live line) gives what encoding/json reads back as the record
// it was given, as encoding/json's own encoding does, for any texts
// (invalid UTF-8, control and quote characters, U+2028) and times; a time
// encoding/json refuses is refused too.
func FuzzRecordJSON(f *testing.F) {
	f.Add(uint64(7), "msg", int64(1764612000), uint32(123456789), "nirik", "kevin", "#info \"quoted\" \\ <b>&", false, "", "", "", "")
	f.Add(uint64(0), "nick", int64(-62167219201), uint32(0), "a\x00\x1f", "", "\xff\xfe", true, "b\u2028\u2029", "", "", "")
	f.Add(uint64(1<<63), "path", int64(253402300800), uint32(1), "", "", "", false, "", "#Meet\x7f", "caf\xe9", "meet/2026-11-24/x-2.2026-11-24-18.00")
	f.Add(uint64(3), "topic", int64(0), uint32(999999999), "\t\n\r", "é", "日本", false, "\x01ACTION\x01", "", "", "")
	f.Fuzz(func(t *testing.T, seq uint64, kind string, secs int64, nsec uint32, nick, account, text string, action bool, newNick, channel, name, path string) {
		in := record{Seq: seq, Kind: kind, Time: time.Unix(secs, int64(nsec%1e9)).UTC(), Nick: nick, Account: account, Text: text, Action: action,
			New: newNick, Channel: channel, Name: name, Path: path}.lossless()
		if utf8.ValidString(account) {
			// A network's message ID (valid UTF-8, as Matrix's JSON gives
			// it), a part and a line number, from the fuzzer's values.
			in.ID, in.Self, in.Part, in.Line = account, kind, int(seq%7), int(nsec%1000)
		}
		if !utf8.ValidString(kind) {
			return // the kinds are the journal's own words
		}
		ours, err := appendJSON(nil, in)
		theirs, merr := json.Marshal(in)
		if (err != nil) != (merr != nil) {
			t.Fatalf("appendJSON error %v, encoding/json error %v", err, merr)
		}
		if err != nil {
			return
		}
		var got, want record
		if err := json.Unmarshal(ours, &got); err != nil {
			t.Fatalf("%s: %v", ours, err)
		}
		if err := json.Unmarshal(theirs, &want); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) || !got.Time.Equal(in.Time) || got.raw().Text != text || got.raw().Path != path {
			t.Fatalf("appendJSON gave %s\nread back %+v\nencoding/json's %+v", ours, got, want)
		}
		framed, err := appendFramed([]byte("x"), in)
		if err != nil {
			t.Fatal(err)
		}
		if rec, n, ok := frameAt(framed[1:]); !ok || n != len(framed)-1 || !reflect.DeepEqual(rec, want) {
			t.Fatalf("the framed record %q reads back as %+v, %v", framed, rec, ok)
		}
	})
}
