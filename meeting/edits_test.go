package meeting

import (
	"slices"
	"testing"
	"time"
)

// matrixRoom feeds events a second apart to a Fedora-dialect engine.
type matrixRoom struct {
	t   *testing.T
	e   *Engine
	at  time.Time
	log []Line
	say []string
}

func newMatrixRoom(t *testing.T, opts Options) *matrixRoom {
	opts.Channel, opts.Dialect = "#infra:fedora.im", DialectFedora
	return &matrixRoom{t: t, e: NewEngine(opts), at: t0}
}

func (r *matrixRoom) feed(ev Event) {
	r.say = nil
	for _, eff := range r.e.Handle(ev) {
		switch eff.Kind {
		case EffectLog:
			r.log = append(r.log, eff.Line)
		case EffectSay:
			r.say = append(r.say, eff.Text)
		}
	}
	r.at = r.at.Add(time.Second)
}

func (r *matrixRoom) msg(nick, id, text string) {
	r.feed(Message{Time: r.at, Nick: nick, Account: "@" + nick + ":fedora.im", ID: id, Text: text})
}

func TestEditUpdatesItsItem(t *testing.T) {
	tests := []struct {
		name, edit string
		want       []string
		reply      string
	}{
		{"new text", "!info the mirror is back", []string{"INFO:the mirror is back"}, "Updated item in minutes: INFO by nirik at 12:02:27 : the mirror is back"},
		{"new kind", "!idea a second mirror", []string{"IDEA:a second mirror"}, "Updated item in minutes: IDEA by nirik at 12:02:27 : a second mirror"},
		{"no command", "the mirror is down", nil, "Removing item from minutes: INFO by nirik at 12:02:27 : the mirror is down"},
		{"a bare URL", "https://status.fedoraproject.org", []string{"LINK:https://status.fedoraproject.org"}, "Updated item in minutes: LINK by nirik at 12:02:27 : https://status.fedoraproject.org"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newMatrixRoom(t, Options{})
			r.msg("nirik", "$start", "!startmeeting infra")
			r.msg("nirik", "$info", "!info the mirror is down")
			r.feed(Edit{Time: r.at, Nick: "nirik", Account: "@nirik:fedora.im", ID: "$info", Text: tt.edit})
			if got := kinds(r.e.Meeting().Items); !slices.Equal(got, tt.want) {
				t.Errorf("items %q, want %q", got, tt.want)
			}
			if !slices.Equal(r.say, []string{tt.reply}) {
				t.Errorf("replies %q, want %q", r.say, tt.reply)
			}
			last := r.log[len(r.log)-1]
			if last.Op != OpEdit || last.Target != 2 || last.OpText() != "edited line 2: "+tt.edit {
				t.Errorf("logged %+v (%q)", last, last.OpText())
			}
		})
	}
}

// TestEditRunsNothingNew: editing an ordinary line into a command logs the
// edit and runs nothing.
func TestEditRunsNothingNew(t *testing.T) {
	r := newMatrixRoom(t, Options{})
	r.msg("nirik", "$start", "!startmeeting infra")
	r.msg("nirik", "$chat", "hello")
	r.feed(Edit{Time: r.at, Nick: "nirik", Account: "@nirik:fedora.im", ID: "$chat", Text: "!endmeeting"})
	if !r.e.Active() || len(r.e.Meeting().Items) != 0 || len(r.say) != 0 {
		t.Errorf("an edit ran a command: active %v, items %q, said %q", r.e.Active(), kinds(r.e.Meeting().Items), r.say)
	}
	if last := r.log[len(r.log)-1]; last.Op != OpEdit || last.Target != 2 {
		t.Errorf("the edit was not logged: %+v", last)
	}
}

// TestEditOfAChairCommandByANonChair: an item only chairs make does not
// survive an edit into it by someone who is no chair.
func TestEditOfAChairCommandByANonChair(t *testing.T) {
	r := newMatrixRoom(t, Options{})
	r.msg("nirik", "$start", "!startmeeting infra")
	r.msg("adamw", "$idea", "!idea ship it")
	r.feed(Edit{Time: r.at, Nick: "adamw", Account: "@adamw:fedora.im", ID: "$idea", Text: "!agreed ship it"})
	if got := kinds(r.e.Meeting().Items); len(got) != 0 {
		t.Errorf("items %q after a non-chair's edit into !agreed", got)
	}
}

