package chair

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"gavel/meeting"
	"gavel/meeting/chair/agenda"
)

// MaxRoster bounds a roster (a voting body, not a mailing list).
const MaxRoster = 100

// GroupLookup is what /voters group:<name> needs of the backend: the
// members of an account group (FASJSON, or the offline snapshot), and who
// answered (source) and why, after a fallback (note). chairio.Lookups
// adapts *backend.Router.
type GroupLookup interface {
	GroupMembers(ctx context.Context, group string) (members []string, source, note string, err error)
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
		names, source, note, err := lookup.GroupMembers(ctx, group)
		if err != nil {
			return Roster{}, fmt.Errorf("chair: voters from group %s: %w", agenda.Cut(agenda.Clean(group), 40), err)
		}
		r, err := newRoster(fold, names)
		if err != nil {
			return Roster{}, fmt.Errorf("chair: group %s: %w", agenda.Cut(agenda.Clean(group), 40), err)
		}
		r.Group, r.Source, r.Note = group, source, note
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

// Tally says the vote's end: "vote ended: <question> <summary>".
func (r Result) Tally() string { return "vote ended: " + r.Question + " " + r.Summary }

// Verdict says, a phrase each, the quorum's verdict and, with a roster,
// who did not vote and who voted without being counted.
func (r Result) Verdict() []string {
	var parts []string
	switch {
	case r.Quorum > 0 && r.QuorumMet:
		parts = append(parts, fmt.Sprintf("quorum %d met (%d voted)", r.Quorum, r.Voted))
	case r.Quorum > 0:
		parts = append(parts, fmt.Sprintf("quorum %d NOT met (%d voted)", r.Quorum, r.Voted))
	case !r.QuorumMet:
		parts = append(parts, "quorum not met (a percentage needs a roster: /voters)")
	}
	if r.HasRoster {
		if len(r.Missing) > 0 {
			parts = append(parts, "did not vote: "+strings.Join(r.Missing, ", "))
		} else {
			parts = append(parts, "the whole roster voted")
		}
		if len(r.Outside) > 0 {
			parts = append(parts, "not counted (not on the roster): "+strings.Join(r.Outside, ", "))
		}
	}
	return parts
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

// Votes is the electorate of a channel's votes: the roster, the quorum,
// and how names compare. The ballots and their count are the engine's
// (meeting.Vote); Result reads them against the roster.
type Votes struct {
	Roster Roster
	Quorum Quorum
	Fold   Fold

	// renamed follows nick changes during a vote: the folded old nick
	// -> the new nick, so that a voter not on the roster who votes
	// again under a new nick is one voter.
	renamed map[string]string
}

// Rename follows a nick change for the ballots cast under the old nick.
func (v *Votes) Rename(old, nick string) {
	if v.renamed == nil {
		v.renamed = map[string]string{}
	}
	v.renamed[v.Fold.of(old)] = nick
}

// Restart forgets the renames of an earlier vote (a new vote began).
func (v *Votes) Restart() { v.renamed = nil }

// current follows nick through the renames since the vote began.
func (v *Votes) current(nick string) string {
	for range 32 { // a chain of renames, bounded (a cycle ends too)
		next, ok := v.renamed[v.Fold.of(nick)]
		if !ok || v.Fold.of(next) == v.Fold.of(nick) {
			break
		}
		nick = next
	}
	return nick
}

// member finds the roster member a voter is: by nick or by one of the
// accounts known for it (the services account of the IRCv3 account tag,
// the accounts roll call found).
func (v *Votes) member(nick string, accounts []string) (string, bool) {
	for _, m := range v.Roster.Members {
		fm := v.Fold.of(m)
		if v.Fold.of(nick) == fm {
			return m, true
		}
		for _, a := range accounts {
			if a != "" && v.Fold.of(a) == fm {
				return m, true
			}
		}
	}
	return "", false
}

type ballot struct {
	key    string // the roster member's folded name, or the folded nick
	name   string // the roster member, or the nick
	member bool
	option string
	seq    int // the order of the ballot among all cast
}

// Result reads the engine's ballots of vote against the roster and the
// quorum: the last ballot of each voter counts (a roster member who voted
// under two nicks is one voter). accounts gives the accounts known for a
// nick (nil: none).
func (v *Votes) Result(vote *meeting.Vote, accounts func(nick string) []string) Result {
	var ballots []ballot
	for _, nick := range vote.Voters {
		b := ballot{name: v.current(nick), option: vote.Ballots[nick], seq: vote.LastCast(nick)}
		b.key = v.Fold.of(b.name)
		var acc []string
		if accounts != nil {
			acc = accounts(b.name)
		}
		if m, ok := v.member(b.name, acc); ok {
			b.key, b.name, b.member = v.Fold.of(m), m, true
		}
		if i := slices.IndexFunc(ballots, func(x ballot) bool { return x.key == b.key }); i >= 0 {
			if ballots[i].seq > b.seq {
				continue
			}
			ballots = slices.Delete(ballots, i, i+1)
		}
		ballots = append(ballots, b)
	}
	slices.SortStableFunc(ballots, func(a, b ballot) int { return a.seq - b.seq })
	return v.result(vote.Question, vote.Options, ballots)
}

func (v *Votes) result(question string, options []string, ballots []ballot) Result {
	r := Result{Question: question, Options: slices.Clone(options), Counts: make([]int, len(options)),
		Voters: make([][]string, len(options)), HasRoster: len(v.Roster.Members) > 0, Signed: true}
	voted := map[string]bool{}
	for _, b := range ballots {
		if r.HasRoster && !b.member {
			r.Outside = append(r.Outside, b.name)
			continue
		}
		i := slices.Index(options, b.option)
		if i < 0 {
			continue
		}
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
	for i, o := range options {
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
		parts := make([]string, len(options))
		for i, o := range options {
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
	r.Agreed = agenda.Cut("#agreed "+agenda.Cut(agenda.Clean(question), max(room, 8))+" "+r.Summary, LineBytes)
	return r
}
