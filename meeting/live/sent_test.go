package live

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"gavel/ircclient"
)

// TestIRCAdapterSaysPendingAndUnsent: ircclient's word on our own lines
// (waiting, refused, lost), a taken nick and a kick's refusal reach the
// driver's vocabulary.
func TestIRCAdapterSaysPendingAndUnsent(t *testing.T) {
	at := time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)
	m := ircclient.Meta{Time: at}
	self := ircclient.Source{Nick: "chair", Self: true}
	line := ircclient.Message{Meta: m, Source: self, Target: "#meet", Text: "#info hi"}
	refusal := &ircclient.Error{Meta: m, Code: "404", Window: "#meet", Text: "Cannot send to channel: channel is moderated (+m)", Params: []string{"chair", "#meet", "x"}}
	got := NewIRC(nil).Translate([]ircclient.Event{
		ircclient.Pending{Meta: m, Target: "#meet", Line: line},
		ircclient.Pending{Meta: m, Target: "#meet", Line: ircclient.Action{Meta: m, Source: self, Target: "#meet", Text: "waves"}},
		ircclient.Pending{Meta: m, Target: "bob", Line: ircclient.CTCP{Meta: m, Source: self, Target: "bob", Command: "VERSION"}},
		ircclient.Unsent{Meta: m, Target: "#meet", Line: line, Refusal: refusal},
		ircclient.Unsent{Meta: m, Target: "#meet", Line: line},
		ircclient.State{Meta: m, State: ircclient.Registered, Nick: "chair_", Wanted: "chair"},
	})
	want := []Event{
		Pending{Meta: Meta{Time: at}, Target: "#meet", Text: "#info hi"},
		Pending{Meta: Meta{Time: at}, Target: "#meet", Text: "waves", Action: true},
		Unsent{Meta: Meta{Time: at}, Target: "#meet", Text: "#info hi", Code: "404",
			Reason: "#meet is moderated (+m) and gavel has no voice: ask for +v (404 Cannot send to channel: channel is moderated (+m))"},
		Unsent{Meta: Meta{Time: at}, Target: "#meet", Text: "#info hi",
			Reason: "the connection ended before the server confirmed it: the line is not in the minutes (say it again if it matters)"},
		Conn{Meta: Meta{Time: at}, State: Connected, Nick: "chair_", Wanted: "chair"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%#v\nwant\n%#v", got, want)
	}
	err := notIn(fmt.Errorf("%w #meet (kicked by op): /join #meet", ircclient.ErrNotInChannel))
	if !errors.Is(err, ErrNotInChannel) || !strings.Contains(err.Error(), "/join #meet") {
		t.Errorf("a kick's refusal: %v", err)
	}
}

// TestPendingAndUnsentNeverRunAMeeting: the controller feeds no meeting
// from a line that only waits or was refused.
func TestPendingAndUnsentNeverRunAMeeting(t *testing.T) {
	net := &recorder{nick: "chair"}
	c := newController(t, t.TempDir(), t.TempDir(), net)
	online(c)
	c.HandleBatch([]Event{
		Pending{Meta: Meta{Time: t0}, Target: "#meet", Text: "#startmeeting Never"},
		Unsent{Meta: Meta{Time: t0}, Target: "#meet", Text: "#startmeeting Never", Code: "404", Reason: "moderated"},
	})
	if m := c.Meeting("#meet"); m != nil {
		t.Errorf("a meeting ran from a line the channel never saw: %+v", m)
	}
	if len(net.said) != 0 {
		t.Errorf("said %q", net.said)
	}
}
