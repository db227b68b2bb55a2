package meeting

import (
	"fmt"
	"strings"
)

// Voting works as in OpenStack's meetbot: #startvote Question? a, b
// (chairs), #vote option (anyone, last vote counts), #showvote, #endvote
// (chairs), which records a VOTE item.

// ParseVote reads the argument of #startvote, "Question? a, b / c": the
// question up to its last '?', and the options after it split at ',' or
// '/' (trimmed, duplicates dropped case-insensitively; "Yes", "No" when
// none are given). ok is false when there is no question, and the engine
// says "Unable to parse vote topic and options.". The console's own tally
// uses it too, so both read a vote alike.
func ParseVote(arg string) (question string, options []string, ok bool) {
	i := strings.LastIndexByte(arg, '?')
	if i < 0 {
		return "", nil, false
	}
	question = strings.TrimSpace(arg[:i+1])
	for _, o := range strings.FieldsFunc(arg[i+1:], func(r rune) bool { return r == ',' || r == '/' }) {
		if o = strings.TrimSpace(o); o != "" && !containsFold(options, o) {
			options = append(options, o)
		}
	}
	if len(options) == 0 {
		options = []string{"Yes", "No"}
	}
	if question == "?" {
		return "", nil, false
	}
	return question, options, true
}

// VoteChoice matches the argument of #vote against a vote's options,
// case-insensitively, and returns the option as spelled in the vote.
func VoteChoice(options []string, arg string) (option string, ok bool) {
	choice := strings.TrimSpace(arg)
	for _, o := range options {
		if strings.EqualFold(o, choice) {
			return o, true
		}
	}
	return "", false
}

// ParseCommand splits a line "#cmd arg" as the engine does (MeetBot's
// `#(\w+)[ \t]*(.*)`, the command lower-cased); ok is false for a line
// that is not a command.
func ParseCommand(text string) (cmd, arg string, ok bool) { return parseCommand(text) }

// A vote in zodbot style: MeetBot 0.1.4 has no votes, so the engine says
// nothing and records nothing of them (its files stay zodbot's byte for
// byte), but it still keeps the ballots, silently, for the chair's tools:
// the engine owns the ballots and their count in both styles.

// voteSay says text unless the vote is silent (zodbot style).
func (e *Engine) voteSay(text string) {
	if e.opts.Style != StyleZodbot {
		e.say(text)
	}
}

// Vote returns the vote in progress, or nil. The chair's tools count its
// ballots against their roster; it is not safe to keep past the next
// event but to compare it.
func (e *Engine) Vote() *Vote { return e.vote }

func (e *Engine) startVote(s said, line Line, arg string) {
	if e.vote != nil {
		e.voteSay("Already voting on '" + e.vote.Question + "'")
		return
	}
	q, parsed, ok := ParseVote(arg)
	if !ok {
		e.voteSay("Unable to parse vote topic and options.")
		return
	}
	q = strings.Clone(q)
	opts := make([]string, len(parsed))
	for i, o := range parsed {
		opts[i] = strings.Clone(o)
	}
	e.vote = &Vote{Question: q, Options: opts, Ballots: map[string]string{}, Nick: strings.Clone(s.nick), Time: line.Time, Line: line.N}
	e.voteSay("Begin voting on: " + q + " Valid vote options are " + strings.Join(opts, ", ") + ".")
	e.voteSay("Vote using '#vote OPTION'. Only your last vote counts.")
}

func (e *Engine) castVote(s said, arg string) {
	v := e.vote
	if v == nil {
		return
	}
	o, ok := VoteChoice(v.Options, arg)
	if !ok {
		e.voteSay(s.nick + ": " + strings.TrimSpace(arg) + " is not a valid option. Valid options are " + strings.Join(v.Options, ", ") + ".")
		return
	}
	nick := s.nick
	if _, voted := v.Ballots[nick]; !voted {
		nick = strings.Clone(nick)
		v.Voters = append(v.Voters, nick)
	}
	v.Ballots[nick] = o
	if v.last == nil {
		v.last = map[string]int{}
	}
	v.casts++
	v.last[nick] = v.casts
}

func (e *Engine) showVote() {
	v := e.vote
	if v == nil || e.opts.Style == StyleZodbot {
		return
	}
	for i, voters := range v.Results() {
		if len(voters) > 0 {
			e.say(fmt.Sprintf("%s (%d): %s", v.Options[i], len(voters), strings.Join(voters, ", ")))
		}
	}
}

func (e *Engine) endVote(s said, line Line) {
	v := e.vote
	if v == nil {
		return
	}
	e.vote = nil
	v.Ended = true
	if e.opts.Style == StyleZodbot {
		return // silent: no reply, no VOTE item (see above)
	}
	results := v.Results()
	e.say("Voted on \"" + v.Question + "\" Results are")
	summary := "Voted on \"" + v.Question + "\" Results are"
	for i, voters := range results {
		if len(voters) > 0 {
			e.say(fmt.Sprintf("%s (%d): %s", v.Options[i], len(voters), strings.Join(voters, ", ")))
		}
		summary += fmt.Sprintf(", %s: %d", v.Options[i], len(voters))
	}
	e.meeting.Votes = append(e.meeting.Votes, v)
	e.addItem(KindVote, s, line, summary)
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}
