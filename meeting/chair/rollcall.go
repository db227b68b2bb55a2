package chair

import (
	"context"
	"slices"
	"time"
)

// RollCallTopic is what /rollcall says.
const RollCallTopic = "#topic Roll call"

// AccountLookup finds the accounts that list an IRC nick (FASJSON search
// by IRC nick, or the offline snapshot): an empty list when none does.
// chairio.Lookups adapts *backend.Router.
type AccountLookup interface {
	Accounts(ctx context.Context, nick string) ([]string, error)
}

// Present is someone who spoke since the roll call began.
type Present struct {
	Nick string
	At   time.Time // first line since the roll call
	// Accounts are the accounts known for the nick (nil: not looked up
	// yet; empty: none found).
	Accounts []string
}

// RollCall marks who has spoken since "#topic Roll call" was seen in the
// channel, in the order they first spoke.
type RollCall struct {
	Start time.Time
	Fold  Fold

	present []Present
	index   map[string]int // folded nick -> present
	asked   map[string]bool
}

// NewRollCall begins a roll call at the time its topic line was seen.
func NewRollCall(at time.Time, fold Fold) *RollCall {
	return &RollCall{Start: at, Fold: fold, index: map[string]int{}, asked: map[string]bool{}}
}

// Spoke marks nick, who said a line at at; it reports whether nick is
// newly marked. Lines from before the roll call do not count.
func (r *RollCall) Spoke(nick string, at time.Time) bool {
	if nick == "" || at.Before(r.Start) {
		return false
	}
	k := r.Fold.of(nick)
	if _, ok := r.index[k]; ok {
		return false
	}
	r.index[k] = len(r.present)
	r.present = append(r.present, Present{Nick: nick, At: at})
	return true
}

// Marked reports whether nick has spoken since the roll call began.
func (r *RollCall) Marked(nick string) bool {
	_, ok := r.index[r.Fold.of(nick)]
	return ok
}

// Present lists who has spoken, in order.
func (r *RollCall) Present() []Present {
	out := slices.Clone(r.present)
	for i := range out {
		out[i].Accounts = slices.Clone(out[i].Accounts)
	}
	return out
}

// Rename keeps a present nick marked across a nick change.
func (r *RollCall) Rename(old, nick string) {
	ko, kn := r.Fold.of(old), r.Fold.of(nick)
	i, ok := r.index[ko]
	if !ok {
		return
	}
	if _, taken := r.index[kn]; taken {
		return // both spoke: both stay
	}
	delete(r.index, ko)
	r.index[kn] = i
	r.present[i].Nick = nick
	if r.asked[ko] {
		delete(r.asked, ko)
		r.asked[kn] = true
	}
}

// ToLookUp returns the present nicks whose accounts were not asked for
// yet, and marks them asked (so each nick is looked up once).
func (r *RollCall) ToLookUp() []string {
	var out []string
	for _, p := range r.present {
		if k := r.Fold.of(p.Nick); !r.asked[k] {
			r.asked[k] = true
			out = append(out, p.Nick)
		}
	}
	return out
}

// SetAccounts records the accounts found for nick (an empty list when
// none lists it); nick is not asked for again.
func (r *RollCall) SetAccounts(nick string, accounts []string) {
	k := r.Fold.of(nick)
	r.asked[k] = true
	if i, ok := r.index[k]; ok {
		r.present[i].Accounts = append([]string{}, accounts...)
	}
}

// Accounts returns the accounts recorded for nick (for Voter.Accounts).
func (r *RollCall) Accounts(nick string) []string {
	if i, ok := r.index[r.Fold.of(nick)]; ok {
		return slices.Clone(r.present[i].Accounts)
	}
	return nil
}

// Unanswered lists the present nicks whose accounts are not recorded (a
// lookup lost with a killed process): they are asked for again.
func (r *RollCall) Unanswered() []string {
	var out []string
	for _, p := range r.present {
		if p.Accounts == nil {
			out = append(out, p.Nick)
		}
	}
	return out
}
