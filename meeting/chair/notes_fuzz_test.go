package chair

import (
	"strings"
	"testing"
	"time"

	"gavel/meeting"
)

// FuzzReplayNote applies any journalled note (a kind and a payload, as a
// damaged or hostile journal may hold) to the tools of a running meeting
// with an agenda and a vote: Replay either refuses it with an error or
// applies it, never panics, and the tools still give one-line texts to
// say within the line budget.
func FuzzReplayNote(f *testing.F) {
	for _, s := range []struct{ kind, text string }{
		{"agenda", `{"k":"agenda","items":[{"Title":"A","URL":"","Timebox":600000000000}],"src":"x.md"}`},
		{"voters", `{"k":"voters","members":["alice","bob"]}`},
		{"voters", `{"k":"voters","members":["a b","#x"]}`},
		{"quorum", `{"k":"quorum","pct":50}`},
		{"quorum", `{"k":"quorum","n":-3}`},
		{"timebox", `{"k":"timebox","box":-1}`},
		{"next", `{"k":"next"}`},
		{"skip", `{"k":"skip","n":99}`},
		{"done", `{"k":"done","n":1}`},
		{"previous", `{"k":"previous","name":"fuzz","items":[{"Title":"\u0000x"}],"actions":["a\nb"]}`},
		{"accounts", `{"k":"accounts","nick":"alice","members":["x"]}`},
		{"agenda", `not json`},
	} {
		f.Add(s.kind, s.text)
	}
	f.Fuzz(func(t *testing.T, kind, text string) {
		v := newTally(t, Votes{})
		v.tl.Command("agenda", "add First [5m]", v.e, t0)
		v.say("chair: #topic First", "chair: #startvote Ship? +1, -1", "alice: #vote +1")
		if err := v.tl.Replay(meeting.Note{Time: t0, Kind: kind, Text: text}, v.e); err != nil {
			return
		}
		v.say("bob: #vote -1", "chair: #endvote")
		out := v.tl.Tick(t0.Add(time.Hour))
		if r, _, ok := v.tl.Vote(); ok {
			out.Say = append(out.Say, r.Agreed)
		}
		r, q := v.tl.Electorate()
		out.Say = append(out.Say, VotersLines(r, q)...)
		for _, l := range out.Say {
			if len(l) > LineBytes+len("#info Voters (cont.): ") || strings.ContainsAny(l, "\r\n\x00") {
				t.Fatalf("a line to say: %q", l)
			}
		}
	})
}
