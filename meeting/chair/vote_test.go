package chair

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"gavel/meeting"
)

func TestParseVotersFromList(t *testing.T) {
	r, err := ParseVoters(context.Background(), nil, nil, []string{"alice", "bob,carol", "Alice", " dave "})
	if err != nil || !slices.Equal(r.Members, []string{"alice", "bob", "carol", "dave"}) || r.Group != "" {
		t.Fatalf("ParseVoters = %+v, %v", r, err)
	}
	for _, bad := range [][]string{{}, {" , "}, {"#chan"}, {"a:b"}, {"x\x01y"}, {strings.Repeat("n", 65)}} {
		if r, err := ParseVoters(context.Background(), nil, nil, bad); err == nil {
			t.Errorf("ParseVoters(%q) = %+v", bad, r)
		}
	}
	many := make([]string, MaxRoster+1)
	for i := range many {
		many[i] = "n" + string(rune('a'+i/26)) + string(rune('a'+i%26))
	}
	if _, err := ParseVoters(context.Background(), nil, nil, many); err == nil || !strings.Contains(err.Error(), "at most 100") {
		t.Errorf("big roster: %v", err)
	}
	if _, err := ParseVoters(context.Background(), nil, nil, []string{"group:x"}); err == nil {
		t.Error("group without a backend accepted")
	}
}

func TestQuorum(t *testing.T) {
	tests := []struct {
		in   string
		size int
		want int
	}{{"5", 9, 5}, {"50%", 9, 5}, {"50%", 8, 4}, {"100%", 3, 3}, {"34 %", 3, 2}, {"1", 0, 1}}
	for _, tt := range tests {
		q, err := ParseQuorum(tt.in)
		if err != nil || q.Of(tt.size) != tt.want || !q.Set() {
			t.Errorf("ParseQuorum(%q).Of(%d) = %d, %v; want %d", tt.in, tt.size, q.Of(tt.size), err, tt.want)
		}
	}
	for _, bad := range []string{"", "0", "-1", "0%", "101%", "x", "5.5", "1000"} {
		if q, err := ParseQuorum(bad); err == nil {
			t.Errorf("ParseQuorum(%q) = %+v", bad, q)
		}
	}
}

func TestVotersLines(t *testing.T) {
	r := Roster{Members: []string{"alice", "bob", "carol"}}
	if got := VotersLines(r, Quorum{N: 2}); !slices.Equal(got, []string{"#info Voters: alice, bob, carol; quorum 2"}) {
		t.Errorf("N: %q", got)
	}
	if got := VotersLines(r, Quorum{Percent: 50}); !slices.Equal(got, []string{"#info Voters: alice, bob, carol; quorum 2 (50%)"}) {
		t.Errorf("percent: %q", got)
	}
	if got := VotersLines(r, Quorum{}); !slices.Equal(got, []string{"#info Voters: alice, bob, carol"}) {
		t.Errorf("no quorum: %q", got)
	}
	var big Roster
	for i := 0; i < MaxRoster; i++ {
		big.Members = append(big.Members, strings.Repeat(string(rune('a'+i%26)), 10)+string(rune('a'+i/26)))
	}
	lines := VotersLines(big, Quorum{Percent: 50})
	var back []string
	for i, l := range lines {
		if len(l) > LineBytes {
			t.Errorf("line %d has %d bytes", i, len(l))
		}
		l = strings.TrimPrefix(strings.TrimPrefix(l, "#info Voters: "), "#info Voters (cont.): ")
		back = append(back, strings.Split(strings.TrimSuffix(l, "; quorum 50 (50%)"), ", ")...)
	}
	if len(lines) < 3 || !slices.Equal(back, big.Members) || !strings.HasSuffix(lines[len(lines)-1], "; quorum 50 (50%)") {
		t.Errorf("split roster: %d lines %q", len(lines), lines)
	}
}

// tally is a meeting in the default style that "chair" started, whose
// engine counts the ballots, and the tools that read them.
type tally struct {
	e  *meeting.Engine
	tl *Tools
	n  int
}

func newTally(t testing.TB, v Votes) *tally {
	t.Helper()
	tl := New(nil, "#meet", v.Fold)
	x := &tally{e: meeting.NewEngine(meeting.Options{Channel: "#meet", Fold: v.Fold}), tl: tl}
	x.say("chair*: #startmeeting Votes")
	tl.votes.Roster, tl.votes.Quorum = v.Roster, v.Quorum
	return x
}

// say feeds lines "nick[/account][*]: text" (a * marks a chair; only
// "chair" is one) through the engine to the tools, and returns the
// results of the votes they ended.
func (x *tally) say(lines ...string) []*Result {
	var out []*Result
	for _, l := range lines {
		who, text, _ := strings.Cut(l, ": ")
		who = strings.TrimSuffix(who, "*")
		nick, account, _ := strings.Cut(who, "/")
		x.n++
		ev := meeting.Message{Time: t0.Add(time.Duration(x.n) * time.Second), Nick: nick, Account: account, Text: text}
		x.e.Handle(ev)
		var ended *Result
		for _, r := range x.tl.Saw(ev, x.e).Reports {
			if r.Kind == VoteEnded {
				ended = r.Result
			}
		}
		out = append(out, ended)
	}
	return out
}

func (x *tally) rename(old, nick string) {
	x.n++
	ev := meeting.NickChange{Time: t0.Add(time.Duration(x.n) * time.Second), Old: old, New: nick}
	x.e.Handle(ev)
	x.tl.Saw(ev, x.e)
}

