package chair

import (
	"fmt"

	"gavel/meeting/chair/agenda"
)

// ActionState is what became of a previous meeting's action item.
type ActionState int

// The states.
const (
	Open    ActionState = iota // not followed up yet
	Done                       // /done posted "#info done: ..."
	Carried                    // /carry posted "#action ..." again
)

func (s ActionState) String() string {
	switch s {
	case Done:
		return "done"
	case Carried:
		return "carried"
	}
	return "open"
}

// Action is one action item of the previous meeting.
type Action struct {
	Text  string
	State ActionState
}

// FollowUp is the follow-up of the previous meeting's action items, listed
// in the Actions pane as "from <Date>".
type FollowUp struct {
	Date    string // YYYY-MM-DD of the previous meeting (publish.Previous.Date)
	actions []Action
}

// NewFollowUp lists actions (publish.Previous.Actions) of the meeting held
// on date. Texts are cleaned to one line; empty ones are dropped.
func NewFollowUp(date string, actions []string) *FollowUp {
	f := &FollowUp{Date: agenda.Clean(date)}
	for _, a := range actions {
		if a = agenda.Clean(a); a != "" {
			f.actions = append(f.actions, Action{Text: a})
		}
	}
	return f
}

// Actions lists the actions with their state, numbered from 1 in order.
func (f *FollowUp) Actions() []Action { return append([]Action(nil), f.actions...) }

// Topic is what /followup says: "#topic Follow-up on actions from <date>".
func (f *FollowUp) Topic() string { return line("#topic Follow-up on actions from ", f.Date) }

// Done marks action n (1-based) done and returns what /done says:
// "#info done: <action>".
func (f *FollowUp) Done(n int) (string, error) { return f.mark(n, Done, "#info done: ") }

// Carry marks action n (1-based) carried and returns what /carry says:
// "#action <action>", so that it is in this meeting's minutes too.
func (f *FollowUp) Carry(n int) (string, error) { return f.mark(n, Carried, "#action ") }

func (f *FollowUp) mark(n int, state ActionState, prefix string) (string, error) {
	a, err := f.open(n)
	if err != nil {
		return "", err
	}
	a.State = state
	return line(prefix, a.Text), nil
}

func (f *FollowUp) open(n int) (*Action, error) {
	if n < 1 || n > len(f.actions) {
		return nil, fmt.Errorf("chair: there is no action %d (the meeting of %s had %d)", n, f.Date, len(f.actions))
	}
	a := &f.actions[n-1]
	if a.State != Open {
		return nil, fmt.Errorf("chair: action %d is already %s", n, a.State)
	}
	return a, nil
}

// Reopen puts action n back to open (after an #undo in the channel).
func (f *FollowUp) Reopen(n int) error {
	if n < 1 || n > len(f.actions) {
		return fmt.Errorf("chair: there is no action %d (the meeting of %s had %d)", n, f.Date, len(f.actions))
	}
	f.actions[n-1].State = Open
	return nil
}
