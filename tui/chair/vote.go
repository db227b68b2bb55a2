package chair

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"gavel/backend"
	"gavel/meeting"
	"gavel/tui/agenda"
)

// MaxRoster bounds a roster (a voting body, not a mailing list).
const MaxRoster = 100

// GroupLookup is what /voters group:<name> needs of the backend: the
// router's "members" lookup (FASJSON group members, or the offline
// snapshot). *backend.Router satisfies it.
type GroupLookup interface {
	Lookup(ctx context.Context, cmd string, args []string) (backend.Result, error)
}

// Roster is who may vote.
type Roster struct {
	Members []string
	// Group is the account group the members came from ("" for a list);
	// Source says who answered for it (backend.SourceLive or
	// backend.SourceOffline) and Note why, after a fallback.
	Group, Source, Note string
}

// ParseVoters reads the arguments of /voters: "group:<name>" takes the
// members of an account group through lookup (which may be nil for a
// list), anything else is a list of nicks (spaces or commas between).
// Members are deduplicated as fold compares them.
func ParseVoters(ctx context.Context, lookup GroupLookup, fold Fold, args []string) (Roster, error) {
	if len(args) == 1 && strings.HasPrefix(strings.ToLower(args[0]), "group:") {
		group := args[0][len("group:"):]
		if lookup == nil {
			return Roster{}, errors.New("chair: no account backend for group rosters")
		}
		res, err := lookup.Lookup(ctx, "members", []string{group})
		if err != nil {
			return Roster{}, fmt.Errorf("chair: voters from group %s: %w", agenda.Cut(agenda.Clean(group), 40), err)
		}
		var names []string
		for _, row := range res.Rows {
			if len(row) > 0 {
				names = append(names, row[0])
			}
		}
		r, err := newRoster(fold, names)
		if err != nil {
			return Roster{}, fmt.Errorf("chair: group %s: %w", agenda.Cut(agenda.Clean(group), 40), err)
		}
		r.Group, r.Source, r.Note = group, res.Source, res.Note
		return r, nil
	}
	var names []string
	for _, a := range args {
		names = append(names, strings.FieldsFunc(a, func(r rune) bool { return r == ',' || r == ' ' })...)
	}
	r, err := newRoster(fold, names)
	if err != nil {
		return Roster{}, fmt.Errorf("chair: voters: %w", err)
	}
	return r, nil
}

func newRoster(fold Fold, names []string) (Roster, error) {
	var r Roster
	seen := map[string]bool{}
	for _, n := range names {
		n = strings.TrimSpace(n)
		if n == "" {
			continue
		}
		if !validNick(n) {
			return Roster{}, fmt.Errorf("'%s' is not a nick or account name", agenda.Cut(agenda.Clean(n), 40))
		}
		if k := fold.of(n); !seen[k] {
			seen[k] = true
			r.Members = append(r.Members, n)
		}
	}
	switch {
	case len(r.Members) == 0:
		return Roster{}, errors.New("the roster is empty")
	case len(r.Members) > MaxRoster:
		return Roster{}, fmt.Errorf("%d members; a roster holds at most %d", len(r.Members), MaxRoster)
	}
	return r, nil
}

// validNick accepts IRC nicks and account names: printable ASCII without
// spaces, commas or the characters IRC gives a meaning (':', '#', '@',
// '!', '*', '?'), at most 64 bytes.
func validNick(s string) bool {
	if len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(",:#@!*?&%$", c) >= 0 {
			return false
		}
	}
	return true
}

// Quorum is the number of roster members who must vote (abstaining
// counts): N members, or Percent of the roster (rounded up).
type Quorum struct {
	N       int
	Percent int
}