// progress is the running vote's result so far.
func (x *tally) progress() (Result, bool) {
	r, running, _ := x.tl.Vote()
	return r, running
}

func TestVoteWithRosterAndQuorum(t *testing.T) {
	roster, err := ParseVoters(context.Background(), nil, nil, []string{"alice bob carol dave erin frank"})
	if err != nil {
		t.Fatal(err)
	}
	v := newTally(t, Votes{Roster: roster, Quorum: Quorum{Percent: 60}}) // 4 of 6
	v.say("bob: #startvote Not a chair? +1, 0, -1")                      // ignored: not a chair
	if _, running := v.progress(); running {
		t.Fatal("a vote started by someone who is not a chair")
	}
	v.say(
		"chair*: #startvote Ship F41 on time? +1, 0, -1",
		"alice: #vote +1",
		"bob: #vote -1",
		"bob: #vote \x02+1\x02",     // last ballot counts; formatting as the engine strips it
		"carol_away/carol: #vote 0", // a roster member by account
		"mallory: #vote +1",         // not on the roster
		"dave: #vote +2",            // not an option
		"erin: +1",                  // not a #vote line
	)
	p, ok := v.progress()
	if !ok || !slices.Equal(p.Missing, []string{"dave", "erin", "frank"}) || p.Voted != 3 || p.QuorumMet {
		t.Errorf("progress %+v", p)
	}
	v.say("dave: #vote -1")
	end := v.say("chair*: #endvote")[0]
	if end == nil {
		t.Fatal("#endvote ended no vote")
	}
	r := *end
	want := Result{Question: "Ship F41 on time?", Summary: "(+2, 1, -1)", Yes: 2, Abstain: 1, No: 1, Signed: true, HasRoster: true,
		Voted: 4, Quorum: 4, QuorumMet: true, Agreed: "#agreed Ship F41 on time? (+2, 1, -1)"}
	if r.Question != want.Question || r.Summary != want.Summary || r.Yes != 2 || r.Abstain != 1 || r.No != 1 || !r.Signed ||
		r.Voted != 4 || r.Quorum != 4 || !r.QuorumMet || r.Agreed != want.Agreed {
		t.Errorf("result %+v", r)
	}
	if !slices.Equal(r.Missing, []string{"erin", "frank"}) || !slices.Equal(r.Outside, []string{"mallory"}) ||
		!slices.Equal(r.Voters[0], []string{"alice", "bob"}) || !slices.Equal(r.Voters[1], []string{"carol"}) {
		t.Errorf("who: missing %q outside %q voters %q", r.Missing, r.Outside, r.Voters)
	}
	if _, running := v.progress(); running {
		t.Error("still running after #endvote")
	}
	v.say("alice: #vote +1")
	if r, running, _ := v.tl.Vote(); running || r.Voted != 4 {
		t.Errorf("a vote after the end counted: %+v", r)
	}
}

func TestVoteWithoutRoster(t *testing.T) {
	v := newTally(t, Votes{Quorum: Quorum{N: 3}})
	v.say("chair*: #startvote Which day? Monday, Tuesday",
		"alice: #vote monday", "bob: #vote Tuesday", "Alice: #vote tuesday")
	r, _ := v.progress()
	if r.Signed || r.Summary != "(Monday: 0, Tuesday: 2)" || r.Voted != 2 || r.QuorumMet || r.Quorum != 3 || r.HasRoster || r.Missing != nil {
		t.Errorf("progress %+v", r)
	}
	ev := v.say("carol: #vote monday", "chair*: #endmeeting")
	r = *ev[1]
	if r.Summary != "(Monday: 1, Tuesday: 2)" || !r.QuorumMet || r.Agreed != "#agreed Which day? (Monday: 1, Tuesday: 2)" {
		t.Errorf("result %+v", r)
	}
	// Default options, as the engine gives them.
	v = newTally(t, Votes{Quorum: Quorum{N: 3}})
	v.say("chair*: #startvote Ship it?", "a: #vote yes", "b: #vote NO", "c: #vote no")
	if r := v.say("chair*: #endvote")[0]; r == nil || r.Summary != "(+1, 0, -2)" || !r.Signed {
		t.Errorf("yes/no: %+v", r)
	}
	v.tl.votes.Quorum = Quorum{Percent: 50}
	v.say("chair*: #startvote Q? +1, -1", "a: #vote +1")
	if r := v.say("chair*: #endvote")[0]; r == nil || r.QuorumMet {
		t.Errorf("a percentage quorum without a roster was met: %+v", r)
	}
	v.say("chair*: #startvote no question mark")
	if _, running := v.progress(); running {
		t.Error("a #startvote without a question started a vote")
	}
}

func TestVoteRenameAndLongQuestion(t *testing.T) {
	v := newTally(t, Votes{})
	v.say("chair*: #startvote "+strings.Repeat("Very long question ", 30)+"? +1, 0, -1", "guest: #vote +1")
	v.rename("guest", "guest2")
	v.say("guest2: #vote -1")
	r := *v.say("chair*: #endvote")[0]
	if r.Summary != "(+0, 0, -1)" || len(r.Agreed) > LineBytes || !strings.HasSuffix(r.Agreed, "… (+0, 0, -1)") {
		t.Errorf("result %q %q", r.Summary, r.Agreed)
	}
}
