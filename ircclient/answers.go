package ircclient

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// ErrAskerBusy is returned by Answer when the asker already has
// MaxAnswersPerAsker answers waiting: the ask is dropped.
var ErrAskerBusy = errors.New("ircclient: this asker already has answers waiting")

const (
	// MaxAnswersPerAsker is how many answers one nick may have waiting in
	// the low lane.
	MaxAnswersPerAsker = 2
	// CoalesceWindow: an answer asked again within this time of the first
	// ask, while it is still queued, is sent once to every asker.
	CoalesceWindow = 10 * time.Second
)

// answer is a channel lookup answer waiting in the low lane.
type answer struct {
	target  string
	ftarget string // folded target
	key     string
	askers  []string // as they asked, in order
	folded  []string // the same, case-folded
	lines   []string // the unaddressed answer
	asked   time.Time
	out     []outLine // the addressed lines, built when the first is taken
}

// Answer queues a channel lookup answer in the low lane: it is sent only
// while no line of the high lane (Say, Action, Notice, SetTopic, Join,
// Part, SendRaw…) waits, so the chair's lines and the meeting's replies
// always go first. lines are the unaddressed answer; each is sent
// addressed to the asker ("alice: …"). key names the lookup (".fas bob");
// when the same key for the same target is asked again within
// CoalesceWindow while its answer is still queued, the asker is added to
// that answer ("alice, carol: …") as long as every line still fits in
// one IRC line, else the answer is queued again for them. An asker with
// MaxAnswersPerAsker answers waiting gets ErrAskerBusy and nothing is
// queued. The lines are echoed like Say's (one Self event each).
func (c *Client) Answer(target, key, asker string, lines []string) error {
	if err := checkParam(target); err != nil {
		return fmt.Errorf("ircclient: answer target: %w", err)
	}
	if err := validNick(asker); err != nil {
		return fmt.Errorf("ircclient: answer asker: %w", err)
	}
	var clean []string
	for _, l := range lines {
		if strings.TrimSpace(l) != "" {
			clean = append(clean, l)
		}
	}
	if len(clean) == 0 {
		return fmt.Errorf("ircclient: answer to %s: empty text", asker)
	}
	now := time.Now()
	ft, fa := c.Fold(target), c.Fold(asker)
	budget := textBudget(c.prefixLen(), "PRIVMSG", target)

	q := c.sendq
	q.mu.Lock()
	waiting := 0
	for _, a := range q.answers {
		for _, f := range a.folded {
			if f == fa {
				waiting++
			}
		}
		if a.out != nil || a.key != key || a.ftarget != ft || now.Sub(a.asked) >= CoalesceWindow {
			continue
		}
		if contains(a.folded, fa) {
			q.mu.Unlock()
			return nil // already to be answered in that line
		}
		if fits(append(a.askers[:len(a.askers):len(a.askers)], asker), a.lines, budget) {
			a.askers = append(a.askers, asker)
			a.folded = append(a.folded, fa)
			q.mu.Unlock()
			return nil
		}
	}
	if waiting >= MaxAnswersPerAsker {
		q.mu.Unlock()
		return fmt.Errorf("%w (%s: %d)", ErrAskerBusy, asker, waiting)
	}
	if len(q.items)-q.head+q.lowLines+len(clean) > q.max {
		q.mu.Unlock()
		return ErrQueueFull
	}
	q.answers = append(q.answers, &answer{target: target, ftarget: ft, key: key, askers: []string{asker}, folded: []string{fa}, lines: clean, asked: now})
	q.lowLines += len(clean)
	q.mu.Unlock()
	q.signal()
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// address is the prefix of an answer's lines: "alice: " or "alice, bob: ".
func address(askers []string) string { return strings.Join(askers, ", ") + ": " }

// fits reports whether every line, addressed to askers, fits in one line.
func fits(askers, lines []string, budget int) bool {
	p := len(address(askers))
	for _, l := range lines {
		if p+len(l) > budget || strings.ContainsAny(l, "\r\n") {
			return false
		}
	}
	return true
}

// buildAnswer turns an answer into its addressed, split lines when the
// writer takes its first line (so the askers added until then are in it).
// It is called with the queue locked.
func (c *Client) buildAnswer(a *answer) []outLine {
	budget := textBudget(c.prefixLen(), "PRIVMSG", a.target)
	private := !c.IsChannel(a.target)
	prefix := address(a.askers)
	var out []outLine
	for _, l := range a.lines {
		for _, p := range SplitText(prefix+l, budget) {
			out = append(out, c.textLine("PRIVMSG", a.target, p, false, private))
		}
	}
	return out
}
