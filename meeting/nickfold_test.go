package meeting

import (
	"strings"
	"testing"
)

// TestNamesCompareByChannel: an IRC channel's meeting compares names as
// the fold given (its server's CASEMAPPING, rfc1459 in replay); a Matrix
// room's compares them exactly whatever fold is given, live and replayed
// alike, so "Alice" is no chair as "ALICE" there. Attendees are told
// apart exactly in both.
func TestNamesCompareByChannel(t *testing.T) {
	tests := []struct {
		channel string
		chair   bool // Alice chairs after "#chair ALICE"
		people  int  // attendees after Alice and alice spoke
	}{
		{"#fedora-meeting", true, 4},
		{"#fedora-meeting:fedora.im", false, 4},
		{"!AbCdEf:fedora.im", false, 4},
	}
	for _, tt := range tests {
		t.Run(tt.channel, func(t *testing.T) {
			e := NewEngine(Options{Channel: tt.channel, Fold: strings.ToLower})
			at := t0
			msg := func(nick, text string) {
				e.Handle(Message{Time: at, Nick: nick, Text: text})
				at = at.Add(1e9)
			}
			msg("Chair", "#startmeeting names")
			msg("Chair", "#chair ALICE")
			msg("Alice", "#topic mine")
			msg("alice", "hello")
			m := e.Meeting()
			if got := m.IsChair("Alice"); got != tt.chair {
				t.Errorf("IsChair(Alice) = %v, want %v", got, tt.chair)
			}
			if got := len(m.Topics()) == 1; got != tt.chair {
				t.Errorf("Alice's #topic made an item: %v, want %v", got, tt.chair)
			}
			if len(m.Attendees) != tt.people {
				t.Errorf("attendees %v, want %d", m.Attendees, tt.people)
			}
		})
	}
}

func TestNickFold(t *testing.T) {
	if NickFold("#room:example.org", strings.ToLower) != nil {
		t.Error("a Matrix room's names are folded")
	}
	if f := NickFold("#room", strings.ToLower); f == nil || f("ALICE") != "alice" {
		t.Error("an IRC channel's names are not folded as its server folds them")
	}
}
