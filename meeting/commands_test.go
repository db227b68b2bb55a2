package meeting

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCommandTableIsTheOneList: #commands answers from the command table
// (zodbot's own list in zodbot style, every command in the default
// style), and CommandTable offers every command once, what chairs type
// most first.
func TestCommandTableIsTheOneList(t *testing.T) {
	zodbot := "#accept #accepted #action #agree #agreed #chair #commands #endmeeting #halp #help #idea #info #link #lurk #meetingname #meetingtopic #nick #rejected #restrictlogs #save #startmeeting #topic #unchair #undo #unlurk"
	for _, tc := range []struct {
		style Style
		want  string
	}{
		{StyleZodbot, zodbot},
		{StyleDefault, strings.Join(Commands(), " ")},
	} {
		e := NewEngine(Options{Style: tc.style, Channel: "#meet"})
		at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
		e.Handle(Message{Time: at, Nick: "chair", Text: "#startmeeting Weekly"})
		var said []string
		for _, eff := range e.Handle(Message{Time: at.Add(time.Second), Nick: "alice", Text: "#commands"}) {
			if eff.Kind == EffectSay {
				said = append(said, eff.Text)
			}
		}
		if len(said) != 1 || said[0] != "Available commands: "+tc.want {
			t.Errorf("%s #commands said %q", tc.style, said)
		}
	}
	table := CommandTable()
	var names []string
	for _, c := range table {
		names = append(names, "#"+c.Name)
	}
	if got := names[:3]; !slices.Equal(got, []string{"#topic", "#info", "#action"}) {
		t.Errorf("offered first: %v", got)
	}
	sorted := slices.Clone(names)
	slices.Sort(sorted)
	if !slices.Equal(sorted, Commands()) || len(slices.Compact(sorted)) != len(names) {
		t.Errorf("the table offers %v, the engine knows %v", names, Commands())
	}
	for _, c := range table {
		if c.Help == "" {
			t.Errorf("#%s has no help", c.Name)
		}
	}
}

// TestCommandsOfTheOtherStyleAreOrdinaryLines: a default-style command in
// a zodbot-style meeting is an ordinary line (MeetBot 0.1.4 has no votes),
// and an unknown command does nothing.
func TestCommandsOfTheOtherStyleAreOrdinaryLines(t *testing.T) {
	e := NewEngine(Options{Style: StyleZodbot, Channel: "#meet"})
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	e.Handle(Message{Time: at, Nick: "chair", Text: "#startmeeting Weekly"})
	for _, text := range []string{"#startvote Lunch? pizza, soup", "#vote pizza", "#reject it", "#frobnicate now"} {
		for _, eff := range e.Handle(Message{Time: at, Nick: "chair", Text: text}) {
			if eff.Kind == EffectSay {
				t.Errorf("%q answered %q in zodbot style", text, eff.Text)
			}
		}
	}
	if n := len(e.Meeting().Items); n != 0 {
		t.Errorf("%d items from commands zodbot does not have", n)
	}
}