// TestEditByAnotherIsIgnored: as Matrix clients show only the sender's
// edits, the meeting takes only those.
func TestEditByAnotherIsIgnored(t *testing.T) {
	r := newMatrixRoom(t, Options{})
	r.msg("nirik", "$start", "!startmeeting infra")
	r.msg("adamw", "$info", "!info mine")
	n := len(r.log)
	r.feed(Edit{Time: r.at, Nick: "adamw", Account: "@mallory:evil.org", ID: "$info", Text: "!info changed"})
	if got := kinds(r.e.Meeting().Items); !slices.Equal(got, []string{"INFO:mine"}) || len(r.log) != n {
		t.Errorf("items %q, %d lines logged", got, len(r.log)-n)
	}
}

func TestRedactionRemovesItsItems(t *testing.T) {
	r := newMatrixRoom(t, Options{})
	r.msg("nirik", "$start", "!startmeeting infra")
	r.msg("nirik", "$a", "!info one")
	// A multi-line message: two lines, two items, one event ID.
	r.feed(Message{Time: r.at, Nick: "nirik", ID: "$b", Text: "!info two"})
	r.feed(Message{Time: r.at, Nick: "nirik", ID: "$b", Part: 1, Text: "!action nirik three"})
	r.msg("nirik", "$c", "!info four")
	r.feed(Redaction{Time: r.at, Nick: "nirik", ID: "$b", Reason: "wrong meeting"})
	if got, want := kinds(r.e.Meeting().Items), []string{"INFO:one", "INFO:four"}; !slices.Equal(got, want) {
		t.Errorf("items %q, want %q", got, want)
	}
	if len(r.say) != 2 || r.say[0] != "Removing item from minutes: INFO by nirik at 12:02:28 : two" {
		t.Errorf("replies %q", r.say)
	}
	n := len(r.log)
	if a, b := r.log[n-2], r.log[n-1]; a.OpText() != "redacted line 3" || b.OpText() != "redacted line 4" {
		t.Errorf("logged %q, %q", a.OpText(), b.OpText())
	}
	// Unknown IDs and events outside a meeting do nothing.
	r.feed(Redaction{Time: r.at, Nick: "nirik", ID: "$nothing"})
	if len(r.log) != n {
		t.Error("a redaction of an unknown event was logged")
	}
}

func TestChairsByPowerLevelAndUserID(t *testing.T) {
	mods := map[string]bool{"@mattdm:fedora.im": true}
	r := newMatrixRoom(t, Options{Moderator: func(_, id string) bool { return mods[id] }})
	r.msg("nirik", "$1", "!startmeeting infra")
	r.msg("adamw", "$2", "!agreed refused: adamw is no chair")
	r.msg("mattdm", "$3", "!agreed by power level")
	r.msg("nirik", "$4", "!chair @kevin:fedora.im")
	r.msg("kevin", "$5", "!agreed by user ID")
	r.msg("kevin", "$6", "!agreed again")
	if got, want := kinds(r.e.Meeting().Items), []string{"AGREED:by power level", "AGREED:by user ID", "AGREED:again"}; !slices.Equal(got, want) {
		t.Errorf("items %q, want %q", got, want)
	}
	var ops []string
	for _, l := range r.log {
		if l.Op != OpNone {
			ops = append(ops, l.Nick+" "+l.OpText())
		}
	}
	if want := []string{"mattdm is a chair by power level", "kevin is a chair as @kevin:fedora.im"}; !slices.Equal(ops, want) {
		t.Errorf("logged %q, want %q", ops, want)
	}
	if !r.e.Meeting().IsChair("mattdm") || r.e.Meeting().IsChair("adamw") {
		t.Errorf("chairs %q", r.e.Meeting().ChairList())
	}
}

// TestZodbotStyleIgnoresEdits: MeetBot's log cannot say an edit, so
// zodbot style runs none.
func TestZodbotStyleIgnoresEdits(t *testing.T) {
	r := newMatrixRoom(t, Options{Style: StyleZodbot})
	r.msg("nirik", "$1", "!startmeeting infra")
	r.msg("nirik", "$2", "!info one")
	n := len(r.log)
	r.feed(Edit{Time: r.at, Nick: "nirik", ID: "$2", Text: "!info two"})
	r.feed(Redaction{Time: r.at, Nick: "nirik", ID: "$2"})
	if got := kinds(r.e.Meeting().Items); !slices.Equal(got, []string{"INFO:one"}) || len(r.log) != n {
		t.Errorf("items %q, %d lines logged", got, len(r.log)-n)
	}
}
