package meeting

import "testing"

// The bus announces who ended a meeting (meetbot-messages' end_user).
func TestEndedByIsWhoRanEndmeeting(t *testing.T) {
	e, _ := run(t, Options{}, step{"bcotton", "#startmeeting Editorial", ""}, step{"bcotton", "#chair jflory7", ""},
		step{"jflory7", "#endmeeting", ""})
	if m := e.Meeting(); !m.Ended() || m.EndedBy != "jflory7" {
		t.Fatalf("ended %v by %q, want jflory7", m.Ended(), m.EndedBy)
	}
}
