package meeting

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// FuzzCommand feeds arbitrary lines, split on "\n" and said by two nicks in
// turn, to an engine in each style, after a #startmeeting. Nothing may
// panic, every logged line is numbered in order, and names stay safe.
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
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, script string) {
		for _, style := range []Style{StyleDefault, StyleZodbot} {
			e := NewEngine(Options{Style: style, Channel: "#c"})
			at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
			e.Handle(Message{Time: at, Nick: "chair", Text: "#startmeeting fuzz"})
			want := 1
			for i, line := range strings.Split(script, "\n") {
				nick := "chair"
				if i%2 == 1 {
					nick = "bob"
				}
				for _, eff := range e.Handle(Message{Time: at, Nick: nick, Text: line}) {
					if eff.Kind == EffectLog {
						want++
						if eff.Line.N != want {
							t.Fatalf("line numbered %d, want %d", eff.Line.N, want)
						}
						if style == StyleDefault && (PlainText(eff.Line.Text) != eff.Line.Text || PlainText(eff.Line.Nick) != eff.Line.Nick) {
							t.Fatalf("default style logs %q by %q, not plain text", eff.Line.Text, eff.Line.Nick)
						}
						if style == StyleZodbot && PyDecodeUTF8(eff.Line.Text) != eff.Line.Text {
							t.Fatalf("zodbot style logs %q, not decoded", eff.Line.Text)
						}
					}
				}
			}
			m := e.Meeting()
			if m == nil {
				continue
			}
			for _, st := range m.Stubs {
				if st.Lines < 1 || st.Lines > m.LineCount {
					t.Fatalf("stub %+v outside 1..%d", st, m.LineCount)
				}
			}
			if rb := filepath.FromSlash(m.RelBase()); !filepath.IsLocal(rb) {
				t.Fatalf("RelBase %q leaves the root", rb)
			}
		}
	})
}
