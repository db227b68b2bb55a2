package meeting

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzCommand feeds arbitrary lines, split on "\n" and said by two nicks in
// turn, to an engine in each style, after a #startmeeting. Nothing may
// panic, every logged line is numbered in order, a line the engine says is
// plain text is, and names stay safe.
func FuzzCommand(f *testing.F) {
	for _, s := range []string{
		"#topic x\n#info y\n#undo\n#undo\n#endmeeting",
		"#chair a, b\n#unchair a\n#meetingname ../../etc\n#save",
		"#startvote Q? a/b\n#vote A\n#showvote\n#endvote",
		"http://x\n#link y https://z\n#action a to b\n#nick q,r",
		"#meetingtopic none\n#restrictlogs\n#lurk\n#topic q\n#unlurk\n#commands",
		"#\x02topic\x02 x\n\xff\xfe\n#TOPIC Up\n#startmeeting again",
		"ACTIONS due\n#info caf\xc3\xa9\n#undo\n#restrictlogs\n#meetingname 100%c/%x\n#meetingname\n#save",
		"#chair \xc2\xa0Bob,\xc2\xa0eve\n#unchair Bob, eve\n#meetingtopic \x1cnone\x1c\n\x01#topic ctcp\x01",
		"esc\x1b[2J\x07\n#info \x9b\xc2\x9bc1\n#link \xe2\x82 http://x",
		"!info a\n!t b\n!idea c\n!agreed d\n!sm e\n!em\n!mn f\n!info g\n!halp h\n!rejected i",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		for _, d := range []Dialect{DialectMeetBot, DialectFedora} {
			for _, style := range []Style{StyleDefault, StyleZodbot} {
				fuzzScript(t, style, d, script)
			}
		}
	})
}

// fuzzScript runs one script: its lines said by two nicks in turn (every
// fourth an edit of an earlier line, every seventh the redaction of one;
// a moderator by power level among them).
func fuzzScript(t *testing.T, style Style, d Dialect, script string) {
	e := NewEngine(Options{Style: style, Channel: "#c", Dialect: d, Moderator: func(n, _ string) bool { return n == "bob" }})
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	e.Handle(Message{Time: at, Nick: "chair", Text: string(d.Prefix()) + "startmeeting fuzz"})
	want := 1
	for i, line := range strings.Split(script, "\n") {
		nick := "chair"
		if i%2 == 1 {
			nick = "bob"
		}
		var ev Event = Message{Time: at, Nick: nick, Text: line, ID: fmt.Sprintf("$%d", i/3), Part: i % 3}
		switch {
		case i%4 == 3:
			ev = Edit{Time: at, Nick: nick, ID: fmt.Sprintf("$%d", i/5), Text: line}
		case i%7 == 6:
			ev = Redaction{Time: at, Nick: nick, ID: fmt.Sprintf("$%d", i/4)}
		case i%11 == 10:
			ev = NickChange{Time: at, Old: nick, New: line}
		}
		for _, eff := range e.Handle(ev) {
			if eff.Kind == EffectLog {
				want++
				if eff.Line.N != want {
					t.Fatalf("line numbered %d, want %d", eff.Line.N, want)
				}
				if style == StyleDefault && (PlainText(eff.Line.Text) != eff.Line.Text || PlainText(eff.Line.Nick) != eff.Line.Nick) {
					t.Fatalf("default style logs %q by %q, not plain text", eff.Line.Text, eff.Line.Nick)
				}
				if eff.Line.IsPlain() && (style != StyleDefault || PlainText(eff.Line.NewNick) != eff.Line.NewNick) {
					t.Fatalf("%s style logs %+v as plain text", style, eff.Line)
				}
				if style == StyleZodbot && PyDecodeUTF8(eff.Line.Text) != eff.Line.Text {
					t.Fatalf("zodbot style logs %q, not decoded", eff.Line.Text)
				}
			}
		}
	}
	m := e.Meeting()
	if m == nil {
		return
	}
	for _, st := range m.Stubs {
		if st.Lines < 1 || st.Lines > m.LineCount {
			t.Fatalf("stub %+v outside 1..%d", st, m.LineCount)
		}
	}
	if rb := filepath.FromSlash(m.RelBase()); !filepath.IsLocal(rb) {
		t.Fatalf("RelBase %q leaves the root", rb)
	}
	for _, it := range m.Items {
		if it.Line < 1 || it.Line > m.LineCount {
			t.Fatalf("item %+v outside 1..%d", it, m.LineCount)
		}
	}
}
