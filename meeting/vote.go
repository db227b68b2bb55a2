package meeting

import (
	"fmt"
	"strings"
)

// Voting works as in OpenStack's meetbot: #startvote Question? a, b
// (chairs), #vote option (anyone, last vote counts), #showvote, #endvote
// (chairs), which records a VOTE item.

func (e *Engine) startVote(s said, line Line, arg string) {
	if e.vote != nil {
		e.say("Already voting on '" + e.vote.Question + "'")
		return
	}
	q, i := arg, strings.LastIndexByte(arg, '?')
	if i < 0 {
		e.say("Unable to parse vote topic and options.")
		return
	}
	q = strings.Clone(strings.TrimSpace(arg[:i+1]))
	var opts []string
	for _, o := range strings.FieldsFunc(arg[i+1:], func(r rune) bool { return r == ',' || r == '/' }) {
		if o = strings.TrimSpace(o); o != "" && !containsFold(opts, o) {
			opts = append(opts, strings.Clone(o))
		}
	}
	if len(opts) == 0 {
		opts = []string{"Yes", "No"}
	}
	if q == "?" {
		e.say("Unable to parse vote topic and options.")
		return
	}
	e.vote = &Vote{Question: q, Options: opts, Ballots: map[string]string{}, Nick: strings.Clone(s.nick), Time: line.Time, Line: line.N}
	e.say("Begin voting on: " + q + " Valid vote options are " + strings.Join(opts, ", ") + ".")
	e.say("Vote using '#vote OPTION'. Only your last vote counts.")
}

func (e *Engine) castVote(s said, arg string) {
	v := e.vote
	if v == nil {
		return
	}
	choice := strings.TrimSpace(arg)
	for _, o := range v.Options {
		if strings.EqualFold(o, choice) {
			nick := s.nick
			if _, voted := v.Ballots[nick]; !voted {
				nick = strings.Clone(nick)
				v.Voters = append(v.Voters, nick)
			}
			v.Ballots[nick] = o
			return
		}
	}
	e.say(s.nick + ": " + choice + " is not a valid option. Valid options are " + strings.Join(v.Options, ", ") + ".")
}

func (e *Engine) showVote() {
	v := e.vote
	if v == nil {
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