// ParseQuorum reads /quorum's argument: "5" or "50%".
func ParseQuorum(s string) (Quorum, error) {
	s = strings.TrimSpace(s)
	if p, ok := strings.CutSuffix(s, "%"); ok {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 1 || n > 100 {
			return Quorum{}, fmt.Errorf("chair: quorum %q: a percentage is 1%% to 100%%", agenda.Cut(agenda.Clean(s), 20))
		}
		return Quorum{Percent: n}, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxRoster {
		return Quorum{}, fmt.Errorf("chair: quorum %q: want a number of voters (1 to %d) or a percentage such as 50%%", agenda.Cut(agenda.Clean(s), 20), MaxRoster)
	}
	return Quorum{N: n}, nil
}

// Set reports whether a quorum was given.
func (q Quorum) Set() bool { return q.N > 0 || q.Percent > 0 }

// Of is the number of voters the quorum asks of a roster of size members.
func (q Quorum) Of(size int) int {
	if q.Percent > 0 {
		return int(math.Ceil(float64(size) * float64(q.Percent) / 100))
	}
	return q.N
}

func (q Quorum) String() string {
	if q.Percent > 0 {
		return strconv.Itoa(q.Percent) + "%"
	}
	return strconv.Itoa(q.N)
}

// VotersLines is what /voters says so that the roster is on the record:
// "#info Voters: alice, bob, carol; quorum 2" (a percentage quorum as
// "quorum 2 (50%)"; no quorum part when none is set). A roster too long for
// one line continues in "#info Voters (cont.): ..." lines, the quorum on
// the last.
func VotersLines(r Roster, q Quorum) []string {
	tail := ""
	if q.Set() {
		tail = "; quorum " + strconv.Itoa(q.Of(len(r.Members)))
		if q.Percent > 0 {
			tail += " (" + q.String() + ")"
		}
	}
	var lines []string
	prefix := "#info Voters: "
	cur := prefix
	for i, m := range r.Members {
		item := m
		if cur != prefix {
			item = ", " + m
		}
		extra := 0
		if i == len(r.Members)-1 {
			extra = len(tail)
		}
		if len(cur)+len(item)+extra > LineBytes && cur != prefix {
			lines = append(lines, cur)
			prefix = "#info Voters (cont.): "
			cur, item = prefix, m
		}
		cur += item
	}
	return append(lines, cur+tail)
}

// Voter is who cast a ballot: the nick, and the accounts known for it (the
// services account of the IRCv3 account tag, the FAS accounts roll call
// found). A voter is a roster member when the nick or one of the accounts
// is a member's name.
type Voter struct {
	Nick     string
	Accounts []string
}

type ballot struct {
	key    string // the roster member's folded name, or the folded nick
	name   string // the roster member, or the nick
	member bool
	option string
	at     time.Time
}

// Tally is one vote: its question and options (as meeting.ParseVote reads
// #startvote) and the last ballot of each voter.
type Tally struct {
	Question string
	Options  []string
	Start    time.Time
	ballots  []ballot
}

// Result is a tally as the console shows it.
type Result struct {
	Question string
	Options  []string
	Counts   []int      // per option; only roster members when there is a roster
	Voters   [][]string // per option, in ballot order
	// Signed is set when every option reads as +1, 0 or -1 ("+1", "yes",
	// "abstain", "-1", "no", ...); Yes, Abstain and No then sum them.
	Signed           bool
	Yes, Abstain, No int
	Summary          string // "(+5, 0, -1)"; "(Mon: 3, Tue: 2)" when not Signed
	HasRoster        bool
	Voted            int      // roster members who voted (all voters without a roster)
	Missing          []string // roster members who did not vote
	Outside          []string // voters not on the roster (not counted)
	// Quorum is the number of voters the quorum asks (0 when none is set);
	// QuorumMet is true when it is reached or none is set. A percentage
	// needs a roster: without one it is never met.
	Quorum    int
	QuorumMet bool
	Agreed    string // "#agreed <question> (+5, 0, -1)", for the chair to send or edit
}

// sign reads an option as +1, 0 or -1.
func sign(option string) (int, bool) {
	switch strings.ToLower(strings.TrimSpace(option)) {
	case "+1", "1", "+", "yes", "y", "aye", "yea", "yay", "for", "approve", "accept", "ack":
		return 1, true
	case "0", "+0", "-0", "±0", "+-0", "abstain", "abs", "neutral", "abstention":
		return 0, true
	case "-1", "-", "no", "n", "nay", "against", "reject", "nack":
		return -1, true
	}
	return 0, false
}

// Votes follows the votes of a meeting from the channel's lines, like the
// engine but on the console's side, so that it works in zodbot style too:
// a chair's "#startvote Question? a, b" starts a tally, "#vote a" casts
// (the last ballot of each voter counts), a chair's "#endvote" or
// "#endmeeting" ends it. Roster and Quorum apply to every vote.
type Votes struct {
	Roster Roster
	Quorum Quorum
	Fold   Fold

	current *Tally
}

// VoteEventKind says what a line did to the votes.
type VoteEventKind int

// The kinds.
const (
	NoVote  VoteEventKind = iota // the line is not about a vote
	Started                      // a tally began
	Cast                         // a ballot counted
	Invalid                      // #vote with an option the vote does not have
	Ended                        // the tally ended; Result is set
)

// VoteEvent is what Votes.Message reports.
type VoteEvent struct {
	Kind   VoteEventKind
	Option string  // the option of a Cast ballot
	Result *Result // the final result when Ended
}

// Line is a line said in the channel, as the console receives it.
type Line struct {
	Voter
	Text  string
	Chair bool // the speaker may run chair commands (the engine says)
	Time  time.Time
}

// Message feeds a channel line to the votes.
func (v *Votes) Message(l Line) VoteEvent {
	text := strings.Trim(meeting.StripFormatting(l.Text), " \t\v\f\x01")
	cmd, arg, ok := meeting.ParseCommand(text)
	if !ok {
		return VoteEvent{}
	}
	switch {
	case cmd == "startvote" && l.Chair && v.current == nil:
		if _, err := v.Start(arg, l.Time); err != nil {
			return VoteEvent{}
		}
		return VoteEvent{Kind: Started}
	case cmd == "vote" && v.current != nil:
		o, err := v.Cast(l.Voter, arg, l.Time)
		if err != nil {
			return VoteEvent{Kind: Invalid}
		}
		return VoteEvent{Kind: Cast, Option: o}
	case (cmd == "endvote" || cmd == "endmeeting") && l.Chair && v.current != nil:
		r := v.End()
		return VoteEvent{Kind: Ended, Result: &r}
	}
	return VoteEvent{}
}

// Start begins a tally on "Question? a, b" (meeting.ParseVote's rules),
// replacing a running one.
func (v *Votes) Start(arg string, at time.Time) (*Tally, error) {
	q, opts, ok := meeting.ParseVote(agenda.Clean(arg))
	if !ok {
		return nil, errors.New("chair: unable to parse vote topic and options (want \"Question? option, option\")")
	}
	v.current = &Tally{Question: q, Options: opts, Start: at}
	return v.current, nil
}

// Running returns the tally in progress.
func (v *Votes) Running() (*Tally, bool) { return v.current, v.current != nil }

// Cast records a ballot for the running tally and returns the option as
// the vote spells it.
func (v *Votes) Cast(who Voter, arg string, at time.Time) (string, error) {
	t := v.current
	if t == nil {
		return "", errors.New("chair: no vote is running")
	}
	o, ok := meeting.VoteChoice(t.Options, arg)
	if !ok {
		return "", fmt.Errorf("chair: %s is not a valid option; valid options are %s", agenda.Cut(agenda.Clean(arg), 40), strings.Join(t.Options, ", "))
	}
	b := ballot{key: v.Fold.of(who.Nick), name: who.Nick, option: o, at: at}
	if m, ok := v.member(who); ok {
		b.key, b.name, b.member = v.Fold.of(m), m, true
	}
	t.ballots = slices.DeleteFunc(t.ballots, func(x ballot) bool { return x.key == b.key })
	t.ballots = append(t.ballots, b)
	return o, nil
}

// member finds the roster member a voter is.
func (v *Votes) member(who Voter) (string, bool) {
	names := append([]string{who.Nick}, who.Accounts...)
	for _, m := range v.Roster.Members {
		fm := v.Fold.of(m)
		for _, n := range names {
			if n != "" && v.Fold.of(n) == fm {
				return m, true
			}
		}
	}
	return "", false
}

// Rename follows a nick change for the ballots cast under the old nick
// by voters not on the roster.
func (v *Votes) Rename(old, nick string) {
	if v.current == nil {
		return
	}
	for i, b := range v.current.ballots {
		if !b.member && b.key == v.Fold.of(old) {
			v.current.ballots[i].key, v.current.ballots[i].name = v.Fold.of(nick), nick
		}
	}
}

// Progress is the running tally's result so far (ok is false when no vote
// runs): the pane shows who of the roster has voted.
func (v *Votes) Progress() (Result, bool) {
	if v.current == nil {
		return Result{}, false
	}
	return v.result(v.current), true
}

// End ends the running tally and returns its result.
func (v *Votes) End() Result {
	if v.current == nil {
		return Result{}
	}
	r := v.result(v.current)
	v.current = nil
	return r
}

func (v *Votes) result(t *Tally) Result {
	r := Result{Question: t.Question, Options: slices.Clone(t.Options), Counts: make([]int, len(t.Options)),
		Voters: make([][]string, len(t.Options)), HasRoster: len(v.Roster.Members) > 0, Signed: true}
	voted := map[string]bool{}
	for _, b := range t.ballots {
		if r.HasRoster && !b.member {
			r.Outside = append(r.Outside, b.name)
			continue
		}
		i := slices.Index(t.Options, b.option)
		r.Counts[i]++
		r.Voters[i] = append(r.Voters[i], b.name)
		voted[b.key] = true
	}
	r.Voted = len(voted)
	for _, m := range v.Roster.Members {
		if !voted[v.Fold.of(m)] {
			r.Missing = append(r.Missing, m)
		}
	}
	for i, o := range t.Options {
		s, ok := sign(o)
		if !ok {
			r.Signed = false
			continue
		}
		switch s {
		case 1:
			r.Yes += r.Counts[i]
		case 0:
			r.Abstain += r.Counts[i]
		default:
			r.No += r.Counts[i]
		}
	}
	if r.Signed {
		r.Summary = fmt.Sprintf("(+%d, %d, -%d)", r.Yes, r.Abstain, r.No)
	} else {
		parts := make([]string, len(t.Options))
		for i, o := range t.Options {
			parts[i] = o + ": " + strconv.Itoa(r.Counts[i])
		}
		r.Summary = "(" + strings.Join(parts, ", ") + ")"
		r.Yes, r.Abstain, r.No = 0, 0, 0
	}
	r.QuorumMet = true
	switch {
	case v.Quorum.Percent > 0 && !r.HasRoster:
		r.QuorumMet = false
	case v.Quorum.Set():
		r.Quorum = v.Quorum.Of(len(v.Roster.Members))
		r.QuorumMet = r.Voted >= r.Quorum
	}
	// Cut the question, never the tally.
	room := LineBytes - len("#agreed  ") - len(r.Summary)
	r.Agreed = agenda.Cut("#agreed "+agenda.Cut(t.Question, max(room, 8))+" "+r.Summary, LineBytes)
	return r
}
